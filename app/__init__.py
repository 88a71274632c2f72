"""Talus: a 3D viewer of the foot's joints for teaching and learning massage and manual therapy."""

from importlib import resources
from pathlib import Path

__version__ = "0.1.0"


def data_dir() -> Path:
    """Folder holding ``meshes/`` (bone meshes, rig, landmarks) and the bundled ``techniques.json``.

    An installed wheel carries them inside the package (``app/data/``, copied in at build time by
    setup.py) and they are found with :mod:`importlib.resources`; a source checkout or an editable
    install (``pip install -e .``) reads the repository's own files at its top.
    """
    bundled = resources.files(__name__) / "data"
    if bundled.is_dir():
        return Path(str(bundled))
    return Path(__file__).resolve().parent.parent


#: The installed data: bone meshes, rig and landmarks (``meshes/``) and the bundled technique library.
DATA_DIR = data_dir()
MESH_DIR = DATA_DIR / "meshes"
RIG_PATH = MESH_DIR / "rig.json"
LANDMARKS_PATH = MESH_DIR / "landmarks.json"
TECHNIQUES_PATH = DATA_DIR / "techniques.json"
