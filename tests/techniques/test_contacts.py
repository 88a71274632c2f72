"""Practitioner contacts in the techniques file: they name landmarks, validation says what is wrong with
one (file, JSON path, the bone's landmarks), old files keep working, and over time each contact shows in
its phases with its arrow pointing the way the motion goes (pure layers: no meshes, no VTK)."""

import copy
import json

import numpy as np
import pytest

from app import TECHNIQUES_PATH
from app.anatomy.landmarks import load_landmarks
from app.techniques.contacts import ContactStates
from app.techniques.library import load_library
from app.techniques.timeline import Timeline


@pytest.fixture(scope="module")
def bundled():
    return json.loads(TECHNIQUES_PATH.read_text())


@pytest.fixture(scope="module")
def marks(rig):
    return load_landmarks(bones=set(rig.bone_names))


def write(tmp_path, doc):
    p = tmp_path / "mine.json"
    p.write_text(json.dumps(doc))
    return p


def index_of(bundled, tid):
    return next(i for i, t in enumerate(bundled["techniques"]) if t["id"] == tid)


def test_every_contact_of_the_bundled_library_names_a_landmark_that_exists(bundled, lib, marks):
    assert lib.problems == []
    for t in bundled["techniques"]:
        for k, c in enumerate(t.get("contacts", [])):
            assert "point_mm" not in c, f"{t['id']} contacts[{k}] still uses raw foot coordinates"
            assert marks.has(c["bone"], c["landmark"]), (t["id"], k, c["bone"], c["landmark"])
    for t in lib.techniques:
        for c in t.contacts:
            want = marks.point(c.bone, c.landmark, c.offset_mm)
            assert np.allclose(c.point_mm, want) and not c.converted_from_point_mm


def test_every_bundled_contact_lies_within_2_mm_of_its_bones_surface(lib, meshes):
    """A hand drawn on a bone must touch that bone, whatever the bone models become."""
    for t in lib.techniques:
        for k, c in enumerate(t.contacts):
            d_mm = np.linalg.norm(np.asarray(meshes[c.bone].points) - c.point_mm, axis=1).min()
            assert d_mm <= 2.0, f"{t.id} contacts[{k}] ({c.bone}.{c.landmark}) is {d_mm:.1f} mm off its bone"


def test_the_tutorials_holds_sit_on_the_right_landmarks(lib):
    """Traction from the talar neck and the heel; the still thumb under the midfoot; the toe grasped
    on its proximal phalanx; the scissoring hands on neighbouring metatarsal heads."""
    on = {t.id: {(c.bone, c.landmark) for c in t.contacts} for t in lib.techniques}
    assert {("talus", "neck_dorsal"), ("calcaneus", "tuberosity")} <= on["talocrural-traction"]
    assert ("cuboid", "tuberosity") in on["midfoot-roll-on-thumb"]
    for n in range(1, 6):
        assert (f"proximal_phalanx_{n}", "shaft_dorsal") in on[f"toe-rotation-{n}"]
        assert (f"metatarsal_{n}", "head") in on[f"toe-rotation-{n}"]
        assert (f"metatarsal_{n}", "head") in on["metatarsal-scissoring"]


def test_unknown_landmark_is_rejected_with_file_path_and_the_bones_landmarks(tmp_path, rig, bundled, marks):
    doc = copy.deepcopy(bundled)
    i = index_of(bundled, "talocrural-traction")
    doc["techniques"][i]["contacts"][0]["landmark"] = "neck_of_doom"
    p = write(tmp_path, doc)
    result = load_library(p, rig=rig)
    assert result.technique("talocrural-traction") is None
    assert len(result.techniques) == len(bundled["techniques"]) - 1  # the rest load
    [pr] = [pr for pr in result.problems if pr.path == f"techniques[{i}].contacts[0].landmark"]
    text = str(pr)
    assert str(p) in text and "'neck_of_doom'" in text and "talus" in text
    for m in marks.of_bone("talus"):
        assert m.name in text


