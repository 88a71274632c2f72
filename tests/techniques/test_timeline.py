"""The timeline: frame-exact, deterministic, phases and cues per frame, interpolation and rhythm."""

import io
import json

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from app.anatomy import load_rig
from app.techniques.commands import run_kinematics
from app.techniques.library import load_library
from app.techniques.model import Key
from app.techniques.timeline import Timeline, evaluate_keys






def test_every_frame_maps_to_its_phase_and_cue(rig, lib):
    for t in lib.techniques:
        tl = Timeline(t, rig)
        assert tl.n_frames == round(sum(p.duration_s * p.repeat for p in t.phases) * 30) + 1
        assert tl.phases[0].start_frame == 0 and tl.phases[-1].end_frame == tl.n_frames
        for a, b in zip(tl.phases, tl.phases[1:]):
            assert a.end_frame == b.start_frame
        for f in range(tl.n_frames):
            span = tl.phases[tl.phase_index(f)]
            assert span.start_frame <= f < span.end_frame
            assert span.start_s - 1e-9 <= tl.time_of(f) <= span.end_s + 1e-9
            assert span.cue == t.phases[span.index].cue


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([12.0, 24.0, 30.0, 60.0]))
def test_the_pose_of_a_frame_does_not_depend_on_how_it_was_reached(frame, fps):
    rig = load_rig()
    tech = load_library(rig=rig).techniques[frame % 13]
    a = Timeline(tech, rig, fps=fps)
    f = frame % a.n_frames
    sweep = [a.transforms(i) for i in range(0, f + 1, max(1, f // 7 or 1))]
    del sweep
    b = Timeline(tech, rig, fps=fps)
    np.testing.assert_array_equal(a.transforms(f), b.transforms(f))
    np.testing.assert_array_equal(a.coordinates(f), b.coordinates(f))


def test_interpolation_modes():
    keys_lin = (Key(0, 0), Key(1, 10, "linear"))
    keys_smooth = (Key(0, 0), Key(1, 10, "smooth"))
    keys_step = (Key(0, 0), Key(1, 10, "step"))
    t = np.array([0.0, 0.25, 0.5, 0.99, 1.0, 2.0])
    np.testing.assert_allclose(evaluate_keys(keys_lin, t), [0, 2.5, 5, 9.9, 10, 10])
    s = evaluate_keys(keys_smooth, t)
    assert s[1] < 2.5 and s[2] == pytest.approx(5) and s[4] == 10  # eases in, passes the middle
    np.testing.assert_allclose(evaluate_keys(keys_step, t), [0, 0, 0, 0, 10, 10])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(0.05, 2.0), st.floats(-20, 20)), min_size=2, max_size=6))
def test_smooth_and_linear_interpolation_are_continuous(steps):
    t, keys = 0.0, []
    for dt, v in steps:
        t += dt
        keys.append(Key(t, v, "smooth"))
    keys = tuple(keys)
    eps = 1e-7
    for k in keys:  # no jump at any key: the value arrives where the next segment starts
        before, after = evaluate_keys(keys, np.array([k.t_s - eps, k.t_s + eps]))
        assert before == pytest.approx(after, abs=1e-3)
        assert evaluate_keys(keys, np.array([k.t_s]))[0] == pytest.approx(k.value)
    vals = evaluate_keys(keys, np.linspace(0, t + 0.5, 4001))
    lo, hi = min(k.value for k in keys), max(k.value for k in keys)
    assert vals.min() >= lo - 1e-9 and vals.max() <= hi + 1e-9  # never overshoots


def test_sustained_traction_separates_talus_from_tibia_by_the_distraction(rig, lib):
    tech = lib.technique("talocrural-traction")
    tl = Timeline(tech, rig)
    hold = next(p for p in tl.phases if p.name == "Hold")
    mid = (hold.start_frame + hold.end_frame) // 2
    talus = rig.bone("talus").index
    A = rig.joint("talocrural").centre_mm
    centre_now = tl.true_transforms(mid)[talus] @ np.append(A, 1)
    distraction = tl.coordinates(mid)[rig.coordinate("talocrural.distraction").index]
    assert distraction == pytest.approx(1.5)
    assert np.linalg.norm(centre_now[:3] - A) == pytest.approx(1.5, abs=1e-6)  # true size
    assert (centre_now[1] - A[1]) == pytest.approx(-1.5, abs=1e-6)  # distally, along the tibia
    drawn = tl.transforms(mid)[talus] @ np.append(A, 1)
    assert np.linalg.norm(drawn[:3] - A) == pytest.approx(1.5 * tl.magnify, abs=1e-6)
    assert tl.coordinates(tl.n_frames - 1)[rig.coordinate("talocrural.distraction").index] == 0.0  # out in neutral
    assert tl.coordinates(tl.n_frames - 1)[rig.coordinate("talocrural.dorsiflexion").index] == 0.0


