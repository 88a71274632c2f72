"""Distal tibia and fibula: the mortise that grips the talus (foot-bone-morphology.md §1)."""

from __future__ import annotations

import numpy as np

from app.anatomy.bonegen.sdf import capsule, ellipsoid, smin


def tibia(g):
    A = g.J["talocrural"]
    MM = g.gm(31.6, 71.9, -33.0)

    def f(p):
        shaft = capsule(p, A + [1.0, 30.0, -4.0], A + [-1.0, 82.0, -5.0], 17.0, 14.5)
        flare = ellipsoid(p, A + [1.0, 29.0, -4.0], (22.0, 16.0, 25.0))
        plafond = ellipsoid(p, A + [1.0, 21.0, -3.0], (20.0, 8.0, 20.0))
        malleolus = capsule(p, A + [0.0, 22.0, -24.5], MM + [1.5, 2.0, 8.5], 8.5, 6.0)
        return smin(shaft, flare, plafond, malleolus, k=6.0)
    return f


def fibula(g):
    A = g.J["talocrural"]
    LM = g.gm(30.8, 65.3, 24.3)

    def f(p):
        shaft = capsule(p, A + [-9.0, 80.0, 24.0], A + [-4.0, 22.0, 27.0], 5.5, 7.5)
        malleolus = ellipsoid(p, LM + [-2.0, 0.0, -2.5], (10.0, 18.0, 7.5))
        return smin(shaft, malleolus, k=6.0)
    return f


BONES = {"tibia": tibia, "fibula": fibula}
SETTINGS = {"tibia": {"voxel_mm": 0.8, "triangles": 6000}, "fibula": {"voxel_mm": 0.7, "triangles": 3500}}
