"""Every techniques file a user can hand Talus gives a clear message naming file, technique and field:
no traceback, no hang, no NaN reaching the kinematics; the other techniques keep loading."""

import copy
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import TECHNIQUES_PATH
from app.techniques.commands import run_kinematics
from app.techniques.library import load_library

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundled():
    return json.loads(TECHNIQUES_PATH.read_text(encoding="utf-8"))


def technique(doc, tid):
    return next(t for t in doc["techniques"] if t["id"] == tid)


def write(tmp_path, doc, name="mine.json"):
    p = tmp_path / name
    p.write_text(json.dumps(doc, allow_nan=True), encoding="utf-8")
    return p


def problems_of(rig, path):
    result = load_library(path, rig=rig)
    return result, [str(p) for p in result.problems]


def cli(*args, cwd=REPO, timeout=60):
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout, env=dict(os.environ, PYTHONIOENCODING="utf-8"))


NON_FINITE = [
    (lambda t: t["tracks"]["talocrural.distraction"][0].__setitem__("t", float("nan")), 'tracks["talocrural.distraction"][0].t'),
    (lambda t: t["tracks"]["talocrural.dorsiflexion"][0].__setitem__("value", float("inf")), 'tracks["talocrural.dorsiflexion"][0].value'),
    (lambda t: t["oscillations"][0].__setitem__("amplitude", float("nan")), "oscillations[0].amplitude"),
    (lambda t: t["oscillations"][0].__setitem__("frequency_hz", float("-inf")), "oscillations[0].frequency_hz"),
    (lambda t: t.__setitem__("display_magnification", float("nan")), "display_magnification"),
    (lambda t: t["contacts"][0].__setitem__("offset_mm", [0.0, float("nan"), 0.0]), "contacts[0].offset_mm[1]"),
    (lambda t: t["contacts"][0]["direction"].__setitem__(0, float("inf")), "contacts[0].direction[0]"),
]


@pytest.mark.parametrize("mutate, where", NON_FINITE)
def test_nan_and_infinity_are_refused_with_their_path(tmp_path, rig, bundled, mutate, where):
    doc = copy.deepcopy(bundled)
    jostle = technique(doc, "talocrural-jostle")
    jostle.setdefault("contacts", [{"hand": "left", "part": "palm", "bone": "talus", "point_mm": [0, 0, 0],
                                    "direction": [1, 0, 0], "label": "x"}])
    mutate(jostle)
    result, problems = problems_of(rig, write(tmp_path, doc))
    assert result.technique("talocrural-jostle") is None
    assert len(result.techniques) == len(bundled["techniques"]) - 1  # the others still load
    assert any("technique 'talocrural-jostle'" in p and where in p and ("NaN" in p or "Infinity" in p) for p in problems), problems


def test_a_number_too_large_for_a_float_is_refused(tmp_path, rig, bundled):
    text = json.dumps(bundled).replace('"duration_s": 1.0', '"duration_s": 1e400', 1)
    assert "1e400" in text
    p = tmp_path / "big.json"
    p.write_text(text)
    result, problems = problems_of(rig, p)
    assert any("too large" in m for m in problems), problems


def test_an_oscillation_on_a_coordinate_without_a_track_is_range_checked(tmp_path, rig, bundled):
    doc = copy.deepcopy(bundled)
    jostle = technique(doc, "talocrural-jostle")
    coord = jostle["oscillations"][0]["coordinate"]
    del jostle["tracks"][coord]
    lo, hi = rig.coordinate(coord).range
    jostle["oscillations"][0]["amplitude"] = hi + 47.0  # 50 mm of talocrural distraction
    result, problems = problems_of(rig, write(tmp_path, doc))
    assert result.technique("talocrural-jostle") is None
    assert any("oscillations[0].amplitude" in p and "outside the normal range" in p for p in problems), problems
    jostle["oscillations"][0]["amplitude"] = hi / 2  # within range: accepted
    result, problems = problems_of(rig, write(tmp_path, doc))
    assert result.technique("talocrural-jostle") is not None, problems


def test_a_negative_amplitude_is_checked_in_the_direction_it_moves(tmp_path, rig, bundled):
    doc = copy.deepcopy(bundled)
    jostle = technique(doc, "talocrural-jostle")
    coord = jostle["oscillations"][0]["coordinate"]
    lo, hi = rig.coordinate(coord).range
    lowest = min(k["value"] for k in jostle["tracks"][coord])
    jostle["oscillations"][0]["amplitude"] = -(lowest - lo + 0.5)  # carries the coordinate 0.5 below its range
    result, problems = problems_of(rig, write(tmp_path, doc))
    assert result.technique("talocrural-jostle") is None
    assert any("leaves the normal range" in p and f"tracks[\"{coord}\"]" in p for p in problems), problems


