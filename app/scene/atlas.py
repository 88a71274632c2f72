"""A bone atlas: every bone on one labelled sheet, each isolated in a standard view at a common scale.

    talus atlas -o bones.png [--side left] [--bones talus,calcaneus] [--size 2400x2000]

For handouts and for reviewing the models: each bone is drawn from the view that shows its
recognising features (the talus from above: its trochlea; the calcaneus from the side; the navicular
from behind: the cup for the talar head; the cuboid from below: the peroneal groove; the cuneiforms
from in front: their wedges; the long bones from above, lying left to right), all in parallel
projection at the same millimetres per pixel (a 10 mm scale bar says how many), with its name and
its length along its own long axis. Bones are laid out in rows by region, each cell as large as its
bone. Off screen (EGL), no display needed.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")

import pyvista as pv  # noqa: E402
import vtk  # noqa: E402

from app.anatomy import load_rig  # noqa: E402
from app.scene.skeleton import BACKGROUND, BONE_RGB, load_bone_meshes, make_actor, mirrored  # noqa: E402

#: camera (looking from, up), foot frame, right foot
VIEWS = {
    "from in front": ((1, 0, 0), (0, 1, 0)), "from the side": ((0, 0, 1), (0, 1, 0)),
    "from inside": ((0, 0, -1), (0, 1, 0)), "from above": ((0, 1, 0), (0, 0, -1)),
    "from above, medial side": ((0.15, 1, -0.45), (0, 0, -1)), "from behind": ((-1, 0.25, -0.7), (0, 1, 0)),
    "from below": ((0, -1, 0.35), (0, 0, -1)),
}
VIEW_OF = {
    "tibia": "from in front", "fibula": "from inside", "talus": "from above",
    "calcaneus": "from the side", "navicular": "from behind", "cuboid": "from below",
    "medial_cuneiform": "from in front", "intermediate_cuneiform": "from in front",
    "lateral_cuneiform": "from in front", "sesamoid_medial": "from below", "sesamoid_lateral": "from below",
}
ROWS = (
    ("tibia", "fibula", "talus", "calcaneus"),
    ("navicular", "cuboid", "medial_cuneiform", "intermediate_cuneiform", "lateral_cuneiform",
     "sesamoid_medial", "sesamoid_lateral"),
    ("metatarsal_1", "metatarsal_2", "metatarsal_3"),
    ("metatarsal_4", "metatarsal_5", "proximal_phalanx_1", "distal_phalanx_1"),
    ("proximal_phalanx_2", "proximal_phalanx_3", "proximal_phalanx_4", "proximal_phalanx_5"),
    ("middle_phalanx_2", "middle_phalanx_3", "middle_phalanx_4", "middle_phalanx_5",
     "distal_phalanx_2", "distal_phalanx_3", "distal_phalanx_4", "distal_phalanx_5"),
)
LABEL_MM, MARGIN_MM = 11.0, 5.0  # room for a cell's two lines of text; space around each bone


def bone_view(name: str) -> str:
    return VIEW_OF.get(name, "from above")


def long_axis_length(mesh: pv.PolyData) -> float:
    """Extent of a mesh along its first principal axis (mm)."""
    pts = np.asarray(mesh.points, float)
    c = pts - pts.mean(axis=0)
    _, _, vt = np.linalg.svd(c, full_matrices=False)
    proj = c @ vt[0]
    return float(proj.max() - proj.min())


def _camera_axes(view: str, side: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(from-direction, up, right) unit vectors for a named view."""
    d, up = (np.array(v, float) for v in VIEWS[view])
    if side == "left":
        d[2], up[2] = -d[2], -up[2]
    d /= np.linalg.norm(d)
    up = up - (up @ d) * d
    up /= np.linalg.norm(up)
    right = np.cross(-d, up)
    return d, up, right


def _wrap(text: str, width: int) -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "\n".join(lines + [line])


