"""A warm ``talus export``: a process that gets ready before it is told what to export.

``talus export`` spends about 1 s before its first frame: imports (VTK, pyvista's core, imageio),
the library's schema check, the bones' meshes, their level of detail for the clip's framing and the
first render's shaders. A 4 s clip then exports at 1.4x real time instead of 2.1x. The window's
export dialog starts this module as it opens, while the teacher chooses the options:

    python -m app.export.warm TECHNIQUE [--side S] [--library FILE] [--size WxH] [--view V]

It loads everything, draws one frame of the technique at the dialog's default size and view with
captions (which compiles the shaders and decimates the bones for that framing), writes ``READY`` to
standard error, then reads one line from standard input: the ``talus export`` arguments after
``export``, as a JSON list. It runs that export exactly as ``talus export`` would (the same messages,
progress lines, exit codes, SIGTERM to cancel) with what it loaded, and exits. An empty input (the
dialog closed without exporting) ends it at once.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as app/cli.py, before numpy loads

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402


def warm_up(technique_id: str, *, side: str, library: str | None, size, view: str | None):
    """Load what an export needs and draw one captioned frame of the technique; return what
    :func:`~app.export.video.run_export` takes as ``preloaded``: (rig, library, ``library``, meshes).
    Raises like ``talus export`` would (a bad library file)."""
    from app.anatomy import load_rig
    from app.export.video import _ClipStage
    from app.scene.camera import REGION_VIEW
    from app.scene.skeleton import load_bone_meshes
    from app.techniques.library import load_library
    from app.techniques.timeline import Timeline

    rig = load_rig()
    result = load_library(library, rig=rig)
    meshes = load_bone_meshes(rig)
    tech = result.technique(technique_id)
    if tech is not None:
        tl = Timeline(tech, rig)
        clip = _ClipStage(tech, rig, tl, size=size, side=side, view=view or REGION_VIEW.get(tech.region, "three_quarter"),
                          meshes=meshes, captions=True, tissues=(), arches=False, labels=False)
        try:
            clip.draw(0.0)
        finally:
            clip.close()
    return rig, result, library, meshes


def main(argv=None) -> int:
    from app.errors import TalusError
    from app.imagesize import size_arg

    p = argparse.ArgumentParser(prog="python -m app.export.warm", description=__doc__.splitlines()[0])
    p.add_argument("technique")
    p.add_argument("--side", choices=("right", "left"), default="right")
    p.add_argument("--library")
    p.add_argument("--size", type=size_arg, default=(1280, 720))
    p.add_argument("--view")
    opts = p.parse_args(argv)
    preloaded = None
    try:
        preloaded = warm_up(opts.technique, side=opts.side, library=opts.library, size=opts.size, view=opts.view)
    except TalusError:
        pass  # the export itself reports it, as talus export would
    print("READY", file=sys.stderr, flush=True)
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    from app.cli import build_parser
    from app.export.video import run_export

    try:
        request = json.loads(line)
    except json.JSONDecodeError:
        request = None
    if not isinstance(request, list):
        print(f"talus: the export request is not a JSON list of talus export arguments: {line.strip()[:80]!r}",
              file=sys.stderr)
        return 2
    args = build_parser().parse_args(["export", *map(str, request)])
    try:
        return run_export(args, preloaded=preloaded)
    except TalusError as exc:
        print(f"talus: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    code = main()
    # The file is written and renamed, the encoder has exited: leave without tearing down VTK's and
    # Python's objects one by one (0.1-0.2 s the window would wait for).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
