"""Soft tissues: lengths and strains follow the bones, techniques stretch what they target, bad files are named.

Nothing here hard-codes a position: expectations come from the landmarks, the rig and the kinematics,
so the tests hold whenever the bone meshes are rebuilt.
"""

import json

import numpy as np
import pytest

from app.anatomy import Kinematics
from app.anatomy.attachment_sites import SITES as ATTACHMENT_SITES
from app.anatomy.landmarks import load_landmarks
from app.anatomy.tissues import GROUPS, TissueError, load_tissues
from app.techniques.timeline import Timeline


@pytest.fixture(scope="module")
def kin(rig):
    return Kinematics(rig)


@pytest.fixture(scope="module")
def marks(rig):
    return load_landmarks(bones=set(rig.bone_names))


@pytest.fixture(scope="module")
def ts(rig, marks, kin):
    return load_tissues(rig=rig, landmarks=marks, kinematics=kin)


def true_frames(tl):
    return np.stack([tl.true_transforms(f) for f in range(tl.n_frames)])


def test_the_issue_list_of_tissues_is_there(ts):
    must = {"atfl", "cfl", "ptfl", "deltoid_tibionavicular", "deltoid_tibiospring", "deltoid_tibiocalcaneal",
            "deltoid_superficial_posterior_tibiotalar", "deltoid_deep_posterior_tibiotalar",
            "talocrural_capsule_anterior", "talocrural_capsule_posterior", "aitfl", "pitfl",
            "interosseous_talocalcaneal", "cervical", "spring", "bifurcate", "long_plantar", "short_plantar",
            "dorsal_tarsometatarsal", "deep_transverse_metatarsal", "plantar_fascia", "achilles"}
    must |= {f"mtp_collaterals_{i}" for i in range(1, 6)} | {f"plantar_plate_{i}" for i in range(1, 6)}
    assert must <= set(ts.names)
    assert len(ts.get("plantar_fascia").lines) == 5, "the plantar fascia has a slip to each toe"
    assert {t.group for t in ts} == set(GROUPS)
    assert all(t.sources for t in ts)


def test_neutral_length_is_the_distance_between_the_attachments(ts, marks):
    for t in ts:
        for k, line in zip(t.line_indices, t.lines):
            p = [marks.point(a.bone, a.landmark, a.offset_mm) for a in line.points]
            path = sum(np.linalg.norm(b - a) for a, b in zip(p, p[1:]))
            assert ts.neutral_path_mm[k] == pytest.approx(path, abs=1e-9), f"{t.name} / {line.name}"
            if t.slack["rule"] == "neutral" and "full_length_mm" not in t.slack:
                assert ts.slack_length_mm[k] == pytest.approx(path), f"{t.name}: slack length is the neutral length"


def test_strain_is_zero_at_the_slack_pose_and_follows_the_bones(ts, kin, rig):
    eye = np.tile(np.eye(4), (len(rig.bones), 1, 1))
    s0 = ts.strains(eye)
    for t in ts:
        if t.slack["rule"] == "neutral":
            assert np.allclose(s0[list(t.line_indices)], 0.0), t.name
    fascia = ts.get("plantar_fascia")
    slack_pose = ts.strains(kin.transforms(fascia.slack["pose"]))
    assert np.allclose(slack_pose[list(fascia.line_indices)], 0.0)
    assert np.all(s0[list(fascia.line_indices)] > 0), "standing at neutral, the fascia is already stretched [SWE-PA]"


def test_lengths_are_vectorised_over_frames(ts, kin, rig):
    qs = [kin.pose_vector({"talocrural.dorsiflexion": a, "subtalar.inversion": a / 2}) for a in (-20, 0, 10)]
    W = np.stack([kin.transforms(q) for q in qs])
    together = ts.lengths(W)
    assert together.shape == (3, ts.n_lines)
    for k, q in enumerate(qs):
        assert np.allclose(together[k], ts.lengths(kin.transforms(q)))


