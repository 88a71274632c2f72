"""Export a technique as MP4, GIF or numbered PNG frames, off screen (no display needed).

Output frame k shows the pose at technique time ``start + k * speed / fps``, evaluated at that very
time (:meth:`~app.techniques.timeline.Timeline.transforms_at`), not rounded to the 30 fps grid: slow
motion (``speed < 1``) shows a distinct, interpolated pose in every frame. Each frame is rendered once
(no MSAA, no FXAA) by an :class:`~app.scene.offscreen.OffscreenStage`; the encoder (imageio-ffmpeg's
own ffmpeg) works on a background thread while the next frame renders, and streams: memory stays flat
whatever the clip's length.

Speed on a software renderer (2 cores, llvmpipe: the renderer and ffmpeg each want a core): bones are
drawn with back-face culling and, where their triangles are tiny at the clip's size and framing, with
fewer of them (:meth:`~app.scene.offscreen.OffscreenStage.use_level_of_detail`); a new caption or
magnification note is sized in 0.1 ms, not the 20 ms of VTK's corner annotation
(:class:`~app.scene.offscreen.CornerText`); frames go to ffmpeg as OpenGL reads them (bottom row
first, flipped by ffmpeg for free, no copy); libx264 runs ``ultrafast`` on one thread
(:data:`MP4_X264_PARAMS`). MP4 is libx264; GIF is ffmpeg's GIF encoder with a palette per frame, every
frame kept (no merging of identical frames) and delays in 1/100 s chosen so the total duration is
frames / fps (at 30 fps: 30, 40, 30 ms ...).

The camera frames every bone the technique moves at its extreme poses
(:func:`~app.scene.camera.frame_technique`); a magnified clip says so on every frame ("distraction
drawn 6x, true 1.2 mm").

Atomic (:func:`app.userfiles.atomic_target`): everything is written to a temporary name beside the
target and renamed at the end; a cancelled or failed export removes it, so no half-written file is
ever left behind, and temporaries of killed exports are removed by the next one. Every request is
checked (limits, output folder, an existing frames folder) before the first frame renders.
"""

from __future__ import annotations

import argparse
import errno
import os
import queue
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.errors import TalusError


#: limits of one clip: past them the request is refused before anything renders
MAX_LOOPS = 100
MAX_DURATION_S = 30 * 60.0
MAX_FRAMES = 60 * 60 * 30  # 30 min at 60 fps


#: libx264 settings of an MP4: at 720p ultrafast costs a third of veryfast's CPU (6 against 10-14 ms a
#: frame on one llvmpipe machine, where the renderer needs the other core) for the same picture
#: (PSNR 42 against 40.5 dB at crf 20), in a file about 4x larger (2.6 Mbit/s for a 720p30 clip). One
#: encoder thread: x264's frame threads add CPU, and 6 ms a frame keeps up with any renderer.
MP4_X264_PARAMS = ["-preset", "ultrafast", "-crf", "20", "-threads", "1"]


class ExportCancelled(TalusError):
    """The user cancelled; nothing was written."""


@dataclass(frozen=True)
class ExportPlan:
    """What will be rendered: technique times (s, expanded timeline) of every output frame."""

    times_s: np.ndarray
    fps: float

    @property
    def n_frames(self) -> int:
        return len(self.times_s)

    @property
    def duration_s(self) -> float:
        return self.n_frames / self.fps


def resolve_time(value: str | float | None, timeline, *, end: bool) -> float:
    """``--from``/``--to``: seconds, or a phase name (its start for --from, its end for --to)."""
    if value is None:
        return timeline.duration_s if end else 0.0
    try:
        t = float(value)
    except (TypeError, ValueError):
        span = timeline.phase_named(str(value))
        if span is None:
            names = ", ".join(f"'{p.name}'" for p in timeline.phases)
            raise TalusError(f"technique '{timeline.technique.id}' has no phase '{value}'; phases: {names}") from None
        return span.end_s if end else span.start_s
    if not 0.0 <= t <= timeline.duration_s + 1e-9:
        raise TalusError(f"time {t:g} s is outside the technique (0 to {timeline.duration_s:g} s)")
    return t


