"""Load and validate techniques files: JSON Schema for the shape, then semantic checks against the rig.

Nothing here raises on bad content. Every problem becomes a :class:`Problem` naming the file, the
technique and the JSON path (``techniques[3].tracks["talocrural.dorsiflexion"][2].t``); a technique
with a problem is left out and every other technique loads.

Checks beyond the schema: unknown bone, joint or coordinate names; key values outside the
coordinate's normal range (oscillations included); key times that do not increase or run past the
technique; phases that do not add up to the technique's duration; duplicate ids (within a file and
across files); a track moving a joint the technique does not list, or a listed joint no track moves;
cues longer than 25 words; target tissues not named in ``meshes/tissues.json``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.techniques.model import AnatomyNote, Contact, Key, Oscillation, Phase, Technique

MAX_CUE_WORDS = 25
FORMAT = "talus-techniques"
VERSION = 1


@dataclass(frozen=True)
class Problem:
    file: str
    technique_id: str | None
    path: str
    message: str

    def __str__(self) -> str:
        who = f"technique '{self.technique_id}': " if self.technique_id else ""
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}: {who}{where}{self.message}"


@dataclass
class LoadResult:
    techniques: list[Technique] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    anatomy_notes: list[AnatomyNote] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def technique(self, technique_id: str) -> Technique | None:
        return next((t for t in self.techniques if t.id == technique_id), None)


def json_path(parts: Iterable[Any]) -> str:
    """('techniques', 3, 'tracks', 'a.b', 2, 't') -> techniques[3].tracks["a.b"][2].t"""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(p)):
            out += ("." if out else "") + str(p)
        else:
            out += f'["{p}"]'
    return out


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads((Path(__file__).with_name("schema.json")).read_text(encoding="utf-8"))


def _validator(subschema: str | None = None):
    import jsonschema

    s = schema()
    if subschema:
        s = {"$defs": s["$defs"], "$ref": f"#/$defs/{subschema}"}
    return jsonschema.Draft202012Validator(s)


def _schema_problems(validator, instance, prefix: list, file: str, tid: str | None) -> list[Problem]:
    problems = []
    for err in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        msg = err.message
        if err.validator == "additionalProperties":
            msg = msg.replace("Additional properties are not allowed", "unknown field(s)")
        problems.append(Problem(file, tid, json_path(prefix + list(err.absolute_path)), msg))
    return problems


def load_library(path: str | Path | None = None, rig=None) -> LoadResult:
    """Load one techniques file (default: the bundled ``techniques.json``)."""
    return load_libraries([path], rig=rig)


def load_libraries(paths: Sequence[str | Path | None], rig=None) -> LoadResult:
    """Load several files; ids must be unique across them (the first file's technique wins)."""
    from app import TECHNIQUES_PATH
    from app.anatomy import load_rig

    rig = rig or load_rig()
    result = LoadResult()
    for p in paths:
        path = Path(p) if p is not None else TECHNIQUES_PATH
        _load_file(path, rig, result)
    return result


def parse_text(text: str, file: str, rig, result: LoadResult) -> None:
    """Validate the text of a techniques file into ``result`` (used for files and the editor)."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        result.problems.append(Problem(file, None, "", f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"))
        return
    top = {k: v for k, v in raw.items() if k != "techniques"} if isinstance(raw, dict) else raw
    if isinstance(raw, dict):
        top["techniques"] = []
    problems = _schema_problems(_validator(), top, [], file, None)
    if problems:
        result.problems.extend(problems)
        return
    for n, note in enumerate(raw.get("anatomy_notes", [])):
        bad = [b for b in note.get("bones", []) if b not in rig.bone_names] + \
              [j for j in note.get("joints", []) if j not in rig.joint_names]
        if bad:
            result.problems.append(Problem(file, None, json_path(["anatomy_notes", n]), f"unknown bone or joint {bad}"))
            continue
        result.anatomy_notes.append(AnatomyNote(note["text"], tuple(note.get("bones", [])), tuple(note.get("joints", [])),
                                                note.get("source_paragraph")))
    techniques = raw.get("techniques")
    if not isinstance(techniques, list):
        result.problems.append(Problem(file, None, "techniques", "must be a list"))
        return
    validator = _validator("technique")
    known = {t.id for t in result.techniques}
    for i, t in enumerate(techniques):
        tid = t.get("id") if isinstance(t, dict) and isinstance(t.get("id"), str) else None
        prefix = ["techniques", i]
        problems = _schema_problems(validator, t, prefix, file, tid)
        if not problems:
            problems = _semantic_problems(t, rig, prefix, file, tid)
        if not problems and tid in known:
            problems = [Problem(file, tid, json_path(prefix + ["id"]), f"duplicate id '{tid}' (already loaded)")]
        if problems:
            result.problems.extend(problems)
            continue
        known.add(tid)
        result.techniques.append(build_technique(t, rig, file))


def _load_file(path: Path, rig, result: LoadResult) -> None:
    file = str(path)
    result.files.append(file)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        result.problems.append(Problem(file, None, "", "file not found"))
        return
    except (OSError, UnicodeDecodeError) as exc:
        result.problems.append(Problem(file, None, "", f"cannot read the file ({getattr(exc, 'strerror', None) or exc})"))
        return
    parse_text(text, file, rig, result)


def _semantic_problems(t: dict, rig, prefix: list, file: str, tid: str | None) -> list[Problem]:
    out: list[Problem] = []

    def bad(parts: list, message: str) -> None:
        out.append(Problem(file, tid, json_path(prefix + parts), message))

    joints = set(rig.joint_names)
    for field_ in ("joints", "stabilised_joints"):
        for k, j in enumerate(t.get(field_, [])):
            if j not in joints:
                bad([field_, k], f"unknown joint '{j}'")
    for k, b in enumerate(t.get("stabilised_bones", [])):
        if b not in rig.bone_names:
            bad(["stabilised_bones", k], f"unknown bone '{b}'")
    duration = float(t["duration_s"])
    total = sum(p["duration_s"] for p in t["phases"])
    if not math.isclose(total, duration, abs_tol=1e-6):
        bad(["phases"], f"phases last {total:g} s in all but the technique lasts {duration:g} s (duration_s): they must cover it exactly")
    names = [p["name"] for p in t["phases"]]
    for k, p in enumerate(t["phases"]):
        if names.index(p["name"]) != k:
            bad(["phases", k, "name"], f"duplicate phase name '{p['name']}'")
        words = len(p["cue"].split())
        if words > MAX_CUE_WORDS:
            bad(["phases", k, "cue"], f"cue has {words} words; keep it to {MAX_CUE_WORDS} or fewer")
    listed = set(t["joints"])
    moved_joints = set()
    osc_by_coord: dict[str, float] = {}
    for k, o in enumerate(t.get("oscillations", [])):
        if not rig.has_coordinate(o["coordinate"]):
            bad(["oscillations", k, "coordinate"], f"unknown coordinate '{o['coordinate']}'")
            continue
        if o["phase"] not in names:
            bad(["oscillations", k, "phase"], f"no phase named '{o['phase']}'")
        c = rig.coordinate(o["coordinate"])
        if c.joint not in listed:
            bad(["oscillations", k, "coordinate"], f"moves joint '{c.joint}', which the technique does not list in joints")
        moved_joints.add(c.joint)
        osc_by_coord[c.name] = max(osc_by_coord.get(c.name, 0.0), abs(o["amplitude"]))
    for name, keys in t["tracks"].items():
        if not rig.has_coordinate(name):
            bad(["tracks", name], f"unknown coordinate '{name}'")
            continue
        c = rig.coordinate(name)
        if c.joint not in listed:
            bad(["tracks", name], f"moves joint '{c.joint}', which the technique does not list in joints")
        moved_joints.add(c.joint)
        lo, hi = c.range
        extra = osc_by_coord.get(name, 0.0)
        prev = -math.inf
        for k, key in enumerate(keys):
            if key["t"] <= prev:
                bad(["tracks", name, k, "t"], f"key times must increase: {key['t']:g} s comes after {prev:g} s")
            if key["t"] > duration + 1e-9:
                bad(["tracks", name, k, "t"], f"key at {key['t']:g} s is after the end of the technique ({duration:g} s)")
            prev = key["t"]
            v = key["value"]
            if not (lo - 1e-9 <= v <= hi + 1e-9) or not (lo - 1e-9 <= v + extra <= hi + 1e-9 or extra == 0):
                shown = f"{v:g}" + (f" (+{extra:g} oscillation)" if extra else "")
                bad(["tracks", name, k, "value"], f"{shown} {c.unit} is outside the normal range of {name}, {lo:g} to {hi:g} {c.unit}")
    for j in sorted(listed - moved_joints):
        bad(["joints"], f"joint '{j}' is listed but no track or oscillation moves it")
    for k, contact in enumerate(t.get("contacts", [])):
        if contact["bone"] not in rig.bone_names:
            bad(["contacts", k, "bone"], f"unknown bone '{contact['bone']}'")
        if math.hypot(*contact["direction"]) < 1e-6:
            bad(["contacts", k, "direction"], "direction must not be zero")
    for k, note in enumerate(t.get("anatomy_notes", [])):
        for b in note.get("bones", []):
            if b not in rig.bone_names:
                bad(["anatomy_notes", k, "bones"], f"unknown bone '{b}'")
    if t.get("targets"):
        from app.anatomy.tissues import TissueError, tissue_names

        try:
            known_tissues = tissue_names()
        except TissueError:  # the tissues file itself is broken: the window reports that; the technique still loads
            known_tissues = None
        for k, name in enumerate(t["targets"] if known_tissues is not None else []):
            if name not in known_tissues:
                bad(["targets", k], f"unknown tissue '{name}' (tissues are named in meshes/tissues.json)")
    return out


def build_technique(t: dict, rig, file: str) -> Technique:
    """A validated JSON object -> Technique (bone sets derived from the rig)."""
    joints = tuple(t["joints"])
    coords = set(t["tracks"]) | {o["coordinate"] for o in t.get("oscillations", [])}
    moved: set[str] = set()
    for c in coords:
        moved |= rig.bones_moved_by(c)
    stabilised: set[str] = set(t.get("stabilised_bones", []))
    for j in t.get("stabilised_joints", []):
        for tj in rig.tree_joints(j):
            stabilised.add(rig.joint(tj).parent)
    order = {b: i for i, b in enumerate(rig.bone_names)}
    worked = {rig.joint(tj).child for j in joints for tj in rig.tree_joints(j)}
    contacts = tuple(
        Contact(c["hand"], c["part"], c["bone"], tuple(float(x) for x in c["point_mm"]),
                tuple(float(x) / math.hypot(*c["direction"]) for x in c["direction"]), c["label"])
        for c in t.get("contacts", []))
    return Technique(
        id=t["id"], name=t["name"], region=t["region"], summary=t["summary"], duration_s=float(t["duration_s"]),
        joints=joints, stabilised_joints=tuple(t.get("stabilised_joints", [])),
        moved_bones=tuple(sorted(moved, key=order.get)), stabilised_bones=tuple(sorted(stabilised - moved, key=order.get)),
        worked_bones=tuple(sorted(worked, key=order.get)),
        phases=tuple(Phase(p["name"], float(p["duration_s"]), p["cue"], int(p.get("repeat", 1))) for p in t["phases"]),
        tracks={name: tuple(Key(float(k["t"]), float(k["value"]), k.get("interp", "smooth")) for k in keys)
                for name, keys in t["tracks"].items()},
        oscillations=tuple(Oscillation(o["coordinate"], o["phase"], float(o["frequency_hz"]), float(o["amplitude"]))
                           for o in t.get("oscillations", [])),
        contacts=contacts, precautions=tuple(t["precautions"]), source_paragraphs=tuple(t["source_paragraphs"]),
        display_magnification=float(t.get("display_magnification", 1.0)),
        anatomy_notes=tuple(AnatomyNote(n["text"], tuple(n.get("bones", [])), tuple(n.get("joints", [])),
                                        n.get("source_paragraph")) for n in t.get("anatomy_notes", [])),
        targets=tuple(t.get("targets", [])),
        file=file, raw=t)
