"""What the window remembers between runs, in QSettings: geometry and dock layout, the side of the
foot, the speed, and the last technique with its frame and magnification."""

from __future__ import annotations


class Persistence:
    def __init__(self, window):
        self.window = window

    def save(self) -> None:
        w = self.window
        s = w.settings
        s.setValue("window/geometry", w.saveGeometry())
        s.setValue("window/state", w.saveState())
        s.setValue("side", w.player.side)
        s.setValue("speed", w.player.speed)
        if w.player.technique is not None:
            s.setValue("technique", w.player.technique.id)
            s.setValue("frame", w.player.frame)
            s.setValue("magnify", w.player.magnify)
        s.sync()

    def restore(self) -> None:
        """Layout, side and speed (a bad value in the settings is ignored)."""
        w = self.window
        s = w.settings
        geometry, state = s.value("window/geometry"), s.value("window/state")
        if geometry is not None:
            w.restoreGeometry(geometry)
        if state is not None:
            w.restoreState(state)
        side = s.value("side", None)
        if side in ("left", "right"):
            w.player.set_display(side=side)
        try:
            w.player.set_speed(float(s.value("speed", 1.0)))
        except (TypeError, ValueError):
            pass

    def restore_technique(self) -> bool:
        """Open the last technique at its frame and magnification; False if there is none to restore."""
        w = self.window
        tid = w.settings.value("technique", None)
        if not tid or w.technique(tid) is None:
            return False
        from app.errors import TalusError
        from app.techniques.timeline import check_magnify

        try:
            frame = int(w.settings.value("frame", 0))
        except (TypeError, ValueError):
            frame = 0
        saved = w.settings.value("magnify", None)
        try:  # the same check as the command line's; a damaged value falls back on the technique's own
            magnify = check_magnify(saved) if saved not in (None, "", 0, "0") else None
        except TalusError:
            magnify = None
        return w.open_technique(tid, frame=frame, magnify=magnify)
