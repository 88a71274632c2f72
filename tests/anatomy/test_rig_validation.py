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


def to_mm(raw):
    """The rig with every *_gm value given in mm instead (the mm form), and no scale."""
    s = raw.pop("scale", 1.0)
    raw.pop("scale_source", None)
    for j in raw["joints"]:
        if "centre_gm" in j:
            j["centre_mm"] = [v * s for v in j.pop("centre_gm")]
        for d in j["dofs"]:
            if "point_gm" in d:
                d["point_mm"] = [v * s for v in d.pop("point_gm")]
    if "landmarks_gm" in raw:
        raw["landmarks_mm"] = {k: [x * s for x in v] for k, v in raw.pop("landmarks_gm").items()}


def to_gm(raw, scale=1.25):
    """The rig in the GM form: every point divided by ``scale``, which the loader multiplies back."""
    to_mm(raw)
    raw["scale"] = scale
    for j in raw["joints"]:
        j["centre_gm"] = [v / scale for v in j.pop("centre_mm")]
        for d in j["dofs"]:
            if "point_mm" in d:
                d["point_gm"] = [v / scale for v in d.pop("point_mm")]
    raw["landmarks_gm"] = {k: [x / scale for x in v] for k, v in raw.pop("landmarks_mm").items()}


def test_centres_and_points_in_gm_times_scale_give_the_same_rig_as_in_mm(tmp_path, rig):
    import numpy as np

    from app.anatomy.kinematics import Kinematics

    mm = load_rig(write(tmp_path, to_gm))
    assert [j.name for j in mm.joints] == [j.name for j in rig.joints]
    for a, b in zip(mm.joints, rig.joints):
        assert np.allclose(a.centre_mm, b.centre_mm), a.name
        for da, db in zip(a.dofs, b.dofs):
            assert np.allclose(da.point_mm, db.point_mm) and np.allclose(da.axis, db.axis), (a.name, da.coordinate)
    assert mm.landmarks_mm.keys() == rig.landmarks_mm.keys()
    q = {c.name: 0.5 * c.range[1] for c in rig.coordinates}
    assert np.allclose(Kinematics(mm).transforms(q), Kinematics(rig).transforms(q))


def test_a_rig_may_mix_mm_and_gm_values(tmp_path, rig):
    import numpy as np

    def mutate(r):
        to_gm(r)
        j = r["joints"][0]
        j["centre_mm"] = [v * r["scale"] for v in j.pop("centre_gm")]
    mixed = load_rig(write(tmp_path, mutate))
    assert np.allclose(mixed.joints[0].centre_mm, rig.joints[0].centre_mm)
    assert np.allclose(mixed.joints[1].centre_mm, rig.joints[1].centre_mm)


def test_gm_values_without_a_scale_are_refused(tmp_path):
    def mutate(r):
        to_mm(r)
        r["joints"][2]["centre_gm"] = r["joints"][2].pop("centre_mm")
    with pytest.raises(RigError, match=r"joints\[2\] \(\w+\)\.centre_gm: .*scale"):
        load_rig(write(tmp_path, mutate))


def _del(key):
    return lambda d: d.pop(key)


@pytest.mark.parametrize("mutate, expected", [
    (lambda r: r.__setitem__("bones", {"tibia": {}}), "bones: expected a list, got an object"),
    (lambda r: r["bones"].__setitem__(0, "tibia"), "bones[0]: expected an object"),
    (lambda r: r.pop("bones"), "rig: missing field 'bones'"),
    (lambda r: r.pop("joints"), "rig: missing field 'joints'"),
    (lambda r: r.pop("coordinates"), "rig: missing field 'coordinates'"),
    (lambda r: r["bones"][0].pop("mesh"), "bones[0] (tibia): missing field 'mesh'"),
    (lambda r: r["bones"][0].__setitem__("mesh", 3), "bones[0] (tibia).mesh: expected non-empty text"),
    (lambda r: r["bones"][0].__setitem__("mesh", "../../../etc/passwd"), "must be the name of a .ply file"),
    (lambda r: r["bones"][3].__setitem__("parent", ["talus"]), "bones[3] (calcaneus).parent"),
    (lambda r: r["joints"][0].__setitem__("dofs", 5), "dofs: expected a list, got a number"),
    (lambda r: r["joints"][0]["dofs"].__setitem__(0, []), "dofs[0]: expected an object, got a list"),
    (lambda r: r["joints"][0]["dofs"][0].pop("axis"), "dofs[0]: missing field 'axis'"),
    (lambda r: r["joints"][0]["dofs"][0].__setitem__("axis", [1, "0", 0]), "dofs[0].axis[1]: expected a finite number"),
    (lambda r: r["joints"][0]["dofs"][0].__setitem__("coordinate", {"a": 1}), "dofs[0].coordinate: unknown coordinate"),
    (lambda r: [r["joints"][1].pop(k, None) for k in ("centre_gm", "centre_mm")], "missing field 'centre_mm'"),
    (lambda r: r["joints"][1].__setitem__("centre_mm", [1, 2]), "centre_mm: expected 3 finite numbers"),
    (lambda r: r["joints"][1].__setitem__("centre_mm", [1e300, 2, 3]), "from the origin"),
    (lambda r: r["joints"].__setitem__(0, None), "joints[0]: expected an object, got null"),
    (lambda r: r["joints"][0].__setitem__("name", True), "joints[0].name: expected non-empty text, got true/false"),
    (lambda r: r["coordinates"][0].__setitem__("range", "wide"), "range: expected a list, got text"),
    (lambda r: r["coordinates"][0].__setitem__("range", [-10, "x"]), "range[1]: expected a finite number"),
    (lambda r: r["coordinates"][0].__setitem__("range", [-10]), "range: expected [low, high]"),
    (lambda r: r["coordinates"][0].pop("joint"), "missing field 'joint'"),
    (lambda r: r["coordinates"].__setitem__(0, 7), "coordinates[0]: expected an object, got a number"),
    (lambda r: r.__setitem__("functional_joints", []), "functional_joints: expected an object, got a list"),
    (lambda r: r["functional_joints"].__setitem__("transverse_tarsal", {"joints": "talonavicular"}),
     "functional_joints.transverse_tarsal.joints: expected a list"),
    (lambda r: r.__setitem__("scale", "1.1"), "scale: expected a finite number, got text"),
    (lambda r: r.__setitem__("landmarks_gm", [1, 2, 3]), "landmarks_gm: expected an object"),
])
def test_wrong_types_and_missing_fields_name_the_path(tmp_path, mutate, expected):
    path = write(tmp_path, mutate)
    with pytest.raises(RigError) as err:
        load_rig(path)
    assert str(path) in str(err.value) and expected in str(err.value), str(err.value)


@pytest.mark.parametrize("text, expected", [
    ('{"format": "talus-rig", "version": 1, "scale": NaN}', "NaN"),
    ("[" * 5000 + "]" * 5000, "nested"),
    ('{"format": "talus-rig", "version": 1, "scale": ' + "1" * 5000 + "}", "scale: an integer of 5000 digits"),
])
def test_hostile_json_in_the_rig_gives_a_message(tmp_path, text, expected):
    p = tmp_path / "rig.json"
    p.write_text(text)
    with pytest.raises(RigError, match=expected):
        load_rig(p)
