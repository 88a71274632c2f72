"""Playing for a long time must not wear anything down.

PySide6 6.12.0 dropped a reference to None on every call on Python 3.11; a window playing at 30 fps
aborted ('deallocating None') within a minute. pyproject.toml excludes it; this test catches any
binding that does the same.
"""

import sys


def test_playing_frames_does_not_leak_references_to_none(qtbot, make_window):
    win = make_window()
    win.open_technique(win.techniques[0].id)
    for f in range(20):  # warm up caches
        win.player.set_frame(f)
        win.view.render_now()
    before = sys.getrefcount(None)
    for f in range(300):
        win.player.set_frame(f % win.player.n_frames)
        win.view.render_now()
        qtbot.wait(0)
    drift = before - sys.getrefcount(None)
    assert drift < 100, f"None lost {drift} references over 300 frames"
