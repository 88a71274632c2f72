"""Side panels: technique browser, cue panel, bone info, coordinate readout with plot, transport bar.

Each panel observes the :class:`~app.ui.player.PlaybackController` and sends it commands; panels never
talk to each other. Programmatic updates (the playhead moving the slider, the active cue changing)
run under ``QSignalBlocker`` so they do not echo back as user commands.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QElapsedTimer, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDoubleSpinBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QSlider, QSplitter, QStyle,
                               QStyleOptionSlider, QTableWidget, QTableWidgetItem, QTextBrowser, QToolButton,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from app.ui.player import SPEEDS, PlaybackController

REGION_ORDER = ("ankle", "hindfoot", "midfoot", "forefoot", "toes")


def region_title(region: str) -> str:
    return region.replace("_", " ").capitalize()


class TechniqueBrowser(QWidget):
    """Techniques grouped by region, with a search field. Emits ``technique_selected(id)``."""

    technique_selected = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Search techniques...")
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.search)
        lay.addWidget(self.tree)
        self.search.textChanged.connect(self._filter)
        self.tree.currentItemChanged.connect(self._on_current)
        self._techniques = []

    def set_techniques(self, techniques, user_ids=()) -> None:
        self._techniques = list(techniques)
        with QSignalBlocker(self.tree):
            self.tree.clear()
            groups: dict[str, QTreeWidgetItem] = {}
            regions = sorted({t.region for t in techniques},
                             key=lambda r: (REGION_ORDER.index(r) if r in REGION_ORDER else 99, r))
            for r in regions:
                g = QTreeWidgetItem(self.tree, [region_title(r)])
                g.setFlags(Qt.ItemIsEnabled)
                f = g.font(0)
                f.setBold(True)
                g.setFont(0, f)
                groups[r] = g
            for t in techniques:
                label = t.name + ("  (yours)" if t.id in user_ids else "")
                item = QTreeWidgetItem(groups[t.region], [label])
                item.setData(0, Qt.UserRole, t.id)
                item.setToolTip(0, t.summary)
            self.tree.expandAll()
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        text = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            g = self.tree.topLevelItem(i)
            shown = 0
            for j in range(g.childCount()):
                item = g.child(j)
                t = next(x for x in self._techniques if x.id == item.data(0, Qt.UserRole))
                hay = " ".join([t.name, t.id, t.region, t.summary, " ".join(t.joints)]).lower()
                hide = bool(text) and text not in hay
                item.setHidden(hide)
                shown += not hide
            g.setHidden(shown == 0)

    def select(self, technique_id: str | None) -> None:
        with QSignalBlocker(self.tree):
            for item in self._items():
                if item.data(0, Qt.UserRole) == technique_id:
                    self.tree.setCurrentItem(item)
                    return
            self.tree.setCurrentItem(None)

    def _items(self):
        for i in range(self.tree.topLevelItemCount()):
            g = self.tree.topLevelItem(i)
            for j in range(g.childCount()):
                yield g.child(j)

    def visible_ids(self) -> list[str]:
        return [it.data(0, Qt.UserRole) for it in self._items() if not it.isHidden() and not it.parent().isHidden()]

    def _on_current(self, item, _prev) -> None:
        if item is not None and item.data(0, Qt.UserRole):
            self.technique_selected.emit(item.data(0, Qt.UserRole))


class CuePanel(QWidget):
    """Every cue of the technique; the active one highlighted and scrolled into view. Click = jump."""

    def __init__(self, player: PlaybackController, parent=None):
        super().__init__(parent)
        self.player = player
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.cues = QListWidget()
        self.cues.setWordWrap(True)
        self.cues.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.cues.setResizeMode(QListWidget.Adjust)
        self.cues.setSelectionMode(QAbstractItemView.SingleSelection)
        self.cues.setStyleSheet("QListWidget::item { padding: 6px; border-bottom: 1px solid palette(mid); }"
                                "QListWidget::item:selected { background: #f3a35c; color: black; }")
        self.notes = QTextBrowser()
        self.notes.setOpenExternalLinks(False)
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.cues)
        split.addWidget(self.notes)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addWidget(self.summary)
        lay.addWidget(split)
        self.cues.itemClicked.connect(self._on_click)
        player.technique_changed.connect(self._on_technique)
        player.phase_changed.connect(self.show_phase)
        self.anatomy_notes = []

    def _on_technique(self, tech) -> None:
        with QSignalBlocker(self.cues):
            self.cues.clear()
            if tech is None:
                self.title.setText("No technique")
                self.summary.setText("Pick a technique on the left.")
                self.notes.clear()
                return
            self.title.setText(tech.name)
            self.summary.setText(tech.summary)
            for i, span in enumerate(self.player.timeline.phases):
                item = QListWidgetItem(f"{i + 1}. {span.name}  ({span.start_s:.1f}-{span.end_s:.1f} s)\n{span.cue}")
                item.setData(Qt.UserRole, i)
                self.cues.addItem(item)
        self.notes.setHtml(self._notes_html(tech))

    def _notes_html(self, tech) -> str:
        parts = []
        if tech.contacts:
            items = dict.fromkeys(  # one line per hand and phases, in the file's order
                (c.label, ", ".join(c.phases)) for c in tech.contacts)
            parts.append("<h4>Hands</h4><ul>" + "".join(
                f"<li>{html.escape(label)}" + (f" <span style='color: gray'>({html.escape(when)})</span>" if when else "")
                + "</li>" for label, when in items) + "</ul>")
        if tech.precautions:
            parts.append("<h4>Precautions</h4><ul>" + "".join(
                f"<li>{html.escape(p)}</li>" for p in tech.precautions) + "</ul>")
        bones = set(tech.moved_bones) | set(tech.stabilised_bones)
        joints = set(tech.joints) | set(tech.stabilised_joints)
        notes = [n for n in self.anatomy_notes if set(n.bones) & bones or set(n.joints) & joints]
        notes += [n for n in getattr(tech, "anatomy_notes", ()) if n not in notes]
        if notes:
            parts.append("<h4>Anatomy</h4><ul>" + "".join(
                f"<li>{html.escape(n.text)}</li>" for n in notes) + "</ul>")
        if tech.source_paragraphs:
            paras = ", ".join(str(p) for p in tech.source_paragraphs)
            parts.append(f"<p style='color: gray'>From the tutorial, paragraph {paras}.</p>")
        return "".join(parts)

    def show_phase(self, index: int) -> None:
        with QSignalBlocker(self.cues):
            if 0 <= index < self.cues.count():
                self.cues.setCurrentRow(index)
                self.cues.scrollToItem(self.cues.item(index), QAbstractItemView.PositionAtCenter)

    def active_cue(self) -> str:
        item = self.cues.currentItem()
        return item.text().split("\n", 1)[1] if item else ""

    def _on_click(self, item) -> None:
        self.player.pause()
        self.player.go_to_phase(item.data(Qt.UserRole))


class BoneInfo(QTextBrowser):
    """Name, group, joints and named landmarks of the selected bone, with the tutorial's anatomy notes about it."""

    def __init__(self, rig, parent=None):
        super().__init__(parent)
        self.rig = rig
        self.anatomy_notes = []
        self.bone = ""
        self._landmarks = None
        self.show_bone("")

    def _landmarks_html(self, bone: str) -> str:
        from app.anatomy.landmarks import LandmarkError, load_landmarks

        if self._landmarks is None:
            try:
                self._landmarks = load_landmarks(bones=set(self.rig.bone_names))
            except LandmarkError as exc:
                return f"<p style='color: gray'>Landmarks unavailable: {html.escape(str(exc))}</p>"
        marks = [m for m in self._landmarks.of_bone(bone) if m.kind != "attachment"]
        if not marks:
            return ""
        rows = "".join(f"<li>{html.escape(m.label)} <span style='color: gray'>({html.escape(m.name)})</span></li>"
                       for m in marks)
        return f"<p><b>Landmarks:</b></p><ul>{rows}</ul>"

    def show_bone(self, bone: str) -> None:
        self.bone = bone
        if not bone:
            self.setHtml("<p style='color: gray'>Click a bone to see its name, group and joints. "
                         "Hover over a bone to see its name.</p>")
            return
        b = self.rig.bone(bone)
        joints = [self.rig.joint(j) for j in self.rig.joints_of_bone(bone)]
        rows = "".join(f"<li>{html.escape(j.label)}</li>" for j in joints)
        notes = [n for n in self.anatomy_notes if bone in n.bones]
        note_html = "".join(f"<p><i>{html.escape(n.text)}</i></p>" for n in notes)
        fixed = "<p>Held still in this viewer: the leg is the fixed frame.</p>" if b.parent is None else ""
        self.setHtml(f"<h3>{html.escape(b.label)}</h3><p><b>Group:</b> {html.escape(b.group)}</p>"
                     f"<p><b>Joints:</b></p><ul>{rows}</ul>{self._landmarks_html(bone)}{fixed}{note_html}")


