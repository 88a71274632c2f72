"""The warm exporter the window's export dialog starts: ready before it is told what to export, then an
export exactly as talus export makes it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import imageio.v2 as iio2

ROOT = Path(__file__).resolve().parents[2]


def warm(*args):
    env = dict(os.environ, TALUS_PROGRESS_LINES="1")
    env.pop("DISPLAY", None)
    return subprocess.Popen([sys.executable, "-m", "app.export.warm", *args], cwd=ROOT, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_it_says_ready_then_exports_what_it_is_told_with_progress(tmp_path):
    p = warm("toe-rotation-3", "--size", "320x240")
    assert p.stderr.readline().strip() == "READY"
    out = tmp_path / "clip.mp4"
    p.stdin.write(json.dumps(["toe-rotation-3", "-o", str(out), "--size", "320x240", "--fps", "10", "--to", "1"]) + "\n")
    p.stdin.close()
    err = p.stderr.read()
    assert p.wait(timeout=120) == 0, err
    assert p.stdout.read().strip() == f"wrote {out}"
    assert err.count("PROGRESS ") == 10
    reader = iio2.get_reader(out)
    assert reader.count_frames() == 10 and reader.get_meta_data()["size"] == (320, 240)


def test_closed_without_a_request_it_leaves_at_once(tmp_path):
    p = warm("toe-rotation-3", "--size", "320x240")
    assert p.stderr.readline().strip() == "READY"
    p.stdin.close()
    assert p.wait(timeout=30) == 0
    assert list(tmp_path.iterdir()) == []


def test_a_bad_request_gets_talus_export_s_message():
    p = warm("toe-rotation-3", "--size", "320x240")
    p.stdin.write(json.dumps(["no-such-technique", "-o", "/tmp/never.mp4"]) + "\n")
    p.stdin.close()
    err = p.stderr.read()
    assert p.wait(timeout=60) == 2
    assert "talus: no technique 'no-such-technique'" in err


def test_a_request_that_is_not_json_is_named_not_a_traceback():
    p = warm("toe-rotation-3", "--size", "320x240")
    p.stdin.write("toe-rotation-3 -o clip.mp4\n")
    p.stdin.close()
    err = p.stderr.read()
    assert p.wait(timeout=60) == 2
    assert "talus: the export request is not a JSON list" in err and "Traceback" not in err
