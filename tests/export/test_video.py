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


def test_an_encoder_that_fails_says_why_and_leaves_nothing(tmp_path, rig, lib, meshes, monkeypatch):
    """ffmpeg refusing its settings (as it would a codec missing from a build) stops the export with
    ffmpeg's own first error in the message, and no file."""
    from app.export import video

    monkeypatch.setattr(video, "MP4_X264_PARAMS", ["-preset", "no-such-preset"])
    with pytest.raises(TalusError, match=r"clip\.mp4: not saved \(ffmpeg \w+: .*invalid preset 'no-such-preset'"):
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


# -- requests checked before anything renders -------------------------------------------------------

@pytest.fixture
def no_render(monkeypatch):
    """Rendering fails the test: a refusal must come before the first frame."""
    from app.scene import offscreen

    monkeypatch.setattr(offscreen, "OffscreenStage", lambda *a, **k: pytest.fail("rendered before refusing"))


@pytest.mark.parametrize("kwargs, message", [
    ({"loops": 1_000_000_000}, "loops must be from 1 to 100"),
    ({"speed": 0.25, "loops": 100}, r"the clip would last .* min .*at most 30 min"),
    ({"fps": 120, "speed": 0.25, "loops": 50}, "frames"),
    ({"magnify": 0}, "magnification must be a number from 1 to 10"),
    ({"magnify": float("nan")}, "magnification"),
    ({"magnify": 1e9}, "magnification"),
])
def test_out_of_bounds_requests_are_refused_before_rendering(tmp_path, rig, lib, meshes, no_render, kwargs, message):
    with pytest.raises(TalusError, match=message):
        export_technique(lib.technique("toe-rotation-1"), rig, tmp_path / "clip.mp4", **({"size": SIZE} | kwargs),
                         meshes=meshes)
    assert list(tmp_path.iterdir()) == []


def test_a_non_empty_frames_folder_is_refused_before_rendering(tmp_path, rig, lib, meshes, no_render):
    frames = tmp_path / "frames"
    frames.mkdir()
    (frames / "mine.png").write_bytes(b"keep me")
    with pytest.raises(TalusError, match="not empty"):
        export_technique(lib.technique("toe-rotation-1"), rig, f"{frames}/", size=SIZE, meshes=meshes)
    assert [p.name for p in frames.iterdir()] == ["mine.png"]


@pytest.mark.parametrize("output, message", [
    ("", "no output given"),
    ("notes.txt/clip.mp4", r"notes\.txt is a file, not a folder"),
    ("notes.txt/sub/clip.gif", r"notes\.txt is a file, not a folder"),
    ("notes.txt/frames/", r"notes\.txt is a file, not a folder"),
])
def test_impossible_outputs_are_named(tmp_path, rig, lib, meshes, no_render, monkeypatch, output, message):
    (tmp_path / "notes.txt").write_text("x")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TalusError, match=message):
        export_technique(lib.technique("toe-rotation-1"), rig, output, size=SIZE, meshes=meshes)


