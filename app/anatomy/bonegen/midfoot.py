"""Navicular, cuboid and the three cuneiforms (foot-bone-morphology.md §4, §5, §7b, §8.2).

Each bone is placed on the rig's joint centres (mm, foot frame: X anterior, Y superior, Z lateral):

- navicular: a boat-shaped curved plate between the talar head and the cuneiforms. Its proximal face
  is a deep cup about the talonavicular centre (the talar head's centre): the head's ellipsoid
  (11.5 mm along the neck, 29.7 x 20.5 mm across, [NJCA18]) grown by GAP_MM; its distal face is
  convex and kidney-shaped, its body reaching past three facet planes (one per cuneiform) so that they
  cut three flat facets parted by two ridges; the tuberosity is a blunt projection pointing
  plantar-medially (and a little back) to the GM tuberosity point. AP 15-16 mm, transverse about 34 mm
  (about 40 with the tuberosity), vertical about 22 mm ([Raj24], GM, §4).
- cuboid: a wedge, medial side about 33 mm, lateral about 20 mm, height about 26 mm ([Moi21], §4);
  a saddle-shaped (concavo-convex) calcaneal facet with the posteromedial calcaneal process; distal
  facets for MT4 and MT5 meeting at a vertical ridge; the oblique plantar peroneal groove with the
  ridge and the tuberosity behind it (kept behind the MT4/MT5 facets, clear of the MT5 base) and a low
  front margin before it, so that the groove reads from below (deeper than the 0.63 mm measured [Moi21],
  to be seen); a medial face for the lateral cuneiform; its dorsal surface convex and facing up and
  laterally, sloping down to the short lateral border (lateral length 19.7 vs medial 33.4 mm, [Moi21]);
  its non-articular surfaces meet the rest with broad rounded edges and its plantar surface is convex,
  so that it reads as a bone, not a box. About 10.3 cm3 (GM 15.2 cm3, but the GM cuboid is about
  20 % longer than [Moi21]'s: 40.8 vs 33.4 mm, §4).
- cuneiforms: wedges between their navicular facet and their metatarsal base, their articular faces
  flat with rounded rims, their non-articular surfaces bevelled into them with broad rounded edges
  and a little hollowed between the joints. C1's subcutaneous medial face is gently convex, with the
  tibialis anterior tubercle swelling at its antero-inferior angle ([Gray-Cun]) and a smooth shallow
  hollow above and behind it. C1 base plantar (its plantar base the broadest part, where tibialis anterior
  and peroneus longus insert, lowest in front, about 17.5 mm up), thin edge dorsal (its dorsomedial
  edge bevelled), kidney-shaped distal facet as tall as the MT1 base, its hilum lateral (a notch at
  mid height, matching the hollow of the MT1 base; [Frazer-Cun]); about 33 mm high and 0.9 x the
  cuboid's volume (GM 34.9 mm and 13.8 vs 15.2 cm3, [GM], §5); its dorsolateral corner reaches about
  8 mm further forward than C2 along the second ray seen from above (13.8 mm along the declined MT2
  axis; GM about 10 mm). C2 base dorsal
  (square dorsal surface), apex plantar, the shortest (its
  distal face recessed about 10 mm behind C1's along the MT2 axis: the mortise for the MT2 base);
  C3 base dorsal (oblong dorsal surface, narrow plantar edge), reaching further forward than the
  cuboid ([Frazer-Cun], [Gray-Cun], §5). Their
  plantar points form the transverse arch: C1 about 18, C2 about 31 (the keystone, about 13 mm above
  C1 and the cuboid), C3 about 24, cuboid about 15 mm above the sole (GM, §8.2).

The faces between neighbours are planes a joint space apart; the carving in ``bonegen`` then fits
every articular surface through the techniques' motion.
"""

from __future__ import annotations

import numpy as np

from app.anatomy.bonegen.dims import GAP_MM
from app.anatomy.bonegen.sdf import capsule, ellipsoid, frame, halfspace, smax, smin, ssub, unit

