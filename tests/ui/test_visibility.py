"""Hide, isolate, fade and labels: exactly the intended actors change; labels never overlap."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.scene.camera import VIEWS
from app.scene.skeleton import XRAY_OPACITY


def pick(win, bone):
    win.player.set_display(selected=bone)


def visible(win):
    return {n for n, a in win.view.scene.actors.items() if a.GetVisibility()}


def test_hide_isolate_fade_and_show_all_change_exactly_the_intended_actors(qtbot, make_window, rig):
    win = make_window()
    every = {b.name for b in rig.bones}
    win.view.plotter.setFocus()
    pick(win, "navicular")
    qtbot.keyClick(win.view.plotter, Qt.Key_H)
    assert visible(win) == every - {"navicular"}
    pick(win, "talus")
    qtbot.keyClick(win.view.plotter, Qt.Key_I)
    assert visible(win) == {"talus"}
    qtbot.keyClick(win.view.plotter, Qt.Key_H, Qt.ShiftModifier)
    assert visible(win) == every
    pick(win, "cuboid")
    qtbot.keyClick(win.view.plotter, Qt.Key_F)
    opacity = {n: win.view.scene.opacity_of(n) for n in every}
    assert opacity.pop("cuboid") == 1.0  # the selection stays solid
    assert set(opacity.values()) == {XRAY_OPACITY}
    pick(win, "talus")  # the solid one follows the selection
    assert win.view.scene.opacity_of("talus") == 1.0 and win.view.scene.opacity_of("cuboid") == XRAY_OPACITY
    qtbot.keyClick(win.view.plotter, Qt.Key_H, Qt.ShiftModifier)
    assert {win.view.scene.opacity_of(n) for n in every} == {1.0} and visible(win) == every


def test_the_bone_list_hides_bones_and_follows_the_state(make_window, rig):
    win = make_window()
    panel = win.visibility.panel
    panel.items["cuboid"].setCheckState(0, Qt.Unchecked)
    assert "cuboid" in win.player.display.hidden and not win.view.scene.actors["cuboid"].GetVisibility()
    pick(win, "talus")
    win.actions["isolate_bone"].trigger()
    assert panel.items["talus"].checkState(0) == Qt.Checked
    assert panel.items["navicular"].checkState(0) == Qt.Unchecked
    assert panel.groups["hindfoot"].checkState(0) == Qt.PartiallyChecked
    panel.groups["toes"].setCheckState(0, Qt.Checked)  # a whole group at once
    assert all(b.name not in win.player.display.hidden for b in rig.bones if b.group == "toes")


def test_hidden_bones_take_their_overlays_with_them(make_window):
    win = make_window()
    tech = next(t for t in win.techniques if t.contacts)
    win.open_technique(tech.id)
    bone = tech.contacts[0].bone
    before = {id(a): a.GetVisibility() for _, a in win.presenter.overlays.contact_actors}
    pick(win, bone)
    win.actions["hide_bone"].trigger()
    for b, actor in win.presenter.overlays.contact_actors:
        assert actor.GetVisibility() == (before[id(actor)] if b != bone else False)
    win.player.set_frame(win.player.n_frames // 2)  # a later frame keeps them hidden
    assert not any(a.GetVisibility() for b, a in win.presenter.overlays.contact_actors if b == bone)


def label_rects(win):
    """The labels as laid out for the next render of the view (waits for it)."""
    from pytestqt.qtbot import QtBot

    count = win.view.render_count
    win.view.request_render()
    QtBot(win).waitUntil(lambda: win.view.render_count > count, timeout=3000)
    return win.visibility.labels.placed


@pytest.mark.parametrize("side", ["right", "left"])
def test_in_each_preset_view_no_two_labels_overlap_and_none_covers_its_bone(qtbot, make_window, rig, side):
    from app.scene.labels import covers, overlaps

    win = make_window(side=side)
    win.view.plotter.setFocus()
    qtbot.keyClick(win.view.plotter, Qt.Key_N)
    assert win.player.display.labels
    w, h = win.view.plotter.renderer.GetSize()
    for view in VIEWS:
        win.view.set_view(view)
        placed = label_rects(win)
        assert {p.item.key for p in placed} == {b.name for b in rig.bones}, view
        for i, a in enumerate(placed):
            x0, y0, x1, y1 = a.rect
            assert 0 <= x0 and x1 <= w and 0 <= y0 and y1 <= h, (view, a.item.key)
            assert not covers(a.rect, a.item.owner_points), (view, a.item.key)
            for b in placed[i + 1:]:
                assert not overlaps(a.rect, b.rect), (view, a.item.key, b.item.key)
        # the text actors stand where the layout put them
        actor = win.visibility.labels._text_actors[placed[0].item.key]
        assert actor.GetVisibility() and actor.GetInput() == placed[0].item.text


def test_leader_lines_start_on_the_side_of_the_bone_facing_the_camera(make_window, rig):
    from app.scene.labels import projector

    win = make_window()
    win.player.set_display(labels=True)
    win.view.set_view("lateral")
    placed = label_rects(win)
    project = projector(win.view.plotter.renderer)
    for p in placed:
        bone = p.item.key
        M = win.view.scene.shown_transform(bone)
        pts = win.visibility.labels._samples[bone] @ M[:3, :3].T + M[:3, 3]
        _, depth = project(pts)
        anchor = np.argmin(np.linalg.norm(project(pts)[0] - p.item.anchor, axis=1))
        assert depth[anchor] <= np.median(depth), bone  # on the near half of the bone


def test_labels_keep_off_the_orientation_marker_and_the_strain_legend(make_window, rig):
    from app.anatomy.tissues import GROUPS
    from app.scene.labels import overlaps

    win = make_window()
    win.player.set_display(labels=True, tissue_groups=frozenset(GROUPS))
    for view in ("three_quarter", "lateral", "dorsal"):
        win.view.set_view(view)
        placed = label_rects(win)
        panels = win.visibility._panel_rects()
        legend = win.built_tissue_layer.scene.legend
        assert legend.GetVisibility() and legend.display_rect() in panels and len(panels) == 2
        assert len(placed) == len(rig.bones)
        for p in placed:
            assert not any(overlaps(p.rect, r) for r in panels), (view, p.item.key)


def test_an_isolated_bone_shows_its_landmark_names(make_window):
    from app.scene.labels import overlaps

    win = make_window()
    marks = win.visibility.landmarks.of_bone("talus")
    pick(win, "talus")
    win.actions["isolate_bone"].trigger()
    win.actions["labels"].trigger()
    placed = label_rects(win)
    shown = {p.item.text for p in placed}
    assert shown <= {m.label for m in marks}  # its landmarks only
    for i, a in enumerate(placed):
        for b in placed[i + 1:]:
            assert not overlaps(a.rect, b.rect), (a.item.key, b.item.key)
    palpable = [m.label for m in marks if m.kind == "palpable"]
    attachments = [m.label for m in marks if m.kind == "attachment"]
    assert palpable[0] in shown  # what a hand finds comes first
    assert len(shown & set(palpable)) / len(palpable) >= len(shown & set(attachments)) / len(attachments)
    assert len(shown) == len(marks) or "names fit in the 3D view" in win.statusBar().currentMessage()
    win.actions["show_all"].trigger()
    assert len(label_rects(win)) == len(win.rig.bones)


def test_a_view_too_small_for_every_name_leaves_some_out_and_says_so(qtbot, make_window):
    from app.scene.labels import overlaps

    win = make_window()
    win.resize(1024, 700)  # the 3D view about 300 px wide: no room for two columns of 30 names
    qtbot.wait(50)
    win.player.set_display(labels=True)
    placed = label_rects(win)
    assert 0 < len(placed) < len(win.rig.bones)
    for i, a in enumerate(placed):
        for b in placed[i + 1:]:
            assert not overlaps(a.rect, b.rect), (a.item.key, b.item.key)
    assert "names fit in the 3D view" in win.statusBar().currentMessage()


def test_with_a_technique_open_labels_name_the_bones_it_moves_and_holds(make_window):
    win = make_window()
    for tid in ("talocrural-traction", "metatarsal-scissoring"):
        tech = win.technique(tid)
        win.open_technique(tid)
        win.player.set_display(labels=True)
        named = {p.item.key for p in label_rects(win)}
        assert named == set(tech.worked_bones) | set(tech.stabilised_bones), tid