def plan_export(timeline, *, fps: float = 30.0, start_s: float = 0.0, end_s: float | None = None,
                speed: float = 1.0, loops: int = 1) -> ExportPlan:
    end_s = timeline.duration_s if end_s is None else end_s
    if not (0 < fps <= 120):
        raise TalusError(f"--fps must be between 0 and 120, not {fps:g}")
    if not (0 < speed <= 4):
        raise TalusError(f"--speed must be above 0 and at most 4, not {speed:g}")
    if not 1 <= loops <= MAX_LOOPS:
        raise TalusError(f"--loops must be from 1 to {MAX_LOOPS}, not {loops}")
    if end_s <= start_s:
        raise TalusError(f"the clip must end after it starts (from {start_s:g} s to {end_s:g} s)")
    span = end_s - start_s
    per_loop = max(1, int(round(span / speed * fps)))
    duration_s = per_loop * loops / fps
    if duration_s > MAX_DURATION_S or per_loop * loops > MAX_FRAMES:
        raise TalusError(f"the clip would last {duration_s / 60:.1f} min ({per_loop * loops} frames); at most "
                         f"{MAX_DURATION_S / 60:g} min and {MAX_FRAMES} frames: fewer loops, a shorter span "
                         "or a higher speed")
    k = np.arange(per_loop)
    one = start_s + k * speed / fps
    times = np.concatenate([one] * loops) if loops > 1 else one
    return ExportPlan(np.minimum(times, end_s), fps)


def _kind(output: str | Path) -> str:
    s = str(output)  # before Path() drops a trailing slash
    if not s.strip():
        raise TalusError("no output given: name a .mp4 or .gif file, or a folder ending in / for PNG frames")
    if s.endswith(("/", os.sep)) or Path(s).is_dir():
        return "frames"
    suffix = Path(s).suffix.lower()
    if suffix in (".mp4", ".gif"):
        return suffix[1:]
    raise TalusError(f"{output}: give a name ending in .mp4, .gif or .glb (3D model), or a folder ending in / for PNG frames")


def export_technique(technique, rig, output: str | Path, *, size=(1280, 720), fps: float = 30.0,
                     view: str | None = None, start=None, end=None, loops: int = 1, speed: float = 1.0,
                     captions: bool = False, side: str = "right", magnify: float | None = None,
                     progress: Callable[[int, int], None] | None = None,
                     cancel: Callable[[], bool] | None = None, meshes=None, tissues=(), arches: bool = False,
                     labels: bool = False) -> Path:
    """Render ``technique`` to ``output`` (.mp4, .gif or a folder of PNGs); return the written path.

    ``magnify`` (1-10, default the technique's own) is checked like everywhere else; a bad request
    (size, span, limits, output) raises :class:`TalusError` before the first frame is rendered.
    ``tissues``: groups of soft tissues to draw (coloured by true-size strain, targets emphasised and listed);
    ``arches``: the tripod, its ground plane and the arch heights; ``labels``: the bones named.
    """
    from app.scene.camera import REGION_VIEW, VIEWS
    from app.techniques.timeline import Timeline, check_magnify
    from app.userfiles import atomic_target

    w, h = size
    if w <= 0 or h <= 0 or w % 2 or h % 2:
        raise TalusError(f"size {w}x{h}: width and height must be positive and even")
    view = view or REGION_VIEW.get(technique.region, "three_quarter")
    if view not in VIEWS:
        raise TalusError(f"unknown view '{view}'; choose one of {', '.join(VIEWS)}")
    kind = _kind(output)
    if magnify is not None:
        magnify = check_magnify(magnify)
    tl = Timeline(technique, rig, magnify=magnify)
    plan = plan_export(tl, fps=fps, start_s=resolve_time(start, tl, end=False), end_s=resolve_time(end, tl, end=True),
                       speed=speed, loops=loops)
    with atomic_target(output, kind="folder" if kind == "frames" else "file") as tmp:
        writer = clip = None
        try:  # the encoder stops before the temporary is removed (else ffmpeg could create it again)
            clip = _ClipStage(technique, rig, tl, size=(w, h), side=side, view=view, meshes=meshes,
                              captions=captions, tissues=tissues, arches=arches, labels=labels)
            writer = _Writer(kind, tmp, plan.fps)
            values = tl.coordinates_at_times(plan.times_s)  # every frame's pose in one evaluation
            for k, t in enumerate(plan.times_s):
                if cancel is not None and cancel():
                    raise ExportCancelled("export cancelled; nothing was written")
                writer.put(clip.draw(float(t), values[k]))
                if progress is not None:
                    progress(k + 1, plan.n_frames)
            writer.close()
            writer = None
        finally:
            if writer is not None:
                writer.abort()
            if clip is not None:
                clip.close()
    from app.userfiles import resolve_target

    return resolve_target(output)


