"""``talus kinematics`` gives each tissue's length and strain at true size; stills and exports take --tissues."""

import csv
import io
import os
import subprocess
import sys

import numpy as np
import pytest

from app.techniques.commands import run_kinematics


def table(*args, **kw):
    out = io.StringIO()
    assert run_kinematics(*args, out=out, **kw) == 0
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    return rows


def test_kinematics_lists_every_tissue_length_and_strain_at_true_size(rig):
    from app.anatomy.tissues import load_tissues
    from app.techniques.library import load_library
    from app.techniques.timeline import Timeline

    rows = table("talocrural-traction", fps=10)
    ts = load_tissues(rig=rig)
    for t in ts:
        assert f"{t.name}.length_mm" in rows[0] and f"{t.name}.strain_pct" in rows[0]
    tl = Timeline(load_library(rig=rig).technique("talocrural-traction"), rig, fps=10)
    f = (tl.phase_named("Hold").start_frame + tl.phase_named("Hold").end_frame) // 2
    state = ts.states(tl.true_transforms(f))["talocrural_capsule_posterior"]
    assert float(rows[f]["talocrural_capsule_posterior.length_mm"]) == pytest.approx(state.length_mm, abs=1e-3)
    assert float(rows[f]["talocrural_capsule_posterior.strain_pct"]) == pytest.approx(state.strain_pct, abs=1e-3)
    # magnifying the bones never magnifies the tissue numbers
    magnified = table("talocrural-traction", fps=10, magnify=6.0)
    assert magnified[f]["talocrural.distraction"] != rows[f]["talocrural.distraction"]
    assert magnified[f]["talocrural_capsule_posterior.strain_pct"] == rows[f]["talocrural_capsule_posterior.strain_pct"]
    lean = table("talocrural-traction", fps=10, tissues=False)
    assert not any(k.endswith(".strain_pct") for k in lean[0])


def test_windlass_shows_in_the_kinematics_of_toe_extension():
    rows = table("toe-flexion-extension", fps=10)
    ext = np.array([float(r["metatarsophalangeal_1.extension"]) for r in rows])
    fascia = np.array([float(r["plantar_fascia.strain_pct"]) for r in rows])
    assert fascia[np.argmax(ext)] > fascia[0] + 1.0


def run(*args):
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=180,
                          env=dict(os.environ))


def test_still_with_tissues_and_an_unknown_group(tmp_path):
    r = run("still", "-o", str(tmp_path / "a.png"), "--size", "480x320", "--technique", "forefoot-rounding",
            "--frame", "150", "--tissues", "forefoot,fascia", "--arches")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "a.png").stat().st_size > 1000
    r = run("still", "-o", str(tmp_path / "b.png"), "--tissues", "knee")
    assert r.returncode == 2 and "unknown group 'knee'" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "b.png").exists()


def test_export_draws_tissues_when_asked(tmp_path, rig):
    from app.export.video import export_technique
    from app.techniques.library import load_library

    tech = load_library(rig=rig).technique("toe-rotation-2")
    out = export_technique(tech, rig, str(tmp_path / "frames") + "/", size=(320, 240), fps=2, end="Light traction",
                           tissues=("forefoot",), arches=True)
    assert len(list(out.iterdir())) >= 2
