"""A bone atlas: every bone on one labelled sheet, each isolated in a standard view at a common scale.

    talus atlas -o bones.png [--side left] [--bones talus,calcaneus] [--size 2400x2000]

For handouts and for reviewing the models: each cell shows one bone from the view that shows its
recognising features (the talus from above: its trochlea; the calcaneus from the side; the navicular
from behind: the cup for the talar head; the cuboid from below: the peroneal groove; the cuneiforms
from in front: their wedge), drawn in parallel projection at the same millimetres per pixel, with its
name and its length along its own long axis. Off screen (EGL), no display needed.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")

import pyvista as pv  # noqa: E402

from app.anatomy import load_rig  # noqa: E402
from app.scene.skeleton import BONE_RGB, load_bone_meshes, make_actor, mirrored, style_plotter  # noqa: E402

#: view per bone: (direction the camera looks from, up), foot frame, right foot
FROM = {
    "lateral": ((0, 0, 1), (0, 1, 0)), "medial": ((0, 0, -1), (0, 1, 0)), "dorsal": ((0, 1, 0), (1, 0, 0)),
    "plantar": ((0, -1, 0), (1, 0, 0)), "anterior": ((1, 0, 0), (0, 1, 0)), "posterior": ((-1, 0, 0), (0, 1, 0)),
    "dorsomedial": ((0.2, 1, -0.6), (1, 0, 0)), "posteromedial": ((-1, 0.3, -0.8), (0, 1, 0)),
    "anterolateral": ((1, 0.3, 0.6), (0, 1, 0)), "plantar_lateral": ((0, -1, 0.5), (1, 0, 0)),
}
VIEW_OF = {
    "tibia": "anterior", "fibula": "medial", "talus": "dorsomedial", "calcaneus": "lateral",
    "navicular": "posteromedial", "cuboid": "plantar_lateral", "medial_cuneiform": "anterior",
    "intermediate_cuneiform": "anterior", "lateral_cuneiform": "anterior", "sesamoid_medial": "plantar",
    "sesamoid_lateral": "plantar",
}
LABEL_OF_VIEW = {"dorsomedial": "from above", "posteromedial": "from behind", "plantar_lateral": "from below",
                 "anterior": "from in front", "lateral": "from the side", "medial": "from the side",
                 "dorsal": "from above", "plantar": "from below"}


def bone_view(name: str) -> str:
    return VIEW_OF.get(name, "dorsal")


def long_axis_length(mesh: pv.PolyData) -> float:
    """Extent of a mesh along its first principal axis (mm)."""
    pts = np.asarray(mesh.points, float)
    c = pts - pts.mean(axis=0)
    _, _, vt = np.linalg.svd(c, full_matrices=False)
    proj = c @ vt[0]
    return float(proj.max() - proj.min())


def render_atlas(output: str | Path, *, side: str = "right", bones: list[str] | None = None,
                 size: tuple[int, int] = (2400, 2000), mesh_dir=None) -> Path:
    from app.scene.offscreen import write_png_atomically

    rig = load_rig()
    meshes = load_bone_meshes(rig, mesh_dir)
    names = [b.name for b in rig.bones if bones is None or b.name in bones]
    cols = max(1, math.ceil(math.sqrt(len(names) * size[0] / size[1])))
    rows = math.ceil(len(names) / cols)
    plotter = pv.Plotter(off_screen=True, shape=(rows, cols), window_size=list(size), border=False, lighting=None)
    style_plotter(plotter)
    extent = max(float(np.ptp(np.asarray(meshes[n].points), axis=0).max()) for n in names)
    scale_mm = extent / 2 * 1.08
    for k, name in enumerate(names):
        plotter.subplot(k // cols, k % cols)
        plotter.set_background("#2a303a")
        plotter.renderer.RemoveAllLights()
        mesh = meshes[name]
        if side == "left":
            mesh = mirrored(mesh)
        centre = np.asarray(mesh.center)
        mesh = mesh.copy()
        mesh.points = mesh.points - centre
        plotter.renderer.AddActor(make_actor(mesh, BONE_RGB))
        light = pv.Light(light_type="headlight")
        plotter.renderer.AddLight(light)
        view = bone_view(name)
        d, up = (np.array(v, float) for v in FROM[view])
        if side == "left":
            d[2], up[2] = -d[2], -up[2]
        d /= np.linalg.norm(d)
        cam = plotter.renderer.GetActiveCamera()
        cam.ParallelProjectionOn()
        cam.SetFocalPoint(0.0, 0.0, 0.0)
        cam.SetPosition(*(d * 400.0))
        cam.SetViewUp(*up)
        cam.SetParallelScale(scale_mm)
        plotter.renderer.camera_set = True  # keep this camera: pyvista would fit each bone to its cell
        plotter.renderer.ResetCameraClippingRange()
        label = f"{rig.bone(name).label}\n{long_axis_length(meshes[name]):.0f} mm, {LABEL_OF_VIEW.get(view, view)}"
        plotter.add_text(label, position="lower_edge", font_size=9, color="white")
    plotter.subplot(0, 0)
    title = f"Talus bone atlas - {side} foot - all bones at one scale"
    plotter.add_text(title, position="upper_left", font_size=10, color="#f2c14e")
    plotter.show(auto_close=False)
    img = plotter.screenshot(return_img=True)
    plotter.close()
    out = Path(output)
    write_png_atomically(out, img)
    return out
