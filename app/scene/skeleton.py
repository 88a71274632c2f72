"""One VTK actor per bone: load, mirror, colour, pose.

The scene knows nothing of timers or buttons: the window and the off-screen renderers both hand it
world transforms (bone -> 4x4, right-foot foot frame, mm) and it sets them on the actors. One call to
:meth:`SkeletonScene.set_transforms` updates every actor without rendering; the caller renders once.

Left foot: the meshes are mirrored (Z -> -Z, faces flipped so normals stay outward) and the transforms
conjugated by the same mirror (``S @ W @ S``), so the same coordinate values show the same anatomical
motion on either foot.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyvista as pv
from app.scene import vtkmin as vtk

from app.anatomy.kinematics import mirror_transforms
from app.anatomy.meshfile import MeshFileError, TriangleMesh, read_ply
from app.anatomy.rig import Rig

BONE_RGB = (0.90, 0.86, 0.77)
MOVED_RGB = (0.96, 0.63, 0.36)
STABILISED_RGB = (0.55, 0.72, 0.92)
SELECTED_RGB = (1.00, 0.90, 0.25)
GHOST_RGB = (0.75, 0.80, 0.88)
XRAY_OPACITY = 0.16  # a faded bone: outline and mass still read, the solid one stands out
BACKGROUND = "#2a303a"
TEXT_BACKING_RGB = (0.06, 0.07, 0.09)  # the dark panel behind captions, notes, labels of arches, the legend


def style_plotter(plotter: pv.Plotter) -> None:
    """The Talus look: a plain dark slate background (bones read well on a projector), one headlight.

    Measured on this software renderer at 1280x800: pyvista's default 8x MSAA costs 3x (148 vs 50 ms),
    its five-light kit 1.5x against one headlight (50 vs 33 ms), FXAA +60 % (and renders black through
    EGL), a gradient background +4 ms, one translucent actor a depth-peeling pass (+8 ms). So: no MSAA,
    no FXAA, one headlight, a flat background, opaque overlays, and a material with some ambient and
    specular light so the bones keep their shape.
    """
    from vtkmodules.vtkRenderingCore import vtkLight  # VTK only: the window never imports pyvista.plotting

    plotter.ren_win.SetMultiSamples(0)
    renderer = plotter.renderer
    renderer.RemoveAllLights()
    renderer.AutomaticLightCreationOff()
    light = vtkLight()
    light.SetLightTypeToHeadlight()
    renderer.AddLight(light)
    h = BACKGROUND.lstrip("#")
    renderer.SetBackground(*(int(h[i:i + 2], 16) / 255.0 for i in (0, 2, 4)))


def make_actor(mesh: pv.PolyData, rgb, *, opacity: float = 1.0, ambient: float = 0.2,
               specular: float = 0.25) -> vtk.vtkActor:
    """A plain VTK actor for ``mesh`` in one colour (no scalars), smooth-shaded."""
    mapper = vtk.vtkPolyDataMapper()
    mapper.SetInputData(mesh)
    mapper.ScalarVisibilityOff()
    actor = vtk.vtkActor()
    actor.SetMapper(mapper)
    prop = actor.GetProperty()
    prop.SetInterpolationToPhong()
    prop.SetColor(*rgb)
    prop.SetAmbient(ambient)
    prop.SetDiffuse(0.82)
    prop.SetSpecular(specular)
    prop.SetSpecularPower(24.0)
    prop.SetOpacity(opacity)
    return actor


def set_bone_opacity(actor: vtk.vtkActor, opacity: float) -> None:
    """Set a bone actor's opacity; an opaque bone is drawn with back-face culling.

    A bone mesh is closed with outward faces, so an opaque bone's back faces always lie behind its
    front ones: the picture is the same, pixel for pixel, and a software renderer sets up and
    rasterises half the triangles (a 720p frame of the whole skeleton on llvmpipe: 42 -> 25 ms).
    A faded (x-ray) bone keeps its back faces, seen through its front."""
    prop = actor.GetProperty()
    prop.SetOpacity(opacity)
    prop.SetBackfaceCulling(opacity >= 1.0)


#: A bone mesh is missing, unreadable or not a usable triangle mesh (checked before VTK sees it).
MeshError = MeshFileError


def polydata(mesh: TriangleMesh) -> pv.PolyData:
    """A checked triangle mesh -> PolyData with outward point normals (computed when the file has none)."""
    out = pv.PolyData.from_regular_faces(mesh.points, mesh.triangles)
    if mesh.normals is None:
        return out.compute_normals(cell_normals=False, split_vertices=False, auto_orient_normals=False)
    out.point_data["Normals"] = mesh.normals
    out.point_data.active_normals_name = "Normals"
    return out


def load_bone_meshes(rig: Rig, mesh_dir: str | Path | None = None) -> dict[str, pv.PolyData]:
    """Read every bone's mesh (bind pose, foot frame, mm). Raise :class:`MeshError` naming the file."""
    from app import MESH_DIR

    mesh_dir = Path(mesh_dir) if mesh_dir is not None else MESH_DIR
    return {bone.name: polydata(read_ply(mesh_dir / bone.mesh, what=f"mesh of bone '{bone.name}'"))
            for bone in rig.bones}


