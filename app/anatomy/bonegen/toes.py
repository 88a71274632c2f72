"""Phalanges: proximal, middle and distal, each with a base, a shaft and a head (foot-bone-morphology.md §7, §7b).

Every phalanx is modelled in its own frame: x along the bone from its proximal joint centre (the
centre of the head it rides on), y dorsal, z lateral (right foot), mm.

- Proximal phalanges: a concave base cupping the metatarsal head (a sphere about the MTP centre, radius
  ``dims.MT_HEAD[i][0]`` plus the joint space), a transversely oval base with two plantar tubercles
  (the flexor hallucis brevis / plantar plate insertions), a long shaft arched dorsally so its plantar
  side is concave, and a spool-shaped bicondylar head: two condyles with a shallow groove between,
  round about the interphalangeal flexion axis (§7 [eForens], [pacs-Ph]).
- Middle phalanges (:func:`middle`): short, the shaft about the head's diameter (§7), a base that
  cups the proximal phalanx's spool (its negative, two shallow fossae and a median ridge, §7b), and a
  pulley-shaped head (two condyles with a groove). Like the lesser distal phalanges, the base is a
  :class:`Loft`: a rounded end, broader than tall and only modestly wider than the shaft (§7: a short
  bone, almost as wide as long; the base about 1.4 x the waist, not the 1.6-1.7 of a stack of bells),
  whose outline swells a little beyond its face and then narrows smoothly (:func:`flare`, a convex
  shoulder into a concave waist) within the first half of the bone, so that a parallel-sided shaft
  runs on to the head; its extra height mostly plantar (DROP), so its dorsum rises little over the
  shaft's; two small collateral tubercles on its sides, a low, broad dorsal swelling (the extensor's
  insertion, not a ridge along the rim) and plantar tubercles either side (the slips of flexor
  digitorum brevis, §7 attachments).
- Distal phalanges: very short, a saddle-like base (in toes 2-5 about as wide as the tuft, §7) with a plantar tubercle (flexor digitorum longus,
  for the hallux flexor hallucis longus, §7 attachments), a flat dorsum, and a non-articular tuft
  (ungual tuberosity) that widens like a spade to carry the nail (§7 [eForens], [pacs-Ph]). Each is a
  :class:`Loft`, a solid swept along the bone from profiles of its width, its dorsal and its plantar
  outline: seen from above a broad, rounded base (in toes 2-5 with the collateral tubercles and the
  extensor's lip of the middle phalanges) narrowing to a short waist, then a tuft widest near its root
  and converging to a blunt point (an arrowhead in toes 2-5, a broad rounded spade in the hallux);
  seen from the side a dorsum running straight from the base to the tip over a plantar concavity
  under the shaft; seen end-on a tuft about 0.55-0.6 as high as wide, convex dorsally and flatter
  plantarly (the ungual tuberosity), a low dome and not a plate, in front of the wider, cupped base.
- The cups of the lesser middle and distal bases (:func:`cup_face`) are congruent with the head they
  ride on (its spool dilated by the joint space) but shallow: they reach back round the head only as
  far as the base's outline leaves a rounded rim of bone (RIM_MM) all round, as the shallow, saddle-like
  interphalangeal bases do (§7b), instead of a knife-edged flange round a deep cup. The joint space of
  an interphalangeal joint is ``dims.IP_GAP_MM`` (1.0 mm, the metatarsophalangeal joints keep
  ``dims.GAP_MM``), so that the middle cups of toes 2-4 are 0.5-0.65 mm deep instead of 0.4-0.55 (MP5,
  whose low base rides a broad head, stays at 0.25); and the bases' faces are saddles (:func:`face`)
  whose dorsal and plantar lips reach on back round the head as far as the rim allows (in the distal
  phalanges 0.5-0.75 mm deep there, 0.25-0.45 at the sides, where the head is widest), so that from
  the side a distal base is seen to cup its head rather than stand as a flat face before it.
- DP5, the shortest phalanx (5.2 +- 1.3 mm in men, [Patil17]), is made about 6.5 mm long (the upper
  end of that range) and about as long as its base is wide, so that it still shows a base, a waist and
  a tuft; MP5 is the squattest middle phalanx (often fused with DP5, [Gall14]), still with a waist and
  a pulley.
- The hallux phalanges are much more robust (§7): PP1 about 30 mm long with a base about 20 mm wide
  (GM base width 22.2 mm, about 30 % large, [GM]); DP1 with a base about 16 mm (GM 20.2 x 0.8) and
  a broad tuft.

Lengths come from ``dims.LENGTHS`` (the ray layout places the joint centres for them); head sizes
from ``dims.PP_HEAD`` / ``dims.MP_HEAD`` (lesser PP head widths 9.7, 9.0, 8.5, 8.7 mm, [Kaur]).
Widths of bases, shafts and tufts below are proportions of those heads (synthesis): a base about
1.2-1.3 x its bone's head width, a proximal shaft waist about 0.65-0.7 x, a distal tuft about as wide
as the middle phalanx's head; a lesser middle or distal base about 1.4 x its waist (a distal one
about as wide as its tuft, §7), just wide enough to cover the head it cups (plus the joint space and
a rim) at its shallow cup. That is why the heads the lesser bases ride on are narrow pulleys: the
lesser PP heads 8.6, 8.0, 7.5, 7.4 mm wide as modelled (10.1, 9.4, 8.8, 8.8 mm measured with the blend
into the neck, within one SD of the [Kaur] means 9.74, 9.00, 8.49, 8.67), the MP heads 6.0-4.6 mm.
"""

