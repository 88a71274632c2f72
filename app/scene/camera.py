"""Camera presets in anatomical terms, shared by the window and the off-screen renderers.

Each view is the direction from the foot to the camera and the screen's up direction, in the foot frame
of the right foot (X anterior, Y superior, Z lateral). For the left foot, Z is mirrored, so "lateral"
still looks at the outside of the foot.
"""

from __future__ import annotations

import numpy as np

#: name -> (label, direction to the camera, view up)
VIEWS: dict[str, tuple[str, tuple[float, float, float], tuple[float, float, float]]] = {
    "lateral": ("Lateral", (0.0, 0.0, 1.0), (0.0, 1.0, 0.0)),
    "medial": ("Medial", (0.0, 0.0, -1.0), (0.0, 1.0, 0.0)),
    "dorsal": ("Dorsal", (0.0, 1.0, 0.0), (1.0, 0.0, 0.0)),
    "plantar": ("Plantar", (0.0, -1.0, 0.0), (1.0, 0.0, 0.0)),
    "anterior": ("Anterior", (1.0, 0.0, 0.0), (0.0, 1.0, 0.0)),
    "posterior": ("Posterior", (-1.0, 0.0, 0.0), (0.0, 1.0, 0.0)),
    "three_quarter": ("Three-quarter", (0.62, 0.48, 0.62), (0.0, 1.0, 0.0)),
}

#: what each preset shows, in words (the window's tooltips)
VIEW_HINTS = {
    "lateral": "Look at the outside of the foot",
    "medial": "Look at the inside of the foot (the arch)",
    "dorsal": "Look down on the top of the foot",
    "plantar": "Look up at the sole",
    "anterior": "Look at the front of the ankle and toes",
    "posterior": "Look at the heel from behind",
    "three_quarter": "An oblique view from the front and outside, above",
}

#: how close each preset frames the foot (the bounding sphere is loose around a long, flat foot)
VIEW_ZOOM = {"lateral": 1.5, "medial": 1.5, "dorsal": 1.22, "plantar": 1.22, "anterior": 1.15,
             "posterior": 1.15, "three_quarter": 1.25}


#: the camera's view angle before a preset's zoom (VTK's default, which ResetCamera restores)
VIEW_ANGLE_DEG = 30.0

#: the space left on each side of the picture around a preset's bones (fraction of their extent)
PRESET_MARGIN = 0.05

#: the least extent (mm) a technique's picture shows, so that a toe alone keeps some of the foot around it
MIN_REGION_MM = 60.0

#: the preset that shows each region of the foot best
# (the forefoot seen from above would hide its techniques: the metatarsals glide up and down, towards
# the camera; from three-quarter the glides, the spread and the rounding all show)
REGION_VIEW = {"ankle": "medial", "hindfoot": "medial", "midfoot": "medial", "forefoot": "three_quarter",
               "toes": "three_quarter"}


#: a bone "moves" in a technique when some point of it travels more than this (mm)
MOVING_MM = 0.5
#: frames of a technique sampled to find its extreme poses (every coordinate's own extremes are added)
FRAMING_SAMPLES = 90


def moving_bones(timeline, meshes, *, W: np.ndarray | None = None) -> list[str]:
    """Bones that move during the technique (some point travels > MOVING_MM), in rig order.

    ``W``: the sampled transforms (:func:`_sampled_transforms`) when the caller has them already."""
    W = _sampled_transforms(timeline) if W is None else W
    names = [b.name for b in timeline.rig.bones]
    posed = _posed_hulls(timeline.rig, meshes, names, W)
    return [name for name in names
            if np.einsum("fni,fni->fn", d := posed[name][1:] - posed[name][0], d).max(initial=0.0) > MOVING_MM ** 2]


def region_bones(timeline, meshes, *, W: np.ndarray | None = None) -> list[str]:
    """What a technique's picture must show whole: the bones that move, are worked or are stabilised."""
    tech = timeline.technique
    keep = set(moving_bones(timeline, meshes, W=W)) | set(tech.worked_bones) | set(tech.stabilised_bones)
    return [b.name for b in timeline.rig.bones if b.name in keep]


def technique_points(timeline, meshes, bones, *, side: str = "right", W: np.ndarray | None = None) -> np.ndarray:
    """(n, 3) points (mm, foot frame of ``side``) that ``bones`` reach over the technique's drawn poses.

    Each bone is represented by its convex hull's vertices, posed at sampled frames that include
    every coordinate's extremes, so the box around the result holds the bones at their extreme poses.
    """
    return posed_points(timeline.rig, meshes, bones, _sampled_transforms(timeline) if W is None else W, side=side)


