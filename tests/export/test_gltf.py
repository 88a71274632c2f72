"""The animated 3D model: a .glb that standard readers open, one node per bone of the rig, whose
transforms at the sampled frames are the ones ``talus kinematics`` writes."""

import json
import subprocess
import sys

import numpy as np
import pytest
from scipy.spatial.transform import Rotation


def read_animation(path):
    """node name -> (times, translations (n, 3), rotations xyzw (n, 4)) read back from a .glb."""
    import pygltflib as gl

    doc = gl.GLTF2().load(str(path))
    blob = doc.binary_blob()

    def array(i):
        acc = doc.accessors[i]
        view = doc.bufferViews[acc.bufferView]
        width = {"SCALAR": 1, "VEC3": 3, "VEC4": 4}[acc.type]
        data = np.frombuffer(blob, dtype=np.float32, count=acc.count * width, offset=view.byteOffset + (acc.byteOffset or 0))
        return data.reshape(acc.count, width) if width > 1 else data

    anim = doc.animations[0]
    out = {}
    for ch in anim.channels:
        s = anim.samplers[ch.sampler]
        name = doc.nodes[ch.target.node].name
        out.setdefault(name, {})["t"] = array(s.input)
        out[name][ch.target.path] = array(s.output)
    return doc, out


def kinematics_json(technique, fps, extra=()):
    r = subprocess.run([sys.executable, "-m", "app", "kinematics", technique, "--fps", str(fps), "--format", "json", *extra],
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


@pytest.mark.parametrize("side", ["right", "left"])
def test_glb_has_a_node_per_bone_whose_transforms_equal_talus_kinematics(tmp_path, rig, side):
    out = tmp_path / "clip.glb"
    fps = 10
    tech = "talocrural-traction"
    r = subprocess.run([sys.executable, "-m", "app", "export", tech, "-o", str(out), "--fps", str(fps), "--side", side],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    doc, anim = read_animation(out)
    bone_nodes = [n for n in doc.nodes if n.mesh is not None]
    assert [n.name for n in bone_nodes] == [b.name for b in rig.bones]  # the rig's list, however long
    root = next(n for n in doc.nodes if n.name == "foot")
    assert root.scale == [0.001] * 3 and len(root.children) == len(rig.bones)
    kin = kinematics_json(tech, fps)
    frames = kin["frames"]
    S = np.diag([1.0, 1.0, -1.0])
    for b in rig.bones:
        a = anim[b.name]
        assert len(a["t"]) == len(frames)
        np.testing.assert_allclose(a["t"], [f["time_s"] for f in frames], atol=1e-5)
        for k in range(0, len(frames), 7):
            f = frames[k]
            p = np.array([f[f"{b.name}.{c}"] for c in ("px", "py", "pz")])
            R = Rotation.from_quat([f[f"{b.name}.{c}"] for c in ("qx", "qy", "qz", "qw")]).as_matrix()
            if side == "left":
                p, R = S @ p, S @ R @ S
            np.testing.assert_allclose(a["translation"][k], p, atol=1e-3)  # float32 in the file
            np.testing.assert_allclose(Rotation.from_quat(a["rotation"][k]).as_matrix(), R, atol=1e-5)


def test_glb_opens_in_a_standard_reader(tmp_path, rig, lib, meshes):
    import trimesh

    from app.export.gltf import export_gltf

    out = export_gltf(lib.techniques[0], rig, tmp_path / "clip.glb", fps=5, meshes=meshes)
    scene = trimesh.load(out)
    assert len(scene.geometry) == len(rig.bones)
    assert not list(tmp_path.glob(".*part*"))
    extent = scene.extents
    assert 0.1 < max(extent) < 0.6  # metres: a foot, not a 300 m monster


def test_glb_export_refuses_a_bad_request_with_a_message(tmp_path, rig, lib, meshes):
    from app.errors import TalusError
    from app.export.gltf import export_gltf

    with pytest.raises(TalusError, match="does not exist"):
        export_gltf(lib.techniques[0], rig, tmp_path / "nowhere" / "clip.glb", meshes=meshes)
    with pytest.raises(TalusError, match="no phase"):
        export_gltf(lib.techniques[0], rig, tmp_path / "clip.glb", start="No such phase", meshes=meshes)
    assert list(tmp_path.iterdir()) == []
