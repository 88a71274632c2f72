"""Talus (foot-bone-morphology.md §2); the calcaneus, laid on the same posterior facet, is in
:mod:`app.anatomy.bonegen.calcaneus`.

Both bones are laid out on the rig: the trochlea on the talocrural axis through ``J["talocrural"]``,
the talar head on ``J["talonavicular"]`` (its centre of curvature), the calcaneal cuboid facet on
``J["calcaneocuboid"]``; the ground plane is y = 0. All numbers are mm in the foot frame at neutral
(X anterior, Y superior, Z lateral, right foot) unless a comment names the dome frame.

The dome frame (:class:`Dome`): a = forward, b = up (both perpendicular to the talocrural axis),
c = along the axis (lateral); origin the talocrural centre. The tibial plafond and both malleoli are
modelled on the same frame (app.anatomy.bonegen.leg) so the mortise fits the trochlea.

Sizes (foot-bone-morphology.md):
- talus L 56-58, W 42-44, H 36-37 (§2 build target, [KTal]); trochlea 31-33 mm wide in front and
  about 24 mm behind ([KTal] 32.5 ± 2.0, [NJCA18] 31 / 21.4), sagittal radius 20 mm ([BMRI19], TLEM
  19-22), central groove with a depth angle of about 157 deg ([NJCA18] 156 ± 5.1), lateral shoulder
  about 1 mm higher (TLEM); neck about 27 deg medial and 26 deg plantar (from the rig's centres;
  [KTal] 24.4 / 28.2); head 29.7 x 20.5 mm ([NJCA18]: modelled 30 x 20, about 29 x 22.5 seen square to
  the neck), an ellipsoid about the talonavicular centre (TLEM sphere r 13), its long axis oblique, lateral
  end up 25 deg from the neck's horizontal; neck short and broad (22-25 mm wide, 18 high, at least three
  quarters of the head's width), flowing into the head without a deep waist ([Gray268], [KTal];
  tests/anatomy/test_talus_shape.py); posterior calcaneal facet 35 x 22 mm, deeply concave, long axis
  forward-lateral 45 deg ([KTal], [Gray268]); posterior process one flattened projection, its lateral
  tubercle larger than the medial, the FHL groove between them ([Gray268], [GrayGB]).
- the posterior talocalcaneal facet is modelled as a surface of revolution (a cone) about the rig's subtalar
  axis, the joint's single rotational degree of freedom (foot-kinematics.md §1): the calcaneus turning about
  that axis slides along the facet, so the joint space carved between the two bones stays an even 2-2.5 mm
  through the midfoot roll instead of being widened by the sweep (tests/anatomy/test_subtalar.py). The
  axis passes about 10 mm under the facet's summit, through the sinus tarsi, so the facet wraps around it:
  concave along its long axis (normal curvature radius about 14 mm), nearly straight across.
- lateral process: the lower apex of the triangular lateral facet widens into a blunt wedge (about 11 mm
  from front to back at its tip, more of it behind the apex than in front) whose underside is the
  front-lateral part of the posterior facet, reaching down to the cone; the sinus tarsi opens in front of it
  (the distal angle of the lateral facet, everted: [Gray268]).
- calcaneus L 78-82, W 42-45, H 42-45 (§3 build target); plantar surface pitched about 22 deg;
  peroneal trochlea 13 x 9 x 3 mm ([Hyer05]); sustentaculum a medial shelf under the talar neck
  ([Feneis], [AnatNext]).
"""

from __future__ import annotations

import numpy as np

from app.anatomy.bonegen.sdf import (capsule, ellipsoid, frame, smax, smin,
                                     ssub, unit)

