"""The metatarsal heads: the first broad, tall and rounded (no crease, no square dorsum), congruent with the hallux's proximal phalanx and
cradling its sesamoids; the lesser heads clean, with no notch bitten out by a neighbour swept through
the techniques (foot-bone-morphology.md §6, §7b)."""

import numpy as np
import pytest
import trimesh
from scipy.spatial import ConvexHull, cKDTree

from app import MESH_DIR
from app.anatomy.bonegen import dims, forefoot
from app.anatomy.bonegen.geometry import Geometry
from app.anatomy.bonegen.sdf import frame


@pytest.fixture(scope="module")
def geometry(rig):
    return Geometry(rig)


def _mesh(name):
    return trimesh.load(MESH_DIR / f"{name}.ply", process=False)


def _local(v, g, i):
    """Vertices in metatarsal i's ray frame about its MTP centre (x along the ray, y up, z lateral)."""
    _, M, u = g.ray(i)
    return (np.asarray(v) - M) @ frame(u).T


def _head(g, i):
    q = _local(_mesh(f"metatarsal_{i}").vertices, g, i)
    return q[(q[:, 0] > -6.0) & (q[:, 0] < 2.0)]


def test_the_first_metatarsal_head_is_broad_and_tall(geometry):
    """GM MT1 head 24.8 W x 28.5 H (§6): at least 23.5 mm wide and 24.5 mm high."""
    q = _head(geometry, 1)
    width, height = np.ptp(q[:, 2]), np.ptp(q[:, 1])
    assert width >= 23.5, width
    assert height >= 24.5, height
    assert width <= 26.5 and height <= 29.5, (width, height)


def test_the_first_head_stays_on_the_sphere_the_phalanx_cups(geometry):
    """From 2 mm in front of the MTP centre the head is the articular sphere (radius dims.MT_HEAD) that the
    proximal phalanx's base cups: it reaches the sphere's tip and nowhere pokes out of it."""
    rh = dims.MT_HEAD[1][0]
    q = _local(_mesh("metatarsal_1").vertices, geometry, 1)
    front = q[q[:, 0] > 2.0]
    assert np.linalg.norm(front, axis=1).max() <= rh + 0.3
    assert q[:, 0].max() >= rh - 0.3


def test_the_first_head_is_rounded_without_a_crease(geometry):
    """The medial eminence swells smoothly into the articular sphere: horizontal sections of the head
    (from 4 mm behind the MTP centre forward, 4 mm below to 6 mm above it) are convex within 0.3 mm (a
    crease where the eminence meets the sphere is a dent). From in front the dorsum is rounded, not
    square: above the centre, each cross-section 4 to 0 mm behind it fills at most 0.8 of its bounding
    box (a half ellipse fills 0.785, a half square 1) ([Frazer-MT], §6)."""
    _, M, u = geometry.ray(1)
    ax = frame(u)
    m = _mesh("metatarsal_1")
    for y in (-4.0, 0.0, 3.0, 6.0):
        sec = m.section(plane_origin=M + ax[1] * y, plane_normal=ax[1])
        q = (np.asarray(sec.vertices) - M) @ ax.T
        pts = q[q[:, 0] > -4.0][:, [0, 2]]
        eq = ConvexHull(pts).equations
        dent = float(np.min(-(pts @ eq[:, :2].T + eq[:, 2]), axis=1).max())
        assert dent <= 0.3, (y, dent)
    for x in (-4.0, -2.0, 0.0):
        sec = m.section(plane_origin=M + ax[0] * x, plane_normal=ax[0])
        q = (np.asarray(sec.vertices) - M) @ ax.T
        upper = q[q[:, 1] > 0.0][:, [2, 1]]
        fill = ConvexHull(upper).volume / (np.ptp(upper[:, 0]) * np.ptp(upper[:, 1]))
        assert fill <= 0.8, (x, fill)


