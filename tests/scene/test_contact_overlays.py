"""Contacts as drawn: each marker stays on its bone's surface at every frame and magnification, the
scissoring arrows turn round with the motion, rotations get curved arrows that turn the way the joint
does, and the traction arrow tilts with the talus (VTK actors off screen; nothing is rendered)."""

import numpy as np
import pytest

import app.scene.offscreen  # noqa: F401  (EGL before pyvista makes a window)
import pyvista as pv

from app.anatomy.kinematics import Kinematics
from app.scene.overlays import TechniqueOverlays, arc_points, rotation_axis
from app.techniques.timeline import Timeline

SURFACE_TOLERANCE_MM = 2.0


@pytest.fixture(scope="module")
def plotter():
    p = pv.Plotter(off_screen=True, window_size=[64, 64])
    yield p
    p.close()


def matrix(actor) -> np.ndarray:
    m = actor.GetUserMatrix()
    return np.array([[m.GetElement(i, j) for j in range(4)] for i in range(4)])


def drawn_points(actor) -> np.ndarray:
    """The actor's mesh points where they are drawn (its user matrix applied)."""
    pts = np.asarray(pv.wrap(actor.GetMapper().GetInput()).points)
    M = matrix(actor)
    return pts @ M[:3, :3].T + M[:3, 3]


def arrow_direction(actor) -> np.ndarray:
    """Unit vector from tail to tip of a drawn straight arrow (the tip is the cone's single apex vertex)."""
    pts = drawn_points(actor)
    centred = pts - pts.mean(axis=0)
    axis = np.linalg.svd(centred, full_matrices=False)[2][0]
    proj = centred @ axis
    near_max = np.sum(proj > proj.max() - 0.5)
    near_min = np.sum(proj < proj.min() + 0.5)
    return axis if near_max < near_min else -axis


def technique_ids():
    from app.techniques.library import load_library

    return [t.id for t in load_library().techniques if t.contacts]


@pytest.mark.parametrize("tid", technique_ids())
def test_every_contact_stays_on_its_bone_at_every_frame(plotter, rig, lib, meshes, tid):
    """The drawn contact point (the marker actor's matrix applied to the contact) lies within 2 mm of
    its bone's surface where the bone is drawn, at neutral and at every frame, at the technique's own
    magnification and at the largest."""
    t = lib.technique(tid)
    for magnify in (None, 10.0):
        tl = Timeline(t, rig, magnify=magnify)
        ov = TechniqueOverlays(plotter, rig, t, timeline=tl, meshes=meshes)
        try:
            frames = [None, *range(tl.n_frames)]
            local = np.zeros((len(t.contacts), len(frames), 3))
            for n, f in enumerate(frames):
                W = np.tile(np.eye(4), (len(rig.bones), 1, 1)) if f is None else tl.transforms(f)
                ov.set_transforms(W, f)
                for i, c in enumerate(t.contacts):
                    world = matrix(ov.contacts[i].marker) @ np.r_[c.point_mm, 1.0]
                    local[i, n] = (np.linalg.inv(W[rig.bone(c.bone).index]) @ world)[:3]  # into the bone's bind frame
            for i, c in enumerate(t.contacts):
                _, closest = meshes[c.bone].find_closest_cell(local[i], return_closest_point=True)
                d = np.linalg.norm(local[i] - closest, axis=1)
                assert d.max() < SURFACE_TOLERANCE_MM, \
                    f"{tid} {c.label!r}: {d.max():.1f} mm off {c.bone} at frame {frames[int(np.argmax(d))]}"
        finally:
            ov.remove()


