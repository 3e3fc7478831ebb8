"""Tiny anti-aliased vector rasteriser on numpy (polygons, polylines, ellipses) used by the face generator.

All shapes are given in image pixel coordinates (pixel centres at integers). Work is limited to each shape's
bounding box, so a face of ~150 px costs a few milliseconds per primitive.
"""
from __future__ import annotations

import numpy as np


def catmull_rom(points: np.ndarray, closed: bool, n: int = 6) -> np.ndarray:
    """Smooth curve through the points (centripetal-free uniform Catmull-Rom), n samples per segment."""
    p = np.asarray(points, np.float64)
    if len(p) < 3:
        return p
    if closed:
        ext = np.vstack([p[-1], p, p[0], p[1]])
        segs = len(p)
    else:
        ext = np.vstack([2 * p[0] - p[1], p, 2 * p[-1] - p[-2]])
        segs = len(p) - 1
    t = np.linspace(0.0, 1.0, n, endpoint=False)[:, None]
    out = []
    for i in range(segs):
        p0, p1, p2, p3 = ext[i], ext[i + 1], ext[i + 2], ext[i + 3]
        out.append(0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t ** 2
                          + (-p0 + 3 * p1 - 3 * p2 + p3) * t ** 3))
    out = np.vstack(out)
    return out if closed else np.vstack([out, p[-1]])


def ellipse_points(cx, cy, rx, ry, n: int = 24) -> np.ndarray:
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return np.stack([cx + rx * np.cos(a), cy + ry * np.sin(a)], axis=1)


class Canvas:
    """Float RGB image in [0,1] (H,W,3) with alpha-blending and multiplicative shading primitives."""

    def __init__(self, img: np.ndarray):
        self.img = img
        self.h, self.w = img.shape[:2]

    def _box(self, pts: np.ndarray, pad: float):
        x0 = max(int(np.floor(pts[:, 0].min() - pad)), 0)
        x1 = min(int(np.ceil(pts[:, 0].max() + pad)) + 1, self.w)
        y0 = max(int(np.floor(pts[:, 1].min() - pad)), 0)
        y1 = min(int(np.ceil(pts[:, 1].max() + pad)) + 1, self.h)
        if x1 <= x0 or y1 <= y0:
            return None
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
        return (slice(y0, y1), slice(x0, x1)), xx, yy

    @staticmethod
    def _seg_dist(xx, yy, p: np.ndarray) -> np.ndarray:
        d2 = np.full(xx.shape, np.inf)
        for i in range(len(p) - 1):
            ax, ay = p[i]
            bx, by = p[i + 1]
            dx, dy = bx - ax, by - ay
            ll = dx * dx + dy * dy
            if ll < 1e-12:
                t = 0.0
            else:
                t = np.clip(((xx - ax) * dx + (yy - ay) * dy) / ll, 0.0, 1.0)
            ex, ey = xx - (ax + t * dx), yy - (ay + t * dy)
            np.minimum(d2, ex * ex + ey * ey, out=d2)
        return np.sqrt(d2)

    @staticmethod
    def _inside(xx, yy, p: np.ndarray) -> np.ndarray:
        ins = np.zeros(xx.shape, bool)
        n = len(p)
        for i in range(n):
            ax, ay = p[i]
            bx, by = p[(i + 1) % n]
            if ay == by:
                continue
            cond = (ay > yy) != (by > yy)
            xc = ax + (yy - ay) * (bx - ax) / (by - ay)
            ins ^= cond & (xx < xc)
        return ins

    def poly_alpha(self, pts: np.ndarray, feather: float = 1.0, pad: float = 2.0):
        """(slices, alpha) for a filled closed polygon, edge anti-aliased over `feather` pixels."""
        box = self._box(pts, pad + feather)
        if box is None:
            return None
        sl, xx, yy = box
        closed = np.vstack([pts, pts[:1]])
        d = self._seg_dist(xx, yy, closed)
        sd = np.where(self._inside(xx, yy, pts), -d, d)
        return sl, np.clip(0.5 - sd / max(feather, 1e-6), 0.0, 1.0)

    def line_alpha(self, pts: np.ndarray, width: float, soft: bool = False):
        """(slices, alpha) for a polyline of the given width (px); soft = Gaussian profile of that width."""
        pad = width * (2.5 if soft else 1.0) + 2
        box = self._box(pts, pad)
        if box is None:
            return None
        sl, xx, yy = box
        d = self._seg_dist(xx, yy, pts)
        if soft:
            a = np.exp(-0.5 * (d / max(width * 0.5, 0.3)) ** 2)
        else:
            a = np.clip(width * 0.5 - d + 0.5, 0.0, 1.0)
        return sl, a

    def blob_alpha(self, cx, cy, rx, ry, angle=0.0):
        """(slices, alpha) for a soft Gaussian ellipse (rx, ry are 1-sigma radii in px)."""
        r = 3 * max(rx, ry)
        box = self._box(np.array([[cx - r, cy - r], [cx + r, cy + r]]), 1)
        if box is None:
            return None
        sl, xx, yy = box
        c, s = np.cos(angle), np.sin(angle)
        u = (c * (xx - cx) + s * (yy - cy)) / max(rx, 1e-6)
        v = (-s * (xx - cx) + c * (yy - cy)) / max(ry, 1e-6)
        return sl, np.exp(-0.5 * (u * u + v * v))

    def blend(self, sa, colour, strength: float = 1.0) -> None:
        if sa is None or strength <= 0:
            return
        sl, a = sa
        a = (a * strength)[..., None]
        col = np.asarray(colour, np.float64)
        if col.ndim == 3:
            col = col[sl] if col.shape[:2] == self.img.shape[:2] else col
        self.img[sl] = self.img[sl] * (1 - a) + col * a

    def shade(self, sa, factor, strength: float = 1.0) -> None:
        """Multiplies the covered pixels by `factor` (scalar or RGB); factor < 1 darkens, > 1 brightens."""
        if sa is None or strength <= 0:
            return
        sl, a = sa
        a = (a * strength)[..., None]
        f = np.asarray(factor, np.float64).reshape(-1)
        self.img[sl] = self.img[sl] * (1 - a + a * f)