def posed_points(rig, meshes, bones, W: np.ndarray, *, side: str = "right") -> np.ndarray:
    """(n, 3) points (mm, foot frame of ``side``): the hull points of ``bones`` posed by each of the
    world transforms ``W`` (frames, bones, 4, 4) of the right foot."""
    posed = _posed_hulls(rig, meshes, bones, W)
    pts = np.concatenate([posed[name].reshape(-1, 3) for name in bones])
    if side == "left":
        pts = pts * np.array([1.0, 1.0, -1.0])
    return pts


def _posed_hulls(rig, meshes, bones, W: np.ndarray) -> dict[str, np.ndarray]:
    """bone -> (frames, n, 3): its hull points posed by every frame of ``W`` (one matmul per bone)."""
    out = {}
    for name in bones:
        i = rig.bone(name).index
        hull = _hull_points(meshes[name])
        out[name] = np.matmul(hull, W[:, i, :3, :3].transpose(0, 2, 1)) + W[:, i, None, :3, 3]
    return out


def _sampled_transforms(timeline) -> np.ndarray:
    q = timeline.sample_coordinates()
    frames = set(np.linspace(0, timeline.n_frames - 1, min(FRAMING_SAMPLES, timeline.n_frames)).round().astype(int))
    frames |= set(np.argmin(q, axis=0)) | set(np.argmax(q, axis=0))
    return np.array([timeline.transforms(int(f)) for f in sorted(frames)])


_HULLS: dict[int, tuple[object, np.ndarray]] = {}


def _directions(n: int = 256) -> np.ndarray:
    """``n`` unit vectors spread evenly over the sphere (a Fibonacci lattice): neighbours ~13 deg apart."""
    k = np.arange(n) + 0.5
    z = 1 - 2 * k / n
    phi = np.pi * (1 + 5 ** 0.5) * k
    r = np.sqrt(1 - z * z)
    return np.stack([r * np.cos(phi), r * np.sin(phi), z], axis=1)


_DIRECTIONS = _directions()


def _hull_points(mesh) -> np.ndarray:
    """A bone's extreme points (bind pose, mm): its farthest vertex in each of 256 directions.

    A few dozen to a few hundred points stand in for the whole mesh when framing; in any direction
    they reach to within ~1.5 % of the bone's size of its true extent (the fitting margin covers it)."""
    key = id(mesh)
    cached = _HULLS.get(key)
    if cached is not None and cached[0] is mesh:
        return cached[1]
    pts = np.asarray(mesh.points, dtype=float)
    # (directions, points): each direction's row is contiguous, so argmax runs along rows (5x faster
    # than down the columns of the transposed product)
    hull = pts[np.unique(np.argmax(_DIRECTIONS @ pts.T, axis=1))]
    _HULLS[key] = (mesh, hull)
    return hull


def fit_points(renderer, view: str, side: str, points: np.ndarray, *, margin: float = 0.06,
               min_extent_mm: float = 0.0, bottom_px: float = 0.0) -> None:
    """Look at ``points`` (mm) from ``view`` and come as close as keeps every one inside the picture.

    Unlike a bounding-sphere fit, the points' own extent on the screen fills the picture (less
    ``margin`` on each side); ``min_extent_mm`` keeps some context around a small region;
    ``bottom_px`` keeps a band at the bottom of the picture clear (a caption's), the points fitted
    above it.
    """
    d, up = view_vectors(view, side)
    up = up - d * (up @ d)
    up /= np.linalg.norm(up)
    right = np.cross(-d, up)
    axes = np.stack([right, up, d], axis=1)
    # (3, n): right, up, towards the camera. One (3, 3) x (3, n) product gives a contiguous row per axis,
    # so it goes to BLAS and the reductions run along rows: for half a million points ~2 ms, against
    # ~30 ms for (points @ axes).min(axis=0) (a strided reduction).
    proj = axes.T @ np.asarray(points, float).T
    (xmin, ymin, zmin), (xmax, ymax, zmax) = proj.min(axis=1), proj.max(axis=1)
    cx, cy, cz = (xmin + xmax) / 2, (ymin + ymax) / 2, (zmin + zmax) / 2
    half_w = max((xmax - xmin) / 2, min_extent_mm / 2) * (1 + 2 * margin)
    half_h = max((ymax - ymin) / 2, min_extent_mm / 2) * (1 + 2 * margin)
    w_px, h_px = renderer.GetSize()
    if w_px <= 0 or h_px <= 0:
        w_px, h_px = 1280, 800
    band = float(np.clip(bottom_px / h_px, 0.0, 0.5))  # the kept-clear band, as a fraction of the height
    aspect = w_px / (h_px * (1 - band))  # of the part of the picture the points go in
    cam = renderer.GetActiveCamera()
    cam.SetParallelProjection(False)
    cam.SetViewAngle(VIEW_ANGLE_DEG)  # as ResetCamera does: an earlier zoom (labels' room) never piles up
    tan_full = np.tan(np.radians(VIEW_ANGLE_DEG) / 2)
    tan_half = tan_full * (1 - band)  # that part's half-height, in the view's tangent units
    # The nearest camera distance (from the focal plane through the centre) at which every point is in
    # the picture, point by point: one at height z towards the camera is seen from distance - z, so it
    # needs distance >= z + its offset / tan. (The nearest plane with the widest extent, the simple
    # bound, left a dorsal view a fifth smaller than it can be: the tibia's cut end is near, the toes far.)
    scale = 1 + 2 * margin
    need = (proj[2] - cz) + np.maximum(np.abs(proj[0] - cx) * scale / (tan_half * aspect),
                                       np.abs(proj[1] - cy) * scale / tan_half)
    flat = max(half_h, half_w / aspect) / tan_half  # the distance the points would need were they flat
    # and the nearest point at least half that from the camera: no near end drawn huge, none behind it
    distance = max(float(need.max()), flat, (zmax - cz) + flat / 2)
    # aim below the points' centre so that they sit in the middle of the part above the band
    focal = right * cx + up * (cy - band * distance * tan_full) + d * cz
    cam.SetFocalPoint(*focal)
    cam.SetPosition(*(focal + d * distance))
    cam.SetViewUp(*up)
    renderer.ResetCameraClippingRange()


