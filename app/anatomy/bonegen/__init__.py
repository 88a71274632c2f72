"""Generate the bone meshes from the rig, the dimension table and one shape module per bone group.

    python -m app.anatomy.build_meshes [--out DIR] [--only talus,calcaneus] [--jobs 2]

How a bone is made::

    shape module (leg, hindfoot, calcaneus, midfoot, forefoot, toes): a signed distance function built from
    primitives (ellipsoids, round cones, wedges) placed on the rig's joint centres (mm, foot frame)
      --carve: minus every bone before it in CARVE_ORDER, dilated by the joint space GAP_MM and swept
        through every relative pose the bundled techniques give the pair-->  congruent joint surfaces
        that never meet, at neutral or in motion
      --VTK flying edges on a grid--> --quadric decimation to the bone's triangle budget-->
      --outward normals, vertices rounded to 0.001 mm--> binary PLY, byte for byte the same every run
    then every landmark site is snapped onto the new surfaces (app.anatomy.build_landmarks).

Carving uses the carver's own uncarved shape, so each bone is built independently of the others'
results (``--only`` rebuilds one bone; ``--jobs`` builds bones in parallel) and the output does not
depend on the order of the build. Convex partners come first in CARVE_ORDER (the talar dome before the
plafond, a metatarsal head before the phalangeal base that cups it).

Sizes and their sources: :mod:`app.anatomy.bonegen.dims`. The app never runs this package: it loads
the committed files.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from app.anatomy.bonegen.dims import GAP_MM as LAYOUT_GAP_MM
from app.anatomy.bonegen.dims import IP_GAP_MM

#: the joint space carved between neighbours (mm): a little wider than the layout's 1.5 mm, because
#: blended shapes are not exact distance fields and a carve by an inexact field falls a little short;
#: between two phalanges (modelled as exact cups about their joint centres) the layout's own space, and
#: between the phalanges of one toe (an interphalangeal joint) the narrower IP_GAP_MM their cups are made for
GAP_MM = LAYOUT_GAP_MM + 0.5
PHALANX_GAP_MM = LAYOUT_GAP_MM


def carve_gap(carved: str, carver: str) -> float:
    if "phalanx" in carved and "phalanx" in carver:
        return IP_GAP_MM if carved.rpartition("_")[2] == carver.rpartition("_")[2] else PHALANX_GAP_MM
    return GAP_MM

CARVE_ORDER = (
    "talus", "tibia", "fibula", "calcaneus", "navicular", "cuboid", "medial_cuneiform",
    "intermediate_cuneiform", "lateral_cuneiform", "metatarsal_1", "metatarsal_2", "metatarsal_3",
    "metatarsal_4", "metatarsal_5", "sesamoid_medial", "sesamoid_lateral", "proximal_phalanx_1",
    "proximal_phalanx_2", "proximal_phalanx_3", "proximal_phalanx_4", "proximal_phalanx_5",
    "middle_phalanx_2", "middle_phalanx_3", "middle_phalanx_4", "middle_phalanx_5", "distal_phalanx_1",
    "distal_phalanx_2", "distal_phalanx_3", "distal_phalanx_4", "distal_phalanx_5",
)
CARVE_BLEND_MM = 1.2  # rounds the rim of every carved surface (no jagged edges)
SWEEP_DEG, SWEEP_MM = 2.0, 0.4  # relative poses closer than this to a kept one are not swept again
DEFAULT_VOXEL_MM = 0.6
SDF = Callable[[np.ndarray], np.ndarray]


def shape_modules():
    from app.anatomy.bonegen import calcaneus, forefoot, hindfoot, leg, midfoot, toes

    return (leg, hindfoot, calcaneus, midfoot, forefoot, toes)


def registry(geometry) -> tuple[dict[str, SDF], dict[str, dict]]:
    """Every bone's raw (uncarved) signed distance function and its settings (voxel_mm, triangles)."""
    sdfs: dict[str, SDF] = {}
    settings: dict[str, dict] = {}
    for mod in shape_modules():
        for name, make in mod.BONES.items():
            sdfs[name] = make(geometry)
            settings[name] = dict(mod.SETTINGS.get(name, {}))
    return sdfs, settings


