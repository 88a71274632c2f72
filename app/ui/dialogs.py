"""Small dialogs of the window: keyboard shortcuts, about, and the list of problems in techniques files."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QTableWidget, QTableWidgetItem, QVBoxLayout

from app.ui.actions import shortcut_rows


def table_dialog(parent, title: str, header: list[str], rows: list, intro: str, size=(560, 620)) -> QDialog:
    dlg = QDialog(parent)
    dlg.setWindowTitle(title)
    table = QTableWidget(len(rows), len(header))
    table.setHorizontalHeaderLabels(header)
    table.verticalHeader().setVisible(False)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    lay = QVBoxLayout(dlg)
    lay.addWidget(QLabel(intro))
    lay.addWidget(table)
    dlg.resize(*size)
    return dlg


def dispose(dialog: QDialog | None) -> None:
    """Close ``dialog`` and delete it with its children (a hidden dialog otherwise lives as long as the window)."""
    if dialog is None:
        return
    try:
        dialog.close()
        dialog.deleteLater()
    except RuntimeError:  # already deleted by Qt
        pass


class Dialogs:
    """The window's small dialogs: one of each at a time, reused or replaced, never piling up hidden."""

    def __init__(self, window):
        self.window = window
        self.shortcuts_dialog: QDialog | None = None
        self.problems_dialog: QDialog | None = None

    def shortcuts(self) -> QDialog:
        """The list of shortcuts (one dialog, shown again and raised on later calls)."""
        if self.shortcuts_dialog is not None:
            self.shortcuts_dialog.show()
            self.shortcuts_dialog.raise_()
            self.shortcuts_dialog.activateWindow()
            return self.shortcuts_dialog
        self.shortcuts_dialog = table_dialog(self.window, "Keyboard shortcuts", ["Menu", "Command", "Keys"],
                                             shortcut_rows(self.window.actions),
                                             "Every command is in the menus too. Keys work with the 3D view focused.")
        self.shortcuts_dialog.show()
        return self.shortcuts_dialog

    def about(self) -> None:
        QMessageBox.about(self.window, "About Talus",
                          "<h3>Talus</h3><p>A 3D viewer of the foot's joints for people who teach and learn "
                          "massage and manual therapy.</p><p>Joint centres: Glasgow-Maastricht foot model; "
                          "axes: OpenSim gait2392, Payne et al. 2003, Manter 1941; ranges: see each "
                          "coordinate's tooltip. Techniques after a bodywork instructor's foot massage "
                          "tutorial.</p>")

    def problems(self, problems, title: str = "Problems in techniques files") -> QDialog:
        """List every problem (file, technique, field, what is wrong); the valid techniques stay usable."""
        rows = [(str(p.file), p.technique_id or "", p.path or "", p.message) for p in problems]
        dispose(self.problems_dialog)  # the new list replaces the old one
        self.problems_dialog = table_dialog(
            self.window, title, ["File", "Technique", "Field", "Problem"], rows,
            f"{len(problems)} problem(s) found. The techniques without problems are loaded and usable.", (900, 360))
        self.problems_dialog.show()
        return self.problems_dialog
