"""Metatarsals and the two sesamoids of the hallux (foot-bone-morphology.md §6, §7b, §8.2).

Each metatarsal lies on its ray, from its tarsometatarsal centre T to its MTP centre M (``g.ray``),
in a local frame: x along the ray, y up, z lateral (mm). Its base face starts GAP_MM/2 beyond T and its
head is centred on M (radius ``dims.MT_HEAD``), so its length is the ``dims.LENGTHS`` target the ray
layout was spaced for. Three parts, blended with fillets:

- base, with its characteristic outline ([Gray-MT], [Frazer-MT], GM): MT1 kidney-shaped (convex
  medially, hollow laterally) and the widest, 24 W x 32 H mm (GM 23.7 x 31.6); MT2 long, broad above
  and narrow below (it sits in the mortise between the medial and lateral cuneiforms); MT3
  triangular; MT4 quadrilateral; MT5 triangular, with the styloid tuberosity projecting proximally
  and laterally (its tip about 4 mm behind the TMT5 centre and lateral to the cuboid, GM).
- shaft: triangular-prismatic, narrowing to a plantar border, bowed so that its dorsal aspect is
  convex and its plantar aspect concave along its length ([TopDoc], [anatApp-MT]); MT1 the thickest
  (13.7 ± 1.0 mm, [Patil17]).
- head: rounded distally, wider plantarly (the plantar condyles); MT1's with two plantar grooves for
  the sesamoids separated by a crista ([Frazer-MT], [Yosh88]).

Sesamoids (fixed to MT1, in the flexor hallucis brevis tendons): the medial (tibial) one larger
([Frazer-MT]). Their size in mm is not verified in the reference (§6, §10); the usual textbook figures
are taken: medial about 12 x 9 mm, lateral about 10 x 8 mm, each about 6-7 mm thick.
"""

from __future__ import annotations

import numpy as np

from app.anatomy.bonegen import dims
from app.anatomy.bonegen.sdf import capsule, ellipsoid, frame, halfspace, smax, smin, ssub, wedge

#: Shaft half-width and half-height at the base end and at the neck (mm), and its dorsal bow (mm).
SHAFT = {1: (7.0, 8.0, 6.2, 6.8, 1.5), 2: (5.0, 6.2, 4.1, 5.0, 1.5), 3: (4.8, 5.9, 3.9, 4.8, 1.4),
         4: (4.6, 5.6, 3.8, 4.6, 1.2), 5: (5.0, 4.8, 4.1, 4.3, 1.0)}
#: Lesser bases: (half length along the ray, half height, half width, taper of the width from top to
#: bottom (0 a rectangle, 1 a point below), lift of its centre above the ray mm).
BASE = {2: (7.0, 10.0, 6.0, 0.55, 0.5), 3: (6.5, 9.0, 6.0, 0.65, 0.5), 4: (6.0, 7.8, 5.6, 0.2, 0.0),
        5: (6.0, 7.2, 6.8, 0.5, -0.5)}
#: Sesamoids: semi-axes (along the ray, vertical, transverse) and lateral offset from the crista (mm).
SESAMOID = {"medial": ((6.0, 3.4, 4.5), -5.6), "lateral": ((5.0, 3.2, 4.0), 5.4)}
SESAMOID_BACK_MM = 3.0  # sesamoid centres lie this far proximal of the MTP centre, under the head


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


def metatarsal(i):
    def make(g):
        T, M, u = g.ray(i)
        axes = frame(u)
        up, lat = axes[1], axes[2]
        rh, hw = dims.MT_HEAD[i]
        face = T + u * dims.GAP_MM / 2  # proximal face of the base
        base_end = 13.0 if i == 1 else 2 * BASE[i][0] - 1.0
        neck = np.linalg.norm(M - face) - rh * 0.7
        shaft = SHAFT[i]

        def f(p):
            q = _local(p, face, axes)
            shaft_d = _shaft(q - np.array([base_end - 4.0, 0.0, 0.0]), neck - base_end + 4.0, shaft)
            if i == 1:
                # kidney-shaped base, 24 W x 32 H mm: convex medially, hollowed laterally
                base = ellipsoid(p, face + u * 2.5 + up * 0.5, (12.5, 16.0, 12.0), axes)
                base = ssub(base, ellipsoid(p, face + u * 3.0 + up * 1.0 + lat * 13.5, (11.0, 6.5, 3.5), axes), k=2.5)
            else:
                hl, hh, hwb, taper, lift = BASE[i]
                base = wedge(p, face + u * hl + up * lift, (hl, hh, hwb), axes, r=2.2, taper_z=-taper)
                # round the base's distal end down into the shaft (a flare, not a block on a rod)
                base = smax(base, ellipsoid(p, face + up * lift, (2 * hl + 1.5, hh * 1.3, hwb * 1.4), axes), k=2.0)
            base = smax(base, halfspace(p, face, -u), k=1.0)  # the articular face
            # lesser heads a little narrower than dims.MT_HEAD so neighbours keep a joint space in scissoring
            hw_ = hw if i == 1 else hw * 0.9
            head = ellipsoid(p, M, (rh, rh * 1.05, hw_), axes)
            condyles = ellipsoid(p, M - u * 1.5 - up * rh * 0.3, (rh * 0.85, rh * 0.85, hw_ * (1.12 if i == 1 else 1.05)), axes)
            d = smin(base, shaft_d, k=6.0)
            d = smin(d, head, condyles, k=3.0)
            if i == 1:
                # two plantar grooves for the sesamoids, the crista between them
                for (radii, dz) in SESAMOID.values():
                    s = M - u * SESAMOID_BACK_MM - up * (rh + 2.2) + lat * dz
                    d = ssub(d, capsule(p, s - u * 6.0, s + u * 3.0, radii[2] + 0.3), k=1.5)
            if i == 5:
                # styloid tuberosity: a blunt cone from the lateral side of the base, pointing back and out
                tip = g.gm(70.0, 16.0, 30.0)
                d = smin(d, capsule(p, face + u * 7.0 + lat * 4.0 - up * 2.0, tip, 5.8, 3.6), k=3.0)
            return d
        return f
    return make


def sesamoid(side):
    def make(g):
        T, M, u = g.ray(1)
        axes = frame(u)
        rh, _ = dims.MT_HEAD[1]
        radii, dz = SESAMOID[side]
        c = M - u * SESAMOID_BACK_MM - axes[1] * (rh + 2.2) + axes[2] * dz

        def f(p):
            return ellipsoid(p, c, radii, axes)
        return f
    return make


BONES = {f"metatarsal_{i}": metatarsal(i) for i in range(1, 6)}
BONES.update({"sesamoid_medial": sesamoid("medial"), "sesamoid_lateral": sesamoid("lateral")})
SETTINGS = {f"metatarsal_{i}": {"voxel_mm": 0.5, "triangles": 3500} for i in range(1, 6)}
SETTINGS["metatarsal_1"] = {"voxel_mm": 0.5, "triangles": 4000}
SETTINGS.update({"sesamoid_medial": {"voxel_mm": 0.4, "triangles": 600}, "sesamoid_lateral": {"voxel_mm": 0.4, "triangles": 600}})
