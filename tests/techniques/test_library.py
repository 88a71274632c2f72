"""The technique library: the bundled file is complete and valid; each validation rule has its own
broken example, and a broken technique never stops the others from loading."""

import copy
import json

import pytest

from app import TECHNIQUES_PATH
from app.anatomy import load_rig
from app.techniques.commands import run_check
from app.techniques.library import MAX_CUE_WORDS, load_libraries, load_library




@pytest.fixture(scope="module")
def bundled():
    return json.loads(TECHNIQUES_PATH.read_text())


@pytest.fixture(scope="module")
def library(rig):
    return load_library(rig=rig)


def test_bundled_library_is_valid(library):
    assert library.problems == []
    assert len(library.techniques) >= 9


def test_every_technique_of_the_tutorial_is_in_the_library(library):
    ids = {t.id for t in library.techniques}
    for required in ["talocrural-traction", "talocrural-jostle", "talocrural-traction-roll", "midfoot-roll-on-thumb",
                     "metatarsal-scissoring", "forefoot-spring", "forefoot-rounding", "toe-rotation-1",
                     "toe-rotation-5"]:
        assert required in ids
    by_region = {t.region for t in library.techniques}
    assert {"ankle", "midfoot", "forefoot", "toes"} <= by_region


def test_the_tutorials_anatomy_is_attached_to_bones(library):
    texts = " ".join(n.text for n in library.anatomy_notes).lower()
    for idea in ["wrench", "highly mobile", "stone bridge", "achilles", "tripod", "long bones", "knee"]:
        assert idea in texts
    for n in library.anatomy_notes:
        assert n.source_paragraph is not None


def test_tracks_move_exactly_the_listed_joints(rig, library):
    for t in library.techniques:
        moved = {rig.coordinate(c).joint for c in t.tracks} | {rig.coordinate(o.coordinate).joint for o in t.oscillations}
        assert moved == set(t.joints), t.id


def test_cues_are_short(library):
    for t in library.techniques:
        for p in t.phases:
            assert 0 < len(p.cue.split()) <= MAX_CUE_WORDS, (t.id, p.name)


def test_cues_are_not_pasted_from_the_transcript(library):
    from pathlib import Path

    transcript = (Path(__file__).resolve().parents[3] / "shared/source/foot-massage-transcript.txt")
    if not transcript.exists():  # CI checks out shared/ beside the repo; a bare clone may not have it
        pytest.skip("shared/ not beside the repo")
    words = transcript.read_text().lower().split()
    grams = {" ".join(words[i:i + 7]) for i in range(len(words) - 6)}
    for t in library.techniques:
        for p in t.phases:
            cue = p.cue.lower().split()
            for i in range(len(cue) - 6):
                assert " ".join(cue[i:i + 7]) not in grams, (t.id, p.cue)


def test_accessory_motion_is_true_size_with_a_display_magnification(rig, library):
    for t in library.techniques:
        for c in t.tracks:
            if rig.coordinate(c).unit == "mm":
                assert max(abs(k.value) for k in t.tracks[c]) <= 3.0
                assert t.display_magnification > 1, t.id


def write(tmp_path, doc):
    p = tmp_path / "mine.json"
    p.write_text(json.dumps(doc))
    return p


def broken(bundled, index, mutate):
    doc = copy.deepcopy(bundled)
    mutate(doc["techniques"][index])
    return doc


CASES = [
    ("unknown bone", lambda t: t["stabilised_bones"].append("patella"), 'techniques[0].stabilised_bones[2]', "unknown bone 'patella'"),
    ("unknown joint", lambda t: t["joints"].append("knee"), "techniques[0].joints[1]", "unknown joint 'knee'"),
    ("unknown coordinate", lambda t: t["tracks"].__setitem__("talocrural.eversion", [{"t": 0, "value": 1}]),
     'techniques[0].tracks["talocrural.eversion"]', "unknown coordinate"),
    ("value out of range", lambda t: t["tracks"]["talocrural.dorsiflexion"][1].__setitem__("value", 35),
     'techniques[0].tracks["talocrural.dorsiflexion"][1].value', "outside the normal range"),
    ("key times not increasing", lambda t: t["tracks"]["talocrural.dorsiflexion"][2].__setitem__("t", 1.0),
     'techniques[0].tracks["talocrural.dorsiflexion"][2].t', "must increase"),
    ("phases do not cover", lambda t: t["phases"][0].__setitem__("duration_s", 0.5), "techniques[0].phases", "must cover it exactly"),
    ("track moves an unlisted joint", lambda t: t["tracks"].__setitem__("subtalar.inversion", [{"t": 0, "value": 5}]),
     'techniques[0].tracks["subtalar.inversion"]', "does not list"),
    ("cue too long", lambda t: t["phases"][0].__setitem__("cue", "word " * 30), "techniques[0].phases[0].cue", "30 words"),
    ("missing field", lambda t: t.pop("summary"), "techniques[0]", "'summary' is a required property"),
    ("bad interpolation", lambda t: t["tracks"]["talocrural.dorsiflexion"][0].__setitem__("interp", "cubic"),
     'techniques[0].tracks["talocrural.dorsiflexion"][0].interp', "is not one of"),
    ("key after the end", lambda t: t["tracks"]["talocrural.dorsiflexion"][-1].__setitem__("t", 99),
     'techniques[0].tracks["talocrural.dorsiflexion"][3].t', "after the end"),
    ("listed joint never moved", lambda t: (t["joints"].append("subtalar")), "techniques[0].joints", "no track"),
    ("unknown target tissue", lambda t: t["targets"].append("meniscus"), "techniques[0].targets[2]", "unknown tissue 'meniscus'"),
]


