"""Talus benchmarks: print the speed and memory figures the issues set targets for.

    python bench/run.py          # human-readable
    python bench/run.py --json   # the same as JSON

Figures (medians, all measured in this one run; targets of issue 14, ratio = how far from the target,
>= 1 meets it):
  startup_s            process start -> first rendered frame of the window (target <= 1.5 s)
                       (taken in the paint that renders it: the work queued to run after the first
                       frame, the coordinate plot and the tissue layer, does not count)
  startup_cpu_s        CPU time (user + system, all threads) of that process at its first frame: the
                       start-up's work, less skewed than the wall time when the machine is busy
  startup_ready_s, startup_ready_cpu_s  the same once the work deferred past the first frame is done
                       too (the window fully built, the event loop idle)
  peak_rss_mb          peak resident memory of that process at its first frame
  fk_ms                forward kinematics of all 28 bones for one pose
  engine_ms            timeline frame -> pose -> all bone transforms
  bare_render_ms       one repaint of the window's 3D view at 1280x800 with nothing changed (Qt + VTK)
  vtk_render_ms        one VTK render of the same scene alone, no Qt (for reference)
  frame_ms             one playback frame in the window at 1280x800, full resolution: pose + overlays + paint
  frame_over_vtk       frame_ms / vtk_render_ms (target <= 1.3): what getting the picture on screen adds
  frame_over_bare      frame_ms / bare_render_ms (target <= 1.1)
  motion_frame_ms      a playback frame with the automatic motion resolution (motion_scale: the scale used)
  playback_fps         frames shown per second while playing in real time (target >= 40)
  orbit_fps            renders per second while the camera is dragged round with the mouse (target >= 30)
  tissues_frame_ms     one playback frame with every soft tissue shown (all five groups)
  tissues_playback_fps frames shown per second with every tissue shown (target >= 25)
  drag_renders_per_s   renders per second while a joint slider is dragged in explore mode (target >= 25)
  export_realtime_ratio clip duration / wall time of a 720p30 MP4 export with captions (target >= 2.0)
  export_render_cpu_ms, export_encoder_cpu_ms  CPU per exported frame: renderer process, ffmpeg
  export_cores_for_2x  their sum over 16.7 ms: the cores 2x real time needs with perfect overlap (<= 2)
  export_cli_realtime_ratio  the same clip by `talus export` in a fresh process, imports included (>= 2.0)
  export_window_realtime_ratio  the same clip as the window's export dialog makes it: its exporter
                       started and made ready as the dialog opens, timed from Export (>= 2.0)
  gif_peak_rss_mb      peak memory of a process exporting a 35 s GIF at 640x400 (target < 600 MB)
  suite_s              not measured here: the test suite's wall time is printed by pytest (target < 180 s)

The window figures need an X display; without one this script re-runs its window part under
``xvfb-run``. Timed assertions are never made in the test suite: this script prints, people judge.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as app/cli.py sets it for `talus`, before numpy loads
sys.path.insert(0, str(ROOT))


# figure -> (comparison, target, unit); ratio >= 1 meets the target
TARGETS = {
    "startup_s": ("<=", 1.5, " s"),
    "frame_over_vtk": ("<=", 1.3, ""),
    "frame_over_bare": ("<=", 1.1, ""),
    "playback_fps": (">=", 40.0, ""),
    "orbit_fps": (">=", 30.0, ""),
    "drag_renders_per_s": (">=", 25.0, ""),
    "tissues_playback_fps": (">=", 25.0, ""),
    "export_realtime_ratio": (">=", 2.0, ""),
    "export_cli_realtime_ratio": (">=", 2.0, ""),
    "export_window_realtime_ratio": (">=", 2.0, ""),
    "export_cores_for_2x": ("<=", 2.0, ""),
    "gif_peak_rss_mb": ("<", 600.0, " MB"),
}


def median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def pure_figures() -> dict:
    from app.anatomy import Kinematics, load_rig
    from app.techniques.library import load_library
    from app.techniques.timeline import Timeline

    rig = load_rig()
    kin = Kinematics(rig)
    q = kin.pose_vector({"talocrural.dorsiflexion": 10, "subtalar.inversion": 8, "metatarsophalangeal_1.extension": 20})
    kin.transforms(q)
    fk = median_ms(lambda: kin.transforms(q), 2000)
    tech = load_library(rig=rig).techniques[0]
    tl = Timeline(tech, rig)
    frames = iter(range(10**9))
    engine = median_ms(lambda: tl.transforms(next(frames) % tl.n_frames), 2000)
    return {"fk_ms": round(fk, 4), "engine_ms": round(engine, 4)}


def display_env() -> tuple[list[str], dict]:
    """A command prefix that provides an X display, and the environment to use."""
    env = dict(os.environ, QT_API="pyside6")
    if os.environ.get("DISPLAY"):
        return [], env
    if not shutil.which("xvfb-run"):
        raise SystemExit("bench: no DISPLAY and no xvfb-run; run `bash dev.sh test` once to install xvfb")
    return ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24"], env


def startup_figures(runs: int = 3) -> dict:
    prefix, env = display_env()
    env["TALUS_EXIT_AFTER_FIRST_FRAME"] = "1"
    cmd = prefix + [sys.executable, "-m", "app", "window"]
    # xvfb-run itself takes time to start the server: measure it with a no-op and subtract it.
    overhead = 0.0
    if prefix:
        o = []
        for _ in range(runs):
            t = time.time()
            subprocess.run(prefix + [sys.executable, "-c", "pass"], env=env, capture_output=True)
            o.append(time.time() - t)
        overhead = statistics.median(o)
    starts, rss, cpus, ready, ready_cpus = [], [], [], [], []
    for _ in range(runs):
        t0 = time.time()
        r = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, timeout=120)
        line = next((ln for ln in r.stdout.splitlines() if ln.startswith("FIRST_FRAME")), None)
        if line is None:
            raise SystemExit(f"bench: the window did not report a first frame:\n{r.stdout}\n{r.stderr}")
        _, t_first, mb, *cpu = line.split()
        starts.append(float(t_first) - t0)
        rss.append(float(mb))
        cpus.extend(float(c) for c in cpu)
        line = next((ln for ln in r.stdout.splitlines() if ln.startswith("READY")), None)
        if line is not None:
            _, t_ready, c_ready = line.split()
            ready.append(float(t_ready) - t0)
            ready_cpus.append(float(c_ready))
    out = {"startup_s": round(statistics.median(starts) - overhead, 3), "peak_rss_mb": round(max(rss), 1),
           "startup_runs_s": [round(s - overhead, 3) for s in starts],
           "startup_cpu_s": round(statistics.median(cpus), 3) if cpus else None}
    if ready:
        out["startup_ready_s"] = round(statistics.median(ready) - overhead, 3)
        out["startup_ready_cpu_s"] = round(statistics.median(ready_cpus), 3)
    return out


def window_figures() -> dict:
    prefix, env = display_env()
    r = subprocess.run(prefix + [sys.executable, str(Path(__file__).with_name("window_bench.py"))],
                       env=env, capture_output=True, text=True, cwd=ROOT, timeout=600)
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("{")), None)
    if line is None:
        raise SystemExit(f"bench: window benchmark failed:\n{r.stdout}\n{r.stderr}")
    return json.loads(line)


def export_figures() -> dict:
    sys.path.insert(0, str(Path(__file__).parent))
    from export_bench import measure_cli_export, measure_export_realtime_ratio, measure_gif_memory, measure_window_export

    return {**measure_export_realtime_ratio(), **measure_cli_export(), **measure_window_export(), **measure_gif_memory()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--skip-export", action="store_true", help="leave out the video export figure")
    args = ap.parse_args()
    figures = {"load_avg_1min_start": round(os.getloadavg()[0], 2), "cpu_count": os.cpu_count()}
    figures.update(pure_figures())
    figures.update(startup_figures())
    figures.update(window_figures())
    if not args.skip_export:
        figures.update(export_figures())
    figures["load_avg_1min_end"] = round(os.getloadavg()[0], 2)  # other work on the machine skews every figure
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for k, v in figures.items():
            line = f"{k:24s} {v!s:>12}"
            if k in TARGETS and isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0:
                op, goal, unit = TARGETS[k]
                ratio = goal / v if op in ("<=", "<") else v / goal
                line += f"   target {op} {goal:g}{unit}   ratio {ratio:.2f} {'ok' if ratio >= 1 else 'MISSED'}"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