def test_traction_lengthens_the_talocrural_capsule_by_the_distraction(ts, lib, rig, kin):
    tech = lib.technique("talocrural-traction")
    tl = Timeline(tech, rig, kinematics=kin)
    hold = tl.phase_named("Hold")
    frame = (hold.start_frame + hold.end_frame) // 2
    q = tl.coordinates(frame).copy()  # true size
    i = rig.coordinate("talocrural.distraction").index
    distraction_mm = q[i]
    assert distraction_mm > 1.0
    without = q.copy()
    without[i] = 0.0
    for name in ("talocrural_capsule_anterior", "talocrural_capsule_posterior"):
        idx = ts.lines_of(name)
        gain = ts.lengths(tl.true_transforms(frame))[idx] - ts.lengths(kin.transforms(without))[idx]
        assert np.allclose(gain, distraction_mm, atol=0.1), f"{name}: {gain} mm for {distraction_mm} mm of traction"
    # and the drawing magnifies the gap while the numbers stay at true size
    drawn = ts.path_lengths(tl.transforms(frame))[ts.lines_of("talocrural_capsule_posterior")]
    true = ts.path_lengths(tl.true_transforms(frame))[ts.lines_of("talocrural_capsule_posterior")]
    assert np.all(drawn > true + 2.0)


def test_extending_the_hallux_lengthens_the_plantar_fascia(ts, kin):
    slip = ts.lines_of("plantar_fascia")[0]
    lengths = [ts.lengths(kin.transforms({"metatarsophalangeal_1.extension": a}))[slip] for a in (0, 15, 30, 45)]
    assert np.all(np.diff(lengths) > 0.5), lengths
    others = ts.lines_of("plantar_fascia")[1:]
    moved = ts.lengths(kin.transforms({"metatarsophalangeal_1.extension": 45}))[others]
    assert np.allclose(moved, ts.neutral_length_mm[others]), "the hallux winds only its own slip"
    state = ts.states(kin.transforms({"metatarsophalangeal_1.extension": 45}))["plantar_fascia"]
    assert state.line == ts.line_names[slip] and state.strain > ts.strains(kin.transforms({}))[slip]


def test_every_technique_targets_known_tissues_and_stretches_one_by_1_percent(ts, lib, rig, kin):
    assert lib.techniques
    for tech in lib.techniques:
        assert tech.targets, f"{tech.id} names no target tissues"
        for name in tech.targets:
            assert ts.has(name), f"{tech.id}: unknown target {name}"
        L = ts.lengths(true_frames(Timeline(tech, rig, kinematics=kin)))
        idx = np.concatenate([ts.lines_of(n) for n in tech.targets])
        gain = (L[:, idx] - ts.neutral_length_mm[idx]) / ts.neutral_length_mm[idx]
        assert gain.max() >= 0.01, f"{tech.id}: its targets lengthen by {100 * gain.max():.2f} % at most"


def test_the_flexion_roll_loads_the_anterior_and_posterior_capsule_in_turn(ts, lib, rig, kin):
    tl = Timeline(lib.technique("talocrural-traction-roll"), rig, kinematics=kin)
    s, _ = ts.tissue_strains(true_frames(tl))
    ant = s[:, ts.get("talocrural_capsule_anterior").index]
    post = s[:, ts.get("talocrural_capsule_posterior").index]
    df = tl.sample_coordinates()[:, rig.coordinate("talocrural.dorsiflexion").index]
    assert ant[np.argmin(df)] > post[np.argmin(df)], "plantarflexed, the anterior capsule is the tighter"
    assert post[np.argmax(df)] > ant[np.argmax(df)], "dorsiflexed, the posterior capsule is the tighter"


def test_the_midfoot_roll_loads_the_spring_and_bifurcate_ligaments(ts, lib, rig, kin):
    tl = Timeline(lib.technique("midfoot-roll-on-thumb"), rig, kinematics=kin)
    s, _ = ts.tissue_strains(true_frames(tl))
    for name in ("spring", "bifurcate"):
        assert s[:, ts.get(name).index].max() > 0.01, name


