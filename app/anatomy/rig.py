"""The static model of the foot: bones, joints, coordinates, ranges (read from ``meshes/rig.json``).

Frame convention, written once for the whole program: the *foot frame* has X anterior, Y superior,
Z lateral for the right foot, in millimetres, origin at the plantar heel node, Y = 0 the plane of the
tripod (heel, MT1 and MT5 heads). The left foot is the mirror image (Z -> -Z), derived, never stored.

Every bone is described in the bind pose, in the foot frame. A joint connects a parent bone to one
child bone and owns a list of degrees of freedom (``Dof``): a rotation about an axis through a point,
or a translation along an axis, each driven by one named coordinate (degrees or millimetres). A
coordinate may drive dofs of several joints (``transverse_tarsal.supination`` moves the talonavicular
and calcaneocuboid joints together; ``subtalar.inversion`` carries the navicular with the calcaneus).

The model is static: nothing here changes after loading. Poses and transforms live in
:mod:`app.anatomy.kinematics`.

Example::

    rig = load_rig()
    rig.coordinate("talocrural.dorsiflexion").range    # (-50.0, 20.0) degrees
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app.errors import TalusError

GROUPS = ("leg", "hindfoot", "midfoot", "forefoot", "toes")
UNITS = {"rotation": "deg", "translation": "mm"}


class RigError(TalusError):
    """The rig file is missing, unreadable or fails validation."""


@dataclass(frozen=True)
class Bone:
    name: str
    label: str
    group: str
    parent: str | None
    mesh: str
    index: int


@dataclass(frozen=True)
class Dof:
    """One motion of a joint: rotation (deg) about ``axis`` through ``point_mm``, or translation (mm)."""

    coordinate: str
    kind: str  # "rotation" or "translation"
    axis: np.ndarray  # unit vector, foot frame (bind pose)
    point_mm: np.ndarray  # a point on a rotation axis, foot frame, mm
    axis_source: str


@dataclass(frozen=True)
class Joint:
    name: str
    label: str
    parent: str
    child: str
    centre_mm: np.ndarray  # foot frame, bind pose
    dofs: tuple[Dof, ...]
    centre_source: str


@dataclass(frozen=True)
class Coordinate:
    """A named joint coordinate: ``unit`` is ``deg`` or ``mm``; ``range`` is the normal range (lo, hi)."""

    name: str
    joint: str  # owning joint, or functional joint such as ``transverse_tarsal``
    unit: str
    range: tuple[float, float]
    positive: str  # what a positive value means, e.g. "dorsiflexion (toes up)"
    source: str
    index: int

    @property
    def motion(self) -> str:
        return self.name.split(".", 1)[1]


@dataclass(frozen=True)
class Rig:
    """The whole static model. Bones are in topological order (every parent before its children)."""

    bones: tuple[Bone, ...]
    joints: tuple[Joint, ...]
    coordinates: tuple[Coordinate, ...]
    functional_joints: dict[str, dict[str, Any]]
    landmarks_mm: dict[str, np.ndarray]
    scale: float
    path: Path
    _bone_index: dict[str, int] = field(repr=False, default_factory=dict)
    _coord_index: dict[str, int] = field(repr=False, default_factory=dict)

    # -- look-ups ---------------------------------------------------------------------------------
    @property
    def bone_names(self) -> list[str]:
        return [b.name for b in self.bones]

    @property
    def coordinate_names(self) -> list[str]:
        return [c.name for c in self.coordinates]

    def bone(self, name: str) -> Bone:
        return self.bones[self._bone_index[name]]

    def coordinate(self, name: str) -> Coordinate:
        return self.coordinates[self._coord_index[name]]

    def has_coordinate(self, name: str) -> bool:
        return name in self._coord_index

    def joint(self, name: str) -> Joint:
        for j in self.joints:
            if j.name == name:
                return j
        raise KeyError(name)

    @property
    def joint_names(self) -> list[str]:
        """Tree joints and functional joints (e.g. ``transverse_tarsal``): every name a technique may list."""
        return [j.name for j in self.joints] + list(self.functional_joints)

    def joint_of_bone(self, bone: str) -> Joint | None:
        """The joint whose child is ``bone`` (None for the fixed leg bones)."""
        for j in self.joints:
            if j.child == bone:
                return j
        return None

    def joints_of_bone(self, bone: str) -> list[str]:
        """Names of the joints a bone takes part in (as parent or child)."""
        return [j.name for j in self.joints if bone in (j.parent, j.child)]

    def tree_joints(self, name: str) -> list[str]:
        """The tree joints behind a joint name: itself, or the members of a functional joint."""
        if name in self.functional_joints:
            return list(self.functional_joints[name]["joints"])
        return [name]

    def bones_moved_by(self, coordinate: str) -> set[str]:
        """Bones whose world transform changes when ``coordinate`` changes (children and descendants)."""
        moved: set[str] = set()
        for j in self.joints:
            if any(d.coordinate == coordinate for d in j.dofs):
                moved.add(j.child)
        for b in self.bones:  # topological order: descendants follow their parents
            if b.parent in moved:
                moved.add(b.name)
        return moved

    def descendants(self, bone: str) -> set[str]:
        out = {bone}
        for b in self.bones:
            if b.parent in out:
                out.add(b.name)
        return out - {bone}

    def zero_pose(self) -> dict[str, float]:
        return {c.name: 0.0 for c in self.coordinates}


def _fail(path: Path, where: str, what: str) -> RigError:
    from app.jsonfile import printable

    return RigError(printable(f"{path}: {where}: {what}"))


def _show(value: Any) -> str:
    if isinstance(value, str):
        text = repr(value)
    else:
        try:
            text = json.dumps(value)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number"}.get(type(value), "a value")


class _Checker:
    """Typed access to the rig's JSON with a message naming file, item and field on any mismatch."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, where: str, what: str) -> RigError:
        return _fail(self.path, where, what)

    def get(self, obj: dict, key: str, where: str, *, required: bool = True, default: Any = None) -> Any:
        if key not in obj:
            if required:
                raise self.fail(where, f"missing field {key!r}")
            return default
        return obj[key]

    def obj(self, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, f"expected an object, got {_kind(value)} ({_show(value)})")
        return value

    def items(self, value: Any, where: str) -> list:
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, got {_kind(value)} ({_show(value)})")
        return value

    def text(self, value: Any, where: str, *, empty: bool = False) -> str:
        if not isinstance(value, str) or (not empty and not value.strip()):
            raise self.fail(where, f"expected {'text' if empty else 'non-empty text'}, got {_kind(value)} ({_show(value)})")
        return value

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(where, f"expected a finite number, got {_kind(value)} ({_show(value)})")
        return float(value)

    def vec(self, value: Any, where: str, *, unit: bool = False) -> np.ndarray:
        if not isinstance(value, list) or len(value) != 3:
            raise self.fail(where, f"expected 3 finite numbers, got {_show(value)}")
        v = np.array([self.number(x, f"{where}[{i}]") for i, x in enumerate(value)])
        if np.abs(v).max() > 1e4:
            raise self.fail(where, f"{_show(value)} is more than 10 m from the origin; the rig is in mm")
        if unit:
            n = float(np.linalg.norm(v))
            if abs(n - 1.0) > 1e-3:
                raise self.fail(where, f"axis must be a unit vector (length {n:.4f})")
            v = v / n
        return v

    def point_mm(self, obj: dict, stem: str, where: str, scale: float | None, *, required: bool) -> np.ndarray | None:
        """``<stem>_mm`` (foot frame, mm) or ``<stem>_gm`` (GM reference foot, times ``scale``)."""
        if f"{stem}_mm" in obj:
            return self.vec(obj[f"{stem}_mm"], f"{where}.{stem}_mm")
        if f"{stem}_gm" in obj:
            if scale is None:
                raise self.fail(f"{where}.{stem}_gm", "a *_gm value needs the rig's 'scale' (or give it as "
                                f"{stem}_mm, in mm)")
            return self.vec(obj[f"{stem}_gm"], f"{where}.{stem}_gm") * scale
        if required:
            raise self.fail(where, f"missing field '{stem}_mm' (foot frame, mm) or '{stem}_gm' (times scale)")
        return None


