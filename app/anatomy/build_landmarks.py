"""Snap every landmark site onto its bone's mesh and write ``meshes/landmarks.json``.

    python -m app.anatomy.build_landmarks [--meshes DIR] [--out FILE]

Run by the mesh generator after it writes the meshes (and on its own after a site changes). For each
site of :mod:`app.anatomy.landmark_sites` and :mod:`app.anatomy.attachment_sites`: the rough point
(a rig joint centre plus an offset, or a GM reference point times the rig scale), then the surface
vertex the site's rule picks among the bone's mesh vertices, with the mesh's outward normal there.
The output is in each bone's frame (the foot frame at the neutral pose, where the meshes are stored),
vertices rounded to 0.01 mm, so regenerating gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

AXES = {"x": 0, "y": 1, "z": 2}


def all_sites():
    from app.anatomy.landmark_sites import SITES

    try:
        from app.anatomy.attachment_sites import SITES as ATTACH
    except ImportError:  # before the soft-tissue sites exist
        ATTACH = ()
    return tuple(SITES) + tuple(ATTACH)


def rough_point(site, rig) -> np.ndarray:
    """The rough foot-frame position of a site (mm)."""
    J = {j.name: j.centre_mm for j in rig.joints}
    off = np.asarray(site.offset_mm, dtype=float)
    kind, _, arg = site.near.partition(":")
    if kind == "gm":
        return off * rig.scale
    if kind == "joint":
        return J[arg] + off
    if kind == "ray":  # midway along metatarsal i
        return (J[f"tarsometatarsal_{arg}"] + J[f"metatarsophalangeal_{arg}"]) / 2 + off
    if kind == "phalanx":  # midway along the proximal phalanx of toe i
        nxt = J["interphalangeal_1"] if arg == "1" else J[f"proximal_interphalangeal_{arg}"]
        return (J[f"metatarsophalangeal_{arg}"] + nxt) / 2 + off
    if kind == "tip":  # the distal joint of toe i
        return (J["interphalangeal_1"] if arg == "1" else J[f"distal_interphalangeal_{arg}"]) + off
    raise ValueError(f"site {site.bone}.{site.name}: unknown 'near' {site.near!r}")


def snap(site, points: np.ndarray, normals: np.ndarray, rough: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The vertex a site's rule picks, and its normal."""
    d = np.linalg.norm(points - rough, axis=1)
    i = int(np.argmin(d))
    if site.snap != "nearest":
        # the region: surface within radius_mm of the surface point nearest the rough point
        sense, axis = site.snap.split("_")
        near = np.flatnonzero(np.linalg.norm(points - points[i], axis=1) <= site.radius_mm)
        vals = points[near, AXES[axis]]
        i = int(near[np.argmin(vals) if sense == "min" else np.argmax(vals)])
    n = normals[i] / np.linalg.norm(normals[i])
    return points[i], n


def build(mesh_dir: Path, rig=None) -> dict:
    import pyvista as pv

    from app.anatomy import load_rig
    from app.anatomy.meshfile import read_ply

    rig = rig or load_rig()
    cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    entries = []
    for site in all_sites():
        if site.bone not in cache:
            checked = read_ply(mesh_dir / rig.bone(site.bone).mesh, what=f"mesh of bone '{site.bone}'")
            mesh = pv.PolyData.from_regular_faces(checked.points, checked.triangles)
            if checked.normals is None:
                mesh = mesh.compute_normals(cell_normals=False, split_vertices=False)
            normals = checked.normals if checked.normals is not None else mesh.point_data["Normals"]
            cache[site.bone] = (np.asarray(mesh.points, float), np.asarray(normals, float))
        p, n = snap(site, *cache[site.bone], rough_point(site, rig))
        entries.append({"bone": site.bone, "name": site.name, "label": site.label, "kind": site.kind,
                        "point_mm": [round(float(x), 2) for x in p], "normal": [round(float(x), 4) for x in n],
                        "source": site.source})
    return {"format": "talus-landmarks", "version": 1,
            "frame": "each point in its bone's frame: the foot frame at the neutral pose (X anterior, Y superior, "
                     "Z lateral, right foot, mm), the frame the bone's mesh is stored in; normal = outward surface normal",
            "generated_by": "python -m app.anatomy.build_landmarks (sites: app/anatomy/landmark_sites.py, attachment_sites.py)",
            "landmarks": entries}


def write(mesh_dir: Path, out: Path, rig=None) -> int:
    data = build(mesh_dir, rig)
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(data["landmarks"])


def main(argv=None) -> int:
    from app import LANDMARKS_PATH, MESH_DIR

    ap = argparse.ArgumentParser(description="Snap the landmark sites onto the bone meshes.")
    ap.add_argument("--meshes", default=str(MESH_DIR))
    ap.add_argument("--out", default=str(LANDMARKS_PATH))
    args = ap.parse_args(argv)
    n = write(Path(args.meshes), Path(args.out))
    print(f"{n} landmarks -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
