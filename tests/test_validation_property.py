"""Property: any mutation of a bundled data file gives either a working result or a TalusError (or, for
techniques, a listed problem) naming the file and the JSON path: never another exception.

Bounded and deterministic: derandomized, no example database, a modest number of examples each.
"""

import copy
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from app import LANDMARKS_PATH, RIG_PATH, TECHNIQUES_PATH
from app.errors import TalusError

BOUNDED = settings(max_examples=150, deadline=None, database=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))

WEIRD_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.integers(-10**40, 10**40),
    st.sampled_from([0.0, -0.0, 1e-320, 1e308, -1e308, float("nan"), float("inf"), float("-inf"), 0.5, -7.25, 1e6]),
    st.sampled_from(["", " ", "x", "\ud800", "Hold", "hold", "talus", "tibia", "talocrural.distraction", "deg", "mm",
                     "rotation", "translation", "palpable", "left", "a" * 5000, "\u00e9\u4e2d", "\x00"]),
)
VALUES = st.recursive(WEIRD_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                              st.dictionaries(st.sampled_from(["t", "value", "x", "name"]), inner, max_size=3)),
                      max_leaves=6)


def draw_path(draw, doc, start=()):
    """A random walk from ``start`` that stops at each level with probability 1/4: the structure
    (lists, objects, whole items) is hit as often as the leaves."""
    path = tuple(start)
    doc = at(doc, path)
    while True:
        keys = list(doc) if isinstance(doc, dict) else list(range(len(doc))) if isinstance(doc, list) else []
        if not keys or (path and draw(st.integers(0, 3)) == 0):
            return path
        key = draw(st.sampled_from(keys))
        path += (key,)
        doc = doc[key]


def at(doc, path):
    for p in path:
        doc = doc[p]
    return doc


def weird_replacement(draw, value):
    """A value of the same kind gone wrong, or of the wrong kind."""
    if isinstance(value, bool) or value is None:
        return draw(VALUES)
    if isinstance(value, (int, float)):
        return draw(st.sampled_from([float("nan"), float("inf"), float("-inf"), -value, value * 1000, value + 0.5, 0,
                                     1e308, 10**40, -10**40, str(value), None, True, [value]]))
    if isinstance(value, str):
        return draw(st.sampled_from([value.upper(), value.lower(), value.capitalize(), "", " ", value + "\ud800",
                                     "\udc80", value * 200, 5, None, [value], {value: value}]))
    return draw(st.one_of(st.sampled_from([[], {}, None, "x", 0]), VALUES))


@st.composite
def mutated_text(draw, original, starts=((),)):
    """The original document with 1-3 mutations, sometimes then damaged as text.

    ``starts``: JSON paths where the random walks may begin (e.g. each technique), one drawn per mutation.
    """
    doc = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.sampled_from(starts))
        try:
            at(doc, start)
        except (KeyError, IndexError, TypeError):
            start = ()
        path = draw_path(draw, doc, start)
        if not path:
            continue
        parent, key = at(doc, path[:-1]), path[-1]
        node = parent[key]
        action = draw(st.sampled_from(["weird", "weird", "weird", "delete", "duplicate", "rename", "any"]))
        if action == "weird":
            parent[key] = weird_replacement(draw, node)
        elif action == "any":
            parent[key] = draw(VALUES)
        elif action == "delete":
            del parent[key]
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(node))
        elif action == "rename" and isinstance(parent, dict) and isinstance(key, str):
            parent[draw(st.sampled_from([key.upper(), key + "_mm", key.replace("_gm", "_mm"), key.lower()]))] = parent.pop(key)
    text = json.dumps(doc, allow_nan=True)
    damage = draw(st.sampled_from(["none"] * 6 + ["truncate", "insert"]))
    if damage == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif damage == "insert":
        i = draw(st.integers(0, len(text)))
        text = text[:i] + draw(st.sampled_from(["[", "{", "]", ",", '"', "NaN", "\\ud800", "9" * 400])) + text[i:]
    return text


def names_file_and_path(message: str, path) -> bool:
    message.encode("utf-8")  # printable: no lone surrogates
    return message.startswith(str(path) + ": ") and len(message) > len(str(path)) + 3


