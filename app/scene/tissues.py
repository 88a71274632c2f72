"""Soft tissues drawn as tubes coloured by strain; the tripod, the ground plane and the arches.

One set of points holds every tissue line (a polyline through its attachment and via points); the
lines are drawn as shaded tubes of constant screen width (``render_lines_as_tubes``), so a frame costs
one in-place update of the points and the colours, then one render::

    TissueSet.world_points(W drawn)  -> shared points (mirrored for the left foot)
    TissueSet.strains(W true size)   -> RGB per point (diverging scale, taut threshold marked)
        polylines of the emphasised lines -> thick opaque actor;  of the others -> thin faded actor

The geometry follows the drawn (magnified) pose; the colours, the legend and every number follow the
true-size pose. Targets of a technique keep their full colour and thickness; the other tissues are
drawn thinner and faded towards the background. Hidden groups are left out of the line cells.
A tissue's published width is data (shown on hover); the drawing uses three screen widths.
Everything is opaque (no depth peeling).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyvista as pv
import vtk

from app.scene.skeleton import BACKGROUND, TEXT_BACKING_RGB

#: the colour scale, in strain (fraction) of a tissue whose taut strain is the default (6 %)
STRAIN_STOPS = (-0.06, 0.0, 0.03, 0.06, 0.12)
STRAIN_RGB = ((0.16, 0.38, 0.96),   # shortened
              (0.72, 0.90, 0.92),   # neutral: pale aqua, apart from the ivory bones
              (1.00, 0.84, 0.22),   # taking up slack / toe region
              (1.00, 0.44, 0.08),   # taut (end of the toe region)
              (0.78, 0.00, 0.42))   # well beyond taut
FADE = 0.55  # how far a non-target tissue fades towards the background
PLAIN_WIDTH_PX, STRONG_WIDTH_PX, FAINT_WIDTH_PX = 6.0, 9.0, 4.0  # screen widths of the tissue lines


def _hex_rgb(h: str) -> np.ndarray:
    h = h.lstrip("#")
    return np.array([int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)])


BACKGROUND_RGB = _hex_rgb(BACKGROUND)


def strain_rgb(strain: np.ndarray, taut_strain: np.ndarray | float = 0.06, default_taut: float = 0.06) -> np.ndarray:
    """(..., 3) colours in 0..1 for strains (fractions). Each tissue is scaled so that its own taut strain
    lands on the legend's taut mark (the default taut strain)."""
    s = np.asarray(strain, float) * (default_taut / np.asarray(taut_strain, float))
    stops = np.array(STRAIN_STOPS)
    rgb = np.array(STRAIN_RGB)
    return np.stack([np.interp(s, stops, rgb[:, c]) for c in range(3)], axis=-1)


def _text_rgba(text: str, size: int, *, bold: bool = False) -> np.ndarray:
    """(h, w, 4) uint8 image of white ``text`` (FreeType, no render window needed), top row first."""
    from vtk.util.numpy_support import vtk_to_numpy

    prop = vtk.vtkTextProperty()
    prop.SetFontSize(size)
    prop.SetBold(bold)
    prop.SetColor(1.0, 1.0, 1.0)
    img = vtk.vtkImageData()
    renderer = vtk.vtkTextRenderer.GetInstance()
    if not renderer.RenderString(prop, text, img, [0, 0], 72):
        return np.zeros((1, 1, 4), np.uint8)
    bbox = [0, 0, 0, 0]
    renderer.GetBoundingBox(prop, text, bbox, 72)
    w, h, _ = img.GetDimensions()
    a = vtk_to_numpy(img.GetPointData().GetScalars()).reshape(h, w, -1)
    return a[: bbox[3] - bbox[2] + 1, : bbox[1] - bbox[0] + 1][::-1]


