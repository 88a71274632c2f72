"""Picture sizes as the user types them (``1280x800``), shared by the command line, export and window."""

from __future__ import annotations

import argparse

from app.errors import TalusError

MAX_SIZE = (7680, 4320)


class SizeError(TalusError):
    """A picture size that cannot be used."""


def parse_size(text: str) -> tuple[int, int]:
    """``1280x800`` -> (1280, 800) pixels; both positive and even (video encoders need even sizes)."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise SizeError(f"size must read WIDTHxHEIGHT, e.g. 1280x800, not {text!r}") from None
    if w <= 0 or h <= 0 or w % 2 or h % 2:
        raise SizeError(f"size {text!r}: width and height must be positive and even")
    if w > MAX_SIZE[0] or h > MAX_SIZE[1]:
        raise SizeError(f"size {text!r}: at most {MAX_SIZE[0]}x{MAX_SIZE[1]}")
    return w, h


def size_arg(text: str) -> tuple[int, int]:
    """:func:`parse_size` as an argparse ``type=`` (its message becomes the usage error)."""
    try:
        return parse_size(text)
    except SizeError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
