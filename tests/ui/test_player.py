"""The playback controller's clock rules: late frames are skipped, not queued; loops keep time."""

import pytest

from app.ui.player import PlaybackController


@pytest.fixture
def player(qapp, rig):
    from app.techniques.library import load_library

    p = PlaybackController(rig)
    tech = max(load_library(rig=rig).techniques, key=lambda t: t.phases and len(t.phases))
    p.set_technique(tech)
    return p


def test_a_late_tick_skips_frames_instead_of_queueing_them(player):
    shown = []
    player.frame_changed.connect(shown.append)
    player.play()
    player._anchor(0)
    fps = player.timeline.fps
    player.advance_to(player.target_frame(1000.0 * 5 / fps))  # the machine stalled for 5 frames
    player.pause()
    assert shown == [5]


def test_speed_scales_the_clock(player):
    player.set_speed(0.5)
    player.play()
    player._anchor(0)
    assert player.target_frame(1000.0) == int(player.timeline.fps * 0.5)
    player.set_speed(2.0)  # re-anchors at once, without stopping
    assert player.playing
    assert player.target_frame(1000.0) == player.frame + int(player.timeline.fps * 2.0)
    player.pause()


def test_loop_wraps_and_no_loop_stops_at_the_end(player):
    last = player.last_frame
    player.set_loop(True)
    player.play()
    player.advance_to(last + 3)
    assert player.frame == 2
    assert player.playing
    player.set_loop(False)
    player.advance_to(last + 3)
    assert player.frame == last
    assert not player.playing


def test_loop_phase_stays_in_the_phase(player):
    span = player.timeline.phases[1]
    player.go_to_phase(1)
    player.set_loop_phase(True)
    player.play()
    player.advance_to(span.end_frame + 1)
    assert span.start_frame <= player.frame < span.end_frame
    player.pause()


def test_pause_at_phase_end_stops_on_the_last_frame_of_each_phase(player):
    p0, p1 = player.timeline.phases[0], player.timeline.phases[1]
    player.set_pause_at_phase_end(True)
    player.play()
    player.advance_to(p0.end_frame + 4)
    assert player.frame == p0.end_frame - 1
    assert not player.playing
    player.play()  # the next press plays the next phase
    player.advance_to(p1.start_frame + 2)
    assert player.frame == p1.start_frame + 2
    player.advance_to(p1.end_frame + 10)
    assert player.frame == p1.end_frame - 1
    assert not player.playing


def test_speed_limits(player):
    for _ in range(20):
        player.slower()
    assert player.speed == pytest.approx(0.1)
    for _ in range(20):
        player.faster()
    assert player.speed == pytest.approx(2.0)
