"""Sizes of the bones, each beside its source, and the layout of the rays that follows from them.

The foot is an adult foot 250 mm long (skin length); its bony heel-to-toe length is then about 235 mm,
the length of the Glasgow-Maastricht (GM) reference foot itself, so the GM joint centres of the
hindfoot and midfoot are used unscaled (foot-bone-morphology.md §0: s = 1.0 for a 250 mm skin foot).
The GM rays are too long for the literature (its MT1 joint-to-joint 59.7 mm gives a 65-70 mm bone,
its hallux proximal phalanx 37 mm): each ray keeps the GM direction of every segment, and its joint
centres are moved along it so that every bone has the length below (``layout_rays``).

All lengths are maximal lengths along the bone's own long axis, in mm. A distal phalanx has no distal
joint: its target places its tip that far beyond the layout's rim of its base (the previous head's
surface plus the joint space, less CUP_MM; ``Geometry.phalanx``); the lesser distal bases' shallow cups
(``toes.cup_face``) end about 1.5 mm further forward, so those bones measure about 1.5 mm less (noted
beside each). The accepted range is for the bone as measured.
"""

from __future__ import annotations

import numpy as np

MORPH = "foot-bone-morphology.md"

#: name -> (target length mm, accepted low, accepted high, source)
LENGTHS = {
    "talus": (57.0, 53.0, 60.0, f"{MORPH} §2: 56.5 ± 3.3 mm (men, [KTal]); build target 56-58"),
    "calcaneus": (79.0, 71.0, 83.0, f"{MORPH} §3: 74.2 ± 3.0 ([KCal], Korean, lower than international); build target 78-82"),
    "navicular": (16.5, 14.0, 19.0, f"{MORPH} §4: AP thickness 15.2-15.9 mm (medians, 77 bones, [Raj24])"),
    "metatarsal_1": (62.0, 56.0, 65.0, f"{MORPH} §6: 56.4 ± 4.4 mm (men, radiographic, [Patil17]); target 60-63"),
    "metatarsal_2": (74.5, 68.0, 79.0, f"{MORPH} §6: about 1.20 x MT1 (GM ratio 77.4/64.6)"),
    "metatarsal_3": (71.5, 65.0, 76.0, f"{MORPH} §6: about 1.15 x MT1 (GM)"),
    "metatarsal_4": (69.0, 63.0, 73.0, f"{MORPH} §6: about 1.11 x MT1 (GM)"),
    "metatarsal_5": (67.5, 62.0, 72.0, f"{MORPH} §6: about 1.09 x MT1 (GM, with the styloid)"),
    "proximal_phalanx_1": (30.0, 26.0, 31.0, f"{MORPH} §7: 28.0 ± 2.4 mm (men, [Patil17]); target 28-31"),
    "proximal_phalanx_2": (25.0, 21.0, 29.0, f"{MORPH} §7: GM 31.4 mm x 0.8 (GM PP1 38 mm is about 25-30% long against 28-31 mm)"),
    "proximal_phalanx_3": (22.0, 18.0, 26.0, f"{MORPH} §7: GM 27.2 mm x 0.8"),
    "proximal_phalanx_4": (21.0, 17.0, 25.0, f"{MORPH} §7: GM 26.4 mm x 0.8"),
    "proximal_phalanx_5": (20.5, 17.0, 25.0, f"{MORPH} §7: GM 26.9 mm x 0.8"),
    "middle_phalanx_2": (13.0, 10.0, 15.5, f"{MORPH} §7: GM 16.5 mm x 0.8"),
    "middle_phalanx_3": (12.5, 9.5, 15.0, f"{MORPH} §7: GM 15.7 mm x 0.8"),
    "middle_phalanx_4": (11.5, 9.0, 14.0, f"{MORPH} §7: GM 14.9 mm x 0.8"),
    "middle_phalanx_5": (9.0, 6.0, 12.0, f"{MORPH} §7: GM 13.9 mm x 0.65, the shortest middle phalanx (often fused with DP5)"),
    "distal_phalanx_1": (22.0, 18.0, 25.0, f"{MORPH} §7: GM 27.6 mm (an upper bound) x 0.8"),
    "distal_phalanx_2": (10.6, 7.0, 12.0, f"{MORPH} §7: GM 11.5 mm (upper bound); the bone about 9.2"),
    "distal_phalanx_3": (10.0, 7.0, 11.5, f"{MORPH} §7: GM 10.8 mm (upper bound); the bone about 8.6"),
    "distal_phalanx_4": (9.5, 6.5, 11.0, f"{MORPH} §7: between DP3 and DP5; the bone about 8"),
    "distal_phalanx_5": (8.3, 3.9, 7.5, f"{MORPH} §7: 5.2 ± 1.3 mm (men, [Patil17]), the shortest phalanx; "
                         "the bone about 6.5, the upper end, so it still shows a base, a waist and a tuft"),
}

