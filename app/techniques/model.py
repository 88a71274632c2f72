"""What a technique is: frozen records built from a validated techniques file.

Times are seconds of *authored* time (one pass through each phase); a phase with ``repeat: n`` is
played n times on the timeline (:mod:`app.techniques.timeline` expands it). Coordinate values are in
the rig's units: degrees for rotations, millimetres for translations (true size; the display
magnification is applied only when drawing). Points and directions are in the foot frame (X anterior,
Y superior, Z lateral, right foot, mm) at the bind pose, on the named bone, and move with that bone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

INTERPOLATIONS = ("smooth", "linear", "step")


@dataclass(frozen=True)
class Key:
    """A value reached at time ``t_s``; ``interp`` shapes the segment from the previous key to this one."""

    t_s: float
    value: float
    interp: str = "smooth"


@dataclass(frozen=True)
class Oscillation:
    """A rhythm laid over a coordinate during one phase: ``value += amplitude * (1 - cos(2 pi f t)) / 2``.

    It starts and ends at zero when the phase holds a whole number of cycles (e.g. the traction jostle:
    the traction taken up and released at ``frequency_hz``).
    """

    coordinate: str
    phase: str
    frequency_hz: float
    amplitude: float


@dataclass(frozen=True)
class Phase:
    name: str
    duration_s: float  # one pass
    cue: str
    repeat: int = 1


@dataclass(frozen=True)
class Contact:
    """A practitioner's contact: which hand and part, on which bone and where, the force direction."""

    hand: str  # "left", "right" or "both"
    part: str  # "thumb", "fingers", "palm", "thumbs", ...
    bone: str
    point_mm: tuple[float, float, float]
    direction: tuple[float, float, float]  # unit vector, foot frame at bind pose; moves with the bone
    label: str


@dataclass(frozen=True)
class AnatomyNote:
    text: str
    bones: tuple[str, ...] = ()
    joints: tuple[str, ...] = ()
    source_paragraph: int | None = None


@dataclass(frozen=True)
class Technique:
    id: str
    name: str
    region: str
    summary: str
    duration_s: float  # authored: the sum of the phases' single passes
    joints: tuple[str, ...]  # joints it moves (rig joint or functional joint names)
    stabilised_joints: tuple[str, ...]
    moved_bones: tuple[str, ...]  # derived from the rig: every bone the tracks can move
    stabilised_bones: tuple[str, ...]
    worked_bones: tuple[str, ...]  # the bones its joints move directly (tinted in the view)
    phases: tuple[Phase, ...]
    tracks: dict[str, tuple[Key, ...]]
    oscillations: tuple[Oscillation, ...]
    contacts: tuple[Contact, ...]
    precautions: tuple[str, ...]
    source_paragraphs: tuple[int, ...]
    display_magnification: float
    anatomy_notes: tuple[AnatomyNote, ...] = ()
    targets: tuple[str, ...] = ()  # names of the tissues it works on (meshes/tissues.json)
    file: str = ""
    raw: dict = field(default_factory=dict, repr=False, compare=False)  # the JSON object it came from