def test_scissoring_arrows_drawn_turn_round_with_the_motion(plotter, rig, lib, meshes):
    t = lib.technique("metatarsal-scissoring")
    tl = Timeline(t, rig)
    ov = TechniqueOverlays(plotter, rig, t, timeline=tl, meshes=meshes)
    q = tl.sample_coordinates()
    try:
        i = next(k for k, c in enumerate(t.contacts) if c.bone == "metatarsal_1")
        v = np.gradient(q[:, rig.coordinate(t.contacts[i].follows).index])
        rising, falling = int(np.argmax(v)), int(np.argmin(v))
        ups = []
        for f in (rising, falling):
            ov.set_transforms(tl.transforms(f), f)
            shown = [a for a in ov.contacts[i].arrows.values() if a.GetVisibility()]
            assert len(shown) == 1
            ups.append(arrow_direction(shown[0])[1])
        assert ups[0] > 0.7 and ups[1] < -0.7, ups  # up while the head rises, down while it falls
        # and on the neighbour at the same moment, the other way
        j = next(k for k, c in enumerate(t.contacts) if c.bone == "metatarsal_2" and c.phases[0] == "Hold two heads")
        ov.set_transforms(tl.transforms(rising), rising)
        [a] = [a for a in ov.contacts[j].arrows.values() if a.GetVisibility()]
        assert arrow_direction(a)[1] < -0.7
        # a pair not in play is not drawn
        k = next(k for k, c in enumerate(t.contacts) if c.bone == "metatarsal_5")
        assert not any(a.GetVisibility() for a in ov.contacts[k].actors)
    finally:
        ov.remove()


def test_rotation_contacts_draw_curved_arrows_that_turn_the_way_the_joint_does(plotter, rig, lib, meshes):
    curved = [(t, c) for t in lib.techniques for c in t.contacts if c.about]
    assert {t.id for t, _ in curved} >= {"toe-rotation-1", "midfoot-roll-on-thumb", "talocrural-traction-roll"}
    kin = Kinematics(rig)
    for t, c in curved:
        ov = TechniqueOverlays(plotter, rig, t, meshes=meshes)
        try:
            k = t.contacts.index(c)
            for sense, actor in ov.contacts[k].arrows.items():
                pts = drawn_points(actor)
                centred = pts - pts.mean(axis=0)
                axis = np.linalg.svd(centred, full_matrices=False)[2][0]
                off_line = np.linalg.norm(centred - np.outer(centred @ axis, axis), axis=1).max()
                assert off_line > 6.0, f"{t.id}: the arrow about {c.about} is not curved ({off_line:.1f} mm)"
            # the tip of the +1 arc moves forward along the arc when the coordinate increases
            axis, point = rotation_axis(rig, c.about)
            arc = arc_points(c.point_mm, c.normal, axis, point, sense=1)
            tangent = arc[-1] - arc[-2]
            W = kin.transforms(kin.pose_vector({c.about: 2.0}))[rig.bone(c.bone).index]
            moved = W[:3, :3] @ arc[-1] + W[:3, 3] - arc[-1]
            assert moved @ tangent > 0, f"{t.id}: the curved arrow turns against {c.about}"
        finally:
            ov.remove()


def test_the_traction_arrow_tilts_with_the_talus(plotter, rig, lib, meshes):
    t = lib.technique("talocrural-traction-roll")
    tl = Timeline(t, rig)
    ov = TechniqueOverlays(plotter, rig, t, timeline=tl, meshes=meshes)
    try:
        q = tl.sample_coordinates()[:, rig.coordinate("talocrural.dorsiflexion").index]
        f = int(np.argmin(q))  # deepest plantarflexion of the roll
        k = next(k for k, c in enumerate(t.contacts) if c.bone == "talus" and c.direction is not None)
        W = tl.transforms(f)
        ov.set_transforms(W, f)
        [a] = [a for a in ov.contacts[k].arrows.values() if a.GetVisibility()]
        drawn = arrow_direction(a)
        talus_now = W[rig.bone("talus").index][:3, :3] @ np.asarray(t.contacts[k].direction)
        assert np.degrees(np.arccos(np.clip(drawn @ talus_now, -1, 1))) < 2.0
        tilt = np.degrees(np.arccos(np.clip(drawn @ [0, -1, 0], -1, 1)))
        assert tilt > abs(q[f]) * 0.7, f"the traction arrow tilts {tilt:.0f} deg with the talus at {q[f]:.0f} deg"
    finally:
        ov.remove()


