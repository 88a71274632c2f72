"""Metatarsals and the two sesamoids of the hallux (foot-bone-morphology.md §6, §7b, §8.2).

Each metatarsal lies on its ray, from its tarsometatarsal centre T to its MTP centre M (``g.ray``),
in a local frame: x along the ray, y up, z lateral (mm). Its base face starts GAP_MM/2 beyond T and its
head is centred on M (radius ``dims.MT_HEAD``), so its length is the ``dims.LENGTHS`` target the ray
layout was spaced for. Three parts, blended with fillets:

- base, with its characteristic outline ([Gray-MT], [Frazer-MT], GM): MT1 kidney-shaped (convex
  medially, hollow laterally) and the widest, 24 W x 32 H mm (GM 23.7 x 31.6); MT2 long, broad above
  and narrow below (it sits in the mortise beside the medial cuneiform); MT3 triangular; MT4 an
  oblique quadrilateral; MT5 triangular, with the styloid tuberosity a rounded spur projecting
  proximally and laterally beside the cuboid (its tip behind the TMT5 centre, GM 75, 13, 31, §8.1).
  The lesser bases are solid blocks bounded by the planes they share with their neighbours (a joint
  space apart, so the carving trims them little): these planes tilt more and more laterally, which
  makes the bases wedges of the transverse arch, base dorsal. Each base is about 19, 17, 15 and 16 mm
  high (MT2-MT5) and flares smoothly from its shaft (every wall turns in towards the shaft beyond the
  articular part).
- shaft: triangular-prismatic, narrowing to a plantar border, bowed so that its dorsal aspect is
  convex and its plantar aspect concave along its length ([TopDoc], [anatApp-MT]); MT1 the thickest
  (13.7 ± 1.0 mm, [Patil17]).
- head (``_head``, GM W x H: MT1 24.8 x 28.5, MT2 13.7 x 16.4, MT3 12.8 x 15.9, MT4 11.6 x 14.7, MT5
  14.8 x 14.3, §6): the distal articular sphere (MT1) or ellipsoid (lesser) about the MTP centre, unchanged
  where the proximal phalanx cups it (its base is this sphere grown by the joint space), on a non-articular
  body that reaches further plantarward (the articular surface extends plantarly) and narrows smoothly
  into the neck. MT1's is broad and rounded: behind the sphere's equator a body whose cross-section is a
  box rounded dorsally (radius 12 mm: the dorsum rounded, not square) and less plantarly, swelling
  medially into the medial eminence and turning in onto the sphere with a broad blend (no crease where
  the eminence meets the articular surface); plantarly two grooves for the sesamoids separated by a
  crista rounded below (a keel about 2 mm wide, a joint space from each sesamoid) ([Frazer-MT],
  [Yosh88]); the lesser heads
  are taller than wide, flattened on the sides, broader plantarly (their sides lean in dorsally), with a
  small dorsal tubercle and a shallow pit on each side for the collateral ligaments ([Gray-MT]).
  Built: MT1 about 24.2 W x 25.2 H (GM 24.8 x 28.5; the articular sphere, radius 11, fixes the distal
  part, and the sesamoids' 1.5-2 mm joint spaces the crista's depth), MT2-MT5 about 10.7 x 16.6, 9.6 x 16, 10.1 x 15, 12.2 x 14.4 mm: the lesser heads are narrower than GM
  because the rays' MTP centres are only 13.5 (MT2|MT3), 14.5 and 19 mm apart and the forefoot spring
  swings MT3 2 deg towards MT2; their facing sides are narrowed so that the carve (a joint space in every
  pose of every technique) does not notch them.

Sesamoids (fixed to MT1, in the flexor hallucis brevis tendons): the medial (tibial) one larger
([Frazer-MT]). Their size in mm is not verified in the reference (§6, §10); the usual textbook figures
are taken: medial about 12 x 8.4 mm, lateral about 10 x 7.4 mm, each about 6-7 mm thick (a little
narrower than the usual 9 and 8 mm so that the crista fits between their grooves), 1.5-2 mm below
their grooves.
"""

from __future__ import annotations

import numpy as np

