"""Bone meshes are read in numpy and checked before VTK sees them: a broken PLY gives a message naming
the file and what is wrong, never a crash inside VTK, a vanished bone or a ValueError for the left foot."""

import numpy as np
import pytest

from app import MESH_DIR
from app.anatomy.meshfile import MeshFileError, parse_ply, read_ply

CUBE = np.array([[0, 0, 0], [10, 0, 0], [10, 10, 0], [0, 10, 0], [0, 0, 10], [10, 0, 10], [10, 10, 10], [0, 10, 10]], float)
CUBE_QUADS = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]]  # outward


def ply(points, faces, *, fmt="binary_little_endian", normals=None, count="uchar", index="int", vertex_count=None,
        face_count=None, body_cut=None) -> bytes:
    """A PLY file as a modelling program writes it."""
    points = np.asarray(points, float)
    lines = ["ply", f"format {fmt} 1.0", "comment test", f"element vertex {vertex_count if vertex_count is not None else len(points)}",
             "property float x", "property float y", "property float z"]
    if normals is not None:
        lines += ["property float nx", "property float ny", "property float nz"]
    lines += [f"element face {face_count if face_count is not None else len(faces)}",
              f"property list {count} {index} vertex_indices", "end_header"]
    head = ("\n".join(lines) + "\n").encode()
    cols = points if normals is None else np.hstack([points, normals])
    if fmt == "ascii":
        body = "".join(" ".join(f"{v:g}" for v in row) + "\n" for row in cols)
        body += "".join(f"{len(f)} " + " ".join(str(i) for i in f) + "\n" for f in faces)
        data = head + body.encode()
    else:
        o = "<" if fmt == "binary_little_endian" else ">"
        ct = {"uchar": "u1", "int": "i4", "ushort": "u2"}[count]
        it = {"int": "i4", "uint": "u4", "ushort": "u2"}[index]
        body = cols.astype(o + "f4").tobytes()
        for f in faces:
            body += np.array([len(f)], o + ct).tobytes() + np.array(f, o + it).tobytes()
        data = head + body
    return data if body_cut is None else data[:len(head) + body_cut]


def read(tmp_path, data, name="bone.ply"):
    p = tmp_path / name
    p.write_bytes(data)
    return read_ply(p, what="mesh of bone 'talus'")


def refused(tmp_path, data, *expected):
    with pytest.raises(MeshFileError) as err:
        read(tmp_path, data)
    msg = str(err.value)
    assert str(tmp_path / "bone.ply") in msg and "mesh of bone 'talus'" in msg
    for e in expected:
        assert e in msg, msg
    return msg


def test_every_bundled_mesh_reads_as_vtk_reads_it():
    import pyvista as pv

    for path in sorted(MESH_DIR.glob("*.ply")):
        mine = read_ply(path)
        vtk_mesh = pv.read(path)
        assert np.array_equal(mine.points, np.asarray(vtk_mesh.points)), path.name
        assert np.array_equal(mine.triangles, vtk_mesh.faces.reshape(-1, 4)[:, 1:]), path.name
        assert np.allclose(mine.normals, vtk_mesh.point_data["Normals"], atol=1e-3), path.name


@pytest.mark.parametrize("fmt", ["ascii", "binary_little_endian", "binary_big_endian"])
def test_the_three_ply_encodings_give_the_same_mesh(tmp_path, fmt):
    tris = [[0, 1, 2], [0, 2, 3]]
    m = read(tmp_path, ply(CUBE[:4], tris, fmt=fmt, normals=np.tile([0.0, 0.0, 1.0], (4, 1))))
    assert np.array_equal(m.points, CUBE[:4].astype(np.float32))
    assert m.triangles.tolist() == tris
    assert np.allclose(m.normals, [0, 0, 1])


@pytest.mark.parametrize("fmt", ["ascii", "binary_little_endian"])
def test_quads_and_mixed_polygons_become_outward_triangles(tmp_path, fmt):
    faces = CUBE_QUADS[:4] + [[2, 3, 7], [2, 7, 6], [3, 0, 4, 7]]  # quads, two triangles, a quad
    m = read(tmp_path, ply(CUBE, faces, fmt=fmt))
    assert len(m.triangles) == 5 * 2 + 2
    p = m.points[m.triangles]
    normal = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
    outward = p.mean(axis=1) - CUBE.mean(axis=0)
    assert np.all(np.einsum("ij,ij->i", normal, outward) > 0)  # the winding survives the split
    area = 0.5 * np.linalg.norm(normal, axis=1).sum()
    assert area == pytest.approx(600.0)  # the whole surface of the 10 mm cube, no gaps, no overlaps


def test_a_quad_mesh_mirrors_for_the_left_foot(tmp_path):
    from app.scene.skeleton import mirrored, polydata

    mesh = polydata(read(tmp_path, ply(CUBE, CUBE_QUADS)))
    left = mirrored(mesh)  # before: ValueError (reshape of quads as triangles)
    assert left.n_cells == 12 and np.allclose(left.points[:, 2], -mesh.points[:, 2])