def test_command_line_refusals_are_messages_not_tracebacks(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    cases = [(["-o", ""], "no output given"),
             (["-o", "clip.mp4", "--loops", "1000000000"], "loops must be from 1 to 100"),
             (["-o", "notes.txt/clip.mp4"], "is a file, not a folder"),
             (["-o", "clip.mp4", "--magnify", "0"], "magnification must be a number from 1 to 10"),
             (["-o", "clip.mp4", "--magnify", "nan"], "magnification must be a number from 1 to 10")]
    for args, words in cases:
        r = subprocess.run([sys.executable, "-m", "app", "export", "toe-rotation-1", *args], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120,
                           env=os.environ | {"PYTHONPATH": os.getcwd()})
        assert r.returncode == 2, (args, r.stderr)
        assert words in r.stderr and "Traceback" not in r.stderr and "FFMPEG" not in r.stderr, (args, r.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_temporaries_of_a_killed_export_are_removed_by_the_next(tmp_path, rig, lib, meshes):
    from app.userfiles import temporary_name

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = [tmp_path / f".clip.part-{dead.pid}.mp4", tmp_path / f".clip.gif.talus-{dead.pid}-0a1b2c.part.gif"]
    for p in left:
        p.write_bytes(b"")
    (tmp_path / f".frames.part-{dead.pid}").mkdir()
    export_technique(lib.technique("toe-rotation-1"), rig, tmp_path / "clip.mp4", size=SIZE, fps=5, end=0.4, meshes=meshes)
    export_technique(lib.technique("toe-rotation-1"), rig, f"{tmp_path}/frames/", size=SIZE, fps=5, end=0.4, meshes=meshes)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4", "frames"]


# -- clips that play right --------------------------------------------------------------------------

def gif_durations_ms(path):
    from PIL import Image

    out = []
    with Image.open(path) as im:
        for k in range(im.n_frames):
            im.seek(k)
            out.append(im.info["duration"])
    return out


def test_gif_plays_for_its_authored_duration_with_every_frame_and_hold_kept(tmp_path, rig, lib, meshes):
    tech = lib.technique("talocrural-traction")  # "Hold": 4 s of the same pose
    fps = 30
    out = export_technique(tech, rig, tmp_path / "clip.gif", size=SIZE, fps=fps, start="Lean back", end="Hold",
                           meshes=meshes)
    durations = gif_durations_ms(out)
    n = frames_expected(5.5, fps)
    assert len(durations) == n  # held frames are not merged away
    assert abs(sum(durations) - 1000 * n / fps) <= 1000 / fps  # total within one frame
    assert all(d > 0 for d in durations)
    assert abs(sum(durations[-4 * fps:]) - 4000) <= 1000 / fps  # the hold lasts as long as authored


def test_gif_is_written_as_frames_come(tmp_path, rig, lib, meshes):
    seen = []

    def progress(done, total):
        if done == total:  # before the encoder is closed
            seen.append(sum(p.stat().st_size for p in tmp_path.iterdir() if p.name.endswith(".gif")))

    export_technique(lib.technique("toe-rotation-1"), rig, tmp_path / "clip.gif", size=(320, 240), fps=10,
                     progress=progress, meshes=meshes)
    assert seen and seen[0] > 20_000  # streamed to disk, not held in memory until the end


def test_slow_motion_renders_a_distinct_interpolated_pose_every_frame(tmp_path, rig, lib, meshes, monkeypatch):
    from app.scene.skeleton import SkeletonScene
    from app.techniques.timeline import Timeline

    shown = []
    real = SkeletonScene.set_transforms
    monkeypatch.setattr(SkeletonScene, "set_transforms", lambda self, W: (shown.append(np.array(W)), real(self, W)))
    tech = lib.technique("toe-rotation-2")
    fps, speed, start, end = 30, 0.25, 2.0, 4.0
    export_technique(tech, rig, f"{tmp_path}/f/", size=SIZE, fps=fps, start=start, end=end, speed=speed, meshes=meshes)
    frames = shown[-frames_expected(end - start, fps, speed):]
    tl = Timeline(tech, rig)
    times = start + np.arange(len(frames)) * speed / fps
    for W, t in zip(frames, times):
        assert W == pytest.approx(tl.transforms_at(t))
    moving = [k for k in range(1, len(times)) if np.ptp([tl.coordinates_at(times[k - 1]), tl.coordinates_at(times[k])], axis=0).max() > 1e-9]
    assert len(moving) > len(times) * 0.9
    assert all(not np.allclose(frames[k], frames[k - 1]) for k in moving)  # no pose repeated from the 30 fps grid


def test_a_magnified_clip_says_drawn_and_true_size_on_every_frame(tmp_path, rig, lib, meshes, monkeypatch):
    from app.scene.offscreen import OffscreenStage

    notes = []
    real = OffscreenStage.set_note
    monkeypatch.setattr(OffscreenStage, "set_note", lambda self, text, **k: (notes.append(text), real(self, text, **k)))
    export_technique(lib.technique("talocrural-traction"), rig, f"{tmp_path}/f/", size=SIZE, fps=2, start="Hold",
                     end="Hold", magnify=6, meshes=meshes)
    assert len(notes) == 8 and all(n and n.startswith("distraction drawn 6x, true ") and n.endswith(" mm") for n in notes)
    notes.clear()
    export_technique(lib.technique("talocrural-traction"), rig, f"{tmp_path}/g/", size=SIZE, fps=2, start="Hold",
                     end="Hold", magnify=1, meshes=meshes)
    assert notes and not any(notes)  # true size: nothing to say


# -- one render per frame ---------------------------------------------------------------------------

def test_every_exported_frame_is_rendered_exactly_once(tmp_path, rig, lib, meshes, monkeypatch):
    """One render per frame, setting up included: none to warm up, none extra when a caption changes,
    the note changes or the target tissues' strain is listed."""
    from app.scene import offscreen

    renders = []
    real_init = offscreen.OffscreenPlotter.__init__

    def init(self, *a, **k):
        real_init(self, *a, **k)
        self.ren_win.AddObserver("StartEvent", lambda *_: renders.append(1))

    monkeypatch.setattr(offscreen.OffscreenPlotter, "__init__", init)
    tech = lib.technique("talocrural-traction")
    export_technique(tech, rig, f"{tmp_path}/a/", size=SIZE, fps=2, start=0.0, end=6.0, captions=True, magnify=6,
                     meshes=meshes)
    assert len(renders) == frames_expected(6.0, 2)
    renders.clear()
    export_technique(tech, rig, f"{tmp_path}/b/", size=SIZE, fps=2, start=0.0, end=3.0, captions=True,
                     tissues=("ankle",), meshes=meshes)
    assert tech.targets and len(renders) == frames_expected(3.0, 2)


@pytest.mark.parametrize("tid", ["metatarsal-scissoring", "talocrural-traction"])
def test_a_clip_s_captions_never_cover_the_bones_it_works(rig, lib, meshes, tid):
    """Framed with captions, every bone the technique moves, works or holds stays above the captions'
    band at every sampled pose (the band as high as the longest caption of its phases)."""
    from app.export.video import _ClipStage
    from app.scene.camera import _sampled_transforms, region_bones, technique_points
    from app.techniques.timeline import Timeline

    tech = lib.technique(tid)
    tl = Timeline(tech, rig)
    clip = _ClipStage(tech, rig, tl, size=(640, 360), side="right", view="dorsal", meshes=meshes,
                      captions=True, tissues=(), arches=False, labels=False)
    try:
        band = max(clip._caption_height(i) for i in range(len(tl.phases)))
        assert band > 30  # two lines at least
        W = _sampled_transforms(tl)
        pts = technique_points(tl, meshes, region_bones(tl, meshes, W=W), side="right", W=W)
        renderer = clip.stage.plotter.renderer
        m = renderer.GetActiveCamera().GetCompositeProjectionTransformMatrix(640 / 360, -1, 1)
        M = np.array([[m.GetElement(i, j) for j in range(4)] for i in range(4)])
        hom = np.c_[pts, np.ones(len(pts))] @ M.T
        y_px = (hom[:, 1] / hom[:, 3] + 1) / 2 * 360
        assert y_px.min() >= band, (y_px.min(), band)
        assert y_px.max() <= 360
    finally:
        clip.close()
