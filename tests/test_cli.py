"""The command line where there is no screen: a clear message, never a Qt abort or a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=120, cwd=REPO,
                          env=env if env is not None else dict(os.environ))


def test_window_without_a_display_says_so_and_points_at_talus_still():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = run(env=env)
    assert r.returncode == 2
    assert "no display" in r.stderr and " still -o foot.png" in r.stderr
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


def test_the_no_display_message_prints_a_command_that_works_as_printed(tmp_path):
    import shlex

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = run(env=env)
    line = next(s.strip() for s in r.stderr.splitlines() if " still -o foot.png" in s)
    done = subprocess.run(shlex.split(line) + ["--size", "160x100"], capture_output=True, text=True, cwd=tmp_path,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "foot.png").is_file()


def test_the_no_display_message_names_dev_sh_when_started_by_it(monkeypatch):
    from app import cli

    monkeypatch.setenv("TALUS_INVOCATION", "bash /home/me/talus/dev.sh run")
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(cli, "missing_display_libraries", lambda: [])
    monkeypatch.setattr(sys, "platform", "linux")
    assert "bash /home/me/talus/dev.sh run still -o foot.png" in cli.check_display()


@pytest.mark.parametrize("argv, expected", [
    (["--side", "left"], {"side": "left", "technique": None, "library": None}),
    (["--technique", "toe-rotation"], {"side": None, "technique": "toe-rotation", "library": None}),
    (["window", "--side", "left", "--technique", "x"], {"side": "left", "technique": "x", "library": None}),
    (["--library", "mine.json"], {"side": None, "technique": None, "library": "HERE/mine.json"}),
])
def test_the_readme_window_options_work_without_the_word_window(monkeypatch, tmp_path, argv, expected):
    from app import cli
    import app.ui.app as ui_app

    seen = {}
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "check_display", lambda: None)
    monkeypatch.setattr(ui_app, "run_window", lambda **kw: seen.update(kw) or 0)
    assert cli.main(argv) == 0
    if expected["library"]:
        expected = dict(expected, library=str(tmp_path / "mine.json"))
    assert seen == expected


def test_a_window_option_before_another_command_is_refused_clearly(capsys):
    from app import cli

    with pytest.raises(SystemExit) as exc:
        cli.main(["--side", "left", "list"])
    assert exc.value.code == 2
    assert "--side is an option of the window, not of 'list'" in capsys.readouterr().err


def test_still_keeps_its_own_side_option(monkeypatch):
    from app import cli
    import app.scene.offscreen as offscreen

    seen = {}
    monkeypatch.setattr(offscreen, "render_still", lambda out, **kw: seen.update(kw, out=out) or out)
    assert cli.main(["still", "--side", "left", "-o", "x.png"]) == 0
    assert seen["side"] == "left" and seen["out"] == "x.png"


def _fake_checkout(tmp_path):
    """A copy of dev.sh beside a stand-in .venv whose `talus` reports where it runs and with what."""
    import hashlib
    import shutil

    root = tmp_path / "talus checkout"
    (root / ".venv" / "bin").mkdir(parents=True)
    for name in ("dev.sh", "pyproject.toml", "setup.py"):
        shutil.copy(REPO / name, root / name)
    talus = root / ".venv" / "bin" / "talus"
    talus.write_text('#!/bin/sh\necho "cwd=$(pwd)"\necho "args=$*"\necho "invocation=$TALUS_INVOCATION"\n')
    py = root / ".venv" / "bin" / "python"
    py.write_text("#!/bin/sh\nexit 0\n")  # "import app, pytest" succeeds: nothing to install
    for f in (talus, py):
        f.chmod(0o755)
    digest = hashlib.sha256((root / "pyproject.toml").read_bytes() + (root / "setup.py").read_bytes()).hexdigest()
    (root / ".venv" / ".talus-installed").write_text(digest + "\n")
    return root


def test_dev_sh_run_keeps_the_users_folder_for_relative_paths(tmp_path):
    root = _fake_checkout(tmp_path)
    user = tmp_path / "my pictures"
    user.mkdir()
    r = subprocess.run(["bash", str(root / "dev.sh"), "run", "still", "-o", "mypic.png"], capture_output=True,
                       text=True, cwd=user, timeout=120)
    assert r.returncode == 0, r.stderr
    assert f"cwd={user}" in r.stdout and "args=still -o mypic.png" in r.stdout
    printed = r.stdout.split("invocation=", 1)[1].strip()
    import shlex

    assert shlex.split(printed) == ["bash", str(root / "dev.sh"), "run"]


def _screen_extent(stage, bone):
    """(fraction of width, fraction of height, all inside) of ``bone``'s vertices on the picture."""
    import vtk

    pts = np.asarray(stage.scene.meshes[bone].points, float)[::7]
    coord = vtk.vtkCoordinate()
    coord.SetCoordinateSystemToWorld()
    ren = stage.plotter.renderer
    xy = []
    for p in pts:
        coord.SetValue(*p)
        xy.append(coord.GetComputedDoubleDisplayValue(ren))
    xy = np.array(xy)
    w, h = ren.GetSize()
    inside = bool(np.all((xy[:, 0] >= 0) & (xy[:, 0] <= w) & (xy[:, 1] >= 0) & (xy[:, 1] <= h)))
    return np.ptp(xy[:, 0]) / w, np.ptp(xy[:, 1]) / h, inside


def test_focus_closes_in_on_the_named_bones():
    """`still --focus talus` frames the talus whole and large, where the whole-foot still shows it small."""
    from app.scene.offscreen import OffscreenStage

    stage = OffscreenStage((480, 320), view="lateral")
    try:
        stage.render()
        w0, h0, inside0 = _screen_extent(stage, "talus")
        stage.fit_bones(["talus"], min_extent_mm=60.0)
        stage.render()
        w1, h1, inside1 = _screen_extent(stage, "talus")
    finally:
        stage.close()
    assert inside0 and inside1
    assert max(w1, h1) > 0.5 and max(w0, h0) < 0.3
    assert max(w1, h1) > 2 * max(w0, h0)


def test_still_names_an_unknown_focus_bone(tmp_path):
    r = run("still", "-o", str(tmp_path / "a.png"), "--focus", "talus,talux")
    assert r.returncode != 0
    assert "talux" in r.stderr and "calcaneus" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "a.png").exists()