CONTACT_CASES = [
    ("no place", lambda c: c.pop("landmark"), "contacts[0]", 'add "landmark"'),
    ("both forms", lambda c: c.__setitem__("point_mm", [50, 70, -10]), "contacts[0].point_mm", "not both"),
    ("offset too far", lambda c: c.__setitem__("offset_mm", [0, 40, 0]), "contacts[0].offset_mm", "off the bone"),
    ("no arrow", lambda c: c.pop("direction"), "contacts[0]", 'either as "direction"'),
    ("two arrows", lambda c: c.__setitem__("about", "talocrural.dorsiflexion"), "contacts[0]", 'either as "direction"'),
    ("zero direction", lambda c: c.__setitem__("direction", [0, 0, 0]), "contacts[0].direction", "must not be zero"),
    ("unknown phase", lambda c: c.__setitem__("phases", ["Hold", "Nap"]), "contacts[0].phases[1]", "no phase named 'Nap'"),
    ("follows nothing moving", lambda c: c.__setitem__("follows", "subtalar.inversion"), "contacts[0].follows",
     "no track or oscillation moves"),
    ("unknown bone", lambda c: c.__setitem__("bone", "patella"), "contacts[0].bone", "unknown bone 'patella'"),
]


@pytest.mark.parametrize("name, mutate, path, message", CONTACT_CASES, ids=[c[0] for c in CONTACT_CASES])
def test_each_contact_rule_names_the_path(tmp_path, rig, bundled, name, mutate, path, message):
    doc = copy.deepcopy(bundled)
    i = index_of(bundled, "talocrural-traction")
    mutate(doc["techniques"][i]["contacts"][0])
    p = write(tmp_path, doc)
    result = load_library(p, rig=rig)
    found = [pr for pr in result.problems if pr.path == f"techniques[{i}].{path}" and message in pr.message]
    assert found, [str(pr) for pr in result.problems]
    assert str(p) in str(found[0]) and found[0].technique_id == "talocrural-traction"


@pytest.mark.parametrize("about, message", [
    ("talocrural.distraction", "is a translation"),
    ("metatarsophalangeal_1.rotation", "does not turn with"),
    ("knee.flexion", "unknown coordinate"),
])
def test_a_curved_arrow_needs_a_rotation_that_turns_its_bone(tmp_path, rig, bundled, about, message):
    doc = copy.deepcopy(bundled)
    i = index_of(bundled, "talocrural-traction")
    c = doc["techniques"][i]["contacts"][0]
    c.pop("direction")
    c["about"] = about
    result = load_library(write(tmp_path, doc), rig=rig)
    assert any(pr.path == f"techniques[{i}].contacts[0].about" and message in pr.message for pr in result.problems), \
        [str(pr) for pr in result.problems]


def test_an_old_file_with_foot_frame_points_still_loads_on_the_nearest_landmark(tmp_path, rig, bundled, marks):
    """Teachers' files written before landmarks keep working: the point becomes its bone's nearest
    landmark plus the offset to it, so the contact is drawn exactly where it was."""
    doc = copy.deepcopy(bundled)
    i = index_of(bundled, "talocrural-traction")
    c = doc["techniques"][i]["contacts"][0]
    target = marks.get("talus", "neck_medial").point_mm + np.array([0.5, 1.0, -0.5])
    c.pop("landmark")
    c["point_mm"] = [float(x) for x in target]
    result = load_library(write(tmp_path, doc), rig=rig)
    assert result.problems == []
    got = result.technique("talocrural-traction").contacts[0]
    assert got.landmark == "neck_medial" and got.converted_from_point_mm
    assert np.allclose(got.point_mm, target, atol=0.01)
    assert np.allclose(got.offset_mm, [0.5, 1.0, -0.5], atol=0.01)


# -- over time ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scissoring(rig, lib):
    t = lib.technique("metatarsal-scissoring")
    tl = Timeline(t, rig)
    return t, tl, ContactStates(t, tl)


