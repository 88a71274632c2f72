"""Metatarsals and the two sesamoids of the hallux (foot-bone-morphology.md §6)."""

from __future__ import annotations

import numpy as np

from app.anatomy.bonegen import dims
from app.anatomy.bonegen.sdf import box, capsule, ellipsoid, frame, smin, wedge

#: (base half-height, base half-width, shaft radius)
BASE = {1: (12.0, 8.5, 6.3), 2: (10.0, 5.8, 4.3), 3: (9.0, 5.8, 4.1), 4: (8.0, 6.0, 4.0), 5: (7.5, 7.0, 4.2)}


def metatarsal(i):
    def make(g):
        T, M, u = g.ray(i)
        bh, bw, rs = BASE[i]
        rh, hw = dims.MT_HEAD[i]
        axes = frame(u)

        def f(p):
            base = wedge(p, T + u * (dims.GAP_MM / 2 + 6.0) + np.array([0.0, -bh * 0.2, 0.0]), (6.0, bh, bw), axes,
                         r=2.0, taper_z=0.3 if i in (2, 3, 4) else 0.0)
            shaft = capsule(p, T + u * 10.0, M - u * (rh + 2.0), rs * 1.15, rs)
            head = ellipsoid(p, M, (rh, rh * 1.05, hw), axes)
            parts = [base, shaft, head]
            if i == 5:
                parts.append(ellipsoid(p, T + np.array([-1.0, -3.0, 9.0]), (7.0, 5.0, 6.0)))
            return smin(*parts, k=4.0)
        return f
    return make


def sesamoid(side):
    def make(g):
        T, M, u = g.ray(1)
        dz = -4.5 if side == "medial" else 4.5
        c = M + np.array([-3.0, -10.5, dz])

        def f(p):
            return ellipsoid(p, c, (6.0, 3.5, 4.0 if side == "medial" else 3.5), frame(u))
        return f
    return make


BONES = {f"metatarsal_{i}": metatarsal(i) for i in range(1, 6)}
BONES.update({"sesamoid_medial": sesamoid("medial"), "sesamoid_lateral": sesamoid("lateral")})
SETTINGS = {f"metatarsal_{i}": {"voxel_mm": 0.6, "triangles": 3500} for i in range(1, 6)}
SETTINGS.update({"sesamoid_medial": {"voxel_mm": 0.4, "triangles": 600}, "sesamoid_lateral": {"voxel_mm": 0.4, "triangles": 600}})
