"""The medial cuneiform, the cuboid and the navicular read as what they are (foot-bone-morphology.md §4, §5):
C1 nearly the cuboid's size, reaching past C2 (the MT2 mortise), its distal facet kidney-shaped, the cuboid's dorsum sloping down to a
short lateral border, the navicular's three distal facets and its plantar-medial tuberosity."""

import numpy as np
import pytest
import trimesh
from scipy.spatial import ConvexHull

from app import MESH_DIR
from app.anatomy.bonegen import midfoot
from app.anatomy.bonegen.dims import GAP_MM
from app.anatomy.bonegen.geometry import Geometry
from app.anatomy.bonegen.sdf import frame


@pytest.fixture(scope="module")
def meshes(rig):
    names = ("navicular", "cuboid", "medial_cuneiform", "intermediate_cuneiform", "lateral_cuneiform")
    return {n: trimesh.load(MESH_DIR / rig.bone(n).mesh, process=False) for n in names}


@pytest.fixture(scope="module")
def geometry(rig):
    return Geometry(rig)


def test_the_medial_cuneiform_is_nearly_the_cuboids_size(meshes):
    """GM: C1 13.8 cm3 = 0.9 x the cuboid's 15.2 cm3, the largest cuneiform but smaller than the cuboid (§5)."""
    ratio = meshes["medial_cuneiform"].volume / meshes["cuboid"].volume
    assert 0.8 <= ratio < 0.97, ratio


def test_the_medial_cuneiform_is_tall_with_its_base_low(meshes):
    """GM C1 height 34.9 mm (about 32 at this foot's size); its plantar base about 18 mm above the sole (§5, §8.2)."""
    v = meshes["medial_cuneiform"].vertices
    assert np.ptp(v[:, 1]) >= 30.0, np.ptp(v[:, 1])
    assert v[:, 1].min() <= 19.0, v[:, 1].min()


def test_the_medial_cuneiform_reaches_past_the_intermediate(meshes, geometry):
    """The MT2 base sits in a mortise: C1 reaches further forward than C2 along the second ray seen from
    above (GM about 10 mm along the MT2 axis, §5)."""
    _, _, u = geometry.ray(2)
    ahead = np.array([u[0], 0.0, u[2]]) / np.hypot(u[0], u[2])
    reach = {n: float((meshes[n].vertices @ ahead).max()) for n in ("medial_cuneiform", "intermediate_cuneiform")}
    assert reach["medial_cuneiform"] - reach["intermediate_cuneiform"] >= 7.5, reach


def test_the_medial_cuneiforms_distal_facet_is_kidney_shaped(meshes, geometry):
    """The facet for MT1 is kidney-shaped, its hilum lateral (§5, [Frazer-Cun]): 2 mm behind the facet
    C1's section is hollowed at least 1.5 mm inside its convex hull, on its lateral half (a triangle
    or a D-shaped section has no hollow)."""
    T, _, u = geometry.ray(1)
    ax = frame(u)
    sec = meshes["medial_cuneiform"].section(plane_origin=T - u * (GAP_MM / 2 + 2.0), plane_normal=u)
    pts = (np.asarray(sec.vertices) - T) @ ax[1:].T  # (up, lateral)
    eq = ConvexHull(pts).equations
    depth = np.min(-(pts @ eq[:, :2].T + eq[:, 2]), axis=1)
    deepest = pts[np.argmax(depth)]
    assert depth.max() >= 1.5, depth.max()
    assert deepest[1] > pts[:, 1].mean(), (deepest, pts[:, 1].min(), pts[:, 1].max())


def test_the_cuboids_dorsum_slopes_down_to_a_short_lateral_border(meshes):
    """Across its middle, the cuboid's lateral fifth tops out well below its dorsum: the dorsal surface
    faces up and laterally and the lateral border is short (§4: lateral length 19.7 vs medial 33.4 mm)."""
    v = meshes["cuboid"].vertices
    mid = v[(v[:, 0] > 55.0) & (v[:, 0] < 75.0)]
    z0, z1 = mid[:, 2].min(), mid[:, 2].max()
    lateral = mid[mid[:, 2] > z1 - 0.2 * (z1 - z0)]
    assert mid[:, 1].max() - lateral[:, 1].max() >= 5.0, (mid[:, 1].max(), lateral[:, 1].max())


def test_the_navicular_shows_three_distal_facets(meshes, geometry):
    """The distal face is cut into three facets, one per cuneiform (§4): the bone reaches each facet plane."""
    v = meshes["navicular"].vertices
    for i, (point, normal) in enumerate(midfoot._nav_facets(geometry), 1):
        assert ((v - point) @ normal).max() >= -0.3, i


def test_the_navicular_tuberosity_projects_plantar_medially(meshes, geometry):
    """The most medial point of the navicular is its tuberosity, below the talar head's centre
    (GM tuberosity 70, 45, -37 vs talonavicular 59, 61, -13; §8.1)."""
    v = meshes["navicular"].vertices
    tip = v[np.argmin(v[:, 2])]
    TN = geometry.J["talonavicular"]
    assert tip[1] < TN[1] - 10.0, tip
    assert tip[2] < TN[2] - 20.0, tip


def test_the_peroneal_groove_runs_between_the_ridge_and_the_front_margin(meshes):
    """From below, in front of the plantar ridge the surface dips into the peroneal groove and rises
    again to the front margin behind the MT4 facet (§4: groove bounded behind by the ridge)."""
    v = meshes["cuboid"].vertices
    band = v[np.abs(v[:, 2] - 14.0) < 1.0]

    def lowest(x0, x1):
        return band[(band[:, 0] > x0) & (band[:, 0] < x1), 1].min()

    ridge, groove, margin = lowest(62.0, 68.0), max(lowest(x, x + 1.0) for x in range(69, 75)), lowest(75.0, 78.0)
    assert groove >= ridge + 3.0, (ridge, groove)
    assert groove >= margin + 1.5, (groove, margin)
