"""Where each named landmark lies, as a rule the generator applies to the bone's surface.

A site says roughly where the landmark is (a joint centre of the rig plus an offset, or a point of the
Glasgow-Maastricht reference foot scaled by the rig) and how to find it on the surface: the nearest
surface point, or the surface point furthest in one direction within ``radius_mm`` of the rough point
("the lowest point of the medial malleolus" is ``snap="min_y"`` near the malleolus). The generator
(:mod:`app.anatomy.build_landmarks`) snaps every site onto its bone's mesh and writes
``meshes/landmarks.json`` in the bone's frame, so landmarks follow the bones whenever the models change.

Sources: foot-bone-morphology.md §8.1 (palpable landmarks, GM nodes), §1-§7 (the features named);
foot-kinematics.md §5 (the tripod: calcaneal tuberosity, first and fifth metatarsal heads).
Attachment sites of soft tissues live in :mod:`app.anatomy.attachment_sites` in the same form.
"""

from __future__ import annotations

from dataclasses import dataclass

MORPH = "foot-bone-morphology.md"
TRIPOD_SRC = "tripod: calcaneal tuberosity, first and fifth metatarsal heads (foot-kinematics.md §5)"


@dataclass(frozen=True)
class Site:
    """A rule for one landmark. ``near``: ``"joint:<name>"`` (a rig joint centre plus ``offset_mm``) or
    ``"gm"`` (``offset_mm`` is a point of the GM reference foot, T-frame, multiplied by the rig scale),
    ``"ray:<i>"`` (midway along metatarsal i), ``"phalanx:<i>"`` (midway along the proximal phalanx of
    toe i) or ``"tip:<i>"`` (the distal joint of toe i), each plus ``offset_mm``.
    ``snap``: ``"nearest"`` surface point, or the extreme surface point along an axis
    (``min_x`` ... ``max_z``, foot frame) among those within ``radius_mm`` of the surface point nearest
    the rough point."""

    bone: str
    name: str
    label: str
    kind: str
    near: str
    offset_mm: tuple[float, float, float]
    source: str
    snap: str = "nearest"
    radius_mm: float = 12.0


def _ray_sites() -> list[Site]:
    out = []
    for i in range(1, 6):
        mt = f"metatarsal_{i}"
        out += [
            Site(mt, "head", f"Head of metatarsal {i} (dorsal)", "palpable", f"joint:metatarsophalangeal_{i}",
                 (-2.0, 8.0, 0.0), f"{MORPH} §6 (heads palpable on the dorsum)", "max_y", 7.0),
            Site(mt, "head_plantar", f"Head of metatarsal {i} (plantar)", "palpable", f"joint:metatarsophalangeal_{i}",
                 (-2.0, -8.0, 0.0), f"{MORPH} §6, §8.2 (plantar head nodes)", "min_y", 8.0),
            Site(mt, "base_dorsal", f"Base of metatarsal {i} (dorsal)", "palpable", f"joint:tarsometatarsal_{i}",
                 (5.0, 8.0, 0.0), f"{MORPH} §6", "max_y", 8.0),
            # the shafts' nearest points above and below the middle of the ray: a highest or lowest point
            # of a declined shaft lies towards its head, on a slope facing the neighbouring ray
            Site(mt, "shaft_dorsal", f"Shaft of metatarsal {i} (dorsal)", "palpable", f"ray:{i}",
                 (0.0, 8.0, 0.0), f"{MORPH} §6", "nearest"),
            Site(mt, "shaft_plantar", f"Shaft of metatarsal {i} (plantar, under the sole)", "palpable", f"ray:{i}",
                 (0.0, -8.0, 0.0), f"{MORPH} §6 (shafts felt through the sole, between the heads and the bases)",
                 "nearest"),
        ]
        pp = f"proximal_phalanx_{i}"
        out.append(Site(pp, "base_dorsal", f"Base of the proximal phalanx, toe {i}", "palpable",
                        f"joint:metatarsophalangeal_{i}", (8.0, 6.0, 0.0), f"{MORPH} §7", "max_y", 6.0))
        out.append(Site(pp, "shaft_dorsal", f"Shaft of the proximal phalanx, toe {i} (dorsal: where the toe is grasped)",
                        "palpable", f"phalanx:{i}", (0.0, 12.0, 0.0), f"{MORPH} §7 (base, shaft and head of each phalanx)",
                        "nearest"))
        dp = f"distal_phalanx_{i}"
        out.append(Site(dp, "tip", f"Tip of toe {i} (tuft of the distal phalanx)", "palpable", f"tip:{i}",
                        (0.0, 0.0, 0.0), f"{MORPH} §7 (ungual tuberosity)", "max_x", 40.0))
        out += _phalanx_sites(i)
    return out


