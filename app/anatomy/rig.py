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
    return RigError(f"{path}: {where}: {what}")


def _vec(path: Path, where: str, value: Any, *, unit: bool = False) -> np.ndarray:
    try:
        v = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise _fail(path, where, f"expected 3 numbers, got {value!r}") from None
    if v.shape != (3,) or not np.all(np.isfinite(v)):
        raise _fail(path, where, f"expected 3 finite numbers, got {value!r}")
    if unit:
        n = float(np.linalg.norm(v))
        if abs(n - 1.0) > 1e-3:
            raise _fail(path, where, f"axis must be a unit vector (length {n:.4f})")
        v = v / n
    return v


def load_rig(path: str | Path | None = None) -> Rig:
    """Read and validate a rig file; raise :class:`RigError` naming the file, item and problem."""
    from app import RIG_PATH

    path = Path(path) if path is not None else RIG_PATH
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RigError(f"{path}: rig file not found") from None
    except OSError as exc:
        raise RigError(f"{path}: cannot read the rig file ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        raise RigError(f"{path}: line {exc.lineno} column {exc.colno}: malformed JSON ({exc.msg})") from None
    except UnicodeDecodeError as exc:
        raise RigError(f"{path}: not UTF-8 text ({exc.reason})") from None
    if not isinstance(raw, dict) or raw.get("format") != "talus-rig":
        raise _fail(path, "format", "not a Talus rig file (expected \"format\": \"talus-rig\")")
    if raw.get("version") != 1:
        raise _fail(path, "version", f"unsupported rig version {raw.get('version')!r} (this Talus reads 1)")
    try:
        return _build(path, raw)
    except RigError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise _fail(path, "structure", f"missing or malformed field ({exc!r})") from None


def _build(path: Path, raw: dict[str, Any]) -> Rig:
    scale = float(raw["scale"])
    if not (0.1 < scale < 10):
        raise _fail(path, "scale", f"implausible scale {scale}")

    bones: list[Bone] = []
    seen: dict[str, int] = {}
    for i, b in enumerate(raw["bones"]):
        where = f"bones[{i}]"
        name = b.get("name")
        if not isinstance(name, str) or not name:
            raise _fail(path, where, "bone without a name")
        if name in seen:
            raise _fail(path, where, f"duplicate bone {name!r}")
        if b.get("group") not in GROUPS:
            raise _fail(path, f"{where} ({name}).group", f"unknown group {b.get('group')!r}; expected one of {GROUPS}")
        parent = b.get("parent")
        if parent is not None and parent not in seen:
            raise _fail(path, f"{where} ({name}).parent", f"parent {parent!r} is not a bone listed before it")
        seen[name] = i
        bones.append(Bone(name, str(b.get("label", name)), b["group"], parent, str(b["mesh"]), i))

    coords: list[Coordinate] = []
    cseen: dict[str, int] = {}
    for i, c in enumerate(raw["coordinates"]):
        where = f"coordinates[{i}]"
        name = c.get("name", "")
        if not isinstance(name, str) or "." not in name:
            raise _fail(path, where, f"coordinate name {name!r} must read '<joint>.<motion>'")
        if name in cseen:
            raise _fail(path, where, f"duplicate coordinate {name!r}")
        if c.get("unit") not in ("deg", "mm"):
            raise _fail(path, f"{where} ({name}).unit", f"unit must be 'deg' or 'mm', got {c.get('unit')!r}")
        lo, hi = (float(x) for x in c["range"])
        if not lo <= 0.0 <= hi or lo >= hi:
            raise _fail(path, f"{where} ({name}).range", f"range [{lo}, {hi}] must be increasing and contain 0")
        if not c.get("source"):
            raise _fail(path, f"{where} ({name}).source", "every range needs its source")
        cseen[name] = i
        coords.append(Coordinate(name, str(c["joint"]), c["unit"], (lo, hi), str(c.get("positive", "")), str(c["source"]), i))

    joints: list[Joint] = []
    children: set[str] = set()
    used: set[str] = set()
    for i, j in enumerate(raw["joints"]):
        name = j.get("name", "")
        where = f"joints[{i}] ({name})"
        for key in ("parent", "child"):
            if j.get(key) not in seen:
                raise _fail(path, f"{where}.{key}", f"unknown bone {j.get(key)!r}")
        if bones[seen[j["child"]]].parent != j["parent"]:
            raise _fail(path, where, f"bone {j['child']!r} has parent {bones[seen[j['child']]].parent!r}, not {j['parent']!r}")
        if j["child"] in children:
            raise _fail(path, where, f"bone {j['child']!r} is the child of two joints")
        children.add(j["child"])
        if "centre_mm" in j:
            centre = _vec(path, f"{where}.centre_mm", j["centre_mm"])
        else:
            centre = _vec(path, f"{where}.centre_gm", j["centre_gm"]) * scale
        dofs = []
        for k, d in enumerate(j["dofs"]):
            dw = f"{where}.dofs[{k}]"
            cname = d.get("coordinate")
            if cname not in cseen:
                raise _fail(path, f"{dw}.coordinate", f"unknown coordinate {cname!r}")
            kind = d.get("type")
            if kind not in UNITS:
                raise _fail(path, f"{dw}.type", f"type must be 'rotation' or 'translation', got {kind!r}")
            if coords[cseen[cname]].unit != UNITS[kind]:
                raise _fail(path, dw, f"a {kind} is measured in {UNITS[kind]}, but {cname} is in {coords[cseen[cname]].unit}")
            if "point_mm" in d:
                point = _vec(path, f"{dw}.point_mm", d["point_mm"])
            else:
                point = _vec(path, f"{dw}.point_gm", d["point_gm"]) * scale if "point_gm" in d else centre
            dofs.append(Dof(cname, kind, _vec(path, f"{dw}.axis", d["axis"], unit=True), point, str(d.get("axis_source", ""))))
            used.add(cname)
        joints.append(Joint(name, str(j.get("label", name)), j["parent"], j["child"], centre, tuple(dofs), str(j.get("centre_source", ""))))

    for b in bones:
        if b.parent is not None and b.name not in children:
            raise _fail(path, f"bones ({b.name})", "has a parent but no joint connects them")
    unused = [c.name for c in coords if c.name not in used]
    if unused:
        raise _fail(path, "coordinates", f"coordinates drive no joint: {', '.join(unused)}")
    functional = dict(raw.get("functional_joints", {}))
    joint_names = {j.name for j in joints}
    for fname, f in functional.items():
        missing = [m for m in f.get("joints", []) if m not in joint_names]
        if missing:
            raise _fail(path, f"functional_joints.{fname}", f"unknown joints {missing}")
    for c in coords:
        if c.joint not in joint_names and c.joint not in functional:
            raise _fail(path, f"coordinates ({c.name}).joint", f"unknown joint {c.joint!r}")
        if c.name.split(".", 1)[0] != c.joint:
            raise _fail(path, f"coordinates ({c.name})", f"name must start with its joint {c.joint!r}")
    landmarks = {k: _vec(path, f"landmarks_gm.{k}", v) * scale for k, v in raw.get("landmarks_gm", {}).items()}
    return Rig(tuple(bones), tuple(joints), tuple(coords), functional, landmarks, scale, path,
               {b.name: b.index for b in bones}, {c.name: c.index for c in coords})