@pytest.mark.parametrize("name, mutate, path, message", CASES, ids=[c[0] for c in CASES])
def test_each_validation_rule_names_the_item_and_the_path(tmp_path, rig, bundled, name, mutate, path, message):
    p = write(tmp_path, broken(bundled, 0, mutate))
    result = load_library(p, rig=rig)
    assert [t.id for t in result.techniques] == [t["id"] for t in bundled["techniques"][1:]]  # the rest load
    assert result.problems, name
    found = [pr for pr in result.problems if pr.path == path and message in pr.message]
    assert found, [str(pr) for pr in result.problems]
    assert found[0].technique_id == bundled["techniques"][0]["id"]
    assert str(p) in str(found[0])


def test_duplicate_ids_are_reported(tmp_path, rig, bundled):
    doc = copy.deepcopy(bundled)
    doc["techniques"].append(copy.deepcopy(doc["techniques"][2]))
    result = load_library(write(tmp_path, doc), rig=rig)
    assert any("duplicate id" in p.message and p.path == f"techniques[{len(doc['techniques']) - 1}].id" for p in result.problems)
    assert len(result.techniques) == len(bundled["techniques"])


def test_a_users_file_beside_the_bundled_one(tmp_path, rig, bundled):
    mine = copy.deepcopy(bundled)
    own = copy.deepcopy(bundled["techniques"][0])
    own["id"] = "my-traction"
    own["name"] = "My traction"
    clash = copy.deepcopy(bundled["techniques"][1])  # same id as a bundled technique
    mine["techniques"] = [own, clash]
    result = load_libraries([TECHNIQUES_PATH, write(tmp_path, mine)], rig=rig)
    assert result.technique("my-traction") is not None
    assert any(p.technique_id == clash["id"] and "duplicate id" in p.message for p in result.problems)
    assert result.technique(clash["id"]).file == str(TECHNIQUES_PATH)  # the bundled one wins


def test_malformed_json_reports_line_and_column(tmp_path, capsys):
    p = tmp_path / "bad.json"
    p.write_text('{\n  "format": "talus-techniques",\n  "version": 1\n  "techniques": []\n}')
    assert run_check(str(p)) == 1
    out = capsys.readouterr().out
    assert "line 4 column 3" in out and str(p) in out


def test_missing_file_is_a_problem_not_a_crash(tmp_path):
    result = load_library(tmp_path / "nope.json")
    assert result.techniques == [] and "not found" in result.problems[0].message


def test_wrong_version_is_named(tmp_path, bundled):
    doc = dict(bundled, version=2)
    result = load_library(write(tmp_path, doc))
    assert result.problems and result.problems[0].path == "version"


def test_check_prints_every_problem_and_exits_1(tmp_path, bundled, capsys):
    doc = broken(bundled, 0, lambda t: t["tracks"]["talocrural.dorsiflexion"][2].__setitem__("t", 1.0))
    doc["techniques"][3]["phases"][0]["cue"] = "word " * 40
    assert run_check(str(write(tmp_path, doc))) == 1
    out = capsys.readouterr().out
    assert 'techniques[0].tracks["talocrural.dorsiflexion"][2].t' in out
    assert "techniques[3].phases[0].cue" in out


def test_check_passes_the_bundled_file(capsys):
    assert run_check(str(TECHNIQUES_PATH)) == 0
    assert "OK" in capsys.readouterr().out


def test_the_worked_example_of_the_format_reference_is_valid(tmp_path, rig):
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "techniques-format.md").read_text()
    example = doc.split("## A worked example")[1].split("```json")[1].split("```")[0]
    p = tmp_path / "mine.json"
    p.write_text(example)
    result = load_library(p, rig=rig)
    assert result.problems == [] and [t.id for t in result.techniques] == ["hallux-flexion"]
