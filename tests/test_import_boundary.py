"""The pure layers never pull in Qt or VTK (architecture: lower layers never import higher)."""

import subprocess
import sys


def test_anatomy_and_techniques_import_without_qt_or_vtk():
    code = ("import sys, app.anatomy, app.techniques.library, app.techniques.timeline; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyvista', 'vtk', 'vtkmodules', 'pyvistaqt', 'trimesh')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_stills_and_clips_render_without_the_plotting_library(tmp_path):
    """``talus still`` and ``talus export`` (which the window runs for every export) draw with VTK alone:
    pyvista's plotting module imports matplotlib's pyplot, about 1.5 s before the first frame."""
    code = ("import sys; from app.scene.offscreen import render_still; from app.anatomy import load_rig; "
            "from app.techniques.library import load_library; from app.export.video import export_technique; "
            f"render_still({str(tmp_path / 'a.png')!r}, technique='talocrural-traction', frame=30, tissues=('ankle',)); "
            "rig = load_rig(); tech = load_library(rig=rig).technique('toe-rotation-1'); "
            f"export_technique(tech, rig, {str(tmp_path / 'b.mp4')!r}, size=(160, 120), fps=5, end=2.0, captions=True); "
            "bad = [m for m in sys.modules if m.startswith(('matplotlib', 'pyvista.plotting'))]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "a.png").stat().st_size > 10_000 and (tmp_path / "b.mp4").stat().st_size > 1_000
