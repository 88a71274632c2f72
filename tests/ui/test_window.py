"""The window as a student uses it: orbit presets, clicking bones, the left foot."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from app.scene.camera import VIEWS


def click_display(qtbot: QtBot, win, x, y):
    """Click the 3D view at VTK display pixel (x, y) (origin bottom-left)."""
    widget = win.view.plotter
    dpr = widget.devicePixelRatioF() or 1.0
    pos = QPoint(int(x / dpr), int(widget.height() - 1 - y / dpr))
    qtbot.mouseClick(widget, Qt.LeftButton, pos=pos)


def test_clicking_a_bone_selects_it_and_shows_its_info(qtbot, make_window):
    win = make_window()
    win.view.set_view("medial")
    qtbot.wait(50)
    from app.anatomy.landmarks import load_landmarks

    marks = load_landmarks()
    # a point on each bone that faces the medial camera: its most medial landmark
    for bone, landmark in (("talus", "neck_medial"), ("metatarsal_1", "head_medial"), ("calcaneus", "sustentaculum_tali")):
        m = marks.get(bone, landmark)
        x, y = win.view.display_position(m.point_mm - 0.3 * m.normal)  # just under its surface
        assert win.view.pick(x, y) == bone  # what lies under the bone's centre
        click_display(qtbot, win, x, y)
        qtbot.waitUntil(lambda: win.view.scene.selected == bone, timeout=2000)
        assert win.bone_info.bone == bone
        label = win.rig.bone(bone).label
        assert label in win.bone_info.toPlainText()
        assert win.rig.bone(bone).group in win.bone_info.toPlainText()
        assert win.view.scene.colour_of(bone) != win.view.scene.colour_of("tibia")


def test_clicking_empty_space_clears_the_selection(qtbot, make_window):
    win = make_window()
    x, y = win.view.display_position(win.view.bone_centre("talus"))
    click_display(qtbot, win, x, y)
    qtbot.waitUntil(lambda: win.view.scene.selected == "talus", timeout=2000)
    click_display(qtbot, win, 5, 5)
    qtbot.waitUntil(lambda: win.view.scene.selected is None, timeout=2000)


@pytest.mark.parametrize("view", list(VIEWS))
def test_each_camera_preset_changes_the_view(qtbot, make_window, view):
    win = make_window()
    other = "plantar" if view != "plantar" else "dorsal"
    win.actions[f"view_{other}"].trigger()
    before = win.view.camera_state()
    win.actions[f"view_{view}"].trigger()
    after = win.view.camera_state()
    assert not np.allclose(before["position"], after["position"])
    direction = np.subtract(after["position"], after["focal_point"])
    direction /= np.linalg.norm(direction)
    from app.scene.camera import view_vectors

    assert np.allclose(direction, view_vectors(view, "right")[0], atol=1e-6)


def test_camera_presets_are_reachable_by_keyboard_with_the_3d_view_focused(qtbot, make_window):
    win = make_window()
    win.view.plotter.setFocus()
    qtbot.keyClick(win.view.plotter, Qt.Key_4)  # plantar
    assert win.view.view == "plantar"
    qtbot.keyClick(win.view.plotter, Qt.Key_1)
    assert win.view.view == "lateral"


def test_vtk_keys_do_not_act_in_the_view(qtbot, make_window):
    win = make_window()
    win.view.plotter.setFocus()
    rep = win.view.scene.actors["talus"].GetProperty().GetRepresentation()
    for key in (Qt.Key_W, Qt.Key_Q, Qt.Key_E, Qt.Key_S):
        qtbot.keyClick(win.view.plotter, key)
    assert win.isVisible()
    assert win.view.scene.actors["talus"].GetProperty().GetRepresentation() == rep


def test_left_foot_toggle_mirrors_geometry_and_keeps_bone_sizes(qtbot, make_window):
    win = make_window()
    right_bounds = {n: np.array(a.GetBounds()) for n, a in win.view.scene.actors.items()}
    win.actions["left_foot"].trigger()
    assert win.view.scene.side == "left"
    for name, actor in win.view.scene.actors.items():
        b = np.array(actor.GetBounds())
        r = right_bounds[name]
        assert np.allclose(b[1] - b[0], r[1] - r[0], atol=1e-3)  # sizes kept
        assert np.allclose(b[5] - b[4], r[5] - r[4], atol=1e-3)
        assert np.allclose([b[4], b[5]], [-r[5], -r[4]], atol=1e-3)  # Z mirrored
    # the big toe is lateral-side negative on the right, positive on the left
    assert win.view.bone_centre("proximal_phalanx_1")[2] > win.view.bone_centre("proximal_phalanx_5")[2]
