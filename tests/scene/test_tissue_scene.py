"""The tissue lines follow the drawn bones, are coloured by the true-size strain, hide by group, fade
non-targets; the tripod and arches sit on their landmarks; stills and exports draw them when asked."""

import numpy as np
import pytest

from app.anatomy import Kinematics
from app.anatomy.tissues import GROUPS, load_tissues
from app.scene.tissues import BACKGROUND_RGB, STRAIN_RGB, TissueScene, TripodScene, strain_rgb
from app.techniques.timeline import Timeline


@pytest.fixture(scope="module")
def kin(rig):
    return Kinematics(rig)


@pytest.fixture(scope="module")
def ts(rig, kin):
    return load_tissues(rig=rig, kinematics=kin)


@pytest.fixture(scope="module")
def stage():
    from app.scene.offscreen import OffscreenStage

    st = OffscreenStage((640, 400), view="medial")
    yield st
    st.close()


@pytest.fixture()
def hold(lib, rig, kin):
    tl = Timeline(lib.technique("talocrural-traction"), rig, kinematics=kin)
    span = tl.phase_named("Hold")
    f = (span.start_frame + span.end_frame) // 2
    return tl, f


def test_strain_colours_diverge_with_the_taut_mark(ts):
    assert np.allclose(strain_rgb(0.0), STRAIN_RGB[1])
    assert np.allclose(strain_rgb(-0.2), STRAIN_RGB[0]) and np.allclose(strain_rgb(0.5), STRAIN_RGB[-1])
    assert np.allclose(strain_rgb(0.06), STRAIN_RGB[3])
    # a tissue whose taut strain is 4 % reaches the taut colour at 4 %
    assert np.allclose(strain_rgb(0.04, 0.04), STRAIN_RGB[3])


def test_tubes_follow_the_drawn_pose_and_colour_by_true_strain(stage, ts, hold):
    tl, f = hold
    tissues = TissueScene(stage.plotter, ts, groups=GROUPS)
    try:
        tissues.update(tl.transforms(f), tl.true_transforms(f))
        assert np.allclose(tissues.poly.points, ts.world_points(tl.transforms(f)))
        assert np.allclose(tissues.strains(), ts.strains(tl.true_transforms(f)))
        post = ts.lines_of("talocrural_capsule_posterior")[0]
        r, g, b = tissues.colour_of_line(post)
        assert r > 150 and r > b + 60, "the stretched posterior capsule is drawn on the warm side of the scale"
        neutral = ts.lines_of("spring")[0]  # the midfoot does not move in this technique
        assert np.allclose(np.array(tissues.colour_of_line(neutral)) / 255, STRAIN_RGB[1], atol=0.01)
        stage.render()
        assert tissues.line_at(tissues.actor, 0) is not None and tissues.line_at(tissues.actor, 10**6) is None
    finally:
        tissues.remove()


def test_the_left_foot_mirrors_the_tubes(stage, ts, hold):
    tl, f = hold
    tissues = TissueScene(stage.plotter, ts, side="left", groups=("ankle",))
    try:
        tissues.update(tl.transforms(f), tl.true_transforms(f))
        assert np.allclose(tissues.poly.points, ts.world_points(tl.transforms(f)) * [1, 1, -1])
    finally:
        tissues.remove()


def test_groups_hide_and_targets_emphasise(stage, ts):
    tissues = TissueScene(stage.plotter, ts, groups=("forefoot",))
    try:
        shown = sum(len(t.lines) for t in ts if t.group == "forefoot")
        assert tissues.n_shown_lines == shown
        assert tissues.actor.GetVisibility() and tissues.legend.GetVisibility()
        tissues.set_groups(())
        assert tissues.n_shown_lines == 0 and not tissues.actor.GetVisibility() and not tissues.legend.GetVisibility()
        tissues.set_groups(GROUPS)
        tissues.set_targets(["plantar_fascia"])
        target = ts.lines_of("plantar_fascia")[0]
        other = ts.lines_of("atfl")[0]
        c_target = np.array(tissues.colour_of_line(target)) / 255
        c_other = np.array(tissues.colour_of_line(other)) / 255
        assert np.linalg.norm(c_other - BACKGROUND_RGB) < np.linalg.norm(c_target - BACKGROUND_RGB), "others fade"
        assert tissues.line_width_px(target) > tissues.line_width_px(other), "targets are drawn thicker"
        with pytest.raises(ValueError):
            tissues.set_groups(["knee"])
    finally:
        tissues.remove()


def test_tripod_points_and_arch_lines_sit_on_their_landmarks(stage, ts, rig, kin):
    W = kin.transforms({"metatarsophalangeal_1.extension": 20.0, "tarsometatarsal_1.dorsiflexion": -4.0})
    tri = TripodScene(stage.plotter, ts, visible=True)
    try:
        tri.update(W, W)
        assert np.allclose(tri.points.points, ts.tripod_points(W))
        n = ts.tripod_normal(ts.tripod_points(W))
        assert np.allclose((np.asarray(tri.ground.points) - ts.tripod_points(W)[0]) @ n, 0.0, atol=1e-6), \
            "the ground grid lies in the tripod plane"
        medial = [a.name for a in ts.arches].index("medial_longitudinal")
        poly, _ = tri.arch_lines[medial]
        assert np.allclose(np.asarray(poly.points)[:3], ts.arch_points(W, medial))
        assert tri.heights == ts.arch_heights(W)
        assert f"{tri.heights['medial_longitudinal']:.1f} mm" in tri.labels["medial_longitudinal"].GetInput()
    finally:
        tri.remove()


def test_a_still_with_tissues_shows_the_legend_and_the_targets(tmp_path):
    import imageio.v3 as iio

    from app.scene.offscreen import render_still

    plain = render_still(tmp_path / "plain.png", view="medial", size=(640, 400), technique="talocrural-traction", frame=200)
    shown = render_still(tmp_path / "tissues.png", view="medial", size=(640, 400), technique="talocrural-traction",
                         frame=200, tissues=("ankle",), arches=True)
    a, b = iio.imread(plain).astype(int), iio.imread(shown).astype(int)
    legend = b[int(400 * 0.3):int(400 * 0.7), int(640 * 0.87):, :3]
    magenta = (legend[..., 0] > 150) & (legend[..., 1] < 60) & (legend[..., 2] > 70)
    assert magenta.sum() > 20, "the legend's stretched end is drawn"
    assert np.abs(a - b).sum(axis=2).astype(bool).mean() > 0.01
