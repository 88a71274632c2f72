"""A still at mid-technique differs from frame 0 where the moved bones are, and not where the
stabilised ones are (rendered off screen, compared pixel by pixel)."""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def stage():
    from app.scene.offscreen import OffscreenStage

    st = OffscreenStage((480, 320), view="medial")
    yield st
    st.close()


def technique_ids():
    from app.techniques.library import load_library

    return [t.id for t in load_library().techniques]


def mask_of(stage, bones, W):
    """Pixels covered by ``bones`` alone at pose W."""
    scene = stage.scene
    for name, actor in scene.actors.items():
        actor.SetVisibility(name in bones)
    scene.set_transforms(W)
    img = stage.render().astype(int)
    for actor in scene.actors.values():
        actor.SetVisibility(True)
    background = stage_background(stage)
    return np.abs(img - background).sum(axis=2) > 30


def stage_background(stage):
    for actor in stage.scene.actors.values():
        actor.SetVisibility(False)
    img = stage.render().astype(int)
    for actor in stage.scene.actors.values():
        actor.SetVisibility(True)
    return img


@pytest.mark.parametrize("tid", technique_ids())
def test_mid_technique_still_differs_only_where_moved_bones_are(stage, tid):
    from app.techniques.library import load_library
    from app.techniques.timeline import Timeline

    rig = stage.rig
    tech = next(t for t in load_library(rig=rig).techniques if t.id == tid)
    tl = Timeline(tech, rig)
    # the frame of largest motion (mid-technique, where the pose is furthest from frame 0)
    W0 = tl.transforms(0)
    mid = max(range(tl.n_frames), key=lambda f: np.abs(tl.transforms(f) - W0).max())
    Wm = tl.transforms(mid)
    moved = set(tech.moved_bones)
    stabilised = set(tech.stabilised_bones) - moved
    bones = {n: i for i, n in enumerate(rig.bone_names)}
    best = None
    stage.scene.set_transforms(W0)
    bounds = stage.scene.bounds()  # one camera for every picture of a view
    for view in ("medial", "lateral", "dorsal"):  # the view that shows the motion best (a toe may hide)
        stage.fit_view(view, bounds)
        stage.scene.set_transforms(W0)
        img0 = stage.render().astype(int)
        stage.scene.set_transforms(Wm)
        imgm = stage.render().astype(int)
        changed = np.abs(imgm - img0).sum(axis=2) > 30
        if best is None or changed.sum() > best[1].sum():
            best = (view, changed)
    view, changed = best
    stage.fit_view(view, bounds)
    assert changed.sum() > 20, "the moved bones must visibly move"
    moved_px = mask_of(stage, moved, W0) | mask_of(stage, moved, Wm)
    assert (changed & moved_px).sum() >= 0.9 * changed.sum()  # change happens where moved bones are
    if stabilised:
        still_px = mask_of(stage, stabilised, W0) & ~moved_px
        # not one stabilised bone moves: their pixels, away from moved bones, stay as they were
        assert (changed & still_px).sum() <= 0.002 * max(1, still_px.sum()) + 3
        for b in stabilised:
            assert np.allclose(Wm[bones[b]], W0[bones[b]])