#: The talar head about the talonavicular centre (hindfoot.talus): semi-axes along the neck, then its
#: oblique long axis turned 25 deg (lateral end up), as hindfoot.talus models it; 29.7 x 20.5 mm across ([NJCA18]).
TALAR_HEAD_MM = (11.5, 10.0, 15.0)
TALAR_HEAD_TILT_DEG = 25.0
NAV_FACET_MM = 4.0  # the navicular's distal facets lie this far beyond the naviculocuneiform centres
NAV_BODY_AP_MM = 15.0  # the body's semi-axis along the talonavicular-naviculocuneiform line (cut by the facets)


def planes(p, faces, k=2.5):
    """Rounded convex polyhedron: the smooth intersection of half-spaces (point, outward normal)."""
    out = halfspace(p, *faces[0])
    for point, normal in faces[1:]:
        out = smax(out, halfspace(p, point, normal), k=k)
    return out


def _nav_facets(g):
    """(point, outward unit normal) of the navicular's three distal facets, for C1, C2, C3. Each faces
    along its cuneiform (naviculocuneiform to tarsometatarsal centre), the medial one turned
    medially and the lateral one laterally so that two ridges part the three facets."""
    out = []
    for i, turn in ((1, -0.35), (2, 0.0), (3, 0.35)):
        NC, T = g.J[f"naviculocuneiform_{i}"], g.J[f"tarsometatarsal_{i}"]
        n = unit(unit(T - NC) + np.array([0.0, 0.0, turn]))
        out.append((NC + n * NAV_FACET_MM, n))
    return out


def navicular(g):
    TN = g.J["talonavicular"]
    nc = np.mean([g.J[f"naviculocuneiform_{i}"] for i in (1, 2, 3)], axis=0)
    d = unit(nc - TN)
    axes = frame(d)
    facets = _nav_facets(g)
    # the cup: the talar head's ellipsoid grown by the joint space, in the head's own axes
    A = g.J["talocrural"]
    neck = frame(unit(TN - (A + np.array([2.0, -3.0, -1.0]))))
    t = np.radians(TALAR_HEAD_TILT_DEG)
    head_axes = np.stack([neck[0], np.cos(t) * neck[1] - np.sin(t) * neck[2], np.cos(t) * neck[2] + np.sin(t) * neck[1]])
    cup_radii = np.asarray(TALAR_HEAD_MM) + GAP_MM
    tub = g.gm(66.0, 42.5, -31.5)  # GM tuberosity (most medial point 65.8, 42.3, -34.8; §8.1)
    tub_root = g.gm(69.0, 48.0, -23.0)

    def f(p):
        # the body reaches beyond the facet planes, so that they cut three flat facets parted by ridges
        body = ellipsoid(p, TN + d * 11.0 + np.array([0.0, -1.5, -1.0]), (NAV_BODY_AP_MM, 11.5, 16.0), axes)
        body = smax(body, halfspace(p, TN + d * 6.0, -d), k=2.0)  # the rim of the boat
        # the tuberosity: a blunt projection pointing plantar-medially (and a little back) out of the body
        body = smin(body, capsule(p, tub_root, tub, 6.5, 5.0), k=4.0)
        body = smax(body, planes(p, facets, k=1.5), k=1.5)
        return ssub(body, ellipsoid(p, TN, cup_radii, head_axes), k=1.5)  # the cup for the talar head
    return f


#: Cuboid: rounding (mm) of the edges of its non-articular surfaces and the radii of its convex plantar and dorsal surfaces.
CUBOID_FREE_ROUND_MM, CUBOID_PLANTAR_RADIUS_MM, CUBOID_DORSAL_RADIUS_MM = 6.0, 35.0, 50.0


