"""Video export: decodable clips of the right length and size, captions that follow the phases, and
nothing half-written when an export is cancelled or fails."""

import errno
import os
import subprocess
import sys

import imageio.v2 as iio2
import imageio.v3 as iio
import numpy as np
import pytest

from app.errors import TalusError
from app.export.video import ExportCancelled, export_technique, frames_expected








SIZE = (160, 120)


def test_mp4_decodes_to_the_expected_frames_and_size(tmp_path, rig, lib, meshes):
    tech = lib.technique("toe-rotation-2")
    out = export_technique(tech, rig, tmp_path / "clip.mp4", size=SIZE, fps=10, start=2.0, end=4.0, meshes=meshes)
    reader = iio2.get_reader(out)
    assert reader.count_frames() == frames_expected(2.0, 10)
    assert reader.get_meta_data()["size"] == SIZE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4"]


def test_gif_and_slow_motion(tmp_path, rig, lib, meshes):
    tech = lib.technique("forefoot-spring")
    out = export_technique(tech, rig, tmp_path / "clip.gif", size=SIZE, fps=10, start=1.0, end=2.0, speed=0.5,
                           meshes=meshes)
    frames = iio.imread(out, index=None)
    assert frames.shape[0] == 20  # half speed: twice the frames of the 1 s span at 10 fps
    assert frames.shape[1:3] == (SIZE[1], SIZE[0])


def test_frames_folder_and_loops(tmp_path, rig, lib, meshes):
    tech = lib.technique("toe-rotation-3")
    out = export_technique(tech, rig, str(tmp_path / "frames") + "/", size=SIZE, fps=5, start=0, end=2, loops=3,
                           meshes=meshes)
    names = sorted(p.name for p in out.iterdir())
    assert names[0] == "frame_00000.png" and len(names) == 30


def caption_band(img):
    h = img.shape[0]
    return img[int(h * 0.78):, : img.shape[1] // 2].astype(int)


def test_captions_change_between_phases(tmp_path, rig, lib, meshes):
    tech = lib.technique("talocrural-traction")
    size = (480, 320)
    a = export_technique(tech, rig, f"{tmp_path}/a/", size=size, fps=2, start=0.0, end=0.5, captions=True, meshes=meshes)
    b = export_technique(tech, rig, f"{tmp_path}/b/", size=size, fps=2, start="Hold", end=5.5, captions=True, meshes=meshes)
    c = export_technique(tech, rig, f"{tmp_path}/c/", size=size, fps=2, start="Hold", end=5.5, captions=False, meshes=meshes)
    fa, fb, fc = (iio.imread(next(p.iterdir())) for p in (a, b, c))
    assert np.abs(caption_band(fa) - caption_band(fb)).sum(axis=2).max() > 100  # other words
    assert np.abs(caption_band(fb) - caption_band(fc)).sum(axis=2).mean() > 5  # the caption is there


def test_cancel_leaves_nothing(tmp_path, rig, lib, meshes):
    tech = lib.technique("toe-rotation-1")
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 5

    with pytest.raises(ExportCancelled):
        export_technique(tech, rig, tmp_path / "clip.mp4", size=SIZE, fps=10, cancel=cancel, meshes=meshes)
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_leaves_nothing(tmp_path, rig, lib, meshes, monkeypatch):
    from app.export import video

    real_put = video._Writer.put
    count = []

    def put(self, img):
        count.append(1)
        if len(count) > 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_put(self, img)

    monkeypatch.setattr(video._Writer, "put", put)
    with pytest.raises(TalusError, match="disk is full"):
        export_technique(lib.technique("toe-rotation-1"), rig, tmp_path / "clip.mp4", size=SIZE, fps=10, meshes=meshes)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kwargs, message", [
    ({"size": (161, 120)}, "even"),
    ({"size": (0, 120)}, "positive"),
    ({"start": "Nope"}, "no phase 'Nope'"),
    ({"start": 5.0, "end": 3.0}, "end after it starts"),
    ({"speed": 0.0}, "speed"),
    ({"loops": 0}, "loops"),
])
def test_bad_requests_are_named(tmp_path, rig, lib, meshes, kwargs, message):
    with pytest.raises(TalusError, match=message):
        export_technique(lib.technique("toe-rotation-1"), rig, tmp_path / "clip.mp4", **({"size": SIZE} | kwargs),
                         meshes=meshes)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_or_missing_folders(tmp_path, rig, lib, meshes, monkeypatch):
    with pytest.raises(TalusError, match="does not exist"):
        export_technique(lib.technique("toe-rotation-1"), rig, tmp_path / "nope" / "clip.mp4", size=SIZE, meshes=meshes)
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    # CI runs as root, which may write anywhere: stand in for a read-only folder
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(locked) else real_access(p, mode))
    with pytest.raises(TalusError, match="not writable"):
        export_technique(lib.technique("toe-rotation-1"), rig, locked / "clip.mp4", size=SIZE, meshes=meshes)
    assert list(locked.iterdir()) == []


def test_command_line_export_without_a_display(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    out = tmp_path / "clip.gif"
    r = subprocess.run([sys.executable, "-m", "app", "export", "toe-rotation-4", "-o", str(out), "--size", "160x120",
                        "--fps", "5", "--from", "Light traction", "--to", "Rotate one way", "--captions"],
                       env=env, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    assert iio.imread(out, index=None).shape[0] == 12  # 2.5 s at 5 fps (phases 2 and 3)
    bad = subprocess.run([sys.executable, "-m", "app", "export", "no-such", "-o", str(tmp_path / "x.mp4")],
                         env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "no-such" in bad.stderr