from __future__ import annotations

import numpy as np

from app.anatomy.bonegen import dims
from app.anatomy.bonegen.sdf import box, capsule, ellipsoid, frame, local, smax, smin

# Per bone, full widths (W, mediolateral) and heights (H, dorsoplantar) in mm:
#   base (W, H), shaft waist (W, H), dorsal arch of the shaft (mm), tubercle size (mm)
PROXIMAL = {
    1: dict(base=(20.0, 15.0), waist=(12.0, 8.6), arch=1.6, tub=3.2),   # hallux: wide base about 20 mm (§7)
    2: dict(base=(12.2, 10.0), waist=(6.6, 5.4), arch=1.1, tub=1.8),
    3: dict(base=(11.4, 9.6), waist=(6.2, 5.1), arch=1.0, tub=1.7),
    4: dict(base=(10.8, 9.2), waist=(5.9, 4.9), arch=0.9, tub=1.6),
    5: dict(base=(11.0, 9.2), waist=(6.0, 4.9), arch=0.9, tub=1.6),
}
MIDDLE = {  # short (§7): a rounded base only modestly wider than the shaft, a waist, a pulley-shaped head
    2: dict(base=(9.4, 7.4), waist=(6.6, 5.0), arch=0.3, tub=0.8),
    3: dict(base=(9.0, 7.1), waist=(6.3, 4.8), arch=0.3, tub=0.75),
    4: dict(base=(8.5, 6.8), waist=(6.0, 4.6), arch=0.3, tub=0.7),
    5: dict(base=(8.2, 6.6), waist=(5.8, 4.4), arch=0.2, tub=0.65, reach=0.8),  # squat: the flare runs to the head
}
#   base (W, H), waist (W, H), tuft (W, H) in mm; tub: the flexor tubercle (mm)
DISTAL = {
    1: dict(base=(17.0, 12.0), waist=(10.0, 7.6), tuft=(14.0, 6.2), tub=2.4, blunt=0.7),
    2: dict(base=(7.3, 5.9), waist=(5.2, 4.1), tuft=(6.9, 3.7), tub=0.8),
    3: dict(base=(6.9, 5.7), waist=(5.0, 4.0), tuft=(6.5, 3.5), tub=0.8),
    4: dict(base=(6.6, 5.5), waist=(4.8, 3.8), tuft=(6.2, 3.4), tub=0.75),
    5: dict(base=(5.8, 4.9), waist=(4.1, 3.3), tuft=(5.3, 3.0), tub=0.7),
}
#: the wall (mm) left round the cup of a lesser middle or distal phalanx at its proximal face: the cup
#: reaches back around the head only as far as the base's outline leaves this much bone round it
RIM_MM = 0.65
LIP_MM = 0.8  # at most how much further back than its sides a lesser base's dorsal and plantar lips reach
DROP = 0.3  # how much of a middle base's extra height (over the waist's) is plantar, as a drop of its centre
CENTRE_MM = 0.6  # how far off its axis a base may be centred on its cup (the rays bend at each joint)


