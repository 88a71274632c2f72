"""Soft tissues drawn as tubes coloured by strain; the tripod, the ground plane and the arches.

One polydata holds every tissue line (a polyline through its attachment and via points); a
``vtkTubeFilter`` turns it into tubes, so a frame costs one in-place update of the points and the
colours, then one render::

    TissueSet.world_points(W drawn)  -> polydata points (mirrored for the left foot)
    TissueSet.strains(W true size)   -> RGB per point (diverging scale, taut threshold marked)
                    polydata --vtkTubeFilter (radius per point)--> mapper (direct RGB) --> one opaque actor

The geometry follows the drawn (magnified) pose; the colours, the legend and every number follow the
true-size pose. Targets of a technique keep their full colour and thickness; the other tissues are
drawn thinner and faded towards the background. Hidden groups are left out of the line cells.
Everything is opaque (no depth peeling).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyvista as pv
import vtk

from app.scene.skeleton import BACKGROUND

#: the colour scale, in strain (fraction) of a tissue whose taut strain is the default (6 %)
STRAIN_STOPS = (-0.06, 0.0, 0.03, 0.06, 0.12)
STRAIN_RGB = ((0.16, 0.38, 0.96),   # shortened
              (0.72, 0.90, 0.92),   # neutral: pale aqua, apart from the ivory bones
              (1.00, 0.84, 0.22),   # taking up slack / toe region
              (1.00, 0.44, 0.08),   # taut (end of the toe region)
              (0.78, 0.00, 0.42))   # well beyond taut
FADE = 0.55  # how far a non-target tissue fades towards the background
TUBE_SIDES = 10


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


def tube_radius_mm(width_mm: float | None) -> float:
    """Drawn radius of a tissue's tubes (mm): a quarter of its published width, 0.9 to 2.6 mm."""
    return 1.3 if width_mm is None else float(np.clip(width_mm / 4.0, 0.9, 2.6))


def strain_legend(default_taut: float = 0.06) -> vtk.vtkScalarBarActor:
    """The legend: the diverging strain scale (%) with shortened, neutral and taut marked."""
    lut = vtk.vtkLookupTable()
    n = 256
    lut.SetNumberOfTableValues(n)
    lo, hi = STRAIN_STOPS[0], STRAIN_STOPS[-1]
    lut.SetRange(100 * lo, 100 * hi)
    for i, c in enumerate(strain_rgb(np.linspace(lo, hi, n), default_taut, default_taut)):
        lut.SetTableValue(i, *c, 1.0)
    lut.Build()
    for value, text in ((100 * lo, f"{100 * lo:.0f} % shortened"), (0.0, "0 neutral"), (100 * default_taut, f"{100 * default_taut:.0f} % taut"),
                        (100 * hi, f"{100 * hi:.0f} %+")):
        lut.SetAnnotation(vtk.vtkVariant(value), text)
    bar = vtk.vtkScalarBarActor()
    bar.SetLookupTable(lut)
    bar.SetTitle("Tissue strain (%)")
    bar.SetNumberOfLabels(0)
    bar.SetDrawAnnotations(True)
    bar.SetAnnotationLeaderPadding(6)
    bar.SetOrientationToVertical()
    bar.SetPosition(0.84, 0.25)   # lower-left corner, viewport fraction
    bar.SetPosition2(0.14, 0.5)   # width, height
    bar.SetBarRatio(0.22)
    bar.SetTextPositionToSucceedScalarBar()
    bar.SetMaximumWidthInPixels(170)
    bar.UnconstrainedFontSizeOn()
    for prop, size in ((bar.GetTitleTextProperty(), 15), (bar.GetAnnotationTextProperty(), 14)):
        prop.SetFontSize(size)
        prop.SetColor(1.0, 1.0, 1.0)
        prop.SetItalic(False)
        prop.SetShadow(True)
    bar.GetTitleTextProperty().SetBold(True)
    bar.GetAnnotationTextProperty().SetBold(False)
    return bar


