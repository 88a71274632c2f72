"""The timeline: frame -> time -> coordinate values -> pose -> bone transforms (numpy only).

::

    frame n --(/ fps)--> time t (s, expanded: phases repeated)
            --(phase k, t mod one pass)--> authored time
            --(keys: smooth / linear / step; + oscillations)--> coordinate values q (true size)
            --(mm coordinates x magnify)--> pose --(rig FK)--> (n_bones, 4, 4)

Every frame's values are computed once, when the timeline is built, from (technique, fps, magnify)
alone; ``transforms(n)`` then runs forward kinematics on row n. Between frames, ``transforms_at(t)``
evaluates the same functions at any time t (s): a clip in slow motion shows a distinct, interpolated
pose at every output frame instead of repeating frames of the fps grid. Nothing depends on how frame n was
reached (play, scrub, step or loop), so the pose of a frame is a pure function of its number.
Joint rotations are scalar coordinates composed by the rig's forward kinematics, so interpolating
them per coordinate composes the rotations correctly.

Example::

    tl = Timeline(technique, rig, fps=30)
    tl.n_frames, tl.phases[tl.phase_index(37)].cue, tl.transforms(37)
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np

from app.anatomy.kinematics import Kinematics
from app.errors import TalusError

#: display magnification of accessory motion (translations in mm): 1 = true size; the one place for its limits
MAGNIFY_RANGE = (1.0, 10.0)


def check_magnify(value) -> float:
    """``value`` as a magnification (1-10x, 1 = true size); :class:`TalusError` for 0, NaN, 1e9 or words.

    The one check for every way in: ``still``, ``export`` and ``kinematics`` options, the window's
    saved settings, and :class:`Timeline` itself.
    """
    lo, hi = MAGNIFY_RANGE
    try:
        m = float(value)
    except (TypeError, ValueError):
        m = math.nan
    if not (math.isfinite(m) and lo <= m <= hi):
        raise TalusError(f"magnification must be a number from {lo:g} to {hi:g} (1 = true size), not {value!r}")
    return m


def magnify_arg(text: str) -> float:
    """:func:`check_magnify` as an argparse ``type=`` for ``--magnify`` (its message becomes the usage error)."""
    import argparse

    try:
        return check_magnify(text)
    except TalusError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@dataclass(frozen=True)
class PhaseSpan:
    """A phase on the expanded timeline: frames ``start_frame`` .. ``end_frame - 1``."""

    index: int
    name: str
    cue: str
    repeat: int
    start_frame: int
    end_frame: int  # exclusive
    start_s: float
    end_s: float


def _shape(u: np.ndarray, interp: str) -> np.ndarray:
    if interp == "linear":
        return u
    if interp == "step":
        return np.where(u >= 1.0, 1.0, 0.0)
    return u * u * (3.0 - 2.0 * u)  # smooth: ease in and out, zero velocity at both keys


def evaluate_keys(keys, t: np.ndarray) -> np.ndarray:
    """Values of a keyed track at authored times ``t`` (s); held before the first and after the last key."""
    times = np.array([k.t_s for k in keys])
    values = np.array([k.value for k in keys])
    out = np.full(t.shape, values[0], dtype=float)
    out[t >= times[-1]] = values[-1]
    for i in range(1, len(keys)):
        t0, t1 = times[i - 1], times[i]
        sel = (t >= t0) & (t < t1)
        if np.any(sel):
            u = (t[sel] - t0) / (t1 - t0)
            out[sel] = values[i - 1] + (values[i] - values[i - 1]) * _shape(u, keys[i].interp)
    return out


class Timeline:
    """A technique sampled at ``fps`` frames per second, with accessory motion magnified for display."""

    def __init__(self, technique, rig, *, fps: float = 30.0, magnify: float | None = None,
                 kinematics: Kinematics | None = None):
        if not (fps > 0 and math.isfinite(fps)):
            raise ValueError(f"fps must be positive, not {fps!r}")
        self.technique = technique
        self.rig = rig
        self.fps = float(fps)
        if magnify is None:  # the technique's own (validated with the library)
            self.magnify = min(MAGNIFY_RANGE[1], max(MAGNIFY_RANGE[0], technique.display_magnification))
        else:
            self.magnify = check_magnify(magnify)
        self.kin = kinematics or Kinematics(rig)
        # phases: authored start (one pass) and expanded start (all repeats)
        self._a_start, self._e_start, self._pass = [], [], []
        a = e = 0.0
        for p in technique.phases:
            self._a_start.append(a)
            self._e_start.append(e)
            self._pass.append(p.duration_s)
            a += p.duration_s
            e += p.duration_s * p.repeat
        self.duration_s = e
        self.n_frames = int(round(e * self.fps)) + 1
        starts = [int(math.ceil(s * self.fps - 1e-6)) for s in self._e_start]
        ends = starts[1:] + [self.n_frames]
        self.phases = [PhaseSpan(i, p.name, p.cue, p.repeat, starts[i], ends[i], self._e_start[i],
                                 self._e_start[i] + p.duration_s * p.repeat)
                       for i, p in enumerate(technique.phases)]
        self._starts = starts
        self.animated_coordinates = [c.name for c in rig.coordinates
                                     if c.name in technique.tracks or any(o.coordinate == c.name for o in technique.oscillations)]
        self._values = self._values_at(np.arange(self.n_frames) / self.fps)
        self._scale = np.ones(len(rig.coordinates))
        for c in rig.coordinates:
            if c.unit == "mm":
                self._scale[c.index] = self.magnify
        self._pose = self._values * self._scale

    def with_magnify(self, magnify: float) -> "Timeline":
        return Timeline(self.technique, self.rig, fps=self.fps, magnify=magnify, kinematics=self.kin)

    # -- time ---------------------------------------------------------------------------------------
    def time_of(self, frame: int) -> float:
        return min(frame / self.fps, self.duration_s)

    def frame_at(self, time_s: float) -> int:
        return int(min(max(round(time_s * self.fps), 0), self.n_frames - 1))

    def phase_index(self, frame: int) -> int:
        return max(0, bisect.bisect_right(self._starts, frame) - 1)

    def phase_index_at(self, time_s: float) -> int:
        """The phase playing at expanded time ``time_s`` (s); a phase's first instant belongs to it."""
        return max(0, bisect.bisect_right(self._e_start, float(time_s) + 1e-9) - 1)

    def phase_named(self, name: str) -> PhaseSpan | None:
        return next((p for p in self.phases if p.name.lower() == name.lower()), None)

    def authored_time(self, t: np.ndarray) -> np.ndarray:
        """Expanded time (s) -> authored time (s): a repeated phase replays its single pass."""
        t = np.asarray(t, dtype=float)
        k = np.clip(np.searchsorted(self._e_start, t, side="right") - 1, 0, len(self._e_start) - 1)
        local = t - np.asarray(self._e_start)[k]
        one = np.asarray(self._pass)[k]
        reps = np.array([p.repeat for p in self.technique.phases])[k]
        wrapped = np.where(reps > 1, np.mod(local, one), local)
        at_end = local >= one * reps - 1e-9  # the very end of a phase shows its last value
        wrapped = np.where(at_end, np.minimum(local, one), wrapped)
        return np.asarray(self._a_start)[k] + wrapped

    # -- values ---------------------------------------------------------------------------------------
    def _values_at(self, t: np.ndarray) -> np.ndarray:
        """(len(t), n_coords) true-size values at expanded times ``t`` (s), clamped to the technique."""
        t = np.clip(np.asarray(t, dtype=float), 0.0, self.duration_s)
        ta = self.authored_time(t)
        q = np.zeros((len(t), len(self.rig.coordinates)))
        for name, keys in self.technique.tracks.items():
            q[:, self.rig.coordinate(name).index] = evaluate_keys(keys, ta)
        for osc in self.technique.oscillations:
            span = self.phase_named(osc.phase)
            sel = (t >= span.start_s) & (t <= span.end_s)
            tau = t[sel] - span.start_s
            q[sel, self.rig.coordinate(osc.coordinate).index] += osc.amplitude * (1 - np.cos(2 * np.pi * osc.frequency_hz * tau)) / 2
        return q

    def coordinates_at(self, time_s: float) -> np.ndarray:
        """True-size coordinate values (deg / mm, rig order) at any time ``time_s`` (s), not only on frames."""
        return self._values_at(np.array([float(time_s)]))[0]

    def coordinates_at_times(self, times_s) -> np.ndarray:
        """(len(times_s), n_coords) true-size values at many times (s) in one evaluation (a clip's frames):
        row k equals ``coordinates_at(times_s[k])``."""
        return self._values_at(np.asarray(times_s, dtype=float).reshape(-1))

    def pose_at(self, time_s: float) -> np.ndarray:
        """The drawn values at ``time_s`` (s): accessory translations (mm) times ``magnify``."""
        return self.coordinates_at(time_s) * self._scale

    def transforms_at(self, time_s: float) -> np.ndarray:
        """(n_bones, 4, 4) world transforms of the drawn pose at any time ``time_s`` (s)."""
        return self.drawn_transforms(self.coordinates_at(time_s))

    def true_transforms_at(self, time_s: float) -> np.ndarray:
        """(n_bones, 4, 4) world transforms at true size at any time ``time_s`` (s)."""
        return self.kin.transforms(self.coordinates_at(time_s))

    def drawn_transforms(self, values: np.ndarray) -> np.ndarray:
        """(n_bones, 4, 4) world transforms of true-size coordinate ``values`` as drawn (accessory
        translations times ``magnify``)."""
        return self.kin.transforms(values * self._scale)

    def magnification_note(self, time_s: float | None = None, *, values: np.ndarray | None = None) -> str | None:
        """``"distraction drawn 6x, true 1.5 mm"`` while a magnified coordinate moves, else None.

        Pictures (stills, clips) carry it so that nobody takes a magnified glide for its true size.
        The true size is that of ``values`` (true-size coordinates, e.g. a row of
        :meth:`coordinates_at_times`), else the value at ``time_s``, else the technique's peak.
        """
        if self.magnify == 1.0:
            return None
        if values is None and time_s is not None:
            values = self.coordinates_at(time_s)
        parts = []
        for name in self.animated_coordinates:
            c = self.rig.coordinate(name)
            if c.unit != "mm":
                continue
            col = self._values[:, c.index]
            if np.ptp(col) < 1e-6:
                continue  # authored but never moves
            v = abs(values[c.index]) if values is not None else float(np.max(np.abs(col)))
            parts.append(f"{c.motion} drawn {self.magnify:g}x, true {v:.1f} mm")
        return "; ".join(dict.fromkeys(parts)) or None

    def sample_coordinates(self) -> np.ndarray:
        """(n_frames, n_coords) true-size coordinate values (deg / mm), rig order."""
        return self._values

    def coordinates(self, frame: int) -> np.ndarray:
        """True-size coordinate values of ``frame`` (deg / mm), rig order."""
        return self._values[self._check(frame)]

    def pose(self, frame: int) -> np.ndarray:
        """The coordinate values drawn for ``frame``: accessory translations (mm) times ``magnify``."""
        return self._pose[self._check(frame)]

    def transforms(self, frame: int) -> np.ndarray:
        """(n_bones, 4, 4) world transforms of the drawn (magnified) pose of ``frame``."""
        return self.kin.transforms(self.pose(frame))

    def true_transforms(self, frame: int) -> np.ndarray:
        """(n_bones, 4, 4) world transforms at true size."""
        return self.kin.transforms(self.coordinates(frame))

    def _check(self, frame: int) -> int:
        frame = int(frame)
        if not 0 <= frame < self.n_frames:
            raise IndexError(f"frame {frame} outside 0..{self.n_frames - 1}")
        return frame