def spool(q, rh, hw, groove=0.45):
    """A bicondylar head about the local z axis through the origin: two condyles (round, radius ``rh``,
    in the sagittal plane) side by side over the half width ``hw``, a shallow groove (``groove`` mm)
    between them. ``q``: points in the bone's frame relative to the head centre."""
    cw = 0.56 * hw
    cz = hw - cw
    c1 = ellipsoid(q, (0.0, 0.0, -cz), (rh, rh, cw))
    c2 = ellipsoid(q, (0.0, 0.0, cz), (rh, rh, cw))
    mid = capsule(q, (0.0, 0.0, -cz), (0.0, 0.0, cz), rh - groove)
    return smin(c1, c2, mid, k=0.6)


def flared_base(q, x0, length, half_h, half_w, y=0.0):
    """A phalangeal base: an egg widest near its proximal face at x0 (cut flat there, softly) and
    narrowing distally over ``length`` into the shaft. ``half_h``, ``half_w``: half height and half width."""
    body = ellipsoid(q, (x0 + 0.3 * length, y, 0.0), (length, half_h, half_w))
    return smax(body, x0 - q[:, 0], k=min(1.2, half_h * 0.3))


def arched_shaft(q, x0, x1, r0, r1, width_ratio, arch):
    """A shaft from x0 to x1 (radius r0 to r1 in height, ``width_ratio`` times wider), its middle raised
    dorsally by ``arch`` mm: convex dorsally, concave plantarly."""
    t = np.clip((q[:, 0] - x0) / (x1 - x0), 0.0, 1.0)
    qq = q.copy()
    qq[:, 1] -= arch * 4.0 * t * (1.0 - t)
    qq[:, 2] /= width_ratio
    return capsule(qq, (x0, 0.0, 0.0), (x1, 0.0, 0.0), r0, r1)


class Loft:
    """A solid swept along the local x axis: at each x an oval section with half width ``w(x)``, its top at
    ``top(x)`` and its bottom at ``bot(x)``; the dorsal half a superellipse of exponent ``n_top(x)``, the
    plantar half of exponent ``n_bot(x)`` (2: an ellipse; more: flatter, squarer). The profiles are
    monotone cubic (PCHIP) through control points ``(x, w, top, bot, n_top, n_bot)``, held constant past
    the ends. The signed distance is the first-order estimate ``(S - 1) / |grad S|`` of the normalised
    section radius S, good near the surface, which is all the mesher and the blends need. Far off it
    can fall short (where the profile changes fast), so ``__call__`` takes the larger of it and the
    distance to a box around the solid (``bound``: centre and half extents, well clear of the surface)."""

    EPS = 0.02

    def __init__(self, rows, bound):
        from scipy.interpolate import PchipInterpolator

        self.bound = bound
        rows = np.asarray(rows, float)
        self.x_lo, self.x_hi = rows[0, 0], rows[-1, 0]
        self.prof = PchipInterpolator(rows[:, 0], rows[:, 1:], axis=0)

    def radius(self, q):
        x = np.clip(q[:, 0], self.x_lo, self.x_hi)
        w, top, bot, nt, nb = self.prof(x).T
        c, h = 0.5 * (top + bot), np.maximum(0.5 * (top - bot), 1e-3)
        dy = q[:, 1] - c
        n = np.where(dy > 0.0, nt, nb)
        return ((np.abs(dy) / h) ** n + (np.abs(q[:, 2]) / np.maximum(w, 1e-3)) ** n) ** (1.0 / n)

    def __call__(self, q):
        s = self.radius(q)
        grad = np.empty((len(q), 3))
        for k in range(3):
            e = np.zeros(3)
            e[k] = self.EPS
            grad[:, k] = (self.radius(q + e) - self.radius(q - e)) / (2.0 * self.EPS)
        d = (s - 1.0) / np.maximum(np.linalg.norm(grad, axis=1), 1e-3)
        return np.maximum(d, box(q, *self.bound, r=1.5))


