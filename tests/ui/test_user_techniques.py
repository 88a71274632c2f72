"""Teachers' own techniques: open a file beside the bundled one, duplicate and edit with live preview,
save atomically with a backup; export a video from the window without freezing it."""

import copy
import hashlib
import json
import os

import pytest
from PySide6.QtWidgets import QTableWidget

from app import TECHNIQUES_PATH


def bundled_hash():
    return hashlib.sha256(TECHNIQUES_PATH.read_bytes()).hexdigest()


@pytest.fixture
def user_file(tmp_path):
    doc = json.loads(TECHNIQUES_PATH.read_text())
    good = copy.deepcopy(doc["techniques"][0])
    good["id"], good["name"] = "my-traction", "My traction"
    bad = copy.deepcopy(doc["techniques"][1])
    bad["id"] = "my-broken"
    bad["tracks"]["talocrural.dorsiflexion"][1]["value"] = 80  # out of range
    p = tmp_path / "mine.json"
    p.write_text(json.dumps({"format": "talus-techniques", "version": 1, "techniques": [good, bad]}))
    return p


def test_users_file_loads_beside_the_bundled_one_and_its_broken_techniques_are_reported(qtbot, make_window, user_file):
    win = make_window()
    n = len(win.techniques)
    problems = win.files.load(str(user_file))
    assert win.technique("my-traction") is not None
    assert len(win.techniques) == n + 1
    assert [p.technique_id for p in problems] == ["my-broken"]
    table = win.dialogs.problems_dialog.findChild(QTableWidget)
    cells = [table.item(0, c).text() for c in range(4)]
    assert cells[0] == str(user_file) and cells[1] == "my-broken"
    assert "value" in cells[2] and "outside the normal range" in cells[3]
    assert "my-traction" in win.browser.visible_ids()
    assert win.open_technique("my-traction")  # usable at once


def test_duplicate_edit_preview_and_save(qtbot, make_window, tmp_path, monkeypatch):
    from app.ui.teaching import EditTechniqueDialog

    before = bundled_hash()
    win = make_window()
    win.open_technique("talocrural-traction")
    target = tmp_path / "mine.json"
    monkeypatch.setattr(win.files, "file_for_saving", lambda: str(target))
    dlg = EditTechniqueDialog(win, win.player.technique, win.rig)
    qtbot.addWidget(dlg)
    dlg.phases.item(3, 3).setText("Hold it, breathe, and let the ankle open.")
    dlg.phases.cellWidget(3, 1).setValue(6.0)  # a longer hold
    dlg.scales["talocrural.dorsiflexion"].setValue(50)
    dlg.preview()
    assert dlg.valid is not None
    assert win.player.technique.id == "talocrural-traction-mine"  # live preview in the view
    tl = win.player.timeline
    assert tl.phases[3].cue == "Hold it, breathe, and let the ankle open."
    assert tl.duration_s == pytest.approx(13.5)
    assert max(k.value for k in win.player.technique.tracks["talocrural.dorsiflexion"]) == pytest.approx(4.0)
    dlg.save()
    saved = json.loads(target.read_text())
    assert [t["id"] for t in saved["techniques"]] == ["talocrural-traction-mine"]
    assert win.technique("talocrural-traction-mine").file == str(target)
    # a second save keeps the previous version as a backup
    dlg2 = EditTechniqueDialog(win, win.technique("talocrural-traction-mine"), win.rig)
    qtbot.addWidget(dlg2)
    dlg2.id_edit.setText("talocrural-traction-mine")
    dlg2.name_edit.setText("Traction, my version 2")
    dlg2.save()
    assert json.loads(target.read_text())["techniques"][0]["name"] == "Traction, my version 2"
    assert json.loads((tmp_path / "mine.json.bak").read_text())["techniques"][0]["name"].endswith("(mine)")
    assert bundled_hash() == before  # the bundled library is never modified


def test_invalid_edit_cannot_be_saved_and_names_the_problem(qtbot, make_window):
    from app.ui.teaching import EditTechniqueDialog

    win = make_window()
    win.open_technique("toe-rotation-1")
    dlg = EditTechniqueDialog(win, win.player.technique, win.rig)
    qtbot.addWidget(dlg)
    dlg.scales["metatarsophalangeal_1.rotation"].setValue(300)  # 36 deg: beyond the normal range
    dlg.preview()
    assert dlg.valid is None and not dlg.save_button.isEnabled()
    assert "outside the normal range" in dlg.status.text()


