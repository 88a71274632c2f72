"""Load and validate techniques files: JSON Schema for the shape, then semantic checks against the rig.

Nothing here raises on bad content. Every problem becomes a :class:`Problem` naming the file, the
technique and the JSON path (``techniques[3].tracks["talocrural.dorsiflexion"][2].t``); a technique
with a problem is left out and every other technique loads.

Checks beyond the schema: unknown bone, joint or coordinate names; key values outside the
coordinate's normal range (oscillations included); key times that do not increase or run past the
technique; phases that do not add up to the technique's duration; duplicate ids (within a file and
across files); a track moving a joint the technique does not list, or a listed joint no track moves;
cues longer than 25 words; a contact on an unknown landmark (the message lists the bone's landmarks),
too far from it, or whose arrow names an unknown phase or a coordinate nothing moves. A contact in the
old form (a foot-frame ``point_mm``) is read as its bone's nearest landmark plus the offset to it; target tissues
not named in ``meshes/tissues.json``.
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

from app import jsonfile
from app.techniques.model import AnatomyNote, Contact, Key, Oscillation, Phase, Technique

MAX_CUE_WORDS = 25
MAX_TECHNIQUES = 1000  # per file: validating one takes a few ms, so a file loads in seconds at worst
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
        return f"{jsonfile.printable(self.file)}: {who}{where}{self.message}"


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
        elif err.validator == "type":  # never quote the (possibly huge) value itself
            msg = f"must be {_a(err.validator_value)}, not {_a(_json_type(err.instance))}"
        if len(msg) > 200:
            msg = msg[:197] + "..."
        problems.append(Problem(file, tid, json_path(prefix + list(err.absolute_path)), jsonfile.printable(msg)))
    return problems


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return {dict: "object", list: "array", str: "string", int: "integer", float: "number"}.get(type(value), "value")


def _a(kind) -> str:
    if isinstance(kind, list):
        return " or ".join(_a(k) for k in kind)
    return f"{'an' if str(kind)[0] in 'aeiou' else 'a'} {kind}"


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
        raw = jsonfile.loads(text, check=False)  # values checked below, one technique at a time
    except jsonfile.JSONFileProblem as exc:
        result.problems.append(Problem(file, None, exc.path, exc.message))
        return
    if not isinstance(raw, dict):
        result.problems.append(Problem(file, None, "", f"holds {_a(_json_type(raw))}, not a techniques file: it must be "
                                       f'a JSON object with "format": "{FORMAT}", "version": {VERSION} and "techniques"'))
        return
    top = {k: v for k, v in raw.items() if k != "techniques"}
    try:
        jsonfile.check_values(top)
    except jsonfile.JSONFileProblem as exc:
        result.problems.append(Problem(file, None, exc.path, exc.message))
        return
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
    if len(techniques) > MAX_TECHNIQUES:
        result.problems.append(Problem(file, None, "techniques", f"holds {len(techniques)} techniques; Talus reads at "
                                       f"most {MAX_TECHNIQUES} from one file (split it into several)"))
        return
    validator = _validator("technique")
    known = {t.id for t in result.techniques}
    for i, t in enumerate(techniques):
        tid = t.get("id") if isinstance(t, dict) and isinstance(t.get("id"), str) else None
        if tid is not None and (jsonfile.has_surrogate(tid) or len(tid) > 60):
            tid = None  # never print it; the check below names what is wrong with it
        prefix = ["techniques", i]
        try:
            jsonfile.check_values(t, tuple(prefix))
        except jsonfile.JSONFileProblem as exc:
            result.problems.append(Problem(file, tid, exc.path, exc.message))
            continue
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
        text = jsonfile.read_text(path)
    except FileNotFoundError:
        result.problems.append(Problem(file, None, "", "file not found"))
        return
    except jsonfile.JSONFileProblem as exc:
        result.problems.append(Problem(file, None, "", exc.message))
        return
    except OSError as exc:
        result.problems.append(Problem(file, None, "", f"cannot read the file ({exc.strerror or exc})"))
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
    folded = [n.casefold() for n in names]
    for k, p in enumerate(t["phases"]):
        first = folded.index(folded[k])
        if first != k and names[first] == p["name"]:
            bad(["phases", k, "name"], f"duplicate phase name '{p['name']}'")
        elif first != k:
            bad(["phases", k, "name"], f"phase names '{names[first]}' and '{p['name']}' differ only in case; "
                "each phase needs its own name")
        words = len(p["cue"].split())
        if words > MAX_CUE_WORDS:
            bad(["phases", k, "cue"], f"cue has {words} words; keep it to {MAX_CUE_WORDS} or fewer")
    listed = set(t["joints"])
    moved_joints = set()
    # How far the oscillations carry each coordinate below and above its track (signed amplitudes, summed
    # when several overlap): the value moves from the track to track + amplitude.
    osc_low: dict[str, float] = {}
    osc_high: dict[str, float] = {}
    for k, o in enumerate(t.get("oscillations", [])):
        if not rig.has_coordinate(o["coordinate"]):
            bad(["oscillations", k, "coordinate"], f"unknown coordinate '{o['coordinate']}'")
            continue
        if o["phase"] not in names:
            near = [n for n in names if n.casefold() == o["phase"].casefold()]
            hint = f" (did you mean '{near[0]}'? names must match exactly)" if near else ""
            bad(["oscillations", k, "phase"], f"no phase named '{o['phase']}'{hint}")
        c = rig.coordinate(o["coordinate"])
        if c.joint not in listed:
            bad(["oscillations", k, "coordinate"], f"moves joint '{c.joint}', which the technique does not list in joints")
        moved_joints.add(c.joint)
        a = float(o["amplitude"])
        osc_low[c.name] = osc_low.get(c.name, 0.0) + min(a, 0.0)
        osc_high[c.name] = osc_high.get(c.name, 0.0) + max(a, 0.0)
        if c.name not in t["tracks"]:  # no track: the coordinate rests at 0 and swings to the amplitude
            lo, hi = c.range
            if not lo - 1e-9 <= a <= hi + 1e-9:
                bad(["oscillations", k, "amplitude"], f"{a:g} {c.unit} is outside the normal range of {c.name}, "
                    f"{lo:g} to {hi:g} {c.unit}")
    for name, keys in t["tracks"].items():
        if not rig.has_coordinate(name):
            bad(["tracks", name], f"unknown coordinate '{name}'")
            continue
        c = rig.coordinate(name)
        if c.joint not in listed:
            bad(["tracks", name], f"moves joint '{c.joint}', which the technique does not list in joints")
        moved_joints.add(c.joint)
        lo, hi = c.range
        down, up = osc_low.get(name, 0.0), osc_high.get(name, 0.0)
        prev = -math.inf
        for k, key in enumerate(keys):
            if key["t"] <= prev:
                bad(["tracks", name, k, "t"], f"key times must increase: {key['t']:g} s comes after {prev:g} s")
            if key["t"] > duration + 1e-9:
                bad(["tracks", name, k, "t"], f"key at {key['t']:g} s is after the end of the technique ({duration:g} s)")
            prev = key["t"]
            v = key["value"]
            if not lo - 1e-9 <= v <= hi + 1e-9:
                bad(["tracks", name, k, "value"], f"{v:g} {c.unit} is outside the normal range of {name}, {lo:g} to {hi:g} {c.unit}")
            elif not (lo - 1e-9 <= v + down and v + up <= hi + 1e-9):
                swing = f"{v + down:g} to {v + up:g}"
                bad(["tracks", name, k, "value"], f"{v:g} {c.unit} with its oscillation ({swing} {c.unit}) leaves the normal "
                    f"range of {name}, {lo:g} to {hi:g} {c.unit}")
    for j in sorted(listed - moved_joints):
        bad(["joints"], f"joint '{j}' is listed but no track or oscillation moves it")
    for k, contact in enumerate(t.get("contacts", [])):
        for parts, message in _contact_problems(contact, rig, names, set(t["tracks"]) | {o["coordinate"] for o in t.get("oscillations", [])}):
            bad(["contacts", k] + parts, message)
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


MAX_CONTACT_OFFSET_MM = 25.0


@lru_cache(maxsize=4)
def _landmarks_for(bones: tuple[str, ...]):
    from app.anatomy.landmarks import load_landmarks

    return load_landmarks(bones=set(bones))


def landmarks_of(rig):
    """The bundled landmarks (``meshes/landmarks.json``) for ``rig``'s bones, read once."""
    return _landmarks_for(tuple(rig.bone_names))


