"""Calcaneus (foot-bone-morphology.md §3), laid out on the rig like the talus
(:mod:`app.anatomy.bonegen.hindfoot`): its convex posterior facet on the talus's concave one
(:func:`~app.anatomy.bonegen.hindfoot.posterior_facet`), its cuboid facet on ``J["calcaneocuboid"]``;
the ground plane is y = 0. mm, foot frame at neutral (X anterior, Y superior, Z lateral, right foot).

How it is built: a body lofted along X (a rounded section whose floor, roof and walls follow control
points: the plantar surface rising forward, the roof dipping behind the posterior facet and in front
of it into the sinus tarsi, then rising to the beak of the anterior process), the tuberosity behind
it, and the named features blended on or carved in.

Sizes and shapes:
- L 78-82, W 42-45, H 42-45 (§3 build target from [KCal] 74.2 x 43.0 x 42.5, scaled to the rig).
- side view: Böhler's angle about 32 deg (the tuber's top, the summit of the posterior facet and the
  top of the anterior process; [KCal] 32.3 ± 5.0, [BAJ-BG] 34.4 ± 4.1); the posterior surface
  leans forward at the top, the Achilles insertion on its middle part ([GM] nodes §8.1, [FDict]).
- plantar surface rising forward at about 22-24 deg (calcaneal pitch 20-30 deg [pacs-CI], GM 24.4 deg)
  from the medial (larger) and lateral processes of the tuberosity ([NetterN], [Feneis]) to the
  anterior tubercle, the short plantar ligament's origin ([Feneis]).
- the heel from behind broad and rounded, wider below (the processes) than above.
- sustentaculum tali: a broad bracket-shaped medial shelf under the talar neck, rooted in the upper
  medial body from about the front of the posterior facet forward (about 20 mm long, 10-12 mm tall),
  its medial margin a thick rounded ridge running forward and slightly down, the middle facet on top,
  the FHL groove beneath it continuing backwards as the smoothly concave medial surface of the body
  down to the medial process ([Feneis], [AnatNext], [NetterN]).
- calcaneal sulcus between the posterior and middle facets, opening laterally as the funnel-shaped
  sinus tarsi ([Feneis]).
- peroneal trochlea 13 x 9 x 3 mm ([Hyer05]), below the lateral malleolus, the peroneus brevis
  groove above it and the (deeper) peroneus longus groove below ([PolRad-PT]).
- anterior process (beak, bifurcate ligament origin [Radiop-Bif]) ending in the saddle-shaped cuboid
  facet ([Gray268], [AnatNext], [Moi21] 24.2 x 16.5 mm).
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import PchipInterpolator

from app.anatomy.bonegen.hindfoot import FACET_RADIUS_MM, posterior_facet
from app.anatomy.bonegen.sdf import (box, capsule, cylinder, ellipsoid, frame, halfspace, smax, smin, ssub,
                                     unit)

# the lofted body: x -> floor, roof, medial wall, lateral wall (foot frame, mm); the section is a
# superellipse (between an ellipse and a rectangle), its back buried in the tuberosity
_LOFT_X = [-6.0, 3.0, 9.0, 16.0, 24.0, 33.0, 40.0, 46.0, 54.0]
_FLOOR = [4.5, 3.5, 3.5, 6.5, 11.0, 15.5, 18.5, 22.0, 25.0]  # rises forward (the calcaneal pitch), gently concave
# between the heel processes and the anterior tubercle
_ROOF = [37.0, 38.5, 38.5, 40.5, 43.0, 41.0, 38.5, 41.5, 45.5]  # dips behind the facet, into the sinus tarsi
_MEDIAL = [-8.5, -9.5, -9.5, -9.0, -9.5, -10.0, -9.0, -6.5, -2.5]
_LATERAL = [12.0, 15.5, 17.5, 19.0, 19.5, 20.0, 20.0, 20.5, 20.5]
SECTION_POWER = 2.6
# sustentaculum tali: the medial margin (a thick rounded rim, 10-12 mm high, 15-20 mm overhang from
# the medial wall) and the flat top at the height of the talus's middle facet, rising slightly backward
SUS_RIM = (np.array([23.0, 39.0, -9.0]), np.array([33.0, 40.5, -16.5]), np.array([43.5, 39.5, -18.5]),
           np.array([49.5, 38.0, -10.0]))
SUS_RIM_R = 5.5
SUS_TOP_Y = 44.5
SUS_TOP_N = unit([0.45, 1.0, 0.0])


def _sus_zone(p):
    """0 inside the sustentaculum's region (medial, x > 34), growing outside it, so the flat top
    cut applies to the shelf only."""
    return 2.0 * (np.maximum(0.0, p[:, 2] + 8.0) + np.maximum(0.0, 34.0 - p[:, 0]))


def _loft():
    curves = [PchipInterpolator(_LOFT_X, v, extrapolate=True) for v in (_FLOOR, _ROOF, _MEDIAL, _LATERAL)]
    x0, x1 = _LOFT_X[0], _LOFT_X[-1]
    n = SECTION_POWER

    def d(p):
        x = np.clip(p[:, 0], x0, x1)
        yb, yt, zm, zl = (c(x) for c in curves)
        hy, hz = (yt - yb) / 2, (zl - zm) / 2
        u = np.abs(p[:, 1] - (yt + yb) / 2) / hy
        v = np.abs(p[:, 2] - (zl + zm) / 2) / hz
        rho = np.maximum((u ** n + v ** n) ** (1.0 / n), 1e-6)
        # first-order distance to the superellipse: (rho - 1) / |grad rho|
        gy, gz = (u / rho) ** (n - 1) / hy, (v / rho) ** (n - 1) / hz
        sec = (rho - 1.0) / np.maximum(np.hypot(gy, gz), 1e-6)
        sec = np.maximum(sec, -np.minimum(hy, hz))
        return smax(smax(sec, x0 - p[:, 0], k=8.0), p[:, 0] - x1, k=1.0)
    return d


def calcaneus(g):
    CC = g.J["calcaneocuboid"]
    fc, fk, fl, ftop = posterior_facet(g)
    body = _loft()
    # the convex posterior facet: the talar facet's cylinder, bounded to the facet's outline
    facet_axes = np.stack([fl, [0.0, 1.0, 0.0], fk])
    facet_box_c = ftop + np.array([0.0, -9.0, 0.0])
    # the saddle of the cuboid facet: convex from above down, concave from side to side ([Gray268])
    cc_n = unit([1.0, -0.15, -0.05])
    cc_axes = frame(cc_n)
    cc_front = CC - cc_n * 0.9
    tuber_axes = frame([1.0, 0.0, 0.0], [0.3, 1.0, 0.0])  # the back leans forward at the top
    troch_axes = frame([1.0, -0.35, 0.05])  # along the peroneal tendons: forward and down

    def f(p):
        # tuberosity: narrower above (Achilles insertion behind), broad below with its two processes
        tuber = ellipsoid(p, (-7.5, 26.5, 1.5), (15.0, 15.8, 13.0), tuber_axes)
        heel = ellipsoid(p, (-8.0, 14.0, -1.0), (14.0, 11.5, 17.0))
        med_proc = ellipsoid(p, (4.0, 6.0, -8.0), (13.0, 6.3, 8.5), frame([1.0, 0.1, 0.2]))
        lat_proc = ellipsoid(p, (2.0, 5.7, 10.0), (9.5, 5.9, 6.0), frame([1.0, 0.1, -0.1]))
        d = smin(tuber, heel, k=9.0)
        d = smin(smin(d, lat_proc, k=4.0), med_proc, k=7.0)
        d = smin(d, body(p), k=9.0)
        # posterior facet on its pedestal (the thalamus)
        upper = ellipsoid(p, ftop + [-2.0, -13.0, -1.0], (16.0, 11.0, 13.0), facet_axes)
        facet = smax(cylinder(p, fc - fk * 12.0, fc + fk * 12.0, FACET_RADIUS_MM - 0.2),
                     ellipsoid(p, facet_box_c, (19.0, 13.0, 12.5), facet_axes), k=1.0)
        d = smin(d, upper, k=6.0)
        d = smin(d, facet, k=3.0)
        # beak of the anterior process, above the cuboid facet (bifurcate ligament origin)
        beak = ellipsoid(p, CC + [-4.0, 5.4, -4.0], (6.5, 4.0, 6.5), frame([1.0, 0.25, 0.0]))
        d = smin(d, beak, k=4.0)
        # anterior tubercle on the plantar surface (short plantar ligament)
        ant_tub = ellipsoid(p, CC + [-8.0, -18.0, -1.0], (7.0, 4.0, 8.0), frame([1.0, 0.4, 0.0]))
        d = smin(d, ant_tub, k=4.0)
        # sustentaculum tali: a thick horizontal shelf under the medial part of the talar neck and
        # head (GM spring-ligament origin x 45-52, y 44-46, z -24..-12), its thick rounded margin
        # medial, rooted in the body along its whole length; its top cut flat at the level of the
        # talus's middle facet (the carve by the talus then shapes the facet, leaving no upward lip)
        r = SUS_RIM_R
        sus_rim = smin(capsule(p, SUS_RIM[0], SUS_RIM[1], r - 1.5, r), capsule(p, SUS_RIM[1], SUS_RIM[2], r, r),
                       capsule(p, SUS_RIM[2], SUS_RIM[3], r, r - 1.0), k=3.0)
        sus_web = smin(ellipsoid(p, (38.0, 37.5, -11.5), (16.0, 8.0, 8.0), frame([1.0, -0.1, 0.0])),
                       ellipsoid(p, (44.0, 32.5, -8.0), (9.0, 8.0, 6.5), frame([1.0, -0.4, 0.0])), k=5.0)
        sus = smin(sus_rim, sus_web, k=6.0)
        d = smin(d, sus, k=8.0)
        d = smax(d, halfspace(p, (50.0, SUS_TOP_Y, -16.0), SUS_TOP_N) - _sus_zone(p), k=2.5)
        # peroneal trochlea: a small oblique ridge on the lateral face
        trochlea = ellipsoid(p, CC + [-22.5, -8.0, 9.8], (6.5, 4.5, 2.8), troch_axes)
        d = smin(d, trochlea, k=3.0)
        # ... the peroneus longus groove below it and the shallower brevis groove above
        d = ssub(d, capsule(p, CC + [-36.0, -7.5, 14.6], CC + [-6.0, -19.5, 14.0], 6.0), k=3.0)
        d = ssub(d, capsule(p, CC + [-36.0, 4.0, 15.4], CC + [-12.0, -3.0, 15.0], 6.0), k=3.0)
        # the medial face hollowed under the sustentaculum (tendons and vessels pass to the sole)
        d = ssub(d, ellipsoid(p, (21.0, 22.0, -20.0), (24.0, 14.0, 10.0), frame([1.0, 0.25, 0.0])), k=8.0)
        # the anterior process narrows downward: its inferomedial border is bevelled, so the cuboid
        # facet is roughly triangular, wide above ([Gray268])
        # (fading out behind the process and up under the sustentaculum)
        bevel = (-halfspace(p, CC + [-2.0, -9.0, -9.5], (0.15, -0.6, -0.8))
                 + 1.2 * np.maximum(0.0, CC[0] - 5.0 - p[:, 0]) + 1.5 * np.maximum(0.0, p[:, 1] - CC[1] + 9.0))
        d = ssub(d, bevel, k=4.0)
        # cuboid facet: cut the front with the saddle
        ql = (p - cc_front) @ cc_axes.T
        saddle = ql[:, 0] + ql[:, 1] ** 2 / 40.0 - ql[:, 2] ** 2 / 60.0
        d = smax(d, saddle, k=1.5)
        # FHL groove under the sustentaculum
        d = ssub(d, capsule(p, (27.0, 30.5, -16.5), (54.0, 29.0, -15.0), 4.5), k=3.0)
        # calcaneal sulcus, opening laterally into the sinus tarsi
        d = ssub(d, capsule(p, ftop + [8.5, -4.0, -13.0], ftop + [15.5, -8.0, 15.0], 2.5, 5.5), k=2.5)
        # no bone below the ground
        d = smax(d, halfspace(p, (0.0, 0.0, 0.0), (0.0, -1.0, 0.0)), k=1.0)
        return d
    return f


BONES = {"calcaneus": calcaneus}
SETTINGS = {"calcaneus": {"voxel_mm": 0.7, "triangles": 7000}}
