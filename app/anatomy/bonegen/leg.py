"""Distal tibia and fibula: the mortise that grips the talus (foot-bone-morphology.md §1).

Both are laid out in the talar dome's frame (app.anatomy.bonegen.hindfoot.Dome: a forward, b up,
c lateral along the talocrural axis, origin the talocrural centre), so the plafond is the trochlea's
vault and the malleoli are the side walls of the slot the trochlea turns in:

- plafond: a concave vault over the dome, wider in front ([Pedia]); posterior lip hanging about 5 mm
  below the apex, anterior lip about 3 mm (TLEM); metaphysis about 46 x 40 mm just above the joint,
  28 x 29 mm 30 mm higher (TLEM).
- medial malleolus: a pyramidal process flattened side to side ([Gray-MM]), AP 23-27 and ML 15 mm,
  the larger anterior colliculus reaching lowest, tip about 12 mm below the plafond apex (TLEM 11.6,
  [Thorek] 13); the groove for tibialis posterior behind it.
- lateral malleolus: pyramidal, flattened side to side, AP 25 x ML 19 at the plafond, 16 x 11 mm
  20 mm lower, tip about 24 mm below the plafond apex and about 13 mm behind the medial tip
  ([Thorek], TLEM 23.4 / 13.6); its triangular facet on the talus's lateral facet, the malleolar
  fossa behind it ([IML06]), the peroneal groove on its back ([Ozbag08]); the fibula sits in the
  tibia's fibular notch ([Hermans10]).
- about 100 mm of the shafts shown, cut square like a specimen.
"""

from __future__ import annotations

import numpy as np

from app.anatomy.bonegen.dims import GAP_MM
from app.anatomy.bonegen.hindfoot import Dome
from app.anatomy.bonegen.sdf import capsule, ellipsoid, halfspace, smax, smin, ssub

CUT_ABOVE_DOME_MM = 100.0  # the shafts are cut this far above the dome's apex


def _flat(p, D, centre_abc, radii):
    """An ellipsoid in the dome frame: centre and semi-axes ``radii`` as (a, b, c)."""
    return ellipsoid(p, D.to_foot(centre_abc), radii, D.F)


def tibia(g):
    D = Dome(g)
    A = D.A
    apex_b = D.radius(D.groove_c)  # height of the dome's apex above the axis (b)
    top_y = A[1] + apex_b + CUT_ABOVE_DOME_MM

    def f(p):
        q = D.q(p)
        a, b, c = q[:, 0], q[:, 1], q[:, 2]
        # the shafts stand vertical in the foot frame (the dome frame leans with the oblique axis)
        s0 = D.to_foot([-2.0, apex_b + 30.0, -3.0])
        shaft = capsule(p, s0, s0 + [-2.0, 110.0, -1.0], 13.5, 12.5)
        flare = ellipsoid(p, D.to_foot([-1.0, apex_b + 13.0, -2.5]), (20.0, 16.0, 22.5), D.F)
        # the plafond block: from the lips (posterior lower) up into the metaphysis, wider in front
        # (a flattened dome over the trochlea, its lower rim the lips, the posterior one lower)
        block = ellipsoid(p, D.to_foot([-1.0, apex_b + 7.0, -2.0]), (21.0, 13.0, 21.0), D.F)
        block = smin(block, ellipsoid(p, D.to_foot([-12.0, apex_b + 4.0, -2.0]), (9.0, 9.0, 17.0), D.F), k=4.0)
        # medial malleolus: anterior (larger, lower) and posterior colliculi, flattened side to side
        mm_c = D.medial_edge(0.0) - GAP_MM - 7.0
        ant_coll = _flat(p, D, [3.5, apex_b - 7.0, mm_c + 0.5], (8.5, 9.5, 6.8))
        post_coll = _flat(p, D, [-6.5, apex_b - 3.5, mm_c], (6.5, 8.0, 6.2))
        mm_root = _flat(p, D, [-1.0, apex_b + 3.0, mm_c + 1.0], (13.0, 9.0, 7.5))
        d = smin(shaft, flare, k=8.0)
        d = smin(d, block, k=6.0)
        # its lateral (articular) face flat against the talus's medial facet, one joint space away
        mm = smax(smin(mm_root, ant_coll, post_coll, k=4.0), c - (D.medial_edge(a) - GAP_MM), k=1.0)
        d = smin(d, mm, k=3.0)
        # the vault: the trochlea (between its borders) grown by the joint space
        d = smax(d, -np.maximum(D.surface(p, grow=GAP_MM), D.sides(p, grow=GAP_MM)), k=1.0)
        # groove for tibialis posterior behind the malleolus
        d = ssub(d, capsule(p, D.to_foot([-14.5, apex_b - 8.0, mm_c - 2.5]),
                            D.to_foot([-14.0, apex_b + 22.0, mm_c - 1.0]), 3.2), k=1.5)
        # fibular notch: the lateral side cupping the fibula
        d = ssub(d, capsule(p, D.to_foot([-5.0, apex_b - 2.0, D.lateral_edge(-5.0) + 11.5]),
                            D.to_foot([-7.0, apex_b + 45.0, 24.0]), 7.0, 6.0), k=3.0)
        # square cut of the shaft
        return smax(d, halfspace(p, (0.0, top_y, 0.0), (0.0, 1.0, 0.0)), k=3.0)
    return f


