"""Where the soft tissues attach: one landmark site per attachment, snapped onto the bones like the rest.

Each site is a :class:`~app.anatomy.landmark_sites.Site` of kind ``"attachment"`` (or ``"arch"`` for the
plantar points the arch heights are measured from) with its source in foot-soft-tissue.md (§ = section
of that file, [key] = its source list). Rough points are given relative to a rig joint centre
(``joint:<name>``, foot frame, mm) or as a point of the Glasgow-Maastricht (GM) foot: the reference's
"×s" coordinates divided by s = 1.064, i.e. the GM T-frame, which the generator multiplies by the rig's
scale. The snap rule then picks the surface point (nearest, or furthest along an axis within
``radius_mm``), so the attachments stay on the bones whenever the bone models change.

The tissues themselves (which attachments each line joins, widths, strain figures) are data in
``meshes/tissues.json``, read by :mod:`app.anatomy.tissues`.
"""

from __future__ import annotations

from app.anatomy.landmark_sites import Site

REF = "foot-soft-tissue.md"
MORPH = "foot-bone-morphology.md"
S = 1.064  # the reference's "×s" scale: GM T-frame = ×s / S


def _gm(x: float, y: float, z: float) -> tuple[float, float, float]:
    """A reference "×s" point -> the GM T-frame point a ``near="gm"`` site takes."""
    return (round(x / S, 2), round(y / S, 2), round(z / S, 2))


def _site(bone, name, label, near, offset, source, snap="nearest", radius=12.0, kind="attachment") -> Site:
    return Site(bone, name, label, kind, near, offset, source, snap, radius)


TC = "joint:talocrural"
ST = "joint:subtalar"

_ankle = [
    # lateral collaterals (§1)
    _site("fibula", "atfl_origin", "ATFL origin (anterior border of the lateral malleolus)", TC, (2.0, -8.0, 26.0),
      f"{REF} §1 ATFL: anterior border of the LM, ≈14 mm above its tip [IndAtt], [NYU11]", "max_x", 6.0),
    _site("talus", "atfl_insertion", "ATFL insertion (lateral talar neck)", TC, (14.0, -6.0, 15.0),
      f"{REF} §1 ATFL: pit just anterior to the lateral (fibular) facet, lateral neck [Gray268]"),
    _site("fibula", "cfl_origin", "CFL origin (anterior border of the lateral malleolus, below the ATFL)", TC,
      (0.0, -16.0, 25.0), f"{REF} §1 CFL: 7.4 mm above the LM tip, anterior border [IndAtt]", "max_x", 5.0),
    _site("calcaneus", "cfl_insertion", "CFL insertion (lateral wall of the calcaneus)", ST, (-28.0, -16.0, 26.0),
      f"{REF} §1 CFL: lateral calcaneal wall, 27 mm posterior-superior of the peroneal tubercle [FootPr]", "max_z", 6.0),
    _site("fibula", "ptfl_origin", "PTFL origin (malleolar fossa)", TC, (-10.5, 6.5, 15.0),
      f"{REF} §1 PTFL: malleolar fossa on the medial LM, ≈10 mm above the tip [IML06], [NYU11]"),
    _site("talus", "ptfl_insertion", "PTFL insertion (lateral tubercle of the posterior process)", TC, (-25.0, -12.0, 7.0),
      f"{REF} §1 PTFL: lateral tubercle of the posterior process [GrayGB], [Gray268]"),
    # deltoid (§1)
    _site("tibia", "deltoid_anterior_colliculus", "Deltoid origin: anterior colliculus of the medial malleolus", TC,
      (6.0, 0.0, -26.0), f"{REF} §1 deltoid: apex = MM tip and colliculi [Campbell14], [Gray-Delt]", "max_x", 6.0),
    _site("tibia", "deltoid_posterior_colliculus", "Deltoid origin: posterior colliculus of the medial malleolus", TC,
      (-6.0, 0.0, -26.0), f"{REF} §1 deltoid: posterior colliculus [Campbell14]", "min_x", 6.0),
    _site("tibia", "deltoid_intercollicular", "Deep deltoid origin: intercollicular groove", TC, (0.0, 4.0, -21.0),
      f"{REF} §1 deep deltoid: intercollicular groove + posterior colliculus [GrayGB], [IMAIOS-IC]"),
    _site("talus", "deltoid_pit", "Deep deltoid insertion: pit on the medial talar body", TC, (-1.8, -4.6, -14.0),
      f"{REF} §1 deep deltoid: circular pit below the comma-shaped facet [GrayGB]"),
    _site("talus", "medial_tubercle", "Medial tubercle of the posterior process", TC, (-18.5, -11.0, -12.5),
      f"{REF} §1 sPTTL / dPTTL to the posterior medial talus [Campbell14]"),
    _site("navicular", "tibionavicular_insertion", "Tibionavicular insertion (above the navicular tuberosity)", "gm",
      (68.0, 53.0, -33.0), f"{REF} §1 TN: inserts ≈9.7 mm from the navicular tuberosity [Campbell14]"),
    # syndesmosis (§1)
    _site("tibia", "aitfl_origin", "AITFL origin (anterior tubercle of the tibia)", TC, (12.0, 22.0, 14.0),
      f"{REF} §1 AITFL: anterolateral distal tibia [3DCT-Synd]"),
    _site("fibula", "aitfl_insertion", "AITFL insertion (anterior edge of the distal fibula)", TC, (2.0, 10.0, 24.0),
      f"{REF} §1 AITFL: anterior edge of the distal fibula, insertion centres 10.1 mm apart [3DCT-Synd]", "max_x", 6.0),
    _site("tibia", "pitfl_origin", "PITFL origin (posterior tubercle of the tibia)", TC, (-14.0, 20.0, 12.0),
      f"{REF} §1 PITFL: posterior tibia [Gray268], [3DCT-Synd]"),
    _site("fibula", "pitfl_insertion", "PITFL insertion (posterior edge of the fibula)", TC, (-10.0, 10.0, 24.0),
      f"{REF} §1 PITFL: posterior edge of the fibula, centres 11.7 mm apart [3DCT-Synd]", "min_x", 6.0),
]

