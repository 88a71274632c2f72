"""Soft tissues (ligaments, capsule bands, fascia slips, tendons), the tripod and the arches, as data.

Read from ``meshes/tissues.json`` and validated on load (every problem names the file and the JSON path).
A tissue is one or more *lines*; a line is a path through two or more attachment points, each a
landmark of ``meshes/landmarks.json`` (bone + landmark name + optional offset in the bone frame, mm).
The points in between the ends are via points (the plantar fascia passes under the metatarsal heads).

Lengths and strains, vectorised over frames::

    W (frames, bones, 4, 4)  --gather per point-->  points (frames, P, 3)   foot frame, mm
        --segment lengths, summed per line-->  path (frames, lines)          mm
        --+ extra (a tendon longer than its drawn part)-->  L                 mm
        --(L - L0) / L0-->  strain (frames, lines)                            fraction, 0.05 = 5 %

``L0`` is the slack length: the length at the neutral pose (every transform the identity), unless the
tissue's ``slack`` rule says otherwise (the plantar fascia is slack only with the toes flexed 13.8°).
Numbers are always computed from true-size transforms (``Timeline.true_transforms``); the display
magnification applies only to the drawing. A tissue's reported state is that of its most strained line.

Example::

    ts = load_tissues(rig=rig, landmarks=marks, kinematics=kin)
    ts.strains(kin.transforms({"talocrural.distraction": 1.5}))[ts.lines_of("talocrural_capsule_anterior")]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from app.errors import TalusError

GROUPS = ("ankle", "hindfoot", "midfoot", "forefoot", "fascia_tendons")
ARCH_HEIGHTS = ("above_tripod_plane", "above_chord")


class TissueError(TalusError):
    """The tissues file is missing, unreadable or fails validation."""


@dataclass(frozen=True)
class Attachment:
    """A point on a bone: a landmark plus an optional offset (bone frame, mm)."""

    bone: str
    landmark: str
    offset_mm: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class TissueLine:
    name: str
    points: tuple[Attachment, ...]  # two ends, via points in between


@dataclass(frozen=True)
class Tissue:
    """One tissue. ``lines`` index into the :class:`TissueSet` arrays from ``first_line`` on."""

    name: str
    label: str
    group: str
    lines: tuple[TissueLine, ...]
    width_mm: float | None
    width_note: str
    loaded_by: str
    strain_data: str
    slack: dict
    taut_strain: float
    failure_strain: float | None
    sources: tuple[str, ...]
    index: int
    first_line: int

    @property
    def line_indices(self) -> range:
        return range(self.first_line, self.first_line + len(self.lines))


@dataclass(frozen=True)
class Arch:
    """An arch drawn through ``points``; its height (mm) is that of ``apex`` (index into points, or the
    highest inner point when None) above the tripod plane or above the chord between its end points,
    measured along the tripod plane's normal."""

    name: str
    label: str
    points: tuple[Attachment, ...]
    apex: int | None
    height: str
    source: str


@dataclass(frozen=True)
class TissueState:
    """A tissue in one pose, true size: its most strained line's length, slack length and strain."""

    name: str
    length_mm: float
    slack_length_mm: float
    neutral_length_mm: float
    strain: float  # fraction: 0.05 = 5 %
    line: str

    @property
    def strain_pct(self) -> float:
        return 100.0 * self.strain