def mirrored(mesh: pv.PolyData) -> pv.PolyData:
    """The mirror image through the sagittal plane (Z -> -Z) with outward normals kept outward."""
    out = mesh.copy()
    out.points = out.points * np.array([1.0, 1.0, -1.0])
    faces = out.faces.reshape(-1, 4)  # triangles: [3, a, b, c]
    out.faces = faces[:, [0, 1, 3, 2]].ravel()
    normals = mesh.point_data.GetNormals()
    if normals is not None:
        n = pv.convert_array(normals) * np.array([1.0, 1.0, -1.0], dtype=np.float32)
        out.point_data["Normals"] = n
        out.point_data.active_normals_name = "Normals"
    return out


def _matrix(W: np.ndarray, m: vtk.vtkMatrix4x4) -> None:
    m.DeepCopy(np.ascontiguousarray(W, dtype=float).ravel())


class SkeletonScene:
    """The bone actors of one renderer, for either foot.

    Example::

        scene = SkeletonScene(plotter, rig, meshes)
        scene.set_transforms(kin.transforms(q))   # then plotter.render() once
    """

    def __init__(self, plotter: pv.Plotter, rig: Rig, meshes: dict[str, pv.PolyData], *, side: str = "right"):
        self.plotter = plotter
        self.rig = rig
        self._meshes = {"right": meshes, "left": None}
        self.side = side
        self._W = np.tile(np.eye(4), (len(rig.bones), 1, 1))
        self.actors: dict[str, vtk.vtkActor] = {}
        self._matrices: dict[str, vtk.vtkMatrix4x4] = {}
        self._bone_of: dict[int, str] = {}
        self._base: dict[str, tuple[float, float, float]] = {b.name: BONE_RGB for b in rig.bones}
        self.selected: str | None = None
        self.ghost_actors: dict[str, vtk.vtkActor] = {}
        for bone in rig.bones:
            actor = make_actor(self._side_meshes(side)[bone.name], BONE_RGB)
            set_bone_opacity(actor, 1.0)
            m = vtk.vtkMatrix4x4()
            actor.SetUserMatrix(m)
            plotter.renderer.AddActor(actor)
            self.actors[bone.name] = actor
            self._matrices[bone.name] = m
            self._bone_of[id(actor)] = bone.name
        self.set_transforms(self._W)

    # -- building ---------------------------------------------------------------------------------
    def _side_meshes(self, side: str) -> dict[str, pv.PolyData]:
        if self._meshes[side] is None:
            self._meshes[side] = {k: mirrored(v) for k, v in self._meshes["right"].items()}
        return self._meshes[side]


    # -- pose -------------------------------------------------------------------------------------
    def set_transforms(self, W: np.ndarray) -> None:
        """Pose every bone: ``W`` is (n_bones, 4, 4), right-foot foot frame; no render."""
        self._W = np.asarray(W, dtype=float)
        shown = mirror_transforms(self._W) if self.side == "left" else self._W
        for bone in self.rig.bones:
            _matrix(shown[bone.index], self._matrices[bone.name])

    def shown_transform(self, bone: str) -> np.ndarray:
        """The 4x4 matrix currently on the bone's actor (what the user sees)."""
        m = self._matrices[bone]
        return np.array([[m.GetElement(i, j) for j in range(4)] for i in range(4)])

    @property
    def meshes(self) -> dict[str, pv.PolyData]:
        """The right-foot bone meshes (bind pose) this scene was built from."""
        return self._meshes["right"]

    @property
    def transforms(self) -> np.ndarray:
        return self._W

    def set_side(self, side: str) -> None:
        if side not in ("right", "left"):
            raise ValueError(side)
        if side == self.side:
            return
        self.side = side
        meshes = self._side_meshes(side)
        for name, actor in self.actors.items():
            actor.GetMapper().SetInputData(meshes[name])
        for name, actor in self.ghost_actors.items():  # the ghost stays at the bind pose: no matrix
            actor.GetMapper().SetInputData(meshes[name])
        self.set_transforms(self._W)

    # -- colours ----------------------------------------------------------------------------------
    def set_roles(self, moved: Iterable[str] = (), stabilised: Iterable[str] = ()) -> None:
        """Tint the bones a technique moves and the ones it stabilises; the rest bone-coloured."""
        moved, stabilised = set(moved), set(stabilised)
        for name in self.actors:
            self._base[name] = MOVED_RGB if name in moved else STABILISED_RGB if name in stabilised else BONE_RGB
        self._apply_colours()

    def select(self, bone: str | None) -> None:
        self.selected = bone if bone in self.actors else None
        self._apply_colours()

    def copy_look(self, other: "SkeletonScene") -> None:
        """Take ``other``'s tints, selection, hidden bones and fade (for an off-screen copy of a view)."""
        self._base = dict(other._base)
        self.select(other.selected)
        for name, actor in other.actors.items():
            self.actors[name].SetVisibility(actor.GetVisibility())
            set_bone_opacity(self.actors[name], actor.GetProperty().GetOpacity())

    # -- hide, isolate, fade -------------------------------------------------------------------------
    def set_hidden(self, hidden: Iterable[str]) -> None:
        """Draw every bone but ``hidden`` (their ghosts too)."""
        hidden = set(hidden)
        for name, actor in self.actors.items():
            actor.SetVisibility(name not in hidden)
        for name, actor in self.ghost_actors.items():
            actor.SetVisibility(name not in hidden)

    def set_xray(self, on: bool, solid: Iterable[str] = ()) -> None:
        """Fade every bone but ``solid`` to :data:`XRAY_OPACITY` (``on``), or make all opaque again."""
        solid = set(solid)
        for name, actor in self.actors.items():
            set_bone_opacity(actor, 1.0 if not on or name in solid else XRAY_OPACITY)

    def visible_bones(self) -> list[str]:
        return [n for n, a in self.actors.items() if a.GetVisibility()]

    def opacity_of(self, bone: str) -> float:
        return self.actors[bone].GetProperty().GetOpacity()

    def colour_of(self, bone: str) -> tuple[float, float, float]:
        return tuple(self.actors[bone].GetProperty().GetColor())

    def _apply_colours(self) -> None:
        for name, actor in self.actors.items():
            prop = actor.GetProperty()
            if name == self.selected:
                prop.SetColor(*SELECTED_RGB)
                prop.SetAmbient(0.35)
            else:
                prop.SetColor(*self._base[name])
                prop.SetAmbient(0.2)

    # -- ghost of the neutral pose ------------------------------------------------------------------
    def set_ghost(self, visible: bool, bones: Iterable[str] | None = None) -> None:
        """A translucent copy of the neutral (bind) pose of ``bones`` (default: all) for comparison."""
        for actor in self.ghost_actors.values():
            self.plotter.renderer.RemoveActor(actor)
        self.ghost_actors = {}
        if not visible:
            return
        meshes = self._side_meshes(self.side)
        for name in bones if bones is not None else self.actors:
            actor = make_actor(meshes[name], GHOST_RGB, opacity=0.28)
            actor.PickableOff()
            actor.GetProperty().SetSpecular(0.0)
            self.plotter.renderer.AddActor(actor)
            self.ghost_actors[name] = actor

    # -- picking ----------------------------------------------------------------------------------
    def bone_of_actor(self, actor) -> str | None:
        return self._bone_of.get(id(actor)) if actor is not None else None

    def bind_centres(self) -> dict[str, np.ndarray]:
        """Centre of each bone's bounding box in the bind pose (right-foot frame, mm)."""
        return {n: np.asarray(m.center) for n, m in self.meshes.items()}

    def shown_points(self, bones=None) -> np.ndarray:
        """(n, 3) extreme points (mm, this side's frame) of the bones drawn (of ``bones`` among them), where
        they are drawn (of all of them when none is): what a preset view fits into the picture."""
        from app.scene.camera import posed_points

        among = self.actors if bones is None else [b for b in self.actors if b in set(bones)]
        names = [n for n in among if self.actors[n].GetVisibility()] or list(among) or list(self.actors)
        return posed_points(self.rig, self.meshes, names, self._W[None], side=self.side)

    def bounds(self) -> tuple[float, float, float, float, float, float]:
        """Bounds (mm) of the bones drawn (of all of them when none is)."""
        shown = [a for a in self.actors.values() if a.GetVisibility()] or list(self.actors.values())
        b = np.array([a.GetBounds() for a in shown])
        return (b[:, 0].min(), b[:, 1].max(), b[:, 2].min(), b[:, 3].max(), b[:, 4].min(), b[:, 5].max())
