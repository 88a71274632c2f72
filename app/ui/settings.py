"""What Talus remembers between runs (QSettings), checked before use.

The settings file is the user's, and anything may be in it: hand edits, a half-written file, values
from another version. :func:`clean_settings` removes every remembered value Talus could not use (the
wrong type, a non-finite number, out of range, malformed JSON) so the window starts from the default
for it, and returns one message per value dropped, naming the file and the key. Keys it does not
know are left alone.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from app.jsonfile import JSONFileProblem, loads


def _number(v: Any, lo: float, hi: float) -> bool:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return False
    return math.isfinite(x) and lo <= x <= hi


def _integer(v: Any) -> bool:
    try:
        return int(str(v)) >= 0
    except (TypeError, ValueError):
        return False


def _vec3(v: Any) -> bool:
    return isinstance(v, list) and len(v) == 3 and all(
        isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in v)


def _json(v: Any, kind: type):
    if not isinstance(v, str):
        return None
    try:
        data = loads(v)
    except JSONFileProblem:
        return None
    return data if isinstance(data, kind) else None


def _user_files(v: Any) -> bool:
    data = _json(v, list)
    return data is not None and all(isinstance(f, str) and f for f in data)


def _bookmarks(v: Any) -> bool:
    data = _json(v, dict)
    return data is not None and all(
        isinstance(s, dict) and _vec3(s.get("position")) and _vec3(s.get("focal_point")) and _vec3(s.get("view_up"))
        and _number(s.get("view_angle", 30.0), 1.0, 179.0) for s in data.values())


CHECKS = {
    "window/geometry": lambda v: isinstance(v, (QByteArray, bytes)),
    "window/state": lambda v: isinstance(v, (QByteArray, bytes)),
    "side": lambda v: v in ("left", "right"),
    "speed": lambda v: _number(v, 0.01, 100.0),
    "technique": lambda v: isinstance(v, str) and 0 < len(v) <= 200,
    "frame": _integer,
    "magnify": lambda v: _number(v, 1.0, 10.0),
    "user_files": _user_files,
    "last_folder": lambda v: isinstance(v, str),
}


def clean_settings(settings: QSettings) -> list[str]:
    """Drop every remembered value Talus cannot use; one message (file, key, why) per value dropped."""
    where = settings.fileName()
    if settings.status() != QSettings.Status.NoError:
        return [f"{where}: the settings file cannot be read ({settings.status().name}); Talus starts with its defaults"]
    messages = []
    for key in settings.allKeys():
        check = _bookmarks if key.startswith("bookmarks/") else CHECKS.get(key)
        if check is None:
            continue
        try:
            value = settings.value(key)
            ok = check(value)
        except Exception:  # noqa: BLE001 - a value Qt itself cannot decode
            value, ok = "(undecodable)", False
        if not ok:
            shown = repr(value) if not isinstance(value, (QByteArray, bytes)) else "binary data"
            messages.append(f"{where}: ignored the remembered {key!r}, which Talus cannot use ({shown[:60]})")
            settings.remove(key)
    if messages:
        settings.sync()
    return messages
