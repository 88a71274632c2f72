"""Phalanges: proximal, middle and distal, each with a base, a shaft and a head (foot-bone-morphology.md §7, §7b).

Every phalanx is modelled in its own frame: x along the bone from its proximal joint centre (the
centre of the head it rides on), y dorsal, z lateral (right foot), mm.

- Proximal phalanges: a concave base cupping the metatarsal head (a sphere about the MTP centre, radius
  ``dims.MT_HEAD[i][0]`` plus the joint space), a transversely oval base with two plantar tubercles
  (the flexor hallucis brevis / plantar plate insertions), a long shaft arched dorsally so its plantar
  side is concave, and a spool-shaped bicondylar head: two condyles with a shallow groove between,
  round about the interphalangeal flexion axis (§7 [eForens], [pacs-Ph]).
- Middle phalanges: short, the shaft about the head's diameter (§7), a saddle-like base that is the
  negative of the proximal phalanx's spool (two shallow fossae and a median ridge, §7b), a small spool.
- Distal phalanges: very short, a saddle-like base with a plantar tubercle (flexor digitorum longus,
  for the hallux flexor hallucis longus, §7 attachments), a flat dorsum, and a non-articular tuft
  (ungual tuberosity) that widens like a spade to carry the nail (§7 [eForens], [pacs-Ph]). Each is a
  :class:`Loft`, a solid swept along the bone from profiles of its width, its dorsal and its plantar
  outline: seen from above a broad base narrowing to a short waist, then a tuft widest near its root
  and converging to a blunt point (an arrowhead in toes 2-5, a broad rounded spade in the hallux);
  seen from the side a dorsum running straight from the base to the tip over a plantar concavity
  under the shaft; seen end-on a tuft about 0.55-0.6 as high as wide, convex dorsally and flatter
  plantarly (the ungual tuberosity), a low dome and not a plate, in front of the wider, cupped base.
- The hallux phalanges are much more robust (§7): PP1 about 30 mm long with a base about 20 mm wide
  (GM base width 22.2 mm, about 30 % large, [GM]); DP1 with a base about 16 mm (GM 20.2 x 0.8) and
  a broad tuft.

Lengths come from ``dims.LENGTHS`` (the ray layout places the joint centres for them); head sizes
from ``dims.PP_HEAD`` / ``dims.MP_HEAD`` (lesser PP head widths 9.7, 9.0, 8.5, 8.7 mm, [Kaur]).
Widths of bases, shafts and tufts below are proportions of those heads (synthesis): a base about
1.2-1.3 x its bone's head width, a proximal shaft waist about 0.65-0.7 x, a distal tuft about as wide
as the middle phalanx's head.
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
MIDDLE = {  # shaft about the head's diameter (§7); base the proximal head's width plus the joint space
    2: dict(base=(11.2, 9.0), waist=(7.0, 5.0), arch=0.3, tub=1.2),
    3: dict(base=(10.6, 8.6), waist=(6.6, 4.8), arch=0.3, tub=1.1),
    4: dict(base=(10.1, 8.2), waist=(6.2, 4.6), arch=0.3, tub=1.0),
    5: dict(base=(10.1, 8.0), waist=(6.0, 4.4), arch=0.2, tub=1.0),
}
#   base (W, H), waist (W, H), tuft (W, H) in mm; tub: the flexor tubercle (mm)
DISTAL = {
    1: dict(base=(17.0, 12.0), waist=(10.0, 7.6), tuft=(14.0, 6.2), tub=2.4, blunt=0.7),
    2: dict(base=(9.0, 7.0), waist=(4.4, 4.2), tuft=(6.4, 3.4), tub=1.1),
    3: dict(base=(8.6, 6.8), waist=(4.2, 4.0), tuft=(6.1, 3.2), tub=1.0),
    4: dict(base=(8.2, 6.5), waist=(4.0, 3.9), tuft=(5.8, 3.1), tub=1.0),
    5: dict(base=(7.4, 6.0), waist=(3.8, 3.6), tuft=(5.2, 2.8), tub=0.9),
}


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


def distal(i, q_of, x0, L, socket):
    """A distal phalanx (§7): a concave base (the socket: the spool it rides on, dilated by the joint
    space) over a plantar flexor tubercle, a very short waisted shaft, and a non-articular tuft that
    widens into a rounded arrowhead carrying the nail, widest near its root and converging to a blunt
    point. The dorsum runs flat from the base to the tip; the tuft is broader than tall, its plantar face
    (the ungual tuberosity) flatter than its dorsum, so that end-on it is a low dome, not a plate.
    ``q_of``: foot frame to the bone's frame; ``x0``: the base's rim; ``L``: the tip; ``socket``: foot frame."""
    D = DISTAL[i]
    bw, bh = D["base"][0] / 2, D["base"][1] / 2
    ww, wh = D["waist"][0] / 2, D["waist"][1] / 2
    tw, th = D["tuft"][0] / 2, D["tuft"][1] / 2
    tub = D["tub"]
    blunt = D.get("blunt", 0.0)  # 0: a pointed arrowhead (toes 2-5); 1: a broad, rounded spade (hallux)
    span = L - x0
    yb, yt = -0.08 * bh, -0.18 * th      # centres of the base and the tuft (the tuft rides plantar)

    def X(t):
        return x0 + t * span

    top_b, top_t = yb + bh, yt + th  # the flat dorsum runs straight between these (t 0.1 -> 0.78)

    def top(t):
        return top_b + (top_t - top_b) * (t - 0.1) / (0.78 - 0.1)

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
            R = r_prev + dims.GAP_MM

            def socket(p):
                return np.linalg.norm(p - a, axis=1) - R
        else:
            rhp, hwp = _head_size(prev)
            r_prev = rhp
            pa, pb, pu = g.phalanx("proximal" if prev.startswith("proximal") else "middle", i)
            prev_axes = frame(pu)

            def socket(p):
                return spool(local(p, pb, prev_axes), rhp, hwp) - dims.GAP_MM
        # the rim of the base: CUP_MM behind the socket's floor, or further forward so that the socket
        # leaves a lip of at least a fifth of the base's height all round (a rim, not a knife edge)
        size = (PROXIMAL if kind == "proximal" else MIDDLE if kind == "middle" else DISTAL)[i]["base"]
        R_sag = r_prev + dims.GAP_MM
        x0 = max(R_sag - dims.CUP_MM, float(np.sqrt(max(R_sag ** 2 - (0.4 * size[1]) ** 2, 0.0))))

        if kind in ("proximal", "middle"):
            P = (PROXIMAL if kind == "proximal" else MIDDLE)[i]
            rh, hw = (dims.PP_HEAD if kind == "proximal" else dims.MP_HEAD)[i]
            bw, bh = P["base"][0] / 2, P["base"][1] / 2
            ww, wh = P["waist"][0] / 2, P["waist"][1] / 2
            base_len = 0.3 * (L - x0) if kind == "proximal" else 0.4 * (L - x0)
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

        return distal(i, q_of=lambda p: local(p, a, axes), x0=x0, L=L, socket=socket)
    return make


BONES = {f"proximal_phalanx_{i}": phalanx("proximal", i) for i in range(1, 6)}
BONES.update({f"middle_phalanx_{i}": phalanx("middle", i) for i in range(2, 6)})
BONES.update({f"distal_phalanx_{i}": phalanx("distal", i) for i in range(1, 6)})
SETTINGS = {name: {"voxel_mm": 0.35, "triangles": 2200} for name in BONES if name.startswith("proximal")}
SETTINGS.update({name: {"voxel_mm": 0.3, "triangles": 1400} for name in BONES if name.startswith("middle")})
SETTINGS.update({name: {"voxel_mm": 0.3, "triangles": 1500} for name in BONES if name.startswith("distal")})
SETTINGS["proximal_phalanx_1"] = {"voxel_mm": 0.4, "triangles": 3000}
SETTINGS["distal_phalanx_1"] = {"voxel_mm": 0.4, "triangles": 2400}
