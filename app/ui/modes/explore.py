"""Explore mode: move any joint yourself, one coordinate or one composite motion at a time.

The pose lives in :class:`PoseModel` (beside the controller, like the playback state): the coordinate
vector ``q`` (rig order; degrees or mm, the rig's sign conventions) and its undo history (a
``QUndoStack``: each edit is a command holding the pose before and after, so undo and redo restore
exact poses; the edits of one slider drag merge into one step). Widgets send the model edits; the
model emits ``pose_changed``; the mode hands ``kin.transforms(q)`` to the presenter: one render per
change, coalesced by Qt while a slider is dragged.

Limits: a coordinate may go past its normal range (shown in a warning colour) up to its hard limit
(:func:`app.anatomy.composites.hard_limits`), never beyond.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.anatomy import Kinematics
from app.anatomy.composites import CompositeError, hard_limits, load_composites

REGIONS = ("ankle", "hindfoot", "midfoot", "forefoot", "toes")


def region_of(rig, coordinate) -> str:
    """The region of the foot a coordinate moves: ankle, hindfoot, midfoot, forefoot or toes."""
    c = rig.coordinate(coordinate) if isinstance(coordinate, str) else coordinate
    if c.joint == "talocrural":
        return "ankle"
    child = rig.joint(rig.tree_joints(c.joint)[0]).child
    return rig.bone(child).group


def joint_label(rig, joint: str) -> str:
    if joint in rig.functional_joints:
        return rig.functional_joints[joint]["label"]
    return rig.joint(joint).label


class _PoseEdit(QUndoCommand):
    def __init__(self, model: "PoseModel", before: np.ndarray, after: np.ndarray, text: str, merge: int):
        super().__init__(text)
        self.model, self.before, self.after, self.merge = model, before.copy(), after.copy(), merge

    def id(self) -> int:  # noqa: A003 - Qt's name
        return self.merge

    def mergeWith(self, other) -> bool:  # noqa: N802
        if other.id() != self.id() or self.merge < 0:
            return False
        self.after = other.after.copy()
        return True

    def redo(self) -> None:
        self.model._apply(self.after)

    def undo(self) -> None:
        self.model._apply(self.before)


@dataclass
class _AxesOf:
    """What the presenter needs to draw a joint's axis (a technique without contacts)."""

    joints: tuple[str, ...]
    contacts: tuple = ()
    moved_bones: tuple[str, ...] = ()


@dataclass
class _StillTimeline:
    """A timeline of one still frame, for the overlays of a pose that is not a technique's."""

    rig: object
    n_frames: int = 1

    def sample_coordinates(self) -> np.ndarray:
        return np.zeros((1, len(self.rig.coordinates)))

    def phase_named(self, _name):
        return None


class PoseModel(QObject):
    """The explore pose: coordinate values (rig order) with undo and redo."""

    pose_changed = Signal()
    touched = Signal(str)  # the joint last moved (for its axis)
    dragging_changed = Signal(bool)  # a slider drag started (True) or ended (False)

    def __init__(self, rig, parent: QObject | None = None):
        super().__init__(parent)
        self.rig = rig
        self.kin = Kinematics(rig)
        self.q = np.zeros(len(rig.coordinates))
        self.limits = hard_limits(rig)
        self.problem: str | None = None
        try:
            self.composites = load_composites(rig)
        except CompositeError as exc:  # the joints stay explorable one by one
            self.composites, self.problem = {}, str(exc)
        self.undo_stack = QUndoStack(self)
        self._merge_ids: dict[str, int] = {}
        self._next_merge_id = 0
        self._edits: list[_PoseEdit] = []  # the stack's commands, for the history plot

    # -- reading -------------------------------------------------------------------------------------
    def value(self, coordinate: str) -> float:
        return float(self.q[self.rig.coordinate(coordinate).index])

    def composite_value(self, name: str) -> float:
        return self.composites[name].value(self.q)

    def transforms(self) -> np.ndarray:
        """World transforms of every bone in this pose (right-foot frame, mm)."""
        return self.kin.transforms(self.q)

    def moved_bones(self) -> set[str]:
        out: set[str] = set()
        for c in self.rig.coordinates:
            if self.q[c.index] != 0.0:
                out |= self.rig.bones_moved_by(c.name)
        return out

    # -- editing -------------------------------------------------------------------------------------
    def clamp(self, q: np.ndarray) -> np.ndarray:
        return np.clip(q, self.limits[:, 0], self.limits[:, 1])

    def set_pose(self, q, text: str = "Set pose", *, merge_key: str | None = None) -> None:
        """Make ``q`` the pose (clamped to the hard limits) as one undoable step.

        Consecutive edits with the same ``merge_key`` (one slider drag) merge into one step."""
        after = self.clamp(np.asarray(q, dtype=float))
        if np.array_equal(after, self.q):
            return
        if merge_key and not self._merge_ids:  # the first edit of a drag
            self.dragging_changed.emit(True)
        if merge_key and merge_key not in self._merge_ids:
            self._next_merge_id += 1  # a new drag never merges with an earlier one
            self._merge_ids[merge_key] = self._next_merge_id
        merge = self._merge_ids[merge_key] if merge_key else -1
        edit = _PoseEdit(self, self.q, after, text, merge)
        del self._edits[self.undo_stack.index():]
        self.undo_stack.push(edit)
        if self.undo_stack.count() > len(self._edits):
            self._edits.append(edit)
        self.pose_changed.emit()  # after the push: the history already holds this edit

    def undo(self) -> None:
        if self.undo_stack.canUndo():
            self.undo_stack.undo()
            self.pose_changed.emit()

    def redo(self) -> None:
        if self.undo_stack.canRedo():
            self.undo_stack.redo()
            self.pose_changed.emit()

    def history(self) -> tuple[np.ndarray, int]:
        """Every pose of the undo history ((n + 1, n_coordinates): neutral or the first pose before
        the first edit, then after each edit) and the index of the pose shown now."""
        first = self._edits[0].before if self._edits else self.q
        return np.array([first] + [e.after for e in self._edits]), self.undo_stack.index()

    def set_coordinate(self, coordinate: str, value: float, *, dragging: bool = False) -> None:
        c = self.rig.coordinate(coordinate)
        q = self.q.copy()
        q[c.index] = float(value)
        self.set_pose(q, f"{coordinate} = {float(value):g} {c.unit}", merge_key=coordinate if dragging else None)
        self.touched.emit(c.joint)

    def set_composite(self, name: str, value: float, *, dragging: bool = False) -> None:
        comp = self.composites[name]
        self.set_pose(comp.apply(self.q, value), f"{comp.label} = {float(value):g} {comp.unit}",
                      merge_key=f"composite:{name}" if dragging else None)
        self.touched.emit(self.rig.coordinate(comp.coordinates[0]).joint)

    def reset_joint(self, joint: str) -> None:
        q = self.q.copy()
        for c in self.rig.coordinates:
            if c.joint == joint:
                q[c.index] = 0.0
        self.set_pose(q, f"Reset {joint}")

    def reset_all(self) -> None:
        self.set_pose(np.zeros_like(self.q), "Reset all joints")

    def end_drag(self) -> None:
        """Close the current drag: the next edit starts a new undo step."""
        if self._merge_ids:
            self._merge_ids.clear()
            self.dragging_changed.emit(False)

    def _apply(self, q: np.ndarray) -> None:
        self.q = q.copy()  # the caller (set_pose, undo, redo) announces the change once


