"""Talus: a 3D viewer of the foot's joints for teaching and learning massage and manual therapy."""

from pathlib import Path

__version__ = "0.1.0"

#: Folder of the installed data: bone meshes and the rig (``meshes/``) and the bundled technique library.
DATA_DIR = Path(__file__).resolve().parent.parent
MESH_DIR = DATA_DIR / "meshes"
RIG_PATH = MESH_DIR / "rig.json"
LANDMARKS_PATH = MESH_DIR / "landmarks.json"
TECHNIQUES_PATH = DATA_DIR / "techniques.json"