@pytest.fixture(scope="module")
def originals():
    return {p: json.loads(p.read_text(encoding="utf-8")) for p in (TECHNIQUES_PATH, RIG_PATH, LANDMARKS_PATH)}


def test_mutated_techniques_load_or_list_problems_with_their_path(tmp_path_factory, rig, originals):
    from app.techniques.library import load_library
    from app.techniques.timeline import Timeline

    # Three techniques keep each example fast (validation costs ~5 ms a technique) and cover every kind of
    # field: an oscillation, contacts, anatomy notes, translations and rotations, repeats.
    full = originals[TECHNIQUES_PATH]
    keep = ("talocrural-jostle", "toe-rotation-1", "midfoot-roll-on-thumb")
    original = dict(full, techniques=[t for t in full["techniques"] if t["id"] in keep])
    assert len(original["techniques"]) == len(keep)
    by_id = {t["id"]: t for t in original["techniques"]}
    starts = [()] + [("techniques", i) for i in range(len(original["techniques"]))] * 3
    folder = tmp_path_factory.mktemp("techniques")

    @BOUNDED
    @given(st.data())
    def check(data):
        text = data.draw(mutated_text(original, starts))
        path = folder / "mine.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        result = load_library(path, rig=rig)
        for p in result.problems:
            assert p.file == str(path)
            assert names_file_and_path(str(p), path), str(p)
            assert p.path or p.technique_id is None
        lo = np.array([c.range[0] for c in rig.coordinates]) - 1e-6
        hi = np.array([c.range[1] for c in rig.coordinates]) + 1e-6
        for t in result.techniques:
            if t.raw == by_id.get(t.id):
                continue
            json.dumps(t.raw, ensure_ascii=False).encode("utf-8")  # every name and cue can be printed
            tl = Timeline(t, rig)
            for f in np.linspace(0, tl.n_frames - 1, 12).astype(int):
                q = tl.coordinates(f)
                assert np.all(np.isfinite(q)), (t.id, f)
                assert np.all((lo <= q) & (q <= hi)), (t.id, f, [c.name for c, v, a, b in zip(rig.coordinates, q, lo, hi)
                                                                 if not a <= v <= b])
                assert np.all(np.isfinite(tl.kin.transforms(tl.pose(f)))), (t.id, f)

    check()


def test_mutated_rigs_load_or_raise_a_talus_error_with_their_path(tmp_path_factory, originals):
    from app.anatomy import load_rig
    from app.anatomy.kinematics import Kinematics

    folder = tmp_path_factory.mktemp("rig")
    raw = originals[RIG_PATH]
    starts = [(), ("bones",), ("functional_joints",)] + [("joints", i) for i in range(len(raw["joints"]))] \
        + [("coordinates", i) for i in range(len(raw["coordinates"]))]

    @BOUNDED
    @given(st.data())
    def check(data):
        text = data.draw(mutated_text(originals[RIG_PATH], starts))
        path = folder / "rig.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            rig = load_rig(path)
        except TalusError as exc:
            assert names_file_and_path(str(exc), path), str(exc)
            return
        q = {c.name: c.range[1] for c in rig.coordinates}
        assert np.all(np.isfinite(Kinematics(rig).transforms(q)))

    check()


def test_mutated_landmarks_load_or_raise_a_talus_error_with_their_path(tmp_path_factory, rig, originals):
    from app.anatomy.landmarks import load_landmarks

    folder = tmp_path_factory.mktemp("landmarks")
    starts = [()] + [("landmarks", i) for i in range(len(originals[LANDMARKS_PATH]["landmarks"]))]
    bones = set(rig.bone_names)

    @BOUNDED
    @given(st.data())
    def check(data):
        text = data.draw(mutated_text(originals[LANDMARKS_PATH], starts))
        path = folder / "landmarks.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            marks = load_landmarks(path, bones=bones)
        except TalusError as exc:
            assert names_file_and_path(str(exc), path), str(exc)
            return
        for m in marks:
            assert np.all(np.isfinite(m.point_mm)) and math.isclose(float(np.linalg.norm(m.normal)), 1.0, abs_tol=1e-6)

    check()
