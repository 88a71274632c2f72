"""One window fixture owns set-up and teardown (napari's make_napari_viewer habit).

CI always has a display (pytest-xvfb starts Xvfb): a 3D test must run, and fail if it cannot.
"""

import gc
import os
import weakref

os.environ.setdefault("QT_API", "pyside6")

import pytest
import shiboken6
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication


@pytest.fixture(scope="session", autouse=True)
def _long_lived_objects_frozen(rig, meshes, lib):
    """Leave what lives for the whole session (modules, the rig, meshes, library) out of the garbage
    collector's work: every window's teardown collects, and each collection would walk them all."""
    import app.ui.main_window  # noqa: F401 - imported once, before the freeze

    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


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
        # not qtbot.addWidget: this fixture closes its windows itself, and a closed window is deleted
        # (WA_DeleteOnClose), so pytest-qt's own close would meet a deleted object
        win.resize(1280, 860)
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()  # window shortcuts need the active window (Xvfb has no window manager)
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
        qtbot.waitUntil(lambda: win.view.render_count > 0, timeout=5000)
        qtbot.waitUntil(lambda: win._tissue_layer is not None, timeout=5000)  # built after the first frame
        qtbot.wait(20)  # and its first paint done, so a test starts from a settled view
        made.append(weakref.ref(win))  # a weak reference: a window the test closes can be deleted
        return win

    yield make
    for ref in made:
        win = ref()
        if win is not None and shiboken6.isValid(win):  # a window a test closed is deleted already (WA_DeleteOnClose)
            win.player.pause()
            win.close()
    win = None
    made.clear()
    drain_deletes()
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert not leaked, f"windows left open: {leaked}"
    alive = [w for w in QApplication.allWidgets() if isinstance(w, MainWindow)]
    assert not alive, f"closed windows not deleted: {alive}"


def drain_deletes() -> None:
    """Run the deferred deletes (deleteLater, WA_DeleteOnClose) and collect Python's garbage."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for _ in range(3):
        QApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
        gc.collect()
