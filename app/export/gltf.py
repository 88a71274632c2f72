"""Export a technique as an animated 3D model: binary glTF (``.glb``) for glTF viewers and slides.

The file holds one node per rig bone (named after the bone) under a root node ``foot`` that scales
millimetres to the metres glTF expects; each bone node carries its bone's mesh in the bind pose (foot
frame: X anterior, Y superior, Z lateral; glTF is Y-up as well) and is animated by translation and
rotation samplers (linear) at the export frame rate. A bone node's transform at output frame k is the
bone's world transform at that frame, exactly what ``talus kinematics --fps <fps>`` writes (true size
unless ``--magnify``). The left foot uses mirrored meshes and mirrored transforms (``S W S``), which
stay proper rotations.

Written atomically (temporary name, then rename), like every export.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.errors import TalusError

MM_TO_M = 0.001
BONE_RGBA = (0.90, 0.86, 0.77, 1.0)


def sample_frames(timeline, *, start_s: float = 0.0, end_s: float | None = None, speed: float = 1.0,
                  loops: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(timeline frames, output times in s): every frame of [start_s, end_s], played at ``speed``."""
    end_s = timeline.duration_s if end_s is None else end_s
    if not (0 < speed <= 4):
        raise TalusError(f"--speed must be above 0 and at most 4, not {speed:g}")
    if loops < 1:
        raise TalusError(f"--loops must be 1 or more, not {loops}")
    if end_s <= start_s:
        raise TalusError(f"the clip must end after it starts (from {start_s:g} s to {end_s:g} s)")
    first, last = timeline.frame_at(start_s), timeline.frame_at(end_s)
    one = np.arange(first, last + 1)
    frames = np.concatenate([one] * loops)
    times = np.arange(len(frames)) / timeline.fps / speed
    return frames, times


def bone_transforms(timeline, frames, *, magnified: bool, side: str = "right") -> np.ndarray:
    """(n_frames, n_bones, 4, 4) world transforms (mm) at ``frames``, as ``talus kinematics`` computes them."""
    from app.anatomy.kinematics import mirror_transforms

    out = []
    for f in frames:
        q = timeline.pose(int(f)) if magnified else timeline.coordinates(int(f))
        W = timeline.kin.transforms(q)
        out.append(mirror_transforms(W) if side == "left" else W)
    return np.array(out)


def _quaternions(R: np.ndarray) -> np.ndarray:
    """xyzw unit quaternions, one sign per rotation (w >= 0), continuous enough for linear blending."""
    from scipy.spatial.transform import Rotation

    q = Rotation.from_matrix(R).as_quat()
    return np.where(q[..., 3:4] < 0, -q, q)


