"""The soft tissues in the window: tissue lines by group, hover readouts, the targets' strain in the cue panel, a
plot of their strain over time, and the tripod with the arch heights.

Who does what::

    DisplayState.tissue_groups / .tripod (state.py)   toggled by the Tissues menu (actions.py)
        changed -> TissueLayer: TissueScene.set_groups, TripodScene.set_visible -> one render
    ScenePresenter.show_pose(W drawn, W true)          -> TissueLayer.update: tubes follow the drawn pose,
                                                          colours and numbers the true-size one
    technique_changed / timeline_changed               -> targets emphasised, listed, plotted over time
    hover over a tube                                  -> tooltip: name, length now, neutral length, strain

Numbers are always true size (the timeline's true transforms); magnification moves only the drawing.
While playing, the list and the plot's playhead follow at 4 Hz like the coordinate readout.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QHBoxLayout, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QToolTip, QVBoxLayout, QWidget)

from app.anatomy.tissues import GROUPS, TissueError, load_tissues
from app.scene.tissues import TissueScene, TripodScene, strain_rgb

PLAYING_REFRESH_MS = 250


def _qcolor(strain: float, taut: float, default_taut: float) -> QColor:
    r, g, b = (int(round(255 * c)) for c in strain_rgb(strain, taut, default_taut))
    return QColor(r, g, b)


class TargetList(QTableWidget):
    """The technique's target tissues with their strain now (true size), for the cue panel."""

    def __init__(self, parent=None):
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels(["Target tissue", "Strain", "Length (neutral)"])
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeToContents)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setFocusPolicy(Qt.NoFocus)
        self.setSelectionMode(QAbstractItemView.NoSelection)
        self.setToolTip("Strain of each target tissue now, at true size: (length - slack length) / slack length")

    def set_tissues(self, tissues) -> None:
        self.setRowCount(len(tissues))
        for row, t in enumerate(tissues):
            item = QTableWidgetItem(t.label)
            item.setToolTip(f"{t.label}\nloaded by: {t.loaded_by}\nsources: {', '.join(t.sources)}")
            self.setItem(row, 0, item)
            self.setItem(row, 1, QTableWidgetItem(""))
            self.setItem(row, 2, QTableWidgetItem(""))
        self.setVisible(bool(tissues))
        self.setMaximumHeight(34 + 26 * max(1, len(tissues)))

    def show_states(self, tissues, states, default_taut: float) -> None:
        for row, t in enumerate(tissues):
            s = states[t.name]
            cell = self.item(row, 1)
            cell.setText(f"{s.strain_pct:+.1f} %")
            cell.setForeground(_qcolor(s.strain, t.taut_strain, default_taut))
            length = self.item(row, 2)
            length.setText(f"{s.length_mm:.1f} ({s.neutral_length_mm:.1f}) mm")
            if len(t.line_indices) > 1:  # the most strained line's: name it, its neutral length is its own
                length.setToolTip(f"{t.label}: its most strained line now, {s.line}")

    def strain_text(self, row: int) -> str:
        return self.item(row, 1).text()


class TissuePanel(QWidget):
    """Group toggles, tripod toggle, arch heights and the plot of the targets' strain over time."""

    def __init__(self, layer: "TissueLayer", parent=None):
        super().__init__(parent)
        import pyqtgraph as pg

        self._pg = pg
        self.layer = layer
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        self.group_boxes: dict[str, QCheckBox] = {}
        ts = layer.ts
        for g in GROUPS:
            box = QCheckBox(ts.groups[g] if ts else g)
            box.setToolTip(f"Show the {(ts.groups[g] if ts else g).lower()} tissues")
            box.toggled.connect(lambda on, g=g: layer.set_group(g, on))
            row.addWidget(box)
            self.group_boxes[g] = box
        row.addStretch(1)
        lay.addLayout(row)
        self.tripod_box = QCheckBox("Tripod and arches")
        self.tripod_box.setToolTip("The three points the foot stands on, its ground plane, and the arch heights (mm)")
        self.tripod_box.toggled.connect(lambda on: layer.player.set_display(tripod=on))
        self.arch_label = QLabel()
        self.arch_label.setWordWrap(True)
        lay.addWidget(self.tripod_box)
        lay.addWidget(self.arch_label)
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("bottom", "time", units="s")
        self.plot.setLabel("left", "strain (%)")
        self.plot.addLegend(offset=(6, 4), labelTextSize="8pt")
        self.playhead = pg.InfiniteLine(angle=90, pen=pg.mkPen("#f3a35c", width=2))
        self.plot.addItem(self.playhead)
        taut = 100 * float(ts.defaults["taut_strain"]) if ts else 6.0
        self.taut_line = pg.InfiniteLine(pos=taut, angle=0, pen=pg.mkPen("#ff7014", width=1, style=Qt.DashLine),
                                         label="taut", labelOpts={"position": 0.05, "color": "#ff7014"})
        self.plot.addItem(self.taut_line)
        lay.addWidget(self.plot, 1)

    def show_error(self, message: str) -> None:
        """The tissues file could not be used: say why, and disable the toggles."""
        for box in (*self.group_boxes.values(), self.tripod_box):
            box.setEnabled(False)
        self.arch_label.setText(f"Soft tissues unavailable:\n{message}")
        self.arch_label.setStyleSheet("color: #f3a35c;")
        self.arch_label.setVisible(True)

    def show_curves(self, x: np.ndarray, names: list[str], labels: list[str], strains_pct: np.ndarray) -> None:
        pg = self._pg
        for item in list(self.plot.listDataItems()):
            self.plot.removeItem(item)
        colours = ["#f07aa0", "#8cc3ff", "#a3e48c", "#ffe27a", "#d7b4ff", "#7ae0d8", "#ffb38c", "#f3a35c"]
        for k, label in enumerate(labels):
            self.plot.plot(x, strains_pct[:, k], pen=pg.mkPen(colours[k % len(colours)], width=2), name=label)


