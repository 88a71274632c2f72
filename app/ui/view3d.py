"""The 3D view: a raster widget showing the skeleton scene rendered off screen, with picking, hover and presets.

Rendering rule: the view's widget (:class:`app.ui.raster_view.RasterPlotter`) renders VTK off screen
and paints the picture; this view never renders synchronously: :meth:`SkeletonView.request_render`
asks Qt for a paint, Qt coalesces requests, and each paint of a changed scene is exactly one VTK
render. Nothing renders while nothing changes. While playing or orbiting on a slow renderer the
picture may be rendered at reduced resolution; a paused frame is always full resolution.

Keys: pyvista and VTK bind keys inside the view ('q' closes, 'w' wireframe, 'e' exits, Up/Down, ...),
which would clash with the app's shortcuts. All of them are removed here; every key the user has is a
QAction of the main window.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QToolTip, QVBoxLayout, QWidget
from app.scene import vtkmin as vtk

from app.anatomy.rig import Rig
from app.scene.camera import VIEWS, apply_view
from app.scene.skeleton import SkeletonScene, style_plotter
from app.ui.raster_view import RasterPlotter

CLICK_TOLERANCE_PX = 4


class SkeletonView(QWidget):
    """3D view of the skeleton. Emits ``bone_clicked(name or '')`` and ``bone_hovered(name or '')``."""

    bone_clicked = Signal(str)
    bone_hovered = Signal(str)
    context_menu_requested = Signal(QPoint)  # a right click without a drag (right-drag still zooms)
    view_set = Signal(str)  # a preset was applied (the camera was fitted again)
    first_frame = Signal()  # the first picture was rendered (what is not needed for it can be built now)

    def __init__(self, rig: Rig, meshes, *, side: str = "right", parent: QWidget | None = None):
        super().__init__(parent)
        self.rig = rig
        self.plotter = RasterPlotter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plotter)
        style_plotter(self.plotter)
        self.scene = SkeletonScene(self.plotter, rig, meshes, side=side)
        self.view = "three_quarter"
        self.fit_scale = 1.0  # < 1 leaves room around the foot (for labels)
        self.hover_names = True  # hovering a bone shows its name (off during a quiz)
        self.render_count = 0
        self.plotter.ren_win.AddObserver("EndEvent", self._count_render)
        self._add_orientation_marker()
        self._disable_builtin_keys()
        self._install_picking()
        self.set_view("three_quarter")

    # -- rendering --------------------------------------------------------------------------------
    def _count_render(self, *_):
        self.render_count += 1
        if self.render_count == 1:
            self.first_frame.emit()

    def request_render(self) -> None:
        """Schedule one render (coalesced by Qt); never renders synchronously."""
        self.plotter.request_render()

    def render_now(self) -> None:
        """Render synchronously through the widget's paint path (for grabs and tests)."""
        self.plotter.request_render()
        self.plotter.repaint()

    def set_moving(self, source: str, moving: bool) -> None:
        """``source`` ('playing', ...) starts or stops moving the picture (see :mod:`app.ui.raster_view`)."""
        self.plotter.set_moving(source, moving)

    # -- camera -----------------------------------------------------------------------------------
    def set_view(self, view: str) -> None:
        if view not in VIEWS:
            raise ValueError(view)
        self.view = view
        apply_view(self.plotter.renderer, view, self.scene.side, self.scene.bounds(), zoom=self.fit_scale,
                   points=self.scene.shown_points())
        self.request_render()
        self.view_set.emit(view)

    def reset_view(self) -> None:
        self.set_view(self.view)

    def set_fit_scale(self, scale: float) -> None:
        """Frame the foot ``scale`` times as large as the presets do (the camera zooms by the change;
        the presets keep the scale until it is set back to 1)."""
        if scale != self.fit_scale:
            self.plotter.renderer.GetActiveCamera().Zoom(scale / self.fit_scale)
            self.fit_scale = scale
            self.request_render()

    def camera_state(self) -> dict:
        cam = self.plotter.renderer.GetActiveCamera()
        return {"position": list(cam.GetPosition()), "focal_point": list(cam.GetFocalPoint()),
                "view_up": list(cam.GetViewUp()), "view_angle": cam.GetViewAngle()}

    def set_camera_state(self, state: dict) -> None:
        cam = self.plotter.renderer.GetActiveCamera()
        cam.SetPosition(*state["position"])
        cam.SetFocalPoint(*state["focal_point"])
        cam.SetViewUp(*state["view_up"])
        cam.SetViewAngle(float(state.get("view_angle", 30.0)))
        self.plotter.renderer.ResetCameraClippingRange()
        self.request_render()

    def copy_camera_to(self, renderer) -> None:
        """Give another renderer (an off-screen one) this view's camera."""
        cam = self.camera_state()
        c = renderer.GetActiveCamera()
        c.SetPosition(*cam["position"])
        c.SetFocalPoint(*cam["focal_point"])
        c.SetViewUp(*cam["view_up"])
        c.SetViewAngle(cam["view_angle"])
        renderer.ResetCameraClippingRange()

    def set_side(self, side: str) -> None:
        self.scene.set_side(side)
        self._orientation_labels(side)
        self.set_view(self.view)

    # -- orientation marker -------------------------------------------------------------------------
    def _add_orientation_marker(self) -> None:
        self._axes_actor = vtk.vtkAxesActor()
        self._axes_actor.SetShaftTypeToCylinder()
        self._axes_actor.SetTotalLength(1.2, 1.2, 1.2)
        for getter in (self._axes_actor.GetXAxisCaptionActor2D, self._axes_actor.GetYAxisCaptionActor2D,
                       self._axes_actor.GetZAxisCaptionActor2D):
            getter().GetTextActor().SetTextScaleModeToNone()  # 13 px whatever the corner's size (scaled, ~5 px)
            tp = getter().GetCaptionTextProperty()
            tp.SetFontSize(12)
            tp.BoldOn()
            tp.ItalicOff()
            tp.ShadowOff()
            tp.SetColor(1, 1, 1)
        self._orientation_labels(self.scene.side)
        widget = vtk.vtkOrientationMarkerWidget()
        widget.SetOrientationMarker(self._axes_actor)
        widget.SetInteractor(self.plotter.iren.interactor)
        widget.SetViewport(0.0, 0.0, 0.2, 0.28)
        widget.SetEnabled(1)
        widget.InteractiveOff()
        self._marker = widget
        self.plotter.renderer.AddObserver("StartEvent", lambda *_: self._hide_end_on_axis_labels())

    def _hide_end_on_axis_labels(self) -> None:
        """An axis seen end-on has its label on top of another's (lateral over anterior in the medial
        view): an axis within 25 deg of the line of sight goes unnamed (its text emptied: the axes
        actor sets its captions' visibility itself)."""
        d = self.plotter.renderer.GetActiveCamera().GetDirectionOfProjection()
        shown = [name if abs(d[axis]) < 0.9 else "" for axis, name in enumerate(self._axis_names)]
        if shown != self._axis_shown:
            self._axis_shown = shown
            self._axes_actor.SetXAxisLabelText(shown[0])
            self._axes_actor.SetYAxisLabelText(shown[1])
            self._axes_actor.SetZAxisLabelText(shown[2])

    def panel_rects(self) -> list[tuple[float, float, float, float]]:
        """Where the view draws over the picture (display px: x0, y0, x1, y1): the orientation marker's
        corner. Labels keep clear of it."""
        if not self._marker.GetEnabled():
            return []
        w, h = self.plotter.ren_win.GetSize()
        x0, y0, x1, y1 = self._marker.GetViewport()
        return [(x0 * w, y0 * h, x1 * w, y1 * h)]

    def _orientation_labels(self, side: str) -> None:
        self._axis_names = ["Anterior", "Superior", "Lateral" if side == "right" else "Medial"]
        self._axis_shown = None  # named again at the next render
        self._axes_actor.SetXAxisLabelText(self._axis_names[0])
        self._axes_actor.SetYAxisLabelText(self._axis_names[1])
        self._axes_actor.SetZAxisLabelText(self._axis_names[2])

    # -- keys ---------------------------------------------------------------------------------------
    def _disable_builtin_keys(self) -> None:
        iren = self.plotter.iren
        iren.clear_key_event_callbacks()
        style = iren.interactor.GetInteractorStyle()
        # An observer on the style replaces VTK's default OnChar/OnKeyPress handling (w, s, e, q, 3, f, ...).
        for event in ("CharEvent", "KeyPressEvent", "KeyReleaseEvent"):
            style.AddObserver(event, lambda *_: None)
        self._style = style

    # -- picking ----------------------------------------------------------------------------------
    def _install_picking(self) -> None:
        """Clicks and hovers are read from Qt events: VTK's camera style grabs the mouse while a
        button is down, so VTK observers never see the release."""
        self._picker = vtk.vtkCellPicker()
        self._picker.SetTolerance(0.0005)
        self._picker.PickFromListOn()
        for actor in self.scene.actors.values():
            self._picker.AddPickList(actor)
        self._press_pos: QPoint | None = None
        self._right_press: QPoint | None = None
        self.plotter.setMouseTracking(True)
        self.plotter.installEventFilter(self)
        self._hover_timer = QTimer(self)
        self._hover_timer.setSingleShot(True)
        self._hover_timer.setInterval(80)
        self._hover_timer.timeout.connect(self._hover_pick)
        self._hover_pos: QPoint | None = None
        self.hovered: str = ""

    def _to_display(self, pos: QPoint) -> tuple[int, int]:
        """Qt widget position -> VTK display pixel (origin bottom-left, device pixels)."""
        dpr = (self.plotter.devicePixelRatioF() or 1.0) * self.plotter.display_scale
        return int(round(pos.x() * dpr)), int(round((self.plotter.height() - 1 - pos.y()) * dpr))

    def pick(self, x: int, y: int) -> str:
        """Bone under display pixel (x, y) (VTK coordinates: origin bottom-left), or ''."""
        if self._picker.Pick(x, y, 0, self.plotter.renderer):
            return self.scene.bone_of_actor(self._picker.GetActor()) or ""
        return ""

    def eventFilter(self, obj, event):  # noqa: N802
        kind = event.type()
        if kind == QEvent.MouseButtonPress and event.button() == Qt.LeftButton:
            self._press_pos = event.position().toPoint()
        elif kind == QEvent.MouseButtonRelease and event.button() == Qt.LeftButton and self._press_pos is not None:
            pos = event.position().toPoint()
            moved = (pos - self._press_pos).manhattanLength()
            self._press_pos = None
            if moved <= CLICK_TOLERANCE_PX:
                self.select(self.pick(*self._to_display(pos)))
                self.bone_clicked.emit(self.scene.selected or "")
        elif kind == QEvent.MouseButtonPress and event.button() == Qt.RightButton:
            self._right_press = event.position().toPoint()
        elif kind == QEvent.MouseButtonRelease and event.button() == Qt.RightButton and self._right_press is not None:
            pos = event.position().toPoint()
            if (pos - self._right_press).manhattanLength() <= CLICK_TOLERANCE_PX:
                self.context_menu_requested.emit(pos)
            self._right_press = None
        elif kind == QEvent.MouseMove and self._press_pos is None:
            self._hover_pos = event.position().toPoint()
            self._hover_timer.start()
        elif kind == QEvent.Leave:
            self._hover_timer.stop()
        return False  # VTK still gets every event (orbit, zoom)

    def select(self, bone: str | None) -> None:
        self.scene.select(bone or None)
        self.request_render()

    def _hover_pick(self):
        if self._hover_pos is None:
            return
        name = self.pick(*self._to_display(self._hover_pos))
        if name != self.hovered:
            self.hovered = name
            self.bone_hovered.emit(name)
        if name and self.hover_names:
            QToolTip.showText(self.plotter.mapToGlobal(self._hover_pos), self.rig.bone(name).label, self.plotter)
        else:
            QToolTip.hideText()

    def display_position(self, world_xyz) -> tuple[int, int]:
        """World point -> VTK display pixel (origin bottom-left), for tests and overlays."""
        ren = self.plotter.renderer
        ren.SetWorldPoint(*world_xyz, 1.0)
        ren.WorldToDisplay()
        x, y, _ = ren.GetDisplayPoint()
        return int(round(x)), int(round(y))

    def bone_centre(self, bone: str) -> np.ndarray:
        b = self.scene.actors[bone].GetBounds()
        return np.array([(b[0] + b[1]) / 2, (b[2] + b[3]) / 2, (b[4] + b[5]) / 2])

    def close_view(self) -> None:
        self._hover_timer.stop()
        self.plotter.close()