@pytest.mark.parametrize("data, expected", [
    (ply(CUBE, CUBE_QUADS, body_cut=50), ["truncated"]),
    (ply(CUBE, CUBE_QUADS, body_cut=0), ["truncated"]),
    (ply(CUBE, CUBE_QUADS, fmt="ascii", body_cut=40), ["truncated"]),
    (ply(CUBE, CUBE_QUADS)[:60], ["end_header"]),
    (ply(CUBE, CUBE_QUADS, vertex_count=2_000_000_000), ["2000000000 vertices", "at most"]),
    (ply(CUBE, CUBE_QUADS, vertex_count=9_000_000), ["truncated"]),
    (ply(CUBE, CUBE_QUADS, face_count=1_000_000), ["truncated"]),
    (ply(CUBE, CUBE_QUADS[:5] + [[3, 0, 4, 8]]), ["face 5", "vertex index 8", "0 to 7"]),
    (ply(CUBE, CUBE_QUADS[:5] + [[3, 0, 4, 9, 7]]), ["vertex index 9"]),
    (ply(CUBE, CUBE_QUADS[:2] + [[3, 0, -1, 7]] + CUBE_QUADS[3:]), ["face 2", "vertex index -1"]),
    (ply(CUBE, CUBE_QUADS, fmt="ascii")[:-2] + b"12\n", ["vertex index 12"]),
    (ply(np.vstack([CUBE[:7], [[np.nan, 0, 0]]]), CUBE_QUADS), ["vertex 7", "not a finite number"]),
    (ply(np.vstack([[[0, np.inf, 0]], CUBE[1:]]), CUBE_QUADS), ["vertex 0", "not a finite number"]),
    (ply(CUBE, CUBE_QUADS, normals=np.full((8, 3), np.nan)), ["normal", "not a finite number"]),
    (ply(CUBE * 1e9, CUBE_QUADS), ["from the origin"]),
    (ply(CUBE, [[0, 1]] + CUBE_QUADS[1:]), ["face 0 has 2 corners"]),
    (ply(CUBE, [], face_count=0), ["nothing to draw"]),
    (ply(CUBE, CUBE_QUADS, index="uint", count="int") + b"extra", ["bytes follow"]),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), ["not a PLY file"]),
    (b'{"format": "talus-rig"}', ["not a PLY file"]),
    (b"", ["not a PLY file"]),
    (ply(CUBE, CUBE_QUADS).replace(b"format binary_little_endian 1.0", b"format binary_middle_endian 1.0"), ["unsupported format"]),
    (ply(CUBE, CUBE_QUADS).replace(b"property float y\n", b"property float why\n"), ["x, y and z"]),
    (ply(CUBE, CUBE_QUADS).replace(b"list uchar int", b"list uchar float"), ["integers needed"]),
])
def test_a_broken_mesh_gives_a_message_not_a_crash(tmp_path, data, expected):
    refused(tmp_path, data, *expected)


def test_a_named_pipe_or_folder_is_not_read(tmp_path):
    import os

    os.mkfifo(tmp_path / "bone.ply")
    with pytest.raises(MeshFileError, match="named pipe"):
        read_ply(tmp_path / "bone.ply")
    with pytest.raises(MeshFileError, match="folder"):
        read_ply(tmp_path)


def test_a_broken_bone_stops_loading_with_the_file_named(rig, tmp_path):
    import shutil

    from app.scene.skeleton import MeshError, load_bone_meshes

    for b in rig.bones:
        shutil.copy(MESH_DIR / b.mesh, tmp_path / b.mesh)
    data = (MESH_DIR / "navicular.ply").read_bytes()
    (tmp_path / "navicular.ply").write_bytes(data[: len(data) // 2])
    with pytest.raises(MeshError, match=r"navicular\.ply: mesh of bone 'navicular': .*truncated"):
        load_bone_meshes(rig, tmp_path)


def test_parse_ply_never_raises_anything_but_its_own_error():
    """Random damage to a small mesh: a checked mesh or a clear refusal, nothing else."""
    from hypothesis import HealthCheck, given, settings, strategies as st

    base = ply(CUBE, CUBE_QUADS[:3] + [[2, 3, 7], [2, 7, 6], [3, 0, 4, 7]], normals=np.tile([1.0, 0, 0], (8, 1)))
    base_ascii = ply(CUBE, CUBE_QUADS, fmt="ascii")

    @settings(max_examples=300, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.sampled_from([base, base_ascii]), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=6),
           st.integers(0, 10**6))
    def check(data, edits, cut):
        b = bytearray(data)
        for pos, value in edits:
            b[pos % len(b)] = value
        b = bytes(b[: max(1, cut % (len(b) + 1))])
        try:
            m = parse_ply(b)
        except ValueError as exc:
            assert type(exc).__name__ == "_Problem", repr(exc)
            return
        assert np.isfinite(m.points).all() and m.triangles.min() >= 0 and m.triangles.max() < len(m.points)

    check()