def test_toe_rotation_turns_the_phalanx_about_its_long_axis(rig, lib):
    tech = lib.technique("toe-rotation-1")
    tl = Timeline(tech, rig)
    span = next(p for p in tl.phases if p.name == "Rotate one way")
    f = span.end_frame - 1
    W = tl.true_transforms(f)[rig.bone("proximal_phalanx_1").index]
    axis = rig.joint("metatarsophalangeal_1").dofs[2].axis
    R = W[:3, :3]
    assert np.allclose(R @ axis, axis, atol=1e-9)  # the long axis stays put: a rotation about it
    angle = np.degrees(np.arccos((np.trace(R) - 1) / 2))
    assert angle == pytest.approx(abs(tl.coordinates(f)[rig.coordinate("metatarsophalangeal_1.rotation").index]), abs=1e-6)
    assert angle > 8


def test_jostle_oscillates_at_its_rhythm(rig, lib):
    tech = lib.technique("talocrural-jostle")
    tl = Timeline(tech, rig)
    span = tl.phase_named("Jostle")
    d = tl.sample_coordinates()[span.start_frame:span.end_frame, rig.coordinate("talocrural.distraction").index]
    peaks = np.sum((d[1:-1] > d[:-2]) & (d[1:-1] >= d[2:]) & (d[1:-1] > 1.0))
    assert peaks == round(tech.oscillations[0].frequency_hz * (span.end_s - span.start_s))
    assert d.max() == pytest.approx(1.5, abs=0.02)


def test_repeated_phases_replay_their_pass(rig, lib):
    tech = lib.technique("talocrural-traction-roll")
    tl = Timeline(tech, rig)
    span = tl.phase_named("Roll the talus")
    one = round(tech.phases[span.index].duration_s * tl.fps)
    q = tl.sample_coordinates()
    np.testing.assert_allclose(q[span.start_frame + 5], q[span.start_frame + 5 + one], atol=1e-9)


def test_magnification_only_scales_millimetres(rig, lib):
    tech = lib.technique("talocrural-traction")
    a, b = Timeline(tech, rig, magnify=1.0), Timeline(tech, rig, magnify=10)
    assert b.magnify == 10.0
    f = a.n_frames // 2
    i_mm, i_deg = rig.coordinate("talocrural.distraction").index, rig.coordinate("talocrural.dorsiflexion").index
    assert b.pose(f)[i_mm] == pytest.approx(10 * a.pose(f)[i_mm])
    assert b.pose(f)[i_deg] == a.pose(f)[i_deg]


def test_kinematics_csv_columns_and_values(rig, lib):
    out = io.StringIO()
    assert run_kinematics("toe-rotation-2", fps=10, fmt="csv", out=out) == 0
    lines = out.getvalue().splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["frame", "time_s", "phase"]
    assert header[3:3 + len(rig.coordinates)] == rig.coordinate_names
    assert header[3 + len(rig.coordinates):3 + len(rig.coordinates) + 7] == [
        "tibia.px", "tibia.py", "tibia.pz", "tibia.qw", "tibia.qx", "tibia.qy", "tibia.qz"]
    tl = Timeline(lib.technique("toe-rotation-2"), rig, fps=10)
    assert len(lines) == tl.n_frames + 1
    row = lines[40].split(",")
    f = int(row[0])
    assert row[2] == tl.phases[tl.phase_index(f)].name
    i = header.index("metatarsophalangeal_2.distraction")
    assert float(row[i]) == pytest.approx(tl.coordinates(f)[rig.coordinate("metatarsophalangeal_2.distraction").index], abs=1e-6)
    # the pose columns agree with the true-size transforms
    j = header.index("proximal_phalanx_2.px")
    W = tl.true_transforms(f)[rig.bone("proximal_phalanx_2").index]
    np.testing.assert_allclose([float(v) for v in row[j:j + 3]], W[:3, 3], atol=1e-5)
    from scipy.spatial.transform import Rotation

    qw, qx, qy, qz = (float(v) for v in row[j + 3:j + 7])
    np.testing.assert_allclose(Rotation.from_quat([qx, qy, qz, qw]).as_matrix(), W[:3, :3], atol=1e-6)


