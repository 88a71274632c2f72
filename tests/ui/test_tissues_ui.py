"""Tissues in the window: toggles by group, the targets' strain in the cue panel and the plot, hovering a
tube names it with its numbers, the tripod and arches, and pictures and exports that include them."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.anatomy.tissues import GROUPS


@pytest.fixture
def win(make_window):
    w = make_window()
    assert w.tissue_layer.ts is not None, w.tissue_layer.error
    return w


def hold_frame(w):
    span = w.player.timeline.phase_named("Hold")
    return (span.start_frame + span.end_frame) // 2


def test_toggles_by_group_and_all_at_once(win, qtbot):
    layer = win.tissue_layer
    assert not layer.scene.actor.GetVisibility()
    win.actions["tissues_ankle"].trigger()
    assert win.player.display.tissue_groups == {"ankle"}
    assert layer.panel.group_boxes["ankle"].isChecked() and not layer.panel.group_boxes["forefoot"].isChecked()
    assert layer.scene.n_shown_lines == sum(len(t.lines) for t in layer.ts if t.group == "ankle")
    layer.panel.group_boxes["forefoot"].setChecked(True)
    assert win.player.display.tissue_groups == {"ankle", "forefoot"}
    assert win.actions["tissues_forefoot"].isChecked()
    win.view.plotter.setFocus()
    qtbot.keyClick(win.view.plotter, Qt.Key_T)  # the shortcut works with the 3D view focused: some shown -> none
    assert win.player.display.tissue_groups == set()
    qtbot.keyClick(win.view.plotter, Qt.Key_T)  # none -> all
    assert win.player.display.tissue_groups == set(GROUPS)
    win.actions["show_tissues"].setChecked(False)
    win.actions["show_tissues"].setChecked(True)
    assert win.player.display.tissue_groups == set(GROUPS)
    assert layer.scene.n_shown_lines == layer.ts.n_lines and layer.scene.legend.GetVisibility()
    win.actions["show_tissues"].setChecked(False)
    assert not win.player.display.tissue_groups and not layer.scene.actor.GetVisibility()


def test_traction_lists_its_targets_with_true_size_strain(win, qtbot):
    layer = win.tissue_layer
    win.open_technique("talocrural-traction")
    win.player.set_display(tissue_groups=frozenset({"ankle"}))
    f = hold_frame(win)
    win.player.set_frame(f)
    tl = win.player.timeline
    assert tl.magnify > 1, "the traction is drawn magnified"
    states = layer.ts.states(tl.true_transforms(f))
    names = list(win.player.technique.targets)
    assert layer.target_list.rowCount() == len(names) and layer.target_list.isVisible()
    for row, name in enumerate(names):
        assert layer.target_list.strain_text(row) == f"{states[name].strain_pct:+.1f} %"
    # the tubes follow the magnified bones, the colours the true-size strain
    assert np.allclose(layer.scene.poly.points, layer.ts.world_points(tl.transforms(f)))
    assert np.allclose(layer.scene.strains(), layer.ts.strains(tl.true_transforms(f)))
    # one curve per target in the plot, the playhead at the frame's time
    assert len(layer.panel.plot.listDataItems()) == len(names)
    assert layer.panel.playhead.value() == pytest.approx(tl.time_of(f))
    # bones are drawn plain while tissues are shown, and tinted again when they are hidden
    assert win.view.scene.colour_of("talus") == win.view.scene.colour_of("navicular")
    win.player.set_display(tissue_groups=frozenset())
    assert win.view.scene.colour_of("talus") != win.view.scene.colour_of("navicular")


def test_hovering_a_tube_names_the_tissue_with_its_numbers(win, qtbot):
    layer = win.tissue_layer
    win.open_technique("talocrural-traction")
    win.player.set_display(tissue_groups=frozenset({"ankle"}))
    win.player.set_frame(hold_frame(win))
    win.view.render_now()
    k = int(layer.ts.lines_of("talocrural_capsule_posterior")[1])
    a, b = layer.ts.line_start[k], layer.ts.line_start[k + 1] - 1
    mid = (layer.scene.poly.points[a] + layer.scene.poly.points[b]) / 2
    hit = None
    for view in ("medial", "lateral", "posterior"):
        win.view.set_view(view)
        win.view.render_now()
        hit = layer.tissue_at(*win.view.display_position(mid))
        if hit is not None and hit[0].name == "talocrural_capsule_posterior":
            break
    assert hit is not None and hit[0].name == "talocrural_capsule_posterior", hit
    text = layer.describe_line(hit[1])
    state = layer.ts.states(win.player.timeline.true_transforms(win.player.frame))
    assert "Talocrural capsule, posterior" in text and "length now" in text and "neutral" in text
    assert f"{100 * layer.ts.strains(win.player.timeline.true_transforms(win.player.frame))[hit[1]]:+.1f} %" in text
    assert state["talocrural_capsule_posterior"].strain > 0


def test_tripod_and_arches_follow_forefoot_rounding(win, qtbot):
    layer = win.tissue_layer
    win.open_technique("forefoot-rounding")
    win.view.plotter.setFocus()
    qtbot.keyClick(win.view.plotter, Qt.Key_A)
    assert win.player.display.tripod and layer.tripod.visible and layer.panel.tripod_box.isChecked()
    win.player.set_frame(0)
    start = layer.tripod.heights["transverse_metatarsal"]
    win.player.set_frame(win.player.timeline.phase_named("Hold the dome").start_frame)
    held = layer.tripod.heights["transverse_metatarsal"]
    assert held > start + 2.0
    assert f"{held:.1f} mm" in layer.panel.arch_label.text()
    assert np.allclose(layer.tripod.points.points, layer.ts.tripod_points(win.presenter.pose))


def test_left_foot_mirrors_the_tubes(make_window):
    w = make_window(side="left")
    w.open_technique("toe-rotation-2")
    w.player.set_display(tissue_groups=frozenset({"forefoot"}))
    w.player.set_frame(100)
    assert np.allclose(w.tissue_layer.scene.poly.points,
                       w.tissue_layer.ts.world_points(w.player.timeline.transforms(100)) * [1, 1, -1])


def test_saved_picture_and_export_include_the_tissues(win, tmp_path):
    win.open_technique("talocrural-traction")
    win.player.set_frame(hold_frame(win))
    plain = win.snapshot.render_image((480, 320))
    win.player.set_display(tissue_groups=frozenset({"ankle"}), tripod=True)
    shown = win.snapshot.render_image((480, 320))
    assert np.abs(plain.astype(int) - shown.astype(int)).sum(axis=2).astype(bool).mean() > 0.01
    from app.ui.teaching import ExportDialog

    dialog = ExportDialog(win, win.player.technique, side="right", magnify=None,
                          tissues=sorted(win.player.display.tissue_groups), arches=True)
    args = dialog.arguments()
    assert args[args.index("--tissues") + 1] == "ankle" and "--arches" in args
    dialog.close()


def test_a_broken_tissues_file_leaves_the_window_working(make_window, monkeypatch):
    import app.ui.tissues as ui_tissues
    from app.anatomy.tissues import TissueError

    def broken(**_kw):
        raise TissueError("meshes/tissues.json: tissues[3] (ptfl).group: unknown group 'knee'")

    monkeypatch.setattr(ui_tissues, "load_tissues", broken)
    w = make_window()
    assert w.tissue_layer.ts is None
    assert "unknown group 'knee'" in w.tissue_layer.panel.arch_label.text()
    w.actions["show_tissues"].trigger()
    assert not w.actions["show_tissues"].isChecked() and not w.player.display.tissue_groups
    assert "unavailable" in w.statusBar().currentMessage()
    assert w.open_technique("talocrural-traction")  # techniques still play
    w.player.set_frame(10)


def test_the_strain_legend_never_covers_the_foot(win, qtbot):
    """Shown tissues bring the legend to the right edge of the view: each preset then frames the foot
    between the left edge and the legend; hiding them frames it as before."""
    from app.scene.camera import VIEWS

    def rendered():
        count = win.view.render_count
        win.view.request_render()
        qtbot.waitUntil(lambda: win.view.render_count > count, timeout=3000)

    win.resize(1100, 760)  # a narrow view, where the legend takes a quarter of the width
    qtbot.wait(50)
    win.actions["tissues_ankle"].trigger()
    legend = win.tissue_layer.scene.legend
    assert legend.GetVisibility()
    for view in VIEWS:
        win.view.set_view(view)
        rendered()
        x0 = legend.display_rect()[0]
        a, _, b, _ = win.visibility.labels.silhouette()
        assert a >= 0 and b <= x0, (view, a, b, x0)
    win.actions["tissues_ankle"].trigger()  # off: the legend goes, the plain preset again
    assert not legend.GetVisibility() and win.view.fit_scale == 1.0


def test_a_technique_opened_with_tissues_shown_is_framed_beside_the_legend(win, qtbot):
    from app.scene.camera import region_bones

    win.resize(1100, 760)
    qtbot.wait(50)
    win.actions["tissues_ankle"].trigger()
    for tid in ("talocrural-traction", "toe-rotation-2"):
        win.open_technique(tid)
        count = win.view.render_count
        win.view.request_render()
        qtbot.waitUntil(lambda: win.view.render_count > count, timeout=3000)
        bones = region_bones(win.player.timeline, win.view.scene.meshes)
        a, _, b, _ = win.visibility.labels.silhouette(bones)
        x0 = win.tissue_layer.scene.legend.display_rect()[0]
        assert 0 <= a and b <= x0, (tid, a, b, x0)
