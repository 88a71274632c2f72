"""Teaching tools in the window: presentation mode, remembered state, bookmarks, saved images."""

import imageio.v3 as iio
import numpy as np
import pytest
from PySide6.QtCore import Qt


def test_presentation_mode_shows_only_the_view_and_the_active_cue(qtbot, make_window):
    win = make_window()
    tech = max(win.techniques, key=lambda t: len(t.phases))
    win.open_technique(tech.id)
    win.view.plotter.setFocus()
    qtbot.keyClick(win.view.plotter, Qt.Key_F5)
    assert win.presentation.active
    qtbot.waitUntil(lambda: win.isFullScreen(), timeout=3000)
    assert not win.menuBar().isVisible()
    assert not win.browser_dock.isVisible() and not win.cue_dock.isVisible()
    assert win.presentation.caption.isVisible()
    tl = win.player.timeline
    assert tl.phases[0].cue in win.presentation.caption.text()
    qtbot.keyClick(win.view.plotter, Qt.Key_PageDown)  # clicker: next phase
    assert win.player.phase == 1
    assert tl.phases[1].cue in win.presentation.caption.text()
    qtbot.keyClick(win.view.plotter, Qt.Key_PageUp)
    assert win.player.phase == 0
    qtbot.keyClick(win.view.plotter, Qt.Key_B)
    assert win.presentation.blanker.isVisible()
    qtbot.keyClick(win.view.plotter, Qt.Key_B)
    assert not win.presentation.blanker.isVisible()
    qtbot.keyClick(win.view.plotter, Qt.Key_Space)
    assert win.player.playing
    qtbot.keyClick(win.view.plotter, Qt.Key_Space)
    qtbot.keyClick(win.view.plotter, Qt.Key_Escape)
    assert not win.presentation.active
    qtbot.waitUntil(lambda: not win.isFullScreen(), timeout=3000)
    assert win.menuBar().isVisible() and win.cue_dock.isVisible()
    assert not win.presentation.caption.isVisible()


def test_settings_come_back_after_a_restart(qtbot, make_window, settings):
    win = make_window()
    tech = win.techniques[-1]
    win.open_technique(tech.id)
    win.player.set_frame(17)
    win.player.set_speed(0.5)
    win.transport.magnify.setValue(3.0)
    win.actions["left_foot"].setChecked(True)
    win.close()
    again = make_window(settings_=settings)
    assert again.restore_technique()
    assert again.player.technique.id == tech.id
    assert again.player.frame == 17
    assert again.player.speed == 0.5
    assert again.player.magnify == 3.0
    assert again.view.scene.side == "left"


def test_camera_bookmarks_are_saved_per_technique_and_recalled(qtbot, make_window, settings):
    win = make_window()
    a, b = win.techniques[0], win.techniques[1]
    win.open_technique(a.id)
    win.view.set_view("plantar")
    win.bookmarks.save("sole")
    saved = win.view.camera_state()
    win.view.set_view("lateral")
    win.open_technique(b.id)
    assert "sole" not in win.bookmarks.of()
    win.open_technique(a.id)
    assert win.bookmarks.recall("sole")
    assert np.allclose(win.view.camera_state()["position"], saved["position"])
    labels = [act.text() for act in win.bookmarks.menu.actions()]
    assert "sole" in labels
    win.close()
    again = make_window(settings_=settings)
    again.open_technique(a.id)
    assert "sole" in again.bookmarks.of()


def test_save_image_writes_the_view_at_the_chosen_size(qtbot, make_window, tmp_path):
    win = make_window()
    win.open_technique(win.techniques[0].id)
    out = tmp_path / "view.png"
    win.snapshot.save_image(str(out), (640, 360))
    img = iio.imread(out)
    assert img.shape[:2] == (360, 640)
    assert img[..., :3].std() > 10  # not blank
    assert not list(tmp_path.glob(".*part"))


@pytest.mark.parametrize("saved", ["0", "nan", "1e9", "-3", "six"])
def test_a_damaged_saved_magnification_is_rejected_like_on_the_command_line(qtbot, make_window, settings, saved):
    from app.errors import TalusError

    tech = next(t for t in make_window().techniques if t.id == "talocrural-traction")
    settings.setValue("technique", tech.id)
    settings.setValue("magnify", saved)
    win = make_window(settings_=settings)
    assert win.restore_technique()
    assert win.player.technique.id == tech.id
    assert win.player.magnify == tech.display_magnification  # the technique's own, not a clamped 1 or 10
    for bad in (0.0, float("nan"), 1e9):
        with pytest.raises(TalusError, match="magnification must be a number from 1 to 10"):
            win.player.set_magnify(bad)
    assert win.player.magnify == tech.display_magnification