def load_rig(path: str | Path | None = None) -> Rig:
    """Read and validate a rig file; raise :class:`RigError` naming the file, item and problem."""
    from app import RIG_PATH
    from app import jsonfile

    path = Path(path) if path is not None else RIG_PATH
    raw = jsonfile.load_data_file(path, fmt="talus-rig", what="rig", error=RigError)
    return _build(path, raw)


def _build(path: Path, raw: dict[str, Any]) -> Rig:
    ck = _Checker(path)
    scale = None
    if "scale" in raw:
        scale = ck.number(raw["scale"], "scale")
        if not (0.1 < scale < 10):
            raise _fail(path, "scale", f"implausible scale {scale}")

    bones: list[Bone] = []
    seen: dict[str, int] = {}
    for i, b in enumerate(ck.items(ck.get(raw, "bones", "rig"), "bones")):
        where = f"bones[{i}]"
        b = ck.obj(b, where)
        name = b.get("name")
        if not isinstance(name, str) or not name:
            raise _fail(path, where, "bone without a name")
        where = f"{where} ({name})"
        if name in seen:
            raise _fail(path, where, f"duplicate bone {name!r}")
        if b.get("group") not in GROUPS:
            raise _fail(path, f"{where}.group", f"unknown group {_show(b.get('group'))}; expected one of {GROUPS}")
        parent = b.get("parent")
        if parent is not None and (not isinstance(parent, str) or parent not in seen):
            raise _fail(path, f"{where}.parent", f"parent {_show(parent)} is not a bone listed before it")
        mesh = ck.text(ck.get(b, "mesh", where), f"{where}.mesh")
        if "/" in mesh or "\\" in mesh or mesh.startswith(".") or not mesh.lower().endswith(".ply"):
            raise _fail(path, f"{where}.mesh", f"{_show(mesh)} must be the name of a .ply file beside the rig")
        label = ck.text(b.get("label", name), f"{where}.label")
        seen[name] = i
        bones.append(Bone(name, label, b["group"], parent, mesh, i))
    if not bones:
        raise _fail(path, "bones", "the rig has no bones")

    coords: list[Coordinate] = []
    cseen: dict[str, int] = {}
    for i, c in enumerate(ck.items(ck.get(raw, "coordinates", "rig"), "coordinates")):
        where = f"coordinates[{i}]"
        c = ck.obj(c, where)
        name = c.get("name", "")
        if not isinstance(name, str) or "." not in name:
            raise _fail(path, where, f"coordinate name {_show(name)} must read '<joint>.<motion>'")
        where = f"{where} ({name})"
        if name in cseen:
            raise _fail(path, where, f"duplicate coordinate {name!r}")
        if c.get("unit") not in ("deg", "mm"):
            raise _fail(path, f"{where}.unit", f"unit must be 'deg' or 'mm', got {_show(c.get('unit'))}")
        rng = ck.items(ck.get(c, "range", where), f"{where}.range")
        if len(rng) != 2:
            raise _fail(path, f"{where}.range", f"expected [low, high], got {_show(rng)}")
        lo, hi = (ck.number(x, f"{where}.range[{k}]") for k, x in enumerate(rng))
        if not lo <= 0.0 <= hi or lo >= hi:
            raise _fail(path, f"{where}.range", f"range [{lo}, {hi}] must be increasing and contain 0")
        if not isinstance(c.get("source"), str) or not c["source"].strip():
            raise _fail(path, f"{where}.source", "every range needs its source")
        joint = ck.text(ck.get(c, "joint", where), f"{where}.joint")
        positive = ck.text(c.get("positive", ""), f"{where}.positive", empty=True)
        cseen[name] = i
        coords.append(Coordinate(name, joint, c["unit"], (lo, hi), positive, c["source"], i))

    joints: list[Joint] = []
    children: set[str] = set()
    used: set[str] = set()
    for i, j in enumerate(ck.items(ck.get(raw, "joints", "rig"), "joints")):
        j = ck.obj(j, f"joints[{i}]")
        name = ck.text(ck.get(j, "name", f"joints[{i}]"), f"joints[{i}].name")
        where = f"joints[{i}] ({name})"
        for key in ("parent", "child"):
            if not isinstance(j.get(key), str) or j.get(key) not in seen:
                raise _fail(path, f"{where}.{key}", f"unknown bone {_show(j.get(key))}")
        if bones[seen[j["child"]]].parent != j["parent"]:
            raise _fail(path, where, f"bone {j['child']!r} has parent {bones[seen[j['child']]].parent!r}, not {j['parent']!r}")
        if j["child"] in children:
            raise _fail(path, where, f"bone {j['child']!r} is the child of two joints")
        children.add(j["child"])
        centre = ck.point_mm(j, "centre", where, scale, required=True)
        dofs = []
        for k, d in enumerate(ck.items(ck.get(j, "dofs", where), f"{where}.dofs")):
            dw = f"{where}.dofs[{k}]"
            d = ck.obj(d, dw)
            cname = d.get("coordinate")
            if not isinstance(cname, str) or cname not in cseen:
                raise _fail(path, f"{dw}.coordinate", f"unknown coordinate {_show(cname)}")
            kind = d.get("type")
            if kind not in UNITS:
                raise _fail(path, f"{dw}.type", f"type must be 'rotation' or 'translation', got {_show(kind)}")
            if coords[cseen[cname]].unit != UNITS[kind]:
                raise _fail(path, dw, f"a {kind} is measured in {UNITS[kind]}, but {cname} is in {coords[cseen[cname]].unit}")
            point = ck.point_mm(d, "point", dw, scale, required=False)
            axis = ck.vec(ck.get(d, "axis", dw), f"{dw}.axis", unit=True)
            source = ck.text(d.get("axis_source", ""), f"{dw}.axis_source", empty=True)
            dofs.append(Dof(cname, kind, axis, centre if point is None else point, source))
            used.add(cname)
        label = ck.text(j.get("label", name), f"{where}.label")
        centre_source = ck.text(j.get("centre_source", ""), f"{where}.centre_source", empty=True)
        joints.append(Joint(name, label, j["parent"], j["child"], centre, tuple(dofs), centre_source))

    for b in bones:
        if b.parent is not None and b.name not in children:
            raise _fail(path, f"bones ({b.name})", "has a parent but no joint connects them")
    unused = [c.name for c in coords if c.name not in used]
    if unused:
        raise _fail(path, "coordinates", f"coordinates drive no joint: {', '.join(unused)}")
    functional = dict(ck.obj(raw.get("functional_joints", {}), "functional_joints"))
    joint_names = {j.name for j in joints}
    for fname, f in functional.items():
        fw = f"functional_joints.{fname}"
        f = ck.obj(f, fw)
        members = [ck.text(m, f"{fw}.joints[{k}]") for k, m in enumerate(ck.items(ck.get(f, "joints", fw), f"{fw}.joints"))]
        missing = [m for m in members if m not in joint_names]
        if missing or not members:
            raise _fail(path, f"{fw}.joints", f"unknown joints {_show(missing)}" if missing else "lists no joints")
    for c in coords:
        if c.joint not in joint_names and c.joint not in functional:
            raise _fail(path, f"coordinates ({c.name}).joint", f"unknown joint {c.joint!r}")
        if c.name.split(".", 1)[0] != c.joint:
            raise _fail(path, f"coordinates ({c.name})", f"name must start with its joint {c.joint!r}")
    landmarks: dict[str, np.ndarray] = {}
    for key, factor in (("landmarks_gm", scale), ("landmarks_mm", 1.0)):
        if key not in raw:
            continue
        if factor is None:
            raise _fail(path, key, "*_gm values need the rig's 'scale'")
        for k, v in ck.obj(raw[key], key).items():
            landmarks[k] = ck.vec(v, f"{key}.{k}") * factor
    return Rig(tuple(bones), tuple(joints), tuple(coords), functional, landmarks, scale if scale is not None else 1.0,
               path, {b.name: b.index for b in bones}, {c.name: c.index for c in coords})