class TissueScene:
    """The tissue tubes of one renderer.

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
        self._base_radius = np.array([tube_radius_mm(t.width_mm) for t in ts.tissues])[self._tissue_of_point]
        self.poly = pv.PolyData(np.zeros((n_pts, 3)))
        self.poly.point_data["radius"] = self._base_radius.copy()
        self.poly.point_data["rgb"] = np.zeros((n_pts, 3), dtype=np.uint8)
        self.poly.point_data["line_id"] = self._line_of_point.astype(np.int32)
        self.poly.point_data.active_scalars_name = "radius"
        self.tube = vtk.vtkTubeFilter()
        self.tube.SetInputData(self.poly)
        self.tube.SetVaryRadiusToVaryRadiusByAbsoluteScalar()
        self.tube.SetNumberOfSides(TUBE_SIDES)
        self.tube.CappingOn()
        mapper = vtk.vtkPolyDataMapper()
        mapper.SetInputConnection(self.tube.GetOutputPort())
        mapper.SetScalarModeToUsePointFieldData()
        mapper.SelectColorArray("rgb")
        mapper.SetColorModeToDirectScalars()
        mapper.ScalarVisibilityOn()
        self.actor = vtk.vtkActor()
        self.actor.SetMapper(mapper)
        prop = self.actor.GetProperty()
        prop.SetInterpolationToPhong()
        prop.SetAmbient(0.3)
        prop.SetDiffuse(0.8)
        prop.SetSpecular(0.35)
        prop.SetSpecularPower(30.0)
        plotter.renderer.AddActor(self.actor)
        self.legend = strain_legend(float(ts.defaults["taut_strain"]))
        plotter.renderer.AddViewProp(self.legend)
        self._strain = np.zeros(ts.n_lines)
        self._W_true = np.tile(np.eye(4), (len(ts.rig.bones), 1, 1))
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
        shown = [k for k in range(self.ts.n_lines) if self.ts.tissues[self.ts.line_tissue[k]].group in groups]
        cells = []
        for k in shown:
            a, b = self.ts.line_start[k], self.ts.line_start[k + 1]
            cells += [b - a, *range(a, b)]
        self.poly.lines = np.array(cells, dtype=np.int64) if cells else np.empty(0, dtype=np.int64)
        self.actor.SetVisibility(bool(shown))
        self.legend.SetVisibility(bool(shown))
        self.poly.Modified()

    def set_targets(self, targets: Iterable[str]) -> None:
        """Emphasise these tissues (a technique's targets); with none, every tissue is drawn in full."""
        self.targets = {t for t in targets if self.ts.has(t)}
        emph = np.ones(len(self.ts.tissues), dtype=bool)
        if self.targets:
            emph[:] = False
            for name in self.targets:
                emph[self.ts.get(name).index] = True
        self._emphasised = emph[self._tissue_of_point]
        radius = self._base_radius * np.where(self._emphasised, 1.35 if self.targets else 1.0, 0.6)
        self.poly.point_data["radius"][:] = radius
        self._recolour()

    @property
    def visible(self) -> bool:
        return bool(self.groups)

    def set_side(self, side: str) -> None:
        self.side = side

    # -- every frame -----------------------------------------------------------------------------------------
    def update(self, W_drawn: np.ndarray, W_true: np.ndarray | None = None) -> None:
        """Move the tubes with the drawn (magnified) transforms; colour them by the true-size strain. No render."""
        if not self.groups:
            self._W_true = W_drawn if W_true is None else W_true
            return
        pts = self.ts.world_points(W_drawn)
        if self.side == "left":
            pts = pts * np.array([1.0, 1.0, -1.0])
        self.poly.points[:] = pts
        self.poly.GetPoints().Modified()
        self._W_true = W_drawn if W_true is None else W_true
        self._strain = self.ts.strains(self._W_true)
        self._recolour()

    def _recolour(self) -> None:
        rgb = strain_rgb(self._strain[self._line_of_point], self.ts.taut_strain[self._line_of_point],
                         float(self.ts.defaults["taut_strain"]))
        rgb = np.where(self._emphasised[:, None], rgb, rgb * (1 - FADE) + BACKGROUND_RGB * FADE)
        arr = self.poly.point_data["rgb"]
        arr[:] = np.round(rgb * 255).astype(np.uint8)
        self.poly.Modified()

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

    def line_at(self, tube_point_id: int) -> int | None:
        """The tissue line a point of the tube output belongs to (for hover picking)."""
        out = self.tube.GetOutput()
        arr = out.GetPointData().GetArray("line_id") if out is not None else None
        if arr is None or not 0 <= tube_point_id < arr.GetNumberOfTuples():
            return None
        return int(arr.GetValue(tube_point_id))

    def remove(self) -> None:
        self.plotter.renderer.RemoveActor(self.actor)
        self.plotter.renderer.RemoveViewProp(self.legend)


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
            tp.SetBackgroundColor(0.06, 0.07, 0.09)
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