class TissueLayer(QObject):
    """The tissues, tripod and arches of the window's 3D view, and their panels."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.player = window.player
        self.presenter = window.presenter
        self.view = window.view
        self.error: str | None = None
        try:
            self.ts = load_tissues(rig=window.rig, kinematics=getattr(self.player.timeline, "kin", None))
        except TissueError as exc:  # the window keeps working without tissues
            self.ts, self.error = None, str(exc)
        self.targets: list = []
        self._W_true = None
        self._clock = QElapsedTimer()
        self._clock.start()
        self.panel = TissuePanel(self)
        self.target_list = TargetList()
        self.target_list.set_tissues([])
        window.cue_panel.layout().insertWidget(2, self.target_list)  # under the technique's summary
        self.dock = window.add_dock("Tissues", self.panel, Qt.RightDockWidgetArea)
        window.tabifyDockWidget(window.info_dock, self.dock)
        window.info_dock.raise_()
        if self.ts is None:
            self.panel.show_error(self.error)
            window.statusBar().showMessage(f"Soft tissues unavailable: {self.error}", 10000)
            return
        self.scene = TissueScene(self.view.plotter, self.ts, side=self.player.side)
        self.tripod = TripodScene(self.view.plotter, self.ts, side=self.player.side)
        self.presenter.layers.append(self)
        self.player.changed.connect(self._on_changed)
        self.player.technique_changed.connect(self._on_technique)
        self.player.timeline_changed.connect(self._on_timeline)
        self._install_hover()
        self._on_technique(self.player.technique)

    # -- toggles ------------------------------------------------------------------------------------------
    def set_group(self, group: str, on: bool) -> None:
        if self._unavailable():
            return
        groups = set(self.player.display.tissue_groups)
        groups = groups | {group} if on else groups - {group}
        self.player.set_display(tissue_groups=frozenset(groups))

    def show_all(self, on: bool) -> None:
        if self._unavailable():
            return
        self.player.set_display(tissue_groups=frozenset(GROUPS) if on else frozenset())

    def _unavailable(self) -> bool:
        if self.ts is not None:
            return False
        from app.ui.actions import set_checked_quietly

        for a in ("show_tissues", *(f"tissues_{g}" for g in GROUPS)):
            if a in self.window.actions:
                set_checked_quietly(self.window.actions[a], False)
        self.window.statusBar().showMessage(f"Soft tissues unavailable: {self.error}", 8000)
        return True

    def _on_changed(self, name: str) -> None:
        d = self.player.display
        if name == "tissue_groups":
            legend_was = self.scene.legend.GetVisibility()
            self.scene.set_groups(d.tissue_groups)
            if self.scene.legend.GetVisibility() != legend_was:
                self.window.visibility.legend_shown_changed()  # the foot is framed clear of it
            self._mirror_toggles()
            self._retint()
            self.update(self.presenter.pose, self._W_true)
        elif name == "tripod":
            self.tripod.set_visible(d.tripod)
            self._mirror_toggles()
            self.update(self.presenter.pose, self._W_true)
        elif name == "side":
            self.scene.set_side(d.side)
            self.tripod.side = d.side
            self.update(self.presenter.pose, self._W_true)
        else:
            return
        self.view.request_render()

    def _mirror_toggles(self) -> None:
        from app.ui.actions import set_checked_quietly

        d = self.player.display
        for g, box in self.panel.group_boxes.items():
            box.blockSignals(True)
            box.setChecked(g in d.tissue_groups)
            box.blockSignals(False)
            if f"tissues_{g}" in self.window.actions:
                set_checked_quietly(self.window.actions[f"tissues_{g}"], g in d.tissue_groups)
        if "show_tissues" in self.window.actions:
            set_checked_quietly(self.window.actions["show_tissues"], bool(d.tissue_groups))
        self.panel.tripod_box.blockSignals(True)
        self.panel.tripod_box.setChecked(d.tripod)
        self.panel.tripod_box.blockSignals(False)
        self.panel.arch_label.setVisible(d.tripod)

    def _retint(self) -> None:
        """Tissues in front: bones in one plain colour so no tint competes with the strain colours."""
        tech = self.presenter.technique
        if self.player.display.tissue_groups or tech is None:
            self.presenter.scene.set_roles()
        else:
            self.presenter.scene.set_roles(tech.worked_bones, tech.stabilised_bones)

    # -- technique ------------------------------------------------------------------------------------------
    def _on_technique(self, tech) -> None:
        names = [n for n in (tech.targets if tech is not None else ()) if self.ts.has(n)]
        self.targets = [self.ts.get(n) for n in names]
        self.scene.set_targets(names)
        self.target_list.set_tissues(self.targets)
        self._retint()
        self._on_timeline(self.player.timeline)

    def _on_timeline(self, tl) -> None:
        if tl is None or not self.targets:
            self.panel.show_curves(np.zeros(0), [], [], np.zeros((0, 0)))
            return
        W = np.stack([tl.true_transforms(f) for f in range(tl.n_frames)])
        strain, _ = self.ts.tissue_strains(W)
        idx = [t.index for t in self.targets]
        self.panel.show_curves(np.arange(tl.n_frames) / tl.fps, [t.name for t in self.targets],
                               [t.label for t in self.targets], 100 * strain[:, idx])

    # -- every frame (called by the presenter) ----------------------------------------------------------------
    def update(self, W_drawn, W_true=None) -> None:
        self._W_true = W_true
        d = self.player.display
        if d.tissue_groups:
            self.scene.update(W_drawn, W_true)
        if d.tripod:
            self.tripod.update(W_drawn, W_true)
        if self.player.playing and self._clock.elapsed() < PLAYING_REFRESH_MS:
            return
        self.refresh()

    def refresh(self) -> None:
        """The list, the arch heights and the playhead for the pose shown now."""
        self._clock.restart()
        W_true = self._W_true if self._W_true is not None else self.presenter.pose
        default_taut = float(self.ts.defaults["taut_strain"])
        if self.targets:
            self.target_list.show_states(self.targets, self.ts.states(W_true), default_taut)
        tl = self.player.timeline
        if tl is not None and self.player.display.mode == "playback":
            self.panel.playhead.setValue(tl.time_of(self.player.frame))
        if self.player.display.tripod:
            h = self.ts.arch_heights(W_true)
            self.panel.arch_label.setText("  ".join(f"{a.label}: {h[a.name]:.1f} mm" for a in self.ts.arches))

    # -- hover ----------------------------------------------------------------------------------------------
    def _install_hover(self) -> None:
        import vtk

        self._picker = vtk.vtkCellPicker()
        self._picker.SetTolerance(0.002)
        self._picker.PickFromListOn()
        for actor in self.scene.actors.values():
            self._picker.AddPickList(actor)
        self._hover_pos: QPoint | None = None
        self._hover_timer = QTimer(self)
        self._hover_timer.setSingleShot(True)
        self._hover_timer.setInterval(90)  # after the view's own bone hover (80 ms): a tissue wins
        self._hover_timer.timeout.connect(self._hover_pick)
        self.view.plotter.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802
        if event.type() == QEvent.MouseMove and self.player.display.tissue_groups:
            self._hover_pos = event.position().toPoint()
            self._hover_timer.start()
        elif event.type() == QEvent.Leave:
            self._hover_timer.stop()
        return False

    def tissue_at(self, x: int, y: int):
        """(tissue, line index) under display pixel (x, y) (VTK coordinates), or None."""
        if not self.player.display.tissue_groups or not self._picker.Pick(x, y, 0, self.view.plotter.renderer):
            return None
        k = self.scene.line_at(self._picker.GetActor(), self._picker.GetCellId())
        if k is None:
            return None
        return self.ts.tissues[self.ts.line_tissue[k]], k

    def describe_line(self, k: int) -> str:
        """Hover text of line ``k``: tissue name, the line, length now, neutral length and strain (true size)."""
        t = self.ts.tissues[self.ts.line_tissue[k]]
        W_true = self._W_true if self._W_true is not None else self.presenter.pose
        length = float(self.ts.lengths(W_true)[k])
        strain = float(self.ts.strains(W_true)[k])
        line = f" ({self.ts.line_names[k]})" if len(t.lines) > 1 else ""
        slack = self.ts.slack_length_mm[k]
        neutral = self.ts.neutral_length_mm[k]
        slack_text = "" if abs(slack - neutral) < 0.05 else f"\nslack length {slack:.1f} mm ({t.slack.get('source', '')})"
        width = f"\nwidth {t.width_mm:g} mm" if t.width_mm else ""
        return (f"{t.label}{line}\nlength now {length:.1f} mm, neutral {neutral:.1f} mm\nstrain {100 * strain:+.1f} % "
                f"(true size; taut at {100 * t.taut_strain:.0f} %){slack_text}{width}\nloaded by {t.loaded_by}")

    def _hover_pick(self) -> None:
        if self._hover_pos is None:
            return
        hit = self.tissue_at(*self.view._to_display(self._hover_pos))
        if hit is None:
            return
        text = self.describe_line(hit[1])
        QToolTip.showText(self.view.plotter.mapToGlobal(self._hover_pos), text, self.view.plotter)
        self.window.statusBar().showMessage(text.replace("\n", "; "), 4000)
