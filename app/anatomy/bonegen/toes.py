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
  (ungual tuberosity) that widens like a spade to carry the nail (§7).
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
from app.anatomy.bonegen.sdf import capsule, ellipsoid, frame, local, smax, smin

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
#   base (W, H), waist (W, H), tuft (W, H, length of the spade)
DISTAL = {
    1: dict(base=(17.0, 12.0), waist=(9.0, 6.0), tuft=(14.0, 5.0, 9.0), tub=2.4),
    2: dict(base=(9.4, 7.0), waist=(4.2, 3.4), tuft=(7.2, 3.0, 4.6), tub=1.1),
    3: dict(base=(9.0, 6.8), waist=(4.0, 3.3), tuft=(6.9, 2.9, 4.4), tub=1.0),
    4: dict(base=(8.6, 6.5), waist=(3.9, 3.2), tuft=(6.6, 2.8, 4.2), tub=1.0),
    5: dict(base=(8.2, 6.0), waist=(3.7, 3.0), tuft=(6.0, 2.6, 3.0), tub=0.9),
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

        D = DISTAL[i]
        bw, bh = D["base"][0] / 2, D["base"][1] / 2
        ww, wh = D["waist"][0] / 2, D["waist"][1] / 2
        tw, th, tl = D["tuft"][0] / 2, D["tuft"][1] / 2, D["tuft"][2]
        span = L - x0
        base_len = 0.38 * span
        tub = D["tub"]
        # flat dorsum: a plane from the top of the base to the top of the tuft
        top0, top1 = bh * 0.78, th * 0.9 + 0.2
        n_top = np.array([-(top1 - top0) / span, 1.0, 0.0])
        n_top /= np.linalg.norm(n_top)

        def f(p):
            q = local(p, a, axes)
            base = flared_base(q, x0 - 0.3, base_len, bh, bw, y=-0.1 * bh)
            tubercle = ellipsoid(q, (x0 + base_len * 0.8, -bh * 0.55, 0.0), (tub * 1.6, tub, tub * 1.5))
            # the spade: a wide, thin blade behind a rounded point (the ungual tuberosity)
            blade_c = np.array([L - 0.55 * tl, -0.15 * th, 0.0])
            blade = ellipsoid(q, blade_c, (0.45 * tl, th, tw))
            point = ellipsoid(q, (L - 0.42 * tl, -0.12 * th, 0.0), (0.42 * tl, th * 0.9, tw * 0.62))
            tuft = smin(blade, point, k=0.6)
            shaft = capsule(q / np.array([1.0, 1.0, ww / wh]), (x0 + base_len * 0.5, 0.0, 0.0),
                            (blade_c[0], blade_c[1], 0.0), wh, wh * 0.95)
            body = smin(base, tubercle, k=0.8)
            body = smin(body, shaft, k=bh * 0.45)
            body = smin(body, tuft, k=min(1.5, th * 0.6))
            dorsum = (q - np.array([x0, top0, 0.0])) @ n_top
            body = smax(body, dorsum, k=0.8)
            return smax(body, -socket(p), k=0.4)
        return f
    return make


BONES = {f"proximal_phalanx_{i}": phalanx("proximal", i) for i in range(1, 6)}
BONES.update({f"middle_phalanx_{i}": phalanx("middle", i) for i in range(2, 6)})
BONES.update({f"distal_phalanx_{i}": phalanx("distal", i) for i in range(1, 6)})
SETTINGS = {name: {"voxel_mm": 0.35, "triangles": 2200} for name in BONES if name.startswith("proximal")}
SETTINGS.update({name: {"voxel_mm": 0.3, "triangles": 1400} for name in BONES if name.startswith("middle")})
SETTINGS.update({name: {"voxel_mm": 0.3, "triangles": 1500} for name in BONES if name.startswith("distal")})
SETTINGS["proximal_phalanx_1"] = {"voxel_mm": 0.4, "triangles": 3000}
SETTINGS["distal_phalanx_1"] = {"voxel_mm": 0.4, "triangles": 2400}
