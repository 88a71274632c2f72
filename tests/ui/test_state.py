"""One state model: the controller owns it, QActions and the scene mirror it; every action has a handler."""

import subprocess
import sys

import numpy as np
import pytest


def test_an_action_row_without_a_handler_is_an_error():
    from app.ui.actions import ActionSpec, MissingHandler, check_table

    check_table()  # the real table is complete
    with pytest.raises(MissingHandler, match="'orphan'"):
        check_table((ActionSpec("orphan", "Orphan", menu="View"),))


def test_toggles_mirror_the_state_both_ways(make_window):
    win = make_window()
    win.open_technique(win.techniques[0].id)
    win.player.set_display(ghost=True, axes=False)
    assert win.actions["ghost"].isChecked() and not win.actions["show_axes"].isChecked()
    assert win.view.scene.ghost_actors  # the scene follows the state, not the action
    assert not any(a.GetVisibility() for _, a in win.presenter.overlays.axis_actors)
    win.actions["ghost"].trigger()
    assert win.player.display.ghost is False and not win.view.scene.ghost_actors
    win.actions["loop"].trigger()
    assert win.player.loop is False
    win.player.set_loop(True)
    assert win.actions["loop"].isChecked()


def test_the_side_lives_in_the_state_and_everything_follows_it(make_window):
    win = make_window()
    win.open_technique(win.techniques[0].id)
    win.player.set_frame(12)
    win.player.set_display(side="left")
    assert win.actions["left_foot"].isChecked()
    assert win.view.scene.side == "left" and win.presenter.overlays.side == "left"
    np.testing.assert_allclose(win.shown_frame_transforms(), win.player.timeline.transforms(12), atol=1e-9)
    win.actions["left_foot"].trigger()
    assert win.player.side == "right" and win.view.scene.side == "right"
    with pytest.raises(ValueError):
        win.player.set_display(side="middle")
    assert win.player.side == "right"


def test_view_presets_are_generated_from_the_camera_table(make_window):
    from app.scene.camera import VIEWS

    win = make_window()
    assert [a for a in win.actions if a.startswith("view_")] == [f"view_{v}" for v in VIEWS]


def test_export_and_ui_do_not_import_the_command_line():
    code = ("import sys, app.export.video, app.ui.main_window, app.ui.app; "
            "sys.exit(1 if 'app.cli' in sys.modules else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