def _dense(mesh, near, radius, size=0.4):
    """Points on ``mesh`` within ``radius`` of ``near``, no more than ``size`` apart."""
    v, f = np.asarray(mesh.vertices), np.asarray(mesh.faces)
    keep = np.linalg.norm(v[f].mean(axis=1) - near, axis=1) < radius
    vv, _ = trimesh.remesh.subdivide_to_size(v, f[keep], max_edge=size)
    return vv


@pytest.mark.parametrize("side", ["medial", "lateral"])
def test_the_sesamoids_sit_in_their_grooves_a_joint_space_from_the_head(geometry, side):
    """Each sesamoid lies 1-2.5 mm from the MT1 head (a visible joint space, not a gap of air), its
    upper part inside the head's plantar outline (in its groove, flanked by the crista), and keeps
    most of its volume (not bitten)."""
    s = _mesh(f"sesamoid_{side}")
    sv = np.asarray(s.vertices)
    head = _dense(_mesh("metatarsal_1"), sv.mean(axis=0), 25.0)
    gap = cKDTree(head).query(sv)[0].min()
    assert 1.0 <= gap <= 2.5, (side, gap)
    q = _local(sv, geometry, 1)
    h = _head(geometry, 1)
    assert q[:, 1].max() > h[:, 1].min() + 2.0, (side, q[:, 1].max(), h[:, 1].min())
    radii, _ = forefoot.SESAMOID[side]
    assert s.volume > 0.8 * 4.0 / 3.0 * np.pi * np.prod(radii), (side, s.volume)


def _concavity(mesh, M, ax, x):
    """The deepest point of the head's cross-section at ``x`` mm along the ray inside its convex hull
    (mm): 0 for a convex section, the depth of a notch otherwise."""
    sec = mesh.section(plane_origin=M + ax[0] * x, plane_normal=ax[0])
    pts = (np.asarray(sec.vertices) - M) @ ax[1:].T
    eq = ConvexHull(pts).equations
    return float(np.min(-(pts @ eq[:, :2].T + eq[:, 2]), axis=1).max())


@pytest.mark.parametrize("i", [2, 3, 4, 5])
def test_the_lesser_heads_have_no_notch(geometry, i):
    """Every cross-section of a lesser head from 6 mm behind to 4 mm beyond its MTP centre is convex
    within 0.4 mm (the collateral pits are shallow hollows; a bite or a misplaced pit is deeper)."""
    _, M, u = geometry.ray(i)
    m = _mesh(f"metatarsal_{i}")
    depths = [_concavity(m, M, frame(u), x) for x in np.arange(-6.0, 4.5, 1.0)]
    assert max(depths) <= 0.4, (i, np.round(depths, 2))


@pytest.mark.parametrize("i", [1, 2, 3, 4, 5])
def test_no_neighbour_bites_a_metatarsal_head(geometry, i):
    """The carve (every earlier bone, a joint space wide, swept through every technique) leaves each head
    as it was shaped: its surface within 13 mm of the MTP centre lies on the uncarved shape (its own
    signed distance within 0.3 mm of zero). In the forefoot spring MT3 swings 2 deg towards MT2:
    their facing sides are narrow enough that MT2 does not bite MT3."""
    _, M, _ = geometry.ray(i)
    v = np.asarray(_mesh(f"metatarsal_{i}").vertices)
    v = v[np.linalg.norm(v - M, axis=1) < 13.0]
    d = forefoot.BONES[f"metatarsal_{i}"](geometry)(v)
    assert d.min() > -0.3, (i, d.min())


@pytest.mark.parametrize("i", [2, 3, 4, 5])
def test_the_lesser_heads_are_within_reach_of_the_reference_widths(geometry, i):
    """GM widths 13.7, 12.8, 11.6, 14.8 mm (§6); built narrower so that neighbours keep a joint space in
    the techniques, but still at least 9 mm wide and taller than wide."""
    q = _head(geometry, i)
    width, height = np.ptp(q[:, 2]), np.ptp(q[:, 1])
    assert 9.0 <= width <= 14.8, (i, width)
    assert height > width, (i, width, height)
