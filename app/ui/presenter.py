"""The scene presenter: turns the controller's state and the active mode's pose into the 3D view.

Modes never touch actors: a mode hands the presenter a pose (``show_pose(W)``, W = (n_bones, 4, 4),
right-foot foot frame, mm) and the technique whose overlays to draw (``set_technique``). Everything
else the presenter reads from the controller's :class:`~app.ui.state.DisplayState` and follows through
``changed``: the side of the foot, the ghost, joint axes, contacts (and the visibility and labels
layers that observe it in the same way).

Each change ends in one ``view.request_render()``: Qt coalesces requests, so one change costs one
VTK render however many layers it touched.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject

from app.anatomy.kinematics import mirror_transforms


class ScenePresenter(QObject):
    def __init__(self, view, player, rig, parent: QObject | None = None):
        super().__init__(parent)
        self.view, self.player, self.rig = view, player, rig
        self.scene = view.scene
        self.technique = None
        self.timeline = None
        self.frame: int | None = None
        self.overlays = None
        self.pose = np.tile(np.eye(4), (len(rig.bones), 1, 1))
        self.ghost_bones: list[str] | None = None  # None: every bone
        self.layers: list = []  # more drawn layers posed with the bones: .update(W drawn, W true size or None)
        player.changed.connect(self._on_changed)
        # while playing the view may render at reduced resolution; the frame it pauses on is full
        player.playing_changed.connect(lambda on: view.set_moving("playing", on))

    # -- what modes call ----------------------------------------------------------------------------
    def show_pose(self, W: np.ndarray, frame: int | None = None, *, W_true: np.ndarray | None = None) -> None:
        """Pose every bone (right-foot frame) and the overlays riding on them (``frame``: the timeline
        frame, which decides which contacts show and their arrows' sense); one render. ``W_true``: the
        same pose at true size when ``W`` is magnified (the layers' numbers use it)."""
        self.pose = np.asarray(W, dtype=float)
        self.scene.set_transforms(self.pose)
        if self.overlays is not None:
            self.overlays.set_transforms(self.pose, frame)
            if frame is not None:
                self.frame = frame
                if self.player.display.hidden:
                    self._hide_on_hidden_bones(self.player.display.hidden)
        for layer in self.layers:
            layer.update(self.pose, W_true)
        self.view.request_render()

    def set_technique(self, technique, *, tint: bool = True, timeline=None) -> None:
        """Draw ``technique``'s contacts and joint axes (None: none) and tint the bones it works on;
        ``timeline`` numbers the frames later passed to :meth:`show_pose`."""
        self.technique = technique
        self.timeline = timeline
        if tint:
            if technique is None:
                self.scene.set_roles()
            else:
                self.scene.set_roles(technique.worked_bones, technique.stabilised_bones)
        self.ghost_bones = list(technique.moved_bones) if technique is not None else None
        self._rebuild_overlays()
        self._apply_ghost()
        self.view.request_render()

    def set_ghost_bones(self, bones) -> None:
        """Which bones the neutral-pose ghost shows (None: all)."""
        self.ghost_bones = list(bones) if bones is not None else None
        self._apply_ghost()
        self.view.request_render()

    def hide_overlays_of(self, hidden) -> None:
        """Show the overlays as the axes/contacts toggles say, except those riding on hidden bones."""
        if self.overlays is None:
            return
        d = self.player.display
        self.overlays.set_visible(contacts=d.contacts, axes=d.axes)
        self._hide_on_hidden_bones(hidden)

    def _hide_on_hidden_bones(self, hidden) -> None:
        for bone, actor in self.overlays.contact_actors + self.overlays.axis_actors:
            if bone in hidden:
                actor.SetVisibility(False)

    def shown_transforms(self) -> np.ndarray:
        """The matrices on the bone actors now, in the right-foot frame (what tests compare)."""
        W = np.array([self.scene.shown_transform(b.name) for b in self.rig.bones])
        return mirror_transforms(W) if self.scene.side == "left" else W

    # -- following the state ----------------------------------------------------------------------------
    def _on_changed(self, name: str) -> None:
        d = self.player.display
        if name == "side":
            self.view.set_side(d.side)
            self._rebuild_overlays()
            self._apply_ghost()
            self.show_pose(self.pose, self.frame)
        elif name == "ghost":
            self._apply_ghost()
        elif name in ("axes", "contacts"):
            self.hide_overlays_of(d.hidden)
        else:
            return
        self.view.request_render()

    def _rebuild_overlays(self) -> None:
        from app.scene.overlays import TechniqueOverlays

        if self.overlays is not None:
            self.overlays.remove()
            self.overlays = None
        if self.technique is None:
            return
        d = self.player.display
        self.overlays = TechniqueOverlays(self.view.plotter, self.rig, self.technique, side=d.side,
                                          timeline=self.timeline, meshes=self.scene.meshes)
        self.overlays.set_transforms(self.pose, self.frame)
        self.hide_overlays_of(d.hidden)

    def _apply_ghost(self) -> None:
        self.scene.set_ghost(self.player.display.ghost, self.ghost_bones)
