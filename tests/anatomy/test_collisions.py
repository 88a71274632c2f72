"""No technique drives one bone into another: every frame of every bundled technique, at true size and at
its default magnification, keeps every pair of bones apart (at most 0.3 mm of overlap, the tolerance
of sampling the surfaces), and at the neutral pose no two bones touch at all."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from app.anatomy import Kinematics
from app.techniques.timeline import Timeline

TOLERANCE_MM = 0.3


class BoneDistance:
    """Signed distance to one committed mesh (negative inside).

    A fast estimate first: the offset from the nearest vertex along its outward normal (the tangent
    plane there). Where that says "inside", VTK's exact point-to-surface distance
    (vtkImplicitPolyDataDistance, signed by the angle-weighted normals) decides, so a point beside a
    sharp rim is never taken for one inside."""

    def __init__(self, mesh):
        import vtk
        from scipy.spatial import cKDTree

        self.points = np.asarray(mesh.points, float)
        self.normals = np.asarray(mesh.point_data["Normals"], float)
        self.normals /= np.linalg.norm(self.normals, axis=1, keepdims=True)
        self.tree = cKDTree(self.points)
        self.exact = vtk.vtkImplicitPolyDataDistance()
        self.exact.SetInput(mesh)

    def __call__(self, p):
        d, i = self.tree.query(p, k=1)
        out = np.einsum("ij,ij->i", p - self.points[i], self.normals[i])
        out = np.where(d < 3.0, out, np.abs(out) + d)
        check = np.flatnonzero(out < -0.1)  # only what could be a real overlap is worth the exact test
        if len(check):
            from vtk.util.numpy_support import numpy_to_vtk, vtk_to_numpy
            import vtk

            values = vtk.vtkDoubleArray()
            self.exact.FunctionValue(numpy_to_vtk(np.ascontiguousarray(p[check]), deep=True), values)
            out[check] = vtk_to_numpy(values)
        return out


@pytest.fixture(scope="module")
def distance(meshes):
    return {name: BoneDistance(m) for name, m in meshes.items()}


@pytest.fixture(scope="module")
def pairs(meshes):
    """Pairs of bones that come within 12 mm of each other at neutral (only they can meet)."""
    from scipy.spatial import cKDTree

    names = list(meshes)
    trees = {n: cKDTree(np.asarray(meshes[n].points)) for n in names}
    out = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            d, _ = trees[a].query(np.asarray(meshes[b].points), k=1, distance_upper_bound=12.0)
            if np.isfinite(d).any():
                out.append((a, b))
    return out


def overlap_mm(distance, meshes, a, b, M):
    """Deepest vertex of a inside b, and of b inside a, for relative transform M (a's frame -> b's)."""
    return float(overlaps_mm(distance, _Geometry(meshes), a, b, np.asarray(M, float)[None])[0])


class _Geometry:
    """Each bone's vertices and box, read from its mesh once (pyvista's accessors cost more than the
    arithmetic when asked tens of thousands of times)."""

    def __init__(self, meshes):
        self.points = {n: np.asarray(m.points, float) for n, m in meshes.items()}
        self.boxes = {n: (np.asarray(m.bounds[0::2]), np.asarray(m.bounds[1::2])) for n, m in meshes.items()}


def overlaps_mm(distance, geometry, a, b, Ms):
    """:func:`overlap_mm` for each relative transform of ``Ms`` (k, 4, 4) at once: (k,) depths, mm."""
    depth = np.zeros(len(Ms))
    for src, dst, T in ((a, b, Ms), (b, a, np.linalg.inv(Ms))):
        p = np.matmul(geometry.points[src], T[:, :3, :3].transpose(0, 2, 1)) + T[:, None, :3, 3]  # (k, n, 3)
        lo, hi = geometry.boxes[dst]
        k, n = np.nonzero(np.all((p > lo) & (p < hi), axis=2))  # only vertices in the other bone's box can be inside it
        if len(k):
            np.maximum.at(depth, k, -distance[dst](p[k, n]))
    return depth


def test_no_two_bones_touch_at_the_neutral_pose(distance, meshes, pairs):
    for a, b in pairs:
        gap = min(distance[b](np.asarray(meshes[a].points, float)).min(),
                  distance[a](np.asarray(meshes[b].points, float)).min())
        assert gap > 0.1, f"{a} and {b} are {gap:.2f} mm apart at neutral (they must not touch)"


def test_no_technique_drives_a_bone_into_another(rig, lib, distance, meshes, pairs):
    kin = Kinematics(rig)
    idx = {b.name: b.index for b in rig.bones}
    geometry = _Geometry(meshes)
    worst = {}
    for tech in lib.techniques:
        for magnify in sorted({1.0, Timeline(tech, rig).magnify}):
            tl = Timeline(tech, rig, magnify=magnify)
            W = np.stack([kin.transforms(q) for q in tl.sample_coordinates()])
            for a, b in pairs:
                M = np.linalg.solve(W[:, idx[b]], W[:, idx[a]])  # a's bind frame -> b's
                rv = Rotation.from_matrix(M[:, :3, :3]).as_rotvec(degrees=True)
                if np.abs(rv).max() < 1e-6 and np.abs(M[:, :3, 3]).max() < 1e-6:
                    continue  # the pair never moves relative to each other: the neutral test covers it
                key = np.c_[np.round(rv / 0.5), np.round(M[:, :3, 3] / 0.1)].astype(np.int64)
                _, first = np.unique(key, axis=0, return_index=True)
                depths = overlaps_mm(distance, geometry, a, b, M[first])  # every distinct pose, in one go
                j = int(np.argmax(depths))
                if depths[j] > worst.get((a, b), (0.0,))[0]:
                    worst[(a, b)] = (float(depths[j]), tech.id, magnify, int(first[j]))
    bad = {p: w for p, w in worst.items() if w[0] > TOLERANCE_MM}
    assert not bad, "bones pass into each other: " + "; ".join(
        f"{a}/{b} by {d:.2f} mm in {t} (x{m:g}) at frame {f}" for (a, b), (d, t, m, f) in bad.items())
