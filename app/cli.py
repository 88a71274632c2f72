"""Command line: ``talus [window]``, ``still``, ``list``, ``check``, ``kinematics``, ``export``.

Heavy modules (Qt, VTK) are imported inside the command that needs them, so ``talus check`` and
``talus list`` answer in a fraction of a second and run where there is no display.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from app.errors import TalusError
from app.imagesize import size_arg  # noqa: F401 - the --size type, also used by export's arguments
from app.tissueargs import add_tissue_arguments
from app.scene.camera import VIEWS as _CAMERA_VIEWS

VIEWS = tuple(_CAMERA_VIEWS)
APT_LINE = (
    "apt-get install -y --no-install-recommends xvfb xauth libgl1 libglx-mesa0 libgl1-mesa-dri libegl1 "
    "libegl-mesa0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 "
    "libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xkb1 libxcb-xfixes0 libxcb-sync1 libxcb-shm0 "
    "libxcb-glx0 libx11-xcb1 libxrender1 libxext6 libdbus-1-3 libfontconfig1 fonts-dejavu-core"
)
# Shared libraries Qt's xcb platform plugin and VTK need; without them Qt aborts with a misleading message.
DISPLAY_LIBS = ("GL", "EGL", "xkbcommon-x11", "xcb-cursor", "xcb-icccm", "xcb-keysyms", "xcb-image",
                "xcb-render-util", "xcb-shape", "xcb-randr", "xcb-xkb", "X11-xcb", "fontconfig", "dbus-1")


def missing_display_libraries() -> list[str]:
    import ctypes.util

    return [lib for lib in DISPLAY_LIBS if ctypes.util.find_library(lib) is None]


def check_display() -> str | None:
    """A message saying why the window cannot open here, or None when it can."""
    missing = missing_display_libraries()
    if missing:
        return ("Talus cannot open its window: system libraries for the display are missing "
                f"({', '.join('lib' + m for m in missing)}).\nInstall them as root:\n  {APT_LINE}")
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        if os.environ.get("QT_QPA_PLATFORM", "") not in ("", "xcb", "wayland"):
            return None
        return ("Talus cannot open its window: there is no display (DISPLAY is not set).\n"
                "Run it on a desktop, under a virtual display (xvfb-run talus), or render a picture "
                "without any display:\n  talus still -o foot.png --view lateral")
    return None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="talus", description="Talus: a 3D viewer of the foot's joints for manual-therapy teaching.")
    sub = p.add_subparsers(dest="command")

    w = sub.add_parser("window", help="open the viewer (the default command)")
    w.add_argument("--side", choices=("right", "left"), default=None, help="which foot to show (default: the last one used)")
    w.add_argument("--technique", help="technique id to open at start")
    w.add_argument("--library", help="extra techniques file of your own to load beside the bundled library")

    s = sub.add_parser("still", help="render a PNG off screen (no display needed)")
    s.add_argument("-o", "--output", required=True, help="PNG file to write")
    s.add_argument("--view", choices=VIEWS, default="three_quarter")
    s.add_argument("--size", type=size_arg, default=(1280, 800), help="WIDTHxHEIGHT in pixels (default 1280x800)")
    s.add_argument("--side", choices=("right", "left"), default="right")
    s.add_argument("--technique", help="pose the skeleton as in this technique (with --frame)")
    s.add_argument("--frame", type=int, default=0, help="frame of the technique to show (default 0)")
    s.add_argument("--magnify", type=float, default=None, help="display magnification of accessory motion (1-10)")
    add_tissue_arguments(s)
    s.add_argument("--labels", action="store_true", help="name the bones on the picture, with leader lines")

    ls = sub.add_parser("list", help="list the techniques of a file (default: the bundled library)")
    ls.add_argument("file", nargs="?")

    c = sub.add_parser("check", help="validate a techniques file; exit 1 if it has problems")
    c.add_argument("file")

    k = sub.add_parser("kinematics", help="write a technique's coordinates and bone poses for every frame")
    k.add_argument("technique")
    k.add_argument("--fps", type=float, default=30.0)
    k.add_argument("--format", choices=("csv", "json", "mot"), default="csv")
    k.add_argument("--magnify", type=float, default=None, help="multiply accessory motion (default: true size)")
    k.add_argument("--library", help="techniques file (default: the bundled library)")
    k.add_argument("--no-tissues", dest="tissues", action="store_false",
                   help="leave out the per-tissue length (mm) and strain (%%) columns")

    from app.export.video import add_export_arguments

    add_export_arguments(sub.add_parser("export", help="export a technique as MP4, GIF or PNG frames (no display needed)"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "window"
    try:
        if command == "window":
            problem = check_display()
            if problem:
                print(problem, file=sys.stderr)
                return 2
            from app.ui.app import run_window

            return run_window(side=getattr(args, "side", None), technique=getattr(args, "technique", None),
                              library=getattr(args, "library", None))
        if command == "still":
            from app.scene.offscreen import render_still

            path = render_still(args.output, view=args.view, size=args.size, side=args.side,
                                technique=args.technique, frame=args.frame, magnify=args.magnify,
                                tissues=args.tissues, arches=args.arches,
                                labels=args.labels)
            print(f"wrote {path}")
            return 0
        if command == "list":
            from app.techniques.commands import run_list

            return run_list(args.file, sys.stdout)
        if command == "check":
            from app.techniques.commands import run_check

            return run_check(args.file, sys.stdout)
        if command == "export":
            from app.export.video import run_export

            return run_export(args)
        if command == "kinematics":
            from app.techniques.commands import run_kinematics

            return run_kinematics(args.technique, fps=args.fps, fmt=args.format, magnify=args.magnify,
                                  out=sys.stdout, library_path=args.library, tissues=args.tissues)
    except TalusError as exc:
        print(f"talus: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `talus kinematics ... | head`
        import os as _os

        _os.dup2(_os.open(_os.devnull, _os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 2