# talocrural capsule (§1): tibial reflection 10-14 mm above the anterior margin, 4-9 mm above the posterior
# [Tantigate18]; talar attachment on the neck in front and the posterior margin behind [Pedia]
# (the tibial attachments stand over the talar ones, the fibres run along the leg: the lateral one over
# the neck, which lies medial of the tibia's lateral border)
for side, dz, dz_tibia in (("medial", -10.0, -10.0), ("middle", 0.0, -4.0), ("lateral", 7.0, 1.0)):
    _ankle += [
        _site("tibia", f"capsule_anterior_{side}", f"Anterior capsule, tibial attachment ({side})", TC, (20.0, 31.0, dz_tibia),
          f"{REF} §1 capsule: reflection ≈10-14 mm above the anterior tibial margin [Tantigate18]"),
        _site("talus", f"capsule_anterior_{side}", f"Anterior capsule, talar neck attachment ({side})", TC, (28.0, 0.0, dz),
          f"{REF} §1 capsule: extends forward onto the talar neck [Pedia]", "max_y", 5.0),
        _site("tibia", f"capsule_posterior_{side}", f"Posterior capsule, tibial attachment ({side})", TC, (-18.0, 24.0, dz),
          f"{REF} §1 capsule: reflection 3.5-8.7 mm above the posterior margin [Tantigate18]", "min_x", 6.0),
        _site("talus", f"capsule_posterior_{side}", f"Posterior capsule, talar attachment ({side})", TC, (-20.0, 0.0, dz),
          f"{REF} §1 capsule: posterior articular margin of the talus [Pedia]", "min_x", 5.0),
    ]

_hindfoot = [
    # interosseous talocalcaneal (bilaminar) and cervical ligaments (§2)
    _site("talus", "itcl_posterior", "ITCL posterior lamina (sulcus tali)", ST, (-3.0, 6.0, -6.0),
      f"{REF} §2 ITCL: sulcus tali, posterior lamina [Gray-ITCL], [ElsITCL]", "min_y", 5.0),
    _site("calcaneus", "itcl_posterior", "ITCL posterior lamina (calcaneal sulcus)", ST, (-3.0, -6.0, -2.0),
      f"{REF} §2 ITCL: calcaneal sulcus; fibres superomedial -> inferolateral [Poonja17]", "max_y", 5.0),
    _site("talus", "itcl_anterior", "ITCL anterior lamina (sulcus tali)", ST, (5.0, 6.0, -6.0),
      f"{REF} §2 ITCL: anterior lamina belongs to the TCN joint [Gray-ITCL]", "min_y", 5.0),
    _site("calcaneus", "itcl_anterior", "ITCL anterior lamina (calcaneal sulcus)", ST, (5.0, -6.0, -2.0),
      f"{REF} §2 ITCL [Gray-ITCL], [Poonja17]", "max_y", 5.0),
    _site("talus", "cervical", "Cervical ligament, talar neck (inferolateral)", ST, (12.0, 4.0, 10.0),
      f"{REF} §2 cervical: sinus tarsi, talar neck; fibres superoanterior -> inferoposterior [Poonja17]", "min_y", 6.0),
    _site("calcaneus", "cervical", "Cervical ligament, calcaneus (floor of the sinus tarsi)", ST, (6.0, -8.0, 14.0),
      f"{REF} §2 cervical: calcaneus anterior to the ITCL [Poonja17]", "max_y", 6.0),
]

