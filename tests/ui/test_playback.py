"""Playback as a student and a teacher use it: the pose shown is the pose computed for the frame shown,
the cue shown belongs to the phase, the keys work with the 3D view focused."""

import random

import numpy as np
import pytest
from PySide6.QtCore import Qt


def assert_shows_engine_pose(win):
    """The 3D view always shows the frame's pose; the slider and position label show the frame
    whenever the player is paused (while playing they follow at 10 Hz)."""
    tl = win.player.timeline
    frame = win.player.frame
    np.testing.assert_allclose(win.shown_frame_transforms(), tl.transforms(frame), atol=1e-9)
    if not win.player.playing:
        assert win.transport.slider.value() == frame
        assert win.transport.position.text().startswith(f"frame {frame}/{tl.n_frames - 1}")


def technique_ids():
    from app.techniques.library import load_library

    return [t.id for t in load_library().techniques]


@pytest.mark.parametrize("tid", technique_ids())
def test_each_phase_start_shows_that_phases_cue(make_window, tid):
    win = make_window()
    assert win.open_technique(tid)
    tl = win.player.timeline
    for span in tl.phases:
        win.player.set_frame(span.start_frame)
        assert win.player.phase == span.index
        assert win.cue_panel.active_cue() == span.cue
        assert win.cue_panel.cues.currentRow() == span.index
        assert_shows_engine_pose(win)


def test_any_mix_of_commands_shows_the_engine_pose_for_the_frame_shown(qtbot, make_window):
    win = make_window()
    rnd = random.Random(7)
    win.open_technique(win.techniques[0].id)
    commands = ["play_pause", "step_back", "step_forward", "step_back_10", "step_forward_10", "previous_phase",
                "next_phase", "first_frame", "last_frame", "loop", "loop_phase", "slower", "faster", "scrub", "wait",
                "technique", "magnify", "left_foot"]
    for _ in range(60):
        cmd = rnd.choice(commands)
        if cmd == "scrub":
            win.transport.slider.setValue(rnd.randrange(win.player.n_frames))
        elif cmd == "wait":
            qtbot.wait(rnd.choice([10, 40, 90]))
        elif cmd == "technique":
            win.open_technique(rnd.choice(win.techniques).id, frame=rnd.randrange(5))
        elif cmd == "magnify":
            win.transport.magnify.setValue(rnd.choice([1.0, 2.5, 5.0, 10.0]))
        else:
            win.actions[cmd].trigger()
        qtbot.wait(1)
        assert_shows_engine_pose(win)
        assert 0 <= win.player.frame < win.player.n_frames
    win.player.pause()
    assert_shows_engine_pose(win)  # paused: every panel shows the frame


def test_clicking_a_cue_jumps_to_its_phase(qtbot, make_window):
    win = make_window()
    tech = max(win.techniques, key=lambda t: len(t.phases))
    win.open_technique(tech.id)
    tl = win.player.timeline
    target = tl.phases[-1]
    item = win.cue_panel.cues.item(target.index)
    rect = win.cue_panel.cues.visualItemRect(item)
    qtbot.mouseClick(win.cue_panel.cues.viewport(), Qt.LeftButton, pos=rect.center())
    assert win.player.frame == target.start_frame
    assert win.cue_panel.active_cue() == target.cue
    assert_shows_engine_pose(win)


def test_transport_shortcuts_work_with_the_3d_view_focused(qtbot, make_window):
    win = make_window()
    tech = max(win.techniques, key=lambda t: len(t.phases))
    win.open_technique(tech.id)
    tl = win.player.timeline
    view = win.view.plotter
    view.setFocus()
    key = lambda k, mod=Qt.NoModifier: qtbot.keyClick(view, k, mod)  # noqa: E731
    key(Qt.Key_Right)
    assert win.player.frame == 1
    key(Qt.Key_Right, Qt.ShiftModifier)
    assert win.player.frame == 11
    key(Qt.Key_Left)
    assert win.player.frame == 10
    key(Qt.Key_Left, Qt.ShiftModifier)
    assert win.player.frame == 0
    key(Qt.Key_Down)
    assert win.player.frame == tl.phases[1].start_frame
    key(Qt.Key_PageDown)
    assert win.player.frame == tl.phases[2].start_frame
    key(Qt.Key_Up)
    assert win.player.frame == tl.phases[1].start_frame
    key(Qt.Key_End)
    assert win.player.frame == tl.n_frames - 1
    key(Qt.Key_Home)
    assert win.player.frame == 0
    loop = win.player.loop
    key(Qt.Key_L)
    assert win.player.loop != loop
    speed = win.player.speed
    key(Qt.Key_BracketLeft)
    assert win.player.speed < speed
    key(Qt.Key_BracketRight)
    key(Qt.Key_BracketRight)
    assert win.player.speed > speed
    key(Qt.Key_Space)
    assert win.player.playing
    qtbot.waitUntil(lambda: win.player.frame > 0, timeout=3000)
    key(Qt.Key_Space)
    assert not win.player.playing
    assert_shows_engine_pose(win)