from app.anatomy.bonegen import dims
from app.anatomy.bonegen.sdf import capsule, ellipsoid, frame, halfspace, smax, smin, ssub, unit

#: Shaft half-width and half-height at the base end and at the neck (mm), and its dorsal bow (mm).
SHAFT = {1: (7.0, 8.0, 6.2, 6.8, 1.5), 2: (5.0, 6.2, 4.1, 5.0, 1.5), 3: (4.8, 5.9, 3.9, 4.8, 1.4),
         4: (4.6, 5.6, 3.8, 4.6, 1.2), 5: (5.0, 4.8, 4.1, 4.3, 1.0)}
#: Lesser bases: (half length along the ray, half height, lift of its centre above the ray, taper of its
#: faces towards the shaft (mm of recession per mm along the ray)) mm.
BASE = {2: (7.5, 9.8, 0.5, 0.22), 3: (7.0, 8.8, 0.3, 0.22), 4: (6.5, 7.8, 0.0, 0.22), 5: (6.5, 7.0, -0.5, 0.2)}
#: The planes between neighbouring bases (MT1|MT2 ... MT4|MT5), each containing the mean direction of
#: the two rays: (tilt of its normal below the lateral direction, deg; where it lies between the two
#: ray axes, 0 at the medial one, 1 at the lateral). Tilting the planes more and more laterally makes the
#: bases wedges with their base dorsal (the transverse arch): MT2 broad above and narrow below, MT3
#: triangular, MT4 an oblique quadrilateral ([Gray-MT], §6).
MT_SIDES = {1: (-12.0, 0.64), 2: (12.0, 0.5), 3: (22.0, 0.5), 4: (30.0, 0.52)}
TUBEROSITY_TIP = (73.0, 13.5, 31.5)  # GM styloid tip (75, 13, 31, §8.1), a little behind the TMT5 centre
#: the cuboid's lateral border (midfoot.cuboid): the tuberosity reaches back beside it
CUBOID_LATERAL = (np.array([65.0, 30.0, 28.0]), unit([0.25, 0.15, 1.0]))
BASE_GAP_MM = dims.GAP_MM + 0.7  # between bases: the joint space and room for the scissoring's shear
#: Sesamoids: semi-axes (along the ray, vertical, transverse) and lateral offset from the crista (mm).
SESAMOID = {"medial": ((6.0, 3.4, 4.2), -6.3), "lateral": ((5.0, 3.2, 3.7), 6.6)}
SESAMOID_BACK_MM = 3.0  # sesamoid centres lie this far proximal of the MTP centre, under the head
SESAMOID_DOWN_MM = 3.0  # and this far below the head's articular sphere


def _local(p, origin, axes):
    return (p - origin) @ axes.T


def _shaft(q, length, shaft):
    """Triangular-prismatic shaft along local x from 0 to ``length`` (local coords ``q``): an
    elliptical section narrowing to a plantar border, bowed dorsally. A lower bound of the distance."""
    w0, h0, w1, h1, bow = shaft
    t = np.clip(q[:, 0] / length, 0.0, 1.0)
    w, h = w0 + (w1 - w0) * t, h0 + (h1 - h0) * t
    yc = bow * 4.0 * t * (1.0 - t)
    y = q[:, 1] - yc
    below = np.clip(-y / h, 0.0, 1.0)
    w_eff = w * (1.0 - 0.35 * below)  # narrower towards the plantar border: a rounded triangle
    k = np.sqrt((y / h) ** 2 + (q[:, 2] / w_eff) ** 2)
    radial = (k - 1.0) * np.minimum(w_eff, h)
    axial = np.abs(q[:, 0] - length / 2) - length / 2
    return np.maximum(radial, axial)


def mt_side(g, i):
    """(point, unit normal pointing laterally) of the plane between the bases of MT i and MT i+1."""
    Ta, _, ua = g.ray(i)
    Tb, _, ub = g.ray(i + 1)
    ax = frame(ua + ub)
    tilt, share = MT_SIDES[i]
    t = np.radians(tilt)
    n = np.cos(t) * ax[2] - np.sin(t) * ax[1]
    return Ta + n * ((Tb - Ta) @ n) * share, n