class PhaseSlider(QSlider):
    """A timeline slider with the phase boundaries marked as ticks."""

    def __init__(self, parent=None):
        super().__init__(Qt.Horizontal, parent)
        self.boundaries: list[int] = []
        self.setMinimumHeight(26)

    def paintEvent(self, event):  # noqa: N802
        super().paintEvent(event)
        if not self.boundaries or self.maximum() <= self.minimum():
            return
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        groove = self.style().subControlRect(QStyle.CC_Slider, opt, QStyle.SC_SliderGroove, self)
        handle = self.style().subControlRect(QStyle.CC_Slider, opt, QStyle.SC_SliderHandle, self)
        span = groove.width() - handle.width()
        p = QPainter(self)
        p.setPen(QPen(QColor("#f3a35c"), 2))
        for b in self.boundaries:
            x = groove.x() + handle.width() / 2 + span * (b - self.minimum()) / (self.maximum() - self.minimum())
            p.drawLine(int(x), groove.top() - 4, int(x), groove.bottom() + 4)
        p.end()


class TransportBar(QWidget):
    """Buttons (from the action table), the phase-marked slider, position, speed and magnification."""

    def __init__(self, player: PlaybackController, actions: dict, parent=None):
        super().__init__(parent)
        self.player = player
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        icons = {"first_frame": QStyle.SP_MediaSkipBackward, "previous_phase": QStyle.SP_MediaSeekBackward,
                 "step_back": QStyle.SP_ArrowLeft, "play_pause": QStyle.SP_MediaPlay,
                 "step_forward": QStyle.SP_ArrowRight, "next_phase": QStyle.SP_MediaSeekForward,
                 "last_frame": QStyle.SP_MediaSkipForward}
        self.buttons = {}
        for aid, icon in icons.items():
            btn = QToolButton()
            btn.setDefaultAction(actions[aid])
            btn.setIcon(self.style().standardIcon(icon))
            btn.setAutoRaise(True)
            lay.addWidget(btn)
            self.buttons[aid] = btn
        self.slider = PhaseSlider()
        self.slider.setFocusPolicy(Qt.NoFocus)
        lay.addWidget(self.slider, 1)
        self.position = QLabel("frame 0/0 · 0.00 s")
        self.position.setMinimumWidth(170)
        lay.addWidget(self.position)
        for aid in ("loop", "loop_phase", "pause_at_phase_end"):
            btn = QToolButton()
            btn.setDefaultAction(actions[aid])
            btn.setText({"loop": "Loop", "loop_phase": "Loop phase", "pause_at_phase_end": "Pause each phase"}[aid])
            btn.setFocusPolicy(Qt.NoFocus)
            lay.addWidget(btn)
        lay.addWidget(QLabel("Speed"))
        self.speed = QComboBox()
        self.speed.setFocusPolicy(Qt.NoFocus)
        for s in SPEEDS:
            self.speed.addItem(f"{s:g}x", s)
        self.speed.setToolTip("Playback speed, 0.1x to 2x ([ slower, ] faster)")
        lay.addWidget(self.speed)
        lay.addWidget(QLabel("Magnify"))
        self.magnify = QDoubleSpinBox()
        from app.techniques.timeline import MAGNIFY_RANGE

        self.magnify.setRange(*MAGNIFY_RANGE)
        self.magnify.setSingleStep(0.5)
        self.magnify.setSuffix("x")
        self.magnify.setFocusPolicy(Qt.ClickFocus)
        self.magnify.setToolTip("Display magnification of accessory motion (traction, glides); 1x is true size")
        lay.addWidget(self.magnify)
        self.true_size = QLabel("")
        self.true_size.setToolTip("The true size of the accessory motion, whatever the magnification")
        lay.addWidget(self.true_size)

        self.slider.valueChanged.connect(self._on_slider)
        self.slider.sliderPressed.connect(player.pause)
        self.speed.currentIndexChanged.connect(lambda i: player.set_speed(self.speed.itemData(i)))
        self.magnify.valueChanged.connect(player.set_magnify)
        player.timeline_changed.connect(self._on_timeline)
        player.frame_changed.connect(self._on_frame)
        player.speed_changed.connect(self._on_speed)
        player.magnify_changed.connect(self._on_magnify)
        player.playing_changed.connect(self._on_playing)
        self._actions = actions
        self._on_speed(player.speed)
        self._clock = QElapsedTimer()
        self._clock.start()

    def _on_timeline(self, tl) -> None:
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, max(0, (tl.n_frames - 1) if tl else 0))
            self.slider.boundaries = [p.start_frame for p in tl.phases[1:]] if tl else []
            self.slider.update()
        self._true_size_text()

    def _true_size_text(self) -> None:
        tl = self.player.timeline
        if tl is None:
            self.true_size.setText("")
            return
        values = tl.sample_coordinates()
        parts = []
        for name in tl.animated_coordinates:
            c = self.player.rig.coordinate(name)
            if c.unit == "mm":
                col = values[:, c.index]
                parts.append(f"{c.motion} {np.max(np.abs(col)):.1f} mm")
        self.true_size.setText(("true size: " + ", ".join(parts)) if parts else "no accessory motion")

    #: while playing, the slider and the position follow at this rate (5 Hz), so that most frames
    #: repaint only the 3D view (each widget repaint is composed with the GL view on a software
    #: renderer: about 4 ms); paused, stepping or scrubbing, they follow every frame.
    PLAYING_REFRESH_MS = 200

    def _on_frame(self, frame: int) -> None:
        if self.player.playing and self._clock.elapsed() < self.PLAYING_REFRESH_MS:
            return
        self.refresh()

    def refresh(self) -> None:
        """Show the player's current frame on the slider and in the position label."""
        self._clock.restart()
        frame = self.player.frame
        tl = self.player.timeline
        with QSignalBlocker(self.slider):
            self.slider.setValue(frame)
        if tl is not None:
            self.position.setText(f"frame {frame}/{tl.n_frames - 1} · {tl.time_of(frame):.2f} s")

    def _on_slider(self, value: int) -> None:
        self.player.set_frame(value)

    def _on_speed(self, speed: float) -> None:
        with QSignalBlocker(self.speed):
            i = min(range(len(SPEEDS)), key=lambda k: abs(SPEEDS[k] - speed))
            self.speed.setCurrentIndex(i)

    def _on_magnify(self, m: float) -> None:
        with QSignalBlocker(self.magnify):
            self.magnify.setValue(m)

    def _on_playing(self, playing: bool) -> None:
        if not playing:
            self.refresh()
        self.buttons["play_pause"].setIcon(self.style().standardIcon(QStyle.SP_MediaPause if playing else QStyle.SP_MediaPlay))