def cuboid(g):
    CC, T4, T5 = g.J["calcaneocuboid"], g.J["tarsometatarsal_4"], g.J["tarsometatarsal_5"]
    _, _, u4 = g.ray(4)
    _, _, u5 = g.ray(5)
    cc_axes = frame(unit([1.0, -0.15, -0.05]))  # the calcaneus's cuboid facet faces this way (hindfoot)
    faces = [
        (T4 - u4 * GAP_MM / 2, u4),  # MT4 facet
        (T5 - u5 * GAP_MM / 2, unit(u5 + np.array([0.0, 0.0, 0.8]))),  # MT5 facet, facing forward and out
        # (the two meet at the vertical ridge)
        (np.array([80.0, 40.0, 12.0]), unit([0.12, 0.35, -1.0])),  # medial: lateral cuneiform, navicular
        (np.array([65.0, 30.0, 28.0]), unit([0.25, 0.15, 1.0])),  # lateral border
        (np.array([50.0, 46.5, 10.0]), unit([0.33, 1.0, 0.25])),  # dorsum, sloping forward and laterally
        (np.array([50.0, 21.0, 10.0]), unit([-0.22, -1.0, 0.0])),  # plantar surface
    ]
    plantar_face = faces.pop()
    ridge_a, ridge_b = np.array([62.5, 17.5, 26.0]), np.array([67.0, 19.0, 8.0])
    ridge_axes = frame(ridge_a - ridge_b)  # the tuberosity swells along the ridge's lateral end
    groove_a, groove_b = np.array([68.5, 16.5, 29.0]), np.array([74.5, 16.5, 6.0])
    lip_a, lip_b = np.array([74.0, 17.0, 21.0]), np.array([76.5, 17.0, 9.0])  # the groove's front margin

    plantar_c, plantar_n = np.array([62.0, 17.5, 15.0]), unit(plantar_face[1])
    dorsal_c, dorsal_n = np.array([60.0, 44.5, 12.0]), unit([0.25, 1.0, 0.55])

    def f(p):
        body = planes(p, faces[:3], k=3.0)  # the articular faces: rims a little rounded
        for point, normal in faces[3:]:  # the non-articular lateral border and dorsum: broad rounded edges
            body = smax(body, halfspace(p, point, normal), k=CUBOID_FREE_ROUND_MM)
        # the dorsal surface convex, facing up and laterally: it slopes down to the short lateral border
        q = p - dorsal_c
        h = q @ dorsal_n
        body = smax(body, h + (np.einsum("ij,ij->i", q, q) - h * h) / (2.0 * CUBOID_DORSAL_RADIUS_MM),
                    k=CUBOID_FREE_ROUND_MM)
        q = p - plantar_c  # the plantar surface convex both ways (radius CUBOID_PLANTAR_RADIUS_MM)
        h = q @ plantar_n
        plantar = h + (np.einsum("ij,ij->i", q, q) - h * h) / (2.0 * CUBOID_PLANTAR_RADIUS_MM)
        body = smax(body, plantar, k=CUBOID_FREE_ROUND_MM)
        # saddle-shaped calcaneal facet, the counterpart of the calcaneus's (hindfoot.calcaneus: its front
        # 0.9 mm behind the centre, x + y^2/40 - z^2/60 = 0): concave from above down, convex side to side
        q = (p - CC) @ cc_axes.T
        saddle = (0.6 - q[:, 1] ** 2 / 40.0 + q[:, 2] ** 2 / 60.0) - q[:, 0]
        body = smax(body, saddle, k=2.0)
        body = smin(body, ellipsoid(p, CC + [1.5, -9.0, -7.5], (6.0, 5.0, 5.0)), k=3.0)  # calcaneal process
        body = smin(body, capsule(p, ridge_a, ridge_b, 4.5, 3.5), k=3.0)  # ridge ending laterally
        body = smin(body, ellipsoid(p, ridge_a + [0.5, 0.5, -1.5], (6.5, 4.5, 5.0), ridge_axes), k=4.0)  # tuberosity
        body = smin(body, capsule(p, lip_a, lip_b, 2.5), k=3.0)
        for point, normal in faces[:2]:  # the tuberosity stays behind the MT4/MT5 facets (the MT5 base)
            body = smax(body, halfspace(p, point, normal), k=2.0)
        return ssub(body, capsule(p, groove_a, groove_b, 3.0), k=2.5)  # peroneal groove, oblique
    return f


#: Planes between neighbours (foot frame): z + slope * (y - 40) = level. The C1|C2 plane leans so
#: that C1 is wide below and C2 wide above; C2|C3 is nearly upright and C3|cuboid leans so that C3 too is
#: wide above: C2 and C3 both wedges with their base dorsal, the keystones of the transverse arch.
C1_C2 = (-15.2, 0.30)
C2_C3 = (-2.4, -0.12)
C3_CUB = (9.5, -0.35)


