"""Build the 28 bone meshes from the rig's joint centres and the dimension table below.

    python -m app.anatomy.build_meshes [--out DIR]      (default: meshes/)

How a bone is made::

    primitives (ellipsoids, capsules, tapered boxes; mm, foot frame)  --smooth union-->  signed distance
    --carve: minus every earlier bone dilated by the joint space (GAP_MM)-->  congruent joint surfaces
    --VTK flying edges on a grid-->  --quadric decimation to the bone's triangle budget-->
    --outward normals, vertices rounded to 0.001 mm-->  binary PLY written byte for byte the same

Bones are carved in BUILD_ORDER: a bone is carved by every bone built before it, so convex partners
come first (the talar dome before the tibia's plafond and the malleoli, the metatarsal heads before the
phalangeal bases) and every pair of bones ends up at least GAP_MM apart: visible joint spaces and no
bone entering another at the neutral pose.

Sources for the dimensions (foot-kinematics.md): joint centres from the Glasgow-Maastricht foot
(GM Seg.any, T-frame, scaled by the rig); metatarsal length order II > III > IV > V > I and MT I the
widest (JAPMA 2018; Patil et al. 2017: MT I 56 mm long, 13.7 mm wide in men); hallux proximal phalanx
the longest phalanx (Patil 2017, 28 mm), fifth distal phalanx the shortest (5.2 mm); malleoli and tripod
from the GM landmarks; the lateral malleolus reaching lower than the medial (standard osteology).
Widths and heights not given by a source are sized by eye to the joint centres, and say so.
The app never runs this module: it loads the committed files.
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

import numpy as np

GAP_MM = 1.6  # joint space: between the 1-3 mm the viewer asks for
BUILD_ORDER = (
    "talus", "tibia", "fibula", "calcaneus", "navicular", "cuboid", "medial_cuneiform",
    "intermediate_cuneiform", "lateral_cuneiform", "metatarsal_1", "metatarsal_2", "metatarsal_3",
    "metatarsal_4", "metatarsal_5", "proximal_phalanx_1", "proximal_phalanx_2", "proximal_phalanx_3",
    "proximal_phalanx_4", "proximal_phalanx_5", "middle_phalanx_2", "middle_phalanx_3", "middle_phalanx_4",
    "middle_phalanx_5", "distal_phalanx_1", "distal_phalanx_2", "distal_phalanx_3", "distal_phalanx_4",
    "distal_phalanx_5",
)
#: triangle budget per bone. The issue allows 120 000 for the whole skeleton; on a software renderer
#: the frame time follows the triangle count (28 ms at 106k, 22 ms at 63k, 1280x800, llvmpipe), so the
#: budget is about 64k: smooth shading keeps the surfaces round at this density.
BUDGET = {"tibia": 5400, "fibula": 3000, "talus": 5000, "calcaneus": 5400, "navicular": 2500, "cuboid": 2500,
          "medial_cuneiform": 2200, "intermediate_cuneiform": 1800, "lateral_cuneiform": 2000}
BUDGET.update({f"metatarsal_{i}": 3100 for i in range(1, 6)})
BUDGET.update({f"proximal_phalanx_{i}": 1800 for i in range(1, 6)})
BUDGET.update({f"middle_phalanx_{i}": 1100 for i in range(2, 6)})
BUDGET.update({f"distal_phalanx_{i}": 1200 for i in range(1, 6)})
VOXEL_MM = {"tibia": 0.9, "fibula": 0.8, "calcaneus": 0.8}

#: Dimensions (mm) of the long bones: (base half-height, base half-width, shaft radius, head radius).
#: Metatarsal heads sit on the MTP rotation centres; MT I the thickest (Patil 2017), the rest by eye.
METATARSAL = {1: (12.0, 8.5, 6.3, 10.0), 2: (10.0, 5.8, 4.3, 7.2), 3: (9.0, 5.8, 4.1, 6.9),
              4: (8.0, 6.0, 4.0, 6.6), 5: (7.5, 7.0, 4.2, 6.3)}
#: Phalanges: (base radius, shaft radius, head radius); the hallux's the thickest.
PROXIMAL = {1: (8.5, 5.6, 7.0), 2: (5.6, 3.4, 4.4), 3: (5.4, 3.3, 4.2), 4: (5.2, 3.2, 4.1), 5: (5.1, 3.2, 4.0)}
MIDDLE = {2: (4.4, 3.0, 3.6), 3: (4.2, 2.9, 3.5), 4: (4.0, 2.8, 3.4), 5: (3.9, 2.9, 3.2)}
#: Distal phalanges: (base radius, tuft radius, length from its joint centre); lengths by eye from
#: Patil 2017 (fifth distal phalanx 5.2 mm bone length) and usual proportions.
DISTAL = {1: (7.0, 5.2, 24.0), 2: (3.8, 3.0, 12.0), 3: (3.7, 2.9, 11.0), 4: (3.6, 2.8, 10.5), 5: (3.5, 2.8, 9.5)}


# -- signed distance primitives (points p: (N, 3); negative inside) -------------------------------------
def _unit(v):
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)


def sd_capsule(p, a, b, ra, rb=None):
    """Distance to a segment a-b whose radius goes from ra to rb (a cone-capped capsule, approximate)."""
    rb = ra if rb is None else rb
    a, b = np.asarray(a, float), np.asarray(b, float)
    ab = b - a
    t = np.clip(((p - a) @ ab) / (ab @ ab), 0.0, 1.0)
    return np.linalg.norm(p - (a + t[:, None] * ab), axis=1) - (ra + (rb - ra) * t)


def _frame(x_axis, up=(0.0, 1.0, 0.0)):
    x = _unit(x_axis)
    z = np.cross(x, up)
    if np.linalg.norm(z) < 1e-6:
        z = np.cross(x, (1.0, 0.0, 0.0))
    z = _unit(z)
    y = np.cross(z, x)
    return np.stack([x, y, z])  # rows: local axes in the foot frame


def sd_ellipsoid(p, c, radii, axes=None):
    """Ellipsoid centred at c with semi-axes radii along the rows of ``axes`` (default: foot axes)."""
    q = p - np.asarray(c, float)
    if axes is not None:
        q = q @ np.asarray(axes).T
    r = np.asarray(radii, float)
    k0 = np.linalg.norm(q / r, axis=1)
    return (k0 - 1.0) * r.min()


def sd_box(p, c, half, axes=None, round_mm=2.0, taper=0.0):
    """Rounded box; ``taper`` narrows the width (local z) towards local -y (a wedge, apex plantar)."""
    q = p - np.asarray(c, float)
    if axes is not None:
        q = q @ np.asarray(axes).T
    h = np.asarray(half, float) - round_mm
    hz = h[2] * (1.0 - taper * np.clip((h[1] - q[:, 1]) / (2 * h[1]), 0.0, 1.0))
    d = np.abs(q) - np.stack([np.full(len(q), h[0]), np.full(len(q), h[1]), hz], axis=1)
    outside = np.linalg.norm(np.maximum(d, 0.0), axis=1)
    inside = np.minimum(d.max(axis=1), 0.0)
    return outside + inside - round_mm


def smin(*ds, k=4.0):
    """Smooth union (polynomial smooth minimum, blend width k mm)."""
    out = ds[0]
    for d in ds[1:]:
        h = np.clip(0.5 + 0.5 * (d - out) / k, 0.0, 1.0)
        out = d * (1 - h) + out * h - k * h * (1 - h)
    return out


def smax(a, b, k=1.0):
    """Smooth intersection (used for carving: a minus the dilated neighbour)."""
    return -smin(-a, -b, k=k)


# -- the bones ---------------------------------------------------------------------------------------
class Shapes:
    """Signed distance functions of every bone, sized from the rig's joint centres (mm, foot frame)."""

    def __init__(self, rig):
        self.rig = rig
        self.J = {j.name: j.centre_mm for j in rig.joints}
        self.L = rig.landmarks_mm
        self.ankle_axis = rig.joint("talocrural").dofs[1].axis

    def sdf(self, bone: str):
        if bone.startswith("metatarsal_"):
            return self.metatarsal(int(bone[-1]))
        for kind in ("proximal", "middle", "distal"):
            if bone.startswith(kind + "_phalanx_"):
                return self.phalanx(kind, int(bone[-1]))
        return getattr(self, bone)()

    # hindfoot and leg
    def talus(self):
        A, TN = self.J["talocrural"], self.J["talonavicular"]
        ax = self.ankle_axis
        head = TN + np.array([-9.5, 0.5, 1.0])
        neck_dir = _unit(head - (A + np.array([4.0, -6.0, -2.0])))

        def f(p):
            # trochlea: a rounded cylinder along the ankle axis, its arc centred on the joint centre
            q = p - A
            along = q @ ax
            radial = np.linalg.norm(q - np.outer(along, ax), axis=1)
            trochlea = np.maximum(radial - 16.5, np.abs(along) - 12.5)
            trochlea = np.minimum(trochlea, 0) + np.linalg.norm(np.stack([np.maximum(radial - 16.5, 0), np.maximum(np.abs(along) - 12.5, 0)], 1), axis=1)
            body = sd_ellipsoid(p, A + np.array([-1.0, -9.0, -0.5]), (21.0, 12.5, 14.5))
            post = sd_ellipsoid(p, A + np.array([-19.0, -12.0, 2.0]), (7.0, 5.0, 7.0))
            lat = sd_ellipsoid(p, A + np.array([-2.0, -14.0, 13.0]), (8.0, 6.0, 5.0))
            neck = sd_capsule(p, A + np.array([6.0, -5.0, -3.0]), head - neck_dir * 4.0, 9.5, 8.5)
            hd = sd_ellipsoid(p, head, (11.0, 11.0, 13.0), _frame(neck_dir))
            return smin(trochlea, body, post, lat, neck, hd, k=5.0)
        return f

    def tibia(self):
        A, MM = self.J["talocrural"], self.L["medial_malleolus"]

        def f(p):
            shaft = sd_capsule(p, A + np.array([1.0, 30.0, -4.0]), A + np.array([-1.0, 82.0, -5.0]), 17.0, 14.5)
            flare = sd_ellipsoid(p, A + np.array([1.0, 29.0, -4.0]), (22.0, 16.0, 25.0))
            plafond = sd_ellipsoid(p, A + np.array([1.0, 21.0, -3.0]), (20.0, 8.0, 20.0))
            malleolus = sd_capsule(p, A + np.array([0.0, 22.0, -24.5]), MM + np.array([1.5, 2.0, 8.5]), 8.5, 6.0)
            return smin(shaft, flare, plafond, malleolus, k=6.0)
        return f

    def fibula(self):
        A, LM = self.J["talocrural"], self.L["lateral_malleolus"]

        def f(p):
            shaft = sd_capsule(p, A + np.array([-9.0, 80.0, 24.0]), A + np.array([-4.0, 22.0, 27.0]), 5.5, 7.5)
            malleolus = sd_ellipsoid(p, LM + np.array([-2.0, 0.0, -2.5]), (10.0, 18.0, 7.5))
            return smin(shaft, malleolus, k=6.0)
        return f

    def calcaneus(self):
        CC, STJ = self.J["calcaneocuboid"], self.J["subtalar"]

        def f(p):
            tuber = sd_ellipsoid(p, (7.0, 24.0, -1.0), (15.0, 22.0, 14.5))
            tuber_feet = sd_ellipsoid(p, (6.0, 6.0, 0.0), (12.0, 6.0, 14.0))
            body = sd_ellipsoid(p, (28.0, 33.0, 1.0), (24.0, 16.0, 16.0))
            top = sd_ellipsoid(p, STJ + np.array([-10.0, -10.0, 5.0]), (16.0, 9.0, 13.0))
            ant = sd_capsule(p, (38.0, 33.0, 5.0), CC + np.array([-4.5, 0.0, -1.0]), 11.0, 10.0)
            sust = sd_ellipsoid(p, STJ + np.array([4.0, -11.0, -15.0]), (10.0, 4.5, 9.0))
            return smin(tuber, tuber_feet, body, top, ant, sust, k=5.0)
        return f

    def navicular(self):
        TN, NC1, NC3 = self.J["talonavicular"], self.J["naviculocuneiform_1"], self.J["naviculocuneiform_3"]
        c = (TN + (NC1 + self.J["naviculocuneiform_2"] + NC3) / 3) / 2 + np.array([1.5, -1.0, -1.0])

        def f(p):
            body = sd_ellipsoid(p, c, (8.0, 12.5, 17.0))
            tub = sd_ellipsoid(p, c + np.array([-1.0, -9.0, -15.0]), (6.0, 6.5, 6.0))
            return smin(body, tub, k=4.0)
        return f

    def cuboid(self):
        CC, T4, T5 = self.J["calcaneocuboid"], self.J["tarsometatarsal_4"], self.J["tarsometatarsal_5"]
        front = (T4 + T5) / 2
        c = (CC + front) / 2 + np.array([0.0, -1.0, 1.5])
        axes = _frame(front - CC)
        length = np.linalg.norm(front - CC) / 2 + 2.5

        def f(p):
            return sd_box(p, c, (length, 10.0, 11.5), axes, round_mm=4.5)
        return f

    def _cuneiform(self, i, height, width, taper, dy=0.0, dz=0.0, extra=0.0):
        NC, TMT = self.J[f"naviculocuneiform_{i}"], self.J[f"tarsometatarsal_{i}"]
        c = (NC + TMT) / 2 + np.array([0.0, dy, dz])
        d = TMT - NC
        axes = _frame(np.array([d[0], 0.4 * d[1], d[2]]))  # nearly level: a wedge standing in the arch
        length = np.linalg.norm(d) / 2 + 2.0 + extra

        def f(p):
            return sd_box(p, c, (length, height, width), axes, round_mm=4.5, taper=taper)
        return f

    def medial_cuneiform(self):
        return self._cuneiform(1, 15.0, 8.5, -0.25, dy=-6.0, dz=-1.0)  # wedge base plantar

    def intermediate_cuneiform(self):
        return self._cuneiform(2, 11.0, 6.3, 0.45, dy=-3.5)

    def lateral_cuneiform(self):
        return self._cuneiform(3, 11.5, 6.8, 0.45, dy=-4.0, dz=1.5)

    # forefoot and toes
    def metatarsal(self, i):
        T, M = self.J[f"tarsometatarsal_{i}"], self.J[f"metatarsophalangeal_{i}"]
        u = _unit(M - T)
        bh, bw, rs, rh = METATARSAL[i]
        axes = _frame(u)

        def f(p):
            base = sd_box(p, T + u * 7.0 + np.array([0.0, -bh * 0.25, 0.0]), (7.5, bh, bw), axes, round_mm=2.5,
                          taper=0.3 if i in (2, 3, 4) else 0.0)
            shaft = sd_capsule(p, T + u * 10.0, M - u * (rh + 2.0), rs * 1.15, rs)
            head = sd_ellipsoid(p, M - u * 1.0, (rh, rh * 1.05, rh * 0.85), axes)
            parts = [base, shaft, head]
            if i == 5:
                parts.append(sd_ellipsoid(p, T + np.array([-2.0, -3.0, 9.0]), (7.0, 5.0, 6.0)))  # tuberosity
            return smin(*parts, k=4.0)
        return f

    def phalanx(self, kind, i):
        J = self.J
        if kind == "proximal":
            a = J[f"metatarsophalangeal_{i}"]
            b = J["interphalangeal_1"] if i == 1 else J[f"proximal_interphalangeal_{i}"]
            r_prev = METATARSAL[i][3]
            rb, rs, rh = PROXIMAL[i]
        elif kind == "middle":
            a, b = J[f"proximal_interphalangeal_{i}"], J[f"distal_interphalangeal_{i}"]
            r_prev = PROXIMAL[i][2]
            rb, rs, rh = MIDDLE[i]
        else:
            a = J["interphalangeal_1"] if i == 1 else J[f"distal_interphalangeal_{i}"]
            prev = PROXIMAL[1] if i == 1 else MIDDLE[i]
            r_prev = prev[2]
            rb, rt, length = DISTAL[i]
            direction = _unit(a - (J["metatarsophalangeal_1"] if i == 1 else J[f"proximal_interphalangeal_{i}"]))
            direction = _unit(direction + np.array([0.0, 0.04, 0.0]))
            b = a + direction * length
        u = _unit(b - a)
        axes = _frame(u)
        start = a + u * (r_prev + GAP_MM + 1.2)

        def f(p):
            base = sd_ellipsoid(p, start + u * 2.5, (3.5, rb, rb * 1.1), axes)
            if kind == "distal":
                shaft = sd_capsule(p, start + u * 2.0, b - u * rt, rb * 0.65, rt * 0.8)
                tuft = sd_ellipsoid(p, b - u * rt * 0.9, (rt, rt * 0.7, rt * 1.15), axes)
                return smin(base, shaft, tuft, k=2.5)
            shaft = sd_capsule(p, start + u * 2.0, b - u * rh, rs * 1.1, rs)
            head = sd_ellipsoid(p, b - u * 0.5, (rh, rh * 0.95, rh * 1.1), axes)
            return smin(base, shaft, head, k=2.5)
        return f