def test_phase_names_differing_only_in_case_are_refused(tmp_path, rig, bundled):
    doc = copy.deepcopy(bundled)
    t = technique(doc, "talocrural-jostle")
    t["phases"][2]["name"] = t["phases"][1]["name"].lower()  # 'Jostle' and 'jostle'
    result, problems = problems_of(rig, write(tmp_path, doc))
    assert any("phases[2].name" in p and "differ only in case" in p for p in problems), problems
    doc = copy.deepcopy(bundled)
    t = technique(doc, "talocrural-jostle")
    t["oscillations"][0]["phase"] = t["oscillations"][0]["phase"].upper()
    result, problems = problems_of(rig, write(tmp_path, doc))
    assert any("oscillations[0].phase" in p and "did you mean" in p for p in problems), problems


@pytest.mark.parametrize("text, expected", [
    ('{"format": "talus-techniques", "version": 1, "techniques": ' + "[" * 5000 + "]" * 5000 + "}", "nested more than"),
    ('{"format": "talus-techniques", "version": 1, "techniques": [], "source": ' + "7" * 5000 + "}", "5000 digits"),
    ("[" + ", ".join(['{"id": "x", "name": "padding padding padding"}'] * 1000) + "]", "holds an array"),
])
def test_hostile_json_gives_one_short_message(tmp_path, rig, text, expected):
    p = tmp_path / "hostile.json"
    p.write_text(text)
    result, problems = problems_of(rig, p)
    assert len(problems) == 1 and expected in problems[0] and str(p) in problems[0], problems
    assert len(problems[0]) < 400


def test_a_lone_surrogate_is_refused_by_check_and_never_crashes_list(tmp_path, bundled):
    doc = copy.deepcopy(bundled)
    technique(doc, "talocrural-jostle")["name"] = "Jostle \ud800"
    p = tmp_path / "surrogate.json"
    p.write_text(json.dumps(doc), encoding="utf-8")  # json.dumps escapes it as \ud800: valid JSON text
    r = cli("check", str(p))
    assert r.returncode == 1 and "lone surrogate" in r.stdout and "techniques[1].name" in r.stdout
    assert "Traceback" not in r.stderr
    r = cli("list", str(p))
    assert r.returncode == 0 and "talocrural-traction" in r.stdout, r.stderr
    assert "Traceback" not in r.stderr and "lone surrogate" in r.stderr


def test_a_named_pipe_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    r = cli("check", str(fifo), timeout=60)  # before: blocked forever
    assert r.returncode == 1 and "named pipe" in r.stdout


def test_a_folder_and_a_huge_file_are_refused(tmp_path, rig):
    result, problems = problems_of(rig, tmp_path)
    assert "a folder" in problems[0]
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(64 * 1024 * 1024)
    result, problems = problems_of(rig, big)
    assert len(problems) == 1 and "at most" in problems[0]


def test_a_utf16_file_says_so(tmp_path, rig, bundled):
    p = tmp_path / "utf16.json"
    p.write_text(json.dumps(bundled), encoding="utf-16")
    result, problems = problems_of(rig, p)
    assert len(problems) == 1 and "UTF-16" in problems[0] and "UTF-8" in problems[0]
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps(bundled).encode())  # UTF-8 with a BOM (Windows Notepad): fine
    result, problems = problems_of(rig, p)
    assert problems == [] and len(result.techniques) == len(bundled["techniques"])


def test_kinematics_on_a_rejected_technique_says_why(tmp_path, rig, bundled, capsys):
    doc = copy.deepcopy(bundled)
    technique(doc, "toe-rotation-1")["phases"][0]["duration_s"] += 1
    p = write(tmp_path, doc)
    assert run_kinematics("toe-rotation-1", library_path=str(p), out=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert "was rejected" in err and "phases last" in err and "toe-rotation-1" in err


def test_a_file_of_too_many_techniques_is_refused_at_once(tmp_path, rig, bundled):
    from app.techniques.library import MAX_TECHNIQUES

    doc = dict(bundled, techniques=[bundled["techniques"][0]] * (MAX_TECHNIQUES + 1))
    result, problems = problems_of(rig, write(tmp_path, doc))
    assert len(problems) == 1 and "at most" in problems[0] and result.techniques == []