_midfoot = [
    # spring ligament (§3; GM strands ×s: calcaneus (45-52, 44-46, -24..-12) -> navicular (64, 41-46, -35..-10))
    _site("calcaneus", "spring_superomedial", "Spring ligament origin (medial sustentaculum)", "gm", _gm(46.0, 45.0, -22.0),
      f"{REF} §3 spring SM: medial sustentaculum [PatilV07], [GM]"),
    _site("navicular", "spring_superomedial", "Spring ligament insertion (superomedial navicular)", "gm", _gm(64.0, 46.0, -32.0),
      f"{REF} §3 spring SM: superomedial navicular near the TN joint [PatilV07], [GM]"),
    _site("calcaneus", "spring_inferior", "Spring ligament origin (coronoid fossa)", "gm", _gm(51.0, 44.0, -13.0),
      f"{REF} §3 spring IPL / MPO: coronoid fossa anterior to the middle facet [PatilV07]"),
    _site("navicular", "spring_inferior", "Spring ligament insertion (inferior navicular beak)", "gm", _gm(64.0, 41.0, -14.0),
      f"{REF} §3 spring IPL: inferior navicular beak [PatilV07], [Roentg]", "min_y", 6.0),
    # bifurcate (§3; GM ×s (56, 55, 14) -> nav (73, 59, 5), cuboid (71, 49, 18))
    _site("calcaneus", "bifurcate_origin", "Bifurcate ligament origin (anterior process)", "joint:calcaneocuboid",
      (-4.0, 9.0, -4.0), f"{REF} §3 bifurcate: the deep hollow on the upper surface of the anterior process, just "
      "behind the cuboid facet [BifMorph], [Gray-Bif]", "max_y", 5.0),
    _site("navicular", "bifurcate_insertion", "Bifurcate, calcaneonavicular part (dorsolateral navicular)", "gm",
      _gm(73.0, 59.0, 5.0), f"{REF} §3 bifurcate CN part [BifMorph], [GM]"),
    _site("cuboid", "bifurcate_insertion", "Bifurcate, calcaneocuboid part (dorsomedial cuboid)", "gm",
      _gm(71.0, 49.0, 18.0), f"{REF} §3 bifurcate CC part [BifMorph], [GM]"),
    # long and short plantar (§3)
    _site("calcaneus", "long_plantar_origin", "Long plantar ligament origin (plantar calcaneus)", "gm", _gm(17.0, 10.0, 10.0),
      f"{REF} §3 long plantar: plantar calcaneus in front of the tuberosity [FDict], [GM]", "min_y", 8.0),
    _site("calcaneus", "short_plantar_lateral", "Short plantar ligament origin (anterior tubercle, lateral)", "gm",
      _gm(46.0, 21.0, 10.0), f"{REF} §3 short plantar: anterior tubercle of the calcaneus [FDict], [GM]", "min_y", 6.0),
    _site("cuboid", "short_plantar_lateral", "Short plantar ligament insertion (plantar cuboid, lateral)", "gm",
      _gm(67.0, 21.0, 11.0), f"{REF} §3 short plantar: plantar cuboid [FDict], [GM]", "min_y", 6.0),
    _site("calcaneus", "short_plantar_medial", "Short plantar ligament origin (anterior tubercle, medial)", "gm",
      _gm(47.0, 24.0, 0.0), f"{REF} §3 short plantar, deep bundle [Edama21], [GM]", "min_y", 6.0),
    _site("cuboid", "short_plantar_medial", "Short plantar ligament insertion (plantar cuboid, medial)", "gm",
      _gm(72.0, 26.0, 3.0), f"{REF} §3 short plantar, deep bundle [Edama21], [GM]", "min_y", 6.0),
]

_TMT_PROXIMAL = {1: "medial_cuneiform", 2: "intermediate_cuneiform", 3: "lateral_cuneiform", 4: "cuboid", 5: "cuboid"}
for i in range(1, 6):
    j = f"joint:tarsometatarsal_{i}"
    _midfoot += [
        # (C1's: a little higher, so that it snaps onto the dorsal edge, not the hilum of its kidney-shaped facet)
        _site(_TMT_PROXIMAL[i], f"tmt_dorsal_{i}", f"Dorsal tarsometatarsal ligament {i}, tarsal end", j,
          (-6.0, 14.0 if i == 1 else 10.0, 0.0),
          f"{REF} §3 dorsal TMT ligaments join adjacent bones [Gray-IMT], [GM] (e.g. C1-MT1 ×s (117, 53, -21) -> (130, 45, -25))",
          "max_y", 5.0),
        _site(f"metatarsal_{i}", "tmt_dorsal", f"Dorsal tarsometatarsal ligament {i}, metatarsal end", j, (7.0, 9.0, 0.0),
          f"{REF} §3 dorsal TMT ligaments [Gray-IMT], [GM]", "max_y", 5.0),
    ]
    if i >= 2:
        _midfoot.append(_site(f"metatarsal_{i}", "base_plantar", f"Plantar base of metatarsal {i} (long plantar ligament)", j,
                          (6.0, -10.0, 0.0), f"{REF} §3 long plantar, superficial fibres to the bases of MT2-5 [FDict], [GM]",
                          "min_y", 6.0))

