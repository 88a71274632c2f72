"""The explore panel: one slider and spin box per rig coordinate, grouped by region and joint, and one
per composite motion.

Each slider shades its coordinate's normal range; its ends are the hard limits. The spin box types an
exact value (degrees or mm); both turn a warning colour outside the normal range. Tooltips give the sign
convention (+dorsiflexion, +inversion, ...) and the source of the range. Widgets send edits to the
:class:`~app.ui.modes.explore.PoseModel` and follow its ``pose_changed`` under ``QSignalBlocker``.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (QDoubleSpinBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QSlider, QStyle, QStyleOptionSlider, QToolButton, QVBoxLayout, QWidget)

from app.ui.modes.explore import REGIONS, joint_label, region_of

STEPS_PER_UNIT = 10  # slider resolution: 0.1 deg or 0.1 mm
NORMAL_RGBA = QColor(120, 200, 120, 90)
WARNING_STYLE = "QDoubleSpinBox { color: #1b1b1b; background: #f3a35c; }"


class RangeSlider(QSlider):
    """A horizontal slider with a band shading the normal range ``normal`` (in slider steps)."""

    def __init__(self, lo: int, hi: int, normal: tuple[int, int], parent=None):
        super().__init__(Qt.Horizontal, parent)
        self.setRange(lo, hi)
        self.normal = normal
        self.setFocusPolicy(Qt.StrongFocus)
        self.setMinimumWidth(150)

    def paintEvent(self, event):  # noqa: N802
        super().paintEvent(event)
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        groove = self.style().subControlRect(QStyle.CC_Slider, opt, QStyle.SC_SliderGroove, self)
        handle = self.style().subControlRect(QStyle.CC_Slider, opt, QStyle.SC_SliderHandle, self)
        span = max(1, self.maximum() - self.minimum())
        usable = groove.width() - handle.width()

        def x(v):
            return groove.x() + handle.width() / 2 + usable * (v - self.minimum()) / span

        p = QPainter(self)
        x0, x1 = x(self.normal[0]), x(self.normal[1])
        p.fillRect(int(x0), groove.center().y() - 5, max(2, int(x1 - x0)), 10, NORMAL_RGBA)
        p.end()


class ValueRow:
    """Slider + spin box for one value (a coordinate or a composite)."""

    def __init__(self, label: str, unit: str, limits, normal, tooltip: str, on_edit, on_release):
        self.unit, self.normal = unit, tuple(normal)
        self.label = QLabel(label)
        self.label.setToolTip(tooltip)
        lo, hi = (int(round(v * STEPS_PER_UNIT)) for v in limits)
        self.slider = RangeSlider(lo, hi, tuple(int(round(v * STEPS_PER_UNIT)) for v in normal))
        self.slider.setToolTip(tooltip)
        self.spin = QDoubleSpinBox()
        self.spin.setDecimals(1)
        self.spin.setSingleStep(1.0 if unit == "deg" else 0.1)
        self.spin.setRange(float(limits[0]), float(limits[1]))
        self.spin.setSuffix(" °" if unit == "deg" else " mm")
        self.spin.setToolTip(tooltip)
        self.spin.setKeyboardTracking(False)
        self.spin.setMinimumWidth(84)
        self.slider.valueChanged.connect(lambda v: on_edit(v / STEPS_PER_UNIT, self.slider.isSliderDown()))
        self.slider.sliderReleased.connect(on_release)
        self.spin.valueChanged.connect(lambda v: on_edit(v, False))
        self._warning = False
        self.shown: float | None = None

    def show(self, value: float) -> None:
        if value == self.shown:
            return
        self.shown = value
        with QSignalBlocker(self.slider), QSignalBlocker(self.spin):
            self.slider.setValue(int(round(value * STEPS_PER_UNIT)))
            self.spin.setValue(value)
        warn = not (self.normal[0] - 1e-9 <= value <= self.normal[1] + 1e-9)
        if warn != self._warning:
            self._warning = warn
            self.spin.setStyleSheet(WARNING_STYLE if warn else "")

    @property
    def warning(self) -> bool:
        return self._warning


class JointSliders(QWidget):
    """Every coordinate of the rig, by region and joint, plus the composite motions."""

    def __init__(self, model, actions: dict, parent=None):
        super().__init__(parent)
        self.model = model
        rig = model.rig
        self.rows: dict[str, ValueRow] = {}
        self.composite_rows: dict[str, ValueRow] = {}
        self.reset_buttons: dict[str, QToolButton] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        bar = QHBoxLayout()
        for aid in ("undo_pose", "redo_pose", "reset_pose", "take_frame_pose"):
            if aid in actions:
                b = QToolButton()
                b.setDefaultAction(actions[aid])
                b.setToolButtonStyle(Qt.ToolButtonTextOnly)
                bar.addWidget(b)
        bar.addStretch(1)
        outer.addLayout(bar)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 0, 0)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c0392b;")
        self.problem.setVisible(bool(model.problem))
        if model.problem:
            self.problem.setText(f"Composite motions unavailable: {model.problem}")
        lay.addWidget(self.problem)
        if model.composites:
            box = QGroupBox("Composite motions")
            grid = QGridLayout(box)
            for r, comp in enumerate(model.composites.values()):
                tip = (f"+ = {comp.positive}\n" + "\n".join(f"{c}: {ratio:+g} x" for c, ratio in zip(comp.coordinates, comp.ratios))
                       + f"\nsource: {comp.source}")
                lo = min(comp.range[0] * 1.25, comp.range[0] - 0.25 * (comp.range[1] - comp.range[0]))
                hi = comp.range[1] + 0.25 * (comp.range[1] - comp.range[0])
                row = ValueRow(comp.label, comp.unit, (lo, hi), comp.range, tip,
                               lambda v, drag, n=comp.name: model.set_composite(n, v, dragging=drag), model.end_drag)
                self._add(grid, r, row)
                self.composite_rows[comp.name] = row
            lay.addWidget(box)
        by_region: dict[str, list] = {r: [] for r in REGIONS}
        for c in rig.coordinates:
            by_region.setdefault(region_of(rig, c), []).append(c)
        for region, coords in by_region.items():
            if not coords:
                continue
            box = QGroupBox(region.capitalize())
            grid = QGridLayout(box)
            r = 0
            joint = None
            for c in coords:
                if c.joint != joint:
                    joint = c.joint
                    head = QLabel(f"<b>{joint_label(rig, joint)}</b>")
                    reset = QToolButton()
                    reset.setText("Reset")
                    reset.setToolTip(f"Put the {joint_label(rig, joint).lower()} back to neutral")
                    reset.clicked.connect(lambda _=False, j=joint: model.reset_joint(j))
                    self.reset_buttons[joint] = reset
                    grid.addWidget(head, r, 0, 1, 2)
                    grid.addWidget(reset, r, 2)
                    r += 1
                tip = f"+ = {c.positive}\nnormal range {c.range[0]:g} to {c.range[1]:g} {c.unit}\nsource: {c.source}"
                row = ValueRow(c.motion, c.unit, model.limits[c.index], c.range, tip,
                               lambda v, drag, n=c.name: model.set_coordinate(n, v, dragging=drag), model.end_drag)
                self._add(grid, r, row)
                self.rows[c.name] = row
                r += 1
            lay.addWidget(box)
        lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer.addWidget(scroll)
        model.pose_changed.connect(self.refresh)
        self.refresh()

    @staticmethod
    def _add(grid: QGridLayout, r: int, row: ValueRow) -> None:
        grid.addWidget(row.label, r, 0)
        grid.addWidget(row.slider, r, 1)
        grid.addWidget(row.spin, r, 2)
        grid.setColumnStretch(1, 1)

    def refresh(self) -> None:
        q = self.model.q
        for c in self.model.rig.coordinates:
            self.rows[c.name].show(float(q[c.index]))
        for name, row in self.composite_rows.items():
            row.show(round(self.model.composite_value(name), 6))