# -- grid, carving, surface ---------------------------------------------------------------------------------
class Sampled:
    """A bone's final signed distance on its grid, for carving later bones (trilinear interpolation)."""

    def __init__(self, origin, spacing, values):
        from scipy.interpolate import RegularGridInterpolator

        nx, ny, nz = values.shape
        axes = [origin[k] + spacing * np.arange(n) for k, n in enumerate((nx, ny, nz))]
        self.lo = np.array([a[0] for a in axes])
        self.hi = np.array([a[-1] for a in axes])
        self.interp = RegularGridInterpolator(axes, values, bounds_error=False, fill_value=None)

    def __call__(self, p):
        inside = np.all((p >= self.lo) & (p <= self.hi), axis=1)
        out = np.full(len(p), 50.0)
        if inside.any():
            out[inside] = self.interp(p[inside])
        return out

    def overlaps(self, lo, hi, margin):
        return bool(np.all(self.hi + margin >= lo) and np.all(self.lo - margin <= hi))


def bounds_of(sdf, guess_lo, guess_hi, step=2.0):
    """Tight box around the negative region of ``sdf`` (searched on a coarse grid inside a guess)."""
    axes = [np.arange(guess_lo[k], guess_hi[k] + step, step) for k in range(3)]
    g = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    inside = g[sdf(g) < step]
    if len(inside) == 0:
        raise ValueError("empty bone")
    return inside.min(axis=0) - 3.0, inside.max(axis=0) + 3.0