#: Metatarsal heads: (sagittal radius of the articular surface, half width) mm.
#: GM head sizes W x H: MT1 24.8 x 28.5, MT2 13.7 x 16.4, MT3 12.8 x 15.9, MT4 11.6 x 14.7, MT5 14.8 x 14.3
#: (foot-bone-morphology.md §6); the sagittal radius is about half the height.
MT_HEAD = {1: (11.0, 11.0), 2: (7.6, 6.6), 3: (7.3, 6.2), 4: (6.9, 5.7), 5: (6.7, 6.6)}
#: Proximal and middle phalangeal heads: (radius, half width). Lesser PP head widths 9.74 +- 0.87,
#: 9.00 +- 0.91, 8.49 +- 1.01, 8.67 +- 0.89 mm ([Kaur], §7): the spools are modelled 8.6, 8.0, 7.5, 7.4 mm
#: wide, which the blend into the neck makes 10.1, 9.4, 8.8, 8.8 mm as measured (within one SD), so that
#: the middle bases that cup them need flare only modestly over their shafts (§7); hallux PP head by
#: proportion; middle phalanges' heads narrow pulleys, 6.0-4.6 mm (a little wider than the shaft once
#: blended), so the distal bases that cup them are about as wide as the tufts (§7). Only the radii place
#: the joints (``layout_rays``); the half widths shape the bones.
PP_HEAD = {1: (5.8, 7.6), 2: (3.6, 4.3), 3: (3.4, 4.0), 4: (3.2, 3.75), 5: (3.2, 3.7)}
MP_HEAD = {2: (2.9, 3.0), 3: (2.8, 2.85), 4: (2.7, 2.7), 5: (2.6, 2.3)}
GAP_MM = 1.5  # joint space between articulating bones: 1-3 mm asked for, so a student sees each joint
#: the joint space between the phalanges of one toe (the interphalangeal joints, hallux IP included):
#: narrower than GAP_MM, as the real interphalangeal spaces are (thin cartilage over small heads), so
#: that the small lesser middle and distal bases can cup their heads deeper (depths: toes.py) inside a rim of
#: bone without flaring wider; still a visible space between the bones. The layout (``layout_rays``)
#: keeps GAP_MM, so the rig's joint centres do not move: only the bases reach a little further back.
IP_GAP_MM = 1.0
CUP_MM = 1.8  # how far a concave phalangeal base reaches back around the head it rides on

#: GM reference foot, T-frame (foot-kinematics.md §2.3c), unscaled: the ray joints.
GM = {
    "tarsometatarsal_1": (97.8, 32.2, -21.1), "tarsometatarsal_2": (92.1, 42.6, -7.4),
    "tarsometatarsal_3": (88.6, 35.6, 2.8), "tarsometatarsal_4": (81.1, 27.9, 12.9),
    "tarsometatarsal_5": (75.2, 23.9, 20.4),
    "metatarsophalangeal_1": (151.9, 13.2, -37.8), "metatarsophalangeal_2": (160.9, 10.3, -10.6),
    "metatarsophalangeal_3": (158.9, 9.1, 3.4), "metatarsophalangeal_4": (150.1, 8.5, 18.0),
    "metatarsophalangeal_5": (135.5, 6.4, 35.3),
    "interphalangeal_1": (187.9, 5.3, -36.1),
    "proximal_interphalangeal_2": (189.8, 6.7, -11.1), "proximal_interphalangeal_3": (185.4, 7.2, 4.0),
    "proximal_interphalangeal_4": (175.5, 8.0, 20.5), "proximal_interphalangeal_5": (163.2, 5.3, 36.6),
    "distal_interphalangeal_2": (205.1, 2.2, -10.8), "distal_interphalangeal_3": (199.5, 2.2, 4.6),
    "distal_interphalangeal_4": (183.0, 2.4, 20.4), "distal_interphalangeal_5": (167.5, 3.2, 35.6),
}


