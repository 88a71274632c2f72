"""The cuneiforms and the metatarsal bases read as what they are: wedges of the transverse arch and
solid bases flaring from their shafts (foot-bone-morphology.md §5, §6)."""

import numpy as np
import pytest
import trimesh

from app import MESH_DIR
from app.anatomy.bonegen.geometry import Geometry
from app.anatomy.bonegen.sdf import frame


@pytest.fixture(scope="module")
def meshes(rig):
    return {b.name: np.asarray(trimesh.load(MESH_DIR / b.mesh, process=False).vertices) for b in rig.bones}


@pytest.fixture(scope="module")
def geometry(rig):
    return Geometry(rig)


def _base_section(v, g, i, x0=3.0, x1=9.0):
    """Vertices of metatarsal i between x0 and x1 mm beyond its TMT centre, in its ray frame."""
    T, _, u = g.ray(i)
    q = (v - T) @ frame(u).T
    return q[(q[:, 0] > x0) & (q[:, 0] < x1)]


@pytest.mark.parametrize("i", [2, 3, 4, 5])
def test_lesser_metatarsal_bases_are_solid_not_plates(meshes, geometry, i):
    """Each lesser base is at least 12 mm high and 7 mm wide just beyond its joint (a plate is not)."""
    q = _base_section(meshes[f"metatarsal_{i}"], geometry, i)
    height, width = np.ptp(q[:, 1]), np.ptp(q[:, 2])
    assert height >= 12.0, (i, height)
    assert width >= 7.0, (i, width)


def test_lesser_bases_are_taller_than_their_shafts(meshes, geometry):
    """The bases flare from the shafts: their height at least 1.4 x the mid-shaft height."""
    for i in (2, 3, 4, 5):
        v = meshes[f"metatarsal_{i}"]
        T, M, u = geometry.ray(i)
        q = (v - T) @ frame(u).T
        mid = np.linalg.norm(M - T) / 2
        shaft = q[np.abs(q[:, 0] - mid) < 3.0]
        base = _base_section(v, geometry, i)
        assert np.ptp(base[:, 1]) >= 1.4 * np.ptp(shaft[:, 1]), i


def _widths(v, frac=0.25):
    """Transverse (z) extent of a bone's top and bottom ``frac`` of its height."""
    lo, hi = v[:, 1].min(), v[:, 1].max()
    h = hi - lo
    top = v[v[:, 1] > hi - frac * h]
    bottom = v[v[:, 1] < lo + frac * h]
    return np.ptp(top[:, 2]), np.ptp(bottom[:, 2])


def test_cuneiforms_are_wedges_of_the_transverse_arch(meshes):
    """C1 has its base plantar (thin edge dorsal); C2 and C3 have their base dorsal (§5)."""
    top, bottom = _widths(meshes["medial_cuneiform"])
    assert bottom > top + 4.0, (top, bottom)
    for name in ("intermediate_cuneiform", "lateral_cuneiform"):
        top, bottom = _widths(meshes[name])
        assert top > bottom + 2.0, (name, top, bottom)


def test_the_medial_cuneiform_is_the_largest_cuneiform_and_smaller_than_the_cuboid(rig):
    vol = {b.name: trimesh.load(MESH_DIR / b.mesh, process=False).volume for b in rig.bones}
    c1 = vol["medial_cuneiform"]
    assert c1 > vol["intermediate_cuneiform"] and c1 > vol["lateral_cuneiform"]
    assert c1 < vol["cuboid"]


def test_the_fifth_metatarsal_tuberosity_projects_out_beside_the_cuboid(meshes, geometry):
    """The tuberosity: the most lateral point of the MT5 base, lateral of the cuboid, level with or
    behind the TMT5 centre and below it (GM tip 75, 13, 31 beside the cuboid, §6, §8.1)."""
    v = meshes["metatarsal_5"]
    T5 = geometry.J["tarsometatarsal_5"]
    base = v[v[:, 0] < T5[0] + 12.0]
    tip = base[np.argmax(base[:, 2])]
    assert tip[0] <= T5[0] + 3.0, tip
    assert tip[1] < T5[1] - 4.0, tip
    assert tip[2] > T5[2] + 10.0, tip
    cuboid = meshes["cuboid"]
    beside = cuboid[np.abs(cuboid[:, 0] - tip[0]) < 6.0]
    assert tip[2] > beside[:, 2].max() + 2.0, tip


def _head_section(v, g, i):
    """Vertices of metatarsal i from 6 mm behind to 2 mm beyond its MTP centre, in its ray frame."""
    T, M, u = g.ray(i)
    q = (v - M) @ frame(u).T
    return q[(q[:, 0] > -6.0) & (q[:, 0] < 2.0)]


def test_metatarsal_heads_are_shaped_not_balls(meshes, geometry):
    """MT1 head broad (GM 24.8 W), the lesser heads taller than wide (GM MT2-4) with flattened sides
    (not balls), §6."""
    q = _head_section(meshes["metatarsal_1"], geometry, 1)
    assert np.ptp(q[:, 2]) >= 20.0, np.ptp(q[:, 2])
    for i in (2, 3, 4):
        q = _head_section(meshes[f"metatarsal_{i}"], geometry, i)
        assert np.ptp(q[:, 1]) > 1.2 * np.ptp(q[:, 2]), i


def test_the_sesamoids_sit_in_their_grooves_unbitten(meshes, geometry):
    """Each sesamoid lies under the MT1 head, within its width, and keeps most of its volume."""
    T, M, u = geometry.ray(1)
    ax = frame(u)
    head = _head_section(meshes["metatarsal_1"], geometry, 1)
    for side in ("medial", "lateral"):
        m = trimesh.load(MESH_DIR / f"sesamoid_{side}.ply", process=False)
        c = (np.asarray(m.vertices).mean(0) - M) @ ax.T
        assert c[1] < -8.0, (side, c)
        assert head[:, 2].min() < c[2] < head[:, 2].max(), (side, c)
        assert m.volume > (150.0 if side == "medial" else 110.0), (side, m.volume)