def test_scissoring_hands_move_to_the_active_pair(rig, scissoring):
    """In each phase exactly the contacts on the two metatarsals that phase moves are shown."""
    t, tl, states = scissoring
    q = tl.sample_coordinates()
    for span in tl.phases:
        if span.end_frame - span.start_frame < 3:
            continue
        seg = q[span.start_frame:span.end_frame]
        moving = {b for c in rig.coordinates if np.ptp(seg[:, c.index]) > 0.5 for b in [rig.joint(c.joint).child]}
        shown, _ = states.at((span.start_frame + span.end_frame) // 2)
        on = {c.bone for c, s in zip(t.contacts, shown) if s}
        if moving:
            assert on == moving, (span.name, on, moving)
        else:  # the set-up hold: the hands are on the first pair
            assert on == {"metatarsal_1", "metatarsal_2"}


def test_scissoring_arrows_reverse_when_the_motion_reverses(rig, scissoring):
    t, tl, states = scissoring
    q = tl.sample_coordinates()
    checked = 0
    for i, c in enumerate(t.contacts):
        x = q[:, rig.coordinate(c.follows).index]
        v = np.diff(x, prepend=x[:1])  # how the head moved to reach each frame
        first = np.r_[states.shown[i][:1], states.shown[i][1:] & ~states.shown[i][:-1]]  # a hand's first frame
        moving = states.shown[i] & ~first & (np.abs(v) > 1e-6)
        assert np.all(states.sense[i][moving] == np.sign(v[moving])), c.label
        assert {1, -1} <= set(states.sense[i][moving].tolist()), f"{c.bone}: its arrow never turns round"
        checked += 1
    assert checked == len(t.contacts) == 8
    # the two hands of a pair push opposite ways whenever the pair moves
    for a, b in zip(range(0, 8, 2), range(1, 8, 2)):
        both = states.shown[a] & states.shown[b]
        assert np.all(states.sense[a][both] == -states.sense[b][both])


def test_at_an_extreme_the_arrow_keeps_the_push_that_took_it_there(rig, scissoring):
    t, tl, states = scissoring
    i = next(k for k, c in enumerate(t.contacts) if c.bone == "metatarsal_1")
    q = tl.sample_coordinates()[:, rig.coordinate("tarsometatarsal_1.dorsiflexion").index]
    top, bottom = int(np.argmax(q)), int(np.argmin(q))
    assert states.sense[i, top] == 1 and states.sense[i, bottom] == -1
    assert states.sense[i, top - 1] == 1 and states.sense[i, top + 1] == -1


def test_at_an_uneven_turn_the_arrow_still_shows_the_motion_that_led_there(rig, lib):
    """The traction roll swings from -25 to +15 deg: at the -25 deg key the heel has just been rolled into
    plantarflexion, and that is what its curved arrow shows."""
    t = lib.technique("talocrural-traction-roll")
    tl = Timeline(t, rig)
    states = ContactStates(t, tl)
    i = next(k for k, c in enumerate(t.contacts) if c.about == "talocrural.dorsiflexion")
    q = tl.sample_coordinates()[:, rig.coordinate("talocrural.dorsiflexion").index]
    bottom = int(np.argmin(q))
    assert states.shown[i, bottom]
    assert states.sense[i, bottom] == -1 and states.sense[i, bottom + 1] == 1


def test_a_contact_that_follows_nothing_keeps_its_sense_and_shows_throughout(rig, lib):
    t = lib.technique("talocrural-traction")
    tl = Timeline(t, rig)
    states = ContactStates(t, tl)
    assert states.shown.all() and (states.sense == 1).all()


def test_the_format_reference_lists_the_landmarks_contacts_can_name(marks):
    """The table in docs/techniques-format.md names only landmarks that exist, and every landmark site."""
    import re
    from pathlib import Path

    from app.anatomy.landmark_sites import SITES

    doc = (Path(__file__).resolve().parents[2] / "docs" / "techniques-format.md").read_text()
    section = doc.split("| bone | landmarks |")[1].split("\n\n")[0]
    listed = set()
    for bone, names in re.findall(r"^\| `(\w+)` \| (.+) \|$", section, flags=re.M):
        listed |= {(bone, n) for n in re.findall(r"`(\w+)`", names)}
    assert listed, "no landmark table found"
    assert all(marks.has(b, n) for b, n in listed), sorted(x for x in listed if not marks.has(*x))
    assert {(s.bone, s.name) for s in SITES} <= listed


def test_check_tells_how_to_rewrite_an_old_contact(tmp_path, rig, bundled, marks, capsys):
    from app.techniques.commands import run_check

    doc = copy.deepcopy(bundled)
    i = index_of(bundled, "talocrural-traction")
    c = doc["techniques"][i]["contacts"][0]
    c.pop("landmark")
    c["point_mm"] = [float(x) for x in marks.get("talus", "head").point_mm + [0, 2, 0]]
    p = write(tmp_path, doc)
    assert run_check(str(p)) == 0  # still valid
    out = capsys.readouterr().out
    assert "contacts[0]: old point_mm form" in out and '"landmark": "head", "offset_mm": [0, 2, 0]' in out
