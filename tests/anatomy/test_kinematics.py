"""Forward kinematics: invariants a student would notice if they broke (bones flying off, joints
moving the wrong bones, a left foot that is not the mirror of the right)."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from app.anatomy import Kinematics, load_rig, mirror_transforms




@pytest.fixture(scope="module")
def kin(rig):
    return Kinematics(rig)


def test_rig_has_the_28_bones_of_the_issue_and_the_two_sesamoids(rig):
    assert len(rig.bones) == 30
    assert {"sesamoid_medial", "sesamoid_lateral"} <= set(rig.bone_names)
    names = set(rig.bone_names)
    for required in ["tibia", "fibula", "talus", "calcaneus", "navicular", "cuboid", "medial_cuneiform",
                     "intermediate_cuneiform", "lateral_cuneiform", "metatarsal_2", "proximal_phalanx_1",
                     "distal_phalanx_1", "middle_phalanx_5", "distal_phalanx_5"]:
        assert required in names
    assert "middle_phalanx_1" not in names  # the hallux has two phalanges
    assert sum(b.group == "toes" for b in rig.bones) == 14


def test_every_joint_axis_is_a_unit_vector(rig):
    for j in rig.joints:
        for d in j.dofs:
            assert np.linalg.norm(d.axis) == pytest.approx(1.0, abs=1e-9), (j.name, d.coordinate)


def test_zero_pose_reproduces_the_bind_pose(kin):
    W = kin.transforms(kin.pose_vector())
    assert np.allclose(W, np.eye(4), atol=1e-12)


def test_axes_follow_the_literature(rig):
    ankle = rig.joint("talocrural").dofs[1].axis
    # close to the bimalleolar line: lateral end about 10 deg lower, about 6 deg posterior (gait2392)
    assert np.degrees(np.arcsin(-ankle[1])) == pytest.approx(10.0, abs=0.5)
    assert np.degrees(np.arctan2(-ankle[0], ankle[2])) == pytest.approx(6.1, abs=0.5)
    stj = rig.joint("subtalar").dofs[0].axis
    assert np.degrees(np.arcsin(stj[1])) == pytest.approx(42.0, abs=0.5)
    assert np.degrees(np.arctan2(-stj[2], stj[0])) == pytest.approx(16.0, abs=0.5)


def test_dorsiflexion_lifts_the_toes_and_inversion_turns_the_sole_medially(rig, kin):
    toe_tip = rig.joint("distal_interphalangeal_2").centre_mm
    W = kin.as_dict(kin.transforms({"talocrural.dorsiflexion": 15.0}))
    assert (W["distal_phalanx_2"] @ np.append(toe_tip, 1))[1] > toe_tip[1] + 20
    W = kin.as_dict(kin.transforms({"subtalar.inversion": 20.0}))
    sole_normal = W["calcaneus"][:3, :3] @ np.array([0.0, -1.0, 0.0])
    assert sole_normal[2] < -0.2  # the sole faces medially (-Z) on the right foot


@pytest.mark.parametrize("coordinate", ["talocrural.dorsiflexion", "subtalar.inversion",
                                        "transverse_tarsal.supination", "tarsometatarsal_3.dorsiflexion",
                                        "metatarsophalangeal_1.extension", "metatarsophalangeal_4.rotation",
                                        "proximal_interphalangeal_5.flexion", "talocrural.distraction"])
def test_moving_a_joint_moves_every_descendant_and_nothing_else(rig, kin, coordinate):
    c = rig.coordinate(coordinate)
    value = c.range[1] * 0.8 if c.range[1] > 0 else c.range[0] * 0.8
    W0 = kin.transforms(kin.pose_vector())
    W = kin.transforms({coordinate: value})
    moved = {b.name for b in rig.bones if not np.allclose(W[b.index], W0[b.index], atol=1e-9)}
    assert moved == rig.bones_moved_by(coordinate)
    joint = next(j for j in rig.joints if any(d.coordinate == coordinate for d in j.dofs))
    assert rig.descendants(joint.child) | {joint.child} <= moved


def test_distraction_translates_the_talus_along_the_tibia(rig, kin):
    W = kin.as_dict(kin.transforms({"talocrural.distraction": 2.0}))
    assert np.allclose(W["talus"][:3, 3], [0, -2.0, 0])
    assert np.allclose(W["talus"][:3, :3], np.eye(3))


def test_transverse_tarsal_moves_navicular_and_cuboid_as_one_unit(rig, kin):
    W = kin.as_dict(kin.transforms({"transverse_tarsal.supination": 10.0, "subtalar.inversion": 15.0}))
    assert np.allclose(W["navicular"], W["cuboid"], atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1, 1), min_size=47, max_size=47))
def test_transforms_are_rigid_for_any_pose_in_range(values):
    rig = load_rig()
    kin = Kinematics(rig)
    q = np.array([c.range[0] + (v + 1) / 2 * (c.range[1] - c.range[0]) for c, v in zip(rig.coordinates, values)])
    W = kin.transforms(q)
    R = W[:, :3, :3]
    assert np.allclose(R @ np.transpose(R, (0, 2, 1)), np.eye(3), atol=1e-9)
    assert np.allclose(np.linalg.det(R), 1.0)
    assert np.allclose(W[:, 3], [0, 0, 0, 1])
    # the joint centre of every joint stays attached: the child's copy of the centre moves with the parent's
    for j in rig.joints:
        if all(d.kind == "rotation" and np.allclose(d.point_mm, j.centre_mm) for d in j.dofs):
            p = np.append(j.centre_mm, 1)
            assert np.allclose(W[rig.bone(j.child).index] @ p, W[rig.bone(j.parent).index] @ p, atol=1e-6)


def test_left_foot_is_the_mirror_image(rig, kin):
    W = kin.transforms({"subtalar.inversion": 20.0, "talocrural.dorsiflexion": 10.0})
    L = mirror_transforms(W)
    p = np.array([60.0, 30.0, 15.0, 1.0])
    S = np.diag([1, 1, -1, 1.0])
    for i in range(len(rig.bones)):
        assert np.allclose(L[i] @ (S @ p), S @ (W[i] @ p))
        assert np.linalg.det(L[i][:3, :3]) == pytest.approx(1.0)