# -- relative poses to sweep -----------------------------------------------------------------------
def technique_poses(rig) -> np.ndarray:
    """(n, n_bones, 4, 4) world transforms of every frame of every bundled technique, at true size and
    at its default magnification (the poses the viewer can show), plus the neutral pose."""
    from app.anatomy import Kinematics
    from app.techniques.library import load_library
    from app.techniques.timeline import Timeline

    kin = Kinematics(rig)
    out = [kin.transforms(kin.pose_vector())[None]]
    for tech in load_library(rig=rig).techniques:
        for magnify in sorted({1.0, float(Timeline(tech, rig).magnify)}):
            tl = Timeline(tech, rig, magnify=magnify)
            Q = tl.sample_coordinates()
            out.append(np.stack([kin.transforms(q) for q in Q]))
    return np.concatenate(out)


def relative_sweep(W: np.ndarray, carved: int, carver: int) -> list[np.ndarray]:
    """Distinct transforms taking the carved bone's bind frame into the carver's (``W_carver^-1 W_carved``),
    one kept per cell of SWEEP_DEG x SWEEP_MM (rotation vector and translation quantised)."""
    from scipy.spatial.transform import Rotation

    M = np.linalg.solve(W[:, carver], W[:, carved])
    rv = Rotation.from_matrix(M[:, :3, :3]).as_rotvec(degrees=True)
    key = np.c_[np.round(rv / SWEEP_DEG), np.round(M[:, :3, 3] / SWEEP_MM)].astype(np.int64)
    _, first = np.unique(key, axis=0, return_index=True)
    return [M[k] for k in sorted(first)]


#: how fast a shape's distance may change per mm (1 for an exact distance; the blended primitives of
#: :mod:`app.anatomy.bonegen.sdf` are bounds that stay well under 2)
SDF_SLOPE = 2.0
COARSE = 4  # a narrow-band grid is first sampled this many times coarser


def sample_grid(sdf: SDF, lo: np.ndarray, step: float, n: np.ndarray, *, exact_within: float) -> np.ndarray:
    """``sdf`` on the grid ``lo + step * (i, j, k)`` (shape ``n``), exact wherever the surface is
    within ``exact_within`` mm; elsewhere interpolated from a grid COARSE times coarser.

    Meshing and carving read a shape only near its surface (and its sign elsewhere), so the values
    they read are the exact ones, and the result is the same as sampling every point exactly, at a
    fraction of the cost: the coarse grid misses the distance by at most SDF_SLOPE times half its
    cell diagonal, so the exact band is widened by that much."""
    from scipy.ndimage import map_coordinates

    n = np.asarray(n, int)
    nc = (n - 1 + COARSE - 1) // COARSE + 1  # the coarse grid covers the fine one
    coarse = np.stack(np.meshgrid(*(lo[k] + step * COARSE * np.arange(nc[k]) for k in range(3)), indexing="ij"),
                      axis=-1).reshape(-1, 3)
    vc = sdf(coarse).reshape(nc)
    idx = np.stack(np.meshgrid(*(np.arange(n[k]) / COARSE for k in range(3)), indexing="ij")).reshape(3, -1)
    values = map_coordinates(vc, idx, order=1, mode="nearest")
    near = np.flatnonzero(np.abs(values) < exact_within + SDF_SLOPE * step * COARSE * np.sqrt(3) / 2)
    ijk = idx[:, near].T * COARSE
    values[near] = sdf(lo + step * ijk)
    return values.reshape(n)


