"""Read a bone mesh (PLY) in plain numpy, checking everything before any renderer sees it.

VTK's PLY reader trusts the file: a truncated file, a face index out of range or a header claiming
two billion vertices kill the process inside it (SIGSEGV, std::bad_alloc), and NaN coordinates make
the bone silently vanish. So Talus reads PLY itself: the header is parsed, every element count checked
against the bytes the file really holds before anything is allocated, every index checked against the
vertex count and every coordinate for being finite. Only then are the arrays handed on (the scene
builds its VTK mesh from them).

Supported: ``format ascii 1.0``, ``binary_little_endian 1.0`` and ``binary_big_endian 1.0``; an
element ``vertex`` with float or double ``x y z`` (optional ``nx ny nz``, other scalar properties
ignored), an element ``face`` with one list property ``vertex_indices`` (or ``vertex_index``) of any
integer types, optionally other scalar properties; other elements of scalar properties are skipped.
Polygons with more than three corners are split into a fan of triangles from their first corner (exact
for the convex quads and polygons modelling programs write). Anything else is refused with a message
naming the file, the element or item, and what is wrong.

Units and frame are the caller's: Talus bone meshes are in the foot frame at the bind pose, mm.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.errors import TalusError

MAX_BYTES = 256 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
MAX_VERTICES = 10_000_000
MAX_FACES = 20_000_000
MAX_CORNERS = 64  # corners of one polygon
MAX_COORD_MM = 100_000.0  # a bone lies within 100 m of the origin; beyond that the file is not in mm

SCALARS = {  # PLY type names -> numpy kinds (both spellings of the PLY spec)
    "char": "i1", "int8": "i1", "uchar": "u1", "uint8": "u1",
    "short": "i2", "int16": "i2", "ushort": "u2", "uint16": "u2",
    "int": "i4", "int32": "i4", "uint": "u4", "uint32": "u4",
    "float": "f4", "float32": "f4", "double": "f8", "float64": "f8",
}
FORMATS = {"ascii": None, "binary_little_endian": "<", "binary_big_endian": ">"}


class MeshFileError(TalusError):
    """A mesh file that cannot be read or is not a usable triangle mesh."""


@dataclass(frozen=True)
class TriangleMesh:
    """``points`` (n, 3) float32 and ``normals`` (n, 3) float32 or None, in the file's frame and units;
    ``triangles`` (m, 3) int64 indices into ``points``, corners in the file's order (outward by the
    right-hand rule when the file's polygons are)."""

    points: np.ndarray
    normals: np.ndarray | None
    triangles: np.ndarray


@dataclass
class _Property:
    name: str
    kind: str  # numpy kind such as "f4"
    count_kind: str | None = None  # list properties: the kind of the count


@dataclass
class _Element:
    name: str
    count: int
    properties: list[_Property]


def read_ply(path: str | Path, *, what: str = "mesh") -> TriangleMesh:
    """Read and check a PLY file; raise :class:`MeshFileError` naming the file and the problem.

    ``what`` names the file's role in messages, e.g. "mesh of bone 'talus'".
    """
    from app.jsonfile import JSONFileProblem, read_bytes

    path = Path(path)

    def fail(message: str) -> MeshFileError:
        return MeshFileError(f"{path}: {what}: {message}")

    try:
        data = read_bytes(path, max_bytes=MAX_BYTES)
    except FileNotFoundError:
        raise fail("file not found") from None
    except JSONFileProblem as exc:
        raise fail(exc.message) from None
    except OSError as exc:
        raise fail(f"cannot read the file ({exc.strerror or exc})") from None
    try:
        return parse_ply(data)
    except _Problem as exc:
        raise fail(str(exc)) from None


class _Problem(ValueError):
    pass


def parse_ply(data: bytes) -> TriangleMesh:
    """PLY bytes -> checked triangle mesh (raises ``ValueError`` subclass with the reason)."""
    if not data.startswith(b"ply\n") and not data.startswith(b"ply\r\n"):
        raise _Problem("not a PLY file (it must begin with the line 'ply')")
    end = data.find(b"end_header", 0, MAX_HEADER_BYTES)
    if end < 0:
        raise _Problem(f"no 'end_header' line in the first {MAX_HEADER_BYTES // 1024} KB: not a complete PLY header")
    body_start = data.find(b"\n", end)
    if body_start < 0:
        raise _Problem("the file ends right after its header: it holds no vertices or faces")
    body_start += 1
    try:
        header = data[:end].decode("ascii")
    except UnicodeDecodeError:
        raise _Problem("the header is not plain ASCII text") from None
    fmt, elements = _parse_header(header)
    body = memoryview(data)[body_start:]
    if fmt is None:
        return _parse_ascii(bytes(body), elements)
    return _parse_binary(body, elements, fmt)


