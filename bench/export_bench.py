"""Export speed and memory.

export_realtime_ratio: a 720p30 MP4 with captions of a real technique, clip duration / wall time
  (median of 3; target >= 2.0 on 2 cores).
export_render_cpu_ms, export_encoder_cpu_ms: CPU time per frame of the exporting process (posing,
  rendering, read-back: all its threads) and of the ffmpeg encoder it feeds. Their sum over the time
  one frame may take at 2x real time (16.7 ms) is how many cores 2x needs with perfect overlap
  (export_cores_for_2x); CPU time is also far less skewed by other load than the wall time.
export_cli_realtime_ratio: the same clip written by ``talus export`` in a fresh process (imports,
  loading and the first render's shader compilation included; median of 3).
export_window_realtime_ratio: the same clip as the window's export dialog makes it: its exporter
  (``python -m app.export.warm``) started as the dialog opens and ready, timed from the request to
  the process's exit (median of 3).
gif_peak_rss_mb: peak resident memory of a fresh process exporting a 640x400 GIF of about 35 s
  (target < 600 MB for any length); gif_rss_growth_mb: that minus the same for a 3 s clip (memory
  that grows with the length; near 0 when frames are streamed).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as app/cli.py sets it for `talus`, before numpy loads
sys.path.insert(0, str(ROOT))


def _cpu(who) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def measure_export_realtime_ratio(technique_id: str = "talocrural-jostle", seconds: float = 4.0, runs: int = 3) -> dict:
    from app.anatomy import load_rig
    from app.export.video import export_technique
    from app.scene.skeleton import load_bone_meshes
    from app.techniques.library import load_library

    rig = load_rig()
    tech = load_library(rig=rig).technique(technique_id)
    meshes = load_bone_meshes(rig)
    ratios, render_cpu, encoder_cpu = [], [], []
    n_frames = int(round(seconds * 30))
    with tempfile.TemporaryDirectory() as d:
        for i in range(runs):
            c_self, c_children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            export_technique(tech, rig, Path(d) / f"clip{i}.mp4", size=(1280, 720), fps=30, start=0.0, end=seconds,
                             captions=True, meshes=meshes)
            ratios.append(seconds / (time.perf_counter() - t))
            render_cpu.append((_cpu(resource.RUSAGE_SELF) - c_self) * 1e3 / n_frames)
            encoder_cpu.append((_cpu(resource.RUSAGE_CHILDREN) - c_children) * 1e3 / n_frames)
    r, e = statistics.median(render_cpu), statistics.median(encoder_cpu)
    return {"export_realtime_ratio": round(statistics.median(ratios), 3),
            "export_runs": [round(x, 3) for x in ratios],
            "export_render_cpu_ms": round(r, 1), "export_encoder_cpu_ms": round(e, 1),
            "export_cores_for_2x": round((r + e) / (1000.0 / 60.0), 2),
            "export_clip": f"{technique_id}, {seconds:g} s, 1280x720, 30 fps, captions"}


def measure_cli_export(technique_id: str = "talocrural-jostle", seconds: float = 4.0, runs: int = 3) -> dict:
    """``talus export`` end to end, as a teacher runs it: a fresh process (imports, loading, the first
    render's shader compilation included) writing the same 720p30 clip with captions."""
    ratios = []
    with tempfile.TemporaryDirectory() as d:
        for i in range(runs):
            t = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "app", "export", technique_id, "-o", str(Path(d) / f"cli{i}.mp4"),
                                "--size", "1280x720", "--fps", "30", "--captions", "--to", f"{seconds:g}"],
                               capture_output=True, text=True, cwd=ROOT, timeout=600)
            if r.returncode != 0:
                raise SystemExit(f"bench: talus export failed:\n{r.stderr}")
            ratios.append(seconds / (time.perf_counter() - t))
    return {"export_cli_realtime_ratio": round(statistics.median(ratios), 3),
            "export_cli_runs": [round(x, 3) for x in ratios]}


def measure_window_export(technique_id: str = "talocrural-jostle", seconds: float = 4.0, runs: int = 3) -> dict:
    """The export dialog's path: a warm exporter (:mod:`app.export.warm`), waited for until READY (the
    teacher choosing the options), then told to write the clip; timed until the process has exited."""
    ratios = []
    env = dict(os.environ, TALUS_PROGRESS_LINES="1")
    env.pop("DISPLAY", None)
    with tempfile.TemporaryDirectory() as d:
        for i in range(runs):
            p = subprocess.Popen([sys.executable, "-m", "app.export.warm", technique_id], cwd=ROOT, env=env,
                                 text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            while (line := p.stderr.readline()) and not line.startswith("READY"):
                pass
            t = time.perf_counter()
            p.stdin.write(json.dumps([technique_id, "-o", str(Path(d) / f"win{i}.mp4"), "--size", "1280x720",
                                      "--fps", "30", "--captions", "--to", f"{seconds:g}"]) + "\n")
            p.stdin.close()
            err = p.stderr.read()
            if p.wait(timeout=600) != 0:
                raise SystemExit(f"bench: the warm export failed:\n{err}")
            ratios.append(seconds / (time.perf_counter() - t))
    return {"export_window_realtime_ratio": round(statistics.median(ratios), 3),
            "export_window_runs": [round(x, 3) for x in ratios]}


_GIF_CHILD = """
import resource, sys, tempfile
from pathlib import Path
sys.path.insert(0, {root!r})
from app.anatomy import load_rig
from app.export.video import export_technique
from app.techniques.library import load_library
rig = load_rig()
tech = load_library(rig=rig).technique({tid!r})
with tempfile.TemporaryDirectory() as d:
    export_technique(tech, rig, Path(d) / "clip.gif", size=(640, 400), fps=15, captions=True, **{kwargs})
print("RSS_MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
"""


def gif_peak_rss_mb(technique_id: str = "talocrural-traction", **kwargs) -> float:
    code = _GIF_CHILD.format(root=str(ROOT), tid=technique_id, kwargs=repr(kwargs))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900)
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("RSS_MB")), None)
    if line is None:
        raise SystemExit(f"bench: the GIF export failed:\n{r.stdout}\n{r.stderr}")
    return float(line.split()[1])


def measure_gif_memory() -> dict:
    short = gif_peak_rss_mb(start=0.0, end=3.0)
    long = gif_peak_rss_mb(loops=3)  # the whole technique three times: about 35 s
    return {"gif_peak_rss_mb": round(long, 1), "gif_rss_growth_mb": round(long - short, 1),
            "gif_clip": "talocrural-traction, 640x400, 15 fps, captions: 3 s against 3 loops (about 35 s)"}


if __name__ == "__main__":
    print(json.dumps({**measure_export_realtime_ratio(), **measure_cli_export(), **measure_window_export(),
                      **measure_gif_memory()}, indent=2))
