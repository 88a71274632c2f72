"""Technique overlays: practitioner contacts (markers and force arrows) and joint axes.

Every overlay is built once in the bind pose (foot frame, mm) and attached to a bone: its actor gets
that bone's world transform each frame, so contacts ride on the bone they touch and a joint axis rides
on the joint's parent bone. The left foot uses mirrored geometry and mirrored transforms, like the
skeleton.
"""

from __future__ import annotations

import numpy as np
import pyvista as pv
from app.scene import vtkmin as vtk

from app.anatomy.kinematics import mirror_transforms
from app.scene.skeleton import make_actor, mirrored

HAND_RGB = {"left": (0.36, 0.78, 0.98), "right": (0.55, 0.93, 0.45), "both": (0.98, 0.85, 0.35)}
AXIS_RGB = (0.95, 0.35, 0.35)
ARROW_LENGTH_MM = 28.0


def _actor(mesh: pv.PolyData, rgb, *, opacity: float = 1.0) -> vtk.vtkActor:
    actor = make_actor(mesh, rgb, opacity=opacity, ambient=0.35, specular=0.3)
    actor.PickableOff()
    actor.SetUserMatrix(vtk.vtkMatrix4x4())
    return actor


def contact_geometry(point, direction, outward=None) -> tuple[pv.PolyData, pv.PolyData]:
    """A marker sphere on the contact point and an arrow showing the way the force acts.

    The arrow stands just off the bone (``outward``: a unit vector away from the bone) so that it is
    never hidden inside it.
    """
    point = np.asarray(point, float)
    d = np.asarray(direction, float)
    d = d / (np.linalg.norm(d) or 1.0)
    off = np.zeros(3) if outward is None else np.asarray(outward, float) * 9.0
    sphere = pv.Sphere(radius=4.0, center=point, theta_resolution=16, phi_resolution=12)
    arrow = pv.Arrow(start=point + off - d * ARROW_LENGTH_MM * 0.4, direction=d, scale=ARROW_LENGTH_MM, tip_length=0.3,
                     tip_radius=0.12, shaft_radius=0.045, tip_resolution=16, shaft_resolution=12)
    return sphere.triangulate(), arrow.triangulate()


class TechniqueOverlays:
    """Contacts and joint axes of one technique in one plotter."""

    def __init__(self, plotter, rig, technique, *, side: str = "right", bone_centres=None):
        self.plotter = plotter
        self.rig = rig
        self.side = side
        self.contact_actors: list[tuple[str, vtk.vtkActor]] = []
        self.axis_actors: list[tuple[str, vtk.vtkActor]] = []
        for contact in technique.contacts:
            outward = None
            if bone_centres is not None and contact.bone in bone_centres:
                v = np.asarray(contact.point_mm) - bone_centres[contact.bone]
                outward = v / (np.linalg.norm(v) or 1.0)
            sphere, arrow = contact_geometry(contact.point_mm, contact.direction, outward)
            rgb = HAND_RGB.get(contact.hand, HAND_RGB["both"])
            for mesh in (sphere, arrow):
                self.contact_actors.append((contact.bone, self._add(mesh, rgb)))
        for jname in technique.joints:
            for tree_joint in rig.tree_joints(jname):
                j = rig.joint(tree_joint)
                for d in j.dofs:
                    if d.kind != "rotation" or d.coordinate.split(".")[0] != jname:
                        continue
                    length = 70.0 if j.parent in ("tibia", "talus", "calcaneus") else 34.0
                    line = pv.Cylinder(center=d.point_mm, direction=d.axis, radius=0.9, height=length,
                                       resolution=12).triangulate()
                    self.axis_actors.append((j.parent, self._add(line, AXIS_RGB)))  # opaque: a translucent actor adds a depth-peeling pass
                    break  # the principal axis of the joint
        self.set_transforms(np.tile(np.eye(4), (len(rig.bones), 1, 1)))

    def _add(self, mesh: pv.PolyData, rgb, opacity: float = 1.0) -> vtk.vtkActor:
        actor = _actor(mirrored(mesh) if self.side == "left" else mesh, rgb, opacity=opacity)
        self.plotter.renderer.AddActor(actor)
        return actor

    def set_transforms(self, W: np.ndarray) -> None:
        shown = mirror_transforms(W) if self.side == "left" else W
        for bone, actor in self.contact_actors + self.axis_actors:
            actor.GetUserMatrix().DeepCopy(np.ascontiguousarray(shown[self.rig.bone(bone).index]).ravel())

    def set_visible(self, *, contacts: bool | None = None, axes: bool | None = None) -> None:
        if contacts is not None:
            for _, a in self.contact_actors:
                a.SetVisibility(contacts)
        if axes is not None:
            for _, a in self.axis_actors:
                a.SetVisibility(axes)

    def remove(self) -> None:
        for _, a in self.contact_actors + self.axis_actors:
            self.plotter.renderer.RemoveActor(a)
        self.contact_actors, self.axis_actors = [], []