def _distal_outline(D, x0, L, base_drop, t_flat):
    """The half sizes of a distal phalanx ``D`` (base, waist, tuft), its span from the base's face ``x0``
    to the tip ``L``, the centres of its base (``base_drop`` of its half height plantar) and its tuft
    (it rides plantar), ``X(t)`` along the span, and its flat dorsum ``top(t)`` running straight from
    the base's top at ``t_flat`` to the tuft's at t = 0.78."""
    bw, bh = D["base"][0] / 2, D["base"][1] / 2
    ww, wh = D["waist"][0] / 2, D["waist"][1] / 2
    tw, th = D["tuft"][0] / 2, D["tuft"][1] / 2
    span = L - x0
    yb, yt = -base_drop * bh, -0.18 * th

    def X(t):
        return x0 + t * span

    top_b, top_t = yb + bh, yt + th

    def top(t):
        return top_b + (top_t - top_b) * (t - t_flat) / (0.78 - t_flat)

    return bw, bh, ww, wh, tw, th, span, yb, yt, X, top_b, top_t, top


def distal(i, q_of, x0, L, socket):
    """The hallux's distal phalanx (§7; the lesser ones are :func:`lesser_distal`): a concave base (the socket: the spool it rides on, dilated by the joint
    space) over a plantar flexor tubercle, a very short waisted shaft, and a non-articular tuft that
    widens into a rounded arrowhead carrying the nail, widest near its root and converging to a blunt
    point. The dorsum runs flat from the base to the tip; the tuft is broader than tall, its plantar face
    (the ungual tuberosity) flatter than its dorsum, so that end-on it is a low dome, not a plate.
    ``q_of``: foot frame to the bone's frame; ``x0``: the base's rim; ``L``: the tip; ``socket``: foot frame."""
    D = DISTAL[i]
    bw, bh, ww, wh, tw, th, span, yb, yt, X, top_b, top_t, top = _distal_outline(D, x0, L, 0.08, 0.1)
    tub = D["tub"]
    blunt = D["blunt"]  # 0: a pointed arrowhead; 1: a broad, rounded spade (the hallux: 0.7)
    waist_bot = top(0.47) - 2 * wh

    def mix(arrow, spade):  # the outline of a pointed arrowhead or of a broad spade, by ``blunt``
        return (1.0 - blunt) * arrow + blunt * spade

    rows = [  # t, half width, top, bottom, dorsal and plantar exponents
        (-0.3, 0.9 * bw, yb + 0.9 * bh, yb - 0.9 * bh, 2.0, 2.0),
        (0.0, 0.96 * bw, yb + 0.97 * bh, yb - 0.96 * bh, 2.0, 2.0),
        (0.10, bw, top(0.10), yb - bh, 2.0, 2.1),
        (0.22, 0.92 * bw, top(0.22), 0.85 * (yb - bh) + 0.15 * waist_bot, 2.0, 2.1),
        (0.34, ww + 0.42 * (bw - ww), top(0.34), 0.5 * (yb - bh) + 0.5 * waist_bot, 2.0, 2.1),
        (0.47, ww, top(0.47), waist_bot, 2.0, 2.1),
        (0.56, mix(0.85 * tw, ww + 0.4 * (tw - ww)), top(0.56), yt - 0.88 * th, 2.0, 2.3),
        (0.62, mix(tw, ww + 0.8 * (tw - ww)), top(0.62), yt - th, 2.05, 2.5),
        (0.70, mix(0.93 * tw, tw), top(0.70), yt - th, 2.1, 2.7),
        (0.80, (0.76 + 0.14 * blunt) * tw, top_t, yt - th, 2.1, 2.8),
        (0.90, (0.56 + 0.22 * blunt) * tw, top_t - 0.2 * th, yt - 0.95 * th, 2.1, 2.7),
        (0.97, (0.38 + 0.22 * blunt) * tw, top_t - 0.5 * th, yt - 0.8 * th, 2.0, 2.5),
        (1.04, (0.2 + 0.2 * blunt) * tw, top_t - 0.9 * th, yt - 0.5 * th, 2.0, 2.2),
    ]
    bound = ((x0 + L) / 2, yb, 0.0), (span / 2 + 3.5, bh + 3.0, bw + 3.0)
    loft = Loft([(X(t), *r) for t, *r in rows], bound)
    tip_k = 0.6 * th

    def f(p):
        q = q_of(p)
        body = loft(q)
        body = smax(body, q[:, 0] - L, k=tip_k)  # the blunt point of the arrowhead
        # the flexor tubercle under the base (flexor digitorum longus; hallux: flexor hallucis longus)
        tubercle = ellipsoid(q, (X(0.1), yb - bh + 0.3 * tub, 0.0), (1.3 * tub, 0.75 * tub, 1.5 * tub))
        body = smin(body, tubercle, k=1.0)
        body = smax(body, (x0 - 0.3) - q[:, 0], k=min(1.6, bh * 0.4))  # the base's face, rim rounded
        return smax(body, -socket(p), k=0.4)
    return f


