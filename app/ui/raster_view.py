"""The 3D view's widget: VTK renders off screen, the widget paints the picture (no OpenGL widget).

Why (measured on the project's machine: 2 cores, Mesa llvmpipe, Xvfb; see bench/run.py): with a
``QOpenGLWidget`` (pyvistaqt's ``QtInteractor``) Qt composes the whole top-level window through
OpenGL on every repaint: on a software renderer that composition and the GLX swap cost as much as
the VTK render itself (a repaint with the VTK render switched off took 70 % of one with it). Here VTK
renders into its own off-screen framebuffer, the pixels are read back once per shown frame and
painted as an image on a plain raster widget: the window stays a raster window, the overhead is a
read-back and a copy (a few per cent of the render).

One render per shown frame: :meth:`RasterPlotter.request_render` marks the picture stale and asks Qt
for a paint (coalesced); the paint renders once if stale and draws. A render made some other way
(``render()``, ``ren_win.Render()``, ``screenshot()``) is picked up by the next paint without
rendering again. VTK's interactor never renders by itself (``EnableRenderOff``): a camera move asks
for a paint, so mouse moves between two paints cost one render.

Motion resolution (as ParaView does during interaction): while the view is *moving* (playing, or the
camera dragged or wheeled) and a full-resolution frame would not fit the motion budget
(:data:`MOTION_BUDGET_MS`), it renders at :data:`MOTION_SCALE` of the size and paints the picture
scaled up; the first frame after the motion stops is full resolution. A paused frame is always full
resolution.

The widget is also the view's plotter in the few ways the app uses one: ``renderer`` (a
``vtkRenderer``), ``ren_win``, ``iren.interactor`` and ``render()``. It is built from VTK alone, not
from :mod:`pyvista.plotting` (which imports matplotlib's pyplot: a third of the window's start-up).
"""

from __future__ import annotations

import statistics
import time
from collections import deque

from PySide6.QtCore import QEvent, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

MOTION_SCALE = 0.5  # linear scale of the picture while moving, when full resolution is too slow
MOTION_BUDGET_MS = 25.0  # a full-resolution frame slower than this renders reduced while moving (40 fps)
WHEEL_MOTION_MS = 250  # a wheel turn counts as motion for this long


class _Interactor:
    """What the app reads of pyvista's interactor wrapper: ``interactor`` (the VTK one)."""

    def __init__(self, interactor):
        self.interactor = interactor

    def clear_key_event_callbacks(self) -> None:
        """There are none: keys are the window's QActions (the view forwards no keys to VTK)."""