class Sampled:
    """A bone's raw signed distance sampled on a grid (0.5 mm), evaluated by trilinear interpolation:
    cheap enough to sweep through hundreds of poses. Beyond the grid it returns the distance at its edge
    (3.5 mm or more outside the bone).

    The grid is filled lazily, a block of BLOCK^3 points at a time, where a query first needs it: a carve
    reads a carver only where the carved bone passes near it (a tibia is read at its fibular notch and
    plafond, not along its shaft), so most of a large bone's grid is never computed. A value, once
    computed, is the same as sampling the whole grid at once."""

    STEP = 0.5
    BLOCK = 12

    def __init__(self, sdf: SDF, lo: np.ndarray, hi: np.ndarray):
        lo, hi = lo - 2.0, hi + 2.0
        self.sdf = sdf
        self.lo = lo
        self.n = np.ceil((hi - lo) / self.STEP).astype(int) + 1
        self.values = np.zeros(self.n, dtype=np.float32)
        self.filled = np.zeros(-(-self.n // self.BLOCK), dtype=bool)

    def _fill(self, idx: np.ndarray) -> None:
        """Compute every block that trilinear interpolation at grid coordinates ``idx`` (3, N) reads."""
        lo_i = np.clip(np.floor(idx).astype(int), 0, (self.n - 1)[:, None])
        need = np.zeros(self.filled.shape, dtype=bool)
        for corner in (lo_i, np.minimum(lo_i + 1, (self.n - 1)[:, None])):
            need[tuple(corner // self.BLOCK)] = True
        blocks = np.argwhere(need & ~self.filled)
        if len(blocks) == 0:
            return
        b = self.BLOCK
        offsets = np.stack(np.meshgrid(*(np.arange(b),) * 3, indexing="ij"), axis=-1).reshape(-1, 3)
        ijk = (blocks[:, None, :] * b + offsets[None]).reshape(-1, 3)
        ijk = ijk[np.all(ijk < self.n, axis=1)]
        self.values[tuple(ijk.T)] = self.sdf(self.lo + self.STEP * ijk)
        self.filled[tuple(blocks.T)] = True

    def __call__(self, p: np.ndarray) -> np.ndarray:
        from scipy.ndimage import map_coordinates

        idx = ((p - self.lo) / self.STEP).T
        self._fill(idx)
        return map_coordinates(self.values, idx, order=1, mode="nearest")


# -- one bone ----------------------------------------------------------------------------------------
_BOUNDS: dict[str, tuple[np.ndarray, np.ndarray]] = {}


def _lattice(lo, hi, origin, step: float) -> np.ndarray:
    """(N, 3) points ``origin + step * k`` (integer k) from ``lo`` up to the first at or beyond ``hi``
    (as ``np.arange(lo, hi + step, step)`` when ``lo`` is the origin)."""
    k0 = np.ceil((lo - origin) / step - 1e-9)
    k1 = np.ceil((hi - origin) / step - 1e-9)
    axes = [origin[k] + step * np.arange(k0[k], k1[k] + 1) for k in range(3)]
    return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)


def _bounds(name: str, sdf: SDF) -> tuple[np.ndarray, np.ndarray]:
    """A box around the inside of bone ``name`` (found on a 4 mm grid, then 1.5 mm around it), padded
    3 mm; computed once a process (the build computes every box once and hands them to its workers)."""
    if name in _BOUNDS:
        return _BOUNDS[name]
    lo, hi = np.array([-60.0, -40.0, -90.0]), np.array([260.0, 260.0, 90.0])
    # where on the 4 mm lattice to look: near the points of a 12 mm lattice that the bone can reach
    # (a 4 mm point within 4 mm of the bone is within half a 12 mm cell's diagonal of one of them)
    reach = 0.5 * np.sqrt(3) * 12.0
    g = _lattice(lo, hi, lo, 12.0)
    rough = g[sdf(g) < 4.0 + SDF_SLOPE * reach]
    if len(rough) == 0:
        raise ValueError("empty bone")
    box = (np.maximum(lo, rough.min(axis=0) - reach), np.minimum(hi, rough.max(axis=0) + reach))
    for step in (4.0, 1.5):
        g = _lattice(*box, lo, step)
        inside = g[sdf(g) < step]
        if len(inside) == 0:
            raise ValueError("empty bone")
        lo = inside.min(axis=0) - step
        box = (lo, inside.max(axis=0) + step)
    _BOUNDS[name] = (box[0] - 1.5, box[1] + 1.5)
    return _BOUNDS[name]


_SAMPLED: dict[str, Sampled] = {}


def _distance_over_sweep(ph: np.ndarray, sweep, o_lo, o_hi, pad: float, carver: Sampled) -> np.ndarray:
    """The least distance to the carver over every pose of the sweep at points ``ph`` (N, 4; homogeneous,
    carved bone's frame), reading the carver only where a point falls in its box grown by ``pad``
    (1e3 where it never does)."""
    d = np.full(len(ph), 1e3)
    for M in sweep:
        q = ph @ M.T
        near = np.all((q[:, :3] >= o_lo - pad) & (q[:, :3] <= o_hi + pad), axis=1)
        if near.any():
            d[near] = np.minimum(d[near], carver(q[near, :3]))
    return d


def carved_volume(name: str, sdfs: dict[str, SDF], settings: dict, W: np.ndarray, index: dict[str, int]):
    """The bone's carved signed distance on its grid: (origin, spacing, values (nx, ny, nz))."""

    def sampled(other: str) -> Sampled:
        if other not in _SAMPLED:
            _SAMPLED[other] = Sampled(sdfs[other], *_bounds(other, sdfs[other]))
        return _SAMPLED[other]
    from scipy.ndimage import map_coordinates

    from app.anatomy.bonegen.sdf import smax

    raw = sdfs[name]
    lo, hi = _bounds(name, raw)
    h = settings.get("voxel_mm", DEFAULT_VOXEL_MM)
    n = np.ceil((hi - lo) / h).astype(int) + 1
    values = sample_grid(raw, lo, h, n, exact_within=CARVE_BLEND_MM + 1.0).ravel()
    band = np.flatnonzero(values < CARVE_BLEND_MM + 1.0)  # only where the surface can change
    band_ijk = np.stack(np.unravel_index(band, n), axis=1)  # their grid indices
    pts = lo + h * band_ijk
    ph = np.c_[pts, np.ones(len(pts))]
    for other in CARVE_ORDER[: CARVE_ORDER.index(name)]:
        if other not in sdfs:
            continue
        o_lo, o_hi = _bounds(other, sdfs[other])
        if np.any(o_lo > hi + 15.0) or np.any(o_hi < lo - 15.0):
            continue  # never near enough to touch
        sweep = relative_sweep(W, index[name], index[other])
        # the carver's box seen from the carved bone over the whole sweep: only points in it can change
        corners = np.array([[x, y, z, 1.0] for x in (o_lo[0], o_hi[0]) for y in (o_lo[1], o_hi[1])
                            for z in (o_lo[2], o_hi[2])])
        seen = np.concatenate([corners @ np.linalg.inv(M).T for M in sweep])[:, :3]
        gap = carve_gap(name, other)
        pad = gap + CARVE_BLEND_MM + 1.0
        cand = np.flatnonzero(np.all((pts >= seen.min(axis=0) - pad) & (pts <= seen.max(axis=0) + pad), axis=1))
        if len(cand) == 0:
            continue
        reach = gap + CARVE_BLEND_MM + 0.5  # a carver this close (in some pose) changes the surface
        # first on a grid COARSE times coarser: a point whose coarse estimate is far beyond reach is
        # beyond reach (the estimate errs by at most SDF_SLOPE times half a coarse cell's diagonal)
        ijk = band_ijk[cand]
        c0, c1 = ijk.min(axis=0) // COARSE, ijk.max(axis=0) // COARSE + 1
        H = h * COARSE
        cijk = np.stack(np.meshgrid(*(np.arange(c0[k], c1[k] + 1) for k in range(3)), indexing="ij"), axis=-1)
        cpts = lo + H * cijk.reshape(-1, 3)
        d_coarse = _distance_over_sweep(np.c_[cpts, np.ones(len(cpts))], sweep, o_lo, o_hi,
                                        pad + np.sqrt(3) * H, sampled(other)).reshape(cijk.shape[:3])
        estimate = map_coordinates(d_coarse, (ijk / COARSE - c0).T, order=1, mode="nearest")
        near = np.flatnonzero(estimate < reach + SDF_SLOPE * np.sqrt(3) * H / 2)
        cand = cand[near]
        d_best = _distance_over_sweep(ph[cand], sweep, o_lo, o_hi, pad, sampled(other))
        hit = d_best < reach
        if hit.any():
            idx = band[cand[hit]]
            values[idx] = smax(values[idx], -(d_best[hit] - gap), k=CARVE_BLEND_MM)
    return lo, h, values.reshape(n)


def mesh_of(lo, h, vol, triangles: int):
    import pyvista as pv
    import vtk

    image = pv.ImageData(dimensions=tuple(int(x) for x in vol.shape), spacing=(h, h, h),
                         origin=tuple(float(x) for x in lo))
    image.point_data["sdf"] = vol.ravel(order="F")
    surf = image.contour([0.0], scalars="sdf", method="flying_edges")
    surf = surf.connectivity("largest").extract_surface(algorithm="dataset_surface").triangulate().clean()
    if surf.n_cells > triangles:
        full = surf
        for target in (triangles, triangles * 1.05, triangles * 1.12, triangles * 1.2, triangles * 1.35):
            dec = vtk.vtkQuadricDecimation()
            dec.SetInputData(full)
            dec.SetTargetReduction(1.0 - min(1.0, target / full.n_cells))
            dec.VolumePreservationOn()
            dec.Update()
            surf = pv.wrap(dec.GetOutput()).clean()
            if closed_manifold(surf):
                break  # quadric decimation can pinch a thin part into a non-manifold edge: try a little less
        else:  # keep the topology at any cost of quality: DecimatePro never pinches
            dec = vtk.vtkDecimatePro()
            dec.SetInputData(full)
            dec.SetTargetReduction(1.0 - min(1.0, triangles / full.n_cells))
            dec.PreserveTopologyOn()
            dec.SplittingOff()
            dec.BoundaryVertexDeletionOff()
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


def closed_manifold(surf) -> bool:
    """Every edge shared by exactly two triangles (a closed surface without pinches)."""
    faces = np.asarray(surf.faces).reshape(-1, 4)[:, 1:]
    edges = np.sort(np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]]), axis=1)
    _, counts = np.unique(edges, axis=0, return_counts=True)
    return bool(len(faces)) and bool(np.all(counts == 2))


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