def fibula(g):
    D = Dome(g)
    A = D.A
    apex_b = D.radius(D.groove_c)
    top_y = A[1] + apex_b + CUT_ABOVE_DOME_MM
    lat_c = D.lateral_edge(-3.0)

    def f(p):
        q = D.q(p)
        a, b, c = q[:, 0], q[:, 1], q[:, 2]
        # lateral malleolus: a flattened pyramid, broad at the plafond, tapering to its tip
        upper = _flat(p, D, [-4.0, apex_b - 1.0, lat_c + 9.0], (12.0, 12.0, 8.5))
        lower = capsule(p, D.to_foot([-5.0, apex_b - 5.0, lat_c + 8.5]), D.to_foot([-9.5, apex_b - 15.5, lat_c + 9.5]),
                        8.0, 5.0)
        s0 = D.to_foot([-4.0, apex_b + 8.0, lat_c + 10.0])
        shaft = capsule(p, s0, s0 + [-5.0, 120.0, 0.5], 7.5, 6.0)
        d = smin(upper, lower, k=5.0)
        d = smin(d, shaft, k=6.0)
        # flatten side to side: medial (articular) face on the talus's lateral facet, sloping out below
        # (only at the malleolus: above the plafond the shaft stays a round rod)
        malleolus_zone = (apex_b + 6.0) - b
        med_face = (D.lateral_edge(a) + GAP_MM - 0.5 + np.maximum(0.0, apex_b - 4.0 - b) * 0.22) - c
        d = smax(d, np.minimum(med_face, malleolus_zone), k=1.5)
        lat_face = c - (lat_c + 17.0 - np.maximum(0.0, apex_b - b) * 0.12)
        d = smax(d, np.minimum(lat_face, malleolus_zone), k=3.0)  # lateral face
        # malleolar fossa behind the facet, peroneal groove on the back
        d = ssub(d, ellipsoid(p, D.to_foot([-12.5, apex_b - 14.0, lat_c + 2.5]), (4.0, 6.0, 3.0), D.F), k=1.5)
        d = ssub(d, capsule(p, D.to_foot([-18.0, apex_b - 22.0, lat_c + 10.0]),
                            D.to_foot([-16.0, apex_b + 10.0, lat_c + 10.5]), 3.2), k=1.5)
        return smax(d, halfspace(p, (0.0, top_y, 0.0), (0.0, 1.0, 0.0)), k=1.5)
    return f


BONES = {"tibia": tibia, "fibula": fibula}
SETTINGS = {"tibia": {"voxel_mm": 0.7, "triangles": 6500}, "fibula": {"voxel_mm": 0.6, "triangles": 4000}}
