"""Named landmarks on the bones, each stored in its bone's own frame (read from ``meshes/landmarks.json``).

A landmark is a point a teacher or the program refers to by name: a palpable landmark a massage
therapist finds with the fingers (the tip of the medial malleolus, the navicular tuberosity), a point of
the tripod the foot stands on, or an attachment of a ligament. Everything that sits on a bone (contacts,
labels, tissue attachments, tripod points) names a landmark, never a raw foot-frame coordinate, so that
it stays on the bone whenever the bone models change.

The bone frame: a bone's mesh and its landmarks are stored in the same coordinates, the foot frame at
the neutral (bind) pose: X anterior, Y superior, Z lateral (right foot), millimetres. A bone's world
transform ``W`` (from :class:`app.anatomy.kinematics.Kinematics`) carries both to where the bone is now.

The file is written by the mesh generator, which snaps each site of
:mod:`app.anatomy.landmark_sites` onto its bone's surface; the app only reads it.

Example::

    marks = load_landmarks()
    marks.get("navicular", "tuberosity").point_mm          # bone frame, mm
    marks.world("navicular", "tuberosity", W_navicular)     # where it is in this pose
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.errors import TalusError

KINDS = ("palpable", "tripod", "attachment", "articular", "arch")


class LandmarkError(TalusError):
    """The landmarks file is missing, unreadable or fails validation, or a landmark is unknown."""


@dataclass(frozen=True)
class Landmark:
    """A named point on one bone: ``point_mm`` in the bone frame (foot frame at neutral), mm."""

    bone: str
    name: str
    label: str
    kind: str
    point_mm: np.ndarray
    normal: np.ndarray  # outward unit surface normal at the point, bone frame
    source: str


class Landmarks:
    """Every landmark, looked up by (bone, name)."""

    def __init__(self, items: list[Landmark], path: Path):
        self.path = path
        self._items = {(m.bone, m.name): m for m in items}
        self._by_bone: dict[str, list[Landmark]] = {}
        for m in items:
            self._by_bone.setdefault(m.bone, []).append(m)

    def __iter__(self):
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def has(self, bone: str, name: str) -> bool:
        return (bone, name) in self._items

    def get(self, bone: str, name: str) -> Landmark:
        try:
            return self._items[(bone, name)]
        except KeyError:
            known = ", ".join(m.name for m in self._by_bone.get(bone, [])) or "none"
            raise LandmarkError(f"{self.path}: no landmark {name!r} on bone {bone!r} (it has: {known})") from None

    def of_bone(self, bone: str) -> list[Landmark]:
        return list(self._by_bone.get(bone, []))

    def of_kind(self, kind: str) -> list[Landmark]:
        return [m for m in self._items.values() if m.kind == kind]

    def point(self, bone: str, name: str, offset_mm=None) -> np.ndarray:
        """Bone-frame point of a landmark plus an optional offset (mm, bone frame)."""
        p = self.get(bone, name).point_mm
        return p if offset_mm is None else p + np.asarray(offset_mm, dtype=float)

    def world(self, bone: str, name: str, W: np.ndarray, offset_mm=None) -> np.ndarray:
        """Where a landmark is when its bone has world transform ``W`` (4x4)."""
        p = self.point(bone, name, offset_mm)
        return W[:3, :3] @ p + W[:3, 3]


def _fail(path: Path, where: str, what: str) -> LandmarkError:
    return LandmarkError(f"{path}: {where}: {what}")


def _vec3(path: Path, where: str, value: Any) -> np.ndarray:
    if (not isinstance(value, list) or len(value) != 3
            or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in value)):
        raise _fail(path, where, f"expected 3 finite numbers, got {str(value)[:60]}")
    return np.array(value, dtype=float)


def load_landmarks(path: str | Path | None = None, *, bones: set[str] | None = None) -> Landmarks:
    """Read and validate the landmarks file; raise :class:`LandmarkError` naming file, item and field.

    ``bones``: the bone names of the rig; a landmark on any other bone is an error.
    """
    from app import LANDMARKS_PATH, jsonfile

    path = Path(path) if path is not None else LANDMARKS_PATH
    raw = jsonfile.load_data_file(path, fmt="talus-landmarks", what="landmarks", error=LandmarkError)
    entries = raw.get("landmarks")
    if not isinstance(entries, list):
        raise _fail(path, "landmarks", "expected a list of landmarks")
    items: list[Landmark] = []
    seen: set[tuple[str, str]] = set()
    for i, e in enumerate(entries):
        where = f"landmarks[{i}]"
        if not isinstance(e, dict):
            raise _fail(path, where, "expected an object")
        for key in ("bone", "name", "label", "kind", "source"):
            if not isinstance(e.get(key), str) or not e[key]:
                raise _fail(path, f"{where}.{key}", "expected a non-empty string")
        if bones is not None and e["bone"] not in bones:
            raise _fail(path, f"{where}.bone", f"unknown bone {e['bone']!r}")
        if e["kind"] not in KINDS:
            raise _fail(path, f"{where}.kind", f"unknown kind {e['kind']!r}; expected one of {KINDS}")
        key = (e["bone"], e["name"])
        if key in seen:
            raise _fail(path, f"{where}.name", f"duplicate landmark {e['name']!r} on bone {e['bone']!r}")
        seen.add(key)
        point = _vec3(path, f"{where}.point_mm", e.get("point_mm"))
        normal = _vec3(path, f"{where}.normal", e.get("normal"))
        n = float(np.linalg.norm(normal))
        if not 0.99 < n < 1.01:
            raise _fail(path, f"{where}.normal", f"must be a unit vector (length {n:.3f})")
        items.append(Landmark(e["bone"], e["name"], e["label"], e["kind"], point, normal / n, e["source"]))
    return Landmarks(items, path)
