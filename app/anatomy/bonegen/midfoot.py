"""Navicular, cuboid and the three cuneiforms (foot-bone-morphology.md §4-§5)."""

from __future__ import annotations

import numpy as np

from app.anatomy.bonegen.sdf import box, ellipsoid, frame, smin, wedge


def navicular(g):
    J = g.J
    c = (J["talonavicular"] + (J["naviculocuneiform_1"] + J["naviculocuneiform_2"] + J["naviculocuneiform_3"]) / 3) / 2

    def f(p):
        body = ellipsoid(p, c + [1.5, -1.0, -1.0], (8.0, 12.5, 17.0))
        tub = ellipsoid(p, c + [0.5, -10.0, -16.0], (6.0, 6.5, 6.0))
        return smin(body, tub, k=4.0)
    return f


def cuboid(g):
    CC, T4, T5 = g.J["calcaneocuboid"], g.J["tarsometatarsal_4"], g.J["tarsometatarsal_5"]
    front = (T4 + T5) / 2
    c = (CC + front) / 2 + np.array([0.0, -1.0, 1.5])
    axes = frame(front - CC)
    length = np.linalg.norm(front - CC) / 2 + 2.5

    def f(p):
        return box(p, c, (length, 12.0, 12.5), axes, r=4.0)
    return f


def _cuneiform(g, i, height, width, taper, dy=0.0, dz=0.0):
    NC, TMT = g.J[f"naviculocuneiform_{i}"], g.J[f"tarsometatarsal_{i}"]
    c = (NC + TMT) / 2 + np.array([0.0, dy, dz])
    d = TMT - NC
    axes = frame(np.array([d[0], 0.4 * d[1], d[2]]))
    length = np.linalg.norm(d) / 2 + 2.0

    def f(p):
        return wedge(p, c, (length, height, width), axes, r=3.5, taper_z=taper)
    return f


def medial_cuneiform(g):
    return _cuneiform(g, 1, 14.0, 8.0, -0.3, dy=-6.0, dz=-1.0)


def intermediate_cuneiform(g):
    return _cuneiform(g, 2, 11.0, 6.3, 0.45, dy=-3.5)


def lateral_cuneiform(g):
    return _cuneiform(g, 3, 11.5, 6.8, 0.45, dy=-4.0, dz=1.5)


BONES = {"navicular": navicular, "cuboid": cuboid, "medial_cuneiform": medial_cuneiform,
         "intermediate_cuneiform": intermediate_cuneiform, "lateral_cuneiform": lateral_cuneiform}
SETTINGS = {name: {"voxel_mm": 0.6, "triangles": 3000} for name in BONES}
