"""Composite motions: named combinations of rig coordinates driven by one value (numpy only).

A composite (``meshes/rig.json``, top-level ``"composites"``) names coordinates and a ratio for each:
setting the composite to ``v`` (its unit, degrees) moves coordinate ``c`` by ``ratio[c] * v``. So
"supination 10 deg" is subtalar inversion 10 deg + transverse tarsal supination 6 deg + transverse
tarsal abduction -2 deg. Each composite carries the source of its combination.

The value of a composite in a pose ``q`` (coordinate vector, rig order) is the least-squares
projection ``sum(r_i q_i) / sum(r_i^2)``; moving it from there to ``v`` adds ``r * (v - value(q))``,
so the coordinates it does not drive, and any independent offset of the ones it does, are kept.

Its normal range is the widest interval of ``v`` that keeps every coordinate it drives, starting from
neutral, within that coordinate's normal range.

Example::

    comps = load_composites(rig)
    q = comps["supination"].apply(q, 10.0)      # degrees
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.errors import TalusError


class CompositeError(TalusError):
    """The composites of a rig file are malformed or name unknown coordinates."""


@dataclass(frozen=True)
class Composite:
    name: str
    label: str
    unit: str
    positive: str  # what a positive value means
    source: str
    coordinates: tuple[str, ...]
    ratios: np.ndarray  # one per coordinate, coordinate unit per composite unit
    indices: np.ndarray  # rig indices of the coordinates
    range: tuple[float, float]  # normal range of the composite value (unit)

    def value(self, q: np.ndarray) -> float:
        """The composite's value in pose ``q`` (least-squares projection)."""
        r = self.ratios
        return float(np.dot(r, np.asarray(q, float)[self.indices]) / np.dot(r, r))

    def apply(self, q: np.ndarray, value: float) -> np.ndarray:
        """A copy of ``q`` with the composite moved to ``value``."""
        out = np.array(q, dtype=float)
        out[self.indices] += self.ratios * (float(value) - self.value(q))
        return out


def _fail(path, where: str, what: str) -> CompositeError:
    return CompositeError(f"{path}: {where}: {what}")


def composite_range(rig, coordinates, ratios) -> tuple[float, float]:
    lo, hi = -np.inf, np.inf
    for name, r in zip(coordinates, ratios):
        a, b = rig.coordinate(name).range
        v1, v2 = sorted((a / r, b / r))
        lo, hi = max(lo, v1), min(hi, v2)
    return float(lo), float(hi)


def parse_composites(rig, raw: Any, path) -> dict[str, Composite]:
    """Validate the ``composites`` list of a rig file; raise :class:`CompositeError` naming the item."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise _fail(path, "composites", "must be a list of composite motions")
    out: dict[str, Composite] = {}
    for i, item in enumerate(raw):
        where = f"composites[{i}]"
        if not isinstance(item, dict):
            raise _fail(path, where, "must be an object")
        for key in ("name", "label", "unit", "positive", "source"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise _fail(path, f"{where}.{key}", "missing or not a non-empty text")
        name = item["name"]
        if name in out:
            raise _fail(path, f"{where}.name", f"'{name}' is defined twice")
        coords = item.get("coordinates")
        if not isinstance(coords, dict) or not coords:
            raise _fail(path, f"{where}.coordinates", "must map coordinate names to ratios")
        units = set()
        for c, r in coords.items():
            if not rig.has_coordinate(c):
                raise _fail(path, f"{where}.coordinates.{c}", "no such coordinate in the rig")
            if not isinstance(r, (int, float)) or isinstance(r, bool) or not np.isfinite(r) or r == 0:
                raise _fail(path, f"{where}.coordinates.{c}", f"ratio must be a non-zero number, not {r!r}")
            units.add(rig.coordinate(c).unit)
        if units != {item["unit"]}:
            raise _fail(path, f"{where}.unit", f"'{item['unit']}' does not match its coordinates' units {sorted(units)}")
        names = tuple(coords)
        ratios = np.array([float(coords[c]) for c in names])
        lo, hi = composite_range(rig, names, ratios)
        if not hi > lo:
            raise _fail(path, f"{where}.coordinates", "no value keeps every coordinate within its normal range")
        out[name] = Composite(name, item["label"], item["unit"], item["positive"], item["source"], names, ratios,
                              np.array([rig.coordinate(c).index for c in names]), (lo, hi))
    return out


def load_composites(rig, path: str | Path | None = None) -> dict[str, Composite]:
    """The composites of the rig file (``rig.path`` unless ``path``), by name, in file order."""
    path = Path(path) if path is not None else Path(rig.path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CompositeError(f"{path}: cannot read the composites ({exc})") from None
    if not isinstance(raw, dict):
        raise _fail(path, "(top level)", "not a rig file")
    return parse_composites(rig, raw.get("composites"), path)


def hard_limits(rig) -> np.ndarray:
    """(n_coordinates, 2) limits a pose may reach in explore mode (coordinate units).

    A coordinate's own ``limit`` when the rig gives one; otherwise its normal range widened by a
    quarter of its span on each side (translations never below their normal minimum: a joint is not
    pushed into its partner). Beyond the normal range is shown as a warning, beyond this is refused.
    """
    out = np.zeros((len(rig.coordinates), 2))
    for c in rig.coordinates:
        limit = getattr(c, "limit", None)
        if limit is not None:
            out[c.index] = limit
            continue
        a, b = c.range
        pad = 0.25 * (b - a)
        out[c.index] = (a if c.unit == "mm" else a - pad, b + pad)
    return out
