"""Composite motions: read from the rig file, validated with the file and item named, applied by ratio."""

import json

import numpy as np
import pytest

from app.anatomy.composites import CompositeError, load_composites


def write(tmp_path, rig, composites):
    raw = json.loads(rig.path.read_text())
    raw["composites"] = composites
    p = tmp_path / "rig.json"
    p.write_text(json.dumps(raw))
    return p


def test_the_bundled_composites_have_sources_and_sensible_ranges(rig):
    comps = load_composites(rig)
    assert {"supination", "inversion", "first_ray_dorsiflexion", "toe_curl"} <= set(comps)
    for c in comps.values():
        assert c.source and c.positive
        lo, hi = c.range
        assert lo < hi
        for name, r in zip(c.coordinates, c.ratios):  # the range keeps every coordinate in its normal range
            a, b = rig.coordinate(name).range
            assert a - 1e-9 <= r * lo <= b + 1e-9 and a - 1e-9 <= r * hi <= b + 1e-9


def test_moving_a_composite_moves_its_coordinates_by_their_ratios_and_keeps_the_rest(rig):
    comp = load_composites(rig)["supination"]
    rng = np.random.default_rng(4)
    q = rng.normal(size=len(rig.coordinates))
    out = comp.apply(q, comp.value(q) + 5.0)
    np.testing.assert_allclose(out - q, np.bincount(comp.indices, comp.ratios * 5.0, len(q)), atol=1e-12)
    assert comp.value(out) == pytest.approx(comp.value(q) + 5.0)


@pytest.mark.parametrize("bad, where", [
    ({"coordinates": {"no.such": 1.0}}, r"composites\[0\]\.coordinates\.no\.such: no such coordinate"),
    ({"coordinates": {"subtalar.inversion": 0}}, r"composites\[0\]\.coordinates\.subtalar\.inversion: ratio"),
    ({"unit": "mm"}, r"composites\[0\]\.unit"),
    ({"source": ""}, r"composites\[0\]\.source"),
    ({"coordinates": {"subtalar.inversion": True}}, r"ratio"),
])
def test_a_broken_composite_is_refused_naming_the_file_and_item(tmp_path, rig, bad, where):
    good = {"name": "x", "label": "X", "unit": "deg", "positive": "+", "source": "s",
            "coordinates": {"subtalar.inversion": 1.0}}
    path = write(tmp_path, rig, [dict(good, **bad)])
    with pytest.raises(CompositeError, match=where) as e:
        load_composites(rig, path)
    assert str(path) in str(e.value)


def test_a_rig_without_composites_has_none(tmp_path, rig):
    raw = json.loads(rig.path.read_text())
    raw.pop("composites", None)
    p = tmp_path / "rig.json"
    p.write_text(json.dumps(raw))
    assert load_composites(rig, p) == {}