def _parse_header(header: str) -> tuple[str | None, list[_Element]]:
    fmt = None
    seen_format = False
    elements: list[_Element] = []
    for n, raw in enumerate(header.replace("\r", "").split("\n")[1:], start=2):
        words = raw.split()
        if not words or words[0] in ("comment", "obj_info"):
            continue
        if words[0] == "format":
            if len(words) != 3 or words[1] not in FORMATS:
                raise _Problem(f"header line {n}: unsupported format {' '.join(words[1:])!r} "
                               "(Talus reads ascii, binary_little_endian and binary_big_endian)")
            if words[2] != "1.0":
                raise _Problem(f"header line {n}: PLY version {words[2]!r} (Talus reads 1.0)")
            fmt, seen_format = FORMATS[words[1]], True
        elif words[0] == "element":
            if len(words) != 3 or not words[2].isdigit():
                raise _Problem(f"header line {n}: an element needs a name and a count, got {raw.strip()[:60]!r}")
            count = int(words[2][:12]) if len(words[2]) <= 12 else 10**12
            elements.append(_Element(words[1], count, []))
        elif words[0] == "property":
            if not elements:
                raise _Problem(f"header line {n}: a property before any element")
            if len(words) == 5 and words[1] == "list":
                if words[2] not in SCALARS or words[3] not in SCALARS or SCALARS[words[3]][0] == "f" or SCALARS[words[2]][0] == "f":
                    raise _Problem(f"header line {n}: list property with types {words[2]!r} {words[3]!r} (integers needed)")
                elements[-1].properties.append(_Property(words[4], SCALARS[words[3]], SCALARS[words[2]]))
            elif len(words) == 3 and words[1] in SCALARS:
                elements[-1].properties.append(_Property(words[2], SCALARS[words[1]]))
            else:
                raise _Problem(f"header line {n}: unreadable property {raw.strip()[:60]!r}")
        else:
            raise _Problem(f"header line {n}: unknown keyword {words[0][:30]!r}")
    if not seen_format:
        raise _Problem("the header has no 'format' line")
    names = [e.name for e in elements]
    for needed in ("vertex", "face"):
        if names.count(needed) != 1:
            raise _Problem(f"the header must declare one element '{needed}' (it declares {names.count(needed)})")
    vertex = elements[names.index("vertex")]
    face = elements[names.index("face")]
    if vertex.count > MAX_VERTICES:
        raise _Problem(f"the header claims {vertex.count} vertices; Talus reads at most {MAX_VERTICES}")
    if face.count > MAX_FACES:
        raise _Problem(f"the header claims {face.count} faces; Talus reads at most {MAX_FACES}")
    if vertex.count == 0 or face.count == 0:
        raise _Problem(f"the mesh has {vertex.count} vertices and {face.count} faces: nothing to draw")
    props = {p.name: p for p in vertex.properties}
    for axis in "xyz":
        if axis not in props or props[axis].count_kind is not None or props[axis].kind[0] != "f":
            raise _Problem(f"element 'vertex' needs float or double properties x, y and z (missing or not float: {axis})")
    normals = [props.get(a) for a in ("nx", "ny", "nz")]
    if any(normals) and not all(p is not None and p.count_kind is None and p.kind[0] == "f" for p in normals):
        raise _Problem("element 'vertex' has some of nx, ny, nz but not all three as floats")
    if any(p.count_kind is not None for p in vertex.properties):
        raise _Problem("element 'vertex' has a list property; Talus reads scalar vertex properties only")
    lists = [p for p in face.properties if p.count_kind is not None]
    if len(lists) != 1 or lists[0].name not in ("vertex_indices", "vertex_index"):
        raise _Problem("element 'face' needs exactly one list property 'vertex_indices'")
    for e in elements:
        if e.name not in ("vertex", "face") and any(p.count_kind is not None for p in e.properties):
            raise _Problem(f"element '{e.name}' has a list property; Talus reads only 'vertex' and 'face' lists")
    return fmt, elements