class ExploreMode:
    name = "explore"
    title = "Explore the joints"

    def __init__(self, window):
        from PySide6.QtCore import Qt

        from app.ui.explore_panel import JointSliders

        self.window = window
        self.presenter = window.presenter
        self.model = PoseModel(window.rig, window)
        self.active = False
        self.joint = None
        self.panel = JointSliders(self.model, window.actions)
        self.dock = window.add_dock("Explore joints", self.panel, Qt.RightDockWidgetArea)
        self.dock.hide()
        self.model.pose_changed.connect(self._show)
        self.model.touched.connect(self._on_touched)
        # a slider drag moves the picture like playing does: reduced resolution while it is too slow
        # for full, a full-resolution frame as soon as the slider is let go
        self.model.dragging_changed.connect(lambda on: window.view.set_moving("slider", on))
        self.readout = window.readout

    def activate(self) -> None:
        self.active = True
        self.window.player.pause()
        if self.model.problem:
            self.window.statusBar().showMessage(f"Composite motions unavailable: {self.model.problem}", 15000)
        self.dock.show()
        self.dock.raise_()
        self.presenter.set_technique(self._axes(), tint=False, timeline=_StillTimeline(self.window.rig))
        self._show()

    def _axes(self) -> _AxesOf:
        moving = tuple(b.name for b in self.window.rig.bones if b.parent is not None)
        return _AxesOf(joints=(self.joint,) if self.joint else (), moved_bones=moving)

    def deactivate(self) -> None:
        self.active = False
        self.dock.hide()
        self._readout_names = self._tinted = None

    def _on_touched(self, joint: str) -> None:
        if joint != self.joint:
            self.joint = joint
            if self.active:
                self.presenter.set_technique(self._axes(), tint=False, timeline=_StillTimeline(self.window.rig))
                self.presenter.show_pose(self.model.transforms(), 0)

    def _show(self) -> None:
        if not self.active:
            return
        moved = self.model.moved_bones()
        if moved != getattr(self, "_tinted", None):  # tint the bones the pose moves (only when that changes)
            self.presenter.scene.set_roles(moved)
            self._tinted = moved
        self.presenter.show_pose(self.model.transforms(), 0)
        self._show_readout()

    def _show_readout(self) -> None:
        """The readout lists the coordinates the pose history moves; its plot runs over the history."""
        poses, index = self.model.history()
        moved = [c.name for c in self.window.rig.coordinates if np.any(poses[:, c.index] != 0.0)]
        x = np.arange(len(poses), dtype=float)
        if moved != getattr(self, "_readout_names", None):
            self.readout.show_series(moved, x, poses, "pose change", None)
            self._readout_names = moved
        else:
            self.readout.update_series(x, poses)
        self.readout.show_values(self.model.q, float(index))

    def take_frame_pose(self) -> bool:
        """Copy the pose of the playback frame (true size) into explore mode and switch to it."""
        w = self.window
        tl = w.player.timeline
        if tl is None:
            w.statusBar().showMessage("Open a technique first: its frame's pose is what is copied", 4000)
            return False
        self.model.set_pose(tl.coordinates(w.player.frame), f"Pose of {tl.technique.name}, frame {w.player.frame}")
        w.set_mode("explore")
        return True
