"""What a bone model may use: the rig's joint centres and axes, GM reference points, and the layout.

A bone module receives one :class:`Geometry` and returns, for each of its bones, a signed distance
function ``f(p) -> d`` of points ``p`` (N, 3) in the foot frame at the neutral pose (mm; negative
inside). Bones are sized from the joint centres they articulate at, so they move with the rig.
"""

from __future__ import annotations

import numpy as np

from app.anatomy.bonegen import dims
from app.anatomy.bonegen.sdf import unit


class Geometry:
    def __init__(self, rig):
        self.rig = rig
        self.J = {j.name: np.asarray(j.centre_mm, float) for j in rig.joints}
        self.scale = rig.scale

    def gm(self, x, y, z) -> np.ndarray:
        """A point of the GM reference foot (T-frame, foot-kinematics.md §2.3c) in the rig's frame."""
        return np.array([x, y, z], float) * self.scale

    def axis(self, coordinate: str) -> np.ndarray:
        """The (first) axis of the dof driven by ``coordinate``, foot frame, bind pose."""
        for j in self.rig.joints:
            for d in j.dofs:
                if d.coordinate == coordinate:
                    return np.asarray(d.axis, float)
        raise KeyError(coordinate)

    def ray(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(tarsometatarsal centre, MTP centre, unit direction) of metatarsal i."""
        a, b = self.J[f"tarsometatarsal_{i}"], self.J[f"metatarsophalangeal_{i}"]
        return a, b, unit(b - a)

    def phalanx(self, kind: str, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(proximal joint centre, distal joint centre or tip, unit direction) of a phalanx."""
        J = self.J
        if kind == "proximal":
            a = J[f"metatarsophalangeal_{i}"]
            b = J["interphalangeal_1"] if i == 1 else J[f"proximal_interphalangeal_{i}"]
        elif kind == "middle":
            a, b = J[f"proximal_interphalangeal_{i}"], J[f"distal_interphalangeal_{i}"]
        else:
            a = J["interphalangeal_1"] if i == 1 else J[f"distal_interphalangeal_{i}"]
            d = dims.segment_directions(i)[-1]
            prev = dims.head_radius("proximal_phalanx_1" if i == 1 else f"middle_phalanx_{i}")
            start = prev + dims.GAP_MM - dims.CUP_MM
            b = a + d * (start + dims.LENGTHS[f"distal_phalanx_{i}"][0])
        return a, b, unit(b - a)
