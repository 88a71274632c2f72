"""One window fixture owns set-up and teardown (napari's make_napari_viewer habit).

CI always has a display (pytest-xvfb starts Xvfb): a 3D test must run, and fail if it cannot.
"""

import gc
import os

os.environ.setdefault("QT_API", "pyside6")

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication






@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "talus.ini"), QSettings.IniFormat)


@pytest.fixture
def make_window(qtbot, rig, meshes, settings):
    """Build real main windows on the bundled library; close and check for leaks afterwards."""
    from app import TECHNIQUES_PATH
    from app.techniques.library import load_libraries
    from app.ui.main_window import MainWindow

    assert os.environ.get("DISPLAY"), "GUI tests need a display: pytest-xvfb should have started Xvfb"
    made = []

    def make(*, side="right", extra=None, settings_=None):
        paths = [TECHNIQUES_PATH] + ([extra] if extra else [])
        result = load_libraries(paths, rig=rig)
        win = MainWindow(rig, meshes, library=result, settings=settings_ or settings, side=side)
        qtbot.addWidget(win)
        win.resize(1280, 860)
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()  # window shortcuts need the active window (Xvfb has no window manager)
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
        qtbot.waitUntil(lambda: win.view.render_count > 0, timeout=5000)
        made.append(win)
        return win

    yield make
    for win in made:
        win.player.pause()
        win.close()
    QApplication.processEvents()
    QApplication.sendPostedEvents(None, 0)
    gc.collect()
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not leaked, f"windows left open: {leaked}"
