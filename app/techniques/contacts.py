"""Contacts over time: which contacts are shown at a frame, and which way each arrow points (numpy only).

::

    contact.phases   --(phase spans of the timeline)-->            shown at frame n?  (bool)
    contact.follows  --(d value / d frame of that coordinate)-->   sense at frame n   (+1 as authored, -1 reversed)
    (or .about)

The sense is the sign of the followed coordinate's velocity: its change since the previous frame, so a
frame shows the way the bone moved to reach it. Where the coordinate is still (a hold), the arrow keeps
the sense of the motion that brought it there; before the first motion of the contact's shown span it takes
the sense of the motion to come. So at each extreme of metatarsal scissoring the arrows show the push
that took the head there, and they turn round as the heads come back. A contact that follows nothing
keeps its authored sense. Like the pose, the state of frame n depends on nothing but (technique, fps).

Example::

    states = ContactStates(technique, timeline)
    shown, sense = states.at(37)     # (n_contacts,) bool, (n_contacts,) +1/-1
"""

from __future__ import annotations

import numpy as np

STILL_PER_FRAME = 1e-6  # |change per frame| (deg or mm) below which a coordinate counts as still


def _fill_still(sign: np.ndarray) -> np.ndarray:
    """Replace zeros by the last non-zero sign before them, leading zeros by the first one after (else +1)."""
    out = sign.copy()
    nz = np.flatnonzero(out)
    if nz.size == 0:
        return np.ones_like(out)
    idx = np.where(out != 0, np.arange(out.size), -1)
    idx = np.maximum.accumulate(idx)
    out = np.where(idx >= 0, out[np.maximum(idx, 0)], out[nz[0]])
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Start and (exclusive) end of each run of True."""
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1)))


class ContactStates:
    """For every contact of a technique and every frame of its timeline: shown or not, and the arrow's sense."""

    def __init__(self, technique, timeline):
        n_frames = timeline.n_frames
        n = len(technique.contacts)
        self.shown = np.ones((n, n_frames), dtype=bool)
        self.sense = np.ones((n, n_frames), dtype=np.int8)
        values = timeline.sample_coordinates()
        for i, c in enumerate(technique.contacts):
            if c.phases:
                self.shown[i] = False
                for name in c.phases:
                    span = timeline.phase_named(name)
                    if span is not None:
                        self.shown[i, span.start_frame:span.end_frame] = True
            coord = c.sense_coordinate
            if coord is None:
                continue
            v = values[:, timeline.rig.coordinate(coord).index]
            velocity = np.diff(v, prepend=v[:1])  # the change since the previous frame
            sign = np.where(np.abs(velocity) > STILL_PER_FRAME, np.sign(velocity), 0).astype(np.int8)
            for a, b in _runs(self.shown[i]):
                seg = sign[a:b].copy()
                seg[0] = 0  # how the bone moved before the hand was on it does not count
                self.sense[i, a:b] = _fill_still(seg)

    def at(self, frame: int) -> tuple[np.ndarray, np.ndarray]:
        """(shown, sense) of every contact at ``frame``: (n,) bool and (n,) +1/-1."""
        return self.shown[:, frame], self.sense[:, frame]
