"""Label layout (pure) and labels in stills."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.scene.labels import LabelItem, covers, layout, overlaps, stack_avoiding


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 800), st.floats(0, 600), st.integers(40, 190)), min_size=1, max_size=30))
def test_layout_never_overlaps_and_stays_in_the_view(specs):
    items = [LabelItem(f"b{i}", f"bone {i}", np.array([x, y]), (float(w), 19.0), np.array([[x, y]]))
             for i, (x, y, w) in enumerate(specs)]
    placed = layout(items, (800, 600), (200.0, 50.0, 600.0, 550.0))
    assert len(placed) == len(items)
    for i, a in enumerate(placed):
        assert 0 <= a.rect[0] and a.rect[2] <= 800 and 0 <= a.rect[1] and a.rect[3] <= 600
        for b in placed[i + 1:]:
            assert not overlaps(a.rect, b.rect)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 800), st.floats(0, 600), st.integers(40, 190)), min_size=1, max_size=30),
       st.floats(0, 400), st.floats(20, 300))
def test_labels_keep_clear_of_a_panel_when_the_columns_have_room(specs, panel_y, panel_h):
    """A panel at the right edge (the strain legend): no label covers it when the two columns can hold them
    all around it, and never do two labels overlap or leave the view."""
    items = [LabelItem(f"b{i}", f"bone {i}", np.array([x, y]), (float(w), 19.0), np.array([[x, y]]))
             for i, (x, y, w) in enumerate(specs)]
    panel = (640.0, panel_y, 790.0, min(600.0, panel_y + panel_h))
    placed = layout(items, (800, 600), (200.0, 50.0, 600.0, 550.0), keep_out=[panel])
    assert len(placed) == len(items)
    for i, a in enumerate(placed):
        assert 0 <= a.rect[0] and a.rect[2] <= 800 and 0 <= a.rect[1] and a.rect[3] <= 600
        for b in placed[i + 1:]:
            assert not overlaps(a.rect, b.rect)
    room = (600 - 12 + 2) // 21  # labels a column holds with nothing in its way
    right_room = sum(int((b - a + 2) // 21) for a, b in [(6.0, panel[1] - 2), (panel[3] + 2, 594.0)] if b > a)
    if len(items) <= room + right_room - 1:  # room to spare in the two columns around the panel
        assert not any(overlaps(p.rect, panel) for p in placed)


def test_a_column_in_a_panel_s_way_splits_around_it_in_order_near_the_anchors():
    wanted = np.array([100.0, 120.0, 140.0, 300.0, 340.0])  # three want to sit where the panel is
    y = stack_avoiding(wanted, np.full(5, 19.0), 6.0, 594.0, blocked=[(90.0, 200.0)])
    centres = y + 9.5
    assert list(np.argsort(centres)) == [0, 1, 2, 3, 4]  # their order kept
    assert all(b <= 88.0 or b >= 202.0 for b in y) and all(t <= 88.0 or t >= 202.0 for t in y + 19.0)
    assert np.abs(centres[3:] - wanted[3:]).max() < 1e-9  # those clear of it do not move
    assert np.abs(centres - wanted).max() < 110.0  # each as near its anchor as the room allows


def test_a_still_with_tissues_and_labels_keeps_the_labels_off_the_legend_and_captions(rig, meshes):
    from app.scene.offscreen import OffscreenStage

    stage = OffscreenStage((1280, 800), rig=rig, meshes=meshes)
    try:
        stage.show_tissues(("ankle", "hindfoot", "midfoot", "forefoot", "fascia_tendons"))
        stage.pose_tissues()
        stage.set_caption("Right foot - three-quarter view\nsecond line", font_size=12)
        layer = stage.add_labels()
        stage.render()
        panels = stage.panel_rects()
        assert len(panels) == 2  # the legend and the caption
        assert len(layer.placed) == len(rig.bones)
        for p in layer.placed:
            assert not any(overlaps(p.rect, panel) for panel in panels), p.item.key
    finally:
        stage.close()


def test_a_label_goes_to_the_column_that_leaves_its_bone_uncovered():
    # a bone at the left edge: its label goes right rather than on top of it
    bone = np.array([[x, y] for x in range(5, 60, 5) for y in range(200, 260, 5)], float)
    item = LabelItem("calcaneus", "Calcaneus", np.array([30.0, 230.0]), (80.0, 19.0), bone)
    (p,) = layout([item], (400, 400), (0.0, 0.0, 400.0, 400.0))
    assert not covers(p.rect, bone)


def test_a_still_can_name_the_bones(tmp_path):
    import imageio.v3 as iio

    from app.scene.offscreen import render_still

    plain = iio.imread(render_still(tmp_path / "a.png", view="lateral", size=(640, 400)))
    named = iio.imread(render_still(tmp_path / "b.png", view="lateral", size=(640, 400), labels=True))
    assert np.abs(plain.astype(int) - named.astype(int)).sum() > 0


def test_a_close_up_names_only_the_bones_in_the_picture(rig, meshes):
    """Framed on the toes, the tibia and the tarsals are out of the picture: they get no label (a leader
    drawn to the picture's edge would end on another bone), and every leader ends inside the picture."""
    from app.scene.offscreen import OffscreenStage

    stage = OffscreenStage((640, 400), view="dorsal", rig=rig, meshes=meshes)
    try:
        stage.fit_bones([f"proximal_phalanx_{i}" for i in range(1, 6)], min_extent_mm=60.0)
        layer = stage.add_labels()
        stage.render()
        named = {p.item.key for p in layer.placed}
        assert "proximal_phalanx_3" in named
        assert not named & {"tibia", "fibula", "talus", "calcaneus", "navicular"}, named
        for p in layer.placed:
            x, y = p.item.anchor
            assert 0 <= x <= 640 and 0 <= y <= 400, p.item.key
    finally:
        stage.close()
