"""Named camera views, kept per technique in the settings (``bookmarks/<technique id>``, JSON).

A bookmark is the camera's position, focal point, view-up (foot frame, mm) and view angle (deg).
"""

from __future__ import annotations

import json

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog

NO_TECHNIQUE = "_none"


class Bookmarks:
    def __init__(self, window, menu):
        self.window = window
        self.menu = menu  # View > Camera bookmarks, filled when it opens
        menu.aboutToShow.connect(self.fill_menu)
        window.player.technique_changed.connect(lambda _t: self.fill_menu())

    def _key(self, technique_id: str | None = None) -> str:
        tech = self.window.player.technique
        return technique_id or (tech.id if tech else NO_TECHNIQUE)

    def of(self, technique_id: str | None = None) -> dict:
        """name -> camera state for ``technique_id`` (default: the current technique)."""
        raw = self.window.settings.value(f"bookmarks/{self._key(technique_id)}", "{}")
        try:
            data = json.loads(raw) if isinstance(raw, str) else {}
        except json.JSONDecodeError:
            data = {}
        return data if isinstance(data, dict) else {}

    def save(self, name: str) -> None:
        key = self._key()
        data = self.of(key)
        data[name] = self.window.view.camera_state()
        self.window.settings.setValue(f"bookmarks/{key}", json.dumps(data))
        self.window.settings.sync()
        self.fill_menu()

    def recall(self, name: str) -> bool:
        state = self.of().get(name)
        if not state:
            return False
        self.window.view.set_camera_state(state)
        return True

    def ask_and_save(self) -> None:
        w = self.window
        tech = w.player.technique
        default = f"View {len(self.of()) + 1}"
        name, ok = QInputDialog.getText(w, "Bookmark this view",
                                        f"Name of this camera view{' for ' + tech.name if tech else ''}:", text=default)
        if ok and name.strip():
            self.save(name.strip())
            w.statusBar().showMessage(f"Bookmarked '{name.strip()}'", 3000)

    def fill_menu(self) -> None:
        menu = self.menu
        menu.clear()
        marks = self.of()
        if not marks:
            empty = menu.addAction("(none for this technique: View > Bookmark this view...)")
            empty.setEnabled(False)
        for name in marks:
            act = QAction(name, menu)
            act.triggered.connect(lambda _=False, n=name: self.recall(n))
            menu.addAction(act)
