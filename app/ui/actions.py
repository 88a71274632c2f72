"""Every command of the window, declared once: id, text, shortcuts, tooltip, menu, and what it does.

Menus, the transport toolbar, the Help -> Shortcuts list and the tests are all built from this table
(napari's ``_app_model`` habit at our scale). What a command does is part of its row:

- ``run=``: a function of the window (``run=lambda w: w.player.step(1)``); a checkable action's
  ``run`` also receives the new checked state.
- ``state=``: a checkable action that mirrors a field of the controller's state
  (:mod:`app.ui.state`); toggling it sets the field (``state_on`` when checked, ``state_off`` when
  not), and a change of the field from anywhere else re-checks the action. No ``run`` needed.

A row with neither is an error when the table is built (:class:`MissingHandler`), never a command
that silently does nothing. Camera presets are generated from :data:`app.scene.camera.VIEWS`.

To add a command: one ``ActionSpec`` row here (and, for a toggle of what is shown, a field in
:class:`~app.ui.state.DisplayState`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QAction, QKeySequence

from app.scene.camera import VIEW_HINTS, VIEWS


PLAYBACK, EXPLORE, WATCH_OR_EXPLORE = ("playback",), ("explore",), ("playback", "explore")


class MissingHandler(LookupError):
    """An action row says neither what it runs nor which state it mirrors."""


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    shortcuts: tuple[str, ...] = ()
    tooltip: str = ""
    menu: str = ""
    checkable: bool = False
    checked: bool = False  # initial check of a ``run`` toggle (a ``state`` toggle shows its field)
    run: Callable[..., Any] | None = None
    state: str | None = None  # a field of the controller's state this checkable action mirrors
    state_on: Any = True
    state_off: Any = False
    separator_before: bool = False
    modes: tuple[str, ...] = ()  # enabled only in these modes (empty: in every mode); its keys win there


def _view_actions() -> tuple[ActionSpec, ...]:
    return tuple(ActionSpec(f"view_{v}", f"&{label}", (str(i + 1),), VIEW_HINTS[v], "View",
                            run=lambda w, v=v: w.view.set_view(v))
                 for i, (v, (label, *_)) in enumerate(VIEWS.items()))


ACTIONS: tuple[ActionSpec, ...] = (
    # File
    ActionSpec("open_techniques", "&Open techniques...", ("Ctrl+O",), "Load your own techniques file beside the bundled library", "File",
               run=lambda w: w.files.open_dialog()),
    ActionSpec("duplicate_technique", "&Duplicate and edit technique...", ("Ctrl+D",), "Copy the current technique into your own file and edit its cues, timing and amplitudes", "File",
               run=lambda w: w.files.duplicate_current()),
    ActionSpec("save_image", "Save &image...", ("Ctrl+S",), "Save the 3D view as a PNG picture", "File",
               run=lambda w: w.snapshot.save_dialog()),
    ActionSpec("export_video", "&Export video...", ("Ctrl+E",), "Export the current technique as MP4, GIF or PNG frames", "File",
               run=lambda w: w.files.export_dialog()),
    ActionSpec("quit", "&Quit", ("Ctrl+Q",), "Close Talus", "File", run=lambda w: w.close(), separator_before=True),
    # Edit: the explored pose
    ActionSpec("undo_pose", "&Undo pose change", ("Ctrl+Z",), "Undo the last change of the explored pose", "Edit",
               run=lambda w: w.explore.model.undo(), modes=EXPLORE),
    ActionSpec("redo_pose", "&Redo pose change", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo the pose change just undone", "Edit",
               run=lambda w: w.explore.model.redo(), modes=EXPLORE),
    ActionSpec("reset_pose", "Reset &all joints", ("Ctrl+Shift+R",), "Put every joint of the explored pose back to neutral", "Edit",
               run=lambda w: w.explore.model.reset_all(), modes=EXPLORE),
    ActionSpec("take_frame_pose", "&Take the pose of this frame", ("Ctrl+T",), "Copy the pose shown in playback into explore mode", "Edit",
               run=lambda w: w.explore.take_frame_pose(), separator_before=True, modes=WATCH_OR_EXPLORE),
    # View: camera presets (generated from camera.VIEWS)
    *_view_actions(),
    ActionSpec("reset_view", "&Reset view", ("R",), "Fit the foot in the current preset view", "View",
               run=lambda w: w.view.reset_view(), separator_before=True),
    ActionSpec("bookmark_camera", "&Bookmark this view...", ("Ctrl+B",), "Save the camera as a named bookmark of this technique", "View",
               run=lambda w: w.bookmarks.ask_and_save()),
    ActionSpec("left_foot", "L&eft foot", ("Ctrl+L",), "Show the mirrored left foot instead of the right", "View", checkable=True,
               state="side", state_on="left", state_off="right", separator_before=True),
    ActionSpec("ghost", "&Ghost of neutral pose", ("G",), "Show a translucent copy of the neutral pose for comparison", "View", checkable=True, state="ghost"),
    ActionSpec("show_axes", "Joint a&xes", ("X",), "Draw the axes of the joints the technique moves", "View", checkable=True, state="axes"),
    ActionSpec("show_contacts", "Practitioner &contacts", ("C",), "Draw the practitioner's hands and the direction of force", "View", checkable=True, state="contacts"),
    ActionSpec("presentation", "&Presentation mode", ("F5",), "Full-screen view with the active cue as a large caption (Esc leaves)", "View", checkable=True,
               run=lambda w, on: w.presentation.set_active(on), separator_before=True),
    ActionSpec("leave_presentation", "Leave presentation", ("Esc",), "Leave presentation mode", "View",
               run=lambda w: w.presentation.set_active(False)),
    ActionSpec("blank", "&Blank screen", ("B",), "Blank the view (for a pause in class); B again brings it back", "View", checkable=True,
               run=lambda w, on: w.presentation.set_blank(on)),
    # Bones: what is drawn
    ActionSpec("hide_bone", "&Hide bone", ("H",), "Hide the selected bone", "Bones", run=lambda w: w.visibility.hide_selected(), modes=WATCH_OR_EXPLORE),
    ActionSpec("isolate_bone", "&Isolate bone", ("I",), "Show only the selected bone (with its landmark names when labels are on)", "Bones",
               run=lambda w: w.visibility.isolate_selected(), modes=WATCH_OR_EXPLORE),
    ActionSpec("xray", "&Fade the others (X-ray)", ("F",), "Fade every bone but the selected one, which stays solid", "Bones",
               checkable=True, state="xray", modes=WATCH_OR_EXPLORE),
    ActionSpec("show_all", "&Show all bones", ("Shift+H",), "Show every bone again and end the X-ray fade", "Bones",
               run=lambda w: w.visibility.show_all(), modes=WATCH_OR_EXPLORE),
    ActionSpec("labels", "Bone &names", ("N",), "Name the bones on the model, with leader lines", "Bones", checkable=True,
               state="labels", separator_before=True, modes=WATCH_OR_EXPLORE),
    # Tissues: what the technique stretches
    ActionSpec("show_tissues", "Soft &tissues", ("T",), "Draw every ligament, capsule band, fascia slip and tendon, coloured by strain", "Tissues",
               checkable=True, run=lambda w, on: w.tissue_layer.show_all(on)),
    *(ActionSpec(f"tissues_{g}", f"{label} tissues", (), f"Draw the {label.lower()} tissues", "Tissues", checkable=True,
                 run=lambda w, on, g=g: w.tissue_layer.set_group(g, on), separator_before=g == "ankle")
      for g, label in (("ankle", "Ankle"), ("hindfoot", "Hindfoot"), ("midfoot", "Midfoot"), ("forefoot", "Forefoot"),
                       ("fascia_tendons", "Fascia and tendon"))),
    ActionSpec("tripod", "Tripod and &arches", ("A",), "Show the three points the foot stands on, its ground plane and the arch heights", "Tissues",
               checkable=True, state="tripod", separator_before=True),
    # Playback
    ActionSpec("play_pause", "&Play / pause", ("Space",), "Play or pause the technique", "Playback", run=lambda w: w.player.toggle(), modes=PLAYBACK),
    ActionSpec("step_back", "Step &back", ("Left",), "One frame back", "Playback", run=lambda w: w.player.step(-1), modes=PLAYBACK),
    ActionSpec("step_forward", "Step &forward", ("Right",), "One frame forward", "Playback", run=lambda w: w.player.step(1), modes=PLAYBACK),
    ActionSpec("step_back_10", "Back 10 frames", ("Shift+Left",), "Ten frames back", "Playback", run=lambda w: w.player.step(-10), modes=PLAYBACK),
    ActionSpec("step_forward_10", "Forward 10 frames", ("Shift+Right",), "Ten frames forward", "Playback", run=lambda w: w.player.step(10), modes=PLAYBACK),
    ActionSpec("previous_phase", "P&revious phase", ("Up", "PgUp"), "Go to the start of the previous phase (or of this one)", "Playback",
               run=lambda w: w.player.previous_phase(), modes=PLAYBACK),
    ActionSpec("next_phase", "&Next phase", ("Down", "PgDown"), "Go to the start of the next phase", "Playback", run=lambda w: w.player.next_phase(), modes=PLAYBACK),
    ActionSpec("first_frame", "F&irst frame", ("Home",), "Go to the first frame", "Playback", run=lambda w: w.player.first(), modes=PLAYBACK),
    ActionSpec("last_frame", "&Last frame", ("End",), "Go to the last frame", "Playback", run=lambda w: w.player.last(), modes=PLAYBACK),
    ActionSpec("loop", "L&oop", ("L",), "Loop the technique (or the current phase, see Loop phase)", "Playback", checkable=True,
               state="loop", separator_before=True, modes=PLAYBACK),
    ActionSpec("loop_phase", "Loop current p&hase", ("Shift+L",), "Loop only the current phase", "Playback", checkable=True, state="loop_phase", modes=PLAYBACK),
    ActionSpec("pause_at_phase_end", "P&ause after each phase", ("P",), "Stop at the end of every phase: learner-paced steps", "Playback",
               checkable=True, state="pause_at_phase_end", modes=PLAYBACK),
    ActionSpec("slower", "Slo&wer", ("[",), "Play slower (down to 0.1x)", "Playback", run=lambda w: w.player.slower(), separator_before=True, modes=PLAYBACK),
    ActionSpec("faster", "Fa&ster", ("]",), "Play faster (up to 2x)", "Playback", run=lambda w: w.player.faster(), modes=PLAYBACK),
    ActionSpec("normal_speed", "Normal spee&d", ("=",), "Play at 1x", "Playback", run=lambda w: w.player.set_speed(1.0), modes=PLAYBACK),
    # Study: the modes, and the quiz's keys
    ActionSpec("mode_playback", "&Watch a technique", ("Ctrl+1",), "Playback mode: a technique moves the bones, with its cues", "Study",
               checkable=True, run=lambda w, on: w.set_mode("playback") if on else w.sync_mode_actions()),
    ActionSpec("mode_explore", "&Explore the joints", ("Ctrl+2",), "Move any joint yourself with sliders", "Study",
               checkable=True, run=lambda w, on: w.set_mode("explore") if on else w.sync_mode_actions()),
    ActionSpec("mode_quiz", "&Quiz yourself", ("Ctrl+3",), "Questions on bones, joints, motions and landmarks, with a score kept between runs", "Study",
               checkable=True, run=lambda w, on: w.set_mode("quiz") if on else w.sync_mode_actions()),
    *(ActionSpec(f"answer_{i}", f"Answer {i}", (str(i),), f"Choose answer {i} of the question", "Study",
                 run=lambda w, i=i: w.quiz.choose(i - 1), modes=("quiz",), separator_before=i == 1) for i in range(1, 5)),
    ActionSpec("quiz_next", "Next question", ("Return", "Enter"), "Go on to the next question", "Study",
               run=lambda w: w.quiz.next_question(), modes=("quiz",)),
    ActionSpec("quiz_leave", "Leave the quiz", ("Esc",), "Back to the mode you were in", "Study",
               run=lambda w: w.quiz.leave(), modes=("quiz",)),
    # Help
    ActionSpec("shortcuts", "&Keyboard shortcuts", ("F1",), "List every shortcut", "Help", run=lambda w: w.dialogs.shortcuts()),
    ActionSpec("about", "&About Talus", (), "About Talus and its sources", "Help", run=lambda w: w.dialogs.about()),
)

MENUS = ("File", "Edit", "View", "Bones", "Tissues", "Playback", "Study", "Help")


def spec(action_id: str) -> ActionSpec:
    for a in ACTIONS:
        if a.id == action_id:
            return a
    raise KeyError(action_id)


def check_table(specs=ACTIONS) -> None:
    """Raise :class:`MissingHandler` for a row that neither runs nor mirrors anything."""
    for a in specs:
        if a.run is None and a.state is None:
            raise MissingHandler(f"action '{a.id}' has no handler: give it run=... or state=...")
        if a.state is not None and not a.checkable:
            raise MissingHandler(f"action '{a.id}' mirrors state '{a.state}' but is not checkable")


def build_actions(window, specs=ACTIONS) -> dict[str, QAction]:
    """One QAction per spec, parented to ``window`` (window-wide shortcuts).

    ``window`` provides what the rows' ``run`` functions use and a ``player`` (the controller) for
    ``state`` rows. Raises :class:`MissingHandler` for a row without a handler."""
    check_table(specs)
    actions: dict[str, QAction] = {}
    player = window.player
    for a in specs:
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
        if a.state is not None:  # the state's dataclass holds the default
            act.setChecked(player.get(a.state) == a.state_on)
            act.toggled.connect(lambda on, a=a: player.set(a.state, a.state_on if on else a.state_off))
        elif a.checkable:
            act.setChecked(a.checked)
            act.toggled.connect(lambda on, a=a: a.run(window, on))
        else:
            act.triggered.connect(lambda _=False, a=a: a.run(window))
        window.addAction(act)  # shortcuts work even when the menu bar is hidden (presentation mode)
        actions[a.id] = act
    mirrored = {a.state: [x for x in specs if x.state == a.state] for a in specs if a.state}

    def mirror(name: str) -> None:
        for a in mirrored.get(name, ()):
            set_checked_quietly(actions[a.id], player.get(name) == a.state_on)

    player.changed.connect(mirror)
    return actions


def set_checked_quietly(action: QAction, on: bool) -> None:
    """Mirror a state in a checkable action without running its handler again."""
    if action.isChecked() != on:
        with QSignalBlocker(action):
            action.setChecked(on)


def apply_mode(actions: dict[str, QAction], mode: str, specs=ACTIONS) -> None:
    """Enable the actions of ``mode``; where a mode's own action takes a key (quiz: 1-4, Enter, Esc),
    the general action with that key gives it up until the mode ends."""
    taken: set[str] = set()
    for a in specs:
        on = not a.modes or mode in a.modes
        actions[a.id].setEnabled(on)
        if a.modes and on:
            taken |= {QKeySequence(k).toString() for k in a.shortcuts}
    for a in specs:
        if not a.modes and a.shortcuts:
            keys = [QKeySequence(k) for k in a.shortcuts if QKeySequence(k).toString() not in taken]
            actions[a.id].setShortcuts(keys)


def shortcut_rows(available=None) -> list[tuple[str, str, str]]:
    """(menu, command, keys) for the Help -> Shortcuts list (only ``available`` ids when given)."""
    rows = []
    for a in ACTIONS:
        if a.shortcuts and (available is None or a.id in available):
            keys = " or ".join(QKeySequence(s).toString(QKeySequence.NativeText) for s in a.shortcuts)
            rows.append((a.menu, a.text.replace("&", ""), keys))
    return rows
