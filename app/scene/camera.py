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


MIN_REGION_MM = 130.0

#: the preset that shows each region of the foot best
REGION_VIEW = {"ankle": "medial", "hindfoot": "medial", "midfoot": "medial", "forefoot": "dorsal", "toes": "three_quarter"}


def technique_bounds(scene, technique):
    """Bounds (mm) around the bones a technique works on (at least MIN_REGION_MM wide), to frame them."""
    bones = set(technique.worked_bones) or set(technique.stabilised_bones)
    b = np.array([scene.actors[n].GetBounds() for n in bones if n in scene.actors])
    lo = np.array([b[:, 0].min(), b[:, 2].min(), b[:, 4].min()])
    hi = np.array([b[:, 1].max(), b[:, 3].max(), b[:, 5].max()])
    centre, half = (lo + hi) / 2, np.maximum((hi - lo) / 2, MIN_REGION_MM / 2)  # a toe alone needs context
    lo, hi = centre - half, centre + half
    return (lo[0], hi[0], lo[1], hi[1], lo[2], hi[2])


def frame_technique(renderer, scene, technique, *, side: str, view: str | None = None) -> str:
    """Turn the camera to the technique's region (or ``view``) and fit the bones it works on; return the view."""
    view = view or REGION_VIEW.get(technique.region, "three_quarter")
    apply_view(renderer, view, side, technique_bounds(scene, technique), zoom=1.0 / VIEW_ZOOM[view])
    return view


def view_vectors(view: str, side: str = "right") -> tuple[np.ndarray, np.ndarray]:
    """Unit direction to the camera and view-up for ``view`` on ``side``."""
    _, direction, up = VIEWS[view]
    d, u = np.array(direction, float), np.array(up, float)
    if side == "left":
        d[2], u[2] = -d[2], -u[2]
    return d / np.linalg.norm(d), u


def apply_view(renderer, view: str, side: str, bounds, *, zoom: float = 1.0) -> None:
    """Point the renderer's camera at ``bounds`` from ``view`` and fit it (no render).

    ``zoom`` multiplies the preset's own framing (:data:`VIEW_ZOOM`)."""
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