class RasterPlotter(QWidget):
    """A QWidget showing an off-screen VTK render window, with VTK's camera interaction."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.WheelFocus)
        self.setSizePolicy(QSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding))
        from vtkmodules.vtkInteractionStyle import vtkInteractorStyleTrackballCamera
        from vtkmodules.vtkRenderingCore import vtkRenderer, vtkRenderWindow
        from vtkmodules.vtkRenderingUI import vtkGenericRenderWindowInteractor
        import vtkmodules.vtkRenderingFreeType  # noqa: F401  (text)
        import vtkmodules.vtkRenderingOpenGL2  # noqa: F401  (the OpenGL render window)

        self.ren_win = vtkRenderWindow()
        self.ren_win.SetOffScreenRendering(1)
        self.ren_win.SetMultiSamples(0)
        self.ren_win.SetSize(400, 300)
        self.renderer = vtkRenderer()
        self.ren_win.AddRenderer(self.renderer)
        self._iren = vtkGenericRenderWindowInteractor()
        self._iren.SetRenderWindow(self.ren_win)
        self._iren.SetInteractorStyle(vtkInteractorStyleTrackballCamera())
        self._iren.Initialize()
        self.iren = _Interactor(self._iren)
        self._iren.EnableRenderOff()  # the interactor asks for a paint instead of rendering
        self._iren.AddObserver("RenderEvent", lambda *_: self.request_render())
        self.ren_win.AddObserver("EndEvent", self._on_rendered)
        self._stale = True  # the scene changed since the last render
        self._fresh = False  # a render happened since the pixels were last read
        self._image: QImage | None = None
        self._pixels = None
        self._scale = 1.0  # resolution of the render window relative to the widget
        self.motion_scale: float | None = None  # None: automatic (see the module docstring); 1.0: never reduce
        self.motion_budget_ms = MOTION_BUDGET_MS
        self._moving_sources: set[str] = set()
        self._full_times_ms: deque = deque(maxlen=5)  # the last full-resolution render times
        self._button = Qt.NoButton
        self._wheel_delta = 0
        self._wheel_timer = QTimer(self)
        self._wheel_timer.setSingleShot(True)
        self._wheel_timer.setInterval(WHEEL_MOTION_MS)
        self._wheel_timer.timeout.connect(lambda: self.set_moving("wheel", False))
        self._closed = False

    @property
    def camera(self):
        return self.renderer.GetActiveCamera()

    def render(self, *args, **kwargs):  # noqa: D401
        """``render()``: render the scene now (a plotter's meaning); with arguments, ``QWidget.render``."""
        if args or kwargs:
            return QWidget.render(self, *args, **kwargs)
        if not self._closed:
            self.ren_win.Render()
        return None

    def screenshot(self):
        """The picture as an (h, w, 3) uint8 array, rendered now at full resolution."""
        import numpy as np
        from vtkmodules.util.numpy_support import vtk_to_numpy

        self._fit_window()
        self.ren_win.Render()
        w, h = self.ren_win.GetSize()
        arr = self.ren_win.GetPixelData(0, 0, w - 1, h - 1, 0)
        return np.flipud(vtk_to_numpy(arr).reshape(h, w, 3))

    # -- rendering -----------------------------------------------------------------------------------
    def request_render(self) -> None:
        """Mark the picture stale and schedule one paint (Qt coalesces); never renders synchronously."""
        self._stale = True
        self.update()

    def _on_rendered(self, *_):
        self._fresh = True
        if not self._stale:  # rendered outside a paint: show it at the next paint
            self.update()
        self._stale = False

    @property
    def display_scale(self) -> float:
        """Render-window pixels per device pixel of the widget (1 at rest, less while moving)."""
        return self._scale

    def _device_size(self) -> tuple[int, int]:
        dpr = self.devicePixelRatioF() or 1.0
        return max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr))

    def _wanted_scale(self) -> float:
        if not self._moving_sources:
            return 1.0
        if self.motion_scale is not None:
            return self.motion_scale
        return MOTION_SCALE if self.full_render_ms is not None and self.full_render_ms > self.motion_budget_ms else 1.0

    @property
    def full_render_ms(self) -> float | None:
        """Median of the last few full-resolution render times (one slow first render, compiling shaders,
        does not decide alone)."""
        return statistics.median(self._full_times_ms) if self._full_times_ms else None

    def _fit_window(self) -> None:
        scale = self._wanted_scale()
        w, h = self._device_size()
        size = (max(1, round(w * scale)), max(1, round(h * scale)))
        if tuple(self.ren_win.GetSize()) != size:
            self._iren.UpdateSize(*size)
            self._iren.InvokeEvent("ConfigureEvent")
            self.ren_win.SetSize(*size)
            dpr = self.devicePixelRatioF() or 1.0
            self.ren_win.SetDPI(max(1, round(72 * dpr * scale)))  # text keeps its size on screen
            self._stale = True
        self._scale = scale

    def paintEvent(self, event):  # noqa: N802
        if self._closed:
            return
        self._fit_window()
        if self._stale or self._image is None:
            t = time.perf_counter()
            self.ren_win.Render()
            if self._scale == 1.0:
                self._full_times_ms.append((time.perf_counter() - t) * 1e3)
        if self._fresh or self._image is None:
            self._read_pixels()
        painter = QPainter(self)
        if self._image is not None:
            painter.drawImage(QRect(0, 0, self.width(), self.height()), self._image)
        painter.end()

    def _read_pixels(self) -> None:
        from vtkmodules.util.numpy_support import vtk_to_numpy
        from vtkmodules.vtkCommonCore import vtkUnsignedCharArray

        w, h = self.ren_win.GetSize()
        if self._pixels is None:
            self._pixels = vtkUnsignedCharArray()
        self.ren_win.GetRGBACharPixelData(0, 0, w - 1, h - 1, 0, self._pixels)
        data = vtk_to_numpy(self._pixels)
        image = QImage(data.data, w, h, w * 4, QImage.Format_RGBX8888)
        # OpenGL rows run bottom-up: the flipped copy runs top-down (and owns its pixels)
        self._image = image.flipped(Qt.Vertical) if hasattr(image, "flipped") else image.mirrored(False, True)  # Qt < 6.9
        self._fresh = False

    def resizeEvent(self, event):  # noqa: N802
        self._fit_window()  # at once: camera fits read the window's aspect before the next paint
        self.request_render()
        super().resizeEvent(event)

    def sizeHint(self):  # noqa: D102
        return QSize(400, 400)

    # -- motion ----------------------------------------------------------------------------------------
    def set_moving(self, source: str, moving: bool) -> None:
        """``source`` (e.g. 'playing', 'mouse') started or stopped moving the picture. When the last one
        stops, a full-resolution frame follows at once."""
        was = bool(self._moving_sources)
        if moving:
            self._moving_sources.add(source)
        else:
            self._moving_sources.discard(source)
        if was and not self._moving_sources and self._scale != 1.0:
            self.request_render()

    @property
    def moving(self) -> bool:
        return bool(self._moving_sources)

    # -- events -> VTK interactor ------------------------------------------------------------------
    def _event_info(self, x: float, y: float, modifiers, key: str = "\0", repeat: int = 0, keysym=None) -> None:
        s = (self.devicePixelRatioF() or 1.0) * self._scale
        ctrl = bool(modifiers & Qt.ControlModifier)
        shift = bool(modifiers & Qt.ShiftModifier)
        self._iren.SetEventInformation(round(x * s), round((self.height() - y - 1) * s), ctrl, shift, key, repeat, keysym)

    def mousePressEvent(self, ev):  # noqa: N802
        self.set_moving("mouse", True)
        p = ev.position()
        self._event_info(p.x(), p.y(), ev.modifiers(), repeat=int(ev.type() == QEvent.MouseButtonDblClick))
        self._button = ev.button()
        {Qt.LeftButton: self._iren.LeftButtonPressEvent, Qt.RightButton: self._iren.RightButtonPressEvent,
         Qt.MiddleButton: self._iren.MiddleButtonPressEvent}.get(self._button, lambda: None)()

    def mouseReleaseEvent(self, ev):  # noqa: N802
        p = ev.position()
        self._event_info(p.x(), p.y(), ev.modifiers())
        {Qt.LeftButton: self._iren.LeftButtonReleaseEvent, Qt.RightButton: self._iren.RightButtonReleaseEvent,
         Qt.MiddleButton: self._iren.MiddleButtonReleaseEvent}.get(self._button, lambda: None)()
        self._button = Qt.NoButton
        self.set_moving("mouse", False)

    def mouseMoveEvent(self, ev):  # noqa: N802
        p = ev.position()
        self._event_info(p.x(), p.y(), ev.modifiers())
        self._iren.MouseMoveEvent()

    def wheelEvent(self, ev):  # noqa: N802
        self._wheel_delta += ev.angleDelta().y()
        if abs(self._wheel_delta) >= 120:
            self.set_moving("wheel", True)
            self._wheel_timer.start()
            p = ev.position()
            self._event_info(p.x(), p.y(), ev.modifiers())
            if self._wheel_delta > 0:
                self._iren.MouseWheelForwardEvent()
            else:
                self._iren.MouseWheelBackwardEvent()
            self._wheel_delta = 0

    def enterEvent(self, ev):  # noqa: N802
        self._iren.EnterEvent()

    def leaveEvent(self, ev):  # noqa: N802
        self._iren.LeaveEvent()

    # -- lifetime ------------------------------------------------------------------------------------
    def close(self) -> bool:
        result = QWidget.close(self)
        if not self._closed:
            self._closed = True
            self._wheel_timer.stop()
            self.ren_win.Finalize()
            self._iren.TerminateApp()
        return result
