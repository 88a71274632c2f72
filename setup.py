"""Build hook: bring the data at the top of the repository into the wheel.

``meshes/`` (every file in it, whatever the generators add) and ``techniques.json`` stay at the top of
the repository, the source of truth. A regular build copies them into the package as ``app/data/``,
where :func:`app.data_dir` finds them with :mod:`importlib.resources`. An editable install
(``pip install -e .``, used by dev.sh) copies nothing: it reads the repository's own files.
The project's metadata lives in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA = ("meshes", "techniques.json")  # folders are copied whole, recursively


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "app" / "data"
        shutil.rmtree(target, ignore_errors=True)  # a file removed from meshes/ must not linger in build/
        for name in DATA:
            src = ROOT / name
            files = sorted(p for p in src.rglob("*") if p.is_file()) if src.is_dir() else [src]
            if not files or not all(p.is_file() for p in files):
                raise SystemExit(f"talus build: {src} is missing or empty; it must go into the wheel")
            for f in files:
                dest = target / f.relative_to(ROOT)
                self.mkpath(str(dest.parent))
                self.copy_file(str(f), str(dest))


setup(cmdclass={"build_py": BuildPyWithData})
