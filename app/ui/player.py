"""The controller: the one owner of the window's mutable state.

It holds the current technique's timeline and two plain dataclasses (:mod:`app.ui.state`):
``state`` (:class:`PlaybackState`: frame, play/pause, speed, loop modes, magnification) and
``display`` (:class:`DisplayState`: side, mode, ghost, axes, contacts, labels, hidden bones, X-ray,
selection). Only the controller writes them; after every change it emits ``changed(field name)``
(and, for playback, the specific signals below). Widgets and QActions observe it and send it
commands, never each other.

Timing: while playing, a QTimer ticks at the technique's frame rate (it is stopped while paused: no
ticks). Each tick asks the clock which frame *should* be shown now,
``frame = anchor_frame + floor(elapsed_s * fps * speed)``, and shows that one: late frames are skipped,
never queued, so playing time stays true to the clock. Changing the speed re-anchors at once, without
stopping. The pose of a frame never depends on how it was reached: the view always asks the timeline
for frame *n*.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal

from app.ui.state import DisplayState, PlaybackState, field_names

SPEEDS = (0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
MIN_SPEED, MAX_SPEED = SPEEDS[0], SPEEDS[-1]


def _read(group: str, name: str):
    return property(lambda self: getattr(getattr(self, group), name), doc=f"``{group}.{name}`` (read only)")


class PlaybackController(QObject):
    technique_changed = Signal(object)  # Technique or None
    timeline_changed = Signal(object)  # Timeline (technique or magnification changed)
    frame_changed = Signal(int)
    phase_changed = Signal(int)
    playing_changed = Signal(bool)
    speed_changed = Signal(float)
    loop_changed = Signal(bool, bool)  # loop, loop_phase
    side_changed = Signal(str)
    magnify_changed = Signal(float)
    changed = Signal(str)  # the name of a field of ``state`` or ``display`` that changed

    frame = _read("state", "frame")
    playing = _read("state", "playing")
    speed = _read("state", "speed")
    loop = _read("state", "loop")
    loop_phase = _read("state", "loop_phase")
    pause_at_phase_end = _read("state", "pause_at_phase_end")
    magnify = _read("state", "magnify")
    side = _read("display", "side")

    def __init__(self, rig, parent: QObject | None = None, *, side: str = "right"):
        super().__init__(parent)
        self.rig = rig
        self.technique = None
        self.timeline = None
        self.state = PlaybackState()
        self.display = DisplayState(side=side)
        self.display.validate()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._clock = QElapsedTimer()
        self._anchor_frame = 0
        self._stop_frame: int | None = None
        self._phase = -1

    # -- technique --------------------------------------------------------------------------------
    def set_technique(self, technique, *, frame: int = 0, magnify: float | None = None) -> None:
        from app.techniques.timeline import Timeline

        self.pause()
        self.technique = technique
        self.state.magnify = magnify if magnify is not None else (technique.display_magnification if technique else None)
        self.timeline = Timeline(technique, self.rig, magnify=self.magnify) if technique else None
        if self.timeline is not None:
            self.state.magnify = self.timeline.magnify
        # the frame moves onto the new timeline before anyone hears of it: an observer of the
        # technique or timeline reading ``frame`` never sees one beyond the new technique's end
        self.state.frame = int(min(max(frame, 0), self.last_frame))
        self._phase = self.timeline.phase_index(self.frame) if self.timeline is not None else -1
        self.technique_changed.emit(technique)
        self.timeline_changed.emit(self.timeline)
        if self.magnify is not None:
            self.magnify_changed.emit(self.magnify)
        self.frame_changed.emit(self.frame)
        self.changed.emit("frame")
        if self.timeline is not None:
            self.phase_changed.emit(self._phase)

    def set_magnify(self, magnify: float) -> None:
        """Display magnification of accessory motion (1-10x, :data:`~app.techniques.timeline.MAGNIFY_RANGE`);
        the frame shown stays the same."""
        if self.technique is None:
            return
        from app.techniques.timeline import Timeline

        from app.techniques.timeline import check_magnify

        magnify = check_magnify(magnify)  # the one check: 0, NaN or 1e9 raise TalusError, as everywhere
        if self.timeline is not None and math.isclose(magnify, self.timeline.magnify):
            return
        self.state.magnify = magnify
        self.timeline = Timeline(self.technique, self.rig, magnify=magnify)
        self.timeline_changed.emit(self.timeline)
        self.magnify_changed.emit(magnify)
        self.changed.emit("magnify")
        self.frame_changed.emit(self.frame)

    def set_side(self, side: str) -> None:
        self.set_display(side=side)

    # -- display ------------------------------------------------------------------------------------
    def set_display(self, **changes) -> None:
        """Change fields of :attr:`display`; emit ``changed(name)`` for each that really changed.

        Example: ``controller.set_display(ghost=True, labels=True)``."""
        unknown = set(changes) - set(field_names(DisplayState))
        if unknown:
            raise KeyError(f"no display field {sorted(unknown)}")
        if "hidden" in changes:
            changes["hidden"] = frozenset(changes["hidden"])
        new = [k for k, v in changes.items() if getattr(self.display, k) != v]
        old = {k: getattr(self.display, k) for k in new}
        for k in new:
            setattr(self.display, k, changes[k])
        try:
            self.display.validate()
        except ValueError:
            for k, v in old.items():
                setattr(self.display, k, v)
            raise
        for k in new:
            if k == "side":
                self.side_changed.emit(self.display.side)
            self.changed.emit(k)

    def get(self, name: str):
        """The value of field ``name`` of :attr:`state` or :attr:`display`."""
        return getattr(self.display if name in field_names(DisplayState) else self.state, name)

    def set(self, name: str, value) -> None:
        """Set one field by name through its command (loop, speed, ... or a display field)."""
        setters = {"loop": self.set_loop, "loop_phase": self.set_loop_phase, "speed": self.set_speed,
                   "pause_at_phase_end": self.set_pause_at_phase_end, "magnify": self.set_magnify,
                   "frame": self.set_frame, "playing": lambda on: self.play() if on else self.pause()}
        if name in setters:
            setters[name](value)
        else:
            self.set_display(**{name: value})

    # -- frames -------------------------------------------------------------------------------------
    @property
    def n_frames(self) -> int:
        return self.timeline.n_frames if self.timeline else 0

    @property
    def last_frame(self) -> int:
        return max(0, self.n_frames - 1)

    @property
    def phase(self) -> int:
        return self.timeline.phase_index(self.frame) if self.timeline else -1

    def set_frame(self, frame: int) -> None:
        """Show frame ``frame`` (clamped). Re-anchors the clock when playing."""
        if self.timeline is None:
            return
        frame = int(min(max(frame, 0), self.last_frame))
        if self.playing:
            self._anchor(frame)
        self._show(frame)

    def _show(self, frame: int) -> None:
        if frame == self.frame:
            return
        self.state.frame = frame
        self.frame_changed.emit(frame)
        self.changed.emit("frame")
        ph = self.timeline.phase_index(frame)
        if ph != self._phase:
            self._phase = ph
            self.phase_changed.emit(ph)

    def step(self, delta: int) -> None:
        self.pause()
        self.set_frame(self.frame + delta)

    def first(self) -> None:
        self.step(-self.frame)

    def last(self) -> None:
        self.step(self.last_frame - self.frame)

    def go_to_phase(self, index: int) -> None:
        if self.timeline is None:
            return
        index = min(max(index, 0), len(self.timeline.phases) - 1)
        was_playing = self.playing
        self.set_frame(self.timeline.phases[index].start_frame)
        if was_playing:
            self._anchor(self.frame)

    def next_phase(self) -> None:
        if self.timeline is not None and self.phase < len(self.timeline.phases) - 1:
            self.go_to_phase(self.phase + 1)
        else:
            self.set_frame(self.last_frame)

    def previous_phase(self) -> None:
        """Start of this phase, or of the previous one when already at (or just past) this start."""
        if self.timeline is None:
            return
        span = self.timeline.phases[self.phase]
        if self.frame - span.start_frame > 2 or self.phase == 0:
            self.go_to_phase(self.phase)
        else:
            self.go_to_phase(self.phase - 1)

    # -- play ---------------------------------------------------------------------------------------
    def play(self) -> None:
        if self.timeline is None or self.playing:
            return
        if self.frame >= self.last_frame and not (self.loop or self.loop_phase):
            self.set_frame(0)
        self._stop_frame = None
        if self.pause_at_phase_end:
            nxt = min(self.frame + 1, self.last_frame)
            self._stop_frame = self.timeline.phases[self.timeline.phase_index(nxt)].end_frame - 1
        self.state.playing = True
        self._anchor(self.frame)
        self._timer.start(max(1, int(round(1000.0 / self.timeline.fps))))
        self.playing_changed.emit(True)
        self.changed.emit("playing")

    def pause(self) -> None:
        if not self.playing:
            return
        self.state.playing = False
        self._timer.stop()
        self.playing_changed.emit(False)
        self.changed.emit("playing")

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def set_speed(self, speed: float) -> None:
        speed = min(MAX_SPEED, max(MIN_SPEED, float(speed)))
        if math.isclose(speed, self.speed):
            return
        self.state.speed = speed
        if self.playing:
            self._anchor(self.frame)
        self.speed_changed.emit(speed)
        self.changed.emit("speed")

    def slower(self) -> None:
        lower = [s for s in SPEEDS if s < self.speed - 1e-9]
        self.set_speed(lower[-1] if lower else MIN_SPEED)

    def faster(self) -> None:
        higher = [s for s in SPEEDS if s > self.speed + 1e-9]
        self.set_speed(higher[0] if higher else MAX_SPEED)

    def set_loop(self, loop: bool) -> None:
        self.state.loop = bool(loop)
        self.loop_changed.emit(self.loop, self.loop_phase)
        self.changed.emit("loop")

    def set_loop_phase(self, loop_phase: bool) -> None:
        self.state.loop_phase = bool(loop_phase)
        self.loop_changed.emit(self.loop, self.loop_phase)
        self.changed.emit("loop_phase")

    def set_pause_at_phase_end(self, on: bool) -> None:
        self.state.pause_at_phase_end = bool(on)
        self.changed.emit("pause_at_phase_end")
        if self.playing:  # re-plan the stop from here
            self.pause()
            self.play()

    def _anchor(self, frame: int) -> None:
        self._anchor_frame = frame
        self._clock.start()

    def target_frame(self, elapsed_ms: float) -> int:
        """The frame due ``elapsed_ms`` after the anchor, before loop/stop handling."""
        return self._anchor_frame + int(math.floor(elapsed_ms / 1000.0 * self.timeline.fps * self.speed + 1e-9))

    def _tick(self) -> None:
        if self.timeline is None:
            self.pause()
            return
        self.advance_to(self.target_frame(self._clock.nsecsElapsed() / 1e6))

    def advance_to(self, target: int) -> None:
        """Apply loop / stop rules to a clock-derived target frame and show it."""
        if self._stop_frame is not None and target >= self._stop_frame:
            self._show(self._stop_frame)
            self.pause()
            return
        if self.loop_phase:
            span = self.timeline.phases[self.timeline.phase_index(min(self.frame, self.last_frame))]
            start, end = span.start_frame, span.end_frame - 1
        else:
            start, end = 0, self.last_frame
        if target > end:
            if self.loop or self.loop_phase:
                length = end - start + 1
                wrapped = start + (target - start) % length
                self._anchor_frame -= target - wrapped  # keep the clock: no drift across loops
                self._show(wrapped)
            else:
                self._show(end)
                self.pause()
            return
        self._show(target)
