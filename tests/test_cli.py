"""The command line where there is no screen: a clear message, never a Qt abort or a traceback."""

import os
import subprocess
import sys


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=120,
                          env=env if env is not None else dict(os.environ))


def test_window_without_a_display_says_so_and_points_at_talus_still():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = run(env=env)
    assert r.returncode == 2
    assert "no display" in r.stderr and "talus still" in r.stderr
    assert "Traceback" not in r.stderr


def test_missing_display_libraries_get_the_apt_line(monkeypatch, capsys):
    from app import cli

    monkeypatch.setattr(cli, "missing_display_libraries", lambda: ["xcb-icccm", "xcb-keysyms"])
    assert cli.main(["window"]) == 2
    err = capsys.readouterr().err
    assert "libxcb-icccm" in err and "apt-get install" in err and "libxcb-keysyms1" in err


def test_list_and_check_work_without_qt():
    r = run("list")
    assert r.returncode == 0 and "talocrural-traction" in r.stdout
    r = run("check", "techniques.json")
    assert r.returncode == 0 and "OK" in r.stdout


def test_still_refuses_a_missing_folder_with_a_message(tmp_path):
    r = run("still", "-o", str(tmp_path / "nope" / "a.png"))
    assert r.returncode == 2 and "does not exist" in r.stderr and "Traceback" not in r.stderr