def test_hiding_contacts_hides_them_at_every_frame(plotter, rig, lib, meshes):
    t = lib.technique("metatarsal-scissoring")
    tl = Timeline(t, rig)
    ov = TechniqueOverlays(plotter, rig, t, timeline=tl, meshes=meshes)
    try:
        ov.set_visible(contacts=False)
        for f in (0, tl.n_frames // 2, tl.n_frames - 1):
            ov.set_transforms(tl.transforms(f), f)
            assert not any(a.GetVisibility() for _, a in ov.contact_actors)
        ov.set_visible(contacts=True)
        assert sum(a.GetVisibility() for c in ov.contacts for a in c.actors) == 4  # two markers, two arrows
    finally:
        ov.remove()


def test_no_arrow_is_hidden_inside_its_bone(plotter, rig, lib, meshes):
    """Every arrow (straight or curved, either sense) lies outside the bone it is drawn on (bone frame)."""
    inside = []
    for t in lib.techniques:
        ov = TechniqueOverlays(plotter, rig, t, meshes=meshes)
        try:
            for c, actors in zip(t.contacts, ov.contacts):
                for sense, actor in actors.arrows.items():
                    pts = pv.wrap(actor.GetMapper().GetInput())
                    d = pts.compute_implicit_distance(meshes[c.bone])["implicit_distance"]
                    if d.min() <= 0:
                        inside.append(f"{t.id} {c.label[:40]!r} ({sense:+d}): {-d.min():.1f} mm inside {c.bone}")
        finally:
            ov.remove()
    assert not inside, inside


def test_every_push_or_pull_arrow_ends_at_its_own_contact(plotter, rig, lib, meshes):
    """At neutral, each straight arrow pressing into or pulling away from its bone (either sense) ends at
    its contact's marker and points at that bone: the first bone its line meets beyond its end is the
    contact's (a hand drawn pressing on a neighbouring bone teaches the wrong hold). Arrows along the
    surface run beside their marker (toe traction) and are left out."""
    from app.scene.overlays import MARKER_RADIUS_MM

    bones = {name: pv.wrap(m) for name, m in meshes.items()}
    wrong = []
    for t in lib.techniques:
        ov = TechniqueOverlays(plotter, rig, t, meshes=meshes)
        try:
            for c, actors in zip(t.contacts, ov.contacts):
                if c.about or abs(float(np.dot(c.direction, c.normal))) <= 0.3:  # curved, or along the surface
                    continue
                p = np.asarray(c.point_mm, float)
                for sense, actor in actors.arrows.items():
                    pts = np.asarray(pv.wrap(actor.GetMapper().GetInput()).points)
                    d = np.linalg.norm(pts - p, axis=1)
                    end = pts[np.argmin(d)]
                    d_s = np.asarray(c.direction, float) * sense
                    ray = d_s if d_s @ np.asarray(c.normal) < 0 else -d_s  # a push goes on, a pull comes from the bone
                    hits = {}
                    for b, m in bones.items():
                        pt, _ = m.ray_trace(end, end + ray * 60.0, first_point=True)
                        if len(pt):
                            hits[b] = float(np.linalg.norm(np.asarray(pt) - end))
                    first = min(hits, key=hits.get) if hits else None
                    if first != c.bone or d.min() > 3 * MARKER_RADIUS_MM:
                        wrong.append(f"{t.id} {c.bone}.{c.landmark} ({sense:+d}): its end is {d.min():.1f} mm "
                                     f"from the contact and points at {first}")
        finally:
            ov.remove()
    assert not wrong, wrong


def test_a_toe_joint_s_axis_stays_on_its_own_toe(rig):
    """Each toe joint's drawn axis ends nearer its own joint than the same joint of the next toe: ten
    axes read as ten hinges, not as a rake across the forefoot."""
    from app.scene.overlays import axis_length_mm

    centres = {j.name: np.asarray(j.centre_mm, float) for j in rig.joints}
    for kind in ("metatarsophalangeal_{}", "proximal_interphalangeal_{}", "distal_interphalangeal_{}"):
        for i in range(2, 5):
            own, nxt = kind.format(i), kind.format(i + 1)
            if own not in centres or nxt not in centres:
                continue
            half = axis_length_mm(rig.joint(own).parent) / 2
            assert half < 0.9 * np.linalg.norm(centres[nxt] - centres[own]), (own, half)