def frame_technique(renderer, scene, technique, *, side: str, view: str | None = None, timeline=None,
                    bottom_px: float = 0.0) -> tuple[str, list[str]]:
    """Turn the camera to the technique's region (or ``view``) and fit it at its extreme poses; return the
    view and the region's bones (what the picture is framed on).

    The region is every bone that moves, is worked or is stabilised (:func:`region_bones`), at every
    sampled pose of ``timeline`` (default: the technique at its own magnification), so nothing the
    technique moves leaves the picture at any frame; ``bottom_px``: a band at the bottom kept clear of
    it (a clip's captions).
    """
    from app.techniques.timeline import Timeline

    view = view or REGION_VIEW.get(technique.region, "three_quarter")
    tl = timeline if timeline is not None else Timeline(technique, scene.rig)
    W = _sampled_transforms(tl)  # once, for both the region and its points
    bones = region_bones(tl, scene.meshes, W=W)
    fit_points(renderer, view, side, technique_points(tl, scene.meshes, bones, side=side, W=W),
               min_extent_mm=MIN_REGION_MM, bottom_px=bottom_px)
    return view, bones


def view_vectors(view: str, side: str = "right") -> tuple[np.ndarray, np.ndarray]:
    """Unit direction to the camera and view-up for ``view`` on ``side``."""
    _, direction, up = VIEWS[view]
    d, u = np.array(direction, float), np.array(up, float)
    if side == "left":
        d[2], u[2] = -d[2], -u[2]
    return d / np.linalg.norm(d), u


def apply_view(renderer, view: str, side: str, bounds, *, zoom: float = 1.0, points=None) -> None:
    """Point the renderer's camera at ``bounds`` from ``view`` and fit it (no render).

    With ``points`` (mm: the bones' extreme points where they are drawn) the points fill the picture
    whatever its shape (:func:`fit_points`, :data:`PRESET_MARGIN` on each side); without, the bounds'
    bounding sphere is fitted and the preset's own framing (:data:`VIEW_ZOOM`, tuned for a 16:10
    picture) applied. ``zoom`` multiplies either."""
    if points is not None:
        fit_points(renderer, view, side, np.asarray(points, float), margin=PRESET_MARGIN)
        renderer.GetActiveCamera().Zoom(zoom)
        renderer.ResetCameraClippingRange()
        return
    d, up = view_vectors(view, side)
    b = np.asarray(bounds, float)
    centre = np.array([(b[0] + b[1]) / 2, (b[2] + b[3]) / 2, (b[4] + b[5]) / 2])
    cam = renderer.GetActiveCamera()
    cam.SetFocalPoint(*centre)
    cam.SetPosition(*(centre + d * 800.0))
    cam.SetViewUp(*up)
    renderer.ResetCamera(*b)
    cam.Zoom(zoom * VIEW_ZOOM[view])
    renderer.ResetCameraClippingRange()