def test_toe_traction_loads_the_mtp_capsule(ts, kin):
    W = kin.transforms({"metatarsophalangeal_2.distraction": 1.0})
    for name in ("mtp_collaterals_2", "plantar_plate_2"):
        assert ts.states(W)[name].strain > 0.02, name


def test_tripod_and_attachment_points_lie_on_their_bones(ts, marks, meshes):
    assert [a.bone for a in ts.tripod] == ["calcaneus", "metatarsal_1", "metatarsal_5"]
    for a in ts.tripod:
        assert marks.get(a.bone, a.landmark).kind == "tripod"
    for site in ATTACHMENT_SITES:
        m = marks.get(site.bone, site.name)
        d = np.linalg.norm(np.asarray(meshes[site.bone].points) - m.point_mm, axis=1).min()
        assert d < 0.05, f"{site.bone}.{site.name} is {d:.2f} mm off its bone"
    for a in ts.tripod:
        d = np.linalg.norm(np.asarray(meshes[a.bone].points) - marks.point(a.bone, a.landmark), axis=1).min()
        assert d < 0.05, f"tripod point on {a.bone} is {d:.2f} mm off its bone"


def test_tripod_plane_and_arch_heights_at_neutral(ts, marks, rig):
    eye = np.tile(np.eye(4), (len(rig.bones), 1, 1))
    tri = ts.tripod_points(eye)
    n = ts.tripod_normal(tri)
    heights = ts.arch_heights(eye)
    nav = marks.point("navicular", "tuberosity")
    assert heights["medial_longitudinal"] == pytest.approx(float((nav - tri[0]) @ n))
    assert heights["medial_longitudinal"] > heights["lateral_longitudinal"] > 0, "the medial arch is the higher"
    assert heights["transverse_cuneiform"] > 5.0, "the intermediate cuneiform is the keystone of the arch"


def test_forefoot_rounding_raises_the_transverse_arch_live(ts, lib, rig, kin):
    tl = Timeline(lib.technique("forefoot-rounding"), rig, kinematics=kin)
    start = ts.arch_heights(tl.true_transforms(0))["transverse_metatarsal"]
    dome = tl.phase_named("Hold the dome")
    held = ts.arch_heights(tl.true_transforms(dome.start_frame))["transverse_metatarsal"]
    assert held > start + 2.0, f"rounding the forefoot: {start:.1f} -> {held:.1f} mm"


# -- a broken file names the file, the item and the field ---------------------------------------------------
def _write(tmp_path, mutate):
    from app import MESH_DIR

    data = json.loads((MESH_DIR / "tissues.json").read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "tissues.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d["tissues"][0]["lines"][0]["points"][0].update(landmark="nowhere"),
     r"tissues\[0\] \(atfl\)\.lines\[0\]\.points\[0\]\.landmark: no landmark 'nowhere' on bone 'fibula'"),
    (lambda d: d["tissues"][1]["lines"][0]["points"][1].update(bone="femur"), r"tissues\[1\] \(cfl\)\.lines\[0\]\.points\[1\]\.bone"),
    (lambda d: d["tissues"][2].update(group="knee"), r"tissues\[2\] \(ptfl\)\.group: unknown group 'knee'"),
    (lambda d: d["tissues"][3].update(sources=[]), r"tissues\[3\] .*\.sources"),
    (lambda d: d["tissues"][0].update(taut_strain=-0.1), r"tissues\[0\] \(atfl\)\.taut_strain"),
    (lambda d: d["tissues"][0].update(failure_strain=0.01), r"tissues\[0\] \(atfl\)\.failure_strain: .*must exceed"),
    (lambda d: d["tissues"][0]["lines"][0]["points"][1].update(bone="fibula", landmark="cfl_origin"),
     r"tissues\[0\] \(atfl\)\.lines\[0\]\.points: every point is on bone 'fibula'"),
    (lambda d: d["tissues"].append(dict(d["tissues"][0])), r"duplicate tissue 'atfl'"),
    (lambda d: d["tissues"][0].update(slack={"rule": "pose", "pose": {"talocrural.bend": 3}, "source": "x"}),
     r'slack\.pose\["talocrural\.bend"\]: unknown coordinate'),
    (lambda d: d["tissues"][0]["lines"][0]["points"][0].update(offset_mm=[0, "a", 0]), r"points\[0\]\.offset_mm"),
    (lambda d: d["tripod"].update(points=d["tripod"]["points"][:2]), r"tripod\.points"),
    (lambda d: d["arches"][0].update(apex=0), r"arches\[0\]\.apex"),
    (lambda d: d.update(version=7), r"version"),
])
def test_broken_tissues_file_names_the_item_and_field(tmp_path, rig, marks, kin, mutate, where):
    path = _write(tmp_path, mutate)
    with pytest.raises(TissueError, match=where) as e:
        load_tissues(path, rig=rig, landmarks=marks, kinematics=kin)
    assert str(path) in str(e.value)


