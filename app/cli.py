"""Command line: ``talus [window]``, ``still``, ``list``, ``check``, ``kinematics``, ``export``.

Heavy modules (Qt, VTK) are imported inside the command that needs them, so ``talus check`` and
``talus list`` answer in a fraction of a second and run where there is no display.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from collections.abc import Sequence

# One BLAS thread, set before numpy loads (app.scene.camera below imports it). Talus's arrays are small
# (a few thousand points, 4x4 matrices) and the renderer and video encoder want the cores: a threaded
# OpenBLAS busy-waits its helper threads, and on a loaded 2-core machine a (500000, 3) x (3, 3) product
# took 215 ms of CPU against 4.5 ms on one thread.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from app.errors import TalusError  # noqa: E402
from app.imagesize import size_arg  # noqa: F401,E402 - the --size type, also used by export's arguments
from app.tissueargs import add_tissue_arguments  # noqa: E402
from app.scene.camera import VIEWS as _CAMERA_VIEWS  # noqa: E402

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


def magnify_arg(text: str) -> float:
    """``--magnify``: :func:`app.techniques.timeline.magnify_arg`, imported only when the option is given."""
    from app.techniques.timeline import magnify_arg as check

    return check(text)


def missing_display_libraries() -> list[str]:
    import ctypes.util

    return [lib for lib in DISPLAY_LIBS if ctypes.util.find_library(lib) is None]


def invocation() -> str:
    """How the user started Talus, as a command they can paste: ``talus``, a full path, ``python -m app``.

    dev.sh says how it was called in ``TALUS_INVOCATION`` (``bash /path/to/dev.sh run``), because the
    ``talus`` it runs is not on the user's PATH.
    """
    given = os.environ.get("TALUS_INVOCATION", "").strip()
    if given:
        return given
    argv0 = sys.argv[0] if sys.argv and sys.argv[0] else ""
    if not argv0 or argv0 == "-c" or os.path.basename(argv0) == "__main__.py":
        return f"{shlex.quote(sys.executable)} -m app"
    name = os.path.basename(argv0)
    found = shutil.which(name)
    if found and os.path.realpath(found) == os.path.realpath(argv0):
        return name
    return shlex.quote(os.path.abspath(argv0))


def check_display() -> str | None:
    """A message saying why the window cannot open here, or None when it can."""
    missing = missing_display_libraries()
    if missing:
        return ("Talus cannot open its window: system libraries for the display are missing "
                f"({', '.join('lib' + m for m in missing)}).\nInstall them as root:\n  {APT_LINE}")
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        if os.environ.get("QT_QPA_PLATFORM", "") not in ("", "xcb", "wayland"):
            return None
        me = invocation()
        return ("Talus cannot open its window: there is no display (DISPLAY is not set).\n"
                f"Run it on a desktop, under a virtual display (xvfb-run -a {me}), or render a picture "
                f"without any display:\n  {me} still -o foot.png --view lateral")
    return None


def add_window_options(parser: argparse.ArgumentParser, *, prefix: str, default) -> None:
    parser.add_argument("--side", dest=prefix + "side", choices=("right", "left"), default=default,
                        help="which foot the window shows (default: the last one used)")
    parser.add_argument("--technique", dest=prefix + "technique", metavar="ID", default=default,
                        help="technique id to open at start")
    parser.add_argument("--library", dest=prefix + "library", metavar="FILE", default=default,
                        help="extra techniques file of your own to load beside the bundled library")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="talus", description="Talus: a 3D viewer of the foot's joints for manual-therapy teaching.")
    # The window's options work with or without the word `window`: `talus --side left` as the README says.
    # Their dests differ from the other commands' own --side/--technique/--library, which argparse would
    # otherwise overwrite with the subcommand's defaults.
    add_window_options(p, prefix="window_", default=None)
    sub = p.add_subparsers(dest="command")

    w = sub.add_parser("window", help="open the viewer (the default command)")
    add_window_options(w, prefix="window_", default=argparse.SUPPRESS)

    s = sub.add_parser("still", help="render a PNG off screen (no display needed)")
    s.add_argument("-o", "--output", required=True, help="PNG file to write")
    s.add_argument("--view", choices=VIEWS, default=None,
                   help="camera preset (default: the one that suits the technique's region, else three_quarter)")
    s.add_argument("--size", type=size_arg, default=(1280, 800), help="WIDTHxHEIGHT in pixels (default 1280x800)")
    s.add_argument("--side", choices=("right", "left"), default="right")
    s.add_argument("--technique", help="pose the skeleton as in this technique (with --frame)")
    s.add_argument("--frame", type=int, default=0, help="frame of the technique to show (default 0)")
    s.add_argument("--magnify", type=magnify_arg, default=None, help="display magnification of accessory motion (1-10)")
    add_tissue_arguments(s)
    s.add_argument("--labels", action="store_true", help="name the bones on the picture, with leader lines")
    s.add_argument("--focus", metavar="BONE,...", help="close in on these bones (e.g. talus,calcaneus,tibia,fibula)")

    a = sub.add_parser("atlas", help="render every bone on one labelled sheet at one scale (PNG, no display needed)")
    a.add_argument("-o", "--output", required=True, help="PNG file to write")
    a.add_argument("--side", choices=("right", "left"), default="right")
    a.add_argument("--size", type=size_arg, default=(2400, 2000), help="WIDTHxHEIGHT in pixels (default 2400x2000)")
    a.add_argument("--bones", help="comma-separated bone names (default: every bone)")
    a.add_argument("--meshes", help=argparse.SUPPRESS)  # a folder of generated meshes, for reviewing the generator

    ls = sub.add_parser("list", help="list the techniques of a file (default: the bundled library)")
    ls.add_argument("file", nargs="?")

    c = sub.add_parser("check", help="validate a techniques file; exit 1 if it has problems")
    c.add_argument("file")

    k = sub.add_parser("kinematics", help="write a technique's coordinates and bone poses for every frame")
    k.add_argument("technique")
    k.add_argument("--fps", type=float, default=30.0)
    k.add_argument("--format", choices=("csv", "json", "mot"), default="csv")
    k.add_argument("--magnify", type=magnify_arg, default=None, help="multiply accessory motion, 1-10 (default: true size)")
    k.add_argument("--library", help="techniques file (default: the bundled library)")
    k.add_argument("--no-tissues", dest="tissues", action="store_false",
                   help="leave out the per-tissue length (mm) and strain (%%) columns")

    from app.export.video import add_export_arguments

    add_export_arguments(sub.add_parser("export", help="export a technique as MP4, GIF or PNG frames (no display needed)"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "window"
    if command != "window":
        given = [f"--{k}" for k in ("side", "technique", "library") if getattr(args, "window_" + k, None) is not None]
        if given:
            parser.error(f"{', '.join(given)} is an option of the window, not of '{command}' "
                         f"(options of '{command}' go after its name: talus {command} --help)")
    try:
        if command == "window":
            problem = check_display()
            if problem:
                print(problem, file=sys.stderr)
                return 2
            from app.ui.app import run_window

            library = args.window_library
            if library is not None:
                library = os.path.abspath(library)  # remembered across runs: never relative to today's folder
            return run_window(side=args.window_side, technique=args.window_technique, library=library)
        if command == "still":
            from app.scene.offscreen import render_still

            path = render_still(args.output, view=args.view, size=args.size, side=args.side,
                                technique=args.technique, frame=args.frame, magnify=args.magnify,
                                tissues=args.tissues, arches=args.arches,
                                labels=args.labels,
                                focus=[b.strip() for b in args.focus.split(",") if b.strip()] if args.focus else ())
            print(f"wrote {path}")
            return 0
        if command == "atlas":
            from app.scene.atlas import render_atlas

            bones = [b.strip() for b in args.bones.split(",")] if args.bones else None
            path = render_atlas(args.output, side=args.side, bones=bones, size=args.size, mesh_dir=args.meshes)
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
