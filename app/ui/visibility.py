"""Hide, isolate and fade bones, and name them: the Bones panel, the view's context menu, labels.

State: ``DisplayState.hidden`` (bones not drawn), ``.xray`` (every bone but the selected one faded),
``.selected`` and ``.labels``, all owned by the controller; this module sends it commands and draws
what it says (scene visibility and opacity, the :class:`~app.scene.labels.LabelLayer`).

Labels name every visible bone; when one bone is isolated they name its landmarks instead.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSignalBlocker, Qt
from PySide6.QtWidgets import QMenu, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.anatomy.rig import GROUPS


class BonesPanel(QWidget):
    """The bones as a tree by group, each with a visibility box; clicking a name selects the bone."""

    def __init__(self, rig, player, parent=None):
        super().__init__(parent)
        self.rig, self.player = rig, player
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.tree)
        self.items: dict[str, QTreeWidgetItem] = {}
        self.groups: dict[str, QTreeWidgetItem] = {}
        for g in GROUPS:
            bones = [b for b in rig.bones if b.group == g]
            if not bones:
                continue
            gi = QTreeWidgetItem(self.tree, [g.capitalize()])
            gi.setFlags(Qt.ItemIsEnabled | Qt.ItemIsUserCheckable | Qt.ItemIsAutoTristate)
            self.groups[g] = gi
            for b in bones:
                it = QTreeWidgetItem(gi, [b.label])
                it.setData(0, Qt.UserRole, b.name)
                it.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsUserCheckable)
                it.setCheckState(0, Qt.Checked)
                self.items[b.name] = it
        self.tree.expandAll()
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.currentItemChanged.connect(self._on_current)
        player.changed.connect(self._on_state)

    def _on_item_changed(self, item, _col) -> None:
        name = item.data(0, Qt.UserRole)
        if not name:
            return
        hidden = set(self.player.display.hidden)
        if item.checkState(0) == Qt.Checked:
            hidden.discard(name)
        else:
            hidden.add(name)
        self.player.set_display(hidden=hidden)

    def _on_current(self, item, _prev) -> None:
        if item is not None and item.data(0, Qt.UserRole):
            self.player.set_display(selected=item.data(0, Qt.UserRole))

    def _on_state(self, name: str) -> None:
        if name == "hidden":
            with QSignalBlocker(self.tree):
                for bone, it in self.items.items():
                    it.setCheckState(0, Qt.Unchecked if bone in self.player.display.hidden else Qt.Checked)
                for gi in self.groups.values():  # the tristate of a group follows its bones
                    states = {gi.child(i).checkState(0) for i in range(gi.childCount())}
                    gi.setCheckState(0, states.pop() if len(states) == 1 else Qt.PartiallyChecked)
        elif name == "selected":
            with QSignalBlocker(self.tree):
                it = self.items.get(self.player.display.selected or "")
                self.tree.setCurrentItem(it)


class Visibility(QObject):
    def __init__(self, window):
        super().__init__(window)
        from app.anatomy.landmarks import load_landmarks
        from app.errors import TalusError
        from app.scene.labels import LabelLayer

        self.window = window
        self.player = window.player
        self.scene = window.view.scene
        try:
            self.landmarks = load_landmarks(bones={b.name for b in window.rig.bones})
        except TalusError as exc:  # labels still name the bones
            self.landmarks = None
            window.statusBar().showMessage(str(exc), 10000)
        self.labels = LabelLayer(window.view.plotter.renderer, self.scene)
        self.labels.keep_clear_of(self._panel_rects)
        self.labels.on_crowded = lambda shown, wanted: window.statusBar().showMessage(
            f"{shown} of {wanted} names fit in the 3D view: widen it, or go to presentation mode, to see them "
            "all", 8000)
        self.player.technique_changed.connect(lambda _technique: self._update_labels())
        self.panel = BonesPanel(window.rig, self.player)
        self.player.changed.connect(self._on_state)
        window.view.context_menu_requested.connect(self._context_menu)
        window.view.view_set.connect(lambda _v: self.make_room())

    def _legend_rect(self):
        """Where the strain legend is drawn (display px), None while it is hidden or tissues were never shown."""
        tissues = getattr(self.window.built_tissue_layer, "scene", None)  # None until tissues are first shown
        return tissues.legend.display_rect() if tissues is not None else None

    def _panel_rects(self) -> list[tuple[float, float, float, float]]:
        """What the labels keep clear of: the orientation marker and, with tissues shown, their legend."""
        legend = self._legend_rect()
        return self.window.view.panel_rects() + ([legend] if legend is not None else [])

    def legend_shown_changed(self) -> None:
        """The strain legend appeared or went: frame the current preset again, the foot clear of it."""
        self.window.view.set_fit_scale(1.0)
        self.window.view.reset_view()

    # -- commands -----------------------------------------------------------------------------------
    def _selected(self) -> str | None:
        bone = self.player.display.selected
        if bone is None:
            self.window.statusBar().showMessage("Click a bone first", 3000)
        return bone

    def hide_selected(self) -> None:
        bone = self._selected()
        if bone:
            self.player.set_display(hidden=set(self.player.display.hidden) | {bone}, selected=None)

    def isolate_selected(self) -> None:
        bone = self._selected()
        if bone:
            self.player.set_display(hidden={b.name for b in self.window.rig.bones} - {bone})

    def show_all(self) -> None:
        self.player.set_display(hidden=frozenset(), xray=False)

    def isolated(self) -> str | None:
        shown = [b.name for b in self.window.rig.bones if b.name not in self.player.display.hidden]
        return shown[0] if len(shown) == 1 else None

    # -- drawing ------------------------------------------------------------------------------------
    def _on_state(self, name: str) -> None:
        d = self.player.display
        if name == "selected":
            self.window.view.select(d.selected)
            self.window.bone_info.show_bone(d.selected or "")
            if d.xray:
                self.scene.set_xray(True, [d.selected] if d.selected else [])
        elif name == "hidden":
            self.scene.set_hidden(d.hidden)
            self.window.presenter.hide_overlays_of(d.hidden)
            self._update_labels()
            if self.isolated() or not d.hidden:  # frame what is left: one bone fills the view
                self.window.view.reset_view()
        elif name == "xray":
            self.scene.set_xray(d.xray, [d.selected] if d.selected else [])
        elif name == "labels":
            self._update_labels()
            self.window.view.set_fit_scale(1.0)
            if d.labels:
                self.window.view.reset_view()  # framed again, with room for the labels
        else:
            return
        self.window.view.request_render()

    def make_room(self, bones=None) -> None:
        """With labels on, a preset frames the foot small enough for a label column on each side; with
        the strain legend shown (at the right edge), the foot ends left of it."""
        from app.scene.labels import GAP_PX, MARGIN_PX

        labels = self.player.display.labels
        legend = self._legend_rect()
        if not labels and legend is None:
            return
        view = self.window.view
        renderer = view.plotter.renderer
        cam = renderer.GetActiveCamera()
        cam.Zoom(1.0 / view.fit_scale)  # back to the plain preset, then as much smaller as needed
        self._centre_silhouette(cam, bones=bones)  # a foot framed off centre would leave one label column no room
        k = self.labels.room_zoom(bones) if labels else 1.0
        if legend is not None:
            w, _h = renderer.GetSize()
            a, _, b, _ = self.labels.silhouette(bones)
            if labels:  # centred: its right half must end before the legend
                right = legend[0] - GAP_PX - w / 2
                k = min(k, right / max(b - w / 2, 1.0))
            else:  # beside it: the whole foot between the left edge and the legend
                k = min(k, (legend[0] - GAP_PX - MARGIN_PX) / max(b - a, 1.0))
            k = max(0.2, k)
        cam.Zoom(k)
        if legend is not None and not labels:
            left, right = MARGIN_PX, legend[0] - GAP_PX
            for _ in range(3):  # a perspective zoom scales the picture only nearly by its factor: correct
                self._centre_silhouette(cam, centre_x=(left + right) / 2, bones=bones)
                a, _, b, _ = self.labels.silhouette(bones)
                if b - a <= right - left + 0.5:
                    break
                cam.Zoom((right - left) / (b - a))
                k *= (right - left) / (b - a)
        view.fit_scale = k
        renderer.ResetCameraClippingRange()
        view.request_render()

    def _centre_silhouette(self, cam, centre_x: float | None = None, bones=None) -> None:
        """Pan the camera sideways so the visible bones sit in the middle of the view, or around
        ``centre_x`` (px) (px -> world at the focal distance; the view direction and the zoom stay)."""
        import numpy as np

        renderer = self.window.view.plotter.renderer
        w, h = renderer.GetSize()
        a, _, b, _ = self.labels.silhouette(bones)
        dx_px = (a + b) / 2 - (w / 2 if centre_x is None else centre_x)
        if w <= 0 or h <= 0 or abs(dx_px) < 1.0:
            return
        fp, pos = np.array(cam.GetFocalPoint()), np.array(cam.GetPosition())
        forward = fp - pos
        dist = float(np.linalg.norm(forward))
        if cam.GetParallelProjection():
            per_px = 2.0 * cam.GetParallelScale() / h
        else:
            per_px = 2.0 * dist * np.tan(np.radians(cam.GetViewAngle()) / 2.0) / h
        right = np.cross(forward / dist, np.array(cam.GetViewUp()))
        right /= np.linalg.norm(right)
        shift = right * dx_px * per_px
        cam.SetFocalPoint(*(fp + shift))
        cam.SetPosition(*(pos + shift))

    def _update_labels(self) -> None:
        d = self.player.display
        self.labels.set_visible(d.labels)
        if not d.labels:
            return
        only = self.isolated()
        if only and self.landmarks is not None and self.landmarks.of_bone(only):
            marks = self.landmarks.of_bone(only)
            self.labels.set_targets(landmarks=[(m.bone, m.name, m.label, m.point_mm) for m in marks])
            # a view too small for all: what a hand finds first, then joint surfaces, then attachments
            first = {"palpable": 0, "tripod": 0, "articular": 1}
            self.labels.priority = [f"{m.bone}:{m.name}" for m in sorted(marks, key=lambda m: first.get(m.kind, 2))]
        else:
            shown = [b.name for b in self.window.rig.bones if b.name not in d.hidden]
            tech = self.player.technique
            named = {*tech.worked_bones, *tech.stabilised_bones} if tech is not None else set()
            technique = [b for b in shown if b in named]
            # a technique open: the bones it moves and holds (what the class watches; a hover names the
            # others), so the foot keeps its size; none: every bone
            self.labels.set_targets(bones=technique or shown)
            self.labels.priority = technique

    def _context_menu(self, pos) -> None:
        view = self.window.view
        bone = view.pick(*view._to_display(pos))
        if bone:
            self.player.set_display(selected=bone)
        menu = QMenu(view)
        if bone:
            title = menu.addAction(self.window.rig.bone(bone).label)
            title.setEnabled(False)
        for aid in ("hide_bone", "isolate_bone", "xray", "show_all", "labels"):
            menu.addAction(self.window.actions[aid])
        self.menu = menu
        menu.popup(view.plotter.mapToGlobal(pos))
