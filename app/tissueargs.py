"""Tissue options as the user types them (``--tissues ankle,forefoot``, ``--arches``), shared by still and export."""

from __future__ import annotations

import argparse


def tissues_arg(text: str) -> tuple[str, ...]:
    """``ankle,forefoot`` or ``all`` -> tissue groups, as an argparse ``type=`` (an unknown group is a usage error)."""
    from app.anatomy.tissues import TissueError, parse_groups

    try:
        return parse_groups(text)
    except TissueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--tissues: ")) from None


def add_tissue_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tissues", type=tissues_arg, default=(), metavar="GROUP,...",
                   help="draw soft tissues coloured by strain: ankle, hindfoot, midfoot, forefoot, fascia_tendons, or all")
    p.add_argument("--arches", action="store_true", help="draw the tripod on its ground plane and the arches with their heights")