class _ClipStage:
    """An off-screen stage set up for one clip (framing, overlays, tissues, labels), drawing its frames."""

    def __init__(self, technique, rig, timeline, *, size, side, view, meshes, captions, tissues, arches, labels):
        from app.scene.camera import frame_technique
        from app.scene.offscreen import OffscreenStage
        from app.scene.overlays import TechniqueOverlays

        self.technique, self.tl = technique, timeline
        self.captions, self.tissues, self.arches = captions, tissues, arches
        self.width, self.height = size
        stage = self.stage = OffscreenStage(size, side=side, view=view, rig=rig, meshes=meshes)
        try:
            stage.scene.set_roles(technique.worked_bones, technique.stabilised_bones)
            # the captions' band at the bottom is kept clear: the technique's bones are framed above it
            bottom = max(map(self._caption_height, range(len(timeline.phases)))) + 6 if captions else 0.0
            frame_technique(stage.plotter.renderer, stage.scene, technique, side=side, view=view, timeline=timeline,
                            bottom_px=bottom)
            stage.use_level_of_detail()  # bones whose triangles are tiny at this size and framing: fewer of them
            self.overlays = TechniqueOverlays(stage.plotter, rig, technique, side=side, timeline=timeline,
                                              meshes=stage.scene.meshes)
            if tissues or arches:
                stage.show_tissues(tissues, arches=arches, targets=technique.targets)
                if tissues and technique.targets:
                    stage.set_info(technique)
            if labels:  # a clip is framed on the technique: its bones are named (the others may be cut off)
                stage.add_labels([*technique.worked_bones, *technique.stabilised_bones])
        except BaseException:
            stage.close()
            raise
        self.phase_shown = -1

    def draw(self, t: float, values: np.ndarray | None = None) -> np.ndarray:
        """Pose the stage at technique time ``t`` (s), render once and return the frame
        (:meth:`~app.scene.offscreen.OffscreenStage.render_flipped`). ``values``: the true-size
        coordinates at ``t`` when already evaluated (:meth:`Timeline.coordinates_at_times`)."""
        tl, stage = self.tl, self.stage
        if values is None:
            values = tl.coordinates_at(t)
        W = tl.drawn_transforms(values)
        stage.scene.set_transforms(W)
        self.overlays.set_transforms(W, tl.frame_at(t))  # contacts: their state on the frame grid
        if self.tissues or self.arches:
            stage.pose_tissues(W, tl.kin.transforms(values))
        stage.set_note(tl.magnification_note(values=values), font_size=self._text_size)
        if self.captions:
            ph = tl.phase_index_at(t)
            if ph != self.phase_shown:
                stage.set_caption(self._caption(ph), font_size=self._text_size, position="lower_left")
                self.phase_shown = ph
        return stage.render_flipped()

    @property
    def _text_size(self) -> int:
        """The captions' and the note's font size (pyvista's add_text scale) for the clip's height."""
        return max(10, self.height // 52)

    def _caption(self, phase: int) -> str:
        """The caption of a phase: the technique, the phase's number and name, its cue wrapped to the width."""
        import textwrap

        span = self.tl.phases[phase]
        width = max(30, self.width // max(8, self.height // 40))
        cue = "\n".join(textwrap.wrap(span.cue, width))
        return f"{self.technique.name} - {span.index + 1}. {span.name}\n{cue}"

    def _caption_height(self, phase: int) -> float:
        """How high (px, from the bottom edge) the caption of ``phase`` reaches, as it will be drawn."""
        return self.stage.caption_height(self._caption(phase), font_size=self._text_size)

    def close(self) -> None:
        self.stage.close()


class _Writer:
    """Encodes frames on a background thread (the next frame renders meanwhile), streaming to disk."""

    def __init__(self, kind: str, path: Path, fps: float):
        self.kind, self.path = kind, path
        self.q: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.count = 0
        self.fps = fps
        self.w: _Ffmpeg | None = None  # the encoder (mp4, gif), started with the first frame; PNG frames need none
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _open(self, shape) -> None:
        h, w = shape[:2]
        # Frames come bottom row first (as OpenGL reads them, see put): vflip turns them over for free.
        if self.kind == "mp4":
            out = ["-vf", "vflip", "-c:v", "libx264", "-pix_fmt", "yuv420p", *MP4_X264_PARAMS, "-f", "mp4"]
        else:
            # a palette per frame (stats_mode=single, new=1): a clip's colours change as bones move
            out = ["-vf", "vflip,split[a][b];[a]palettegen=stats_mode=single[p];[b][p]paletteuse=new=1",
                   "-c:v", "gif", "-loop", "0", "-f", "gif"]
        self.w = _Ffmpeg(self.path, (w, h), self.fps, out)

    def _run(self):
        import imageio.v3 as iio

        while True:
            item = self.q.get()
            if item is None:
                return
            if self.error is not None:
                continue
            try:
                if self.kind == "frames":
                    iio.imwrite(self.path / f"frame_{self.count:05d}.png", item)
                else:
                    if self.w is None:
                        self._open(item.shape)
                    self.w.write(item)
                self.count += 1
            except BaseException as exc:  # noqa: BLE001 - reported on the main thread
                self.error = exc

    def put(self, img: np.ndarray) -> None:
        """Queue ``img`` ((h, w, 3 or 4) uint8, top row first) for the encoder; it is not copied when it
        is a flipped view of contiguous rows (:meth:`OffscreenStage.render_flipped`)."""
        if self.error is not None:
            self._raise()
        img = img[..., :3]
        # PNG frames are written top row first; ffmpeg gets the rows bottom first and flips them back
        self.q.put(np.ascontiguousarray(img) if self.kind == "frames" else np.ascontiguousarray(img[::-1]))

    def _raise(self):
        err = self.error
        if isinstance(err, OSError):
            raise err
        raise OSError(errno.EIO, f"encoder failed: {err}")

    def close(self) -> None:
        self.q.put(None)
        self.thread.join()
        if self.w is not None:
            w, self.w = self.w, None
            try:
                w.close()
            except BaseException as exc:  # noqa: BLE001
                self.error = self.error or exc
        if self.error is not None:
            self._raise()

    def abort(self) -> None:
        self.q.put(None)
        self.thread.join(timeout=30)
        if self.w is not None:
            self.w.kill()


class _Ffmpeg:
    """An ffmpeg process (imageio-ffmpeg's binary) encoding raw RGB frames from its standard input.

    Started here rather than through ``imageio_ffmpeg.write_frames`` to give its pipe 1 MB instead of
    Linux's 64 kB: a 720p frame (2.7 MB) then crosses in 3 writes, not 42, each waking the other
    side. Measured on 2 cores (llvmpipe machine, 120 frames of a clip): ffmpeg's CPU 7.2-7.6 against
    7.9-8.4 ms a frame, the writing thread's 0.4-0.5 against 0.7-0.9 ms. Its messages (errors only)
    go to a temporary file, read when it fails.
    """

    #: F_SETPIPE_SZ (Linux fcntl): the pipe's capacity, up to /proc/sys/fs/pipe-max-size (1 MB by default)
    _F_SETPIPE_SZ = 1031
    PIPE_BYTES = 1 << 20

    def __init__(self, path: Path, size: tuple[int, int], fps: float, output_args: list[str]):
        import subprocess
        import tempfile
        from fractions import Fraction

        import imageio_ffmpeg

        w, h = size
        rate = str(Fraction(fps).limit_denominator())
        self.cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
                    "-s", f"{w}x{h}", "-r", rate, "-i", "-", "-an", *output_args, str(path)]
        self.log = tempfile.TemporaryFile()
        self.p = subprocess.Popen(self.cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self.log,
                                  bufsize=0, start_new_session=True)  # its own session: a Ctrl+C reaches us, not it
        if sys.platform.startswith("linux"):
            import fcntl

            try:
                fcntl.fcntl(self.p.stdin.fileno(), self._F_SETPIPE_SZ, self.PIPE_BYTES)
            except OSError:  # a lower pipe-max-size: the default pipe works, a little slower
                pass

    def write(self, frame: np.ndarray) -> None:
        try:
            self.p.stdin.write(memoryview(frame).cast("B"))
        except BrokenPipeError:
            self.p.wait()
            raise OSError(errno.EIO, f"ffmpeg stopped: {self._messages()}") from None

    def _messages(self) -> str:
        """ffmpeg's first error (the cause; what follows is its consequences), without the ``[name @ 0x..]`` tags."""
        import re

        self.log.seek(0)
        lines = [ln.strip() for ln in self.log.read().decode(errors="replace").splitlines() if ln.strip()]
        if not lines:
            return f"exit code {self.p.returncode}"
        return re.sub(r"^(\[[^\]]*\]\s*)+", "", lines[0]) or lines[0]

    def close(self) -> None:
        """Finish the file; raise OSError with ffmpeg's message if it failed."""
        try:
            self.p.stdin.close()
            code = self.p.wait()
            if code != 0:
                raise OSError(errno.EIO, f"ffmpeg failed: {self._messages()}")
        finally:
            self.log.close()

    def kill(self) -> None:
        """Stop at once (a cancelled or failed export: its file is removed anyway)."""
        try:
            self.p.kill()
            self.p.stdin.close()
        except OSError:
            pass
        self.p.wait()
        self.log.close()


def add_export_arguments(p: argparse.ArgumentParser) -> None:
    from app.imagesize import size_arg
    from app.scene.camera import VIEWS
    from app.techniques.timeline import magnify_arg
    from app.tissueargs import add_tissue_arguments

    p.add_argument("technique", help="technique id (see talus list)")
    p.add_argument("-o", "--output", required=True, help="clip.mp4, clip.gif, frames/ for numbered PNGs, or clip.glb for an animated 3D model (glTF)")
    p.add_argument("--size", type=size_arg, default=(1280, 720), help="WIDTHxHEIGHT, even numbers (default 1280x720)")
    p.add_argument("--fps", type=float, default=30.0, help="frames per second of the output (default 30)")
    p.add_argument("--view", choices=list(VIEWS), default=None, help="camera preset (default: the one that suits the technique's region)")
    p.add_argument("--from", dest="start", help="phase name or seconds to start at")
    p.add_argument("--to", dest="end", help="phase name or seconds to stop at")
    p.add_argument("--loops", type=int, default=1, help="play the span this many times")
    p.add_argument("--speed", type=float, default=1.0, help="0.5 = half speed (smooth slow motion), up to 4")
    p.add_argument("--captions", action="store_true", help="burn the active cue into the frames")
    p.add_argument("--labels", action="store_true", help="name the bones in the frames, with leader lines")
    p.add_argument("--side", choices=("right", "left"), default="right")
    p.add_argument("--magnify", type=magnify_arg, default=None, help="display magnification of accessory motion (1-10)")
    p.add_argument("--library", help="techniques file (default: the bundled library)")
    add_tissue_arguments(p)


def run_export(args: argparse.Namespace, *, preloaded=None) -> int:
    """``talus export``. ``preloaded``: (rig, library, the ``--library`` it was read from or None for the
    bundled one, bone meshes) already loaded (a warm exporter, :mod:`app.export.warm`); another library
    is read now."""
    from app.anatomy import load_rig
    from app.techniques.library import load_library

    rig, loaded, loaded_from, meshes = preloaded if preloaded is not None else (load_rig(), None, None, None)
    result = loaded if loaded is not None and args.library == loaded_from else load_library(args.library, rig=rig)
    tech = result.technique(args.technique)
    if tech is None:
        raise TalusError(f"no technique '{args.technique}' in {args.library or 'the bundled library'}; see talus list")
    if str(args.output).lower().endswith(".glb"):  # an animated 3D model, not a video
        from app.export.gltf import export_gltf

        path = export_gltf(tech, rig, args.output, fps=args.fps, start=args.start, end=args.end, speed=args.speed,
                           loops=args.loops, side=args.side, magnify=args.magnify)
        print(f"wrote {path}")
        return 0
    tty = sys.stderr.isatty()
    machine = bool(os.environ.get("TALUS_PROGRESS_LINES"))  # the window's export dialog reads these
    last = [-1]
    import signal

    def stop(_sig, _frame):  # the window cancels with SIGTERM: unwind so the temporary file is removed
        raise ExportCancelled("export cancelled; nothing was written")

    signal.signal(signal.SIGTERM, stop)

    def progress(done: int, total: int) -> None:
        pct = int(100 * done / total)
        if machine:
            sys.stderr.write(f"PROGRESS {done} {total}\n")
        elif tty:
            bar = "#" * (pct // 4)
            sys.stderr.write(f"\rexporting {tech.id}: [{bar:<25}] {pct:3d}% ({done}/{total} frames)")
            if done == total:
                sys.stderr.write("\n")
        elif pct // 25 != last[0] or done == total:
            last[0] = pct // 25
            sys.stderr.write(f"exporting {tech.id}: {pct}% ({done}/{total} frames)\n")
        sys.stderr.flush()

    path = export_technique(tech, rig, args.output, size=args.size, fps=args.fps, view=args.view, start=args.start,
                            end=args.end, loops=args.loops, speed=args.speed, captions=args.captions, side=args.side,
                            magnify=args.magnify, progress=progress, tissues=args.tissues, arches=args.arches,
                            labels=args.labels, meshes=meshes)
    print(f"wrote {path}")
    return 0


def frames_expected(duration_s: float, fps: float, speed: float = 1.0, loops: int = 1) -> int:
    return max(1, int(round(duration_s / speed * fps))) * loops


__all__ = ["ExportCancelled", "add_export_arguments", "export_technique", "frames_expected", "plan_export", "run_export"]
