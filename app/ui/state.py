"""The window's state as plain data: what is shown, owned by the controller, mirrored by widgets.

Two dataclasses, both owned by :class:`~app.ui.player.PlaybackController` (the only code that writes
them); the controller emits ``changed(field)`` after each change, and QActions and panels mirror
the fields (never the other way round: a QAction's check state is a view of a field here).

- :class:`PlaybackState`: the frame shown, play/pause, speed, loop modes and magnification of the
  current technique (the timeline itself lives on the controller).
- :class:`DisplayState`: what the 3D view shows whatever the mode: which foot (``side``, the one place
  the side lives), the neutral-pose ghost, joint axes, practitioner contacts, bone labels, hidden
  bones, the X-ray fade of unselected bones, the selected bone, and the mode (playback, explore, quiz).

To add a toggle (an overlay, a panel's option): add a field to :class:`DisplayState`, an
``ActionSpec(..., state="<field>")`` to :mod:`app.ui.actions`, and observe ``changed`` where it is
drawn. Nothing else needs wiring.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

SIDES = ("right", "left")
MODES = ("playback", "explore", "quiz")


@dataclass
class PlaybackState:
    """Playback of the current technique. ``frame`` indexes the technique's timeline (``player.PLAYBACK_FPS``, 60 fps)."""

    frame: int = 0
    playing: bool = False
    speed: float = 1.0  # x real time
    loop: bool = True
    loop_phase: bool = False
    pause_at_phase_end: bool = False
    magnify: float | None = None  # display magnification of accessory motion, 1-10x


@dataclass
class DisplayState:
    """What the 3D view shows. Bone names are the rig's."""

    side: str = "right"  # "right" or "left" (the left foot is the mirror image)
    mode: str = "playback"  # one of MODES
    ghost: bool = False  # translucent copy of the neutral pose
    axes: bool = True  # axes of the joints being moved
    contacts: bool = True  # practitioner contacts and force arrows
    labels: bool = False  # bone names (landmark names on an isolated bone)
    hidden: frozenset[str] = field(default_factory=frozenset)  # bones not drawn
    xray: bool = False  # fade every bone but the selected one
    selected: str | None = None  # the picked bone
    tissue_groups: frozenset[str] = field(default_factory=frozenset)  # soft-tissue groups drawn (app.anatomy.tissues.GROUPS)
    tripod: bool = False  # the tripod on its ground plane and the arch heights

    def validate(self) -> None:
        if self.side not in SIDES:
            raise ValueError(f"side must be one of {SIDES}, not {self.side!r}")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {self.mode!r}")


def field_names(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))