_forefoot = []
_HALF_WIDTH = {1: 10.0, 2: 6.0, 3: 6.0, 4: 6.0, 5: 6.0}  # half the width of the MT head / PP base (mm, rough)
for i in range(1, 6):
    j = f"joint:metatarsophalangeal_{i}"
    w = _HALF_WIDTH[i]
    mt, pp = f"metatarsal_{i}", f"proximal_phalanx_{i}"
    for side, sz, rule in (("medial", -1.0, "min_z"), ("lateral", 1.0, "max_z")):
        _forefoot += [
            _site(mt, f"collateral_{side}", f"MTP {i} {side} collateral ligament, metatarsal (dorsal tubercle)", j,
              (-5.0, 3.0, sz * w), f"{REF} §4 MTP collaterals: dorsal tubercle on the side of the MT head [Gray-MTPc], "
              "[Podiap-MTP]", rule, 5.0),
            _site(pp, f"collateral_{side}", f"MTP {i} {side} collateral ligament, proximal phalanx", j,
              (5.0, -3.0, sz * w), f"{REF} §4 MTP collaterals: forward-plantar to the side of the PP base [Gray-MTPc]",
              rule, 5.0),
        ]
    _forefoot += [
        _site(pp, "base_plantar", f"Plantar base of the proximal phalanx, toe {i}", j, (7.0, -6.0, 0.0),
          f"{REF} §4 plantar plate: stout distal insertion on the PP base; §5 fascia slips insert on the plantar PP base "
          "[Aquino99], [PPlesser94]", "min_y", 5.0),
        _site(mt, "capsule_dorsal", f"MTP {i} dorsal capsule, metatarsal neck", j, (-10.0, 8.0, 0.0),
          f"{REF} §4 GM dorsal MTP capsule strands, L0 7.8-11.8 mm [GM]", "max_y", 5.0),
        _site(pp, "capsule_dorsal", f"MTP {i} dorsal capsule, proximal phalanx", j, (5.0, 7.0, 0.0),
          f"{REF} §4 GM dorsal MTP capsule strands [GM]", "max_y", 5.0),
    ]
    if i <= 4:
        _forefoot.append(_site(mt, "dtml_lateral", f"Deep transverse metatarsal ligament {i}-{i + 1}, MT {i} head", j,
                           (-2.0, -5.0, w * 0.3), f"{REF} §3 DTML: plantar surface of the heads, linking the plates "
                           "[Podiap-MTP], [FDict-DTML]; at MT1 via the fibular sesamoid [Orthoteers]"))
    if i >= 2:
        _forefoot.append(_site(mt, "dtml_medial", f"Deep transverse metatarsal ligament {i - 1}-{i}, MT {i} head", j,
                           (-2.0, -5.0, -w * 0.3), f"{REF} §3 DTML [Podiap-MTP], [FDict-DTML]"))

_tendons = [
    _site("tibia", "achilles_proximal", "Achilles tendon, where it leaves the leg model (back of the tibia, top)", TC,
      (-16.0, 117.0, -4.0), f"{REF} §6 free Achilles tendon 180.6 ± 25.0 mm from the insertion to the gastrocnemius "
      "[Rosso12]; drawn up to the top of the leg model", "max_y", 10.0),
]

# plantar points the transverse arch at the cuneiform level is measured between (bone file §8.2, [GM])
_arch = [
    _site(b, "plantar", f"Plantar-most point of the {label}", f"joint:{j}", off,
      f"{MORPH} §8.2 transverse arch, cuneiform level: plantar-most points C1 17.8, C2 30.8, C3 23.6, cuboid 15.3 mm "
      "above the tripod plane [GM]", "min_y", 10.0, kind="arch")
    for b, label, j, off in (("medial_cuneiform", "medial cuneiform", "tarsometatarsal_1", (-14.0, -12.0, 0.0)),
                             ("intermediate_cuneiform", "intermediate cuneiform", "tarsometatarsal_2", (-12.0, -10.0, 0.0)),
                             ("lateral_cuneiform", "lateral cuneiform", "tarsometatarsal_3", (-12.0, -10.0, 0.0)))
]

SITES: tuple[Site, ...] = tuple(_ankle + _hindfoot + _midfoot + _forefoot + _tendons + _arch)