def _scalar_dtype(props: list[_Property], order: str) -> np.dtype:
    return np.dtype([(f"p{i}_{p.name}", order + p.kind) for i, p in enumerate(props)])


def _parse_binary(body: memoryview, elements: list[_Element], order: str) -> TriangleMesh:
    offset = 0
    points = normals = None
    polygons: list[np.ndarray] | None = None
    for e in elements:
        remaining = len(body) - offset
        if e.name != "face":
            dt = _scalar_dtype(e.properties, order)
            need = e.count * dt.itemsize
            if need > remaining:
                raise _Problem(f"element '{e.name}': the header claims {e.count} items ({need} bytes) but only "
                               f"{remaining} bytes follow: the file is truncated or its header is wrong")
            arr = np.frombuffer(body, dtype=dt, count=e.count, offset=offset)
            offset += need
            if e.name == "vertex":
                points, normals = _vertex_arrays(arr, e)
            continue
        polygons, offset = _binary_faces(body, offset, e, order)
    if offset != len(body):
        extra = len(body) - offset
        raise _Problem(f"{extra} bytes follow the last element: the header's counts do not match the data")
    return _finish(points, normals, polygons)


def _binary_faces(body: memoryview, offset: int, e: _Element, order: str) -> tuple[list[np.ndarray], int]:
    i_list = next(i for i, p in enumerate(e.properties) if p.count_kind is not None)
    before, lst, after = e.properties[:i_list], e.properties[i_list], e.properties[i_list + 1:]
    pre = _scalar_dtype(before, order).itemsize
    post = _scalar_dtype(after, order).itemsize
    count_dt = np.dtype(order + lst.count_kind)
    index_dt = np.dtype(order + lst.kind)
    remaining = len(body) - offset
    smallest = pre + count_dt.itemsize + 3 * index_dt.itemsize + post
    if e.count * smallest > remaining:
        raise _Problem(f"element 'face': the header claims {e.count} faces (at least {e.count * smallest} bytes) but only "
                       f"{remaining} bytes follow: the file is truncated or its header is wrong")
    if remaining < pre + count_dt.itemsize:
        raise _Problem("element 'face': the file ends before the first face")
    first = int(np.frombuffer(body, dtype=count_dt, count=1, offset=offset + pre)[0])
    if 3 <= first <= MAX_CORNERS:  # fast path: every face has the same number of corners
        fields = [(f"b{i}", order + p.kind) for i, p in enumerate(before)] + [("n", count_dt), ("i", index_dt, (first,))] \
            + [(f"a{i}", order + p.kind) for i, p in enumerate(after)]
        dt = np.dtype(fields)
        if e.count * dt.itemsize <= remaining:
            arr = np.frombuffer(body, dtype=dt, count=e.count, offset=offset)
            if np.all(arr["n"] == first):
                return [arr["i"].astype(np.int64)], offset + e.count * dt.itemsize
    # Mixed polygons: one face at a time.
    by_size: dict[int, list[np.ndarray]] = {}
    size_c, size_i = count_dt.itemsize, index_dt.itemsize
    for k in range(e.count):
        if offset + pre + size_c > len(body):
            raise _Problem(f"face {k}: the file ends inside the face list (truncated)")
        n = int(np.frombuffer(body, dtype=count_dt, count=1, offset=offset + pre)[0])
        if not 3 <= n <= MAX_CORNERS:
            raise _Problem(f"face {k} has {n} corners; a face needs 3 to {MAX_CORNERS}")
        start = offset + pre + size_c
        if start + n * size_i + post > len(body):
            raise _Problem(f"face {k}: the file ends inside the face list (truncated)")
        by_size.setdefault(n, []).append(np.frombuffer(body, dtype=index_dt, count=n, offset=start).astype(np.int64))
        offset = start + n * size_i + post
    return [np.array(v) for v in by_size.values()], offset


def _vertex_arrays(arr: np.ndarray, e: _Element) -> tuple[np.ndarray, np.ndarray | None]:
    names = {p.name: f"p{i}_{p.name}" for i, p in enumerate(e.properties)}
    points = np.stack([arr[names[a]].astype(np.float64) for a in "xyz"], axis=1)
    normals = None
    if "nx" in names:
        normals = np.stack([arr[names[a]].astype(np.float64) for a in ("nx", "ny", "nz")], axis=1)
    return points, normals