class CoordinateReadout(QWidget):
    """Live values of the technique's coordinates against their normal range, and a plot with a playhead."""

    #: the plot (pyqtgraph, a large import) stays out of the start-up before the first frame: the window
    #: builds it once its 3D view has shown the first picture (:meth:`ensure_plot`), or this long after
    #: the panel at the latest; until then its place is empty and the series wait for it.
    PLOT_DELAY_MS = 3000

    def __init__(self, player: PlaybackController, parent=None):
        super().__init__(parent)
        self.player = player
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Coordinate", "Value", "Normal range"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeToContents)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setFocusPolicy(Qt.NoFocus)
        self.plot = None  # built by ensure_plot()
        self.playhead = None
        self._curves = []
        self._series = None  # (x, x_label, x_units) of the rows shown
        self._placeholder = QWidget()
        self._placeholder.setStyleSheet("background: #20242b;")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.addWidget(self.table, 2)
        self._layout.addWidget(self._placeholder, 3)
        self._names: list[str] = []
        self._values = None
        self._playhead_x = None
        QTimer.singleShot(self.PLOT_DELAY_MS, self, self.ensure_plot)  # cancelled if the panel is gone first
        player.timeline_changed.connect(self._on_timeline)
        player.frame_changed.connect(self._on_frame)
        player.playing_changed.connect(lambda _p: self.refresh())
        self._clock = QElapsedTimer()
        self._clock.start()

    #: while playing, the readout and plot follow at this rate (4 Hz: numbers stay readable, and each
    #: repaint of the plot costs a few ms of a software-rendered frame); paused, stepping or
    #: scrubbing, they follow every frame.
    PLAYING_REFRESH_MS = 250

    def _on_frame(self, frame: int) -> None:
        if self.player.playing and self._clock.elapsed() < self.PLAYING_REFRESH_MS:
            return
        self.refresh()

    def _on_timeline(self, tl) -> None:
        if tl is None:
            self.show_series([], np.zeros(0), np.zeros((0, len(self.player.rig.coordinates))), "time", "s")
            return
        self.show_series(list(tl.animated_coordinates), np.arange(tl.n_frames) / tl.fps, tl.sample_coordinates(), "time", "s")

    def ensure_plot(self):
        """Build the plot now if it is not built yet (it is built shortly after the window); return it."""
        if self.plot is not None:
            return self.plot
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=False, background="#20242b", foreground="#d0d4dc")
        self.plot = pg.PlotWidget()
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("bottom", "time", units="s")
        # no legend in the plot: it covered the curves, and the table beside it names each curve in its colour
        self.playhead = pg.InfiniteLine(angle=90, pen=pg.mkPen("#f3a35c", width=2))
        self.plot.addItem(self.playhead)
        self._layout.replaceWidget(self._placeholder, self.plot)
        self.plot.setVisible(self._placeholder.isVisibleTo(self))
        self._placeholder.deleteLater()
        self._placeholder = None
        self._draw_curves()
        if self._playhead_x is not None:
            self.playhead.setValue(self._playhead_x)
        return self.plot

    #: one colour per curve, told apart on the dark plot: the most coordinates a bundled technique moves
    #: (14) never share one
    COLOURS = ["#f3a35c", "#8cc3ff", "#a3e48c", "#f07aa0", "#d7b4ff", "#ffe27a", "#7ae0d8", "#ff6b5e",
               "#c8ccd4", "#5b8cff", "#c9f26b", "#e58ee8", "#f7f7f7", "#b8895a"]

    def _draw_curves(self) -> None:
        if self.plot is None or self._series is None:
            return
        import pyqtgraph as pg

        x, x_label, x_units = self._series
        for item in list(self.plot.listDataItems()):
            self.plot.removeItem(item)
        self.plot.setLabel("bottom", x_label, units=x_units)
        self._curves = []
        for row, name in enumerate(self._names):
            c = self.player.rig.coordinate(name)
            colour = self.COLOURS[row % len(self.COLOURS)]
            self._curves.append(self.plot.plot(x, self._values[:, c.index], pen=pg.mkPen(colour, width=2),
                                               name=f"{name} ({c.unit})"))
        self.plot.setLabel("left", "deg / mm")

    def show_series(self, names: list[str], x: np.ndarray, values: np.ndarray, x_label: str, x_units: str | None) -> None:
        """Rows for ``names`` and their curves: ``values[k, coordinate index]`` at ``x[k]``."""
        self.table.setRowCount(0)
        self._names = list(names)
        self._values = values
        self._x = x
        self._series = (x, x_label, x_units)
        colours = self.COLOURS
        self.table.setRowCount(len(self._names))
        self._draw_curves()
        for row, name in enumerate(self._names):
            c = self.player.rig.coordinate(name)
            colour = colours[row % len(colours)]
            item = QTableWidgetItem(name)
            item.setForeground(QColor(colour))
            item.setToolTip(f"+ = {c.positive}\nrange source: {c.source}")
            self.table.setItem(row, 0, item)
            self.table.setItem(row, 1, QTableWidgetItem(""))
            self.table.setItem(row, 2, QTableWidgetItem(f"{c.range[0]:g} to {c.range[1]:g} {c.unit}"))

    def update_series(self, x: np.ndarray, values: np.ndarray) -> None:
        """New data for the same rows (cheaper than :meth:`show_series`)."""
        self._values, self._x = values, x
        if self._series is not None:
            self._series = (x,) + self._series[1:]
        for curve, name in zip(self._curves, self._names):
            curve.setData(x, values[:, self.player.rig.coordinate(name).index])

    def show_values(self, q: np.ndarray, x: float) -> None:
        """Show the values of pose ``q`` and put the playhead at ``x``."""
        self._playhead_x = x
        if self.playhead is not None:
            self.playhead.setValue(x)
        for row, name in enumerate(self._names):
            c = self.player.rig.coordinate(name)
            v = q[c.index]
            cell = self.table.item(row, 1)
            cell.setText(f"{v:+.1f} {c.unit}")
            outside = not (c.range[0] - 1e-9 <= v <= c.range[1] + 1e-9)
            cell.setForeground(QColor("#f3a35c") if outside else self.table.palette().text().color())
            cell.setToolTip("outside the normal range" if outside else "")

    def refresh(self) -> None:
        """Show the values of the player's current frame."""
        self._clock.restart()
        tl = self.player.timeline
        frame = self.player.frame
        if tl is None or self._values is None or not 0 <= frame < tl.n_frames:
            return
        self.show_values(self._values[frame], tl.time_of(frame))

    def value_text(self, name: str) -> str:
        return self.table.item(self._names.index(name), 1).text()
