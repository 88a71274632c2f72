"""A rig file that fails validation stops with a message naming the file and what is wrong."""

import json

import pytest

from app import RIG_PATH
from app.anatomy import RigError, load_rig


def write(tmp_path, mutate):
    raw = json.loads(RIG_PATH.read_text())
    mutate(raw)
    p = tmp_path / "rig.json"
    p.write_text(json.dumps(raw))
    return p


@pytest.mark.parametrize("mutate, expected", [
    (lambda r: r["joints"][0]["dofs"][1].__setitem__("axis", [1.0, 1.0, 0.0]), "unit vector"),
    (lambda r: r["joints"][0].__setitem__("child", "patella"), "unknown bone 'patella'"),
    (lambda r: r["coordinates"][0].__setitem__("range", [10, -10]), "range"),
    (lambda r: r["coordinates"][0].__setitem__("unit", "rad"), "unit must be"),
    (lambda r: r["coordinates"][0].__setitem__("source", ""), "source"),
    (lambda r: r["bones"][2].__setitem__("parent", "metatarsal_1"), "parent 'metatarsal_1'"),
    (lambda r: r.__setitem__("version", 7), "unsupported rig version"),
])
def test_broken_rig_names_file_and_problem(tmp_path, mutate, expected):
    path = write(tmp_path, mutate)
    with pytest.raises(RigError) as err:
        load_rig(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_malformed_json_reports_line_and_column(tmp_path):
    p = tmp_path / "rig.json"
    p.write_text('{"format": "talus-rig",\n "version": 1,,}')
    with pytest.raises(RigError, match=r"line 2 column"):
        load_rig(p)


def test_missing_rig_file(tmp_path):
    with pytest.raises(RigError, match="not found"):
        load_rig(tmp_path / "nope.json")
