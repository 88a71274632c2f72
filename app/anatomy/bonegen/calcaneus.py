"""Calcaneus (foot-bone-morphology.md §3), laid out on the rig like the talus
(:mod:`app.anatomy.bonegen.hindfoot`): its convex posterior facet on the talus's concave one
(:func:`~app.anatomy.bonegen.hindfoot.posterior_facet`), its cuboid facet on ``J["calcaneocuboid"]``;
the ground plane is y = 0. mm, foot frame at neutral (X anterior, Y superior, Z lateral, right foot).

How it is built: a body lofted along X (a rounded section whose floor, roof and walls follow control
points: the plantar surface rising forward, the roof dipping behind the posterior facet and in front
of it into the sinus tarsi, then rising to the beak of the anterior process), the tuberosity behind
it (a rounded block: planes smoothly intersected), and the named features blended on or carved in.
The rig puts the posterior facet's summit only about 21 mm behind the calcaneocuboid joint, so the
front is compact: the posterior facet, the calcaneal sulcus (a groove open above, its walls sloping),
the beak as a broad rounded top about 7 mm long, and the cuboid facet follow each other within that
distance.

Sizes and shapes:
- L 78-82, W 42-45, H 42-45 (§3 build target from [KCal] 74.2 x 43.0 x 42.5, scaled to the rig;
  this mesh: about 79.5 along its principal axis, W about 43).
- side view: Böhler's angle about 31 deg (the tuber's top, the summit of the posterior facet and the
  top of the anterior process; [KCal] 32.3 ± 5.0, [BAJ-BG] 34.4 ± 4.1); the posterior surface
  leans forward at the top, the Achilles insertion on its middle part ([GM] nodes §8.1, [FDict]).
- plantar surface rising forward at about 22-24 deg (calcaneal pitch 20-30 deg [pacs-CI], GM 24.4 deg)
  from the medial (larger) and lateral processes of the tuberosity ([NetterN], [Feneis]) to the
  anterior tubercle, the short plantar ligament's origin ([Feneis]).
- the heel from behind broad and rounded, wider below (the processes) than above.
- the tuberosity from the side a tall, roughly quadrangular block, not a ball ([Gray268]): its posterior
  surface nearly flat (slightly convex), leaning forward about 9 deg at the top, standing up to a rounded
  posterosuperior corner (the bursal prominence); the superior border rising forward to the posterior
  facet's pedestal with no dip behind it; the plantar border straight, ending behind in the processes.
  Böhler's angle on this mesh about 31 deg, the calcaneal pitch about 24 deg.
- sustentaculum tali: a horizontal medial shelf (talar shelf) under the talar neck and head, about
  12 mm proud of the medial wall; each section a bracket from a thick rounded medial margin to its root
  in the wall, flat on top (the middle facet), the FHL groove beneath it continuing backwards as the
  smoothly concave medial surface of the body down to the medial process; its margin swings out of
  the body behind and back into the anterior process in front, and its front end is bevelled down and
  back, so it merges into the body at both ends ([Feneis], [AnatNext], [NetterN]).
- calcaneal sulcus between the posterior and middle facets, opening laterally as the funnel-shaped
  sinus tarsi ([Feneis]).
- peroneal trochlea 13 x 9 x 3 mm ([Hyer05]), below the lateral malleolus, the peroneus brevis
  groove above it and the (deeper) peroneus longus groove below ([PolRad-PT]).
- anterior process (beak, bifurcate ligament origin [Radiop-Bif]) ending in the saddle-shaped cuboid
  facet ([Gray268], [AnatNext], [Moi21] 24.2 x 16.5 mm); the saddle's curvatures level off away from
  the facet, so it trims neither horns at its corners nor the plantar surface below it.
- the posterior facet is the talus's facet cone about the subtalar axis (hindfoot.FacetCone) lowered by
  the joint space, its outline the talar facet's a little enlarged: convex along its long axis, an even
  space under the talus out to its lateral rim and in every subtalar pose, so the carve leaves no lip; the
  roof behind it rises gently to it (no step behind the facet), and the calcaneal sulcus in front of it runs
  forward-laterally, so the sinus tarsi opens in front of the talus's lateral process ([Feneis]).
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import PchipInterpolator

from app.anatomy.bonegen.hindfoot import FacetCone, posterior_facet
from app.anatomy.bonegen.sdf import (box, capsule, ellipsoid, frame, halfspace, smax, smin, ssub,
                                     unit)

# the lofted body: x -> floor, roof, medial wall, lateral wall (foot frame, mm); the section is a
# superellipse (between an ellipse and a rectangle), its back buried in the tuberosity
_LOFT_X = [-6.0, 3.0, 9.0, 16.0, 24.0, 33.0, 40.0, 46.0, 54.0]
_FLOOR = [4.5, 4.0, 5.0, 9.0, 14.5, 19.5, 21.0, 23.0, 25.5]  # rises forward (the calcaneal pitch) in front
# of the heel processes, gently concave up to the anterior tubercle
_ROOF = [37.0, 38.5, 42.0, 46.5, 46.5, 41.0, 38.5, 43.0, 45.0]  # dips behind the facet, into the sinus tarsi
_MEDIAL = [-8.5, -9.5, -9.5, -9.0, -9.5, -10.0, -9.5, -8.5, -6.0]
_LATERAL = [12.0, 15.5, 17.5, 19.0, 19.5, 20.0, 20.0, 20.0, 18.5]
SECTION_POWER = 2.6
FACET_SPACE_MM = 1.8  # the raw posterior facet lies this far under the talus's cone (about the joint space)
FACET_RIM_MM = 2.0  # how far the calcaneus's posterior facet reaches beyond the talus's outline
# sustentaculum tali: a shelf whose section (y, z) is a bracket from a thick rounded medial margin
# (radius SUS_RIM_R) to its root in the medial wall, cut flat on top; x -> the margin's most medial z
# and the height of the flat top (the middle facet, under the talar neck and head). The margin
# swings out of the body behind and back into the anterior process in front, so the shelf merges
# into the body at both ends.
# the tuberosity (a rounded block; see _tuberosity): side view (x, y) planes and blend widths
TUBER_BACK = (-23.6, 12.0)  # a point on the posterior surface
TUBER_LEAN_DEG = 8.0  # the posterior surface leans forward at the top
TUBER_TOP = (-20.0, 41.5)  # a point on the superior border
TUBER_TOP_DEG = 9.0  # the superior border rises forward to the posterior facet
TUBER_FLOOR = (-8.0, 3.5)
TUBER_FLOOR_DEG = 10.0  # the plantar border rises a little backwards from the processes
TUBER_FRONT_X = 6.0  # buried in the body
TUBER_MEDIAL = (-18.0, -9.0)  # the medial wall's z at y = 10 and y = 40
TUBER_LATERAL = (17.0, 9.5)
TUBER_BACK_R = (30.0, 120.0)  # the posterior surface's radii from side to side and from above down
TUBER_SIDE_R = 35.0  # the side walls' radius from front to back
TUBER_CORNER_K = (6.0, 8.0, 12.0)  # posterosuperior, posteroinferior, the edges seen from behind
SUS_X = [20.0, 27.0, 34.0, 40.0, 45.0, 49.5, 54.0]
SUS_Z = [-7.0, -13.5, -19.5, -21.5, -20.0, -14.5, -6.0]
SUS_TOP = [40.0, 43.5, 46.5, 47.5, 46.0, 44.5, 42.5]
SUS_RIM_R = 4.5
SUS_FRONT_X = 48.0  # where the bevel of its front end meets the level 6 mm under its top
# the root in the medial wall: x -> its z, its depth below the top and its radius; in front it grows
# deep and broad, so the shelf's underside slopes down into the anterior process (no overhanging nose)
SUS_ROOT_Z = [-5.0, -5.0, -5.0, -5.0, -6.0, -7.0, -6.0]
SUS_ROOT_DEPTH = [9.0, 9.0, 9.0, 9.5, 12.5, 16.0, 16.0]
SUS_ROOT_R = [7.5, 7.5, 7.5, 7.5, 9.0, 10.5, 10.5]


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


def _slot(p, a, b, ra, rb, height, flare=0.5):
    """A round cone from a to b swept ``height`` mm upward, widening by ``flare`` mm per mm: a groove
    open above, its walls sloping."""
    ab = b - a
    t = np.clip(((p - a) @ ab) / (ab @ ab), 0.0, 1.0)
    q = p - (a + t[:, None] * ab)
    h = np.clip(q[:, 1], 0.0, height)
    q[:, 1] -= h
    return (np.linalg.norm(q, axis=1) - (ra + (rb - ra) * t + flare * h)) / np.sqrt(1.0 + flare * flare)


def _shelf():
    """The sustentaculum's signed distance: per x a 2D round cone in (z, y) from the margin to the root,
    its top cut flat, and ends capped; the 2D distance is close to the 3D one because the outline
    changes slowly along x."""
    zc, yc, rzc, rdc, rrc = (PchipInterpolator(SUS_X, v, extrapolate=True)
                             for v in (SUS_Z, SUS_TOP, SUS_ROOT_Z, SUS_ROOT_DEPTH, SUS_ROOT_R))
    r = SUS_RIM_R

    def d(p):
        x = np.clip(p[:, 0], SUS_X[0], SUS_X[-1])
        zm, yt, r_root = zc(x), yc(x), rrc(x)
        az, ay = zm + r, yt - r + 1.2  # the margin's centre (its top cut off by the flat top)
        bz, by = rzc(x), yt - rdc(x)  # the root's centre
        ez, ey = bz - az, by - ay
        qz, qy = p[:, 2] - az, p[:, 1] - ay
        t = np.clip((qz * ez + qy * ey) / (ez * ez + ey * ey), 0.0, 1.0)
        sec = np.hypot(qz - t * ez, qy - t * ey) - (r + (r_root - r) * t)
        sec = smax(sec, p[:, 1] - (yt - 0.3), k=2.0)  # the flat top (the middle facet)
        # its front end bevelled from the top down and back into the anterior process (no nose)
        sec = smax(sec, ((p[:, 0] - SUS_FRONT_X) - (p[:, 1] - yt + 6.0)) * 0.7071, k=3.0)
        sec = smax(sec, SUS_X[0] - p[:, 0], k=6.0)
        return smax(sec, p[:, 0] - SUS_X[-1], k=6.0)
    return d


def _plane(p, point, normal):
    n = unit(normal)
    return (p[:, :2] - np.asarray(point, float)) @ n[:2] + p[:, 2] * n[2]


def _tuberosity():
    """The tuberosity: a tall rounded block, not a ball. Side view: the posterior surface nearly flat,
    leaning forward at the top (TUBER_LEAN_DEG); the superior border rising forward to the facet's
    pedestal (TUBER_TOP_DEG); the plantar border straight, rising a little backwards to a rounded
    posteroinferior corner. From behind a trapezoid, wider below than above, its edges well rounded.
    Planes smoothly intersected (smax), the corner radii set by the blend widths."""
    lean, rise = np.radians(TUBER_LEAN_DEG), np.radians(TUBER_TOP_DEG)
    bx, by = TUBER_BACK
    tx, ty = TUBER_TOP
    (zm0, zm1), (zl0, zl1) = TUBER_MEDIAL, TUBER_LATERAL

    def d(p):
        # (the posterior surface slightly convex, more so from side to side)
        back = (_plane(p, (bx, by), (-np.cos(lean), np.sin(lean), 0.0))
                + (p[:, 2] - 0.5) ** 2 / (2.0 * TUBER_BACK_R[0]) + (p[:, 1] - 22.0) ** 2 / (2.0 * TUBER_BACK_R[1]))
        top = _plane(p, (tx, ty), (-np.sin(rise), np.cos(rise), 0.0))
        fl = np.radians(TUBER_FLOOR_DEG)
        bottom = _plane(p, TUBER_FLOOR, (-np.sin(fl), -np.cos(fl), 0.0))
        bottom = smax(bottom, TUBER_FLOOR[1] - p[:, 1], k=4.0)  # level in front: the processes stay lowest
        front = p[:, 0] - TUBER_FRONT_X
        # the side walls: z at y = 10 and y = 40 (wider below)
        sm, sl = (zm1 - zm0) / 30.0, (zl1 - zl0) / 30.0
        med = ((zm0 + sm * (p[:, 1] - 10.0)) - p[:, 2]) / np.sqrt(1.0 + sm * sm)
        lat = (p[:, 2] - (zl0 + sl * (p[:, 1] - 10.0))) / np.sqrt(1.0 + sl * sl)
        # (the side walls convex from front to back, so they round into the posterior surface)
        sides = smax(med, lat, k=2.0) + (p[:, 0] + 8.0) ** 2 / (2.0 * TUBER_SIDE_R)
        d = smax(back, top, k=TUBER_CORNER_K[0])  # the posterosuperior corner (bursal prominence)
        d = smax(d, bottom, k=TUBER_CORNER_K[1])  # the posteroinferior corner, at the processes
        d = smax(d, front, k=6.0)
        return smax(d, sides, k=TUBER_CORNER_K[2])  # the rounded edges seen from behind
    return d


def calcaneus(g):
    CC = g.J["calcaneocuboid"]
    _fc, fk, fl, ftop = posterior_facet(g)
    cone = FacetCone(g)
    body = _loft()
    shelf = _shelf()
    # the convex posterior facet: the talar facet's cone about the subtalar axis, lowered by the joint
    # space (so the space stays even over the whole facet, out to its lateral and posterior rims, and in
    # every subtalar pose), bounded to the facet's outline
    facet_axes = np.stack([fl, [0.0, 1.0, 0.0], fk])
    facet_box_c = ftop - 3.0 * fl + np.array([0.0, -9.0, 0.0])
    # the saddle of the cuboid facet: convex from above down, concave from side to side ([Gray268])
    cc_n = unit([1.0, -0.15, -0.05])
    cc_axes = frame(cc_n)
    cc_front = CC - cc_n * 0.9
    tuber = _tuberosity()
    troch_axes = frame([1.0, -0.35, 0.05])  # along the peroneal tendons: forward and down

    def f(p):
        # tuberosity: narrower above (Achilles insertion behind), broad below with its two processes
        med_proc = ellipsoid(p, (3.0, 6.6, -7.5), (13.0, 6.6, 8.5), frame([1.0, 0.1, 0.2]))
        lat_proc = ellipsoid(p, (1.0, 7.0, 9.5), (9.5, 6.2, 6.0), frame([1.0, 0.1, -0.1]))
        d = smin(smin(tuber(p), lat_proc, k=4.0), med_proc, k=7.0)
        d = smin(d, body(p), k=9.0)
        # a shallow notch between the two processes, behind
        d = ssub(d, capsule(p, (-11.0, -1.8, 1.5), (2.0, -0.3, 1.5), 3.2, 1.8), k=4.0)
        # posterior facet on its pedestal (the thalamus), both reaching back under the talus's posterior
        # process, so the joint line runs on to the back of the facet (no corner standing beside the talus)
        upper = ellipsoid(p, ftop + [-2.0, -13.0, -1.0] - 2.5 * fl, (18.0, 11.0, 13.0), facet_axes)
        # (laid about as low as the talus's sweep would carve it, so the carve leaves no lip at its rim)
        # (its outline the talar facet's, a little larger: behind and lateral to the talus the bone falls
        # away from the facet's rim instead of standing as a corner beside the talus)
        facet = smax(cone(p) + FACET_SPACE_MM, smax(cone.footprint(p, grow=FACET_RIM_MM),
                     ellipsoid(p, facet_box_c, (22.0, 13.0, 12.5), facet_axes), k=2.0), k=2.5)
        d = smin(d, upper, k=6.0)
        d = smin(d, facet, k=4.0)
        # beak of the anterior process: a broad rounded prominence in front of the sinus tarsi, above
        # the cuboid facet (bifurcate ligament origin)
        beak = ellipsoid(p, CC + [-3.5, 3.8, -4.0], (5.5, 5.0, 8.0), frame([1.0, 0.15, 0.0]))
        d = smin(d, beak, k=4.5)
        # anterior tubercle on the plantar surface (short plantar ligament): a transverse knob
        ant_tub = ellipsoid(p, CC + [-12.0, -17.3, -2.5], (7.5, 4.0, 7.0), frame([1.0, 0.4, 0.0]))
        d = smin(d, ant_tub, k=5.0)
        # sustentaculum tali: a horizontal shelf under the medial part of the talar neck and head (GM
        # spring-ligament origin x 45-52, y 44-46, z -24..-12), its thick rounded margin medial, flat on
        # top at the level of the talus's middle facet (the carve by the talus then shapes the facet)
        d = smin(d, shelf(p), k=5.0)
        # peroneal trochlea: a small oblique ridge on the lateral face
        trochlea = ellipsoid(p, CC + [-22.5, -8.0, 9.8], (6.5, 4.5, 2.8), troch_axes)
        d = smin(d, trochlea, k=3.0)
        # ... the peroneus longus groove below it and the shallower brevis groove above
        d = ssub(d, capsule(p, CC + [-36.0, -7.5, 14.6], CC + [-6.0, -19.5, 14.0], 6.0), k=3.0)
        d = ssub(d, capsule(p, CC + [-36.0, 4.0, 15.4], CC + [-12.0, -3.0, 15.0], 6.0), k=3.0)
        # the medial face hollowed under the sustentaculum (tendons and vessels pass to the sole)
        d = ssub(d, ellipsoid(p, (18.0, 22.0, -20.0), (22.0, 13.0, 10.0), frame([1.0, 0.25, 0.0])), k=8.0)
        # the anterior process narrows downward: its inferomedial border is bevelled, so the cuboid
        # facet is roughly triangular, wide above ([Gray268])
        # (fading out behind the process and up under the sustentaculum)
        bevel = (-halfspace(p, CC + [-2.0, -9.0, -9.5], (0.15, -0.6, -0.8))
                 + 1.2 * np.maximum(0.0, CC[0] - 5.0 - p[:, 0]) + 1.5 * np.maximum(0.0, p[:, 1] - CC[1] + 9.0))
        d = ssub(d, bevel, k=6.0)
        # cuboid facet: cut the front with the saddle
        ql = (p - cc_front) @ cc_axes.T
        # (the side-to-side concavity levels off at the margins: no horns at the facet's corners)
        # and the convexity from above down levels off to a slope far from the facet (the plantar
        # surface and the anterior tubercle are not cut back)
        saddle = ql[:, 0] + 3.2 * (np.sqrt(1.0 + (ql[:, 1] / 8.0) ** 2) - 1.0) - 5.0 * np.tanh(ql[:, 2] ** 2 / 300.0)
        d = smax(d, saddle, k=2.5)
        # FHL groove under the sustentaculum, running forward and a little down, running out of the
        # medial surface in front (no pit at its end)
        d = ssub(d, capsule(p, (24.0, 35.0, -16.0), (50.0, 31.0, -22.0), 4.5, 3.0), k=3.0)
        # calcaneal sulcus, opening laterally into the sinus tarsi
        # (a slot open upward: the talar sulcus above closes it into the canalis tarsi)
        sa, sb = ftop + [4.5, -3.5, -13.0], ftop + [10.0, -10.5, 15.0]
        d = ssub(d, _slot(p, sa, sb, 2.2, 3.8, 10.0), k=3.5)
        # no bone below the ground
        d = smax(d, halfspace(p, (0.0, 0.0, 0.0), (0.0, -1.0, 0.0)), k=1.0)
        return d
    return f


BONES = {"calcaneus": calcaneus}
SETTINGS = {"calcaneus": {"voxel_mm": 0.7, "triangles": 7000}}
