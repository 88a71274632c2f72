"""The bone meshes: closed, outward, separate, anatomically ordered, and reproducible from the generator."""


import numpy as np
import pytest
import trimesh
from scipy.spatial import cKDTree

from app import MESH_DIR


@pytest.fixture(scope="module")
def trimeshes(rig):
    """The committed files as trimesh meshes (the app reads them with VTK)."""
    return {b.name: trimesh.load(MESH_DIR / b.mesh, process=False) for b in rig.bones}


def test_every_bone_of_the_rig_loads(rig, trimeshes):
    """28 bones (distal tibia and fibula, the 26 bones of the foot) and the two hallux sesamoids."""
    assert len(trimeshes) == len(rig.bones) == 30
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
    assert sum(len(m.faces) for m in trimeshes.values()) <= 150_000


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


def test_bone_lengths_lie_within_the_literature_ranges(rig, trimeshes):
    """Metatarsals, phalanges, talus, calcaneus and navicular, each along its own long axis
    (ranges and sources: app/anatomy/bonegen/dims.py LENGTHS, foot-bone-morphology.md §2-§7)."""
    from app.anatomy.bonegen.dims import LENGTHS
    from app.anatomy.bonegen.geometry import Geometry

    g = Geometry(rig)
    wrong = []
    for name, (_target, lo, hi, source) in LENGTHS.items():
        kind, _, i = name.rpartition("_")
        if kind == "metatarsal":
            axis = g.ray(int(i))[2]
        elif kind.endswith("phalanx"):
            axis = g.phalanx(kind.split("_")[0], int(i))[2]
        elif name == "navicular":  # its thickness from the talar head to the cuneiforms
            nc = np.mean([rig.joint(f"naviculocuneiform_{k}").centre_mm for k in (1, 2, 3)], axis=0)
            axis = nc - rig.joint("talonavicular").centre_mm
            axis /= np.linalg.norm(axis)
        else:  # talus, calcaneus: maximal length along the principal axis
            v = trimeshes[name].vertices - trimeshes[name].vertices.mean(axis=0)
            axis = np.linalg.svd(v, full_matrices=False)[2][0]
        length = length_along(trimeshes[name], axis)
        if not lo <= length <= hi:
            wrong.append(f"{name} {length:.1f} mm, not in {lo}-{hi} ({source})")
    assert not wrong, "; ".join(wrong)


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
    # bony heel-to-toe length of a 250 mm (skin) foot: about 235 mm (foot-bone-morphology.md §0);
    # literature-sized rays make it a little shorter than the long-toed GM reference foot
    assert 218 <= length <= 240
    assert trimeshes["calcaneus"].vertices[:, 1].min() < 3  # heel touches the ground plane
    assert min(trimeshes[s].vertices[:, 1].min() for s in ("metatarsal_1", "sesamoid_medial")) < 6
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
    """Rebuilds a sample of bones into a temporary folder: the whole pipeline (shape, carve swept through
    every technique's poses, contour, decimation, normals, PLY) on small bones of three shape modules
    that their neighbours do carve (the lateral sesamoid by the medial one and the first metatarsal's
    head; the fifth distal phalanx by its middle phalanx; the navicular, cupped by the talar head as the
    midfoot roll moves it). The whole skeleton takes the generator about a minute on two cores."""
    from app.anatomy.build_meshes import build_all

    sample = ["sesamoid_lateral", "distal_phalanx_5", "navicular"]
    build_all(tmp_path, only=sample, jobs=1)
    for name in sample:
        mesh = rig.bone(name).mesh
        assert (tmp_path / mesh).read_bytes() == (MESH_DIR / mesh).read_bytes(), mesh


def test_the_rig_joint_centres_and_toe_axes_follow_the_bone_sizes(rig):
    """Joint centres move with the bones: the rays' centres are the layout of dims.py, and every toe's
    flexion axes are perpendicular to its own ray."""
    from app.anatomy.bonegen.dims import layout_rays, toe_axes

    for name, centre in layout_rays().items():
        assert np.allclose(rig.joint(name).centre_mm, centre, atol=0.01), name
    for i in range(1, 6):
        ax = toe_axes(i)
        mtp = rig.joint(f"metatarsophalangeal_{i}")
        assert np.allclose(mtp.dofs[0].axis, ax["extension"], atol=1e-3)
        assert abs(np.dot(mtp.dofs[0].axis, ax["long"])) < 0.1  # perpendicular to the toe, not oblique
