"""Explore mode as a student uses it: sliders and spin boxes move the joints, composites move their
coordinates by their ratios, undo and redo restore exact poses."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.anatomy import Kinematics
from app.ui.explore_panel import STEPS_PER_UNIT


def one_coordinate_per_region(rig):
    from app.ui.modes.explore import region_of

    seen = {}
    for c in rig.coordinates:
        if c.unit == "deg":
            seen.setdefault(region_of(rig, c), c.name)
    return list(seen.values())


@pytest.fixture
def explore(make_window):
    win = make_window()
    win.actions["mode_explore"].trigger()
    assert win.player.display.mode == "explore" and win.explore.dock.isVisible()
    return win


def test_a_slider_moves_exactly_the_bones_distal_to_its_joint_by_the_value_set(explore, rig):
    win = explore
    kin = Kinematics(rig)
    for name in one_coordinate_per_region(rig):
        win.explore.model.reset_all()
        before = win.shown_frame_transforms()
        c = rig.coordinate(name)
        value = round(c.range[1] * 0.6, 1) or round(c.range[0] * 0.6, 1)
        win.explore.panel.rows[name].slider.setValue(int(round(value * STEPS_PER_UNIT)))
        q = np.zeros(len(rig.coordinates))
        q[c.index] = value
        shown = win.shown_frame_transforms()
        np.testing.assert_allclose(shown, kin.transforms(q), atol=1e-9)
        moved = {b.name for b in rig.bones if not np.allclose(shown[b.index], before[b.index], atol=1e-9)}
        assert moved == rig.bones_moved_by(name), name


def test_spin_box_and_slider_agree(explore, rig):
    win = explore
    row = win.explore.panel.rows["talocrural.dorsiflexion"]
    row.spin.setValue(12.5)
    assert row.slider.value() == 125
    assert win.explore.model.value("talocrural.dorsiflexion") == 12.5
    row.slider.setValue(-310)
    assert row.spin.value() == pytest.approx(-31.0)
    assert win.explore.model.value("talocrural.dorsiflexion") == pytest.approx(-31.0)


def test_beyond_the_normal_range_warns_and_stops_at_the_hard_limit(explore, rig):
    win = explore
    model = win.explore.model
    name = "subtalar.inversion"
    c = rig.coordinate(name)
    row = win.explore.panel.rows[name]
    row.spin.setValue(c.range[1] - 1)
    assert not row.warning
    row.spin.setValue(c.range[1] + 3)
    assert row.warning and model.value(name) == pytest.approx(c.range[1] + 3)
    model.set_coordinate(name, 1000.0)
    assert model.value(name) == pytest.approx(model.limits[c.index, 1])


def test_composite_motions_move_their_coordinates_by_their_ratios(explore, rig):
    win = explore
    model = win.explore.model
    assert set(model.composites) >= {"supination", "inversion", "first_ray_dorsiflexion", "toe_curl"}
    for comp in model.composites.values():
        model.reset_all()
        model.set_coordinate("talocrural.dorsiflexion", 7.0)  # an unrelated joint keeps its value
        v = round(comp.range[1] * 0.5, 1)
        win.explore.panel.composite_rows[comp.name].spin.setValue(v)
        q = model.q
        np.testing.assert_allclose(q[comp.indices], comp.ratios * v, atol=1e-9)
        others = np.setdiff1d(np.arange(len(q)), comp.indices)
        expected = np.zeros(len(q))
        expected[rig.coordinate("talocrural.dorsiflexion").index] = 7.0
        np.testing.assert_allclose(q[others], expected[others], atol=1e-12)
        np.testing.assert_allclose(win.shown_frame_transforms(), model.transforms(), atol=1e-9)


def test_undo_and_redo_restore_exact_poses(explore, qtbot):
    win = explore
    model = win.explore.model
    poses = [model.q.copy()]
    for name, v in (("talocrural.dorsiflexion", 11.3), ("metatarsophalangeal_1.extension", 40.0),
                    ("subtalar.inversion", -12.0)):
        win.explore.panel.rows[name].spin.setValue(v)
        poses.append(model.q.copy())
    model.set_composite("toe_curl", 20.0)
    poses.append(model.q.copy())
    win.view.plotter.setFocus()
    for expected in reversed(poses[:-1]):
        qtbot.keyClick(win.view.plotter, Qt.Key_Z, Qt.ControlModifier)
        np.testing.assert_array_equal(model.q, expected)
        np.testing.assert_allclose(win.shown_frame_transforms(), model.transforms(), atol=1e-12)
    for expected in poses[1:]:
        qtbot.keyClick(win.view.plotter, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
        np.testing.assert_array_equal(model.q, expected)
    assert win.explore.panel.rows["subtalar.inversion"].spin.value() == pytest.approx(-12.0)


def test_one_drag_is_one_undo_step(explore):
    model = explore.explore.model
    for v in (1.0, 2.0, 3.5, 5.0):
        model.set_coordinate("talocrural.dorsiflexion", v, dragging=True)
    model.end_drag()
    model.set_coordinate("talocrural.dorsiflexion", 8.0, dragging=True)
    model.end_drag()
    model.undo()
    assert model.value("talocrural.dorsiflexion") == 5.0
    model.undo()
    assert model.value("talocrural.dorsiflexion") == 0.0


def test_reset_a_joint_and_reset_all(explore):
    win = explore
    model = win.explore.model
    model.set_coordinate("talocrural.dorsiflexion", 10.0)
    model.set_coordinate("subtalar.inversion", 10.0)
    win.explore.panel.reset_buttons["talocrural"].click()
    assert model.value("talocrural.dorsiflexion") == 0.0 and model.value("subtalar.inversion") == 10.0
    win.actions["reset_pose"].trigger()
    assert not model.q.any()


def test_take_the_pose_of_the_playback_frame(make_window):
    win = make_window()
    tech = win.techniques[0]
    win.open_technique(tech.id)
    win.player.set_frame(win.player.n_frames // 2)
    expected = win.player.timeline.coordinates(win.player.frame)
    win.actions["take_frame_pose"].trigger()
    assert win.player.display.mode == "explore"
    np.testing.assert_allclose(win.explore.model.q, expected, atol=1e-12)
    np.testing.assert_allclose(win.shown_frame_transforms(), win.explore.model.transforms(), atol=1e-9)


def test_changes_while_dragging_coalesce_into_one_render(explore, qtbot):
    win = explore
    qtbot.wait(100)
    count = win.view.render_count
    slider = win.explore.panel.rows["talocrural.dorsiflexion"].slider
    for v in range(10, 60, 5):  # a drag delivers several values between two paints
        slider.setValue(v)
    qtbot.waitUntil(lambda: win.view.render_count > count, timeout=2000)
    qtbot.wait(80)
    assert win.view.render_count == count + 1


def test_a_slider_drag_moves_the_picture_at_motion_resolution_and_ends_full(explore, qtbot):
    """Dragging a joint slider counts as motion (like playing): reduced resolution while the drag lasts,
    when a full frame is too slow; letting go renders a full-resolution frame of the final pose."""
    win = explore
    plotter = win.view.plotter
    plotter.motion_scale = 0.5  # as the view does by itself on a slow renderer
    slider = win.explore.panel.rows["talocrural.dorsiflexion"].slider
    slider.setSliderDown(True)
    count = win.view.render_count
    slider.setValue(120)
    qtbot.waitUntil(lambda: win.view.render_count > count, timeout=2000)
    assert plotter.moving and plotter.display_scale == 0.5
    slider.setValue(150)
    count = win.view.render_count
    slider.setSliderDown(False)  # let go
    qtbot.waitUntil(lambda: win.view.render_count > count and plotter.display_scale == 1.0, timeout=2000)
    assert not plotter.moving
    assert win.explore.model.value("talocrural.dorsiflexion") == 15.0
    np.testing.assert_allclose(win.shown_frame_transforms(), win.explore.model.transforms(), atol=1e-9)


def test_readout_and_axes_follow_the_explored_joint(explore, rig):
    win = explore
    win.explore.panel.rows["subtalar.inversion"].spin.setValue(15.0)
    assert win.readout.value_text("subtalar.inversion") == "+15.0 deg"
    win.explore.model.set_composite("toe_curl", 20.0)
    assert win.readout.value_text("proximal_interphalangeal_3.flexion") == "+20.0 deg"
    assert win.readout.value_text("subtalar.inversion") == "+15.0 deg"
    assert win.presenter.overlays is not None and win.presenter.overlays.axis_actors
    win.player.set_display(ghost=True)
    assert win.view.scene.ghost_actors


def test_broken_composites_leave_the_joints_explorable(make_window, monkeypatch):
    from app.anatomy.composites import CompositeError
    import app.ui.modes.explore as explore_mode

    def broken(_rig):
        raise CompositeError("rig.json: composites[0].coordinates.no.such: no such coordinate in the rig")

    monkeypatch.setattr(explore_mode, "load_composites", broken)
    win = make_window()
    win.set_mode("explore")
    assert "composites[0]" in win.explore.panel.problem.text() and win.explore.panel.problem.isVisible()
    assert win.explore.panel.composite_rows == {}
    win.explore.panel.rows["talocrural.dorsiflexion"].spin.setValue(10.0)
    assert win.explore.model.value("talocrural.dorsiflexion") == 10.0
