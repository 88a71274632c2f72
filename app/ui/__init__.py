"""How you use it: the window, its modes, panels, transport and shortcuts (PySide6; the 3D view renders VTK off screen and paints the picture).

Layout of this package (read :mod:`app.ui.main_window` first: it only assembles the parts)::

    state.py         PlaybackState, DisplayState: plain dataclasses, the window's whole state
    player.py        PlaybackController: owns both, the only writer; emits changed(field) + playback signals
    actions.py       the action table: every command once (text, keys, menu, run=... or state=...)
    presenter.py     ScenePresenter: display state + the active mode's pose -> actors, overlays; one render
    view3d.py        SkeletonView: the 3D view, camera presets, picking (its widget: raster_view.py)
    modes/           one module per mode; a mode turns what the user does into poses for the presenter
        playback.py  watch a technique
        explore.py   move any joint: PoseModel (pose + undo stack) beside the controller
        quiz.py      questions, deck (no repeats), score kept in the settings
    explore_panel.py the explore sliders (normal range shaded, hard limits, composites)
    visibility.py    hide / isolate / fade, the Bones panel, the context menu, labels
    panels.py        technique browser, cue panel, bone info, transport bar, coordinate readout
    files.py         the user's techniques files, duplicate-and-edit, video export dialog
    snapshot.py      Save image: the view re-rendered off screen at any size
    bookmarks.py     named camera views per technique
    presentation.py  full screen for a class, captions, blank screen
    persistence.py   what is remembered between runs (QSettings)
    dialogs.py       shortcuts, about, problem lists
    teaching.py      the export and duplicate-and-edit dialogs
    app.py           QApplication and window start-up

Where to extend:

- a toggle of what is shown (an overlay, a tissue layer): a field of ``DisplayState``, one
  ``ActionSpec(..., checkable=True, state="field")`` row, and an observer of ``player.changed`` that
  draws it (in the presenter, or a small layer object of your own built in ``MainWindow.__init__``);
- a panel: a widget that observes the controller, added with ``window.add_dock(title, widget, area)``;
- a mode: a module in ``modes/`` (see its package docstring) and one line in ``MainWindow._build_modes``;
  actions that only make sense in some modes say so (``ActionSpec(..., modes=("explore",))``): they are
  disabled elsewhere, and a mode's own keys win over the general ones while it is active
  (:func:`app.ui.actions.apply_mode`; the quiz takes 1-4, Enter and Esc).

Rules: widgets never talk to each other, only to the controller; programmatic widget updates run under
``QSignalBlocker``; nothing in ``ui`` imports ``app.cli``.
"""