DOME_RADIUS_MM = 20.0  # sagittal radius of the trochlea over its groove ([BMRI19], TLEM)
GROOVE_SLOPE = 0.20  # each slope of the groove rises about 11-13 deg from the chord (depth angle ≈157 deg)
LATERAL_RISE = 0.035  # the lateral shoulder stands about 1 mm higher than the medial (TLEM)
FACET_RADIUS_MM = 16.0  # radius of the facet's reference cylinder (posterior_facet's centre; unused by the bones)
FACET_CONE_DEG = 45.0  # slope of the facet cone's generators to the subtalar axis
FACET_CENTRE_MM = (-4.0, -3.5)  # the facet's centre from the summit point: along its long axis (back-medial)
# and across it (away from the cone's apex, which lies in the sinus tarsi)
FACET_HALF_MM = (17.0, 10.0)  # half length (along the long axis) and half width of the talar facet
FACET_FILL_MM = 6.0  # how far the talus's facet may reach below its body
LATERAL_PROCESS_AB = (-1.0, -13.0)  # (a, b) of the lateral process, the lower apex of the lateral facet
LATERAL_PROCESS_WIDEN_MM = (6.0, 2.5)  # how much the process's wedge widens behind and in front at its apex
LATERAL_PROCESS_FADE_MM = 8.0  # ... fading out this far above it
HEAD_MM = (11.5, 10.0, 15.0)  # the head's semi-axes: along the neck, then across its oblique long axis and along it
HEAD_TILT_DEG = 25.0  # the head's long axis, lateral end up, from the neck's horizontal
NECK_HEAD_MM = 6.0  # the neck's axis ends this far behind the head's centre (inside the head)
NECK_HALF_MM = (9.0, 12.5)  # the neck's half height and half width: broad, flattened from above down
NECK_TILT_DEG = 12.0  # its broad axis turned a little towards the head's
BODY_NARROW = 0.04  # each side of the body steps in 0.04 x^2 mm at x mm behind a = -6 (2.6 mm at the back)
BACK_ROUND = 0.028  # the upper posterior surface curves forward 0.028 c^2 towards its corners (4-5 mm at the edges)
FRONT_ROUND = 0.025  # the dome's front corners round back into the neck (6-8 mm at the edges)
MEDIAL_RIDGE_K = 3.0  # blend of the trochlea into the medial face: a rounded, lower medial ridge


class Dome:
    """The trochlea of the talus on the talocrural axis; shared with the tibia and fibula."""

    def __init__(self, g):
        self.A = g.J["talocrural"]
        e = unit(g.axis("talocrural.dorsiflexion"))
        fwd = unit(np.cross([0.0, 1.0, 0.0], e))
        up = np.cross(e, fwd)
        self.F = np.stack([fwd, up, e])  # rows: a (forward), b (up), c (lateral along the axis)
        self.groove_c = -1.0  # the groove lies just medial of the axis midpoint

    def q(self, p):
        return (p - self.A) @ self.F.T

    def to_foot(self, abc):
        return self.A + np.asarray(abc, float) @ self.F

    def radius(self, c):
        """Sagittal radius of the trochlea at lateral position c (mm): the groove and the shoulders."""
        d = c - self.groove_c
        return DOME_RADIUS_MM + GROOVE_SLOPE * (np.sqrt(d * d + 9.0) - 3.0) + LATERAL_RISE * d

    @staticmethod
    def medial_edge(a):
        """c of the medial border of the trochlea at forward position a: 31-33 mm wide in front,
        about 24 mm behind ([KTal], [NJCA18]); the lateral border converges more."""
        return -15.0 - 0.08 * a

    @staticmethod
    def lateral_edge(a):
        return 12.6 + 0.17 * a

    def lateral_facet(self, a, b):
        """c of the talus's lateral (fibular) facet at (a, b): the trochlea's lateral border at the top,
        concave from above down, its lower apex everted as the lateral process ([Gray268], [KTal])."""
        apex_b = self.radius(self.groove_c)
        tt = np.clip((apex_b - b) / (apex_b - LATERAL_PROCESS_AB[1]), 0.0, 1.0)
        return self.lateral_edge(a) + 6.5 * tt ** 3.5 - 0.6 * np.sin(np.pi * tt)

    def surface(self, p, grow=0.0):
        """Distance to the dome's cylinder-like articular surface (negative under it), grown by ``grow``."""
        q = self.q(p)
        r = np.hypot(q[:, 0], q[:, 1])
        return r - (self.radius(q[:, 2]) + grow)

    def sides(self, p, grow=0.0):
        q = self.q(p)
        a, c = q[:, 0], q[:, 2]
        return np.maximum(c - (self.lateral_edge(a) + grow), (self.medial_edge(a) - grow) - c)


def subtalar_axis(g):
    """(a point on the subtalar axis, its unit direction): the rig's joint about which the midfoot roll
    turns the calcaneus under the talus."""
    return g.J["subtalar"], unit(g.axis("subtalar.inversion"))


