"""Reading the JSON files a user can hand Talus (techniques, rig, landmarks) without hanging or crashing.

Two steps, each raising :class:`JSONFileProblem` with a message fit for the user (the caller adds the
file name and turns it into its own :class:`~app.errors.TalusError`):

``read_text(path)``
    Only a regular file is opened (a named pipe or a device would block forever or never end), of at
    most ``max_bytes``; the text must be UTF-8 (a byte-order mark is skipped). A UTF-16 or UTF-32 file
    gets a message saying so, instead of a misleading JSON error.

``loads(text)``
    Finite JSON: ``NaN``, ``Infinity`` and numbers too large for a float (``1e400``) are refused, as
    are integers of more than :data:`MAX_INT_DIGITS` digits, nesting deeper than :data:`MAX_DEPTH`,
    and strings holding lone surrogates (``"\\ud800"``), which no file or terminal can show.
    The problem names the JSON path (``techniques[2].name``) where it can.
"""

from __future__ import annotations

import codecs
import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

MAX_BYTES = 8 * 1024 * 1024  # the bundled library is 44 KB; a rig or landmarks file under 200 KB
MAX_DEPTH = 40  # the deepest legitimate structure (a technique's key) is 6 levels down
MAX_INT_DIGITS = 30


class JSONFileProblem(ValueError):
    """Why a JSON file cannot be used: ``path`` (JSON path, may be empty) and ``message``."""

    def __init__(self, message: str, path: str = ""):
        super().__init__(f"{path}: {message}" if path else message)
        self.message = message
        self.path = path


def printable(text: str) -> str:
    """``text`` with lone surrogates and control characters escaped, safe to print anywhere."""
    return text.encode("unicode_escape").decode("ascii") if _needs_escape(text) else text


def _needs_escape(text: str) -> bool:
    return any(0xD800 <= ord(ch) <= 0xDFFF or ord(ch) < 0x20 for ch in text)


def read_text(path: str | Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The UTF-8 text of a regular file of at most ``max_bytes`` (OSError for a missing file)."""
    return decode(read_bytes(path, max_bytes=max_bytes))


def read_bytes(path: str | Path, *, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``: never blocks on a pipe or reads a device."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = ("a folder" if stat.S_ISDIR(st.st_mode) else "a named pipe" if stat.S_ISFIFO(st.st_mode)
                    else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
                    else "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
            raise JSONFileProblem(f"is {kind}, not a file Talus can read")
        if st.st_size > max_bytes:
            raise JSONFileProblem(f"is {st.st_size / 1e6:.1f} MB; Talus reads files of at most {max_bytes / 1e6:.0f} MB")
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:  # grew while being read
                raise JSONFileProblem(f"is larger than {max_bytes / 1e6:.0f} MB, the most Talus reads")
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def decode(data: bytes) -> str:
    """UTF-8 bytes -> text; a clear message for UTF-16/32 and for bytes that are not UTF-8."""
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                      (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if data.startswith(bom):
            raise JSONFileProblem(f"is {name} text; save it as UTF-8 (most editors: Save As, encoding UTF-8)")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    head = data[:200]
    if len(head) >= 4 and head.count(0) >= len(head) // 3:
        raise JSONFileProblem("looks like UTF-16 text or a binary file, not UTF-8 text; save it as UTF-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise JSONFileProblem(f"is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); save it as UTF-8") from None


class _TooLong:
    """Stands in for an integer with too many digits until the walk reports it with its JSON path."""

    def __init__(self, digits: int):
        self.digits = digits


def _parse_int(text: str):
    digits = len(text.lstrip("-"))
    return _TooLong(digits) if digits > MAX_INT_DIGITS else int(text)


_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def _max_depth(text: str) -> int:
    depth = deepest = 0
    for m in _BRACKETS.finditer(text):
        ch = m.group()
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


def loads(text: str, *, check: bool = True) -> Any:
    """Strict JSON text -> Python objects (see the module's docstring for what is refused).

    ``check=False`` leaves the values unchecked, for a caller that checks parts separately with
    :func:`check_values` (a techniques file rejects only the technique holding a NaN).
    """
    if _max_depth(text) > MAX_DEPTH:
        raise JSONFileProblem(f"nested more than {MAX_DEPTH} levels deep; a Talus file never is")
    try:
        data = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise JSONFileProblem(f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise JSONFileProblem("nested too deeply to read") from None
    except ValueError as exc:
        if isinstance(exc, JSONFileProblem):
            raise
        raise JSONFileProblem(f"unreadable number ({str(exc)[:80]})") from None
    if check:
        check_values(data)
    return data


def check_values(data: Any, prefix: tuple = ()) -> None:
    """Refuse NaN, infinities, overlong integers and lone surrogates anywhere, naming the JSON path."""
    stack: list[tuple[Any, tuple]] = [(data, tuple(prefix))]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            for k, v in item.items():
                if has_surrogate(k):
                    raise JSONFileProblem(f"the name '{printable(k)}' holds a lone surrogate (\\ud800-\\udfff), "
                                          "which is not text", _path(where))
                stack.append((v, where + (k,)))
        elif isinstance(item, list):
            stack.extend((v, where + (i,)) for i, v in enumerate(item))
        elif isinstance(item, float) and not math.isfinite(item):
            what = "NaN" if math.isnan(item) else "Infinity (or a number too large)"
            raise JSONFileProblem(f"{what} is not a number Talus accepts; write a finite number", _path(where))
        elif isinstance(item, _TooLong):
            raise JSONFileProblem(f"an integer of {item.digits} digits is too large (at most {MAX_INT_DIGITS} digits)",
                                  _path(where))
        elif isinstance(item, str) and has_surrogate(item):
            raise JSONFileProblem(f"'{printable(item)[:60]}' holds a lone surrogate (\\ud800-\\udfff), which is not text",
                                  _path(where))


def has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _path(parts: tuple) -> str:
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", p):
            out += ("." if out else "") + p
        else:
            out += f'["{printable(p)}"]'
    return out


def load(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Any:
    """``loads(read_text(path))``: OSError for a file that cannot be opened, JSONFileProblem for the rest."""
    return loads(read_text(path, max_bytes=max_bytes))


def load_data_file(path: Path, *, fmt: str, what: str, error: type[Exception], version: int = 1) -> dict:
    """Read one of Talus's own data files (rig, landmarks, tissues) through :func:`load`, check its
    ``"format"`` and ``"version"``, and return it; every problem raises ``error`` naming the file.

    ``fmt`` is the expected ``"format"`` value (``"talus-rig"``), ``what`` the file's name in messages.
    """
    try:
        raw = load(path)
    except FileNotFoundError:
        raise error(f"{path}: {what} file not found") from None
    except JSONFileProblem as exc:
        raise error(printable(f"{path}: {exc}")) from None
    except OSError as exc:
        raise error(f"{path}: cannot read the {what} file ({exc.strerror or exc})") from None
    if not isinstance(raw, dict) or raw.get("format") != fmt:
        raise error(f'{path}: format: not a Talus {what} file (expected "format": "{fmt}")')
    if raw.get("version") != version:
        shown = printable(str(raw.get("version"))[:20])
        raise error(f"{path}: version: unsupported {what} version {shown} (this Talus reads {version})")
    return raw