def _side(level, slope, sign, gap):
    """Half-space bounded by a sloping sagittal plane, moved ``gap``/2 into the kept side: sign +1 keeps
    what is medial of it, -1 what is lateral."""
    n = unit([0.0, slope, 1.0]) * sign
    return np.array([0.0, 40.0, level - sign * gap / 2]), n


#: Cuneiforms: rounding (mm) of the edges between their articular faces, and of the edges of their
#: non-articular (dorsal, plantar, C1's medial) surfaces, which are also hollowed this deep at mid-length.
CUN_ROUND_MM, CUN_FREE_ROUND_MM, CUN_HOLLOW_MM = 2.0, 4.0, 1.2


def _cuneiform(g, i, medial, lateral, dorsal, plantar, free=("dorsal", "plantar"), hollow=None):
    """A wedge between its navicular facet and its metatarsal base: its articular faces flat with
    slightly rounded rims, its non-articular surfaces (``free``) bevelled into them with broad
    rounded edges and a little hollowed between the two joints."""
    NC_point, n = _nav_facets(g)[i - 1]
    T, _, u = g.ray(i)
    back, front = (NC_point + n * GAP_MM, -n), (T - u * GAP_MM / 2, u)
    sides = {"medial": medial, "lateral": lateral, "dorsal": dorsal, "plantar": plantar}
    joint = [back, front] + [f for k, f in sides.items() if k not in free]
    rough = [(k, f) for k, f in sides.items() if k in free]
    axis = unit(front[0] - back[0])
    length = float((front[0] - back[0]) @ axis)

    def f(p):
        d = planes(p, joint, k=CUN_ROUND_MM)
        t = np.clip(((p - back[0]) @ axis) / length, 0.0, 1.0)
        mid = 4.0 * t * (1.0 - t)
        for (key, (point, normal)) in rough:
            depth = CUN_HOLLOW_MM if hollow is None else hollow.get(key, CUN_HOLLOW_MM)
            d = smax(d, halfspace(p, point, normal) + depth * mid, k=CUN_FREE_ROUND_MM)
        return d
    return f


def _sloped(a, b, up):
    """Half-space bounded by the transverse line through sagittal points a=(x, y), b=(x, y); up=+1
    keeps what is below the line (a dorsal face), -1 what is above it (a plantar face)."""
    (xa, ya), (xb, yb) = a, b
    n = unit([-(yb - ya) / (xb - xa), 1.0, 0.0]) * up
    return np.array([xa, ya, 0.0]), n


#: C1's subcutaneous medial face: convex both ways, gently domed (an elliptic paraboloid about its centre
#: with these radii: from base to edge, then from back to front), leaning so that the bone tapers upward
#: to its thin dorsal edge ([Frazer-Cun], [Gray-Cun], §5).
C1_MEDIAL_CENTRE = np.array([90.0, 33.0, -37.0])
C1_MEDIAL_NORMAL = unit([0.0, 0.4, -1.0])
C1_MEDIAL_RADIUS_MM = 36.0
C1_MEDIAL_RADIUS_AP_MM = 26.0
#: On the medial face (the tibialis anterior marks its inferior and anterior angle, the rest is rough for
#: ligaments, [Gray-Cun], §5): the tibialis anterior tubercle, a low swelling at the antero-inferior angle
#: (an ellipsoid: centre, semi-axes, mm) and, above and behind it, a smooth shallow hollow that breaks the
#: dome (centre x, y; semi-axes along x, y; depth, mm).
C1_TA_TUBERCLE = (np.array([86.5, 24.5, -36.2]), (4.8, 3.4, 2.5))
C1_MEDIAL_HOLLOW = (84.0, 37.0, 7.0, 6.0, 1.6)
#: The distal facet for MT1 is kidney-shaped, its hilum lateral ([Frazer-Cun], §5), matching the hollow on
#: the lateral side of the MT1 base (forefoot.metatarsal): a notch at mid height of the lateral edge
#: (height above the ground of its centre, its semi-axes along the ray, up and across, its depth, mm).
C1_KIDNEY = (33.5, (9.0, 6.5, 4.0), 3.2)


