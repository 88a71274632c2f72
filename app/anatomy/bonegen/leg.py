"""Distal tibia and fibula: the mortise that grips the talus (foot-bone-morphology.md §1).

Both are laid out in the talar dome's frame (app.anatomy.bonegen.hindfoot.Dome: a forward, b up,
c lateral along the talocrural axis, origin the talocrural centre), so the plafond is the trochlea's
vault and the malleoli are the side walls of the slot the trochlea turns in:

- plafond: a concave vault over the dome, wider in front ([Pedia]); posterior lip hanging about 5 mm
  below the apex, anterior lip about 3 mm (TLEM): the posterior margin (the "posterior malleolus") is
  modelled as a lip hanging about 6 mm below the apex, deepest a little lateral of the middle, against
  3 mm in front; metaphysis about 46 x 40 mm just above the joint, 28 x 29 mm 30 mm higher (TLEM).
- posterior surface: rounded from side to side (its middle about 2-4 mm proud of the line joining its
  borders), carrying at its medial end the broad groove for tibialis posterior and flexor digitorum
  longus behind the medial malleolus ([Gray-MM]).
- fibular notch: the lateral side reaches out about 9 mm near the joint so that the notch's anterior
  tubercle passes in front of the fibula's medial edge, the fibula sitting in the notch ([Hermans10])
  about 4 mm off it (the syndesmosis, its ligaments in the soft-tissue file).
- medial malleolus: a pyramidal process flattened side to side ([Gray-MM]), AP 23-27 and ML 15 mm,
  the larger anterior colliculus reaching lowest, tip about 12 mm below the plafond apex (TLEM 11.6,
  [Thorek] 13); the groove for tibialis posterior behind it.
- lateral malleolus: pyramidal, flattened side to side, AP 25 x ML 19 at the plafond, 16 x 11 mm
  20 mm lower, tip about 24 mm below the plafond apex and about 13 mm behind the medial tip
  ([Thorek], TLEM 23.4 / 13.6); its triangular facet on the talus's lateral facet, meeting the shaft
  above without a crease, the malleolar fossa behind and below it, a pit about 10 mm above the tip
  where the PTFL arises ([IML06], [NYU11]; foot-soft-tissue.md §1), the peroneal groove on its back ([Ozbag08]);
  the fibula sits in the tibia's fibular notch ([Hermans10]).
- about 100 mm of the shafts shown, cut square like a specimen.
"""

from __future__ import annotations

import numpy as np

from app.anatomy.bonegen.dims import GAP_MM
from app.anatomy.bonegen.hindfoot import Dome
from app.anatomy.bonegen.sdf import capsule, ellipsoid, halfspace, smax, smin, ssub

CUT_ABOVE_DOME_MM = 100.0  # the shafts are cut this far above the dome's apex
#: the fibula's facet stands about this far off the talus's: a little more than the carve's joint
#: space, so that the carve leaves the designed surface nearly alone (see fibula's _facet_space)
SPACE_MM = GAP_MM + 1.0
#: the syndesmosis: the notch stands off the fibula by more than the carve reaches (its joint space plus
#: its blend), so that the plafond's lateral corner prints no line into the fibula's facet
NOTCH_SPACE_MM = GAP_MM + 2.5
BACK_BULGE_MM, BACK_BOW_MM = 1.5, 4.5  # the tibia's back: its middle stands out, its sides fall forward
POSTERIOR_LIP_MM = 2.0  # the posterior margin of the plafond hangs this much lower than the rim's slope
FOSSA_AB = (-9.0, 9.0)  # (a, b) of the malleolar fossa's centre, dome frame
NOTCH_REACH_MM = 9.0  # how far the tibia's notch tubercles reach out laterally around the fibula


def _flat(p, D, centre_abc, radii):
    """An ellipsoid in the dome frame: centre and semi-axes ``radii`` as (a, b, c)."""
    return ellipsoid(p, D.to_foot(centre_abc), radii, D.F)


