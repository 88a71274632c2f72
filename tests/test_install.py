"""Talus installs like real software: a built wheel carries its meshes, rig, landmarks and library.

The wheel is built from this checkout, installed with ``--no-deps`` into a fresh virtual environment,
and run from another folder. The heavy third-party packages (VTK, Qt, numpy...) are lent to that
environment by a ``.pth`` line pointing at this interpreter's site-packages: a ``.pth`` path line does
not run the ``.pth`` files found there, so the editable install of this checkout stays invisible and
``app`` can only come from the wheel (the test checks that it does).
"""

import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = "Scripts" if os.name == "nt" else "bin"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("install")
    # Build from a clean copy of the checkout: no stale build/ folder can slip old files into the wheel,
    # and the checkout itself is left untouched.
    source = tmp / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis", ".pytest_cache", "out"))
    dist = tmp / "dist"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q",
                        "-w", str(dist), str(source)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    (wheel,) = dist.glob("talus_viewer-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / BIN / "python"
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
                        "--disable-pip-version-check", "-q", str(wheel)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    lent = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib) / "zz_lent_dependencies.pth").write_text("\n".join(lent) + "\n")
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return {"wheel": wheel, "source": source, "venv": venv, "py": py, "talus": venv / BIN / "talus", "cwd": elsewhere, "env": env}


def test_the_wheel_carries_every_data_file_of_the_repository(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    expected = {f"app/data/meshes/{p.relative_to(REPO / 'meshes').as_posix()}"
                for p in (REPO / "meshes").rglob("*") if p.is_file()}
    assert expected and expected <= names, sorted(expected - names)
    assert "app/data/techniques.json" in names and "app/techniques/schema.json" in names
    assert any(n.endswith("licenses/LICENSE") for n in names)


def test_the_installed_app_reads_its_own_data_not_the_checkout(installed):
    r = subprocess.run([str(installed["py"]), "-c",
                        "import app; print(app.__file__); print(app.RIG_PATH); print(app.TECHNIQUES_PATH)"],
                       capture_output=True, text=True, cwd=installed["cwd"], env=installed["env"], timeout=60)
    assert r.returncode == 0, r.stderr
    for line in r.stdout.split():
        assert Path(line).resolve().is_relative_to(installed["venv"].resolve()), line
        assert Path(line).exists(), line


def test_installed_talus_lists_the_bundled_library_from_another_folder(installed):
    r = subprocess.run([str(installed["talus"]), "list"], capture_output=True, text=True,
                       cwd=installed["cwd"], env=installed["env"], timeout=120)
    assert r.returncode == 0, r.stderr
    assert "talocrural-traction" in r.stdout and "toe" in r.stdout
    assert "skipped" not in r.stderr


def test_installed_talus_renders_a_still_where_the_user_is(installed):
    r = subprocess.run([str(installed["talus"]), "still", "-o", "mypic.png", "--size", "320x200", "--view", "lateral"],
                       capture_output=True, text=True, cwd=installed["cwd"], env=installed["env"], timeout=180)
    assert r.returncode == 0, r.stderr
    pic = installed["cwd"] / "mypic.png"
    assert pic.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import imageio.v3 as iio

    img = iio.imread(pic)
    assert img.shape[:2] == (200, 320)
    assert len({tuple(px) for px in img.reshape(-1, img.shape[2])[::97].tolist()}) > 20  # bones, not a blank frame


def test_an_editable_install_reads_the_checkouts_own_files(installed, tmp_path):
    """``pip install -e .`` (what dev.sh does) copies nothing: edits to meshes/ or techniques.json show at once."""
    source = installed["source"]
    venv = tmp_path / "editable"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / BIN / "python"
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q",
                        "--disable-pip-version-check", "-e", str(source)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([str(py), "-c", "import app; print(app.MESH_DIR); print(app.TECHNIQUES_PATH)"],
                       capture_output=True, text=True, cwd=installed["cwd"], env=installed["env"], timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(source / "meshes"), str(source / "techniques.json")]


def test_editable_checkout_reads_the_repository_files():
    import app

    if not Path(app.__file__).resolve().is_relative_to(REPO):
        pytest.fail(f"tests must run on this checkout's app, not {app.__file__}")
    assert app.MESH_DIR == REPO / "meshes" and app.TECHNIQUES_PATH == REPO / "techniques.json"