def medial_cuneiform(g):
    wedge = _cuneiform(
        g, 1,
        (np.array([0.0, 40.0, -60.0]), unit([0.0, 0.2, -1.0])),  # (replaced by the convex face below)
        _side(*C1_C2, +1, GAP_MM),
        _sloped((72.0, 60.0), (98.0, 52.0), +1),  # thin dorsal edge
        _sloped((72.0, 30.0), (98.0, 13.5), -1),  # broad plantar base, lowest in front (about 17 mm)
        free=("medial", "dorsal", "plantar"))
    # the dorsomedial edge bevelled: the thin dorsal edge ([Frazer-Cun], §5)
    bevel = (np.array([85.0, 53.0, -25.0]), unit([0.0, 1.0, -1.0]))
    # the posteroinferior angle rounded off below the navicular
    heel = (np.array([70.5, 32.0, 0.0]), unit([-1.0, -1.0, 0.0]))
    c, n, r = C1_MEDIAL_CENTRE, C1_MEDIAL_NORMAL, C1_MEDIAL_RADIUS_MM
    along = np.array([1.0, 0.0, 0.0])  # (n has no x part)
    up = np.cross(n, along)
    T, _, u = g.ray(1)
    front = (T - u * GAP_MM / 2, u)  # the distal facet (for MT1)
    # the kidney's hilum: centred on the lateral face (the C1|C2 plane) at mid height, on the distal facet
    level, slope = C1_C2
    y0, radii, depth = C1_KIDNEY
    z0 = level - slope * (y0 - 40.0) - GAP_MM / 2 + radii[2] - depth
    x0 = front[0][0] + (-(y0 - front[0][1]) * u[1] - (z0 - front[0][2]) * u[2]) / u[0]
    hilum, hilum_axes = np.array([x0, y0, z0]), frame(u)
    tub_c, tub_r = C1_TA_TUBERCLE
    hx, hy, hax, hay, hdepth = C1_MEDIAL_HOLLOW

    def f(p):
        q = p - c
        # bulging medially, both ways: more from front to back than from the base up to the thin edge
        medial = q @ n + (q @ along) ** 2 / (2.0 * C1_MEDIAL_RADIUS_AP_MM) + (q @ up) ** 2 / (2.0 * r)
        medial = medial + hdepth * np.exp(-((p[:, 0] - hx) / hax) ** 2 - ((p[:, 1] - hy) / hay) ** 2)
        d = smax(wedge(p), medial, k=5.0)
        d = smax(d, halfspace(p, *heel), k=5.0)
        d = smax(d, halfspace(p, *bevel), k=6.0)
        d = smin(d, ellipsoid(p, tub_c, tub_r), k=4.0)  # the tibialis anterior tubercle
        d = smax(d, halfspace(p, *front), k=2.0)  # (which stays behind the distal facet)
        return ssub(d, ellipsoid(p, hilum, radii, hilum_axes), k=2.0)  # the kidney's hilum
    return f


def intermediate_cuneiform(g):
    return _cuneiform(
        g, 2,
        _side(*C1_C2, -1, GAP_MM),
        _side(*C2_C3, +1, GAP_MM),
        _sloped((72.0, 58.0), (93.0, 52.5), +1),  # square dorsal base
        _sloped((72.0, 33.0), (93.0, 30.5), -1))  # plantar apex: the keystone, about 31 mm up


def lateral_cuneiform(g):
    return _cuneiform(
        g, 3,
        _side(*C2_C3, -1, GAP_MM),
        _side(*C3_CUB, +1, GAP_MM),
        _sloped((70.0, 57.5), (90.0, 46.0), +1),  # oblong dorsal base
        _sloped((70.0, 28.0), (90.0, 23.5), -1))  # plantar edge about 24 mm up


BONES = {"navicular": navicular, "cuboid": cuboid, "medial_cuneiform": medial_cuneiform,
         "intermediate_cuneiform": intermediate_cuneiform, "lateral_cuneiform": lateral_cuneiform}
SETTINGS = {name: {"voxel_mm": 0.5, "triangles": 3000} for name in BONES}
SETTINGS["navicular"] = {"voxel_mm": 0.5, "triangles": 3500}
SETTINGS["cuboid"] = {"voxel_mm": 0.5, "triangles": 3500}
