"""The bone meshes: closed, outward, separate, anatomically ordered, and reproducible from the generator."""

import itertools

import numpy as np
import pytest
import trimesh
from scipy.spatial import cKDTree

from app import MESH_DIR


@pytest.fixture(scope="module")
def trimeshes(rig):
    """The committed files as trimesh meshes (the app reads them with VTK)."""
    return {b.name: trimesh.load(MESH_DIR / b.mesh, process=False) for b in rig.bones}


def test_all_28_bones_load(rig, trimeshes):
    assert len(trimeshes) == 28
    for name, m in trimeshes.items():
        assert len(m.faces) > 200, name


def test_each_mesh_is_a_closed_manifold_with_outward_normals(trimeshes):
    for name, m in trimeshes.items():
        assert m.is_watertight, name
        assert m.is_winding_consistent, name
        assert m.volume > 0, name  # outward winding gives a positive volume
        stored = np.asarray(m.vertex_normals)  # read from the file
        from_faces = trimesh.geometry.mean_vertex_normals(len(m.vertices), m.faces, m.face_normals)
        assert np.mean(np.einsum("ij,ij->i", stored, from_faces) > 0.5) > 0.99, name  # smooth and outward


def test_the_skeleton_stays_within_the_triangle_budget(trimeshes):
    assert sum(len(m.faces) for m in trimeshes.values()) <= 120_000


def inside(surface, points):
    """Which points lie inside the closed mesh ``surface`` (VTK's enclosed-points test)."""
    import pyvista as pv

    poly = pv.PolyData(np.asarray(points, float))
    surf = pv.PolyData(np.asarray(surface.vertices, float), np.hstack([np.full((len(surface.faces), 1), 3), surface.faces]).ravel())
    sel = poly.select_interior_points(surf, check_surface=False)
    return np.asarray(sel.point_data["selected_points"]).astype(bool)


def test_no_bone_enters_another_at_the_neutral_pose(trimeshes):
    names = list(trimeshes)
    trees = {n: cKDTree(trimeshes[n].vertices) for n in names}
    for a, b in itertools.combinations(names, 2):
        d, _ = trees[a].query(trimeshes[b].vertices, k=1)
        if d.min() > 5:
            continue
        # vertices of one bone inside the other?
        assert not inside(trimeshes[a], trimeshes[b].vertices[d < 5]).any(), (a, b)
        assert d.min() >= 0.8, (a, b, d.min())


ARTICULATING = [("tibia", "talus"), ("fibula", "talus"), ("talus", "calcaneus"), ("talus", "navicular"),
                ("calcaneus", "cuboid"), ("navicular", "medial_cuneiform"), ("navicular", "intermediate_cuneiform"),
                ("navicular", "lateral_cuneiform"), ("medial_cuneiform", "metatarsal_1"),
                ("intermediate_cuneiform", "metatarsal_2"), ("lateral_cuneiform", "metatarsal_3"),
                ("cuboid", "metatarsal_4"), ("cuboid", "metatarsal_5")] + \
               [(f"metatarsal_{i}", f"proximal_phalanx_{i}") for i in range(1, 6)] + \
               [("proximal_phalanx_1", "distal_phalanx_1")] + \
               [(f"proximal_phalanx_{i}", f"middle_phalanx_{i}") for i in range(2, 6)] + \
               [(f"middle_phalanx_{i}", f"distal_phalanx_{i}") for i in range(2, 6)]


@pytest.mark.parametrize("a, b", ARTICULATING)
def test_articulating_bones_show_a_joint_space(trimeshes, a, b):
    d, _ = cKDTree(trimeshes[a].vertices).query(trimeshes[b].vertices, k=1)
    assert 0.8 <= d.min() <= 3.5, (a, b, d.min())


def length_along(m, axis):
    return np.ptp(m.vertices @ axis)


def test_metatarsal_2_is_the_longest_and_metatarsal_1_the_thickest(rig, trimeshes):
    lengths, widths = {}, {}
    for i in range(1, 6):
        t = rig.joint(f"tarsometatarsal_{i}").centre_mm
        p = rig.joint(f"metatarsophalangeal_{i}").centre_mm
        u = (p - t) / np.linalg.norm(p - t)
        m = trimeshes[f"metatarsal_{i}"]
        lengths[i] = length_along(m, u)
        mid = m.vertices[np.abs((m.vertices - (t + p) / 2) @ u) < 4]
        widths[i] = np.ptp(mid @ np.cross(u, [0, 1, 0]))
    assert max(lengths, key=lengths.get) == 2
    assert max(widths, key=widths.get) == 1
    hallux = trimeshes["proximal_phalanx_1"].volume
    assert all(hallux > trimeshes[f"proximal_phalanx_{i}"].volume for i in range(2, 6))


def test_the_foot_is_an_adult_length_and_stands_on_its_tripod(trimeshes):
    allv = np.concatenate([m.vertices for m in trimeshes.values()])
    foot = np.concatenate([m.vertices for n, m in trimeshes.items() if n not in ("tibia", "fibula")])
    length = np.ptp(foot[:, 0])
    assert 240 <= length <= 260
    assert trimeshes["calcaneus"].vertices[:, 1].min() < 3  # heel touches the ground plane
    assert trimeshes["metatarsal_1"].vertices[:, 1].min() < 6
    assert allv[:, 1].max() > 140  # the distal leg stands above the foot


def test_the_lateral_malleolus_reaches_lower_than_the_medial(trimeshes, rig):
    tib, fib = trimeshes["tibia"].vertices, trimeshes["fibula"].vertices
    medial_tip = tib[tib[:, 2] < rig.joint("talocrural").centre_mm[2] - 15][:, 1].min()
    lateral_tip = fib[:, 1].min()
    assert lateral_tip < medial_tip - 5


def test_the_malleoli_grip_the_talus_from_both_sides(trimeshes):
    talus = trimeshes["talus"].vertices
    tib, fib = trimeshes["tibia"].vertices, trimeshes["fibula"].vertices
    band = (talus[:, 1] > np.percentile(talus[:, 1], 60))
    assert tib[:, 2].min() < talus[band][:, 2].min()  # medial malleolus medial to the trochlea
    assert fib[:, 2].max() > talus[band][:, 2].max()  # lateral malleolus lateral to it


@pytest.mark.slow
def test_the_generator_reproduces_the_committed_files_byte_for_byte(tmp_path, rig):
    """Slow (about 20 s): rebuilds all 28 meshes into a temporary folder."""
    from app.anatomy.build_meshes import build_all

    build_all(tmp_path, rig)
    for b in rig.bones:
        assert (tmp_path / b.mesh).read_bytes() == (MESH_DIR / b.mesh).read_bytes(), b.mesh
