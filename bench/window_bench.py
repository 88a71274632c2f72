"""Window part of the benchmark (needs an X display; bench/run.py provides one). Prints one JSON line.

bare_render_ms: one repaint of the window's 3D view with nothing changed: the widget's paint (one
  VTK render off screen, the read-back and the picture painted) and Qt's flush of the window.
vtk_render_ms: ``vtkRenderWindow.Render()`` of the same scene alone (no Qt at all), for reference,
  taken right after each playback frame of frame_ms (the same pose, the same machine load: taken
  apart, a busy moment on a shared machine skewed their ratio by up to 30 %);
  vtk_render_no_marker_ms: the same without the orientation marker (its second renderer).
frame_ms: what one playback frame costs in the window at full resolution: a timer tick's work
  (timeline pose, actor matrices, overlays; panels follow at 10 Hz while playing) and the paint that
  renders it. frame_over_vtk = frame_ms / vtk_render_ms (target <= 1.3).
motion_frame_ms: the same with the view's automatic motion resolution (it renders at reduced
  resolution while playing when a full frame is over the budget); motion_scale: the scale it used.
paused_full_resolution: after pausing, the view renders at full resolution again (must be true).
step_ms: the same for a step while paused, when every panel follows every frame.
renders_per_frame: VTK renders counted per shown frame (must be 1.0).
playback_fps: distinct frames shown per second while the player runs on its own timer for 4 s (the
  window's timeline has 60 frames per second; automatic motion resolution).
playback_full_fps: the same with the motion resolution held at full.
orbit_fps: renders per second while the camera is dragged with the mouse for 3 s (Qt mouse events
  every 8 ms into the view, VTK's trackball style turns the camera); orbit_deg: how far it turned.
tissues_frame_ms, tissues_playback_fps: the same two with every soft tissue shown (all five groups and
  the legend; target >= 25 fps).
drag_renders_per_s: explore mode, a joint slider dragged for 3 s (a value every 8 ms, as mouse moves
  arrive): renders per second of the 3D view (target >= 25); every render shows the latest value, the
  ones between are coalesced (drag_changes_per_s is how many values the slider received).
drag_work_ms: what one slider change costs before its render (pose, actor matrices, sliders, readout).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_API", "pyside6")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.ui.app import create_window, make_application  # noqa: E402

VIEW_SIZE = (1280, 800)


def main() -> None:
    app = make_application()
    settings = QSettings(str(Path("/tmp") / f"talus-bench-{os.getpid()}.ini"), QSettings.IniFormat)
    win, _ = create_window(settings=settings)
    win.show()
    tech = win.techniques[0]
    win.open_technique(tech.id)
    # make the 3D view exactly 1280x800
    win.view.plotter.setFixedSize(*VIEW_SIZE)
    for _ in range(30):
        app.processEvents()
        time.sleep(0.01)
    rw = win.view.plotter.ren_win
    assert tuple(rw.GetSize()) == VIEW_SIZE, rw.GetSize()
    player = win.player
    n = player.n_frames

    def wait_render(count):
        deadline = time.perf_counter() + 2.0
        while win.view.render_count <= count and time.perf_counter() < deadline:
            app.processEvents()

    # warm up
    for f in range(10):
        c = win.view.render_count
        player.set_frame(f)
        wait_render(c)

    def vtk_render_ms() -> float:
        """One render of the scene as it is, VTK alone; the paint it asks the view for (to show it) is
        let run before the next timing, which it would otherwise load."""
        t = time.perf_counter()
        rw.Render()
        ms = (time.perf_counter() - t) * 1e3
        app.processEvents()
        return ms

    win.view._marker.SetEnabled(0)  # without the orientation marker (a second renderer)
    no_marker = [vtk_render_ms() for _ in range(15)]
    win.view._marker.SetEnabled(1)
    vtk_only = []  # with it: taken beside the playback frames below
    app.processEvents()
    bare = []

    def bare_sample():
        c = win.view.render_count
        t = time.perf_counter()
        win.view.request_render()
        wait_render(c)
        bare.append((time.perf_counter() - t) * 1e3)

    # A playback frame: exactly what a timer tick does while playing (player.advance_to), then the
    # repaint it triggers, measured until that render is done. The timer itself is stopped so that
    # the measurement holds no idle time; the player is in its playing state (panels throttled).
    frame_times, renders = [], []
    plotter = win.view.plotter
    plotter.motion_scale = 1.0  # frame_ms: full resolution, comparable with vtk_render_ms
    player.play()
    player._timer.stop()
    for i in range(80):  # blocks of 10 interleaved with bare repaints: both see the same machine load,
        if i % 10 == 0:  # and consecutive frames keep playback's rhythm (panels refresh at 4-5 Hz)
            for _ in range(10):
                bare_sample()
        f = (i + 3) % n  # consecutive frames, as in playback (phase changes are rare, as they are there)
        c = win.view.render_count
        t = time.perf_counter()
        player.advance_to(f)
        wait_render(c)
        frame_times.append((time.perf_counter() - t) * 1e3)
        app.processEvents()  # anything left over would show up as an extra render
        renders.append(win.view.render_count - c)
        vtk_only.append(vtk_render_ms())  # the same pose, VTK alone, under the same load
    plotter.motion_scale = None  # automatic: what a user gets
    motion_times = []
    for i in range(40):
        c = win.view.render_count
        t = time.perf_counter()
        player.advance_to((i + 3) % n)
        wait_render(c)
        motion_times.append((time.perf_counter() - t) * 1e3)
    motion_scale = plotter.display_scale
    player.pause()
    app.processEvents()
    paused_full = plotter.display_scale == 1.0 and tuple(rw.GetSize()) == VIEW_SIZE
    step_times = []
    for i in range(30):  # stepping while paused: every panel follows every frame
        c = win.view.render_count
        t = time.perf_counter()
        player.set_frame((i * 11 + 5) % n)
        wait_render(c)
        step_times.append((time.perf_counter() - t) * 1e3)

    shown = []
    player.frame_changed.connect(lambda fr: shown.append(fr))
    player.set_frame(0)
    player.set_loop(True)
    # playback frame time: from the timer tick that changes the frame to the end of its render
    tick_start = []
    work = []
    real_tick = player._tick

    def timed_tick():
        tick_start.append(time.perf_counter())
        real_tick()

    player._timer.timeout.disconnect()
    player._timer.timeout.connect(timed_tick)
    tag = rw.AddObserver("EndEvent", lambda *_: work.append((time.perf_counter() - tick_start[-1]) * 1e3) if tick_start else None)
    c0 = win.view.render_count
    player.play()
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 4.0:
        app.processEvents()
    elapsed = time.perf_counter() - t0
    player.pause()
    rw.RemoveObserver(tag)  # later renders (orbit, drag) have no tick
    rendered = win.view.render_count - c0
    auto_fps = round(min(len(shown), rendered) / elapsed, 1)  # a frame counts when it was rendered
    full_fps = playback_rate(app, player, shown, full=plotter)
    orbit = orbit_figures(app, win)
    # the same with every soft tissue shown (issue 12: all five groups, legend, targets emphasised)
    from app.anatomy.tissues import GROUPS

    player.set_display(tissue_groups=frozenset(GROUPS), tripod=False)
    tissue_frames = []
    player.play()
    player._timer.stop()
    for i in range(60):
        c = win.view.render_count
        t = time.perf_counter()
        player.advance_to((i + 3) % n)
        wait_render(c)
        tissue_frames.append((time.perf_counter() - t) * 1e3)
        app.processEvents()
    player.pause()
    player.set_frame(0)
    shown.clear()
    player.play()
    t1 = time.perf_counter()
    while time.perf_counter() - t1 < 4.0:
        app.processEvents()
    tissue_elapsed = time.perf_counter() - t1
    player.pause()
    player.set_display(tissue_groups=frozenset(), tripod=False)
    tissues_fps = round(len(shown) / tissue_elapsed, 1)
    drag = drag_figures(app, win)
    win.close()
    QApplication.processEvents()
    b = statistics.median(bare)
    fm = statistics.median(frame_times)
    print(json.dumps({"bare_render_ms": round(b, 2), "vtk_render_ms": round(statistics.median(vtk_only), 2),
                      "frame_ms": round(fm, 2), "frame_over_bare": round(fm / b, 3),
                      "frame_over_vtk": round(fm / statistics.median(vtk_only), 3),
                      "vtk_render_no_marker_ms": round(statistics.median(no_marker), 2),
                      "motion_frame_ms": round(statistics.median(motion_times), 2), "motion_scale": motion_scale,
                      "paused_full_resolution": paused_full,
                      "step_ms": round(statistics.median(step_times), 2),
                      "renders_per_frame": round(statistics.mean(renders), 3),
                      "playing_frame_ms": round(statistics.median(work), 2) if work else None,
                      "playback_fps": auto_fps, "playback_renders_per_s": round(rendered / elapsed, 1),
                      "playback_full_fps": full_fps, **orbit,
                      "tissues_frame_ms": round(statistics.median(tissue_frames), 2),
                      "tissues_playback_fps": tissues_fps,
                      **drag, "technique": tech.id, "view_size": list(VIEW_SIZE)}))


def playback_rate(app, player, shown, *, full, seconds: float = 4.0) -> float:
    """Distinct frames shown per second while playing with the motion resolution held at full."""
    full.motion_scale = 1.0
    player.set_frame(0)
    shown.clear()
    c0 = player.parent().view.render_count
    player.play()
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        app.processEvents()
    elapsed = time.perf_counter() - t0
    player.pause()
    rendered = player.parent().view.render_count - c0
    full.motion_scale = None
    return round(min(len(shown), rendered) / elapsed, 1)


def orbit_figures(app, win, seconds: float = 3.0, every_s: float = 0.008) -> dict:
    """Drag the camera round with the left button (Qt mouse events into the view, as a mouse sends
    them); count renders per second and the angle the camera turned."""
    import numpy as np
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent

    view = win.view.plotter
    cam = view.renderer.GetActiveCamera()
    before = np.subtract(cam.GetPosition(), cam.GetFocalPoint())
    cx, cy = view.width() / 2, view.height() / 2

    def send(kind, x, y, button, buttons):
        local = QPointF(x, y)
        ev = QMouseEvent(kind, local, QPointF(view.mapToGlobal(local.toPoint())), button, buttons, Qt.NoModifier)
        QApplication.sendEvent(view, ev)

    for _ in range(5):
        app.processEvents()
    send(QEvent.MouseButtonPress, cx, cy, Qt.LeftButton, Qt.LeftButton)
    c0 = win.view.render_count
    moves, k = 0, 0
    t0 = last = time.perf_counter()
    while (now := time.perf_counter()) - t0 < seconds:
        if now - last >= every_s:
            k += 1
            x = cx - 300 + 1.5 * k  # left to right, a pixel or two a move
            send(QEvent.MouseMove, x, cy + 20 * np.sin(k * 0.03), Qt.NoButton, Qt.LeftButton)
            moves += 1
            last = now
        app.processEvents()
    elapsed = time.perf_counter() - t0
    renders = win.view.render_count - c0
    scale = view.display_scale
    send(QEvent.MouseButtonRelease, cx, cy, Qt.LeftButton, Qt.NoButton)
    for _ in range(5):
        app.processEvents()
    after = np.subtract(cam.GetPosition(), cam.GetFocalPoint())
    cos = np.dot(before, after) / (np.linalg.norm(before) * np.linalg.norm(after))
    return {"orbit_fps": round(renders / elapsed, 1), "orbit_moves_per_s": round(moves / elapsed, 1),
            "orbit_scale": scale, "orbit_deg": round(float(np.degrees(np.arccos(np.clip(cos, -1, 1)))), 1),
            "orbit_released_full_resolution": view.display_scale == 1.0}


def drag_figures(app, win, seconds: float = 3.0, every_s: float = 0.008) -> dict:
    """Drag the talocrural slider of explore mode back and forth; count renders and values."""
    win.set_mode("explore")
    for _ in range(20):
        app.processEvents()
    slider = win.explore.panel.rows["talocrural.dorsiflexion"].slider
    lo, hi = slider.minimum(), slider.maximum()
    slider.setSliderDown(True)
    c0 = win.view.render_count
    changes, value, step = 0, 0, 7
    t0 = last = time.perf_counter()
    while (now := time.perf_counter()) - t0 < seconds:
        if now - last >= every_s:
            value += step
            if not lo <= value <= hi:
                step, value = -step, value - 2 * step
            slider.setValue(value)
            changes += 1
            last = now
        app.processEvents()
    elapsed = time.perf_counter() - t0
    slider.setSliderDown(False)
    shown = win.explore.model.value("talocrural.dorsiflexion")
    work = []
    for k in range(40):  # the work of one change without its render: pose, actors, sliders, readout
        t = time.perf_counter()
        slider.setValue(lo + (k * 37) % (hi - lo))
        work.append((time.perf_counter() - t) * 1e3)
    app.processEvents()
    return {"drag_work_ms": round(statistics.median(work), 2),"drag_renders_per_s": round((win.view.render_count - c0) / elapsed, 1),
            "drag_changes_per_s": round(changes / elapsed, 1),
            "drag_last_value_shown": shown == value / 10}


if __name__ == "__main__":
    main()
