"""Signed distance primitives and blends for modelling bones (points ``p``: (N, 3) mm; negative inside).

Every primitive takes its placement in the foot frame (mm). ``frame(x_axis, up)`` builds a local
orthonormal frame (rows: local x, y, z in foot coordinates) so a primitive can be laid along a bone.
The distances are exact or close lower bounds; what matters for meshing is a clean zero level and a
gradient near 1 around it.
"""

from __future__ import annotations

import numpy as np


def unit(v) -> np.ndarray:
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)


def frame(x_axis, up=(0.0, 1.0, 0.0)) -> np.ndarray:
    """Rows: local x along ``x_axis``, local y as close to ``up`` as possible, local z = x cross y."""
    x = unit(x_axis)
    y = np.asarray(up, float) - (np.asarray(up, float) @ x) * x
    if np.linalg.norm(y) < 1e-6:
        y = np.array([1.0, 0.0, 0.0]) - x[0] * x
    y = unit(y)
    z = np.cross(x, y)
    return np.stack([x, y, z])


def local(p, c, axes=None) -> np.ndarray:
    q = p - np.asarray(c, float)
    return q if axes is None else q @ np.asarray(axes, float).T


def sphere(p, c, r):
    return np.linalg.norm(p - np.asarray(c, float), axis=1) - r


def ellipsoid(p, c, radii, axes=None):
    """Ellipsoid with semi-axes ``radii`` along the rows of ``axes`` (foot axes if None)."""
    q = local(p, c, axes)
    r = np.asarray(radii, float)
    k0 = np.linalg.norm(q / r, axis=1)
    k1 = np.linalg.norm(q / (r * r), axis=1)
    return np.where(k1 > 1e-9, k0 * (k0 - 1.0) / np.maximum(k1, 1e-9), -r.min())


def capsule(p, a, b, ra, rb=None):
    """Round cone from a (radius ra) to b (radius rb): exact for rb == ra, a close bound otherwise."""
    rb = ra if rb is None else rb
    a, b = np.asarray(a, float), np.asarray(b, float)
    ab = b - a
    t = np.clip(((p - a) @ ab) / (ab @ ab), 0.0, 1.0)
    return np.linalg.norm(p - (a + t[:, None] * ab), axis=1) - (ra + (rb - ra) * t)


def box(p, c, half, axes=None, r=1.0):
    """Rounded box: half extents ``half`` (before rounding by ``r``) along the rows of ``axes``."""
    q = np.abs(local(p, c, axes)) - (np.asarray(half, float) - r)
    outside = np.linalg.norm(np.maximum(q, 0.0), axis=1)
    return outside + np.minimum(q.max(axis=1), 0.0) - r


def wedge(p, c, half, axes=None, r=1.0, taper_z=0.0, taper_y=0.0):
    """A rounded box whose z half-width shrinks by ``taper_z`` (fraction) from local -y to +y, and whose
    y half-height shrinks by ``taper_y`` from local -z to +z: cuneiform-like wedges (positive taper_z
    narrows the top: base plantar; negative narrows the bottom: base dorsal)."""
    q = local(p, c, axes)
    h = np.asarray(half, float) - r
    ty = np.clip((q[:, 1] + h[1]) / (2 * h[1]), 0.0, 1.0)
    tz = np.clip((q[:, 2] + h[2]) / (2 * h[2]), 0.0, 1.0)
    if taper_z >= 0:
        hz = h[2] * (1.0 - taper_z * ty)
    else:
        hz = h[2] * (1.0 + taper_z * (1.0 - ty))
    hy = h[1] * (1.0 - taper_y * tz)
    d = np.abs(q) - np.stack([np.full(len(q), h[0]), hy, hz], axis=1)
    outside = np.linalg.norm(np.maximum(d, 0.0), axis=1)
    return (outside + np.minimum(d.max(axis=1), 0.0) - r) * 0.9


def cylinder(p, a, b, r):
    """Capped cylinder between a and b (flat ends)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    ab = b - a
    L = np.linalg.norm(ab)
    u = ab / L
    q = p - a
    t = q @ u
    radial = np.linalg.norm(q - t[:, None] * u, axis=1) - r
    axial = np.abs(t - L / 2) - L / 2
    return np.minimum(np.maximum(radial, axial), 0.0) + np.hypot(np.maximum(radial, 0.0), np.maximum(axial, 0.0))


def halfspace(p, point, normal):
    """Distance to the plane through ``point``; negative on the side ``normal`` points away from."""
    return (p - np.asarray(point, float)) @ unit(normal)


def smin(*ds, k=4.0):
    """Smooth union (polynomial smooth minimum, blend width k mm)."""
    out = ds[0]
    for d in ds[1:]:
        if k <= 0:
            out = np.minimum(out, d)
            continue
        h = np.clip(0.5 + 0.5 * (d - out) / k, 0.0, 1.0)
        out = d * (1 - h) + out * h - k * h * (1 - h)
    return out


def smax(a, b, k=1.0):
    """Smooth intersection."""
    return -smin(-a, -b, k=k)


def ssub(a, b, k=1.0):
    """Smooth difference a minus b."""
    return smax(a, -b, k=k)