def _smooth(x):
    t = np.clip(x, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _lerp(x0, x1, t):
    return x0 + (x1 - x0) * t


def _soft_pos(x, k):
    """max(x, 0) rounded over about k mm."""
    return 0.5 * (x + np.sqrt(x * x + k * k))


def _section(a, c, ha, hc, r):
    """Distance (in the a-c plane) to a rounded rectangle of half sizes ha, hc and corner radius r:
    a lofted section, its half sizes changing with the height."""
    r = np.minimum(r, np.minimum(ha, hc) - 0.1)
    qa, qc = np.abs(a) - ha + r, np.abs(c) - hc + r
    return np.hypot(np.maximum(qa, 0.0), np.maximum(qc, 0.0)) + np.minimum(np.maximum(qa, qc), 0.0) - r


def _lean(D):
    """(da, 1, dc): moving 1 mm up in b, how far a and c move to stay on a foot-vertical line (the
    shafts stand vertical in the foot frame while the dome frame leans with the oblique axis)."""
    v = D.F @ np.array([0.0, 1.0, 0.0])
    return v / v[1]


def tibia(g):
    D = Dome(g)
    A = D.A
    apex_b = D.radius(D.groove_c)  # height of the dome's apex above the axis (b)
    top_y = A[1] + apex_b + CUT_ABOVE_DOME_MM
    fib = fibula(g)
    lean = _lean(D)

    def f(p):
        q = D.q(p)
        a, b, c = q[:, 0], q[:, 1], q[:, 2]
        # shaft to metaphysis, lofted: about 46 (ML) x 40 (AP) mm just above the joint, 28 x 29 mm
        # 30 mm higher (TLEM); the shaft a rounded triangle, its anterior border (crest) fading out
        # into the broad front of the metaphysis
        w = (1.0 - np.clip(_soft_pos(b - (apex_b + 2.0), 6.0) / 58.0, 0.0, 1.0)) ** 2.2  # a trumpet: 1 at the joint, no kink
        x = apex_b + 2.0 - b  # toward the joint the rim draws in a little (lips), without a crease
        rim = 0.5 * (x + np.sqrt(x * x + 25.0))
        # below the joint line the medial wall steps out into the malleolus's broad base (ML ≈15)
        mm_base = 5.5 * _smooth((apex_b + 4.0 - b) / 14.0) * _smooth((16.0 - a) / 6.0)
        ha, hc = 12.5 + 7.0 * w - 0.25 * rim, 13.0 + 10.5 * w - 0.15 * rim + 0.5 * mm_base
        a0 = -1.5 + 0.5 * w + lean[0] * (b - apex_b)
        c0 = -2.5 - 3.0 * w - 0.15 * rim - 0.5 * mm_base + lean[2] * (b - apex_b)  # the medial wall runs on down
        # its posterior surface rounded from side to side ([Gray-MM]: the groove behind the malleolus
        # lies on a convex back), not a flat plate: most prominent a little lateral of the middle
        t = np.minimum(((c - c0 - 2.0) / hc) ** 2, 1.0)
        ha = ha + _smooth((a0 - a) / 8.0) * (BACK_BULGE_MM - BACK_BOW_MM * t)
        # the fibular notch's tubercles: the lateral side reaches out around the fibula near the joint
        # (the fibula's cut below hollows the notch between them, [Hermans10])
        ext = NOTCH_REACH_MM * _smooth((apex_b + 42.0 - b) / 30.0)
        sec = _section(a - a0, c - c0 - 0.5 * ext, ha, hc + 0.5 * ext, np.minimum(ha, hc) * 0.7)
        crest_off = 0.6 * ha + 0.5 + 20.0 * w
        sec = smax(sec, (a - a0) * 0.6 - (c - c0 + 2.0) * 0.8 - crest_off, k=9.0)  # medial surface
        sec = smax(sec, (a - a0) * 0.6 + (c - c0 + 2.0) * 0.8 - crest_off - 1.5 - 0.8 * ext, k=6.0)  # lateral surface
        # the plafond's rim: the posterior lip hangs lower (≈5 mm below the apex) than the anterior (≈3)
        # the posterior margin (the "posterior malleolus") hangs a little lower still, as a lip
        # (deepest a little lateral of the middle, so that seen from behind its lower border curves down)
        lip_drop = POSTERIOR_LIP_MM * _smooth((-a - 8.0) / 8.0) * np.exp(-(((c - 2.0) / 13.0) ** 2))
        lips = (apex_b - 5.5 + 0.07 * a - lip_drop) - b
        # medial malleolus: the metaphysis's medial part carried on down, a pyramid flattened from
        # without inward ([Gray-MM]): its medial face the shaft's medial surface drawing in to the tip,
        # its articular (lateral) face flat against the talus's comma-shaped facet; its borders
        # converge downward, the larger anterior colliculus reaching lowest, the posterior one
        # shorter, the intercollicular groove between ([IMAIOS-IC], TLEM)
        c_in = D.medial_edge(a) - GAP_MM
        # its anterior border sweeps forward at the root into the metaphysis's front: no ledge
        a_ant = 4.0 + 0.75 * _soft_pos(b - 4.0, 3.0) + 5.0 * _smooth((b - 6.0) / 10.0)
        a_post = -6.0 - 0.9 * np.maximum(b - 6.0, 0.0)
        thick = 10.0 + 8.5 * _smooth((b - 2.0) / 16.0)  # ≈15 mm side to side at its root, its medial face running on up into the shaft's
        tip = smin(4.0 + 0.07 * (a - 3.0) ** 2, 7.5 + 0.15 * (a + 7.0) ** 2, k=1.0)
        mm = smax(c_in - thick - c, a - a_ant, k=3.0)
        mm = smax(mm, a_post - a, k=3.0)
        mm = smax(mm, (tip - b) * 0.8, k=2.5)
        mm = smax(mm, c - c_in, k=1.0)  # its flat articular face
        d = smax(sec * 0.9, smin(lips, mm, k=14.0), k=8.0)  # no ledge, no sharp rim
        # the vault: the trochlea (between its borders) grown by the joint space
        d = smax(d, -np.maximum(D.surface(p, grow=GAP_MM), D.sides(p, grow=GAP_MM)), k=1.0)
        # groove for tibialis posterior on the back of the malleolus
        # (with flexor digitorum longus): a broad channel down the malleolus's posterior border, fading
        # out on the back of the metaphysis ([Gray-MM])
        d = ssub(d, capsule(p, D.to_foot([-11.0, 7.0, -25.0]), D.to_foot([-24.5, apex_b + 18.0, -22.5]), 5.0), k=3.0)
        # no fin of plafond beyond the trochlea's lateral border: the fibula takes over there
        d = ssub(d, np.maximum(D.lateral_edge(a) + GAP_MM - c, b - (apex_b - 1.0)), k=2.0)
        # fibular notch: the lateral side cupping the fibula, NOTCH_SPACE_MM away
        d = ssub(d, fib(p) - NOTCH_SPACE_MM, k=3.0)
        # square cut of the shaft
        return smax(d, halfspace(p, (0.0, top_y, 0.0), (0.0, 1.0, 0.0)), k=3.0)
    return f


def fibula(g):
    D = Dome(g)
    A = D.A
    apex_b = D.radius(D.groove_c)
    top_y = A[1] + apex_b + CUT_ABOVE_DOME_MM
    lean = _lean(D)
    tip_b = -1.0  # the tip ≈24 mm below the plafond apex in the foot's vertical (TLEM)

    def _facet_space(a, b):
        """How far the facet stands off the talus's: a little wider toward the top and the front, where the
        trochlea's wider front swings up against it in dorsiflexion; so the talus's sweep no longer cuts a
        deeper strip (a groove) under the facet's upper edge."""
        return SPACE_MM - 1.1 + np.clip(1.5 + 0.04 * a, 0.9, 1.9) * _smooth((b - 4.0) / 18.0)

    def f(p):
        q = D.q(p)
        a, b, c = q[:, 0], q[:, 1], q[:, 2]
        # lateral malleolus, lofted: AP 25 x ML 19 mm at the plafond, 16 x 11 mm 20 mm lower, tapering to
        # a rounded tip; above the plafond the shaft, 14 x 8 mm (TLEM)
        s = np.clip((b - tip_b) / (apex_b - tip_b), 0.0, 1.0)
        s2 = _smooth((b - apex_b) / 45.0)
        up = _soft_pos(b - apex_b, 4.0)  # height above the plafond, without a kink at it
        cap = np.maximum(1.0 - (1.0 - s) ** 2, 0.0)
        # every profile meets the shaft's with a matching slope, so no ring shows where they join
        ha = np.where(b < apex_b, 0.2 + 12.3 * cap ** 0.5, _lerp(12.5, 7.0, s2))  # pyramidal in side view
        hc = np.where(b < apex_b, 0.2 + 8.8 * cap ** 0.45, _lerp(9.0, 4.0, s2))
        # its posterior border nearly straight, the anterior border sloping back down to the tip
        a0 = np.where(b < apex_b, -14.0 + 3.0 * (1.0 - s) ** 1.5 + ha, _lerp(-1.5, -6.0, s2))
        # its medial face is the facet on the talus's triangular lateral facet, one joint space off
        bf = b - _soft_pos(b - apex_b, 2.0)
        face = D.lateral_facet(a0, bf) + _facet_space(a0, bf)
        c0 = _lerp(face + hc, 19.0, s2) + lean[2] * up
        a0 = a0 + lean[0] * up
        # a rounded, slightly squared ellipse: the lateral (subcutaneous) surface convex, the shaft
        # a slender rounded bone with no flat face
        ua, uc = np.abs(a - a0) / ha, np.abs(c - c0) / hc
        d = ((ua ** 2.4 + uc ** 2.4) ** (1.0 / 2.4) - 1.0) * np.minimum(ha, hc) * 0.7
        d = smax(d, (tip_b - b), k=2.0)
        # the flat facet itself: the medial face follows the talus's facet at every a
        fz = (D.lateral_facet(a, bf) + _facet_space(a, bf)) - c
        # (carried a few mm above the plafond, where the shaft leans in toward the tibia: released any
        # lower, the shaft bulged toward the talus's lateral shoulder over the facet, a crease that the
        # talus's sweep cut into a groove)
        d = smax(d, fz - 20.0 * _smooth((b - (apex_b + 1.0)) / 30.0), k=3.5)  # its rim rounded
        # malleolar fossa behind and below the facet's apex, a pit opening back- and inward (PTFL,
        # [IML06]); the peroneal groove down the back
        fossa_c = D.lateral_facet(FOSSA_AB[0], FOSSA_AB[1]) + _facet_space(*FOSSA_AB) + 2.0
        d = ssub(d, _flat(p, D, [FOSSA_AB[0], FOSSA_AB[1], fossa_c], (3.6, 5.0, 3.0)), k=2.5)
        d = ssub(d, capsule(p, D.to_foot([-17.5, tip_b + 6.0, 22.5]), D.to_foot([-19.5, apex_b + 12.0, 24.5]), 4.5), k=2.5)
        return smax(d, halfspace(p, (0.0, top_y, 0.0), (0.0, 1.0, 0.0)), k=1.5)
    return f


BONES = {"tibia": tibia, "fibula": fibula}
SETTINGS = {"tibia": {"voxel_mm": 0.6, "triangles": 8000}, "fibula": {"voxel_mm": 0.6, "triangles": 5000}}
