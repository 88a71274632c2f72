"""The pure layers never pull in Qt or VTK (architecture: lower layers never import higher)."""

import subprocess
import sys


def test_anatomy_and_techniques_import_without_qt_or_vtk():
    code = ("import sys, app.anatomy, app.techniques.library, app.techniques.timeline; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyvista', 'vtk', 'vtkmodules', 'pyvistaqt', 'trimesh')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
