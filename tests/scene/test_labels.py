"""Label layout (pure) and labels in stills."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from app.scene.labels import LabelItem, covers, layout, overlaps


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
