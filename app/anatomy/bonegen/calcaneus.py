"""Calcaneus (foot-bone-morphology.md §3), laid out on the rig like the talus
(:mod:`app.anatomy.bonegen.hindfoot`): its convex posterior facet on the talus's concave one
(:func:`~app.anatomy.bonegen.hindfoot.posterior_facet`), its cuboid facet on ``J["calcaneocuboid"]``;
the ground plane is y = 0. mm, foot frame at neutral (X anterior, Y superior, Z lateral, right foot).

Sizes: L 78-82, W 42-45, H 42-45 (§3 build target); plantar surface pitched about 22 deg;
peroneal trochlea 13 x 9 x 3 mm ([Hyer05]); sustentaculum a medial shelf under the talar neck
([Feneis], [AnatNext]).
"""

from __future__ import annotations

import numpy as np

from app.anatomy.bonegen.hindfoot import FACET_RADIUS_MM, posterior_facet
from app.anatomy.bonegen.sdf import box, capsule, cylinder, ellipsoid, frame, halfspace, smax, smin, ssub, unit


def calcaneus(g):
    CC = g.J["calcaneocuboid"]
    fc, fk, fl, ftop = posterior_facet(g)
    pitch = np.radians(17.0)
    long_axes = frame([np.cos(pitch), np.sin(pitch), 0.08])
    body_c = np.array([17.0, 26.0, 3.5])
    # the convex posterior facet: the talar facet's cylinder, bounded to the facet's outline
    facet_axes = np.stack([fl, [0.0, 1.0, 0.0], fk])
    facet_box_c = ftop + np.array([0.0, -9.0, 0.0])
    # the saddle of the cuboid facet: convex from above down, concave from side to side ([Gray268])
    cc_n = unit([1.0, -0.15, -0.05])
    cc_axes = frame(cc_n)
    cc_front = CC - cc_n * 0.9

    def f(p):
        tuber = ellipsoid(p, (-7.0, 22.0, 3.0), (15.0, 20.0, 14.5), frame([1.0, 0.25, 0.0]))
        med_proc = ellipsoid(p, (3.0, 6.5, -6.0), (13.0, 6.5, 8.5), frame([1.0, 0.1, 0.25]))
        lat_proc = ellipsoid(p, (0.0, 6.0, 10.0), (9.0, 6.0, 5.5))
        body = box(p, body_c, (25.0, 14.0, 13.0), long_axes, r=8.0)
        upper = box(p, ftop + [-2.0, -14.0, -1.0], (14.0, 10.0, 12.0), facet_axes, r=5.0)
        facet = smax(cylinder(p, fc - fk * 12.0, fc + fk * 12.0, FACET_RADIUS_MM - 0.2),
                     ellipsoid(p, facet_box_c, (19.0, 13.0, 12.5), facet_axes), k=1.0)
        # anterior process (beak) to the cuboid facet
        ant = capsule(p, body_c + [10.0, 6.0, 2.0], CC + [-5.0, 0.5, 0.0], 12.0, 11.0)
        beak = ellipsoid(p, CC + [-7.0, 7.5, -2.0], (8.0, 4.5, 7.0))
        # sustentaculum tali: a shelf projecting medially under the talar neck
        sus = box(p, (40.0, 41.5, -15.5), (10.5, 4.8, 9.0), frame([1.0, -0.05, -0.2]), r=4.0)
        sus_brace = ellipsoid(p, (36.0, 35.0, -9.0), (11.0, 7.5, 8.0))
        trochlea = ellipsoid(p, (27.0, 30.0, 17.0), (6.5, 2.8, 3.6), frame([1.0, -0.2, 0.0]))
        d = smin(tuber, body, k=6.0)
        d = smin(d, med_proc, lat_proc, k=4.0)
        d = smin(d, upper, k=5.0)
        d = smin(d, facet, k=3.0)
        d = smin(d, ant, beak, k=5.0)
        d = smin(d, sus_brace, k=4.0)
        d = smin(d, sus, k=5.0)
        d = smin(d, trochlea, k=2.0)
        # cuboid facet: cut the front with the saddle
        ql = (p - cc_front) @ cc_axes.T
        saddle = ql[:, 0] + ql[:, 1] ** 2 / 40.0 - ql[:, 2] ** 2 / 60.0
        d = smax(d, saddle, k=1.5)
        # FHL groove under the sustentaculum
        d = ssub(d, capsule(p, (26.0, 34.0, -18.0), (52.0, 32.0, -21.0), 3.6), k=1.5)
        # calcaneal sulcus, opening laterally into the sinus tarsi
        d = ssub(d, capsule(p, ftop + [8.5, -4.0, -13.0], ftop + [18.0, -7.5, 14.0], 2.5, 7.0), k=2.5)
        # flat-ish plantar surface rising forward (calcaneal pitch) and no bone below the ground
        d = smax(d, halfspace(p, (0.0, 0.0, 0.0), (0.0, -1.0, 0.0)), k=1.0)
        return d
    return f


BONES = {"calcaneus": calcaneus}
SETTINGS = {"calcaneus": {"voxel_mm": 0.7, "triangles": 7000}}