def _tapered(point, normal, u, taper):
    """A face of the base through ``point`` (on its proximal face), turned so that it recedes towards
    the shaft by ``taper`` mm per mm along the ray: the base flares from the shaft."""
    return point, unit(normal + taper * u)


def _planes(p, faces, k):
    out = halfspace(p, *faces[0])
    for point, normal in faces[1:]:
        out = smax(out, halfspace(p, point, normal), k=k)
    return out


def _lesser_base(p, g, i, face, axes, u):
    """The base of MT2-5: a block bounded by its proximal articular face, the planes it shares with its
    neighbours (a joint space apart) and its dorsal and plantar surfaces, all tapering into the shaft."""
    from app.anatomy.bonegen.midfoot import C1_C2, C2_C3, C3_CUB, _side

    hl, hh, lift, taper = BASE[i]
    up = axes[1]
    c = face + up * lift
    gap = BASE_GAP_MM
    sides = []
    if i > 1:
        pt, n = mt_side(g, i - 1)
        sides.append((pt + n * gap / 2, -n))
    if i < 5:
        pt, n = mt_side(g, i)
        sides.append((pt - n * gap / 2, n))
    else:  # MT5's free lateral side, facing up and out (the tuberosity is added below)
        sides.append((c + axes[2] * 5.5, unit(axes[2] + 0.45 * up)))
    walls = [(pt - u * ((pt - face) @ u), n) for pt, n in sides] + [(c + up * hh, up), (c - up * hh, -up)]
    d = _planes(p, [_tapered(pt, n, u, taper) for pt, n in walls], k=4.0)
    # beyond the articular part every wall turns in steeply and smoothly: the base narrows into the shaft
    for pt, n in walls:
        d = smax(d, halfspace(p, *_tapered(pt + u * (0.9 * hl), n, u, 0.6)), k=6.0)
    # the mortise: MT2 lateral of C1 (C3 ends behind it here), MT3 lateral of C2, MT4 lateral of C3
    # (its facet for MT4)
    mortise = {2: [_side(*C1_C2, -1, dims.GAP_MM + 1.0)],
               3: [_side(*C2_C3, -1, dims.GAP_MM + 1.0)], 4: [_side(*C3_CUB, -1, dims.GAP_MM + 1.0)]}
    # what keeps the shaft's first millimetres inside the base: its neighbours' planes and the mortise
    keep = None
    for pt, n in [(pt - u * ((pt - face) @ u), n) for pt, n in sides[: 2 if i < 5 else 1]] + mortise.get(i, []):
        h = halfspace(p, pt, n)
        keep = h if keep is None else smax(keep, h, k=2.0)
    # (only near the base: distally the shaft follows its own ray)
    return smax(d, keep, k=2.0), smin(keep, halfspace(p, face + u * (2 * hl), -u), k=3.0)


#: Heads (GM W x H, §6): MT1 24.8 x 28.5, MT2 13.7 x 16.4, MT3 12.8 x 15.9, MT4 11.6 x 14.7, MT5 14.8 x 14.3.
#: The articular surface is the sphere (MT1) or ellipsoid (lesser) about the MTP centre that the proximal
#: phalanx cups; behind and below it the non-articular block (MT1: ``_head1``). HEAD_BLOCK: (dorsal top, plantar bottom) as
#: fractions of the dims.MT_HEAD radius; HEAD_SIDES: (medial, lateral) half width at mid height (mm).
#: Neighbouring lesser heads are 13.5 (MT2|MT3), 14.5 and 19 mm apart, and the forefoot spring swings MT3
#: 2 deg medially towards MT2 (about 2 mm at the head): the facing sides of MT2 and MT3 are narrower so
#: that the carve (a joint space in every pose) leaves them whole.
HEAD_BLOCK = {2: (0.72, 1.12), 3: (0.72, 1.12), 4: (0.72, 1.10), 5: (0.75, 1.05)}
HEAD_SIDES = {2: (6.8, 4.6), 3: (4.4, 5.9), 4: (5.3, 5.8), 5: (6.6, 6.8)}
HEAD_SIDE_TILT_DEG = 4.0  # the lesser heads' sides lean in dorsally: broader plantar condyles
#: Collateral pits of the lesser heads: shallow, broad hollows (depth mm) below the dorsal tubercle.
PIT_DEPTH_MM = 0.35