class TissueSet:
    """Every tissue of one rig, flattened into arrays for vectorised lengths and strains."""

    def __init__(self, tissues: list[Tissue], groups: dict[str, str], tripod: tuple[Attachment, ...],
                 arches: list[Arch], defaults: dict, path: Path, rig, landmarks, kinematics):
        self.tissues = tissues
        self.groups = groups
        self.tripod = tripod
        self.arches = arches
        self.defaults = defaults
        self.path = path
        self.rig = rig
        self._by_name = {t.name: t for t in tissues}
        bone_index = {b.name: b.index for b in rig.bones}

        def local(a: Attachment) -> np.ndarray:
            return landmarks.point(a.bone, a.landmark, a.offset_mm)

        pts, bones, starts, line_tissue, line_names = [], [], [0], [], []
        for t in tissues:
            for ln in t.lines:
                for a in ln.points:
                    pts.append(local(a))
                    bones.append(bone_index[a.bone])
                starts.append(len(pts))
                line_tissue.append(t.index)
                line_names.append(ln.name)
        self.point_local = np.array(pts, dtype=float).reshape(-1, 3)
        self.point_bone = np.array(bones, dtype=int)
        self.line_start = np.array(starts, dtype=int)  # line k: points line_start[k] .. line_start[k+1]-1
        self.line_tissue = np.array(line_tissue, dtype=int)
        self.line_names = line_names
        n_pts = len(pts)
        last = set(self.line_start[1:] - 1)
        self._seg_a = np.array([i for i in range(n_pts) if i not in last], dtype=int)
        self._seg_line = np.searchsorted(self.line_start, self._seg_a, side="right") - 1
        self._seg_first = np.searchsorted(self._seg_line, np.arange(self.n_lines))  # reduceat offsets
        self.taut_strain = np.array([tissues[i].taut_strain for i in self.line_tissue])
        # neutral: every bone at its bind pose (identity transforms)
        eye = np.tile(np.eye(4), (len(rig.bones), 1, 1))
        self.neutral_path_mm = self.path_lengths(eye)
        extra = np.zeros(self.n_lines)
        slack = self.neutral_path_mm.copy()
        for t in tissues:
            rule = t.slack
            sl = slice(t.first_line, t.first_line + len(t.lines))
            if rule.get("full_length_mm") is not None:
                extra[sl] = float(rule["full_length_mm"]) - self.neutral_path_mm[sl]
            if rule["rule"] == "pose":
                slack[sl] = self.path_lengths(kinematics.transforms(dict(rule["pose"])))[sl]
        self.extra_length_mm = extra
        self.neutral_length_mm = self.neutral_path_mm + extra
        self.slack_length_mm = slack + extra
        self.tripod_local = np.array([local(a) for a in tripod])
        self.tripod_bone = np.array([bone_index[a.bone] for a in tripod])
        self._arch_local = [np.array([local(a) for a in arch.points]) for arch in arches]
        self._arch_bone = [np.array([bone_index[a.bone] for a in arch.points]) for arch in arches]

    # -- look-ups ---------------------------------------------------------------------------------
    @property
    def n_lines(self) -> int:
        return len(self.line_tissue)

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tissues]

    def __iter__(self):
        return iter(self.tissues)

    def __len__(self) -> int:
        return len(self.tissues)

    def has(self, name: str) -> bool:
        return name in self._by_name

    def get(self, name: str) -> Tissue:
        try:
            return self._by_name[name]
        except KeyError:
            raise TissueError(f"{self.path}: no tissue named {name!r}") from None

    def of_groups(self, groups) -> list[Tissue]:
        groups = set(groups)
        return [t for t in self.tissues if t.group in groups]

    def lines_of(self, name: str) -> np.ndarray:
        return np.array(self.get(name).line_indices, dtype=int)

    # -- geometry ---------------------------------------------------------------------------------
    @staticmethod
    def _apply(W: np.ndarray, bone: np.ndarray, local: np.ndarray) -> np.ndarray:
        Wp = W[..., bone, :, :]  # (..., P, 4, 4)
        return np.einsum("...pij,pj->...pi", Wp[..., :3, :3], local) + Wp[..., :3, 3]

    def world_points(self, W: np.ndarray) -> np.ndarray:
        """(..., P, 3) every attachment and via point, foot frame, mm, for transforms ``W`` (..., bones, 4, 4)."""
        return self._apply(np.asarray(W, float), self.point_bone, self.point_local)

    def path_lengths(self, W: np.ndarray, points: np.ndarray | None = None) -> np.ndarray:
        """(..., lines) drawn path length of every line (mm)."""
        p = self.world_points(W) if points is None else points
        seg = np.linalg.norm(p[..., self._seg_a + 1, :] - p[..., self._seg_a, :], axis=-1)
        return np.add.reduceat(seg, self._seg_first, axis=-1)

    def lengths(self, W: np.ndarray) -> np.ndarray:
        """(..., lines) full length of every line (mm): drawn path plus any fixed part beyond it."""
        return self.path_lengths(W) + self.extra_length_mm

    def strains(self, W: np.ndarray) -> np.ndarray:
        """(..., lines) strain (fraction) of every line against its slack length."""
        return (self.lengths(W) - self.slack_length_mm) / self.slack_length_mm

    def tissue_strains(self, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(..., tissues) strain of each tissue's most strained line, and that line's index."""
        s = self.strains(W)
        n = len(self.tissues)
        out = np.full(s.shape[:-1] + (n,), -np.inf)
        which = np.zeros(s.shape[:-1] + (n,), dtype=int)
        for t in self.tissues:
            idx = np.array(t.line_indices)
            k = np.argmax(s[..., idx], axis=-1)
            which[..., t.index] = idx[k]
            out[..., t.index] = np.take_along_axis(s[..., idx], k[..., None], axis=-1)[..., 0]
        return out, which

    def states(self, W: np.ndarray) -> dict[str, TissueState]:
        """The state of every tissue for one pose ``W`` (bones, 4, 4), true size."""
        L = self.lengths(W)
        strain, which = self.tissue_strains(W)
        out = {}
        for t in self.tissues:
            k = int(which[t.index])
            out[t.name] = TissueState(t.name, float(L[k]), float(self.slack_length_mm[k]),
                                      float(self.neutral_length_mm[k]), float(strain[t.index]), self.line_names[k])
        return out

    # -- tripod and arches --------------------------------------------------------------------------
    def tripod_points(self, W: np.ndarray) -> np.ndarray:
        """(..., 3, 3) heel, first and fifth metatarsal head points of the tripod, foot frame, mm."""
        return self._apply(np.asarray(W, float), self.tripod_bone, self.tripod_local)

    @staticmethod
    def tripod_normal(tri: np.ndarray) -> np.ndarray:
        """(..., 3) unit normal of the tripod plane, pointing up into the foot (+Y at neutral)."""
        n = np.cross(tri[..., 1, :] - tri[..., 0, :], tri[..., 2, :] - tri[..., 0, :])
        n = n / np.linalg.norm(n, axis=-1, keepdims=True)
        return np.where((n[..., 1:2] < 0), -n, n)

    def arch_points(self, W: np.ndarray, arch: int) -> np.ndarray:
        return self._apply(np.asarray(W, float), self._arch_bone[arch], self._arch_local[arch])

    def arch_heights(self, W: np.ndarray) -> dict[str, float]:
        """Height (mm) of every arch for one pose ``W`` (bones, 4, 4), measured along the tripod normal."""
        tri = self.tripod_points(W)
        n = self.tripod_normal(tri)
        out = {}
        for k, arch in enumerate(self.arches):
            p = self.arch_points(W, k)
            h = (p - tri[0]) @ n
            if arch.height == "above_chord":
                a, b = p[0], p[-1]
                d = b - a
                t = ((p - a) @ d) / float(d @ d)
                h = h - ((a - tri[0]) @ n + t * (d @ n))
            inner = h[1:-1]
            out[arch.name] = float(h[arch.apex] if arch.apex is not None else inner.max())
        return out


# -- loading and validation ---------------------------------------------------------------------------
def _fail(path: Path, where: str, what: str) -> TissueError:
    return TissueError(f"{path}: {where}: {what}")


def _text(path, where, value, *, optional=False) -> str:
    if value is None and optional:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, where, "expected a non-empty string")
    return value


def _number(path, where, value, *, lo=None, hi=None, optional=False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail(path, where, f"expected a number, got {str(value)[:40]}")
    if (lo is not None and value <= lo) or (hi is not None and value >= hi):
        raise _fail(path, where, f"{value:g} is outside ({lo:g}, {hi:g})")
    return float(value)


def _attachment(path, where, raw, rig, landmarks) -> Attachment:
    if not isinstance(raw, dict):
        raise _fail(path, where, "expected an object {bone, landmark, offset_mm?}")
    unknown = set(raw) - {"bone", "landmark", "offset_mm"}
    if unknown:
        raise _fail(path, where, f"unknown field(s) {sorted(unknown)}")
    bone = _text(path, f"{where}.bone", raw.get("bone"))
    if bone not in rig.bone_names:
        raise _fail(path, f"{where}.bone", f"unknown bone {bone!r}")
    name = _text(path, f"{where}.landmark", raw.get("landmark"))
    if not landmarks.has(bone, name):
        known = ", ".join(m.name for m in landmarks.of_bone(bone)) or "none"
        raise _fail(path, f"{where}.landmark", f"no landmark {name!r} on bone {bone!r} (it has: {known})")
    off = raw.get("offset_mm")
    if off is not None:
        if (not isinstance(off, list) or len(off) != 3
                or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in off)):
            raise _fail(path, f"{where}.offset_mm", f"expected 3 finite numbers (mm), got {str(off)[:60]}")
        if max(abs(x) for x in off) > 40:
            raise _fail(path, f"{where}.offset_mm", "an offset beyond 40 mm no longer sits on its bone")
        off = tuple(float(x) for x in off)
    return Attachment(bone, name, off)


def _points(path, where, raw, rig, landmarks, *, at_least: int) -> tuple[Attachment, ...]:
    if not isinstance(raw, list) or len(raw) < at_least:
        raise _fail(path, where, f"expected a list of at least {at_least} attachment points")
    return tuple(_attachment(path, f"{where}[{k}]", p, rig, landmarks) for k, p in enumerate(raw))


TISSUE_FIELDS = {"name", "label", "group", "lines", "width_mm", "width_note", "loaded_by", "strain_data", "slack",
                 "taut_strain", "failure_strain", "sources"}


def _tissue(path, i, raw, rig, landmarks, defaults, groups, first_line) -> Tissue:
    where = f"tissues[{i}]"
    if not isinstance(raw, dict):
        raise _fail(path, where, "expected an object")
    unknown = set(raw) - TISSUE_FIELDS
    if unknown:
        raise _fail(path, where, f"unknown field(s) {sorted(unknown)}")
    name = _text(path, f"{where}.name", raw.get("name"))
    where = f"tissues[{i}] ({name})"
    group = raw.get("group")
    if group not in groups:
        raise _fail(path, f"{where}.group", f"unknown group {group!r}; expected one of {tuple(groups)}")
    lines_raw = raw.get("lines")
    if not isinstance(lines_raw, list) or not lines_raw:
        raise _fail(path, f"{where}.lines", "expected a non-empty list of lines")
    lines = []
    for k, ln in enumerate(lines_raw):
        lw = f"{where}.lines[{k}]"
        if not isinstance(ln, dict) or set(ln) - {"name", "points"}:
            raise _fail(path, lw, "expected an object {name, points}")
        pts = _points(path, f"{lw}.points", ln.get("points"), rig, landmarks, at_least=2)
        if len({p.bone for p in pts}) < 2:
            raise _fail(path, f"{lw}.points", f"every point is on bone {pts[0].bone!r}: a line must cross a joint")
        lines.append(TissueLine(_text(path, f"{lw}.name", ln.get("name")), pts))
    slack = raw.get("slack", {"rule": "neutral"})
    if not isinstance(slack, dict) or slack.get("rule") not in ("neutral", "pose"):
        raise _fail(path, f"{where}.slack", 'expected {"rule": "neutral"} or {"rule": "pose", "pose": {...}, "source": ...}')
    if set(slack) - {"rule", "pose", "source", "full_length_mm"}:
        raise _fail(path, f"{where}.slack", f"unknown field(s) {sorted(set(slack) - {'rule', 'pose', 'source', 'full_length_mm'})}")
    if slack["rule"] == "pose" or "full_length_mm" in slack:
        _text(path, f"{where}.slack.source", slack.get("source"))
    if slack["rule"] == "pose":
        pose = slack.get("pose")
        if not isinstance(pose, dict) or not pose:
            raise _fail(path, f"{where}.slack.pose", "expected coordinate values {name: value}")
        for c, v in pose.items():
            if not rig.has_coordinate(c):
                raise _fail(path, f'{where}.slack.pose["{c}"]', f"unknown coordinate {c!r}")
            lo, hi = rig.coordinate(c).range
            value = _number(path, f'{where}.slack.pose["{c}"]', v)
            if not lo <= value <= hi:
                raise _fail(path, f'{where}.slack.pose["{c}"]', f"{value:g} is outside the range of {c}, {lo:g} to {hi:g}")
    if "full_length_mm" in slack:
        _number(path, f"{where}.slack.full_length_mm", slack["full_length_mm"], lo=0.0, hi=1000.0)
    taut = _number(path, f"{where}.taut_strain", raw.get("taut_strain", defaults["taut_strain"]), lo=0.0, hi=1.0)
    failure = _number(path, f"{where}.failure_strain", raw.get("failure_strain"), lo=0.0, hi=2.0, optional=True)
    if failure is not None and failure <= taut:
        raise _fail(path, f"{where}.failure_strain", f"failure strain {failure:g} must exceed the taut strain {taut:g}")
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s for s in sources):
        raise _fail(path, f"{where}.sources", "every tissue needs its sources (a non-empty list of strings)")
    return Tissue(
        name=name, label=_text(path, f"{where}.label", raw.get("label")), group=group, lines=tuple(lines),
        width_mm=_number(path, f"{where}.width_mm", raw.get("width_mm"), lo=0.0, hi=100.0, optional=True),
        width_note=_text(path, f"{where}.width_note", raw.get("width_note"), optional=True),
        loaded_by=_text(path, f"{where}.loaded_by", raw.get("loaded_by")),
        strain_data=_text(path, f"{where}.strain_data", raw.get("strain_data"), optional=True),
        slack=dict(slack), taut_strain=taut, failure_strain=failure, sources=tuple(sources), index=i,
        first_line=first_line)


def load_tissues(path: str | Path | None = None, *, rig=None, landmarks=None, kinematics=None) -> TissueSet:
    """Read and validate the tissues file; raise :class:`TissueError` naming the file, JSON path and problem."""
    from app import MESH_DIR
    from app.anatomy.kinematics import Kinematics
    from app.anatomy.landmarks import load_landmarks
    from app.anatomy.rig import load_rig

    path = Path(path) if path is not None else MESH_DIR / "tissues.json"
    rig = rig or load_rig()
    landmarks = landmarks or load_landmarks(bones=set(rig.bone_names))
    kinematics = kinematics or Kinematics(rig)
    from app import jsonfile

    raw = jsonfile.load_data_file(path, fmt="talus-tissues", what="tissues", error=TissueError)
    groups = raw.get("groups")
    if not isinstance(groups, dict) or set(groups) != set(GROUPS) or not all(isinstance(v, str) and v for v in groups.values()):
        raise _fail(path, "groups", f"expected a label for each of the groups {GROUPS}")
    defaults = raw.get("defaults")
    if not isinstance(defaults, dict):
        raise _fail(path, "defaults", "expected an object with taut_strain and taut_source")
    _number(path, "defaults.taut_strain", defaults.get("taut_strain"), lo=0.0, hi=1.0)
    _text(path, "defaults.taut_source", defaults.get("taut_source"))
    items = raw.get("tissues")
    if not isinstance(items, list) or not items:
        raise _fail(path, "tissues", "expected a non-empty list of tissues")
    tissues: list[Tissue] = []
    seen: set[str] = set()
    first = 0
    for i, t in enumerate(items):
        tissue = _tissue(path, i, t, rig, landmarks, defaults, groups, first)
        if tissue.name in seen:
            raise _fail(path, f"tissues[{i}].name", f"duplicate tissue {tissue.name!r}")
        seen.add(tissue.name)
        tissues.append(tissue)
        first += len(tissue.lines)
    tri = raw.get("tripod")
    if not isinstance(tri, dict):
        raise _fail(path, "tripod", "expected an object {points, source}")
    tripod = _points(path, "tripod.points", tri.get("points"), rig, landmarks, at_least=3)
    if len(tripod) != 3:
        raise _fail(path, "tripod.points", f"a tripod has three points, not {len(tripod)}")
    _text(path, "tripod.source", tri.get("source"))
    arches = []
    for k, a in enumerate(raw.get("arches", [])):
        where = f"arches[{k}]"
        if not isinstance(a, dict):
            raise _fail(path, where, "expected an object")
        pts = _points(path, f"{where}.points", a.get("points"), rig, landmarks, at_least=3)
        apex = a.get("apex")
        if apex is not None and (isinstance(apex, bool) or not isinstance(apex, int) or not 0 < apex < len(pts) - 1):
            raise _fail(path, f"{where}.apex", f"expected the index of an inner point (1 to {len(pts) - 2}) or null")
        if a.get("height") not in ARCH_HEIGHTS:
            raise _fail(path, f"{where}.height", f"expected one of {ARCH_HEIGHTS}")
        arches.append(Arch(_text(path, f"{where}.name", a.get("name")), _text(path, f"{where}.label", a.get("label")),
                           pts, apex, a["height"], _text(path, f"{where}.source", a.get("source"))))
    ts = TissueSet(tissues, dict(groups), tripod, arches, dict(defaults), path, rig, landmarks, kinematics)
    for t in tissues:
        for k in t.line_indices:
            if ts.neutral_path_mm[k] < 1.0:
                raise _fail(path, f"tissues[{t.index}] ({t.name}).lines[{k - t.first_line}]",
                            f"its points are {ts.neutral_path_mm[k]:.2f} mm apart: a line needs two distinct ends")
            if ts.extra_length_mm[k] < 0:
                raise _fail(path, f"tissues[{t.index}] ({t.name}).slack.full_length_mm",
                            f"shorter than the drawn path ({ts.neutral_path_mm[k]:.1f} mm)")
    return ts


def tissue_names(path: str | Path | None = None) -> frozenset[str]:
    """The names of the tissues in a tissues file (default: the bundled one), read without the full validation:
    what a techniques file may name as targets. Raise :class:`TissueError` if the file cannot be read."""
    from app import MESH_DIR

    path = Path(path) if path is not None else MESH_DIR / "tissues.json"
    return _names_cached(str(path), path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=4)
def _names_cached(path: str, _mtime: int) -> frozenset[str]:
    from app import jsonfile

    try:
        raw = jsonfile.load(path)  # regular files only, size-limited, no NaN or hostile nesting
        return frozenset(t["name"] for t in raw["tissues"] if isinstance(t, dict) and isinstance(t.get("name"), str))
    except FileNotFoundError:
        raise TissueError(f"{path}: tissues file not found") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise TissueError(f"{path}: cannot read the tissue names ({str(exc)[:120]})") from None


def parse_groups(text: str) -> tuple[str, ...]:
    """``"ankle,forefoot"`` or ``"all"`` -> the tissue groups to show; raise :class:`TissueError` on an unknown name."""
    names = [g.strip().lower().replace(" ", "_").replace("-", "_") for g in text.split(",") if g.strip()]
    if not names:
        raise TissueError(f"--tissues: give one or more groups ({', '.join(GROUPS)}) or 'all'")
    if "all" in names:
        return GROUPS
    aliases = {"fascia": "fascia_tendons", "tendons": "fascia_tendons", "fascia_and_tendons": "fascia_tendons"}
    out = []
    for n in names:
        n = aliases.get(n, n)
        if n not in GROUPS:
            raise TissueError(f"--tissues: unknown group {n!r}; choose from {', '.join(GROUPS)} or 'all'")
        if n not in out:
            out.append(n)
    return tuple(out)


def describe_states(tissue_set: TissueSet, names, W_true: np.ndarray) -> list[str]:
    """One line per named tissue: label, length now / neutral length (mm) and strain (%), true size.

    A tissue of several lines (a capsule's parts, the fascia's slips) is described by its most strained
    line, which is named: which line that is changes as the joint moves, and with it the neutral length."""
    states = tissue_set.states(W_true)
    out = []
    for name in names:
        t, s = tissue_set.get(name), states[name]
        line = f" [{s.line}]" if len(t.line_indices) > 1 else ""
        out.append(f"{t.label}{line}: {s.length_mm:.1f} mm (neutral {s.neutral_length_mm:.1f}), {s.strain_pct:+.1f} %")
    return out