def render_atlas(output: str | Path, *, side: str = "right", bones: list[str] | None = None,
                 size: tuple[int, int] = (2400, 2000), mesh_dir=None) -> Path:
    from app.scene.offscreen import write_png_atomically

    rig = load_rig()
    meshes = load_bone_meshes(rig, mesh_dir)
    wanted = [b.name for b in rig.bones if bones is None or b.name in bones]
    rows = [[n for n in row if n in wanted] for row in ROWS]
    rows.append([n for n in wanted if not any(n in r for r in ROWS)])
    rows = [r for r in rows if r]

    cells = {}  # name -> (mesh centred, width mm, height mm, camera axes)
    for name in wanted:
        mesh = mirrored(meshes[name]) if side == "left" else meshes[name]
        mesh = mesh.copy()
        mesh.points = mesh.points - np.asarray(mesh.center)
        d, up, right = _camera_axes(bone_view(name), side)
        pts = np.asarray(mesh.points)
        w = float(np.ptp(pts @ right)) + 2 * MARGIN_MM
        h = float(np.ptp(pts @ up)) + 2 * MARGIN_MM + LABEL_MM
        cells[name] = (mesh, max(w, 30.0), h, (d, up, right))
    row_w = [sum(cells[n][1] for n in r) for r in rows]
    row_h = [max(cells[n][2] for n in r) for r in rows]
    title_mm = 14.0
    px_per_mm = min(size[0] / max(row_w), size[1] / (sum(row_h) + title_mm))

    plotter = pv.Plotter(off_screen=True, window_size=list(size), lighting=None, border=False)
    plotter.ren_win.SetMultiSamples(0)
    plotter.set_background(BACKGROUND)
    plotter.add_text(f"Talus bone atlas - {side} foot - every bone at the same scale", position="upper_left",
                     font_size=12, color="#f2c14e")
    win = plotter.ren_win
    y_top = size[1] - title_mm * px_per_mm
    for row, h_mm in zip(rows, row_h):
        h_px = h_mm * px_per_mm
        x = (size[0] - sum(cells[n][1] for n in row) * px_per_mm) / 2
        for name in row:
            mesh, w_mm, _h, (d, up, right) = cells[name]
            w_px = w_mm * px_per_mm
            ren = vtk.vtkRenderer()
            ren.SetViewport(x / size[0], (y_top - h_px) / size[1], (x + w_px) / size[0], y_top / size[1])
            ren.SetBackground(*pv.Color(BACKGROUND).float_rgb)
            ren.AddActor(make_actor(mesh, BONE_RGB))
            light = vtk.vtkLight()
            light.SetLightTypeToHeadlight()
            ren.AddLight(light)
            cam = ren.GetActiveCamera()
            cam.ParallelProjectionOn()
            focal = up * (LABEL_MM / 2)  # the bone below its name
            cam.SetFocalPoint(*focal)
            cam.SetPosition(*(focal + d * 500.0))
            cam.SetViewUp(*up)
            cam.SetParallelScale(h_px / px_per_mm / 2)
            ren.ResetCameraClippingRange()
            text = vtk.vtkTextActor()
            label = _wrap(rig.bone(name).label, max(12, int(w_mm * px_per_mm / 8.5)))
            text.SetInput(f"{label}\n{long_axis_length(meshes[name]):.0f} mm, {bone_view(name)}")
            prop = text.GetTextProperty()
            prop.SetFontSize(max(11, min(16, int(3.0 * px_per_mm))))
            prop.SetColor(0.93, 0.93, 0.93)
            prop.SetJustificationToCentered()
            prop.SetVerticalJustificationToTop()
            text.GetPositionCoordinate().SetCoordinateSystemToNormalizedViewport()
            text.GetPositionCoordinate().SetValue(0.5, 0.98)
            ren.AddViewProp(text)
            win.AddRenderer(ren)
            x += w_px
        y_top -= h_px
    # a 10 mm scale bar in the title band
    bar = vtk.vtkRenderer()
    bar.SetViewport(0.80, 1 - title_mm * px_per_mm / size[1], 1.0, 1.0)
    bar.SetBackground(*pv.Color(BACKGROUND).float_rgb)
    bar_px = 10 * px_per_mm
    pts = vtk.vtkPoints()
    for px, py in ((12, 14), (12 + bar_px, 14), (12, 8), (12, 20), (12 + bar_px, 8), (12 + bar_px, 20)):
        pts.InsertNextPoint(px, py, 0)
    lines = vtk.vtkCellArray()
    for a, b in ((0, 1), (2, 3), (4, 5)):
        lines.InsertNextCell(2)
        lines.InsertCellPoint(a)
        lines.InsertCellPoint(b)
    poly = vtk.vtkPolyData()
    poly.SetPoints(pts)
    poly.SetLines(lines)
    mapper = vtk.vtkPolyDataMapper2D()
    mapper.SetInputData(poly)
    line_actor = vtk.vtkActor2D()
    line_actor.SetMapper(mapper)
    line_actor.GetProperty().SetColor(0.95, 0.76, 0.31)
    line_actor.GetProperty().SetLineWidth(2)
    bar.AddViewProp(line_actor)
    scale_text = vtk.vtkTextActor()
    scale_text.SetInput("10 mm")
    scale_text.GetTextProperty().SetFontSize(16)
    scale_text.GetTextProperty().SetColor(0.95, 0.76, 0.31)
    scale_text.SetPosition(20 + bar_px, 6)
    bar.AddViewProp(scale_text)
    win.AddRenderer(bar)
    plotter.show(auto_close=False)
    img = plotter.screenshot(return_img=True)
    plotter.close()
    out = Path(output)
    write_png_atomically(out, img)
    return out