def _u(v):
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)


def toe_joints(i: int) -> list[str]:
    """The joints of ray i from the tarsometatarsal joint to the last interphalangeal joint."""
    if i == 1:
        return ["tarsometatarsal_1", "metatarsophalangeal_1", "interphalangeal_1"]
    return [f"tarsometatarsal_{i}", f"metatarsophalangeal_{i}", f"proximal_interphalangeal_{i}",
            f"distal_interphalangeal_{i}"]


def toe_bones(i: int) -> list[str]:
    if i == 1:
        return ["metatarsal_1", "proximal_phalanx_1", "distal_phalanx_1"]
    return [f"metatarsal_{i}", f"proximal_phalanx_{i}", f"middle_phalanx_{i}", f"distal_phalanx_{i}"]


def segment_directions(i: int) -> list[np.ndarray]:
    """GM direction of each bone of ray i (the last phalanx continues its predecessor's direction,
    turned 4 deg down as the distal phalanges are in the GM foot)."""
    names = toe_joints(i)
    dirs = [_u(np.subtract(GM[b], GM[a])) for a, b in zip(names, names[1:])]
    last = dirs[-1].copy()
    last[1] -= 0.07
    return dirs + [_u(last)]


def head_radius(bone: str) -> float:
    kind, _, i = bone.rpartition("_")
    i = int(i)
    if kind == "metatarsal":
        return MT_HEAD[i][0]
    if kind == "proximal_phalanx":
        return PP_HEAD[i][0]
    if kind == "middle_phalanx":
        return MP_HEAD[i][0]
    return 0.0


def layout_rays() -> dict[str, np.ndarray]:
    """Joint centres of the five rays (foot frame, mm): the GM tarsometatarsal centres, then each
    following centre along the GM direction of its bone, spaced so the bone has its LENGTHS target.

    A metatarsal reaches from its base (GAP/2 beyond the tarsometatarsal centre) to the tip of its
    head (the MTP centre plus the head radius); a phalanx from the rim of its cupped base (the previous
    head's surface plus the gap, less CUP_MM) to the tip of its head (its distal joint centre plus its
    head radius).
    """
    out: dict[str, np.ndarray] = {}
    for i in range(1, 6):
        joints, bones, dirs = toe_joints(i), toe_bones(i), segment_directions(i)
        c = np.array(GM[joints[0]], float)
        out[joints[0]] = c
        prev_r = None
        for k, bone in enumerate(bones[:-1]):
            L = LENGTHS[bone][0]
            r = head_radius(bone)
            if prev_r is None:  # metatarsal
                spacing = L - r - GAP_MM / 2
            else:
                spacing = L - r + prev_r + GAP_MM - CUP_MM
            c = c + dirs[k] * spacing
            out[joints[k + 1]] = c
            prev_r = r
    return out


def toe_axes(i: int) -> dict[str, np.ndarray]:
    """Axes of toe i's joints, each from the toe's own direction (not the metatarsal-break line):
    the flexion-extension axis is horizontal and perpendicular to the proximal phalanx in plan view;
    the long axis follows the proximal phalanx. Interphalangeal hinges use the same horizontal
    perpendicular, taken from the toe's own phalanges."""
    d = segment_directions(i)[1]
    flat = _u([d[0], 0.0, d[2]])
    ext = _u(np.cross(flat, [0.0, 1.0, 0.0]))  # rotation about it lifts the toe: extension
    return {"extension": ext, "flexion": -ext, "long": d}


#: First tarsometatarsal (first ray) axis: about 45 deg to the sagittal and the frontal plane, in the
#: transverse plane, running antero-laterally, so that dorsiflexion comes with inversion (Hicks 1954;
#: foot-kinematics.md §3.1, weakly verified).
FIRST_RAY_AXIS = _u([1.0, 0.0, 1.0])
FIRST_RAY_SOURCE = ("first-ray axis about 45 deg to the sagittal and frontal planes; dorsiflexion couples with "
                    "inversion (Hicks 1954, Hetherington 1994; foot-kinematics.md §3.1)")
