"""Technique overlays: practitioner contacts (markers and force arrows) and joint axes.

Every overlay is built once in the bind pose (foot frame, mm) and attached to a bone: its actor gets
that bone's world transform each frame, so contacts ride on the bone they touch (at every frame and
magnification) and a joint axis rides on the joint's parent bone. The left foot uses mirrored geometry
and mirrored transforms, like the skeleton.

A contact is drawn as a marker resting on its landmark (bone frame, from the techniques file) and an
arrow: straight along its direction (bone frame, so it turns with the bone), or curved about the joint
axis of the rotation it names. Each arrow is built twice, as authored and reversed; which one shows,
and whether the contact shows at all, is the contact's state at the frame
(:class:`app.techniques.contacts.ContactStates`: the phases it belongs to, the sense of the motion it
follows)::

    contact -> marker actor            shown = contacts on and state.shown[frame]
            -> arrow actor  (sense +1) shown = ... and state.sense[frame] > 0
            -> arrow actor  (sense -1) shown = ... and state.sense[frame] < 0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyvista as pv
from app.scene import vtkmin as vtk

from app.anatomy.kinematics import mirror_transforms
from app.scene.skeleton import make_actor, mirrored

HAND_RGB = {"left": (0.36, 0.78, 0.98), "right": (0.55, 0.93, 0.45), "both": (0.98, 0.85, 0.35)}
AXIS_RGB = (0.95, 0.35, 0.35)
ARROW_LENGTH_MM = 28.0
ARROW_TIP_RADIUS_MM = 3.4
MARKER_RADIUS_MM = 4.0
ARC_LENGTH_MM = 50.0  # length of a curved arrow along its arc
ARC_MIN_RADIUS_MM = 12.0
ARC_CLEARANCE_MM = 3.5  # a curved arrow's centre line keeps this far outside its bone (more than the cone's radius)
ARC_MAX_WIDENING_MM = 30.0


def axis_length_mm(parent: str) -> float:
    """How long a joint's axis is drawn: across the joint and a little beyond, not across its neighbours
    (34 mm rods at the toes' ten joints read as a rake over all five toes)."""
    if parent in ("tibia", "talus", "calcaneus"):
        return 70.0
    if parent.startswith("metatarsal"):  # the MTP joints: heads 12-25 mm across, 14 mm apart (MTP2-MTP3)
        return 22.0
    if "phalanx" in parent:  # the toes' interphalangeal joints: 8-20 mm across
        return 16.0
    return 34.0


def _actor(mesh: pv.PolyData, rgb, *, opacity: float = 1.0) -> vtk.vtkActor:
    actor = make_actor(mesh, rgb, opacity=opacity, ambient=0.35, specular=0.3)
    actor.PickableOff()
    actor.SetUserMatrix(vtk.vtkMatrix4x4())
    return actor


def _unit(v) -> np.ndarray:
    v = np.asarray(v, float)
    n = np.linalg.norm(v)
    return v / n if n > 1e-12 else v


def surface_distance(mesh: pv.PolyData):
    """A function: (k, 3) points (mesh frame, mm) -> (k,) signed distance to ``mesh``'s surface, mm
    (negative inside). Built once per bone; each call is cheap."""
    f = vtk.vtkImplicitPolyDataDistance()
    f.SetInput(mesh)
    return lambda pts: np.array([f.EvaluateFunction(*map(float, q)) for q in np.asarray(pts, float)])


def marker_geometry(point, normal) -> pv.PolyData:
    """A sphere resting on the bone at ``point`` (mm, bone frame), lifted along the outward ``normal``."""
    centre = np.asarray(point, float) + _unit(normal) * (MARKER_RADIUS_MM - 1.0)
    return pv.Sphere(radius=MARKER_RADIUS_MM, center=centre, theta_resolution=16, phi_resolution=12).triangulate()


def straight_arrow_geometry(point, direction, normal, *, clear_of=None) -> pv.PolyData:
    """A force arrow along ``direction`` at a contact on the bone surface (bone frame, mm).

    A push into the bone ends just outside the marker, a pull away from it starts there, and a force
    along the surface runs beside the marker, lifted off the bone. With ``clear_of`` (the bone's
    :func:`surface_distance`) the arrow is lifted further along the normal until no part of it is
    inside the bone.
    """
    p, d, n = np.asarray(point, float), _unit(direction), _unit(normal)
    into = float(d @ n)
    if into < -0.3:  # pushing into the bone: the tip rests on the marker
        start = p + n * (2 * MARKER_RADIUS_MM) - d * ARROW_LENGTH_MM
    elif into > 0.3:  # pulling away from the bone: the tail starts at the marker
        start = p + n * MARKER_RADIUS_MM
    else:  # along the surface: beside the marker, lifted off the bone
        start = p + n * (2 * MARKER_RADIUS_MM + 1.0) - d * ARROW_LENGTH_MM * 0.35
    if clear_of is not None:
        axis_pts = start + np.outer(np.linspace(0.0, 1.0, 15), d * ARROW_LENGTH_MM)
        for lift in np.arange(0.0, ARC_MAX_WIDENING_MM + 0.1, 2.0):
            if np.min(clear_of(axis_pts + n * lift)) > ARROW_TIP_RADIUS_MM + 0.5:
                break
        start = start + n * lift
    return pv.Arrow(start=start, direction=d, scale=ARROW_LENGTH_MM, tip_length=0.3,
                    tip_radius=ARROW_TIP_RADIUS_MM / ARROW_LENGTH_MM, shaft_radius=0.045, tip_resolution=16,
                    shaft_resolution=12).triangulate()


def arc_points(point, normal, axis, axis_point, sense: int = 1, n: int = 40, *, clear_of=None) -> np.ndarray:
    """(n, 3) points of a curved arrow's arc about the line (``axis_point``, ``axis``) through the contact.

    The arc passes over the contact, lifted off the bone along ``normal``, spans about
    :data:`ARC_LENGTH_MM`, and runs in the positive sense of rotation about ``axis`` (right-hand rule)
    for ``sense`` +1, the other way for -1; its last point is the arrow's tip end. With ``clear_of``
    (the bone's :func:`surface_distance`) the arc is widened until it stays :data:`ARC_CLEARANCE_MM` outside
    the bone along its whole length, so no part of it (the tip above all) is hidden in the bone.
    """
    u = _unit(axis)
    p = np.asarray(point, float) + _unit(normal) * (MARKER_RADIUS_MM + 2.0)
    a = np.asarray(axis_point, float)
    centre = a + u * ((p - a) @ u)
    r_vec = p - centre
    r = float(np.linalg.norm(r_vec))
    if r < 1e-6:  # the contact sits on the axis: swing the arc out along the normal
        r_vec = _unit(np.cross(u, np.cross(_unit(normal), u))) if abs(_unit(normal) @ u) < 0.99 else _unit(np.cross(u, [0, 1, 0]))
        r = 0.0
    r = max(r, ARC_MIN_RADIUS_MM)
    r_dir = _unit(r_vec)

    def arc(radius: float) -> np.ndarray:
        span = float(np.clip(ARC_LENGTH_MM / radius, np.radians(60), np.radians(220)))
        angles = np.linspace(-span / 2, span / 2, n)[:, None] * (1 if sense >= 0 else -1)
        v = r_dir * radius  # Rodrigues for every angle at once (v is perpendicular to u)
        return centre + v * np.cos(angles) + np.cross(u, v) * np.sin(angles)

    pts = arc(r)
    if clear_of is not None:
        for extra in np.arange(0.0, ARC_MAX_WIDENING_MM + 0.1, 2.0):
            pts = arc(r + extra)
            if np.min(clear_of(pts)) >= ARC_CLEARANCE_MM:
                break
    return pts


def curved_arrow_geometry(point, normal, axis, axis_point, sense: int = 1, *, clear_of=None) -> pv.PolyData:
    """A curved arrow (tube along :func:`arc_points` and a cone at its end), bone frame, mm."""
    pts = arc_points(point, normal, axis, axis_point, sense, clear_of=clear_of)
    tip_len = 8.0
    # stop the tube where the cone begins
    seg = np.cumsum(np.r_[0, np.linalg.norm(np.diff(pts, axis=0), axis=1)])
    keep = seg <= seg[-1] - tip_len * 0.8
    body = pv.MultipleLines(pts[keep]).tube(radius=1.4, n_sides=12, capping=True)  # one polyline: no seams
    t = _unit(pts[-1] - pts[-2])
    cone = pv.Cone(center=pts[-1] - t * tip_len / 2, direction=t, height=tip_len, radius=ARROW_TIP_RADIUS_MM,
                   resolution=16, capping=True)
    return body.triangulate().merge(cone.triangulate())


def rotation_axis(rig, coordinate: str) -> tuple[np.ndarray, np.ndarray]:
    """(axis unit vector, a point on it in mm), bind-pose foot frame, of a rotation coordinate's joint axis."""
    for j in rig.joints:
        for d in j.dofs:
            if d.coordinate == coordinate and d.kind == "rotation":
                return np.asarray(d.axis, float), np.asarray(d.point_mm, float)
    raise KeyError(coordinate)


@dataclass
class ContactActors:
    """The actors of one contact: the marker and the arrow as authored (+1) and reversed (-1)."""

    bone: str
    marker: vtk.vtkActor
    arrows: dict[int, vtk.vtkActor]

    @property
    def actors(self) -> list[vtk.vtkActor]:
        return [self.marker, *self.arrows.values()]


class TechniqueOverlays:
    """Contacts and joint axes of one technique in one plotter."""

    def __init__(self, plotter, rig, technique, *, side: str = "right", timeline=None, meshes=None):
        """``timeline``: the :class:`app.techniques.timeline.Timeline` whose frame numbers
        :meth:`set_transforms` receives (default: the technique at 30 fps). ``meshes``: the bone meshes
        (right foot, bind pose), which arrows keep clear of (default: read from the mesh folder)."""
        from app.techniques.contacts import ContactStates
        from app.techniques.timeline import Timeline

        self.plotter = plotter
        self.rig = rig
        self.side = side
        self.technique = technique
        self.states = ContactStates(technique, timeline or Timeline(technique, rig))
        self.contacts: list[ContactActors] = []
        self.axis_actors: list[tuple[str, vtk.vtkActor]] = []
        self._contacts_on = True
        self._frame = 0
        clearance = {}  # bone -> its surface_distance
        for contact in technique.contacts:
            rgb = HAND_RGB.get(contact.hand, HAND_RGB["both"])
            marker = self._add(marker_geometry(contact.point_mm, contact.normal), rgb)
            arrows = {}
            for sense in (1, -1):
                if meshes is None:
                    from app.scene.skeleton import load_bone_meshes

                    meshes = load_bone_meshes(rig)
                if contact.bone not in clearance:
                    clearance[contact.bone] = surface_distance(meshes[contact.bone])
                bone_mesh = clearance[contact.bone]
                if contact.curved:
                    axis, axis_point = rotation_axis(rig, contact.about)
                    mesh = curved_arrow_geometry(contact.point_mm, contact.normal, axis, axis_point, sense, clear_of=bone_mesh)
                else:
                    mesh = straight_arrow_geometry(contact.point_mm, np.asarray(contact.direction) * sense, contact.normal,
                                                   clear_of=bone_mesh)
                arrows[sense] = self._add(mesh, rgb)
            self.contacts.append(ContactActors(contact.bone, marker, arrows))
        for jname in technique.joints:
            for tree_joint in rig.tree_joints(jname):
                j = rig.joint(tree_joint)
                for d in j.dofs:
                    if d.kind != "rotation" or d.coordinate.split(".")[0] != jname:
                        continue
                    length = axis_length_mm(j.parent)
                    line = pv.Cylinder(center=d.point_mm, direction=d.axis, radius=0.9, height=length,
                                       resolution=12).triangulate()
                    self.axis_actors.append((j.parent, self._add(line, AXIS_RGB)))  # opaque: a translucent actor adds a depth-peeling pass
                    break  # the principal axis of the joint
        self.set_transforms(np.tile(np.eye(4), (len(rig.bones), 1, 1)), frame=0)

    def _add(self, mesh: pv.PolyData, rgb, opacity: float = 1.0) -> vtk.vtkActor:
        actor = _actor(mirrored(mesh) if self.side == "left" else mesh, rgb, opacity=opacity)
        self.plotter.renderer.AddActor(actor)
        return actor

    @property
    def contact_actors(self) -> list[tuple[str, vtk.vtkActor]]:
        """(bone, actor) of every contact marker and arrow, shown or not."""
        return [(c.bone, a) for c in self.contacts for a in c.actors]

    def set_transforms(self, W: np.ndarray, frame: int | None = None) -> None:
        """Carry every overlay with its bone (``W``: (n_bones, 4, 4), right-foot frame); with ``frame``,
        also show the contacts of that frame with their arrows the way the motion goes."""
        shown = mirror_transforms(W) if self.side == "left" else W
        for bone, actor in self.contact_actors + self.axis_actors:
            actor.GetUserMatrix().DeepCopy(np.ascontiguousarray(shown[self.rig.bone(bone).index]).ravel())
        if frame is not None:
            self._frame = int(min(max(frame, 0), self.states.shown.shape[1] - 1))
            self._apply_contact_visibility()

    def _apply_contact_visibility(self) -> None:
        shown, sense = self.states.at(self._frame)
        for c, on, s in zip(self.contacts, shown, sense):
            on = bool(on and self._contacts_on)
            c.marker.SetVisibility(on)
            for k, a in c.arrows.items():
                a.SetVisibility(bool(on and k == int(s)))

    def set_visible(self, *, contacts: bool | None = None, axes: bool | None = None) -> None:
        if contacts is not None:
            self._contacts_on = bool(contacts)
            self._apply_contact_visibility()
        if axes is not None:
            for _, a in self.axis_actors:
                a.SetVisibility(axes)

    def remove(self) -> None:
        for _, a in self.contact_actors + self.axis_actors:
            self.plotter.renderer.RemoveActor(a)
        self.contacts, self.axis_actors = [], []