# -- the whole skeleton ----------------------------------------------------------------------------
_STATE: dict = {}


def _init_worker(rig_path) -> None:
    import vtk

    from app.anatomy import load_rig
    from app.anatomy.bonegen.geometry import Geometry

    vtk.vtkSMPTools.SetBackend("Sequential")  # deterministic output
    vtk.vtkObject.GlobalWarningDisplayOff()
    rig = load_rig(rig_path)
    sdfs, settings = registry(Geometry(rig))
    _STATE.update(rig=rig, sdfs=sdfs, settings=settings, W=technique_poses(rig),
                  index={b.name: b.index for b in rig.bones})


def _box_of(name: str) -> tuple[str, tuple[np.ndarray, np.ndarray]]:
    return name, _bounds(name, _STATE["sdfs"][name])


def _build_one(task: tuple[str, dict]) -> tuple[str, bytes, int]:
    name, boxes = task
    _BOUNDS.update(boxes)
    s = _STATE
    lo, h, vol = carved_volume(name, s["sdfs"], s["settings"][name], s["W"], s["index"])
    mesh = mesh_of(lo, h, vol, s["settings"][name].get("triangles", 3000))
    return name, ply_bytes(mesh), mesh.n_cells


def build_all(out_dir: str | Path, *, only: list[str] | None = None, jobs: int = 1, rig_path=None,
              verbose: bool = False, landmarks: bool = True) -> dict[str, int]:
    """Build the bones (all, or ``only``) into ``out_dir``; return triangles per bone built."""
    from app.anatomy import load_rig

    rig = load_rig(rig_path)
    names = [b.name for b in rig.bones if only is None or b.name in only]
    unknown = set(only or ()) - {b.name for b in rig.bones}
    if unknown:
        raise SystemExit(f"unknown bones: {', '.join(sorted(unknown))}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    import multiprocessing as mp

    # always in worker processes, even for one job: every bone is built in the same kind of fresh
    # process, so a bone built alone is byte for byte the bone built with all the others
    # every bone's box once (a carve needs its carvers' boxes), then the bones, largest first so that
    # the workers finish together
    carvers = [b for b in CARVE_ORDER if b in {x.name for x in rig.bones}
               and CARVE_ORDER.index(b) <= max(CARVE_ORDER.index(n) for n in names)]
    with mp.get_context("fork").Pool(max(1, min(jobs, len(names))), initializer=_init_worker,
                                     initargs=(rig.path,)) as pool:
        boxes = dict(pool.map(_box_of, sorted(set(carvers) | set(names)), chunksize=1))
        order = sorted(names, key=lambda n: -float(np.prod(boxes[n][1] - boxes[n][0])))
        results = pool.map(_build_one, [(n, boxes) for n in order], chunksize=1)
    for name, data, n in results:
        target = out / rig.bone(name).mesh
        tmp = target.with_name(f".{target.name}.building")
        tmp.write_bytes(data)
        os.replace(tmp, target)  # a reader never sees half a mesh
        counts[name] = n
        if verbose:
            print(f"{name:24s} {n:6d} triangles", file=sys.stderr)
    if landmarks and only is None:
        from app.anatomy import build_landmarks

        build_landmarks.write(out, out / "landmarks.json", rig)
    return counts


def main(argv=None) -> int:
    from app import MESH_DIR

    ap = argparse.ArgumentParser(description="Build the Talus bone meshes from the rig.")
    ap.add_argument("--out", default=str(MESH_DIR))
    ap.add_argument("--only", help="comma-separated bone names (default: every bone)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args(argv)
    only = [s.strip() for s in args.only.split(",")] if args.only else None
    counts = build_all(args.out, only=only, jobs=args.jobs, verbose=True)
    print(f"{len(counts)} bones, {sum(counts.values())} triangles -> {args.out}")
    return 0