def legend_image(default_taut: float = 0.06, scale: float = 1.0) -> np.ndarray:
    """(h, w, 3) uint8 picture of the legend, top row first: the diverging strain scale (%) with
    shortened, neutral and taut marked, on a dark panel."""
    W, H = int(round(205 * scale)), int(round(330 * scale))
    img = np.zeros((H, W, 3), float)
    img[:] = TEXT_BACKING_RGB
    title = _text_rgba("Tissue strain (%)", max(9, int(round(15 * scale))), bold=True)

    def paste(t: np.ndarray, x: int, y: int) -> None:  # (x, y): top-left corner, clipped to the picture
        h, w = min(t.shape[0], H - y), min(t.shape[1], W - x)
        if h <= 0 or w <= 0 or x < 0 or y < 0:
            return
        alpha = t[:h, :w, 3:4] / 255.0
        img[y:y + h, x:x + w] = img[y:y + h, x:x + w] * (1 - alpha) + (t[:h, :w, :3] / 255.0) * alpha

    pad = int(round(8 * scale))
    paste(title, (W - title.shape[1]) // 2, pad)
    top, bottom = pad * 2 + title.shape[0] + int(6 * scale), H - pad * 2
    x0, x1 = W - pad - int(round(22 * scale)), W - pad
    lo, hi = STRAIN_STOPS[0], STRAIN_STOPS[-1]
    rows = np.arange(top, bottom)
    strain = hi - (rows - top) / max(1, bottom - top - 1) * (hi - lo)
    img[top:bottom, x0:x1] = strain_rgb(strain, default_taut, default_taut)[:, None, :]
    for value, text in ((lo, f"{100 * lo:.0f} % shortened"), (0.0, "0 neutral"), (default_taut, f"{100 * default_taut:.0f} % taut"),
                        (hi, f"{100 * hi:.0f} % +")):
        y = int(round(top + (hi - value) / (hi - lo) * (bottom - top - 1)))
        img[max(0, y - 1):y + 1, x0 - int(6 * scale):x0] = 1.0
        label = _text_rgba(text, max(8, int(round(14 * scale))))
        paste(label, x0 - int(9 * scale) - label.shape[1], min(max(0, y - label.shape[0] // 2), H - label.shape[0]))
    return np.round(img * 255).astype(np.uint8)


class StrainLegend:
    """The legend as one picture on a textured quad at the right edge of the view, middle height, rebuilt
    only when the view's size changes. Measured on the software renderer at 1280x800: a scalar bar with
    its annotations costs 2.5-3 ms a frame (it lays out its text at every render), the picture about 1 ms."""

    def __init__(self, renderer, default_taut: float = 0.06):
        self.renderer = renderer
        self.default_taut = default_taut
        self.image = vtk.vtkImageData()
        self.texture = vtk.vtkTexture()  # uploaded once per size: a frame draws one textured quad
        self.texture.SetInputData(self.image)
        self.texture.InterpolateOff()
        self.quad = vtk.vtkPolyData()
        quad_points = vtk.vtkPoints()
        quad_points.SetNumberOfPoints(4)
        self.quad.SetPoints(quad_points)
        cells = vtk.vtkCellArray()
        cells.InsertNextCell(4, [0, 1, 2, 3])
        self.quad.SetPolys(cells)
        tcoords = vtk.vtkFloatArray()
        tcoords.SetNumberOfComponents(2)
        for uv in ((0, 0), (1, 0), (1, 1), (0, 1)):
            tcoords.InsertNextTuple(uv)
        self.quad.GetPointData().SetTCoords(tcoords)
        mapper = vtk.vtkPolyDataMapper2D()
        mapper.SetInputData(self.quad)
        anchor = vtk.vtkCoordinate()  # quad corners in pixels from the middle of the right edge
        anchor.SetCoordinateSystemToNormalizedViewport()
        anchor.SetValue(1.0, 0.5)
        coordinate = vtk.vtkCoordinate()
        coordinate.SetCoordinateSystemToDisplay()
        coordinate.SetReferenceCoordinate(anchor)
        self._anchor = anchor
        self.actor = vtk.vtkTexturedActor2D()
        self.actor.SetMapper(mapper)
        self.actor.SetTexture(self.texture)
        self.actor.PickableOff()
        self._height = None
        self._rect = (0.0, 0.0, 0.0, 0.0)
        self._observer = renderer.AddObserver("StartEvent", lambda *_: self._fit())
        renderer.AddViewProp(self.actor)
        self._fit()

    def _fit(self) -> None:
        width, height = self.renderer.GetSize()
        height = height or 800
        if (width, height) == self._height:
            return
        self._height = (width, height)
        scale = float(np.clip(min(height / 800.0, (width or 1280) / 1100.0), 0.65, 1.6))  # narrow views: narrower
        rgb = legend_image(self.default_taut, scale)[::-1]  # VTK images start at the bottom row
        from vtk.util.numpy_support import numpy_to_vtk

        h, w, _ = rgb.shape
        self.image.SetDimensions(w, h, 1)
        self.image.GetPointData().SetScalars(numpy_to_vtk(rgb.reshape(-1, 3).copy(), deep=True))
        self.image.Modified()
        # the quad in display pixels: right edge 12 px in from the view's, centred in height
        x1 = (width or 1280) - int(12 * scale)
        x0, y0 = x1 - w, (height - h) // 2
        self._rect = (float(x0), float(y0), float(x1), float(y0 + h))
        pts = self.quad.GetPoints()
        for i, (x, y) in enumerate(((x0, y0), (x1, y0), (x1, y0 + h), (x0, y0 + h))):
            pts.SetPoint(i, x, y, 0.0)
        pts.Modified()
        self.quad.Modified()

    def SetVisibility(self, on: bool) -> None:  # noqa: N802 - the VTK prop interface
        self.actor.SetVisibility(on)

    def GetVisibility(self) -> bool:  # noqa: N802
        return bool(self.actor.GetVisibility())

    def display_rect(self) -> tuple[float, float, float, float] | None:
        """Where the legend is drawn (display px: x0, y0, x1, y1), None while hidden (labels keep clear of it)."""
        if not self.actor.GetVisibility():
            return None
        self._fit()  # the view's size may have changed since the last render
        return self._rect

    def remove(self) -> None:
        self.renderer.RemoveObserver(self._observer)
        self.renderer.RemoveViewProp(self.actor)


class TissueScene:
    """The tissue lines of one renderer, drawn as shaded tubes of constant screen width.

    Two actors share the points and colours: the emphasised lines (a technique's targets, or every line
    when there are none) and the faded ones, each a polydata of polylines rendered with
    ``render_lines_as_tubes``: measured on the software renderer at 1280x800, 1.3 ms a frame against
    3.5-6 ms for the same lines through a ``vtkTubeFilter``.

    Example::

        tissues = TissueScene(plotter, tissue_set, side="right")
        tissues.set_groups({"ankle"}); tissues.set_targets(technique.targets)
        tissues.update(W_drawn, W_true)      # then plotter.render() once
    """

    def __init__(self, plotter: pv.Plotter, tissue_set, *, side: str = "right", groups: Iterable[str] = (),
                 targets: Iterable[str] = ()):
        self.plotter = plotter
        self.ts = tissue_set
        self.side = side
        self.groups: set[str] = set()
        self.targets: set[str] = set()
        ts = tissue_set
        n_pts = len(ts.point_local)
        self._line_of_point = np.repeat(np.arange(ts.n_lines), np.diff(ts.line_start))
        self._tissue_of_point = ts.line_tissue[self._line_of_point]
        self.poly = pv.PolyData(np.zeros((n_pts, 3)))
        self.poly.point_data["rgb"] = np.zeros((n_pts, 3), dtype=np.uint8)
        self._rgb_vtk = self.poly.GetPointData().GetArray("rgb")
        self.actors: dict[str, vtk.vtkActor] = {}
        self._parts: dict[str, vtk.vtkPolyData] = {}
        self._cell_lines: dict[int, np.ndarray] = {}  # id(actor) -> line index of each of its cells
        for part in ("strong", "faint"):
            pd = vtk.vtkPolyData()
            pd.SetPoints(self.poly.GetPoints())  # shared: one update moves both
            pd.GetPointData().AddArray(self._rgb_vtk)
            mapper = vtk.vtkPolyDataMapper()
            mapper.SetInputData(pd)
            mapper.SetScalarModeToUsePointFieldData()
            mapper.SelectColorArray("rgb")
            mapper.SetColorModeToDirectScalars()
            mapper.ScalarVisibilityOn()
            actor = vtk.vtkActor()
            actor.SetMapper(mapper)
            prop = actor.GetProperty()
            prop.SetRenderLinesAsTubes(True)
            prop.SetAmbient(0.3)
            prop.SetDiffuse(0.8)
            prop.SetSpecular(0.3)
            prop.SetSpecularPower(30.0)
            plotter.renderer.AddActor(actor)
            self.actors[part], self._parts[part] = actor, pd
            self._cell_lines[id(actor)] = np.zeros(0, dtype=int)
        self.actor = self.actors["strong"]
        self.legend = StrainLegend(plotter.renderer, float(ts.defaults["taut_strain"]))
        self._strain = np.zeros(ts.n_lines)
        self._W_true = np.tile(np.eye(4), (len(ts.rig.bones), 1, 1))
        self._emph_line = np.ones(ts.n_lines, dtype=bool)
        self._emphasised = np.ones(n_pts, dtype=bool)
        self.set_targets(targets)
        self.set_groups(groups)
        self.update(self._W_true)

    # -- what is shown ------------------------------------------------------------------------------------
    def set_groups(self, groups: Iterable[str]) -> None:
        """Show the tissues of these groups (``ankle``, ``hindfoot``, ``midfoot``, ``forefoot``, ``fascia_tendons``)."""
        groups = set(groups)
        unknown = groups - set(self.ts.groups)
        if unknown:
            raise ValueError(f"unknown tissue groups {sorted(unknown)}")
        self.groups = groups
        self._rebuild_cells()

    def set_targets(self, targets: Iterable[str]) -> None:
        """Emphasise these tissues (a technique's targets): drawn thicker, the others thinner and faded towards
        the background. With none, every tissue is drawn in full."""
        self.targets = {t for t in targets if self.ts.has(t)}
        emph = np.ones(len(self.ts.tissues), dtype=bool)
        if self.targets:
            emph[:] = False
            for name in self.targets:
                emph[self.ts.get(name).index] = True
        self._emph_line = emph[self.ts.line_tissue]
        self._emphasised = emph[self._tissue_of_point]
        self.actors["strong"].GetProperty().SetLineWidth(STRONG_WIDTH_PX if self.targets else PLAIN_WIDTH_PX)
        self.actors["faint"].GetProperty().SetLineWidth(FAINT_WIDTH_PX)
        self._rebuild_cells()
        self._recolour()

    def _rebuild_cells(self) -> None:
        shown = np.array([self.ts.tissues[self.ts.line_tissue[k]].group in self.groups for k in range(self.ts.n_lines)], bool)
        for part, want in (("strong", True), ("faint", False)):
            lines = np.flatnonzero(shown & (self._emph_line == want))
            cells = vtk.vtkCellArray()
            for k in lines:
                a, b = int(self.ts.line_start[k]), int(self.ts.line_start[k + 1])
                cells.InsertNextCell(b - a, list(range(a, b)))
            self._parts[part].SetLines(cells)
            self._parts[part].Modified()
            self._cell_lines[id(self.actors[part])] = lines
            self.actors[part].SetVisibility(len(lines) > 0)
        self.legend.SetVisibility(bool(shown.any()))

    @property
    def visible(self) -> bool:
        return bool(self.groups)

    @property
    def n_shown_lines(self) -> int:
        return sum(len(v) for v in self._cell_lines.values())

    def line_width_px(self, k: int) -> float:
        """The screen width (pixels) line ``k`` is drawn with."""
        return self.actors["strong" if self._emph_line[k] else "faint"].GetProperty().GetLineWidth()

    def set_side(self, side: str) -> None:
        self.side = side

    # -- every frame -----------------------------------------------------------------------------------------
    def update(self, W_drawn: np.ndarray, W_true: np.ndarray | None = None) -> None:
        """Move the lines with the drawn (magnified) transforms; colour them by the true-size strain. No render."""
        self._W_true = W_drawn if W_true is None else W_true
        if not self.groups:
            return
        pts = self.ts.world_points(W_drawn)
        if self.side == "left":
            pts = pts * np.array([1.0, 1.0, -1.0])
        self.poly.points[:] = pts
        self.poly.GetPoints().Modified()
        self._strain = self.ts.strains(self._W_true)
        self._recolour()

    def _recolour(self) -> None:
        rgb = strain_rgb(self._strain[self._line_of_point], self.ts.taut_strain[self._line_of_point],
                         float(self.ts.defaults["taut_strain"]))
        rgb = np.where(self._emphasised[:, None], rgb, rgb * (1 - FADE) + BACKGROUND_RGB * FADE)
        self.poly.point_data["rgb"][:] = np.round(rgb * 255).astype(np.uint8)
        self._rgb_vtk.Modified()
        for pd in self._parts.values():
            pd.Modified()

    # -- reading back ---------------------------------------------------------------------------------------
    @property
    def true_transforms(self) -> np.ndarray:
        """The true-size transforms (bones, 4, 4) the colours were last computed from."""
        return self._W_true

    def strains(self) -> np.ndarray:
        """(lines,) the true-size strain of every line as last drawn."""
        return self._strain

    def colour_of_line(self, k: int) -> tuple[int, int, int]:
        """The RGB (0-255) a line is drawn in now."""
        i = int(self.ts.line_start[k])
        return tuple(int(v) for v in self.poly.point_data["rgb"][i])

    def line_at(self, actor, cell_id: int) -> int | None:
        """The tissue line of cell ``cell_id`` of one of this scene's actors (for hover picking), or None."""
        lines = self._cell_lines.get(id(actor))
        if lines is None or not 0 <= cell_id < len(lines):
            return None
        return int(lines[cell_id])

    def remove(self) -> None:
        for actor in self.actors.values():
            self.plotter.renderer.RemoveActor(actor)
        self.legend.remove()


ARCH_RGB = {"medial_longitudinal": (1.00, 0.78, 0.20), "lateral_longitudinal": (0.55, 0.85, 0.35),
            "transverse_cuneiform": (0.45, 0.75, 1.00), "transverse_metatarsal": (0.95, 0.50, 0.85)}
TRIPOD_RGB = (0.30, 0.80, 0.55)
GROUND_RGB = (0.42, 0.47, 0.55)


class TripodScene:
    """The tripod (three points and their triangle) on a ground plane, and the arches with their heights.

    The ground is the plane of the tripod now (the foot's own ground, moving with the heel and the first and
    fifth metatarsal heads); arch heights (mm, true size) are measured along its normal. Drawn geometry
    follows the drawn pose; the numbers follow the true-size pose.
    """

    def __init__(self, plotter: pv.Plotter, tissue_set, *, side: str = "right", visible: bool = False):
        self.plotter = plotter
        self.ts = tissue_set
        self.side = side
        ts = tissue_set
        self.heights: dict[str, float] = {}
        # ground: a grid of lines, 320 x 200 mm around the foot
        gx = np.linspace(-60.0, 260.0, 17)
        gz = np.linspace(-100.0, 100.0, 11)
        self._grid_uv = np.array([[x, z] for x in (gx[0], gx[-1]) for z in gz] + [[x, z] for z in (gz[0], gz[-1]) for x in gx])
        n_z, n_x = len(gz), len(gx)
        segs = [[2, i, i + n_z] for i in range(n_z)] + [[2, 2 * n_z + j, 2 * n_z + n_x + j] for j in range(n_x)]
        self.ground = pv.PolyData(np.zeros((len(self._grid_uv), 3)), lines=np.array(segs).ravel())
        self.triangle = pv.PolyData(np.zeros((3, 3)), faces=np.array([3, 0, 1, 2]))
        self.points = pv.PolyData(np.zeros((3, 3)))
        self.actors: list[vtk.vtkActor] = []
        self._add(self.ground, GROUND_RGB, line_width=1.5)
        self._add(self.triangle, TRIPOD_RGB, ambient=0.45)
        self._glyph = vtk.vtkGlyph3D()  # a sphere on each tripod point
        self._glyph.SetSourceData(pv.Sphere(radius=4.5, theta_resolution=14, phi_resolution=10))
        self._glyph.SetInputData(self.points)
        self._glyph.ScalingOff()
        self._add(None, TRIPOD_RGB).GetMapper().SetInputConnection(self._glyph.GetOutputPort())
        self.arch_lines = []
        self.labels: dict[str, vtk.vtkTextActor] = {}
        for k, arch in enumerate(ts.arches):
            n = len(arch.points)
            poly = pv.PolyData(np.zeros((n + 2, 3)), lines=np.array([n, *range(n), 2, n, n + 1]))
            tube = vtk.vtkTubeFilter()
            tube.SetInputData(poly)
            tube.SetRadius(1.1)
            tube.SetNumberOfSides(8)
            actor = self._add(None, ARCH_RGB.get(arch.name, (1.0, 1.0, 1.0)), ambient=0.4)
            actor.GetMapper().SetInputConnection(tube.GetOutputPort())
            self.arch_lines.append((poly, tube))
            label = vtk.vtkTextActor()  # a 2D overlay placed at a world point: never hidden behind a bone
            label.GetPositionCoordinate().SetCoordinateSystemToWorld()
            tp = label.GetTextProperty()
            tp.SetFontSize(15)
            tp.SetBold(True)
            tp.SetColor(*ARCH_RGB.get(arch.name, (1.0, 1.0, 1.0)))
            tp.SetBackgroundColor(*TEXT_BACKING_RGB)
            tp.SetBackgroundOpacity(1.0)
            tp.SetJustificationToCentered()
            tp.SetVerticalJustificationToBottom()
            plotter.renderer.AddViewProp(label)
            self.labels[arch.name] = label
        self.set_visible(visible)
        self.update(np.tile(np.eye(4), (len(ts.rig.bones), 1, 1)))

    def _add(self, mesh, rgb, *, ambient: float = 0.3, line_width: float | None = None) -> vtk.vtkActor:
        mapper = vtk.vtkPolyDataMapper()
        if mesh is not None:
            mapper.SetInputData(mesh)
        mapper.ScalarVisibilityOff()
        actor = vtk.vtkActor()
        actor.SetMapper(mapper)
        actor.PickableOff()
        prop = actor.GetProperty()
        prop.SetColor(*rgb)
        prop.SetAmbient(ambient)
        if line_width is not None:
            prop.SetLineWidth(line_width)
            prop.LightingOff()
        self.plotter.renderer.AddActor(actor)
        self.actors.append(actor)
        return actor

    def set_visible(self, visible: bool) -> None:
        self.visible = bool(visible)
        for a in self.actors:
            a.SetVisibility(self.visible)
        for label in self.labels.values():
            label.SetVisibility(self.visible)

    def update(self, W_drawn: np.ndarray, W_true: np.ndarray | None = None) -> None:
        """Pose the tripod, ground and arches (drawn pose); recompute the arch heights (true size). No render."""
        ts = self.ts
        self.heights = ts.arch_heights(W_drawn if W_true is None else W_true)
        if not self.visible:
            return
        mirror = np.array([1.0, 1.0, -1.0]) if self.side == "left" else np.ones(3)
        tri = ts.tripod_points(W_drawn)
        n = ts.tripod_normal(tri)
        ex = tri[1] - tri[0]
        ex = ex - (ex @ n) * n
        ex /= np.linalg.norm(ex)
        ez = np.cross(ex, n)
        # the grid: the plane through the tripod, x along heel -> first metatarsal head
        origin = tri[0]
        self.ground.points[:] = (origin + self._grid_uv[:, :1] * ex + self._grid_uv[:, 1:] * ez) * mirror
        self.ground.Modified()
        self.triangle.points[:] = (tri + n * 0.3) * mirror
        self.triangle.Modified()
        self.points.points[:] = tri * mirror
        self.points.Modified()
        for k, arch in enumerate(ts.arches):
            p = ts.arch_points(W_drawn, k)
            apex_i = arch.apex if arch.apex is not None else 1 + int(np.argmax(((p - tri[0]) @ n)[1:-1]))
            apex = p[apex_i]
            if arch.height == "above_chord":
                a, b = p[0], p[-1]
                t = ((apex - a) @ (b - a)) / float((b - a) @ (b - a))
                c = a + t * (b - a)
                foot = apex - ((apex - c) @ n) * n
            else:
                foot = apex - ((apex - tri[0]) @ n) * n
            poly, _ = self.arch_lines[k]
            poly.points[:] = np.vstack([p, apex, foot]) * mirror
            poly.Modified()
            label = self.labels[arch.name]
            label.GetPositionCoordinate().SetValue(*((apex + n * 5.0) * mirror))
            label.SetInput(f"{arch.label}: {self.heights[arch.name]:.1f} mm")

    def remove(self) -> None:
        for a in self.actors:
            self.plotter.renderer.RemoveActor(a)
        for label in self.labels.values():
            self.plotter.renderer.RemoveViewProp(label)