def test_kinematics_json_and_mot(rig):
    out = io.StringIO()
    assert run_kinematics("forefoot-spring", fps=5, fmt="json", out=out) == 0
    data = json.loads(out.getvalue())
    assert data["frames"][0]["frame"] == 0 and "metatarsal_1.qw" in data["frames"][0]
    out = io.StringIO()
    assert run_kinematics("forefoot-spring", fps=5, fmt="mot", out=out) == 0
    text = out.getvalue()
    head, body = text.split("endheader\n")
    assert "inDegrees=yes" in head
    cols = body.splitlines()[0].split("\t")
    assert cols[0] == "time" and cols[1:] == rig.coordinate_names
    assert f"nRows={len(body.splitlines()) - 1}" in head


def test_kinematics_magnify_and_unknown_technique(capsys):
    out = io.StringIO()
    assert run_kinematics("talocrural-traction", fps=2, fmt="csv", magnify=4, out=out) == 0
    rows = [r.split(",") for r in out.getvalue().splitlines()]
    i = rows[0].index("talocrural.distraction")
    assert max(float(r[i]) for r in rows[1:]) == pytest.approx(6.0)
    assert run_kinematics("no-such-thing", out=io.StringIO()) == 2
    assert "no-such-thing" in capsys.readouterr().err


@pytest.mark.parametrize("bad", [0, -2, 0.5, float("nan"), float("inf"), 1e9, 10.5, "six", None])
def test_a_bad_magnification_is_rejected_not_clamped(rig, lib, bad):
    from app.errors import TalusError
    from app.techniques.timeline import check_magnify

    with pytest.raises(TalusError, match="magnification must be a number from 1 to 10"):
        check_magnify(bad)
    if bad is not None:
        with pytest.raises(TalusError, match="magnification"):
            Timeline(lib.technique("talocrural-traction"), rig, magnify=bad)
    assert check_magnify("6") == 6.0


def test_poses_between_frames_are_interpolated_not_rounded(rig, lib):
    """At any time the pose is the timeline's own function of time: on a frame it is that frame's pose,
    between two frames of a moving coordinate it lies strictly between their values."""
    tl = Timeline(lib.technique("talocrural-traction"), rig)
    i = rig.coordinate("talocrural.distraction").index
    col = tl.sample_coordinates()[:, i]
    f = int(np.argmax(np.abs(np.diff(col))))  # the steepest step of the traction
    for k in (f, f + 1):
        assert tl.coordinates_at(k / tl.fps) == pytest.approx(tl.coordinates(k))
        assert tl.transforms_at(k / tl.fps) == pytest.approx(tl.transforms(k))
    mid = tl.coordinates_at((f + 0.5) / tl.fps)[i]
    assert min(col[f], col[f + 1]) < mid < max(col[f], col[f + 1])
    assert tl.pose_at((f + 0.5) / tl.fps)[i] == pytest.approx(mid * tl.magnify)
    for t in (0.0, tl.duration_s / 3, tl.duration_s):
        assert tl.phases[tl.phase_index_at(t)].name == tl.phases[tl.phase_index(tl.frame_at(t))].name


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 12), st.lists(st.floats(-1.0, 40.0, allow_nan=False), min_size=1, max_size=20))
def test_a_clip_evaluated_at_once_gets_each_instant_s_own_pose_and_note(which, times):
    """An export evaluates all its frames' poses in one call: each row is the pose (and the note) of that
    instant alone, whatever the other instants, inside or outside the technique, repeats included."""
    rig = load_rig()
    tl = Timeline(load_library(rig=rig).techniques[which], rig, magnify=6)
    rows = tl.coordinates_at_times(times)
    assert rows.shape == (len(times), len(rig.coordinates))
    for t, row in zip(times, rows):
        np.testing.assert_array_equal(row, tl.coordinates_at(t))
        np.testing.assert_array_equal(tl.drawn_transforms(row), tl.transforms_at(t))
        assert tl.magnification_note(values=row) == tl.magnification_note(t)


def test_the_magnification_note_names_drawn_and_true_size(rig, lib):
    tech = lib.technique("talocrural-traction")
    tl = Timeline(tech, rig, magnify=6)
    i = rig.coordinate("talocrural.distraction").index
    f = int(np.argmax(np.abs(tl.sample_coordinates()[:, i])))
    true_mm = abs(tl.coordinates(f)[i])
    assert tl.magnification_note(f / tl.fps) == f"distraction drawn 6x, true {true_mm:.1f} mm"
    assert tl.magnification_note() == f"distraction drawn 6x, true {true_mm:.1f} mm"  # the peak
    assert Timeline(tech, rig, magnify=1).magnification_note() is None  # true size: nothing to say
    rotation = [t for t in lib.techniques
                if not any(rig.coordinate(c).unit == "mm" for c in Timeline(t, rig).animated_coordinates)]
    assert rotation and Timeline(rotation[0], rig, magnify=6).magnification_note() is None