def _phalanx_sites(i: int) -> list[Site]:
    """The toe's knuckles and shafts a therapist holds when mobilising a toe: the dorsum of the proximal
    phalanx's head (over the PIP joint; for the hallux the IP joint), the dorsum of the middle phalanx,
    the medial side of the hallux's proximal base (abductor hallucis, medial collateral ligament and
    FHB insertions, §7 attachments) and the dorsum of the distal phalanx's base (the nail fold)."""
    pip = "interphalangeal_1" if i == 1 else f"proximal_interphalangeal_{i}"
    pp, dp = f"proximal_phalanx_{i}", f"distal_phalanx_{i}"
    out = [Site(pp, "head_dorsal", f"Head of the proximal phalanx, toe {i} (dorsal, over the "
                f"{'IP' if i == 1 else 'PIP'} joint)", "palpable", f"joint:{pip}", (-1.5, 6.0 if i == 1 else 4.0, 0.0),
                f"{MORPH} §7 (spool-shaped bicondylar head)", "nearest"),
           Site(dp, "base_dorsal", f"Base of the distal phalanx, toe {i} (dorsal)", "palpable", f"joint:"
                f"{'interphalangeal_1' if i == 1 else f'distal_interphalangeal_{i}'}",
                (5.0 if i == 1 else 3.0, 6.0 if i == 1 else 3.5, 0.0), f"{MORPH} §7 (flat dorsum)", "max_y",
                4.0 if i == 1 else 2.5)]
    if i == 1:
        out.append(Site(pp, "base_medial", "Base of the proximal phalanx of the hallux (medial side)", "palpable",
                        "joint:metatarsophalangeal_1", (14.0, 0.0, -10.0),
                        f"{MORPH} §7 (FHB via the sesamoids to the sides of the PP1 base)", "min_z", 5.0))
    else:
        out.append(Site(f"middle_phalanx_{i}", "dorsal", f"Middle phalanx, toe {i} (dorsal)", "palpable",
                        f"joint:{pip}", (4.5, 3.5, 0.0), f"{MORPH} §7 (short, shaft about the head's diameter)",
                        "max_y", 2.5))
    return out