def cup_face(socket, a, axes, R, half_w, half_h):
    """Where a lesser middle or distal phalanx's base ends proximally and where it is centred:
    (x of the face, y and z of the base's centre line, the lips' reach), in the bone's frame from its
    joint centre. The cup (``socket``, foot frame) reaches back around the head from the head's dilated
    surface at ``R`` at most CUP_MM, and only as far as its opening in the face, centred in the base
    (within CENTRE_MM of the bone's axis), leaves a wall of RIM_MM all round inside the base's outline
    at the face (``half_w``, ``half_h``). A lampshade's thin flange round a deep cup is what this avoids:
    a rim, not a knife edge. The face is a saddle (:func:`face`): its dorsal and plantar lips reach
    back round the head by the returned reach, as far as the opening there still leaves the rim above
    and below, so that from the side the base is seen to cup the head (the head is round about the
    flexion axis, so the lips can wrap it further than the sides can, where the head is widest)."""
    yz = np.stack(np.meshgrid(np.linspace(-1.5, 1.5, 91) * half_h,
                              np.linspace(-1.5, 1.5, 91) * half_w), axis=-1).reshape(-1, 2)
    x, c = R - dims.CUP_MM, np.zeros(2)
    while x < R - 0.3:
        inside = yz[socket(a + np.c_[np.full(len(yz), x), yz] @ axes) < 0.0]
        if len(inside) == 0:
            break
        lo, hi = inside.min(axis=0), inside.max(axis=0)
        c = np.clip((lo + hi) / 2, -CENTRE_MM, CENTRE_MM)
        if np.all(np.maximum(hi - c, c - lo) <= np.array([half_h, half_w]) - RIM_MM):
            break
        x += 0.05
    reach = 0.0
    while reach < LIP_MM and R - (x - reach) < dims.CUP_MM:
        r = reach + 0.05
        fx = face(x, r, yz[:, 0] - c[0], half_h)
        inside = yz[socket(a + np.c_[fx, yz] @ axes) < 0.0] - c  # only its height grows: the sides stay at x
        if len(inside) and np.abs(inside[:, 0]).max() > half_h - RIM_MM:
            break
        reach = r
    return float(x), float(c[0]), float(c[1]), float(reach)


def face(x0, reach, y, half_h):
    """x of a lesser base's saddle face at height ``y`` over its centre: ``x0`` at the middle, the dorsal
    and plantar lips ``reach`` further back at the outline's half height ``half_h``."""
    return x0 - reach * (y / half_h) ** 2


def centred(q, centre, x0, x1):
    """``q`` with the base's centre (y, z offsets at x0) moved onto the axis, the shift fading out
    smoothly by x1: the base sits square on its cup, the shaft and the head on the bone's axis."""
    t = np.clip((q[:, 0] - x0) / (x1 - x0), 0.0, 1.0)
    w = 1.0 - t * t * (3.0 - 2.0 * t)
    out = q.copy()
    out[:, 1] -= w * centre[0]
    out[:, 2] -= w * centre[1]
    return out


def flare(s):
    """How much of the base's extra width (over the waist's) is left at ``s`` (0 at the face, 1 at the
    waist): all of it at the face (whose rim the face's rounding softens), then a smooth fall to none:
    a convex shoulder running into a concave waist, no bead swelling behind the rim and never a straight
    conical skirt."""
    s = np.clip(np.asarray(s, float), 0.0, 1.0)
    return 0.5 * (1.0 + np.cos(np.pi * s))


FLARE_S = (0.0, 0.08, 0.16, 0.3, 0.45, 0.6, 0.75, 0.88, 1.0)  # where the loft samples the flare


