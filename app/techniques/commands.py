"""``talus check``, ``talus list`` and ``talus kinematics``: plain functions writing to a stream."""

from __future__ import annotations

import csv
import json
import sys
from typing import TextIO

import numpy as np
from scipy.spatial.transform import Rotation

from app.techniques.library import load_library
from app.techniques.timeline import Timeline, check_magnify


def run_check(path: str, out: TextIO | None = None) -> int:
    """Print every problem of a techniques file with its JSON path; 1 if there is any, else 0."""
    from app.jsonfile import printable

    out = out or sys.stdout
    result = load_library(path)
    for p in result.problems:
        print(p, file=out)
    shown = printable(str(path))  # a file name of undecodable bytes must not crash the report
    if result.problems:
        print(f"{shown}: {len(result.problems)} problem(s); {len(result.techniques)} technique(s) valid", file=out)
        return 1
    print(f"{shown}: OK, {len(result.techniques)} technique(s), {len(result.anatomy_notes)} anatomy note(s)", file=out)
    for t in result.techniques:
        for k, c in enumerate(t.contacts):
            if c.converted_from_point_mm:
                offset = ", ".join(f"{x:g}" for x in c.offset_mm)
                print(f"{shown}: technique '{t.id}': contacts[{k}]: old point_mm form, read as landmark "
                      f"'{c.landmark}' of {c.bone} + offset [{offset}] mm; write "
                      f'"landmark": "{c.landmark}", "offset_mm": [{offset}] in its place', file=out)
    return 0


def run_list(path: str | None, out: TextIO | None = None) -> int:
    """Print id, name, region, duration (s, repeats included) and joints of each valid technique."""
    out = out or sys.stdout
    from app.anatomy import load_rig

    rig = load_rig()
    result = load_library(path, rig=rig)
    rows = [("id", "name", "region", "duration", "joints")]
    for t in result.techniques:
        tl_duration = sum(p.duration_s * p.repeat for p in t.phases)
        rows.append((t.id, t.name, t.region, f"{tl_duration:.1f} s", ", ".join(t.joints)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        print("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4], file=out)
    for p in result.problems:
        print(f"skipped: {p}", file=sys.stderr)
    return 1 if result.problems and not result.techniques else 0


def kinematics_table(timeline: Timeline, *, magnified: bool = False, tissues=None) -> tuple[list[str], list[list]]:
    """Header and rows: frame, time_s, phase, every coordinate, then per bone px..pz, qw..qz (mm), then per
    tissue (``tissues``: a :class:`~app.anatomy.tissues.TissueSet`) its length (mm) and strain (%), always at
    true size: the length and strain of its most strained line."""
    rig = timeline.rig
    header = ["frame", "time_s", "phase"] + [c.name for c in rig.coordinates]
    for b in rig.bones:
        header += [f"{b.name}.{s}" for s in ("px", "py", "pz", "qw", "qx", "qy", "qz")]
    if tissues is not None:
        for t in tissues:
            header += [f"{t.name}.length_mm", f"{t.name}.strain_pct"]
        W_true = np.stack([timeline.true_transforms(f) for f in range(timeline.n_frames)])
        strain, line = tissues.tissue_strains(W_true)
        length = np.take_along_axis(tissues.lengths(W_true), line, axis=-1)
    rows = []
    for f in range(timeline.n_frames):
        q = timeline.pose(f) if magnified else timeline.coordinates(f)
        W = timeline.kin.transforms(q)
        quat = Rotation.from_matrix(W[:, :3, :3]).as_quat()  # x, y, z, w
        quat = np.where(quat[:, 3:4] < 0, -quat, quat)  # w >= 0: one sign for the same rotation
        row = [f, round(timeline.time_of(f), 6), timeline.phases[timeline.phase_index(f)].name]
        row += [round(float(v), 6) for v in q]
        for i in range(len(rig.bones)):
            row += [round(float(v), 6) for v in W[i, :3, 3]]
            row += [round(float(quat[i, 3]), 8)] + [round(float(v), 8) for v in quat[i, :3]]
        if tissues is not None:
            for t in tissues:
                row += [round(float(length[f, t.index]), 4), round(100.0 * float(strain[f, t.index]), 4)]
        rows.append(row)
    return header, rows


def run_kinematics(technique_id: str, *, fps: float = 30.0, fmt: str = "csv", magnify: float | None = None,
                   out: TextIO | None = None, library_path: str | None = None, tissues: bool = True) -> int:
    """Write a technique's frames (true size unless ``magnify``) as CSV, JSON or an OpenSim .mot file.

    With ``tissues`` (CSV and JSON), each tissue's length (mm) and strain (%) follow, at true size always."""
    out = out or sys.stdout
    from app.anatomy import load_rig

    rig = load_rig()
    result = load_library(library_path, rig=rig)
    tech = result.technique(technique_id)
    if tech is None:
        where = library_path or "the bundled library"
        why = [p for p in result.problems if p.technique_id == technique_id]
        if why:
            print(f"talus kinematics: technique '{technique_id}' in {where} was rejected:", file=sys.stderr)
            for p in why:
                print(f"  {p}", file=sys.stderr)
            return 2
        unread = [p for p in result.problems if p.technique_id is None]
        for p in unread:  # the file itself could not be read
            print(f"talus kinematics: {p}", file=sys.stderr)
        known = ", ".join(t.id for t in result.techniques)
        print(f"talus kinematics: no technique '{technique_id}' in {where}; known: {known or 'none'}", file=sys.stderr)
        return 2
    if not (fps > 0) or fps > 1000:
        print(f"talus kinematics: --fps must be between 0 and 1000, not {fps}", file=sys.stderr)
        return 2
    if magnify is not None:
        magnify = check_magnify(magnify)  # the one check (a TalusError the command line prints)
    tl = Timeline(tech, rig, fps=fps, magnify=magnify if magnify is not None else 1.0)
    tissue_set = None
    if tissues and fmt != "mot":
        from app.anatomy.tissues import load_tissues

        tissue_set = load_tissues(rig=rig, kinematics=tl.kin)
    header, rows = kinematics_table(tl, magnified=magnify is not None, tissues=tissue_set)
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    elif fmt == "json":
        json.dump({"technique": tech.id, "fps": fps, "magnify": magnify or 1.0, "units": {"angles": "deg", "translations": "mm", "tissue lengths": "mm, true size",
                                                                           "tissue strains": "% of the slack length, true size"},
                   "frame": "foot frame: X anterior, Y superior, Z lateral (right foot), mm",
                   "columns": header, "frames": [dict(zip(header, r)) for r in rows]}, out, indent=1)
        out.write("\n")
    elif fmt == "mot":
        coords = [c.name for c in rig.coordinates]
        out.write(f"{tech.id}\nversion=1\nnRows={len(rows)}\nnColumns={len(coords) + 1}\ninDegrees=yes\n")
        out.write("# translations in millimetres (Talus foot frame)\nendheader\n")
        out.write("\t".join(["time"] + coords) + "\n")
        for r in rows:
            out.write("\t".join(f"{v:.6f}" for v in [r[1]] + r[3:3 + len(coords)]) + "\n")
    else:
        print(f"talus kinematics: unknown format {fmt!r}", file=sys.stderr)
        return 2
    return 0
