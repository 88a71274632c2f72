"""How the 3D view gets its picture on screen (issue 14): rendered off screen, painted as an image,
one render per shown frame, reduced resolution only while moving, and a paused frame always full."""

import os
import subprocess
import sys

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from app.scene.skeleton import BACKGROUND

BG = tuple(int(BACKGROUND[i:i + 2], 16) for i in (1, 3, 5))


def full_size(view):
    dpr = view.plotter.devicePixelRatioF() or 1.0
    return round(view.plotter.width() * dpr), round(view.plotter.height() * dpr)


def test_the_painted_picture_is_the_render_the_right_way_up(qtbot, make_window):
    win = make_window()
    view = win.view
    view.set_view("anterior")
    view.render_now()
    img = view.plotter.grab().toImage()
    dpr = view.plotter.devicePixelRatioF() or 1.0
    # the top of the tibia (high in the picture) is bone, the corner is background
    b = view.scene.actors["tibia"].GetBounds()
    top = ((b[0] + b[1]) / 2, b[3] - 0.1 * (b[3] - b[2]), (b[4] + b[5]) / 2)
    x, y = view.display_position(top)  # VTK display pixel: origin bottom-left
    qx, qy = int(x / dpr), int(view.plotter.height() - 1 - y / dpr)
    assert y > view.plotter.height() * dpr / 2  # the tibia is in the upper half of the render
    pixel = img.pixelColor(qx, qy)
    assert (pixel.red(), pixel.green(), pixel.blue()) != BG
    corner = img.pixelColor(2, 2)
    assert (corner.red(), corner.green(), corner.blue()) == BG


def test_a_paused_frame_is_full_resolution_and_the_engine_pose(qtbot, make_window):
    win = make_window()
    win.open_technique(win.techniques[0].id)
    view, plotter = win.view, win.view.plotter
    plotter.motion_scale = 0.5  # as the view does by itself on a slow renderer
    win.player.play()
    qtbot.waitUntil(lambda: plotter.display_scale == 0.5 and win.player.frame > 2, timeout=5000)
    assert tuple(plotter.ren_win.GetSize()) != full_size(view)
    c = view.render_count
    win.player.pause()
    qtbot.waitUntil(lambda: view.render_count > c, timeout=3000)
    assert plotter.display_scale == 1.0
    assert tuple(plotter.ren_win.GetSize()) == full_size(view)
    np.testing.assert_allclose(win.shown_frame_transforms(), win.player.timeline.transforms(win.player.frame), atol=1e-9)


def test_a_fast_renderer_keeps_full_resolution_while_playing(qtbot, make_window):
    win = make_window()
    win.open_technique(win.techniques[0].id)
    plotter = win.view.plotter
    plotter.motion_budget_ms = 1e9  # every full frame inside the budget, as on a GPU
    win.player.play()
    qtbot.wait(200)
    assert plotter.display_scale == 1.0
    win.player.pause()


def send_mouse(view, kind, x, y, button, buttons):
    local = QPointF(x, y)
    QApplication.sendEvent(view, QMouseEvent(kind, local, QPointF(view.mapToGlobal(local.toPoint())), button, buttons,
                                             Qt.NoModifier))


def test_dragging_orbits_the_camera_with_one_render_per_paint_and_ends_full(qtbot, make_window):
    win = make_window()
    view, plotter = win.view, win.view.plotter
    plotter.motion_scale = 0.5
    cam = plotter.renderer.GetActiveCamera()
    before = np.subtract(cam.GetPosition(), cam.GetFocalPoint())
    cx, cy = plotter.width() / 2, plotter.height() / 2
    send_mouse(plotter, QEvent.MouseButtonPress, cx, cy, Qt.LeftButton, Qt.LeftButton)
    c = view.render_count
    for k in range(1, 31):  # 30 moves delivered at once: Qt coalesces them into a single paint
        send_mouse(plotter, QEvent.MouseMove, cx + 3 * k, cy, Qt.NoButton, Qt.LeftButton)
    qtbot.waitUntil(lambda: view.render_count > c, timeout=3000)
    qtbot.wait(50)
    assert view.render_count == c + 1
    assert plotter.display_scale == 0.5
    send_mouse(plotter, QEvent.MouseButtonRelease, cx + 90, cy, Qt.LeftButton, Qt.NoButton)
    c = view.render_count
    qtbot.waitUntil(lambda: view.render_count > c, timeout=3000)
    assert plotter.display_scale == 1.0 and tuple(plotter.ren_win.GetSize()) == full_size(view)
    after = np.subtract(cam.GetPosition(), cam.GetFocalPoint())
    assert np.degrees(np.arccos(np.dot(before, after) / np.linalg.norm(before) / np.linalg.norm(after))) > 10


def test_picking_is_right_at_reduced_resolution(qtbot, make_window):
    win = make_window()
    view, plotter = win.view, win.view.plotter
    plotter.motion_scale = 0.5
    plotter.set_moving("test", True)
    view.render_now()
    assert plotter.display_scale == 0.5
    x, y = view.display_position(view.bone_centre("calcaneus"))  # in the reduced render window
    from PySide6.QtCore import QPoint

    dpr = (plotter.devicePixelRatioF() or 1.0) * 0.5
    widget_pos = QPoint(int(x / dpr), int(plotter.height() - 1 - y / dpr))
    assert view.pick(*view._to_display(widget_pos)) == "calcaneus"
    plotter.set_moving("test", False)


def test_the_coordinate_plot_is_built_after_the_first_frame(qtbot, make_window):
    win = make_window()
    win.open_technique(win.techniques[0].id)
    readout = win.readout
    qtbot.waitUntil(lambda: readout.plot is not None, timeout=3000)
    assert readout.plot.isVisible()
    assert len(readout.plot.listDataItems()) == len(win.player.timeline.animated_coordinates)


def test_the_first_frame_needs_no_plotting_library(tmp_path):
    """Start-up stays light: pyvista's plotting (and matplotlib), the whole of VTK and pyqtgraph are not
    imported before the window's first frame."""
    code = """
import os, sys
os.environ["QT_API"] = "pyside6"
from PySide6.QtCore import QSettings
from app.ui.app import create_window, make_application
app = make_application()
win, _ = create_window(settings=QSettings(sys.argv[1], QSettings.IniFormat))
win.show()
win.open_technique(win.techniques[0].id)
while win.view.render_count < 1:
    app.processEvents()
heavy = [m for m in ("pyvista.plotting", "matplotlib", "vtk", "vtkmodules.all", "pyqtgraph", "pyvistaqt") if m in sys.modules]
print("HEAVY", heavy)
win.close()
"""
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "s.ini")], capture_output=True, text=True,
                       env=dict(os.environ), timeout=120, cwd=os.getcwd())
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("HEAVY")), None)
    assert line is not None, r.stdout + r.stderr
    assert line == "HEAVY []"