def _parse_ascii(body: bytes, elements: list[_Element]) -> TriangleMesh:
    lines = [ln for ln in body.replace(b"\r", b"").split(b"\n") if ln.strip()]
    at = 0
    points = normals = None
    polygons: list[np.ndarray] = []
    for e in elements:
        if at + e.count > len(lines):
            raise _Problem(f"element '{e.name}': the header claims {e.count} lines but only {len(lines) - at} follow: "
                           "the file is truncated or its header is wrong")
        block = lines[at:at + e.count]
        at += e.count
        if e.name == "face":
            polygons = _ascii_faces(block, e)
            continue
        width = len(e.properties)
        tokens = b" ".join(block).split()
        if len(tokens) != width * e.count:
            raise _Problem(f"element '{e.name}': expected {width} numbers on each of its {e.count} lines")
        try:
            values = np.array(tokens, dtype=np.float64).reshape(e.count, width)
        except ValueError:
            raise _Problem(f"element '{e.name}': a value is not a number") from None
        if e.name == "vertex":
            col = {p.name: i for i, p in enumerate(e.properties)}
            points = values[:, [col["x"], col["y"], col["z"]]]
            if "nx" in col:
                normals = values[:, [col["nx"], col["ny"], col["nz"]]]
    if at != len(lines):
        raise _Problem(f"{len(lines) - at} lines follow the last element: the header's counts do not match the data")
    return _finish(points, normals, polygons)


def _ascii_faces(block: list[bytes], e: _Element) -> list[np.ndarray]:
    i_list = next(i for i, p in enumerate(e.properties) if p.count_kind is not None)
    n_after = len(e.properties) - i_list - 1
    by_size: dict[int, list[list[int]]] = {}
    for k, line in enumerate(block):
        words = line.split()
        try:
            n = int(words[i_list])
            idx = [int(w) for w in words[i_list + 1:i_list + 1 + n]] if 3 <= n <= MAX_CORNERS else []
        except (ValueError, IndexError):
            raise _Problem(f"face {k}: not a list of integer vertex indices") from None
        if not 3 <= n <= MAX_CORNERS:
            raise _Problem(f"face {k} has {n} corners; a face needs 3 to {MAX_CORNERS}")
        if len(words) != i_list + 1 + n + n_after or len(idx) != n:
            raise _Problem(f"face {k}: expected {n} vertex indices")
        by_size.setdefault(n, []).append(idx)
    return [np.array(v, dtype=np.int64) for v in by_size.values()]


def _finish(points, normals, polygons) -> TriangleMesh:
    if points is None or polygons is None:
        raise _Problem("no vertices or no faces")
    bad = ~np.isfinite(points).all(axis=1)
    if bad.any():
        i = int(np.argmax(bad))
        raise _Problem(f"vertex {i} has a coordinate that is not a finite number ({points[i].tolist()})"
                       + (f", and {int(bad.sum()) - 1} more vertices" if bad.sum() > 1 else ""))
    far = np.abs(points).max(axis=1) > MAX_COORD_MM
    if far.any():
        i = int(np.argmax(far))
        raise _Problem(f"vertex {i} lies {float(np.abs(points[i]).max()):.3g} mm from the origin; a bone mesh in mm "
                       f"lies within {MAX_COORD_MM:g} mm")
    if normals is not None:
        if not np.isfinite(normals).all():
            i = int(np.argmax(~np.isfinite(normals).all(axis=1)))
            raise _Problem(f"vertex {i} has a normal that is not a finite number ({normals[i].tolist()})")
        length = np.linalg.norm(normals, axis=1)
        if (length < 1e-6).any():  # a zero normal cannot be drawn: let the scene compute them all
            normals = None
        else:
            normals = normals / length[:, None]
    n = len(points)
    triangles = []
    for group in polygons:
        low, high = int(group.min()), int(group.max())
        if low < 0 or high >= n:
            wrong = low if low < 0 else high
            which = "a face"
            if len(polygons) == 1:  # one kind of polygon: the rows are the file's faces in order
                which = f"face {int(np.argmax(((group < 0) | (group >= n)).any(axis=1)))}"
            raise _Problem(f"{which} uses vertex index {wrong}, but the vertices are numbered 0 to {n - 1}")
        corners = group.shape[1]
        for k in range(1, corners - 1):  # fan from the first corner: (0, k, k+1)
            triangles.append(group[:, [0, k, k + 1]])
    tri = np.concatenate(triangles).astype(np.int64)
    return TriangleMesh(points.astype(np.float32), None if normals is None else normals.astype(np.float32), tri)
