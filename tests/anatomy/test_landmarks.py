"""Landmarks: every site is on its bone, the file validates, and a broken file names its item and field."""

import json

import numpy as np
import pytest

from app.anatomy.landmark_sites import SITES
from app.anatomy.landmarks import LandmarkError, load_landmarks


@pytest.fixture(scope="module")
def marks(rig):
    return load_landmarks(bones=set(rig.bone_names))


def test_every_site_has_a_landmark_on_its_bone_surface(marks, meshes):
    for site in SITES:
        m = marks.get(site.bone, site.name)
        d = np.linalg.norm(np.asarray(meshes[site.bone].points) - m.point_mm, axis=1).min()
        assert d < 0.05, f"{site.bone}.{site.name} is {d:.2f} mm off its bone"


def test_tripod_points_are_the_lowest_of_their_region(marks):
    tri = {m.bone: m for m in marks.of_kind("tripod")}
    assert set(tri) == {"calcaneus", "metatarsal_1", "metatarsal_5"}
    for m in tri.values():
        assert m.normal[1] < -0.5, f"{m.bone} tripod point does not face the ground"


def test_a_landmark_named_dorsal_or_plantar_faces_that_way(marks):
    """A hand drawn on a dorsal landmark presses from above: its surface must face up (a 'dorsal' talar
    neck on the trochlea's forward slope once sent the traction's fingers onto the navicular)."""
    for site in SITES:
        m = marks.get(site.bone, site.name)
        if site.name.endswith("_dorsal"):
            assert m.normal[1] > 0.5, f"{site.bone}.{site.name} faces {np.round(m.normal, 2)}, not up"
        if site.name.endswith("_plantar"):
            assert m.normal[1] < -0.5, f"{site.bone}.{site.name} faces {np.round(m.normal, 2)}, not down"


def test_world_position_follows_the_bone(marks):
    W = np.eye(4)
    W[:3, 3] = [1.0, 2.0, 3.0]
    p = marks.point("navicular", "tuberosity")
    assert np.allclose(marks.world("navicular", "tuberosity", W), p + [1, 2, 3])
    assert np.allclose(marks.world("navicular", "tuberosity", W, offset_mm=[0, 0, -2]), p + [1, 2, 1])


def test_unknown_landmark_names_the_bone_and_what_it_has(marks):
    with pytest.raises(LandmarkError, match="no landmark 'nope' on bone 'navicular'.*tuberosity"):
        marks.get("navicular", "nope")


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d["landmarks"][0].update(point_mm=[0, float("nan"), 0]), r"landmarks\[0\]\.point_mm"),
    (lambda d: d["landmarks"][1].update(bone="femur"), r"landmarks\[1\]\.bone.*femur"),
    (lambda d: d["landmarks"][2].update(kind="magic"), r"landmarks\[2\]\.kind"),
    (lambda d: d["landmarks"].append(dict(d["landmarks"][0])), r"duplicate landmark"),
    (lambda d: d.update(landmarks={"a": 1}), r"landmarks: expected a list"),
    (lambda d: d.update(format="other"), r"format"),
])
def test_broken_file_names_item_and_field(tmp_path, rig, mutate, where):
    from app import LANDMARKS_PATH

    data = json.loads(LANDMARKS_PATH.read_text(encoding="utf-8"))
    mutate(data)
    bad = tmp_path / "landmarks.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(LandmarkError, match=where) as e:
        load_landmarks(bad, bones=set(rig.bone_names))
    assert str(bad) in str(e.value)


@pytest.mark.parametrize("kind, expected", [
    ("pipe", "named pipe"),
    ("utf16", "UTF-16"),
    ("deep", "nested more than"),
    ("surrogate", r"landmarks\[0\]\.label: .*lone surrogate"),
])
def test_hostile_landmark_files_give_a_message(tmp_path, kind, expected):
    import os

    from app import LANDMARKS_PATH

    bad = tmp_path / "landmarks.json"
    text = LANDMARKS_PATH.read_text(encoding="utf-8")
    if kind == "pipe":
        os.mkfifo(bad)  # before: read forever
    elif kind == "utf16":
        bad.write_text(text, encoding="utf-16")
    elif kind == "deep":
        bad.write_text("[" * 5000 + "]" * 5000)
    else:
        data = json.loads(text)
        data["landmarks"][0]["label"] = "tip \ud800"
        bad.write_text(json.dumps(data))
    with pytest.raises(LandmarkError, match=expected) as e:
        load_landmarks(bad)
    assert str(bad) in str(e.value)
    str(e.value).encode("utf-8")
