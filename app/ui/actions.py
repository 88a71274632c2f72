"""Every command of the window, declared once: id, text, shortcuts, tooltip, menu, checkable.

Menus, the transport toolbar, the Help -> Shortcuts list and the tests are all built from this table
(napari's ``_app_model`` habit at our scale). A handler is the window's method ``cmd_<id>``; a
checkable action's handler receives the new checked state.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    shortcuts: tuple[str, ...] = ()
    tooltip: str = ""
    menu: str = ""
    checkable: bool = False
    checked: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    # File
    ActionSpec("open_techniques", "&Open techniques...", ("Ctrl+O",), "Load your own techniques file beside the bundled library", "File"),
    ActionSpec("duplicate_technique", "&Duplicate and edit technique...", ("Ctrl+D",), "Copy the current technique into your own file and edit its cues, timing and amplitudes", "File"),
    ActionSpec("save_image", "Save &image...", ("Ctrl+S",), "Save the 3D view as a PNG picture", "File"),
    ActionSpec("export_video", "&Export video...", ("Ctrl+E",), "Export the current technique as MP4, GIF or PNG frames", "File"),
    ActionSpec("quit", "&Quit", ("Ctrl+Q",), "Close Talus", "File"),
    # View: camera presets
    ActionSpec("view_lateral", "&Lateral", ("1",), "Look at the outside of the foot", "View"),
    ActionSpec("view_medial", "&Medial", ("2",), "Look at the inside of the foot (the arch)", "View"),
    ActionSpec("view_dorsal", "&Dorsal", ("3",), "Look down on the top of the foot", "View"),
    ActionSpec("view_plantar", "&Plantar", ("4",), "Look up at the sole", "View"),
    ActionSpec("view_anterior", "&Anterior", ("5",), "Look at the front of the ankle and toes", "View"),
    ActionSpec("view_posterior", "P&osterior", ("6",), "Look at the heel from behind", "View"),
    ActionSpec("view_three_quarter", "&Three-quarter", ("7",), "An oblique view from the front and outside, above", "View"),
    ActionSpec("reset_view", "&Reset view", ("R",), "Fit the foot in the current preset view", "View"),
    ActionSpec("bookmark_camera", "&Bookmark this view...", ("Ctrl+B",), "Save the camera as a named bookmark of this technique", "View"),
    ActionSpec("left_foot", "L&eft foot", ("Ctrl+L",), "Show the mirrored left foot instead of the right", "View", checkable=True),
    ActionSpec("ghost", "&Ghost of neutral pose", ("G",), "Show a translucent copy of the neutral pose for comparison", "View", checkable=True),
    ActionSpec("show_axes", "Joint a&xes", ("X",), "Draw the axes of the joints the technique moves", "View", checkable=True, checked=True),
    ActionSpec("show_contacts", "Practitioner &contacts", ("C",), "Draw the practitioner's hands and the direction of force", "View", checkable=True, checked=True),
    ActionSpec("presentation", "&Presentation mode", ("F5",), "Full-screen view with the active cue as a large caption (Esc leaves)", "View", checkable=True),
    ActionSpec("leave_presentation", "Leave presentation", ("Esc",), "Leave presentation mode", "View"),
    ActionSpec("blank", "&Blank screen", ("B",), "Blank the view (for a pause in class); B again brings it back", "View", checkable=True),
    # Playback
    ActionSpec("play_pause", "&Play / pause", ("Space",), "Play or pause the technique", "Playback"),
    ActionSpec("step_back", "Step &back", ("Left",), "One frame back", "Playback"),
    ActionSpec("step_forward", "Step &forward", ("Right",), "One frame forward", "Playback"),
    ActionSpec("step_back_10", "Back 10 frames", ("Shift+Left",), "Ten frames back", "Playback"),
    ActionSpec("step_forward_10", "Forward 10 frames", ("Shift+Right",), "Ten frames forward", "Playback"),
    ActionSpec("previous_phase", "P&revious phase", ("Up", "PgUp"), "Go to the start of the previous phase (or of this one)", "Playback"),
    ActionSpec("next_phase", "&Next phase", ("Down", "PgDown"), "Go to the start of the next phase", "Playback"),
    ActionSpec("first_frame", "F&irst frame", ("Home",), "Go to the first frame", "Playback"),
    ActionSpec("last_frame", "&Last frame", ("End",), "Go to the last frame", "Playback"),
    ActionSpec("loop", "L&oop", ("L",), "Loop the technique (or the current phase, see Loop phase)", "Playback", checkable=True, checked=True),
    ActionSpec("loop_phase", "Loop current p&hase", ("Shift+L",), "Loop only the current phase", "Playback", checkable=True),
    ActionSpec("pause_at_phase_end", "P&ause after each phase", ("P",), "Stop at the end of every phase: learner-paced steps", "Playback", checkable=True),
    ActionSpec("slower", "Slo&wer", ("[",), "Play slower (down to 0.1x)", "Playback"),
    ActionSpec("faster", "Fa&ster", ("]",), "Play faster (up to 2x)", "Playback"),
    ActionSpec("normal_speed", "Normal spee&d", ("=",), "Play at 1x", "Playback"),
    # Help
    ActionSpec("shortcuts", "&Keyboard shortcuts", ("F1",), "List every shortcut", "Help"),
    ActionSpec("about", "&About Talus", (), "About Talus and its sources", "Help"),
)

MENUS = ("File", "View", "Playback", "Help")


def spec(action_id: str) -> ActionSpec:
    for a in ACTIONS:
        if a.id == action_id:
            return a
    raise KeyError(action_id)


def build_actions(window) -> dict[str, QAction]:
    """One QAction per spec, parented to ``window`` (window-wide shortcuts), wired to ``cmd_<id>``."""
    actions: dict[str, QAction] = {}
    for a in ACTIONS:
        handler = getattr(window, f"cmd_{a.id}", None)
        if handler is None:  # a window without this command does not show it
            continue
        act = QAction(a.text, window)
        if a.shortcuts:
            act.setShortcuts([QKeySequence(s) for s in a.shortcuts])
            keys = ", ".join(QKeySequence(s).toString(QKeySequence.NativeText) for s in a.shortcuts)
            act.setToolTip(f"{a.tooltip} ({keys})")
        else:
            act.setToolTip(a.tooltip)
        act.setStatusTip(a.tooltip)
        act.setShortcutContext(Qt.WindowShortcut)
        act.setCheckable(a.checkable)
        if a.checkable:
            act.setChecked(a.checked)
        (act.toggled if a.checkable else act.triggered).connect(
            (lambda checked, h=handler: h(checked)) if a.checkable else (lambda _=False, h=handler: h()))
        window.addAction(act)  # shortcuts work even when the menu bar is hidden (presentation mode)
        actions[a.id] = act
    return actions


def shortcut_rows(available=None) -> list[tuple[str, str, str]]:
    """(menu, command, keys) for the Help -> Shortcuts list (only ``available`` ids when given)."""
    rows = []
    for a in ACTIONS:
        if a.shortcuts and (available is None or a.id in available):
            keys = " or ".join(QKeySequence(s).toString(QKeySequence.NativeText) for s in a.shortcuts)
            rows.append((a.menu, a.text.replace("&", ""), keys))
    return rows