def _nearest_landmark(marks, bone: str, point) -> tuple[str, tuple[float, float, float]] | None:
    """Old ``point_mm`` form -> (nearest landmark of the bone, offset from it in mm, bone frame)."""
    import numpy as np

    cands = marks.of_bone(bone)
    if not cands:
        return None
    p = np.asarray(point, dtype=float)
    best = min(cands, key=lambda m: float(np.linalg.norm(p - m.point_mm)))
    return best.name, tuple(round(float(x), 2) for x in p - best.point_mm)


def _contact_problems(c: dict, rig, phase_names: list[str], animated: set[str]) -> list[tuple[list, str]]:
    """What is wrong with one contact: (path below the contact, message) pairs."""
    out: list[tuple[list, str]] = []
    bone = c["bone"]
    if bone not in rig.bone_names:
        return [(["bone"], f"unknown bone '{bone}'")]
    marks = landmarks_of(rig)
    known = ", ".join(m.name for m in marks.of_bone(bone)) or "none"
    if "landmark" in c:
        if "point_mm" in c:
            out.append((["point_mm"], "give either landmark (with an optional offset_mm) or the old point_mm, not both"))
        if not marks.has(bone, c["landmark"]):
            out.append((["landmark"], f"unknown landmark '{c['landmark']}' on bone '{bone}'; its landmarks are: {known}"))
        off = math.hypot(*c.get("offset_mm", (0.0, 0.0, 0.0)))
        if off > MAX_CONTACT_OFFSET_MM:
            out.append((["offset_mm"], f"an offset of {off:.0f} mm takes the contact off the bone (at most "
                                       f"{MAX_CONTACT_OFFSET_MM:g} mm); name a nearer landmark of '{bone}': {known}"))
    elif "point_mm" in c:
        if "offset_mm" in c:
            out.append((["offset_mm"], "offset_mm goes with landmark; the old point_mm form has no offset"))
        if not marks.of_bone(bone):
            out.append((["point_mm"], f"bone '{bone}' has no landmarks to place the old point_mm form on; "
                                      "put the contact on a neighbouring bone with \"landmark\" (and \"offset_mm\")"))
    else:
        out.append(([], f"a contact names where it is: add \"landmark\" (landmarks of '{bone}': {known}), "
                        "with an optional \"offset_mm\""))
    if ("direction" in c) == ("about" in c):
        out.append(([], "give the force either as \"direction\" (a straight arrow) or as \"about\" "
                        "(a rotation coordinate: a curved arrow about its axis), one of the two"))
    if "direction" in c and math.hypot(*c["direction"]) < 1e-6:
        out.append((["direction"], "direction must not be zero"))
    if "about" in c:
        a = c["about"]
        if not rig.has_coordinate(a):
            out.append((["about"], f"unknown coordinate '{a}'"))
        elif rig.coordinate(a).unit != "deg":
            out.append((["about"], f"'{a}' is a translation; a curved arrow turns about a rotation coordinate"))
        elif bone not in rig.bones_moved_by(a):
            out.append((["about"], f"bone '{bone}' does not turn with '{a}'; put the contact on a bone it moves"))
        elif a not in animated and "follows" not in c:
            out.append((["about"], f"no track or oscillation moves '{a}', so the arrow would show no turn"))
    if "follows" in c:
        f = c["follows"]
        if not rig.has_coordinate(f):
            out.append((["follows"], f"unknown coordinate '{f}'"))
        elif f not in animated:
            out.append((["follows"], f"no track or oscillation moves '{f}', so the arrow could not follow it"))
    for k, ph in enumerate(c.get("phases", [])):
        if ph not in phase_names:
            out.append((["phases", k], f"no phase named '{ph}' (phases: {', '.join(phase_names)})"))
    return out


def _build_contact(c: dict, rig) -> Contact:
    marks = landmarks_of(rig)
    converted = "landmark" not in c
    if converted:
        name, offset = _nearest_landmark(marks, c["bone"], c["point_mm"])
    else:
        name, offset = c["landmark"], tuple(float(x) for x in c.get("offset_mm", (0.0, 0.0, 0.0)))
    m = marks.get(c["bone"], name)
    d = c.get("direction")
    return Contact(
        hand=c["hand"], part=c["part"], bone=c["bone"], landmark=name, offset_mm=offset,
        point_mm=tuple(float(x) for x in marks.point(c["bone"], name, offset)),
        normal=tuple(float(x) for x in m.normal),
        direction=None if d is None else tuple(float(x) / math.hypot(*d) for x in d),
        label=c["label"], about=c.get("about"), follows=c.get("follows"), phases=tuple(c.get("phases", ())),
        converted_from_point_mm=converted)


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
    contacts = tuple(_build_contact(c, rig) for c in t.get("contacts", []))
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
