"""Playback mode: a technique plays, steps and loops; the view shows the pose of the frame shown.

Data flow::

    QAction / panel -> PlaybackController (frame, speed, loop ...) -> frame_changed
        -> PlaybackMode._show_frame(n) -> presenter.show_pose(timeline.transforms(n)) -> one render

The pose of frame n is a pure function of (technique, n, magnification): however frame n was
reached, the same matrices are shown.
"""

from __future__ import annotations

from app.scene.camera import frame_technique


class PlaybackMode:
    name = "playback"
    title = "Watch a technique"

    def __init__(self, window):
        self.window = window
        self.player = window.player
        self.presenter = window.presenter
        self.active = True
        self.player.technique_changed.connect(self._on_technique)
        self.player.timeline_changed.connect(lambda _tl: self._show_frame(self.player.frame))
        self.player.frame_changed.connect(self._show_frame)

    # -- mode switching ---------------------------------------------------------------------------------
    def activate(self) -> None:
        self.active = True
        self.presenter.set_technique(self.player.technique, timeline=self.player.timeline)
        self.window.readout._on_timeline(self.player.timeline)
        self.window.readout.refresh()
        self._show_frame(self.player.frame)

    def deactivate(self) -> None:
        self.active = False
        self.player.pause()

    # -- techniques -------------------------------------------------------------------------------------
    def open_technique(self, technique_id: str, *, frame: int = 0, magnify: float | None = None,
                       turn_camera: bool = True) -> bool:
        w = self.window
        tech = w.technique(technique_id)
        if tech is None:
            w.statusBar().showMessage(f"No technique '{technique_id}' in the library", 5000)
            return False
        w.browser.select(technique_id)
        if self.player.display.mode != "playback":  # picking a technique is asking to watch it
            w.set_mode("playback")
        self.player.set_technique(tech, frame=frame, magnify=magnify)
        if turn_camera:
            self.frame_technique_region()
        return True

    def frame_technique_region(self) -> None:
        """Turn the camera to a view that shows the bones the technique works on."""
        tech = self.player.technique
        if tech is None:
            return
        view = self.window.view
        view.view, framed_on = frame_technique(view.plotter.renderer, view.scene, tech, side=self.player.side,
                                               timeline=self.player.timeline)
        view.fit_scale = 1.0  # fitted afresh: no earlier room for labels or the legend applies
        # labels on or the legend shown: room for them beside the bones the picture is framed on
        self.window.visibility.make_room(framed_on)
        view.request_render()

    def _on_technique(self, tech) -> None:
        if tech is not None:
            self.window.setWindowTitle(f"Talus - {tech.name}")
        if self.active:
            self.presenter.set_technique(tech, timeline=self.player.timeline)

    def _show_frame(self, frame: int) -> None:
        tl = self.player.timeline
        if tl is None or not self.active:
            return
        self.presenter.show_pose(tl.transforms(frame), frame, W_true=tl.true_transforms(frame))
