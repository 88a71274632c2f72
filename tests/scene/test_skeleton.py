"""Scene layer: mirrored meshes keep outward normals and sizes; stills render without a display."""

import os
import subprocess
import sys

import numpy as np
import pytest






def signed_volume(mesh):
    tri = mesh.faces.reshape(-1, 4)[:, 1:]
    p = mesh.points[tri]
    return float(np.einsum("ij,ij->i", p[:, 0], np.cross(p[:, 1], p[:, 2])).sum() / 6.0)


def test_mirrored_bones_keep_size_and_outward_normals(meshes):
    from app.scene.skeleton import mirrored

    for name, mesh in meshes.items():
        m = mirrored(mesh)
        assert signed_volume(mesh) > 0, name
        assert signed_volume(m) == pytest.approx(signed_volume(mesh), rel=1e-4), name
        size = np.ptp(mesh.points, axis=0)
        assert np.allclose(np.ptp(m.points, axis=0), size), name
        # the stored (shading) normals agree with the faces' winding: outward on the mirror image too
        tri = m.faces.reshape(-1, 4)[:, 1:]
        p = m.points[tri]
        face_n = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
        shade_n = np.asarray(m.point_data["Normals"])[tri].sum(axis=1)
        assert np.mean(np.einsum("ij,ij->i", face_n, shade_n) > 0) > 0.99, name


def test_missing_mesh_is_reported_with_its_file(rig, tmp_path):
    from app.scene.skeleton import MeshError, load_bone_meshes

    with pytest.raises(MeshError, match=r"talus\.ply.*not found|tibia\.ply.*not found"):
        load_bone_meshes(rig, tmp_path)


def test_unreadable_mesh_is_reported_with_its_file(rig, tmp_path):
    import shutil

    from app import MESH_DIR
    from app.scene.skeleton import MeshError, load_bone_meshes

    for b in rig.bones:
        shutil.copy(MESH_DIR / b.mesh, tmp_path / b.mesh)
    (tmp_path / "navicular.ply").write_bytes(b"ply\nformat garbage\n")
    with pytest.raises(MeshError, match=r"navicular\.ply"):
        load_bone_meshes(rig, tmp_path)


def foreground_fraction(img):
    """Share of pixels that differ clearly from the gradient background (bone-coloured)."""
    rgb = img[..., :3].astype(int)
    bone = (rgb[..., 0] > 150) & (rgb[..., 1] > 140) & (rgb[..., 2] > 110)
    return bone.mean(), bone


@pytest.mark.parametrize("side", ["right", "left"])
def test_talus_still_writes_a_picture_of_the_skeleton_without_a_display(tmp_path, side):
    import imageio.v3 as iio

    out = tmp_path / f"foot-{side}.png"
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    r = subprocess.run([sys.executable, "-m", "app", "still", "-o", str(out), "--view", "lateral",
                        "--size", "640x400", "--side", side], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    img = iio.imread(out)
    assert img.shape[:2] == (400, 640)
    frac, mask = foreground_fraction(img)
    assert 0.08 < frac < 0.6  # the skeleton fills a sensible part of the frame
    ys, xs = np.nonzero(mask)
    assert xs.max() - xs.min() > 0.5 * 640  # a lateral view of a foot is wide
    # lateral view: the right foot's toes point right, the left foot's toes point left
    heel_side = mask[:, : 640 // 4].sum()
    toe_side = mask[:, -640 // 4:].sum()
    assert heel_side > 0 and toe_side > 0
    cols = np.nonzero(mask.any(axis=0))[0]
    tibia_x = np.median(xs[ys < ys.min() + 20])  # the top of the picture is the tibia
    assert (tibia_x < 320) == (side == "right")


def test_talus_still_rejects_bad_sizes(tmp_path):
    r = subprocess.run([sys.executable, "-m", "app", "still", "-o", str(tmp_path / "a.png"), "--size", "641x400"],
                       capture_output=True, text=True)
    assert r.returncode != 0
    assert "even" in r.stderr


@pytest.mark.parametrize("side", ["right", "left"])
def test_culling_the_back_faces_of_opaque_bones_changes_no_pixel(side):
    """Opaque bones are drawn with back-face culling (half the triangles on a software renderer): the
    picture is the same as with every face drawn (but for a stray edge pixel), on the mirrored left
    foot too; faded bones keep their back faces, seen through the front."""
    from app.scene.offscreen import OffscreenStage

    stage = OffscreenStage((480, 320), side=side, view="three_quarter")
    try:
        props = [a.GetProperty() for a in stage.scene.actors.values()]
        assert all(p.GetBackfaceCulling() for p in props)
        culled = stage.render().astype(int)
        for p in props:
            p.SetBackfaceCulling(False)
        drawn = stage.render().astype(int)
        changed = np.abs(culled - drawn).max(axis=2) > 2
        assert changed.mean() < 1e-3  # a stray edge pixel or two where slivers rasterise differently
        stage.scene.set_xray(True, solid=["talus"])
        assert stage.scene.actors["talus"].GetProperty().GetBackfaceCulling()
        assert not stage.scene.actors["calcaneus"].GetProperty().GetBackfaceCulling()
    finally:
        stage.close()
