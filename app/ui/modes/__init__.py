"""The window's modes: each is one module holding what the user does in it.

- :mod:`~app.ui.modes.playback`: watch a technique (timeline, frame, cues).
- :mod:`~app.ui.modes.explore`: move any joint with sliders; the pose and its undo history.
- :mod:`~app.ui.modes.quiz`: questions on what the view shows; the score kept between runs.

The current mode is ``DisplayState.mode``; ``MainWindow.set_mode`` switches (deactivate the old mode,
activate the new one, show its docks, enable its actions).

A mode is built by the window with ``(window)``; it reads and writes the controller
(``window.player``), hands poses to ``window.presenter``, and may add docks through
``window.add_dock``. To add a mode: a module here with a class that has ``name``, ``activate()`` and
``deactivate()``, a name in :data:`app.ui.state.MODES`, and one line in ``MainWindow._build_modes``.
"""
