"""Talus and calcaneus (foot-bone-morphology.md §2-§3)."""

from __future__ import annotations

import numpy as np

from app.anatomy.bonegen.sdf import capsule, ellipsoid, frame, smin, unit


def talus(g):
    A, TN = g.J["talocrural"], g.J["talonavicular"]
    ax = g.axis("talocrural.dorsiflexion")
    head = TN + np.array([-9.5, 0.5, 1.0])
    neck_dir = unit(head - (A + np.array([4.0, -6.0, -2.0])))

    def f(p):
        q = p - A
        along = q @ ax
        radial = np.linalg.norm(q - np.outer(along, ax), axis=1)
        tro = np.maximum(radial - 18.5, np.abs(along) - 13.5)
        tro = np.minimum(tro, 0) + np.hypot(np.maximum(radial - 18.5, 0), np.maximum(np.abs(along) - 13.5, 0))
        body = ellipsoid(p, A + [-1.0, -9.0, -0.5], (21.0, 12.5, 14.5))
        post = ellipsoid(p, A + [-19.0, -12.0, 2.0], (7.0, 5.0, 7.0))
        lat = ellipsoid(p, A + [-2.0, -14.0, 13.0], (8.0, 6.0, 5.0))
        neck = capsule(p, A + [6.0, -5.0, -3.0], head - neck_dir * 4.0, 9.5, 8.5)
        hd = ellipsoid(p, head, (11.0, 11.0, 13.0), frame(neck_dir))
        return smin(tro, body, post, lat, neck, hd, k=5.0)
    return f


def calcaneus(g):
    CC, STJ = g.J["calcaneocuboid"], g.J["subtalar"]

    def f(p):
        tuber = ellipsoid(p, (-4.0, 24.0, 2.0), (17.0, 22.0, 15.0))
        tuber_feet = ellipsoid(p, (0.0, 7.0, 0.0), (13.0, 7.0, 15.0))
        body = ellipsoid(p, (24.0, 30.0, 3.0), (26.0, 16.0, 16.0))
        top = ellipsoid(p, STJ + [-10.0, -10.0, 5.0], (16.0, 9.0, 13.0))
        ant = capsule(p, (38.0, 30.0, 6.0), CC + [4.0, 0.0, 0.0], 11.0, 10.0)
        sust = ellipsoid(p, STJ + [4.0, -11.0, -15.0], (10.0, 4.5, 9.0))
        return smin(tuber, tuber_feet, body, top, ant, sust, k=5.0)
    return f


BONES = {"talus": talus, "calcaneus": calcaneus}
SETTINGS = {"talus": {"voxel_mm": 0.6, "triangles": 6000}, "calcaneus": {"voxel_mm": 0.8, "triangles": 6500}}