def export_gltf(technique, rig, output: str | Path, *, fps: float = 30.0, start=None, end=None, speed: float = 1.0,
                loops: int = 1, side: str = "right", magnify: float | None = None, meshes=None) -> Path:
    """Write ``technique`` as an animated ``.glb``; return the path written."""
    import pygltflib as gl

    from app.export.video import resolve_time
    from app.techniques.timeline import Timeline

    output = Path(output)
    if output.suffix.lower() != ".glb":
        raise TalusError(f"{output}: a 3D model is written as binary glTF; give a name ending in .glb")
    from app.userfiles import atomic_target, check_writable, resolve_target

    check_writable(output)  # before any work: a missing, read-only or impossible folder, a read-only file
    if not (0 < fps <= 120):
        raise TalusError(f"--fps must be between 0 and 120, not {fps:g}")
    if meshes is None:
        from app.scene.skeleton import load_bone_meshes

        meshes = load_bone_meshes(rig)
    tl = Timeline(technique, rig, fps=fps, magnify=magnify)
    frames, times = sample_frames(tl, start_s=resolve_time(start, tl, end=False), end_s=resolve_time(end, tl, end=True),
                                  speed=speed, loops=loops)
    W = bone_transforms(tl, frames, magnified=magnify is not None, side=side)

    blob = bytearray()
    views, accessors = [], []

    def add(array: np.ndarray, component: int, kind: str, target: int | None = None, minmax: bool = False) -> int:
        data = np.ascontiguousarray(array).tobytes()
        while len(blob) % 4:
            blob.append(0)
        views.append(gl.BufferView(buffer=0, byteOffset=len(blob), byteLength=len(data), target=target))
        blob.extend(data)
        acc = gl.Accessor(bufferView=len(views) - 1, componentType=component, count=len(array), type=kind)
        if minmax:
            flat = array.reshape(len(array), -1)
            acc.min, acc.max = flat.min(axis=0).tolist(), flat.max(axis=0).tolist()
        accessors.append(acc)
        return len(accessors) - 1

    gmeshes, nodes = [], []
    for b in rig.bones:
        mesh = meshes[b.name]
        if side == "left":
            from app.scene.skeleton import mirrored

            mesh = mirrored(mesh)
        tri = mesh.triangulate()
        pts = np.asarray(tri.points, dtype=np.float32)
        faces = np.asarray(tri.faces).reshape(-1, 4)[:, 1:].astype(np.uint32)
        normals = tri.point_data.get("Normals")
        if normals is None:
            normals = tri.compute_normals(cell_normals=False).point_data["Normals"]
        attrs = gl.Attributes(POSITION=add(pts, gl.FLOAT, gl.VEC3, gl.ARRAY_BUFFER, minmax=True),
                              NORMAL=add(np.asarray(normals, dtype=np.float32), gl.FLOAT, gl.VEC3, gl.ARRAY_BUFFER))
        idx = add(faces.reshape(-1), gl.UNSIGNED_INT, gl.SCALAR, gl.ELEMENT_ARRAY_BUFFER)
        gmeshes.append(gl.Mesh(name=b.name, primitives=[gl.Primitive(attributes=attrs, indices=idx, material=0)]))
        t0 = W[0, b.index]
        nodes.append(gl.Node(name=b.name, mesh=len(gmeshes) - 1, translation=t0[:3, 3].tolist(),
                             rotation=_quaternions(t0[:3, :3]).tolist()))
    root = gl.Node(name="foot", children=list(range(len(nodes))), scale=[MM_TO_M] * 3)
    nodes.append(root)
    time_acc = add(times.astype(np.float32), gl.FLOAT, gl.SCALAR, minmax=True)
    samplers, channels = [], []
    for b in rig.bones:
        tr = W[:, b.index, :3, 3].astype(np.float32)
        rot = _quaternions(W[:, b.index, :3, :3]).astype(np.float32)
        for path, values, kind in (("translation", tr, gl.VEC3), ("rotation", rot, gl.VEC4)):
            samplers.append(gl.AnimationSampler(input=time_acc, output=add(values, gl.FLOAT, kind), interpolation="LINEAR"))
            channels.append(gl.AnimationChannel(sampler=len(samplers) - 1,
                                                target=gl.AnimationChannelTarget(node=b.index, path=path)))
    doc = gl.GLTF2(
        asset=gl.Asset(generator="Talus", version="2.0"),
        scene=0, scenes=[gl.Scene(name=technique.name, nodes=[len(nodes) - 1])], nodes=nodes, meshes=gmeshes,
        materials=[gl.Material(name="bone", pbrMetallicRoughness=gl.PbrMetallicRoughness(
            baseColorFactor=list(BONE_RGBA), metallicFactor=0.0, roughnessFactor=0.7))],
        animations=[gl.Animation(name=technique.id, samplers=samplers, channels=channels)],
        accessors=accessors, bufferViews=views, buffers=[gl.Buffer(byteLength=len(blob))],
        extras={"technique": technique.id, "fps": fps, "side": side, "units": "node transforms in mm under a 0.001 root scale",
                "magnify": magnify or 1.0},
    )
    doc.set_binary_blob(bytes(blob))
    with atomic_target(output) as tmp:  # the one atomic-write helper
        doc.save_binary(str(tmp))
    return resolve_target(output)