#: MT1's head (about the MTP centre, local mm: x along the ray, y up, z lateral): a broad rounded body
#: behind the articular sphere, its cross-section a box rounded dorsally (radius HEAD1_ROUND[0]: the dorsum
#: rounded, not square) and less plantarly (HEAD1_ROUND[1]: the plantar condyles flanking the sesamoids);
#: HEAD1_BODY: (medial, lateral half width, dorsal top, plantar bottom) at the eminence. Behind HEAD1_NECK_X
#: it recedes into the neck, ahead of HEAD1_FRONT_X it turns in onto the sphere, both smoothly (no crease
#: where the medial eminence meets the articular surface).
HEAD1_BODY = (15.0, 13.4, 12.0, 17.5)
HEAD1_ROUND = (12.0, 6.0)
HEAD1_NECK_X, HEAD1_NECK_SLOPE = -4.0, 0.75
HEAD1_FRONT_X, HEAD1_FRONT_SLOPE = -3.0, 1.0
HEAD1_FACE_X = -1.0  # the body's distal face, behind the sphere's front (the phalanx rides on the sphere alone)
HEAD1_CRISTA_MM = 3.0  # blend width between the two sesamoid grooves
#: the crista between the grooves: a keel rounded below (an ellipsoid: centre x, y, z and semi-axes, mm),
#: about 2 mm from each sesamoid
HEAD1_CRISTA = ((-5.5, -10.2, 0.4), (6.0, 3.3, 1.0))


def _soft_ramp(t, c):
    """A smooth max(t, 0) (value c/2 at 0) and its derivative."""
    r = np.sqrt(t * t + c * c)
    return 0.5 * (t + r), 0.5 * (1.0 + t / r)


def _head1(p, M, axes):
    """MT1's head: the articular sphere the proximal phalanx cups (unchanged), on a broad rounded body
    (the medial eminence, the dorsal part, the plantar condyles) that blends into it without a crease;
    two plantar grooves for the sesamoids, each the sesamoid grown by the joint space, separated by a
    rounded crista ([Frazer-MT], [Yosh88], GM; §6)."""
    rh, _ = dims.MT_HEAD[1]
    q = (p - M) @ axes.T
    x, y, z = q[:, 0], q[:, 1], q[:, 2]
    art = np.linalg.norm(q, axis=1) - rh
    med, lat, top, bottom = HEAD1_BODY
    zc, yc = 0.5 * (lat - med), 0.5 * (top - bottom)
    bz, by = 0.5 * (lat + med), 0.5 * (top + bottom)
    r = np.where(y > yc, HEAD1_ROUND[0], HEAD1_ROUND[1])
    az, ay = np.abs(z - zc) - bz + r, np.abs(y - yc) - by + r
    sec = np.minimum(np.maximum(az, ay), 0.0) + np.hypot(np.maximum(az, 0.0), np.maximum(ay, 0.0)) - r
    back, dback = _soft_ramp(HEAD1_NECK_X - x, 3.0)
    front, dfront = _soft_ramp(x - HEAD1_FRONT_X, 5.0)
    slope = HEAD1_FRONT_SLOPE * dfront - HEAD1_NECK_SLOPE * dback
    body = (sec + HEAD1_NECK_SLOPE * back + HEAD1_FRONT_SLOPE * front) / np.sqrt(1.0 + slope * slope)
    body = smax(body, x - HEAD1_FACE_X, k=3.0)
    d = smin(art, body, k=5.0)
    grooves = []
    for (radii, dz) in SESAMOID.values():
        s = M - axes[0] * SESAMOID_BACK_MM - axes[1] * (rh + SESAMOID_DOWN_MM) + axes[2] * dz
        grow = dims.GAP_MM + 0.9  # (the crista's blend fills the grooves a little near it)
        grooves.append(-ellipsoid(p, s, (radii[0] + grow + 1.0, radii[1] + grow, radii[2] + grow), axes))
    d = smax(d, smax(*grooves, k=HEAD1_CRISTA_MM), k=4.5)
    # the crista: a rounded ridge along the ray between the grooves, a joint space from each sesamoid
    c, radii = HEAD1_CRISTA
    return smin(d, ellipsoid(p, M + np.array(c) @ axes, radii, axes), k=2.5)


