"""The ankle mortise measured on the meshes against foot-bone-morphology.md §1-§2 (TLEM, [Thorek], [KTal]):
malleolar tips below and behind each other, the medial malleolus a broad pyramid, the distal tibia flaring."""

import numpy as np
import pytest
import trimesh

from app import MESH_DIR
from app.anatomy.bonegen.geometry import Geometry
from app.anatomy.bonegen.hindfoot import Dome


@pytest.fixture(scope="module")
def ankle(rig):
    meshes = {n: trimesh.load(MESH_DIR / rig.bone(n).mesh, process=False).vertices
              for n in ("tibia", "fibula", "talus")}
    dome = Dome(Geometry(rig))
    apex_y = dome.to_foot([0.0, dome.radius(dome.groove_c), dome.groove_c])[1]
    return meshes, dome, apex_y


def _medial_malleolus(ankle):
    (m, dome, _apex) = ankle
    tib = m["tibia"]
    return tib[dome.q(tib)[:, 2] < dome.medial_edge(0.0) - 1.0]


def test_the_malleolar_tips_lie_where_the_literature_puts_them(ankle):
    m, _dome, apex_y = ankle
    mm = _medial_malleolus(ankle)
    mm_tip, lm_tip = mm[np.argmin(mm[:, 1])], m["fibula"][np.argmin(m["fibula"][:, 1])]
    assert 9.0 <= apex_y - mm_tip[1] <= 16.0  # TLEM 11.6, [Thorek] ≈13
    assert 19.0 <= apex_y - lm_tip[1] <= 28.0  # TLEM 23.4
    assert 8.0 <= mm_tip[0] - lm_tip[0] <= 18.0  # lateral tip behind the medial: TLEM 13.6


def test_the_medial_malleolus_is_a_broad_process_not_a_peg(ankle):
    _m, _dome, apex_y = ankle
    mm = _medial_malleolus(ankle)
    band = mm[np.abs(mm[:, 1] - (apex_y - 5.0)) < 0.8]
    assert 20.0 <= np.ptp(band[:, 0]) <= 30.0  # AP 23-27 mm 2-8 mm below the apex (TLEM)
    assert 7.0 <= np.ptp(band[:, 2]) <= 17.0  # flattened from without inward, ML ≈15 at its root


def test_the_distal_tibia_flares_above_the_joint(ankle):
    m, _dome, apex_y = ankle
    tib = m["tibia"]
    low = tib[np.abs(tib[:, 1] - (apex_y + 3.0)) < 0.8]
    high = tib[np.abs(tib[:, 1] - (apex_y + 30.0)) < 0.8]
    assert 40.0 <= np.ptp(low[:, 2]) <= 50.0 and 35.0 <= np.ptp(low[:, 0]) <= 45.0  # ≈46 x 40 (TLEM)
    assert np.ptp(high[:, 2]) < np.ptp(low[:, 2]) - 10.0  # ≈28 x 29 mm 30 mm higher


def test_the_lateral_malleolus_is_flattened_and_tapers(ankle):
    m, _dome, apex_y = ankle
    fib = m["fibula"]
    at_plafond = fib[np.abs(fib[:, 1] - apex_y) < 0.8]
    lower = fib[np.abs(fib[:, 1] - (apex_y - 20.0)) < 0.8]
    assert 20.0 <= np.ptp(at_plafond[:, 0]) <= 30.0  # AP ≈25 at the plafond (TLEM)
    assert np.ptp(lower[:, 0]) < np.ptp(at_plafond[:, 0]) - 5.0  # ≈16 x 11 mm 20 mm lower


def _section(rig, bone, y):
    """Points along the mesh's horizontal section at height y (foot frame)."""
    mesh = trimesh.load(MESH_DIR / rig.bone(bone).mesh, process=False)
    seg = trimesh.intersections.mesh_plane(mesh, [0.0, 1.0, 0.0], [0.0, y, 0.0])
    return np.concatenate([seg[:, 0] * (1.0 - t) + seg[:, 1] * t for t in np.linspace(0.0, 1.0, 5)])


def test_the_back_of_the_distal_tibia_is_rounded_not_flat(rig, ankle):
    """[Gray-MM]: the posterior surface is convex from side to side, the malleolar groove at its medial end."""
    _m, _dome, apex_y = ankle
    for height, least in ((8.0, 2.0), (15.0, 1.0)):
        p = _section(rig, "tibia", apex_y + height)
        z, x = p[:, 2], p[:, 0]
        zs = np.linspace(z.min() + 8.0, z.max() - 8.0, 40)  # the back, away from its rounded corners
        back = np.array([x[np.abs(z - zz) < 0.7].min() for zz in zs])
        chord = back[0] + (back[-1] - back[0]) * (zs - zs[0]) / (zs[-1] - zs[0])
        assert (chord - back).max() >= least  # its middle stands out behind the line joining its sides


def test_the_posterior_margin_of_the_plafond_hangs_lower(ankle):
    """TLEM: posterior lip ≈5 mm below the vault's apex, anterior ≈3 (the "posterior malleolus")."""
    m, dome, apex_y = ankle
    tib = m["tibia"]
    q = dome.q(tib)
    mid = np.abs(q[:, 2]) < 6.0
    posterior = apex_y - tib[mid & (q[:, 0] < -10.0)][:, 1].min()
    anterior = apex_y - tib[mid & (q[:, 0] > 10.0)][:, 1].min()
    assert 4.0 <= posterior <= 8.0 and 2.0 <= anterior <= 4.5
    assert posterior >= anterior + 2.0


def test_the_fibula_sits_in_the_notch_with_a_syndesmosis_gap(rig, ankle):
    """[Hermans10]: the fibula lies in the tibia's fibular notch, a clear space of a few mm between them,
    the notch's anterior tubercle reaching out in front of the fibula past its medial edge."""
    _m, _dome, apex_y = ankle
    y = apex_y + 8.0
    tib, fib = _section(rig, "tibia", y), _section(rig, "fibula", y)
    gap = np.min(np.linalg.norm(tib[:, None, [0, 2]] - fib[None, :, [0, 2]], axis=2))
    assert 2.5 <= gap <= 6.0
    inner = fib[np.argmin(fib[:, 2])]  # the fibula's most medial point
    in_front = tib[tib[:, 0] > inner[0] + 5.0]
    assert in_front[:, 2].max() >= inner[2] + 0.5