def test_unreadable_tissues_file_is_a_clear_error(tmp_path, rig, marks, kin):
    bad = tmp_path / "tissues.json"
    bad.write_text("{ not json", encoding="utf-8")
    with pytest.raises(TissueError, match=r"tissues\.json: malformed JSON at line 1 column 3"):
        load_tissues(bad, rig=rig, landmarks=marks, kinematics=kin)
    with pytest.raises(TissueError, match="not found"):
        load_tissues(tmp_path / "missing.json", rig=rig, landmarks=marks, kinematics=kin)


def test_techniques_still_load_when_the_tissue_names_cannot_be_read(monkeypatch, rig, lib):
    import app.anatomy.tissues as tissues
    from app.techniques.library import load_library

    def unreadable(path=None):
        raise TissueError("tissues.json: not a readable JSON file")

    monkeypatch.setattr(tissues, "tissue_names", unreadable)
    again = load_library(rig=rig)
    assert [t.id for t in again.techniques] == [t.id for t in lib.techniques] and not again.problems


def test_a_hostile_tissues_file_is_refused_like_the_other_data_files(tmp_path, rig):
    """Read through the same checked reader as the rig and landmarks: a named pipe never hangs, NaN is refused."""
    import os

    from app.anatomy.tissues import TissueError, load_tissues

    fifo = tmp_path / "tissues.json"
    os.mkfifo(fifo)
    with pytest.raises(TissueError, match="named pipe"):
        load_tissues(fifo, rig=rig)
    nan = tmp_path / "nan.json"
    nan.write_text('{"format": "talus-tissues", "version": 1, "groups": NaN}')
    with pytest.raises(TissueError, match=r"nan\.json: groups: NaN"):
        load_tissues(nan, rig=rig)


def test_a_described_tissue_of_several_lines_names_the_line_its_numbers_belong_to(rig, lib):
    """The numbers shown for a capsule are those of its most strained part, which changes as the ankle moves:
    the part is named, so a neutral length of 30.3 mm at rest and 32.6 mm later never read as a contradiction."""
    import re

    from app.anatomy.tissues import describe_states, load_tissues
    from app.techniques.timeline import Timeline

    ts = load_tissues(rig=rig)
    tl = Timeline(lib.technique("talocrural-traction"), rig)
    names = ["talocrural_capsule_anterior", "atfl"]
    seen = set()
    for frame in range(0, tl.n_frames, 15):
        capsule, atfl = describe_states(ts, names, tl.true_transforms(frame))
        m = re.fullmatch(r"Talocrural capsule, anterior \[(.+)\]: ([\d.]+) mm \(neutral ([\d.]+)\), [+-][\d.]+ %", capsule)
        assert m, capsule
        k = ts.line_names.index(m.group(1))
        assert ts.line_tissue[k] == ts.get("talocrural_capsule_anterior").index
        assert float(m.group(3)) == pytest.approx(ts.neutral_length_mm[k], abs=0.05)
        seen.add(m.group(1))
        assert "[" not in atfl  # one line: nothing to name
    assert len(seen) > 1  # the most strained part does change over the technique