def test_help_lists_every_shortcut(make_window):
    win = make_window()
    win.actions["shortcuts"].trigger()
    table = win.dialogs.shortcuts_dialog.findChild(type(win.readout.table))
    texts = {table.item(r, 1).text() for r in range(table.rowCount())}
    for aid, act in win.actions.items():
        if act.shortcuts():
            assert act.text().replace("&", "") in texts
            assert act.toolTip()
    win.dialogs.shortcuts_dialog.close()


def test_selecting_a_technique_loads_frame_0_tints_bones_and_turns_the_camera(qtbot, make_window):
    from app.scene.skeleton import MOVED_RGB, STABILISED_RGB

    win = make_window()
    before = win.view.camera_state()
    tech = next(t for t in win.techniques if t.region in ("toes", "forefoot"))
    win.browser.search.setText(tech.name[:6])
    assert tech.id in win.browser.visible_ids()
    win.browser.select(None)
    win.browser.technique_selected.emit(tech.id)
    assert win.player.technique is tech
    assert win.player.frame == 0
    assert win.view.camera_state() != before
    for b in tech.worked_bones:
        assert win.view.scene.colour_of(b) == pytest.approx(MOVED_RGB)
    for b in tech.stabilised_bones:
        if b not in tech.worked_bones:
            assert win.view.scene.colour_of(b) == pytest.approx(STABILISED_RGB)


def test_playback_renders_once_per_frame(qtbot, make_window):
    win = make_window()
    win.open_technique(win.techniques[0].id)
    qtbot.wait(100)
    for f in (5, 6, 20, 21):
        c = win.view.render_count
        win.player.set_frame(f)
        qtbot.waitUntil(lambda: win.view.render_count > c, timeout=2000)
        qtbot.wait(60)
        assert win.view.render_count == c + 1


def test_readout_shows_the_coordinates_of_the_frame(make_window):
    win = make_window()
    win.open_technique(win.techniques[0].id)
    tl = win.player.timeline
    mid = tl.n_frames // 2
    win.player.set_frame(mid)
    for name in tl.animated_coordinates:
        c = win.rig.coordinate(name)
        assert win.readout.value_text(name) == f"{tl.coordinates(mid)[c.index]:+.1f} {c.unit}"


def test_switching_technique_beyond_the_new_ones_length_does_not_raise(qtbot, make_window):
    """Metatarsal scissoring played to frame 500, then toe rotation (240 frames) picked: no IndexError
    from a panel reading the old frame on the new timeline; the new technique opens at frame 0."""
    win = make_window()
    win.open_technique("metatarsal-scissoring")
    win.player.set_frame(500)
    assert win.player.frame == 500
    seen = []
    win.player.timeline_changed.connect(lambda tl: seen.append((tl.n_frames, win.player.frame)))
    win.browser.technique_selected.emit("toe-rotation-1")
    assert win.player.technique.id == "toe-rotation-1" and win.player.frame == 0
    assert all(f < n for n, f in seen)  # observers never see a frame outside the new timeline
    assert_shows_engine_pose(win)
    win.player.set_frame(win.player.last_frame)
    win.open_technique("metatarsal-scissoring", frame=10_000)  # e.g. a restored frame: clamped
    assert win.player.frame == win.player.last_frame
    assert_shows_engine_pose(win)


def test_each_curve_of_the_joint_plot_has_its_own_colour_named_beside_it(make_window):
    """The plot carries no legend over its curves: the table beside it names each curve in the curve's
    colour, and no two curves of a technique share a colour (the rounding and scissoring move 10-14)."""
    win = make_window()
    plot = win.readout.ensure_plot()
    for tech in win.techniques:
        win.open_technique(tech.id)
        names = win.player.timeline.animated_coordinates
        pens = [curve.opts["pen"].color().name() for curve in win.readout._curves]
        assert len(pens) == len(names) and len(set(pens)) == len(pens), tech.id
        table = [win.readout.table.item(row, 0) for row in range(win.readout.table.rowCount())]
        assert [(i.text(), i.foreground().color().name()) for i in table] == list(zip(names, pens)), tech.id
    assert plot.plotItem.legend is None
