"""Fixtures shared by every layer's tests: the rig, the bundled library and the bone meshes (loaded once)."""

import os
import tempfile

import pytest

# Tests never read or write the user's own settings: Qt keeps them under $XDG_CONFIG_HOME on Linux.
# Set before Qt is imported anywhere, and inherited by every subprocess the tests start.
_CONFIG_HOME = tempfile.mkdtemp(prefix="talus-test-config-")
os.environ["XDG_CONFIG_HOME"] = _CONFIG_HOME
# As `talus` itself runs (app/cli.py): one BLAS thread, set before numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


@pytest.fixture(scope="session")
def rig():
    from app.anatomy import load_rig

    return load_rig()


@pytest.fixture(scope="session")
def lib(rig):
    from app.techniques.library import load_library

    return load_library(rig=rig)


@pytest.fixture(scope="session")
def meshes(rig):
    from app.scene.skeleton import load_bone_meshes

    return load_bone_meshes(rig)