class FacetCone:
    """The posterior talocalcaneal facet as a surface of revolution about the subtalar axis: a cone whose
    apex points forward, medially and up into the sinus tarsi, so the calcaneus turning about that axis
    slides along the facet and the joint space stays even in motion.

    Its parallel circle through the facet's summit (``top``) runs forward-lateral and down: the long axis
    of the facet, concave on the talus along it ([Gray268], [KTal]); along the cone's generators (across the
    facet) it is nearly straight. ``__call__`` is negative on the calcaneal side (towards the axis)."""

    def __init__(self, g):
        self.C, self.u = subtalar_axis(g)
        top = posterior_facet(g)[3]
        v = top - self.C
        self.s0 = float(v @ self.u)
        self.r0 = float(np.linalg.norm(v - self.s0 * self.u))
        self.k = np.tan(np.radians(FACET_CONE_DEG))
        e_r = unit(v - self.s0 * self.u)
        # the facet's own frame at its centre, a little back-medial of the summit along the parallel circle
        t = unit(np.cross(self.u, e_r))
        ang = FACET_CENTRE_MM[0] / self.r0
        e_c = np.cos(ang) * e_r + np.sin(ang) * t
        b = np.radians(FACET_CONE_DEG)
        n_c = unit(np.cos(b) * e_c + np.sin(b) * self.u)  # the outward normal of the cone (towards the talus)
        towards_apex = np.cos(b) * self.u - np.sin(b) * e_c  # along the cone's generator
        self.centre = self.C + self.s0 * self.u + self.r0 * e_c + FACET_CENTRE_MM[1] * towards_apex
        # the outline's long axis forward-lateral 45 deg to the median plane ([Gray268]), in the tangent plane
        # (the parallel circle itself runs more transversely here, about 70 deg)
        long_axis = unit(unit([1.0, 0.0, 1.0]) - (unit([1.0, 0.0, 1.0]) @ n_c) * n_c)
        self.axes = np.stack([long_axis, n_c, np.cross(long_axis, n_c)])  # rows: long axis, normal, across

    def __call__(self, p, grow=0.0):
        q = p - self.C
        s = q @ self.u
        r = np.linalg.norm(q - s[:, None] * self.u, axis=1)
        R = self.r0 - self.k * (s - self.s0)
        return (r - R - grow) / np.sqrt(1.0 + self.k * self.k)

    def footprint(self, p, grow=0.0):
        """Negative within the facet's outline (an ellipse across the cone, 28 x 22 mm) in a slab about it."""
        half = np.array([FACET_HALF_MM[0] + grow, 60.0, FACET_HALF_MM[1] + grow])
        q = (p - self.centre) @ self.axes.T
        slab = np.maximum(q[:, 1] - 7.0, -11.0 - q[:, 1])
        return smax(ellipsoid(p, self.centre, half, self.axes), slab, k=2.0)


def posterior_facet(g):
    """(centre of the calcaneus's facet cylinder, its axis, the facet's long axis, the facet's summit) of
    the posterior talocalcaneal facet: long axis forward-lateral 45 deg to the median plane ([Gray268]).
    The talus's facet is the cone of :class:`FacetCone` through ``top``; the calcaneus's is the same cone
    lowered by the joint space (app.anatomy.bonegen.calcaneus)."""
    A = g.J["talocrural"]
    top = A + np.array([-5.5, -16.3, 4.0])  # the facet's summit under the talar body
    long_axis = unit([1.0, 0.0, 1.0])
    axis = unit([1.0, 0.12, -1.0])
    # the calcaneal cylinder: its summit 6 mm back-medial of ``top`` where the cone's is, 1 mm proud
    centre = top - 6.0 * long_axis + np.array([0.0, 1.0 - FACET_RADIUS_MM, 0.0])
    return centre, axis, long_axis, top


