"""A technique's picture holds every bone it moves at every pose, and fills the picture with them
(projected through the renderer's own camera into display pixels)."""

import numpy as np
import pytest

SIZE = (320, 200)


@pytest.fixture(scope="module")
def stage(rig, meshes):
    from app.scene.offscreen import OffscreenStage

    st = OffscreenStage(SIZE, rig=rig, meshes=meshes)
    yield st
    st.close()


def project(renderer, points):
    """World points (mm) -> display pixels (x right, y up), through the renderer's own camera matrix."""
    w, h = renderer.GetSize()
    m = renderer.GetActiveCamera().GetCompositeProjectionTransformMatrix(w / h, -1, 1)
    M = np.array([[m.GetElement(i, j) for j in range(4)] for i in range(4)])
    clip = np.c_[points, np.ones(len(points))] @ M.T
    ndc = clip[:, :2] / clip[:, 3:4]
    return (ndc + 1) / 2 * np.array([w, h])


def posed_points(tl, meshes, bones, side, every=3):
    """Every 4th vertex of ``bones`` at every ``every``-th frame and at each coordinate's extremes."""
    q = tl.sample_coordinates()
    frames = sorted(set(range(0, tl.n_frames, every)) | set(np.argmin(q, 0)) | set(np.argmax(q, 0)))
    out = []
    for f in frames:
        W = tl.transforms(int(f))
        for b in bones:
            p = np.asarray(meshes[b].points)[::4]
            out.append(p @ W[tl.rig.bone(b).index, :3, :3].T + W[tl.rig.bone(b).index, :3, 3])
    pts = np.concatenate(out)
    return pts * np.array([1, 1, -1]) if side == "left" else pts


@pytest.mark.parametrize("tid, side", [("toe-rotation-2", "right"), ("talocrural-traction-roll", "right"),
                                       ("metatarsal-scissoring", "left"), ("midfoot-roll-on-thumb", "right")])
def test_every_moving_bone_stays_in_the_picture_and_fills_it(stage, rig, lib, meshes, tid, side):
    from app.scene.camera import frame_technique, moving_bones
    from app.techniques.timeline import Timeline

    tech = lib.technique(tid)
    tl = Timeline(tech, rig)
    stage.scene.set_side(side)
    frame_technique(stage.plotter.renderer, stage.scene, tech, side=side, timeline=tl)
    moving = moving_bones(tl, meshes)
    assert set(tech.worked_bones) <= set(moving)
    xy = project(stage.plotter.renderer, posed_points(tl, meshes, moving, side))
    w, h = SIZE
    assert xy[:, 0].min() >= 0 and xy[:, 0].max() <= w, "a moving bone leaves the picture sideways"
    assert xy[:, 1].min() >= 0 and xy[:, 1].max() <= h, "a moving bone leaves the picture at the top or bottom"
    region = set(moving) | set(tech.worked_bones) | set(tech.stabilised_bones)
    xy = project(stage.plotter.renderer, posed_points(tl, meshes, sorted(region), side))
    fill = max(np.ptp(xy[:, 0]) / w, np.ptp(xy[:, 1]) / h)
    assert fill > 0.7, f"the technique's bones fill only {fill:.0%} of the picture"
    centre = (xy.min(0) + xy.max(0)) / 2
    assert abs(centre[0] - w / 2) < 0.1 * w and abs(centre[1] - h / 2) < 0.1 * h


def test_a_magnified_still_says_drawn_and_true_size(tmp_path, rig, lib, monkeypatch):
    import imageio.v3 as iio

    from app.scene.offscreen import render_still
    from app.techniques.timeline import Timeline

    tl = Timeline(lib.technique("talocrural-traction"), rig, magnify=6)
    hold = tl.phase_named("Hold").start_frame + 10
    args = dict(size=(480, 320), view="medial", technique="talocrural-traction", frame=hold)
    notes = []
    real = Timeline.magnification_note
    monkeypatch.setattr(Timeline, "magnification_note", lambda self, t=None: notes.append(real(self, t)) or notes[-1])
    with_note = iio.imread(render_still(tmp_path / "a.png", magnify=6, **args)).astype(int)
    assert notes[-1] == tl.magnification_note(tl.time_of(hold))
    assert notes[-1].startswith("distraction drawn 6x, true ") and notes[-1] != "distraction drawn 6x, true 0.0 mm"
    monkeypatch.setattr(Timeline, "magnification_note", lambda self, t=None: None)
    without = iio.imread(render_still(tmp_path / "b.png", magnify=6, **args)).astype(int)
    corner = np.abs(with_note - without)[: 320 // 8, 480 // 2:].sum(axis=2)
    assert (corner > 60).sum() > 200  # the words are drawn in the upper right corner
    assert (np.abs(with_note - without).sum(axis=2)[320 // 8:] > 0).sum() == 0  # and nothing else changes


@pytest.mark.parametrize("size", [(640, 400), (400, 480)])
def test_every_preset_shows_the_whole_foot_and_fills_the_picture(rig, meshes, size):
    """A preset keeps every bone inside the picture whatever its shape (a wide still, a narrow window)
    and fills it: the bones span at least 75 % of the width or of the height."""
    from app.scene.camera import VIEWS
    from app.scene.offscreen import OffscreenStage

    stage = OffscreenStage(size, rig=rig, meshes=meshes)
    try:
        for view in VIEWS:
            stage.fit_view(view)
            xy = project(stage.plotter.renderer, stage.scene.shown_points())
            w, h = size
            assert xy[:, 0].min() >= 0 and xy[:, 0].max() <= w, (view, xy[:, 0].min(), xy[:, 0].max())
            assert xy[:, 1].min() >= 0 and xy[:, 1].max() <= h, (view, xy[:, 1].min(), xy[:, 1].max())
            span = max(np.ptp(xy[:, 0]) / w, np.ptp(xy[:, 1]) / h)
            assert span >= 0.75, (view, span)
    finally:
        stage.close()