def lesser_base(q, x0, xw, bw, bh, yb, tub, top, broad=False):
    """The small features of a lesser middle or distal base (§7): two collateral tubercles on its sides
    (the collateral ligaments), a low dorsal lip at the rim (the extensor's insertion) and a plantar
    tubercle (the flexor's insertion: flexor digitorum longus on a distal phalanx, the slips of flexor
    digitorum brevis either side on a middle one). ``xw``: where the base has narrowed to the shaft;
    ``top``: the dorsum's height at the rim; ``broad``: (a middle phalanx, whose base is narrow for its
    height) the tubercles longer and flatter, swellings of the base rather than knobs on it."""
    xb = x0 + 0.3 * (xw - x0)
    cz, cr = (bw - 0.9, (1.2, 0.9, 0.7)) if broad else (bw - 0.75, (0.9, 0.8, 0.75))
    col = [ellipsoid(q, (xb, yb - 0.12 * bh, s * cz), cr) for s in (-1.0, 1.0)]
    # the extensor's insertion: a low, broad swelling behind the rim, not a ridge along it
    lip = ellipsoid(q, (x0 + 1.1, top - 0.6, 0.0), (1.3, 0.5, 0.4 * bw))
    fx, fy, fr = (0.2, 0.8, (1.8, 0.7, 1.2)) if broad else (0.3, 0.7, (1.4, 0.75, 1.1))
    flex = [ellipsoid(q, (x0 + fx * (xw - x0), yb - bh + fy * tub, s * 0.3 * bw), tuple(r * tub for r in fr))
            for s in (-1.0, 1.0)]
    return col, lip, flex


def lesser_distal(i, q_of, x0, L, socket, centre, reach=0.0, half_h=1.0):
    """A lesser distal phalanx (§7): a rounded base, slightly broader than tall, whose shallow cup
    takes the middle phalanx's pulley with the joint space all round and leaves a rim of bone round
    it; two small collateral tubercles, a dorsal lip for the extensor and a plantar tubercle for
    flexor digitorum longus; the base narrows with a gentle, rounded flare (convex shoulder, concave
    waist: not a straight conical skirt) to a short waist about 0.6 of its width, then the tuft widens
    into a blunt arrowhead carrying the nail. The dorsum runs flat from the base to the tip; end-on the
    tuft is a low dome. ``x0``: the base's face and ``centre`` its offset (:func:`cup_face`); ``L``:
    the tip."""
    D = DISTAL[i]
    bw, bh, ww, wh, tw, th, span, yb, yt, X, top_b, top_t, top = _distal_outline(D, x0, L, 0.06, 0.12)
    waist_bot = top(0.46) - 2 * wh
    base_bot = yb - bh
    rows = [(-0.35, 0.8 * bw, yb + 0.78 * bh, yb - 0.8 * bh, 2.2, 2.2)]
    for sf in FLARE_S:  # the base's rounded flare into the waist (t 0 -> 0.46)
        t, g = 0.46 * sf, float(flare(sf))
        rows.append((t, ww + g * (bw - ww), min(top(t), yb + bh) if t > 0.12 else yb + (0.9 + 0.1 * g) * bh,
                     waist_bot + g * (base_bot - waist_bot), 2.3 - 0.3 * sf, 2.2 - 0.1 * sf))
    rows += [  # the tuft
        (0.56, 0.86 * tw, top(0.56), yt - 0.88 * th, 2.0, 2.3),
        (0.63, tw, top(0.63), yt - th, 2.05, 2.5),
        (0.71, 0.93 * tw, top(0.71), yt - th, 2.1, 2.7),
        (0.80, 0.76 * tw, top_t, yt - th, 2.1, 2.8),
        (0.90, 0.56 * tw, top_t - 0.2 * th, yt - 0.95 * th, 2.1, 2.7),
        (0.97, 0.38 * tw, top_t - 0.5 * th, yt - 0.8 * th, 2.0, 2.5),
        (1.04, 0.2 * tw, top_t - 0.9 * th, yt - 0.5 * th, 2.0, 2.2),
    ]
    bound = ((x0 + L) / 2, yb, 0.0), (span / 2 + 3.5, bh + 3.0, bw + 3.0)
    loft = Loft([(X(t), *r) for t, *r in rows], bound)
    tip_k = 0.6 * th

    def f(p):
        q = centred(q_of(p), centre, x0, X(0.46))
        body = smax(loft(q), q[:, 0] - L, k=tip_k)  # the blunt point of the arrowhead
        col, lip, flex = lesser_base(q, x0, X(0.46), bw, bh, yb, D["tub"], top_b)
        body = smin(body, *col, lip, k=0.6)
        body = smin(body, *flex, k=1.0)
        # the base's saddle face, its lips reaching back round the head, its rim well rounded
        body = smax(body, face(x0, reach, q[:, 1], half_h) - q[:, 0], k=0.4 * bh)
        return smax(body, -socket(p), k=0.5)
    return f