def _smoothstep(x):
    t = np.clip(x, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _tilted(axes, deg):
    """``axes`` (rows x, y, z) turned about x by ``deg``: z (lateral) rises towards y (up)."""
    t = np.radians(deg)
    return np.stack([axes[0], np.cos(t) * axes[1] - np.sin(t) * axes[2], np.cos(t) * axes[2] + np.sin(t) * axes[1]])


def _flat_capsule(p, a, axes, length, half):
    """A capsule from ``a`` along ``axes[0]`` with an elliptical cross-section: half height ``half[0]``
    (along axes[1]), half width ``half[1]`` (along axes[2]). A distance bound, exact across its height."""
    q = (p - a) @ axes.T
    q[:, 2] *= half[0] / half[1]
    q[:, 0] -= np.clip(q[:, 0], 0.0, length)
    return np.linalg.norm(q, axis=1) - half[0]


def talus(g):
    D = Dome(g)
    A, TN = g.J["talocrural"], g.J["talonavicular"]
    neck_dir = unit(TN - (A + np.array([2.0, -3.0, -1.0])))
    head_axes = frame(neck_dir)
    head_axes = _tilted(head_axes, HEAD_TILT_DEG)  # the head's long axis: lateral end up
    neck_a, neck_b = D.to_foot([6.0, -1.5, -3.0]), TN - neck_dir * NECK_HEAD_MM + head_axes[1] * 0.5
    neck_axes, neck_len = _tilted(frame(neck_b - neck_a), NECK_TILT_DEG), float(np.linalg.norm(neck_b - neck_a))
    plantar_axes = frame(neck_dir)  # rows: along the neck, up, lateral
    _fc, _fk, _fl, ftop = posterior_facet(g)
    cone = FacetCone(g)
    # lateral process: the lower, everted angle of the triangular lateral facet ([Gray268])
    proc_a, proc_b = LATERAL_PROCESS_AB
    # posterior process: one flattened projection behind the body, as wide as the trochlea's back, its
    # lateral end the larger lateral tubercle, its medial end the smaller medial one ([Gray268], [KTal])
    process_c = D.to_foot([-15.5, -11.5, 0.0])
    post_lat = D.to_foot([-18.0, -12.0, 6.0])  # lateral (larger) posterior tubercle
    post_med = D.to_foot([-17.0, -12.0, -7.0])  # medial (smaller) tubercle
    fhl = D.to_foot([-22.5, -10.5, -1.5])  # flexor hallucis longus groove between them

    def shape(p):
        """The talus before its posterior calcaneal facet and the sulcus are cut."""
        q = D.q(p)
        a, b, c = q[:, 0], q[:, 1], q[:, 2]
        # -- the body: a block whose every face is shaped, its non-articular edges well rounded --
        top = D.surface(p)  # the trochlea (its groove and higher lateral shoulder in Dome.radius)
        # medial face: the comma-shaped facet flat under the medial rim, tall (15 mm) in front and
        # tapering to a tail behind ([KTal], [Gray268]); below it the rough body steps in ~2 mm
        rim_b = np.sqrt(np.maximum(0.0, DOME_RADIUS_MM ** 2 - a * a))
        comma_lo = rim_b - (6.0 + 9.5 * _smoothstep((a + 13.0) / 17.0))
        below = np.maximum(0.0, comma_lo - b)
        # behind, the body narrows and rounds into the posterior process: the trochlea reads as a
        # trapezoid from above, wider in front ([KTal], [NJCA18]), not a box
        # (only the upper body, above the posterior calcaneal facet, which keeps its full outline)
        upper = _smoothstep((b + 4.0) / 14.0)
        behind = np.maximum(0.0, -6.0 - a)
        narrow = BODY_NARROW * behind * behind * upper
        medial = (D.medial_edge(a) + narrow + 1.8 * _smoothstep(below / 5.0) + 0.018 * below * below) - c
        # lateral face: the large triangular facet (Dome.lateral_facet); in front of and behind the
        # triangle the body falls away (ATFL pit, PTFL groove)
        face = D.lateral_facet(a, b)
        bulge = face - D.lateral_edge(a)
        # (low down the triangle's apex widens into the blunt wedge of the lateral process, reaching
        # further back than forward: its underside is the front-lateral part of the posterior facet)
        low = 1.0 - _smoothstep((b - proc_b) / LATERAL_PROCESS_FADE_MM)
        half = 2.5 + 0.46 * (b - proc_b) + low * np.where(a < proc_a, LATERAL_PROCESS_WIDEN_MM[0],
                                                          LATERAL_PROCESS_WIDEN_MM[1])
        outside = _smoothstep((np.abs(a - proc_a) - half) / 8.0)
        lateral = c - (face - narrow - (1.8 + 0.6 * np.maximum(bulge, 0.0)) * outside)
        # the posterior surface, leaning back below; narrower than the trochlea, rounded into the sides
        back = (-14.5 - 0.08 * np.maximum(0.0, 12.0 - b) + (0.008 + (BACK_ROUND - 0.008) * upper) * (c + 1.0) ** 2) - a
        # the dome's front edge, its corners rounded back into the neck (the neck takes over in front)
        front = (a - b) * 0.7071 - 8.5 + FRONT_ROUND * upper * (c + 2.0) ** 2
        bottom = -19.0 - b
        body = smax(top, medial, k=MEDIAL_RIDGE_K)  # the medial ridge lower and rounded, the lateral sharp
        body = smax(body, lateral, k=1.6)
        body = smax(body, back, k=3.0)
        body = smax(body, front, k=6.0)
        body = smax(body, bottom, k=5.0)
        # posterior process: a short projection flattened from above down, its corners swelling into the
        # tubercles (the lateral larger, reaching further back and down), the FHL groove between them
        process = ellipsoid(p, process_c, (5.5, 3.8, 10.5), D.F)
        tubercles = smin(process, ellipsoid(p, post_lat, (5.5, 4.5, 5.5), D.F),
                         ellipsoid(p, post_med, (3.8, 3.2, 3.4), D.F), k=3.0)
        # the neck: short and broad, flattened from above down, directed forward, medially and down,
        # its dorsal surface sweeping from the trochlea's front edge to the head; only a shallow waist
        # behind the head ([Gray268], [KTal])
        neck = _flat_capsule(p, neck_a, neck_axes, neck_len, NECK_HALF_MM)
        head = ellipsoid(p, TN, HEAD_MM, head_axes)
        # under its medial half the head is fuller: its anterior and middle calcaneal facets, resting on the
        # sustentaculum ([Gray268]), keep the plantar-medial quarter of a head tilted 40 deg (the calcaneus's
        # facets are shaped to it: tests/anatomy/test_subtalar.py)
        plantar = smax(ellipsoid(p, TN, (11.5, 10.3, 14.6), _tilted(plantar_axes, 40.0)),
                       np.maximum((p - TN) @ plantar_axes[1] + 3.0, (p - TN) @ plantar_axes[2] - 2.0), k=3.0)
        head = smin(head, plantar, k=3.0)
        d = smin(body, tubercles, k=5.0)
        d = smin(d, neck, k=5.0)
        d = smin(d, head, k=5.0)
        # keep the trochlea clean: nothing of the neck above the dome
        above = np.maximum(np.maximum(-top, (a - b) * 0.7071 - 10.0), -b)
        d = smax(d, -above, k=0.8)
        # the FHL groove: a shallow channel across the back of the process, running down and a little
        # forward between the tubercles (a groove in one process, not a cleft between two knobs)
        d = ssub(d, capsule(p, fhl + D.F[1] * 6.0 + D.F[0] * 1.5, fhl - D.F[1] * 8.0 - D.F[0] * 0.5, 3.0), k=2.0)
        # the deep deltoid's insertion below the tail of the medial facet: a broad, shallow hollow
        d = ssub(d, ellipsoid(p, D.to_foot([-3.0, -6.5, -13.5]), (7.5, 5.5, 4.0), D.F), k=3.0)
        return d

    def f(p):
        d = shape(p)
        # under-surface: the deeply concave posterior calcaneal facet, the sulcus tali in front
        # the facet's floor: the body reaches down to the cone within the facet's outline, by at most
        # FACET_FILL_MM (the body moved down that far bounds it: no shelf where the cone falls away) ...
        floor = smax(-cone(p), smax(cone.footprint(p), (p - cone.centre) @ cone.axes[1] - 6.0, k=2.0), k=3.0)
        d = smin(d, smax(floor, shape(p + cone.axes[1] * FACET_FILL_MM), k=2.0), k=3.0)
        # ... and nothing of the talus stands inside the cone there
        d = ssub(d, smax(cone(p), cone.footprint(p, grow=1.0), k=2.0), k=1.5)
        sulcus = capsule(p, ftop + [5.0, 1.5, -13.0], ftop + [17.5, 0.0, 12.0], 2.5, 5.0)
        d = ssub(d, sulcus, k=2.0)
        return d
    return f


BONES = {"talus": talus}
SETTINGS = {"talus": {"voxel_mm": 0.5, "triangles": 7000}}
