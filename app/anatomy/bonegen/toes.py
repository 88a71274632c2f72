"""Phalanges: proximal, middle and distal, with base, shaft and head (foot-bone-morphology.md §7)."""

from __future__ import annotations

import numpy as np

from app.anatomy.bonegen import dims
from app.anatomy.bonegen.sdf import capsule, ellipsoid, frame, smin


def phalanx(kind, i):
    def make(g):
        a, b, u = g.phalanx(kind, i)
        prev = {"proximal": f"metatarsal_{i}", "middle": f"proximal_phalanx_{i}",
                "distal": "proximal_phalanx_1" if i == 1 else f"middle_phalanx_{i}"}[kind]
        r_prev = dims.head_radius(prev)
        name = f"{kind}_phalanx_{i}"
        start = a + u * (r_prev + dims.GAP_MM - dims.CUP_MM)
        axes = frame(u)
        if kind == "distal":
            rb = {1: 7.0}.get(i, 3.6)
            rt = {1: 5.0}.get(i, 2.8)
        else:
            rh, hw = (dims.PP_HEAD if kind == "proximal" else dims.MP_HEAD)[i]
            rb = hw * 1.15
            rs = hw * 0.62

        def f(p):
            base = ellipsoid(p, start + u * 2.5, (3.0, rb * 0.9, rb), axes)
            if kind == "distal":
                shaft = capsule(p, start + u * 2.0, b - u * rt, rb * 0.6, rt * 0.75)
                tuft = ellipsoid(p, b - u * rt * 0.9, (rt, rt * 0.65, rt * 1.2), axes)
                return smin(base, shaft, tuft, k=2.0)
            shaft = capsule(p, start + u * 2.5, b - u * rh * 0.5, rs * 1.1, rs)
            head = ellipsoid(p, b, (rh, rh, hw), axes)
            return smin(base, shaft, head, k=2.0)
        return f
    return make


BONES = {f"proximal_phalanx_{i}": phalanx("proximal", i) for i in range(1, 6)}
BONES.update({f"middle_phalanx_{i}": phalanx("middle", i) for i in range(2, 6)})
BONES.update({f"distal_phalanx_{i}": phalanx("distal", i) for i in range(1, 6)})
SETTINGS = {name: {"voxel_mm": 0.4, "triangles": 1500} for name in BONES}