SITES: tuple[Site, ...] = (
    # leg: the malleoli (GM landmark nodes, §8.1; the tips by the lowest point, §1)
    Site("tibia", "medial_malleolus", "Medial malleolus", "palpable", "joint:talocrural", (0.0, 14.0, -26.0),
         f"{MORPH} §1, §8.1 (most medial point of the medial malleolus)", "min_z", 10.0),
    Site("tibia", "medial_malleolus_tip", "Tip of the medial malleolus", "palpable", "joint:talocrural",
         (4.0, 8.0, -22.0), f"{MORPH} §1 (MM tip ≈12 mm below the plafond, on the anterior colliculus)", "min_y", 9.0),
    Site("tibia", "anterior_margin", "Anterior margin of the tibia (front of the ankle)", "palpable",
         "joint:talocrural", (16.0, 14.0, -2.0), f"{MORPH} §1 (plafond, anterior lip)", "max_x", 10.0),
    Site("fibula", "lateral_malleolus", "Lateral malleolus", "palpable", "joint:talocrural", (-5.0, 4.0, 26.0),
         f"{MORPH} §1, §8.1 (most lateral point of the lateral malleolus)", "max_z", 10.0),
    Site("fibula", "lateral_malleolus_tip", "Tip of the lateral malleolus", "palpable", "joint:talocrural",
         (-10.0, -6.0, 22.0), f"{MORPH} §1 (LM tip ≈24 mm below the plafond, ≈13 mm behind the MM tip)", "min_y", 10.0),
    # talus
    Site("talus", "head", "Head of the talus", "palpable", "joint:talonavicular", (-6.0, 8.0, -4.0),
         f"{MORPH} §2, §8.1 (talar head, TN centre)", "nearest"),
    Site("talus", "neck_medial", "Neck of the talus (medial)", "palpable", "joint:talonavicular", (-10.0, 7.0, -6.0),
         f"{MORPH} §2 (neck: rough above and medially)", "min_z", 8.0),
    # on the neck's upper surface in front of the trochlea's anterior edge (the highest point near the
    # joint was on that edge's forward-facing slope: fingers drawn there pointed at the navicular)
    Site("talus", "neck_dorsal", "Neck of the talus (dorsal)", "palpable", "joint:talonavicular", (2.5, 15.5, 7.0),
         f"{MORPH} §2", "nearest"),
    Site("talus", "trochlea", "Trochlea (dome) of the talus", "articular", "joint:talocrural", (0.0, 16.0, 0.0),
         f"{MORPH} §2", "max_y", 8.0),
    Site("talus", "lateral_process", "Lateral process of the talus", "palpable", "joint:talocrural", (-3.0, -15.0, 18.0),
         f"{MORPH} §2 (distal angle of the lateral facet)", "max_z", 8.0),
    Site("talus", "posterior_process", "Posterior process of the talus", "palpable", "joint:talocrural", (-22.0, -12.0, 2.0),
         f"{MORPH} §2 (two tubercles, FHL groove between)", "min_x", 10.0),
    # calcaneus
    Site("calcaneus", "tuberosity", "Calcaneal tuberosity (back of the heel)", "palpable", "gm", (-21.0, 20.0, 7.0),
         f"{MORPH} §8.1 (GM posterior-most point)", "min_x", 14.0),
    Site("calcaneus", "achilles_insertion", "Achilles tendon insertion", "attachment", "gm", (-15.0, 41.0, 7.0),
         f"{MORPH} §8.1 (GM Achilles node)", "min_x", 10.0),
    Site("calcaneus", "medial_process", "Medial process of the calcaneal tuberosity", "palpable", "gm", (4.0, 0.0, -8.0),
         f"{MORPH} §3, §8.1 (GM MedialProcess: plantar fascia origin)", "min_y", 10.0),
    Site("calcaneus", "tripod", "Heel point of the tripod", "tripod", "gm", (2.0, 0.0, 0.0), TRIPOD_SRC, "min_y", 14.0),
    Site("calcaneus", "sustentaculum_tali", "Sustentaculum tali", "palpable", "joint:subtalar", (-2.0, -13.0, -19.0),
         f"{MORPH} §3, §8.1 (most medial point of the shelf)", "min_z", 9.0),
    Site("calcaneus", "peroneal_trochlea", "Peroneal trochlea", "palpable", "joint:calcaneocuboid", (-22.5, -8.0, 11.0),
         f"{MORPH} §3, §8.1 (below the lateral malleolus)", "max_z", 7.0),
    Site("calcaneus", "anterior_process", "Anterior process of the calcaneus", "palpable", "joint:calcaneocuboid",
         (-4.0, 9.0, -3.0), f"{MORPH} §3 (bifurcate ligament origin)", "max_y", 5.0),
    # midfoot
    Site("navicular", "tuberosity", "Navicular tuberosity", "palpable", "gm", (70.0, 45.0, -37.0),
         f"{MORPH} §4, §8.1 (most medial point)", "min_z", 14.0),
    Site("navicular", "dorsal", "Dorsum of the navicular", "palpable", "joint:talonavicular", (8.0, 10.0, -4.0),
         f"{MORPH} §4", "max_y", 10.0),
    Site("cuboid", "tuberosity", "Tuberosity of the cuboid", "palpable", "joint:calcaneocuboid", (16.0, -19.0, 14.0),
         f"{MORPH} §4, §8.1 (lateral end of the plantar ridge, behind the peroneal groove; lowest cuboid point)",
         "min_y", 8.0),
    Site("cuboid", "dorsal", "Dorsum of the cuboid", "palpable", "joint:calcaneocuboid", (12.0, 8.0, 4.0),
         f"{MORPH} §4", "max_y", 10.0),
    Site("medial_cuneiform", "medial", "Medial cuneiform (medial face)", "palpable", "joint:tarsometatarsal_1",
         (-12.0, 2.0, -6.0), f"{MORPH} §5", "min_z", 10.0),
    Site("medial_cuneiform", "dorsal", "Medial cuneiform (dorsal edge)", "palpable", "joint:tarsometatarsal_1",
         (-12.0, 12.0, 0.0), f"{MORPH} §5", "max_y", 10.0),
    Site("intermediate_cuneiform", "dorsal", "Intermediate cuneiform (dorsal)", "palpable", "joint:tarsometatarsal_2",
         (-10.0, 8.0, 0.0), f"{MORPH} §5", "max_y", 10.0),
    Site("lateral_cuneiform", "dorsal", "Lateral cuneiform (dorsal)", "palpable", "joint:tarsometatarsal_3",
         (-12.0, 8.0, 0.0), f"{MORPH} §5", "max_y", 10.0),
    # forefoot: the fifth metatarsal's styloid process, the tripod's forefoot points
    Site("metatarsal_1", "head_medial", "Head of metatarsal 1 (medial side)", "palpable", "joint:metatarsophalangeal_1",
         (-2.0, 0.0, -10.0), f"{MORPH} §6 (the first head, felt on the medial border of the forefoot)", "min_z", 7.0),
    Site("metatarsal_5", "head_lateral", "Head of metatarsal 5 (lateral side)", "palpable", "joint:metatarsophalangeal_5",
         (-2.0, 0.0, 8.0), f"{MORPH} §6 (the fifth head, felt on the lateral border of the forefoot)", "max_z", 6.0),
    Site("metatarsal_5", "styloid", "Tuberosity (styloid process) of metatarsal 5", "palpable", "gm", (75.0, 13.0, 33.0),
         f"{MORPH} §6, §8.1 (GM MT5 styloid tip; the most lateral point of the tuberosity, beside the cuboid)",
         "max_z", 8.0),
    Site("sesamoid_medial", "plantar", "Medial (tibial) sesamoid of the hallux", "palpable",
         "joint:metatarsophalangeal_1", (-3.0, -17.0, -6.3), f"{MORPH} §6 (under the MT1 head, the larger one)",
         "min_y", 6.0),
    Site("sesamoid_lateral", "plantar", "Lateral (fibular) sesamoid of the hallux", "palpable",
         "joint:metatarsophalangeal_1", (-3.0, -17.0, 6.6), f"{MORPH} §6 (under the MT1 head)", "min_y", 6.0),
    Site("metatarsal_1", "tripod", "First metatarsal head point of the tripod", "tripod", "joint:metatarsophalangeal_1",
         (-2.0, -10.0, 0.0), TRIPOD_SRC, "min_y", 10.0),
    Site("metatarsal_5", "tripod", "Fifth metatarsal head point of the tripod", "tripod", "joint:metatarsophalangeal_5",
         (-2.0, -8.0, 0.0), TRIPOD_SRC, "min_y", 10.0),
    *_ray_sites(),
)