def middle(i, q_of, x0, L, socket, centre, reach=0.0, half_h=1.0):
    """A lesser middle phalanx (§7): short; a rounded base, broader than tall, cupping the proximal
    phalanx's pulley with a rim round the cup, the FDB slips' tubercles plantar on either side, the
    collateral tubercles and the extensor's dorsal lip; a gentle flare into a waist, a shaft about the
    head's diameter, slightly arched dorsally; and a pulley-shaped head (two condyles with a groove).
    ``x0``: the base's face and ``centre`` its offset (:func:`cup_face`); ``L``: the distal joint
    centre (the head's centre)."""
    P = MIDDLE[i]
    rh, hw = dims.MP_HEAD[i]
    bw, bh = P["base"][0] / 2, P["base"][1] / 2
    ww, wh = P["waist"][0] / 2, P["waist"][1] / 2
    yb = -0.06 * bh
    neck = L - 0.3 * rh
    xw = x0 + P.get("reach", 0.5) * (neck - x0)  # the waist: where the base's flare runs out

    def arch(x):  # the shaft's dorsal convexity
        t = np.clip((x - x0) / (neck - x0), 0.0, 1.0)
        return P["arch"] * 4.0 * t * (1.0 - t)

    def sec(x, w, h, y=0.0, nt=2.1, nb=2.0):
        return (x, w, y + arch(x) + h, y + arch(x) - h, nt, nb)

    rows = [sec(x0 - 1.0, 0.8 * bw, 0.8 * bh, yb, 2.3, 2.2)]
    for sf in FLARE_S:  # the base's rounded flare into the waist
        g = float(flare(sf))
        # the base's extra height mostly plantar (the flexor slips' tubercles): its dorsum rises only
        # a little over the shaft's, so that seen from above it shows no lip
        rows.append(sec(x0 + sf * (xw - x0), ww + g * (bw - ww), wh + g * (bh - wh), g * (yb - DROP * (bh - wh)),
                        2.3 - 0.2 * sf, 2.2 - 0.2 * sf))
    rows += [sec(neck, 1.04 * ww, 1.05 * wh), sec(L, 0.9 * hw, 0.85 * rh)]
    bound = ((x0 + L) / 2, yb, 0.0), ((L - x0) / 2 + 3.5, bh + 3.0, bw + 3.0)
    loft = Loft(rows, bound)

    def f(p):
        q0 = q_of(p)
        q = centred(q0, centre, x0, xw)
        body = smax(loft(q), q[:, 0] - L, k=1.0)
        head = spool(q0 - np.array([L, 0.0, 0.0]), rh, hw)
        body = smin(body, head, k=min(1.4, rh * 0.45))
        xf = x0 + 0.7 * (neck - x0)  # the base's features stay on its broad part
        col, lip, flex = lesser_base(q, x0, xf, bw, bh, yb - DROP * (bh - wh), P["tub"], yb + bh - DROP * (bh - wh),
                                     broad=True)
        body = smin(body, *col, lip, k=0.9)
        body = smin(body, *flex, k=1.3)
        # the base's saddle face, its lips reaching back round the head, its rim well rounded
        body = smax(body, face(x0, reach, q[:, 1], half_h) - q[:, 0], k=0.5 * bh)
        return smax(body, -socket(p), k=0.5)
    return f


def _previous(kind, i):
    if kind == "proximal":
        return f"metatarsal_{i}"
    if kind == "middle":
        return f"proximal_phalanx_{i}"
    return "proximal_phalanx_1" if i == 1 else f"middle_phalanx_{i}"


def _head_size(bone):
    kind, _, i = bone.rpartition("_")
    return (dims.PP_HEAD if kind == "proximal_phalanx" else dims.MP_HEAD)[int(i)]


