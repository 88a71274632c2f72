"""The user's own techniques files and the dialogs that read or write them.

The bundled ``techniques.json`` is never written. A teacher's file is loaded beside it; edits are
added to (or replace a technique in) the teacher's file through :func:`app.userfiles.write_atomically`
(temporary file, fsync, rename, previous version kept as ``.bak``). The files opened are remembered
in the settings (``user_files``) so they come back at the next start.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.errors import TalusError


class UserFiles:
    def __init__(self, window):
        self.window = window
        self.export = None  # the export dialog (one at a time)
        self.edit_dialog = None

    @property
    def paths(self) -> list[str]:
        """The user's files loaded now, in load order (the bundled library excluded)."""
        lib = self.window.library
        files = lib.files[1:] if lib is not None else []
        return list(dict.fromkeys(files))

    def user_ids(self) -> set[str]:
        from app import TECHNIQUES_PATH

        return {t.id for t in self.window.techniques if t.file != str(TECHNIQUES_PATH)}

    def reload(self, user_files: list[str]) -> list:
        """Reload the bundled library and ``user_files``; return the problems found."""
        from app import TECHNIQUES_PATH
        from app.techniques.library import load_libraries

        from app.userfiles import remove_stale_temporaries

        for f in user_files:  # saves killed mid-write (SIGKILL, power loss) left these behind
            remove_stale_temporaries(Path(f).parent, Path(f).name)
        w = self.window
        current = w.player.technique.id if w.player.technique else None
        w.set_library(load_libraries([TECHNIQUES_PATH] + list(user_files), rig=w.rig))
        w.settings.setValue("user_files", json.dumps(list(user_files)))
        if current and w.technique(current):
            w.browser.select(current)
        return w.library.problems

    def load(self, path: str) -> list:
        """Open a teacher's techniques file beside the bundled one; return its problems (also shown)."""
        w = self.window
        files = [f for f in self.paths if f != path] + [path]
        problems = [p for p in self.reload(files) if p.file == path]
        n = sum(1 for t in w.techniques if t.file == path)
        w.statusBar().showMessage(f"{path}: {n} technique(s) loaded, {len(problems)} problem(s)", 8000)
        if problems:
            w.dialogs.problems(problems, title=f"Problems in {path}")
        return problems

    def open_dialog(self) -> None:
        w = self.window
        path, _ = QFileDialog.getOpenFileName(w, "Open techniques", str(w.settings.value("last_folder", "") or ""),
                                              "Techniques (*.json)")
        if path:
            self.load(path)

    def file_for_saving(self) -> str | None:
        """The user's own file to save edits into (asks for one the first time)."""
        if self.paths:
            return self.paths[-1]
        path, _ = QFileDialog.getSaveFileName(self.window, "Save your techniques in", "my-techniques.json",
                                              "Techniques (*.json)")
        return path or None

    def save_technique(self, path: str, technique: dict) -> None:
        """Add or replace ``technique`` in the user's file (atomically, keeping a .bak), then reload."""
        from app import TECHNIQUES_PATH
        from app.userfiles import write_atomically

        w = self.window
        if Path(path).resolve() == TECHNIQUES_PATH.resolve():
            raise TalusError(f"{path}: the bundled library is never modified; save into a file of your own")
        doc = {"format": "talus-techniques", "version": 1, "techniques": []}
        if Path(path).exists():
            from app import jsonfile

            try:
                doc = jsonfile.load(path)  # a regular UTF-8 file of finite JSON, or a message
            except (OSError, jsonfile.JSONFileProblem) as exc:
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise TalusError(f"{path}: cannot read it to add your technique ({why}); nothing was changed") from None
            if not isinstance(doc, dict) or not isinstance(doc.get("techniques"), list):
                raise TalusError(f"{path}: not a techniques file; nothing was changed")
        doc["techniques"] = [t for t in doc["techniques"] if not (isinstance(t, dict) and t.get("id") == technique["id"])]
        doc["techniques"].append(technique)
        write_atomically(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        self.reload([f for f in self.paths if f != path] + [path])
        w.open_technique(technique["id"], turn_camera=False)
        w.statusBar().showMessage(f"Saved '{technique['name']}' in {path} (previous version kept as .bak)", 8000)

    # -- dialogs on the current technique -------------------------------------------------------------
    def duplicate_current(self) -> None:
        from app.ui.teaching import EditTechniqueDialog

        w = self.window
        tech = w.player.technique
        if tech is None:
            w.statusBar().showMessage("Pick a technique to duplicate first", 4000)
            return
        from app.ui.dialogs import dispose

        self.edit_dialog = EditTechniqueDialog(w, tech, w.rig)
        try:
            if not self.edit_dialog.exec():
                if w.technique(tech.id):  # back to the original after a cancelled edit
                    w.open_technique(tech.id, frame=w.player.frame, turn_camera=False)
        finally:
            dispose(self.edit_dialog)  # modal and done: delete it, do not keep it hidden
            self.edit_dialog = None

    def export_dialog(self) -> None:
        from app.ui.teaching import ExportDialog

        w = self.window
        tech = w.player.technique
        if tech is None:
            w.statusBar().showMessage("Pick a technique to export first", 4000)
            return
        from app.ui.dialogs import dispose

        running = self.export is not None and self.export.process is not None and \
            self.export.process.state() != QProcess.NotRunning
        if running:  # one export at a time: its progress comes forward
            w.statusBar().showMessage("An export is running; wait for it or cancel it first", 5000)
            if self.export.progress is not None:
                self.export.progress.raise_()
            return
        dispose(self.export)  # the last export's dialog (hidden once it finished) goes
        lib = tech.file if w.library is not None and tech.file in self.paths else None
        self.export = ExportDialog(w, tech, side=w.player.side, magnify=w.player.magnify, library=lib,
                                   tissues=sorted(w.player.display.tissue_groups), arches=w.player.display.tripod)
        self.export.finished_export.connect(self._export_finished)
        self.export.show()

    def cancel_export(self, wait_ms: int = 10_000) -> None:
        """Cancel a running export (the window is closing) and wait for it to clean up."""
        dlg = self.export
        if dlg is None or dlg.process is None or dlg.process.state() == QProcess.NotRunning:
            return
        dlg.cancel()
        dlg.process.waitForFinished(wait_ms)

    def _export_finished(self, ok: bool, message: str) -> None:
        self.window.statusBar().showMessage(message, 10000)
        if not ok and "cancelled" not in message:
            QMessageBox.warning(self.window, "Export failed", message)