def build_bone(name, shapes: Shapes, done: dict[str, Sampled]):
    import pyvista as pv

    sdf = shapes.sdf(name)
    lo, hi = bounds_of(sdf, np.array([-60.0, -30.0, -90.0]), np.array([260.0, 230.0, 90.0]))
    h = VOXEL_MM.get(name, 0.6 if "phalanx" in name else 0.7)
    n = np.ceil((hi - lo) / h).astype(int) + 1
    axes = [lo[k] + h * np.arange(n[k]) for k in range(3)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    values = sdf(grid)
    for other in done.values():
        if other.overlaps(lo, hi, GAP_MM + 2):
            values = smax(values, -(other(grid) - GAP_MM), k=0.6)
    vol = values.reshape(n)
    done[name] = Sampled(lo, h, vol)
    image = pv.ImageData(dimensions=tuple(int(x) for x in n), spacing=(h, h, h), origin=tuple(float(x) for x in lo))
    image.point_data["sdf"] = vol.ravel(order="F")
    surf = image.contour([0.0], scalars="sdf", method="flying_edges")
    surf = surf.connectivity("largest").extract_surface(algorithm="dataset_surface").triangulate().clean()
    return _finish(surf, BUDGET[name])


def _finish(surf, budget: int):
    import vtk

    import pyvista as pv

    if surf.n_cells > budget:
        dec = vtk.vtkQuadricDecimation()
        dec.SetInputData(surf)
        dec.SetTargetReduction(1.0 - budget / surf.n_cells)
        dec.VolumePreservationOn()
        dec.Update()
        surf = pv.wrap(dec.GetOutput()).clean()
    normals = vtk.vtkPolyDataNormals()
    normals.SetInputData(surf)
    normals.ComputePointNormalsOn()
    normals.ComputeCellNormalsOff()
    normals.SplittingOff()
    normals.ConsistencyOn()
    normals.AutoOrientNormalsOn()
    normals.Update()
    return pv.wrap(normals.GetOutput())


def ply_bytes(mesh) -> bytes:
    """Binary little-endian PLY: float32 x y z nx ny nz per vertex, uint8 count + int32 indices per face."""
    pts = np.round(np.asarray(mesh.points, dtype=float), 3).astype("<f4")
    nrm = np.asarray(mesh.point_data["Normals"], dtype=float)
    nrm = np.round(nrm / np.linalg.norm(nrm, axis=1, keepdims=True), 4).astype("<f4")
    faces = np.asarray(mesh.faces).reshape(-1, 4)[:, 1:].astype("<i4")
    header = ("ply\nformat binary_little_endian 1.0\ncomment Talus bone mesh, foot frame, mm\n"
              f"element vertex {len(pts)}\nproperty float x\nproperty float y\nproperty float z\n"
              "property float nx\nproperty float ny\nproperty float nz\n"
              f"element face {len(faces)}\nproperty list uchar int vertex_indices\nend_header\n").encode("ascii")
    vert = np.concatenate([pts, nrm], axis=1).astype("<f4").tobytes()
    face = np.empty(len(faces), dtype=[("n", "u1"), ("i", "<i4", 3)])
    face["n"] = 3
    face["i"] = faces
    return header + vert + face.tobytes()


def build_all(out_dir: str | Path, rig=None, *, verbose: bool = False) -> dict[str, int]:
    """Build every bone into ``out_dir``; return triangles per bone."""
    import vtk

    from app.anatomy import load_rig

    vtk.vtkSMPTools.SetBackend("Sequential")  # deterministic output
    vtk.vtkObject.GlobalWarningDisplayOff()
    rig = rig or load_rig()
    shapes = Shapes(rig)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    done: dict[str, Sampled] = {}
    counts = {}
    for name in BUILD_ORDER:
        mesh = build_bone(name, shapes, done)
        (out / rig.bone(name).mesh).write_bytes(ply_bytes(mesh))
        counts[name] = mesh.n_cells
        if verbose:
            print(f"{name:24s} {mesh.n_cells:6d} triangles", file=sys.stderr)
    return counts


def main(argv=None) -> int:
    from app import MESH_DIR

    ap = argparse.ArgumentParser(description="Build the Talus bone meshes from the rig.")
    ap.add_argument("--out", default=str(MESH_DIR))
    args = ap.parse_args(argv)
    counts = build_all(args.out, verbose=True)
    print(f"{len(counts)} bones, {sum(counts.values())} triangles -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