def phalanx(kind, i):
    def make(g):
        a, b, u = g.phalanx(kind, i)
        axes = frame(u)
        L = float(np.linalg.norm(b - a))  # to the distal joint centre (proximal, middle) or the tip (distal)
        prev = _previous(kind, i)
        # the socket: the head this base rides on, dilated by the joint space
        if kind == "proximal":
            r_prev = dims.MT_HEAD[i][0]
            gap = dims.GAP_MM  # the metatarsophalangeal joint space
            R = r_prev + gap

            def socket(p):
                return np.linalg.norm(p - a, axis=1) - R
        else:
            gap = dims.IP_GAP_MM  # an interphalangeal joint: the narrower space of the toe's own joints
            rhp, hwp = _head_size(prev)
            r_prev = rhp
            pa, pb, pu = g.phalanx("proximal" if prev.startswith("proximal") else "middle", i)
            prev_axes = frame(pu)

            def socket(p):
                return spool(local(p, pb, prev_axes), rhp, hwp) - gap
        size = (PROXIMAL if kind == "proximal" else MIDDLE if kind == "middle" else DISTAL)[i]["base"]
        R_sag = r_prev + gap
        q_of = lambda p: local(p, a, axes)  # noqa: E731
        if kind == "middle" or (kind == "distal" and i > 1):  # lesser bases: a rim round a shallow cup
            half_h = 0.94 * size[1] / 2
            if kind == "middle":  # the outline's dorsal half is lower by its plantar drop
                P = MIDDLE[i]
                half_h -= DROP * (P["base"][1] - P["waist"][1]) / 2
            x0, yc, zc, reach = cup_face(socket, a, axes, R_sag, 0.93 * size[0] / 2, half_h)
            return (middle if kind == "middle" else lesser_distal)(i, q_of, x0, L, socket, (yc, zc), reach, half_h)
        # the rim of the base: CUP_MM behind the socket's floor, or further forward so that the socket
        # leaves a lip of at least a fifth of the base's height all round (a rim, not a knife edge)
        x0 = max(R_sag - dims.CUP_MM, float(np.sqrt(max(R_sag ** 2 - (0.4 * size[1]) ** 2, 0.0))))

        if kind == "proximal":
            P = PROXIMAL[i]
            rh, hw = dims.PP_HEAD[i]
            bw, bh = P["base"][0] / 2, P["base"][1] / 2
            ww, wh = P["waist"][0] / 2, P["waist"][1] / 2
            base_len = 0.3 * (L - x0)
            tub = P["tub"]

            def f(p):
                q = local(p, a, axes)
                base = flared_base(q, x0 - 0.3, base_len, bh, bw, y=-0.08 * bh)
                tubs = [ellipsoid(q, (x0 + base_len * 0.55, -bh * 0.62, s * bw * 0.62), (tub * 1.4, tub, tub))
                        for s in (-1.0, 1.0)]
                neck = L - rh * 0.55
                shaft = arched_shaft(q, x0 + base_len * 0.5, neck, wh * 1.08, wh * 1.02, ww / wh, P["arch"])
                head = spool(q - np.array([L, 0.0, 0.0]), rh, hw)
                body = smin(base, *tubs, k=1.2)
                body = smin(body, shaft, k=bh * 0.5)
                body = smin(body, head, k=min(1.6, rh * 0.45))
                return smax(body, -socket(p), k=0.5)
            return f

        return distal(i, q_of=q_of, x0=x0, L=L, socket=socket)
    return make


BONES = {f"proximal_phalanx_{i}": phalanx("proximal", i) for i in range(1, 6)}
BONES.update({f"middle_phalanx_{i}": phalanx("middle", i) for i in range(2, 6)})
BONES.update({f"distal_phalanx_{i}": phalanx("distal", i) for i in range(1, 6)})
SETTINGS = {name: {"voxel_mm": 0.35, "triangles": 2200} for name in BONES if name.startswith("proximal")}
SETTINGS.update({name: {"voxel_mm": 0.3, "triangles": 1400} for name in BONES if name.startswith("middle")})
SETTINGS.update({name: {"voxel_mm": 0.3, "triangles": 1500} for name in BONES if name.startswith("distal")})
SETTINGS["proximal_phalanx_1"] = {"voxel_mm": 0.4, "triangles": 3000}
SETTINGS["distal_phalanx_1"] = {"voxel_mm": 0.4, "triangles": 2400}
