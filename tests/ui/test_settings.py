"""The user's settings: tests never touch them, and a corrupt file is ignored with a message."""

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings


def test_tests_never_touch_the_users_settings():
    from app.ui.app import make_application

    make_application()
    path = Path(QSettings().fileName()).resolve()
    home_config = (Path.home() / ".config").resolve()
    assert not path.is_relative_to(home_config), f"tests would write the user's settings: {path}"
    assert path.is_relative_to(Path(os.environ["XDG_CONFIG_HOME"]).resolve())


def corrupt(path: Path) -> QSettings:
    path.write_bytes(b"[General]\nframe=abc\nspeed=nan\nmagnify=1e9\nside=up\ntechnique=@Variant(\\0\\0\\0\\x7f\n"
                     b"user_files=[not json\nwindow/geometry=plain text\n"
                     b"bookmarks/talocrural-traction=\"{\\\"Mine\\\": {\\\"position\\\": [1, 2]}}\"\n"
                     b"garbage \x00\xff\xfe [[[ = =\nsomething_else=kept\n")
    return QSettings(str(path), QSettings.IniFormat)


def test_a_corrupt_settings_file_is_ignored_with_a_message(qtbot, tmp_path, capsys):
    from app.ui.app import create_window

    settings = corrupt(tmp_path / "Talus.conf")
    win, result = create_window(settings=settings)
    try:  # not qtbot.addWidget: a closed window is deleted (WA_DeleteOnClose), pytest-qt would close it again
        err = capsys.readouterr().err
        for key in ("frame", "speed", "magnify", "side", "user_files", "window/geometry", "bookmarks/talocrural-traction"):
            assert f"'{key}'" in err, (key, err)
        assert str(tmp_path / "Talus.conf") in err and "Traceback" not in err
        assert "settings" in win.statusBar().currentMessage()
        assert settings.value("something_else") == "kept"  # what Talus does not know stays as it was
        win.show()
        assert win.restore_technique() is False or win.player.technique is not None
        assert win.bookmarks.of("talocrural-traction") == {}
        assert win.player.speed == 1.0
    finally:
        win.close()


def test_good_settings_are_kept(qtbot, tmp_path, capsys):
    from app.ui.settings import clean_settings

    s = QSettings(str(tmp_path / "ok.conf"), QSettings.IniFormat)
    s.setValue("frame", 12)
    s.setValue("speed", 0.5)
    s.setValue("side", "left")
    s.setValue("window/geometry", QByteArray(b"\x01\x02"))
    s.setValue("bookmarks/x", '{"V": {"position": [1, 2, 3], "focal_point": [0, 0, 0], "view_up": [0, 1, 0], "view_angle": 30}}')
    s.sync()
    again = QSettings(str(tmp_path / "ok.conf"), QSettings.IniFormat)
    assert clean_settings(again) == []
    assert int(again.value("frame")) == 12 and again.value("side") == "left"
