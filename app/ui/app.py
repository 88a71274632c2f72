"""Start the Qt application and the main window."""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_API", "pyside6")  # QtPy (used by pyvistaqt) must never pick another binding


def make_application():
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Talus")
    app.setApplicationName("Talus")
    return app


def create_window(*, side=None, technique=None, library=None, settings=None):
    """Load rig, meshes and techniques and build the window (errors raise TalusError)."""
    from app.anatomy import load_rig
    from app.scene.skeleton import load_bone_meshes
    from app.techniques.library import load_libraries
    from app.ui.main_window import MainWindow

    from app import TECHNIQUES_PATH

    import json

    from PySide6.QtCore import QSettings

    from app.ui.settings import clean_settings

    rig = load_rig()
    meshes = load_bone_meshes(rig)
    settings = settings or QSettings()
    settings_problems = clean_settings(settings)  # a corrupt value is dropped, never used
    for message in settings_problems:
        print(f"talus: {message}", file=sys.stderr)
    try:  # the teacher's own files opened last time
        remembered = [f for f in json.loads(settings.value("user_files", "[]") or "[]") if isinstance(f, str)]
    except (TypeError, ValueError):
        remembered = []
    users = [f for f in remembered if f != library] + ([library] if library else [])
    result = load_libraries([TECHNIQUES_PATH] + users, rig=rig)
    win = MainWindow(rig, meshes, library=result, settings=settings, side=side or "right")
    if settings_problems:
        win.statusBar().showMessage(f"Some remembered settings could not be used and were reset ({settings.fileName()})",
                                    10000)
    return win, result


def run_window(*, side=None, technique=None, library=None) -> int:
    from PySide6.QtWidgets import QMessageBox

    from app.errors import TalusError

    app = make_application()
    try:
        win, result = create_window(side=side, technique=technique, library=library)
    except TalusError as exc:
        QMessageBox.critical(None, "Talus cannot start", str(exc))
        print(f"talus: {exc}", file=sys.stderr)
        return 2
    win.show()
    if technique:
        if not win.open_technique(technique):
            QMessageBox.warning(win, "Unknown technique", f"There is no technique '{technique}' in the library.")
    elif not win.restore_technique() and win.techniques:
        win.open_technique(win.techniques[0].id)
    if result.problems:
        win.dialogs.problems(result.problems)
    if os.environ.get("TALUS_EXIT_AFTER_FIRST_FRAME"):  # used by bench/run.py to time start-up
        _exit_after_first_frame(win)
    return app.exec()


def _exit_after_first_frame(win) -> None:
    """Print when the first frame was painted, then quit (bench/run.py times start-up with it).

    ``FIRST_FRAME <time> <peak RSS MB> <CPU s>`` is taken in the paint that renders the first
    picture (the view's ``first_frame`` signal, connected directly), not when the event loop next gets
    round to a timer: what the first frame does not need (the coordinate plot, the tissue layer) is
    queued to run right after it and must not count. ``READY <time> <CPU s>`` follows once that
    deferred work is done too (the event loop idle again).
    """
    import resource

    from PySide6.QtCore import QTimer

    first = []

    def stamp():
        if not first:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            # CPU time is less sensitive to other load than the wall time
            first.append((time.time(), usage.ru_maxrss / 1024.0, usage.ru_utime + usage.ru_stime))

    win.view.first_frame.connect(stamp)
    if win.view.render_count >= 1:  # painted already (a synchronous render before the event loop)
        stamp()

    def check():
        if first:
            t, rss_mb, cpu_s = first[0]
            print(f"FIRST_FRAME {t:.6f} {rss_mb:.1f} {cpu_s:.3f}", flush=True)
            usage = resource.getrusage(resource.RUSAGE_SELF)
            print(f"READY {time.time():.6f} {usage.ru_utime + usage.ru_stime:.3f}", flush=True)
            win.close()
            from PySide6.QtWidgets import QApplication

            QApplication.instance().quit()
        else:
            QTimer.singleShot(5, check)

    QTimer.singleShot(0, check)