def test_a_save_that_fails_half_way_leaves_the_users_file_intact(qtbot, make_window, tmp_path, monkeypatch):
    win = make_window()
    target = tmp_path / "mine.json"
    tech = copy.deepcopy(win.technique("toe-rotation-2").raw)
    tech["id"] = "toe-two-mine"
    win.files.save_technique(str(target), tech)
    tech2 = dict(tech, name="Second version")
    win.files.save_technique(str(target), tech2)
    good = target.read_text()

    def crash(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    from app.errors import TalusError

    with pytest.raises(TalusError, match="not saved"):
        win.files.save_technique(str(target), dict(tech, name="Third version"))
    monkeypatch.undo()
    assert target.read_text() == good
    assert (tmp_path / "mine.json.bak").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("kind", ["utf16", "latin1", "pipe", "deep"])
def test_saving_into_an_unreadable_file_says_why_and_changes_nothing(qtbot, make_window, tmp_path, kind):
    from app.errors import TalusError

    win = make_window()
    target = tmp_path / "mine.json"
    if kind == "pipe":
        os.mkfifo(target)  # before: the window hung reading it
    elif kind == "utf16":
        target.write_text('{"format": "talus-techniques", "version": 1, "techniques": []}', encoding="utf-16")
    elif kind == "latin1":
        target.write_bytes('{"format": "talus-techniques", "version": 1, "techniques": [], "source": "caf\xe9"}'.encode("latin-1"))
    else:
        target.write_text("[" * 5000 + "]" * 5000)
    before = None if kind == "pipe" else target.read_bytes()
    tech = dict(copy.deepcopy(win.technique("toe-rotation-2").raw), id="toe-two-mine")
    with pytest.raises(TalusError, match="nothing was changed"):
        win.files.save_technique(str(target), tech)
    if before is not None:
        assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.json"]


def assert_exported(qtbot, results, out):
    """The dialog reports success and the clip is on disk."""
    qtbot.waitUntil(lambda: bool(results), timeout=120_000)
    assert results[0][0], results
    assert out.exists() and out.stat().st_size > 1000


def export_dialog(win, technique_id, out):
    """The window's export dialog for a technique, aimed at ``out``, small and quick."""
    from app.ui.teaching import ExportDialog

    win.open_technique(technique_id)
    dlg = ExportDialog(win, win.player.technique, side="right", magnify=None)
    dlg.output.setText(str(out))
    dlg.size.setCurrentText("640x360")
    results = []
    dlg.finished_export.connect(lambda ok, msg: results.append((ok, msg)))
    return dlg, results


def test_export_from_the_window_runs_in_the_background(qtbot, make_window, tmp_path):
    win = make_window()
    out = tmp_path / "clip.mp4"
    dlg, results = export_dialog(win, "toe-rotation-3", out)
    dlg.fps.setValue(10)
    dlg.start.setCurrentText("Light traction")
    dlg.end.setCurrentText("Rotate one way")
    dlg.start_export()
    win.player.set_frame(5)  # the window keeps working meanwhile
    assert win.player.frame == 5
    assert_exported(qtbot, results, out)


def test_cancelled_export_from_the_window_leaves_nothing(qtbot, make_window, tmp_path):
    win = make_window()
    dlg, results = export_dialog(win, "talocrural-traction", tmp_path / "clip.mp4")
    dlg.start_export()
    qtbot.waitUntil(lambda: dlg.progress.value() > 3, timeout=60_000)
    dlg.progress.canceled.emit()  # what the Cancel button does
    qtbot.waitUntil(lambda: bool(results), timeout=60_000)
    assert results[0][0] is False and "cancelled" in results[0][1]
    assert list(tmp_path.iterdir()) == []


def test_opening_a_users_file_removes_what_killed_saves_left_beside_it(qtbot, make_window, tmp_path):
    import subprocess
    import sys

    win = make_window()
    target = tmp_path / "mine.json"
    tech = copy.deepcopy(win.technique("toe-rotation-2").raw)
    tech["id"] = "toe-two-mine"
    win.files.save_technique(str(target), tech)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".mine.json.talus-{dead.pid}-abcdef.part.json"
    stale.write_text("half a file")
    other = tmp_path / ".notes.txt"  # not ours: stays
    other.write_text("x")
    win.files.load(str(target))
    assert not stale.exists() and other.exists()
    assert win.technique("toe-two-mine") is not None


def test_file_export_writes_an_animated_3d_model(qtbot, make_window, tmp_path):
    """File > Export offers the .glb model: the same dialog, a name ending in .glb."""
    win = make_window()
    out = tmp_path / "clip.glb"
    dlg, results = export_dialog(win, "toe-rotation-3", out)
    dlg.fps.setValue(10)
    dlg.start_export()
    qtbot.waitUntil(lambda: bool(results), timeout=120_000)
    assert results[0][0], results
    import pygltflib

    doc = pygltflib.GLTF2().load(str(out))
    assert len([n for n in doc.nodes if n.mesh is not None]) == len(win.rig.bones)
    assert doc.animations and doc.animations[0].name == "toe-rotation-3"


def test_the_export_dialog_gets_its_exporter_ready_while_options_are_chosen(qtbot, make_window, tmp_path):
    """Opening the dialog starts the exporter (imports, library, meshes, shaders: about 1 s of a fresh
    talus export); Export hands that very process the arguments, and it writes the clip."""
    from PySide6.QtCore import QProcess

    win = make_window()
    out = tmp_path / "clip.mp4"
    dlg, results = export_dialog(win, "toe-rotation-3", out)
    warm = dlg.warm
    assert warm is not None and warm.state() != QProcess.NotRunning
    qtbot.wait(1500)  # the teacher chooses the options; it gets ready meanwhile (or reads when it is)
    dlg.fps.setValue(10)
    dlg.start_export()
    assert dlg.process is warm
    assert_exported(qtbot, results, out)


def test_closing_the_export_dialog_stops_its_exporter_and_a_dead_one_is_replaced(qtbot, make_window, tmp_path):
    from PySide6.QtCore import QProcess

    win = make_window()
    dlg, _ = export_dialog(win, "toe-rotation-3", tmp_path / "a.mp4")
    warm = dlg.warm
    dlg.reject()  # closed without exporting
    assert warm.state() == QProcess.NotRunning and dlg.warm is None
    out = tmp_path / "b.mp4"
    dlg, results = export_dialog(win, "toe-rotation-3", out)
    dlg.warm.kill()
    dlg.warm.waitForFinished(5000)
    dlg.fps.setValue(10)
    dlg.start_export()  # its exporter died: a fresh talus export does the work
    assert_exported(qtbot, results, out)
