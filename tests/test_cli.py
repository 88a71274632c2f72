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


def _read_only_mount_command(folder, *argv):
    """``argv`` run in a private mount namespace where ``folder`` is a read-only file system."""
    import shlex
    import shutil

    if shutil.which("unshare") is None:
        return None
    inner = (f"mount --bind {shlex.quote(str(folder))} {shlex.quote(str(folder))} && "
             f"mount -o remount,bind,ro {shlex.quote(str(folder))} && exec {shlex.join(argv)}")
    for flags in (["-m"], ["-rm"]):  # as root; otherwise in a user namespace
        probe = subprocess.run(["unshare", *flags, "sh", "-c", inner.replace(f"exec {shlex.join(argv)}", "true")],
                               capture_output=True)
        if probe.returncode == 0:
            return ["unshare", *flags, "sh", "-c", inner]
    return None


def test_still_on_a_read_only_file_system_says_so(tmp_path):
    import pytest

    cmd = _read_only_mount_command(tmp_path, sys.executable, "-m", "app", "still", "-o", str(tmp_path / "a.png"),
                                   "--size", "160x120")
    if cmd is None:
        pytest.skip("this system cannot mount a read-only file system for the test (no mount namespaces)")
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=os.getcwd())
    assert r.returncode == 2, r.stderr
    assert "read-only file system" in r.stderr and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_still_checks_the_folder_before_rendering(tmp_path, monkeypatch):
    import pytest

    from app.errors import TalusError
    from app.scene import offscreen

    monkeypatch.setattr(offscreen, "OffscreenStage", lambda *a, **k: pytest.fail("rendered before checking"))
    monkeypatch.setattr(os, "statvfs", lambda p: os.statvfs_result((0,) * 8 + (os.ST_RDONLY, 255)))
    with pytest.raises(TalusError, match="read-only file system"):
        offscreen.render_still(tmp_path / "a.png")
    (tmp_path / "file").write_text("x")
    with pytest.raises(TalusError, match="is a file, not a folder"):
        offscreen.render_still(tmp_path / "file" / "a.png")