def _head_sides(p, M, axes, i):
    """The lesser head's two flat sides (HEAD_SIDES, leaning in dorsally): negative between them."""
    med, lat = HEAD_SIDES[i]
    t = np.radians(HEAD_SIDE_TILT_DEG)
    q = (p - M) @ axes.T
    return smax(q @ np.array([0.0, np.sin(t), np.cos(t)]) - lat, q @ np.array([0.0, np.sin(t), -np.cos(t)]) - med, k=2.0)


def _head(p, M, axes, i):
    """The metatarsal head about the MTP centre M: its distal articular surface (the sphere or ellipsoid
    the proximal phalanx rides on, unchanged) on a squarish block that is flat-sided, reaches further
    plantarward (the plantar condyles: the articular surface extends plantarly) and narrows smoothly
    into the neck behind. MT1: ``_head1``; the lesser heads taller than wide with a small dorsal
    tubercle and a shallow pit on each side for the collateral ligaments ([Gray-MT], GM; §6)."""
    if i == 1:
        return _head1(p, M, axes)
    rh, hw = dims.MT_HEAD[i]
    q = (p - M) @ axes.T
    x, y, z = q[:, 0], q[:, 1], q[:, 2]
    top, bottom = HEAD_BLOCK[i]
    top, bottom = top * rh, bottom * rh
    med, lat = HEAD_SIDES[i]
    art = ellipsoid(p, M, (rh, rh * 1.05, hw), axes)
    tilt = np.radians(HEAD_SIDE_TILT_DEG)
    # the block: distal face just behind the centre (the articular surface stands out in front of it),
    # flat sides, dorsal and plantar faces; all walls recede towards the neck behind x0
    x1, x0 = -0.5, -0.35 * rh
    r = 0.4 * min(0.5 * (med + lat), rh)  # rounding of its edges
    walls = [(np.array([0.0, np.sin(tilt), np.cos(tilt)]), lat), (np.array([0.0, np.sin(tilt), -np.cos(tilt)]), med),
             (np.array([0.0, 1.0, 0.0]), top), (np.array([0.0, -1.0, 0.0]), bottom)]
    blk = x - x1
    for n, off in walls:
        wall = q @ n - off
        # the neck: behind x0 the wall recedes 0.55 mm per mm
        nt = unit(n - 0.55 * np.array([1.0, 0.0, 0.0]))
        recede = (q - (n * off + np.array([x0, 0.0, 0.0]))) @ nt
        blk = smax(blk, smax(wall, recede, k=r), k=r)
    d = smin(art, blk, k=2.5)
    # flattened sides: the articular part too is trimmed to the block's width
    d = smax(d, smax(q @ walls[0][0] - lat, q @ walls[1][0] - med, k=2.0), k=2.0)
    for s, off in ((1.0, lat), (-1.0, med)):
        # dorsal tubercle and, distal-plantar of it, the shallow pit for the collateral ligament
        tub = ellipsoid(p, M + np.array([-0.5 * rh, 0.45 * rh, s * (off - 1.9)]) @ axes, (3.0, 1.8, 1.2), axes)
        d = smin(d, tub, k=1.5)
        pit = ellipsoid(p, M + np.array([-0.15 * rh, -0.1 * rh, s * (off + 2.4 - PIT_DEPTH_MM)]) @ axes,
                        (3.0, 2.8, 2.4), axes)
        d = ssub(d, pit, k=1.5)
    return d


