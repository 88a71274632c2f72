"""Fixtures shared by every layer's tests: the rig, the bundled library and the bone meshes (loaded once)."""

import pytest


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
