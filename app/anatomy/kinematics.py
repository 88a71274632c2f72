"""Forward kinematics: a pose (coordinate values) -> one 4x4 world transform per bone.

Shape of the computation (pinocchio style; the rig is never changed by it)::

    q (n_coords,)  --per dof-->  M_dof = T(p) R(axis, q_i) T(-p)   or   Tr(axis * q_i)
                   --per joint-> local_j = M_dof1 @ M_dof2 @ ...       (dof 1 outermost)
                   --per bone--> W_child = W_parent @ local_j          (topological order)

Every axis and point is given in the bind pose, in the foot frame (X anterior, Y superior, Z lateral,
mm). A transform ``W`` maps a bone's bind-pose coordinates to its current world position, so the zero
pose gives the identity for every bone. Angles are in degrees, translations in millimetres.

The left foot is the mirror image: ``W_left = S @ W_right @ S`` with ``S = diag(1, 1, -1, 1)``, the same
coordinate values meaning the same anatomical motion on either side (see :func:`mirror_transforms`).

Example::

    kin = Kinematics(load_rig())
    T = kin.transforms(kin.pose_vector({"talocrural.dorsiflexion": 10.0}))   # (28, 4, 4)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from app.anatomy.rig import Rig

MIRROR = np.diag([1.0, 1.0, -1.0, 1.0])


class Kinematics:
    """Forward kinematics of one rig; cheap to call many times (all set-up is done once here)."""

    def __init__(self, rig: Rig):
        self.rig = rig
        n_bones = len(rig.bones)
        self.parent_index = np.array([-1 if b.parent is None else rig.bone(b.parent).index for b in rig.bones])
        rot, trans = [], []  # (slot, coord index, axis, point) per dof kind
        self._joint_slots: list[tuple[int, list[int]]] = []  # (child bone index, dof slots in order)
        slot = 0
        for j in rig.joints:
            slots = []
            for d in j.dofs:
                ci = rig.coordinate(d.coordinate).index
                (rot if d.kind == "rotation" else trans).append((slot, ci, d.axis, d.point_mm))
                slots.append(slot)
                slot += 1
            self._joint_slots.append((rig.bone(j.child).index, slots))
        self.n_dofs = slot
        self._rot_slot = np.array([r[0] for r in rot], dtype=int)
        self._rot_coord = np.array([r[1] for r in rot], dtype=int)
        self._rot_axis = np.array([r[2] for r in rot], dtype=float).reshape(-1, 3)
        self._rot_point = np.array([r[3] for r in rot], dtype=float).reshape(-1, 3)
        self._tr_slot = np.array([t[0] for t in trans], dtype=int)
        self._tr_coord = np.array([t[1] for t in trans], dtype=int)
        self._tr_axis = np.array([t[2] for t in trans], dtype=float).reshape(-1, 3)
        # Cross-product matrices K and K @ K of every rotation axis, for Rodrigues' formula.
        a = self._rot_axis
        K = np.zeros((len(a), 3, 3))
        K[:, 0, 1], K[:, 0, 2], K[:, 1, 2] = -a[:, 2], a[:, 1], -a[:, 0]
        K[:, 1, 0], K[:, 2, 0], K[:, 2, 1] = a[:, 2], -a[:, 1], a[:, 0]
        self._K, self._KK = K, K @ K
        # Bones in topological order whose transform is computed from a joint.
        order = {child: slots for child, slots in self._joint_slots}
        self._order = [(b.index, self.parent_index[b.index], order.get(b.index, [])) for b in rig.bones]
        self._n_bones = n_bones

    # -- poses ----------------------------------------------------------------------------------
    def pose_vector(self, pose: Mapping[str, float] | None = None) -> np.ndarray:
        """Coordinate values by name -> vector in rig order (missing names are 0; unknown raise KeyError)."""
        q = np.zeros(len(self.rig.coordinates))
        for name, value in (pose or {}).items():
            q[self.rig.coordinate(name).index] = value
        return q

    def dof_matrices(self, q: np.ndarray) -> np.ndarray:
        """(n_dofs, 4, 4) motion of every dof for coordinate vector ``q`` (deg / mm)."""
        M = np.zeros((self.n_dofs, 4, 4))
        M[:, 0, 0] = M[:, 1, 1] = M[:, 2, 2] = M[:, 3, 3] = 1.0
        if len(self._rot_slot):
            th = np.radians(q[self._rot_coord])[:, None, None]
            R = np.eye(3) + np.sin(th) * self._K + (1.0 - np.cos(th)) * self._KK
            M[self._rot_slot, :3, :3] = R
            p = self._rot_point
            M[self._rot_slot, :3, 3] = p - np.einsum("nij,nj->ni", R, p)
        if len(self._tr_slot):
            M[self._tr_slot, :3, 3] = self._tr_axis * q[self._tr_coord][:, None]
        return M

    def transforms(self, q: np.ndarray | Mapping[str, float]) -> np.ndarray:
        """(n_bones, 4, 4) world transform of every bone (bind pose -> world, foot frame, mm)."""
        if isinstance(q, Mapping):
            q = self.pose_vector(q)
        M = self.dof_matrices(np.asarray(q, dtype=float))
        W = np.empty((self._n_bones, 4, 4))
        eye = np.eye(4)
        for bone, parent, slots in self._order:
            base = eye if parent < 0 else W[parent]
            if not slots:
                W[bone] = base
                continue
            local = M[slots[0]]
            for s in slots[1:]:
                local = local @ M[s]
            W[bone] = base @ local
        return W

    def as_dict(self, W: np.ndarray) -> dict[str, np.ndarray]:
        return {b.name: W[b.index] for b in self.rig.bones}


def mirror_transforms(W: np.ndarray) -> np.ndarray:
    """Right-foot transforms -> the mirrored left foot's (``S @ W @ S``, S flips Z)."""
    return MIRROR @ W @ MIRROR