def metatarsal(i):
    def make(g):
        T, M, u = g.ray(i)
        axes = frame(u)
        up, lat = axes[1], axes[2]
        rh, hw = dims.MT_HEAD[i]
        face = T + u * dims.GAP_MM / 2  # proximal face of the base
        if i == 5:  # MT5's face matches the cuboid's facet, turned out (midfoot.cuboid)
            n5 = unit(u + np.array([0.0, 0.0, 0.8]))
        base_end = 13.0 if i == 1 else 6.0  # the lesser shafts start inside their bases (no neck between)
        neck = np.linalg.norm(M - face) - rh * 0.7
        shaft = SHAFT[i]

        def f(p):
            q = _local(p, face, axes)
            shaft_d = _shaft(q - np.array([base_end - 4.0, 0.0, 0.0]), neck - base_end + 4.0, shaft)
            if i == 1:
                # kidney-shaped base, 24 W x 32 H mm: convex medially, hollowed laterally, kept a joint
                # space medial of MT2's base
                base = ellipsoid(p, face + u * 2.5 + up * 0.5 - lat * 2.0, (12.5, 16.0, 12.0), axes)
                base = ssub(base, ellipsoid(p, face + u * 3.0 + up * 1.0 + lat * 11.0, (11.0, 6.0, 3.5), axes), k=2.5)
                pt, n = mt_side(g, 1)
                base = smax(base, halfspace(p, pt - n * BASE_GAP_MM / 2, n), k=3.0)
                base = smax(base, halfspace(p, face, -u), k=1.0)  # the articular face
            else:
                base, keep = _lesser_base(p, g, i, face, axes, u)
                shaft_d = smax(shaft_d, keep, k=2.0)
            d = smin(base, shaft_d, k=6.0)
            if i > 1:  # the blend's fillet too stays a joint space from the neighbouring bases
                d = smax(d, keep, k=1.5)
            if i == 5:  # the articular face (MT5's turned out with the cuboid's facet)
                d = smax(d, halfspace(p, T + n5 * dims.GAP_MM / 2, -n5), k=1.5)
            elif i > 1:
                d = smax(d, halfspace(p, face, -u), k=1.5)
            d = smin(d, _head(p, M, axes, i), k=3.0)
            if i > 1:  # the neck's fillet, too, stays within the head's flat sides (a joint space from its neighbours)
                qx = (p - M) @ axes[0]
                d = smax(d, smin(_head_sides(p, M, axes, i), qx + 2.0 * rh, k=3.0), k=1.5)
            if i == 5:
                # styloid tuberosity: a rounded spur from the plantar-lateral side of the base, reaching
                # back and out beside the cuboid to its tip (GM, about 4 mm behind the TMT5 centre)
                tip = g.gm(*TUBEROSITY_TIP)
                root = face + u * 6.0 + lat * 4.0 - up * 2.5
                along = unit(tip - root)
                L = np.linalg.norm(tip - root)
                tub = ellipsoid(p, root + along * (L - 5.0) * 0.55, ((L + 5.0) * 0.55, 5.5, 6.0), frame(along, up))
                # clear of the cuboid: behind the articular face only lateral of the cuboid's lateral border
                behind = halfspace(p, T + n5 * (dims.GAP_MM / 2 + 0.5), -n5)
                beside = -halfspace(p, CUBOID_LATERAL[0] + CUBOID_LATERAL[1] * (dims.GAP_MM + 1.0), CUBOID_LATERAL[1])
                tub = smax(tub, smin(behind, beside, k=2.0), k=2.0)
                d = smin(d, tub, k=4.0)
            return d
        return f
    return make


def sesamoid(side):
    def make(g):
        T, M, u = g.ray(1)
        axes = frame(u)
        rh, _ = dims.MT_HEAD[1]
        radii, dz = SESAMOID[side]
        c = M - u * SESAMOID_BACK_MM - axes[1] * (rh + SESAMOID_DOWN_MM) + axes[2] * dz

        def f(p):
            return ellipsoid(p, c, radii, axes)
        return f
    return make


BONES = {f"metatarsal_{i}": metatarsal(i) for i in range(1, 6)}
BONES.update({"sesamoid_medial": sesamoid("medial"), "sesamoid_lateral": sesamoid("lateral")})
SETTINGS = {f"metatarsal_{i}": {"voxel_mm": 0.5, "triangles": 3500} for i in range(1, 6)}
SETTINGS["metatarsal_1"] = {"voxel_mm": 0.5, "triangles": 4000}
SETTINGS.update({"sesamoid_medial": {"voxel_mm": 0.4, "triangles": 600}, "sesamoid_lateral": {"voxel_mm": 0.4, "triangles": 600}})
