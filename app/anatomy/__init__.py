"""What the foot is: bones, joints, coordinates, ranges, and forward kinematics (numpy only)."""

from app.anatomy.rig import Bone, Coordinate, Dof, Joint, Rig, RigError, load_rig
from app.anatomy.kinematics import Kinematics, mirror_transforms

__all__ = ["Bone", "Coordinate", "Dof", "Joint", "Rig", "RigError", "load_rig", "Kinematics", "mirror_transforms"]
