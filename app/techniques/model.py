"""What a technique is: frozen records built from a validated techniques file.

Times are seconds of *authored* time (one pass through each phase); a phase with ``repeat: n`` is
played n times on the timeline (:mod:`app.techniques.timeline` expands it). Coordinate values are in
the rig's units: degrees for rotations, millimetres for translations (true size; the display
magnification is applied only when drawing). A contact names a landmark of its bone; its points and
directions are in the bone frame (the foot frame at the bind pose: X anterior, Y superior, Z lateral,
right foot, mm) and move with that bone.
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
    """A practitioner's contact: which hand and part, on which landmark of which bone, the force.

    The place is a landmark of :mod:`app.anatomy.landmarks` plus ``offset_mm``; ``point_mm`` and
    ``normal`` are where that is in the bone frame (the foot frame at the neutral pose, mm) and the
    bone's outward surface normal there, resolved when the file is loaded. The contact rides on its
    bone: the bone's world transform carries the point, the normal and the arrow.

    The arrow is straight along ``direction`` (a unit vector in the bone frame, so it turns with the
    bone), or, when ``about`` names a rotation coordinate, curved about that coordinate's joint axis
    (positive sense: the coordinate's positive rotation). When ``follows`` names a coordinate, the
    arrow's sense follows the sign of that coordinate's velocity: as authored while it increases,
    reversed while it decreases; a curved arrow follows its ``about`` coordinate unless told otherwise.
    ``phases``: the phases during which the contact is shown (empty: all of them).
    """

    hand: str  # "left", "right" or "both"
    part: str  # "thumb", "fingers", "palm", "thumbs", ...
    bone: str
    landmark: str
    offset_mm: tuple[float, float, float]  # bone frame, mm
    point_mm: tuple[float, float, float]  # landmark + offset, bone frame, mm
    normal: tuple[float, float, float]  # the landmark's outward surface normal, bone frame
    direction: tuple[float, float, float] | None  # unit vector, bone frame; None for a curved arrow
    label: str
    about: str | None = None  # rotation coordinate of a curved arrow
    follows: str | None = None  # coordinate whose velocity sign sets the arrow's sense
    phases: tuple[str, ...] = ()  # shown only during these phases (empty: always)
    converted_from_point_mm: bool = False  # read from the old ``point_mm`` form

    @property
    def curved(self) -> bool:
        return self.about is not None

    @property
    def sense_coordinate(self) -> str | None:
        """The coordinate whose motion turns the arrow round (None: the arrow never turns round)."""
        return self.follows or self.about


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
