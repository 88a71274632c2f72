"""Presentation mode for a class: full screen, docks and menus hidden, the active cue as a large caption
over the view; B blanks the screen; Esc (or F5 again) brings the window back as it was."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QWidget

from app.ui.actions import set_checked_quietly


class Presentation(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        view = window.view
        self.caption = QLabel(view)
        self.caption.setWordWrap(True)
        self.caption.setAlignment(Qt.AlignCenter)
        self.caption.setStyleSheet("QLabel { color: white; background: rgba(15, 18, 24, 200); font-size: 30px;"
                                   " padding: 14px 28px; border-radius: 10px; }")
        self.caption.hide()
        self.blanker = QWidget(view)
        self.blanker.setStyleSheet("background: black;")
        self.blanker.setAttribute(Qt.WA_StyledBackground, True)
        self.blanker.hide()
        self.active = False
        self._saved_layout = None
        window.player.phase_changed.connect(lambda _i: self.update_caption())
        window.player.technique_changed.connect(lambda _t: self.update_caption())
        view.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802
        if obj is self.window.view and event.type() == event.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        w, h = self.window.view.width(), self.window.view.height()
        self.blanker.setGeometry(0, 0, w, h)
        cw = int(w * 0.86)
        self.caption.setFixedWidth(cw)
        self.caption.adjustSize()
        self.caption.move((w - cw) // 2, h - self.caption.height() - int(h * 0.05))

    def update_caption(self) -> None:
        player = self.window.player
        tl = player.timeline
        if tl is None:
            self.caption.setText("")
            return
        span = tl.phases[player.phase]
        self.caption.setText(f"<div style='font-size: 20px; color: #f3a35c;'>{player.technique.name} · "
                             f"{span.index + 1}/{len(tl.phases)} {span.name}</div>{span.cue}")
        self._place()

    def set_active(self, on: bool) -> None:
        w = self.window
        if on == self.active:
            return
        self.active = on
        docks = w.findChildren(QDockWidget)
        if on:
            self._saved_layout = (w.saveState(), w.isMaximized(), [d.isVisible() for d in docks])
            for d in docks:
                d.hide()
            w.menuBar().hide()
            w.statusBar().hide()
            w.showFullScreen()
            self.caption.show()
            self.update_caption()
            w.view.plotter.setFocus()
        else:
            self.caption.hide()
            self.set_blank(False)
            w.menuBar().show()
            w.statusBar().show()
            w.showNormal()
            if self._saved_layout is not None:
                state, maximized, visible = self._saved_layout
                w.restoreState(state)
                for d, v in zip(docks, visible):
                    d.setVisible(v)
                if maximized:
                    w.showMaximized()
        set_checked_quietly(w.actions["presentation"], on)

    def set_blank(self, on: bool) -> None:
        self.blanker.setVisible(on)
        if on:
            self.blanker.raise_()
        set_checked_quietly(self.window.actions["blank"], on)
