"""Face alignment of the pain study: 68 landmarks (iBUG 300-W order) -> aligned 64x64 grayscale crop.

This is THE reference geometry; the C# SDK (InfantCry.Vision Alignment) implements the same steps and must
agree with `align_face` to float rounding. Conventions:

* Coordinates are pixels with pixel centres at integer coordinates: pixel (col=i,row=j) is the point (i,j).
  Landmarks use the same convention.
* Eye centres: left-in-image eye L = mean of points 36..41, right-in-image eye R = mean of points 42..47.
  Roll angle a = atan2(R.y - L.y, R.x - L.x). The face is rotated by -a about the eye midpoint
  C = (L + R) / 2 so the eyes are level: p' = Rot(-a) (p - C) + C.
* Crop box in the rotated frame (continuous, edges not pixel centres):
  x0 = min x' of jaw points 0..16, x1 = max x' of jaw points 0..16,
  y0 = min y' of eyebrow points 17..26, y1 = y' of the chin point 8.
  The box is stretched (not aspect-preserving) onto size x size output pixels.
* Output pixel (u,v), u,v in 0..size-1, has its centre at the rotated-frame point
  (x0 + (u + 0.5) * (x1 - x0) / size, y0 + (v + 0.5) * (y1 - y0) / size); that point is mapped back to the
  source image with the inverse rotation and sampled bilinearly ONCE (no intermediate rotated image).
  Samples outside the image clamp to the nearest edge pixel (border replicate). No anti-alias pre-filter.
* Grayscale: RGB -> Y = 0.299 R + 0.587 G + 0.114 B (BT.601 luma), computed in float from the 8-bit
  values, divided by 255, not rounded; bilinear interpolation on that float image. Output float32 in [0,1].
"""
from __future__ import annotations

import numpy as np

LEFT_EYE = slice(36, 42)
RIGHT_EYE = slice(42, 48)
BROWS = slice(17, 27)
JAW = slice(0, 17)
CHIN = 8
CROP_SIZE = 64
LUMA = (0.299, 0.587, 0.114)


def to_gray(image: np.ndarray) -> np.ndarray:
    """uint8 or float image (H,W) / (H,W,3|4) -> float64 (H,W) in [0,1] (uint8 input divided by 255)."""
    a = np.asarray(image)
    scale = 1.0 / 255.0 if a.dtype == np.uint8 else 1.0
    a = a.astype(np.float64)
    if a.ndim == 3:
        a = LUMA[0] * a[..., 0] + LUMA[1] * a[..., 1] + LUMA[2] * a[..., 2]
    return a * scale


def alignment_transform(landmarks: np.ndarray, size: int = CROP_SIZE) -> np.ndarray:
    """Returns the 2x3 affine matrix M mapping output pixel (u, v, 1) to source image (x, y).

    Raises ValueError for a degenerate layout (coincident eyes, empty crop box).
    """
    p = np.asarray(landmarks, dtype=np.float64)
    if p.shape != (68, 2):
        raise ValueError(f"alignment_transform: expected 68x2 landmarks, got {p.shape}")
    le, re = p[LEFT_EYE].mean(axis=0), p[RIGHT_EYE].mean(axis=0)
    d = re - le
    if np.hypot(*d) < 1e-6:
        raise ValueError("alignment_transform: eye centres coincide")
    a = np.arctan2(d[1], d[0])
    c, s = np.cos(a), np.sin(a)
    centre = (le + re) / 2.0
    # rotated frame: q = Rot(-a) (p - C) + C ; Rot(-a) = [[c, s], [-s, c]]
    rel = p - centre
    q = np.stack([c * rel[:, 0] + s * rel[:, 1], -s * rel[:, 0] + c * rel[:, 1]], axis=1) + centre
    x0, x1 = q[JAW, 0].min(), q[JAW, 0].max()
    y0, y1 = q[BROWS, 1].min(), q[CHIN, 1]
    if x1 - x0 < 1e-6 or y1 - y0 < 1e-6:
        raise ValueError(f"alignment_transform: empty crop box x[{x0:.2f},{x1:.2f}] y[{y0:.2f},{y1:.2f}]")
    sx, sy = (x1 - x0) / size, (y1 - y0) / size
    # rotated-frame point r = (x0 + (u+0.5) sx, y0 + (v+0.5) sy); source p = Rot(a) (r - C) + C
    rot = np.array([[c, -s], [s, c]])
    lin = rot @ np.diag([sx, sy])
    off = rot @ (np.array([x0 + 0.5 * sx, y0 + 0.5 * sy]) - centre) + centre
    return np.hstack([lin, off[:, None]])


def warp_bilinear(gray: np.ndarray, m: np.ndarray, size: int = CROP_SIZE) -> np.ndarray:
    """Samples gray (H,W) at M @ (u,v,1) for every output pixel, bilinear, border replicate -> (size,size)."""
    h, w = gray.shape
    v, u = np.mgrid[0:size, 0:size].astype(np.float64)
    x = m[0, 0] * u + m[0, 1] * v + m[0, 2]
    y = m[1, 0] * u + m[1, 1] * v + m[1, 2]
    x = np.clip(x, 0.0, w - 1.0)
    y = np.clip(y, 0.0, h - 1.0)
    xi = np.minimum(np.floor(x).astype(np.int64), w - 2) if w > 1 else np.zeros_like(x, np.int64)
    yi = np.minimum(np.floor(y).astype(np.int64), h - 2) if h > 1 else np.zeros_like(y, np.int64)
    fx, fy = x - xi, y - yi
    xj, yj = np.minimum(xi + 1, w - 1), np.minimum(yi + 1, h - 1)
    top = gray[yi, xi] * (1 - fx) + gray[yi, xj] * fx
    bot = gray[yj, xi] * (1 - fx) + gray[yj, xj] * fx
    return top * (1 - fy) + bot * fy


def align_face(image: np.ndarray, landmarks: np.ndarray, size: int = CROP_SIZE) -> np.ndarray:
    """Full-frame image (uint8 gray/RGB or float in [0,1]) + 68 landmarks -> aligned float32 (size,size) in [0,1]."""
    m = alignment_transform(landmarks, size)
    return warp_bilinear(to_gray(image), m, size).astype(np.float32)


def landmarks_to_crop(landmarks: np.ndarray, size: int = CROP_SIZE) -> np.ndarray:
    """Maps landmarks (68,2) from source pixels into the crop's pixel coordinates (u, v)."""
    m = alignment_transform(landmarks, size)
    lin, off = m[:, :2], m[:, 2]
    return (np.linalg.solve(lin, (np.asarray(landmarks, np.float64) - off).T)).T


def write_check(image: np.ndarray, landmarks: np.ndarray, out_dir, stem: str = "pain_align_check") -> None:
    """Writes <stem>.png (the source frame) and <stem>.json (landmarks, affine matrix, expected crop) so another
    implementation of this alignment can be compared value by value."""
    import json
    from pathlib import Path
    from . import pngio
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    img = np.asarray(image, np.uint8)
    pngio.write_png(out / f"{stem}.png", img)
    m = alignment_transform(landmarks)
    crop = align_face(img, landmarks)
    (out / f"{stem}.json").write_text(json.dumps({
        "image": f"{stem}.png", "size": CROP_SIZE,
        "landmarks": np.asarray(landmarks, np.float64).tolist(),
        "matrix_output_to_source": m.tolist(),
        "crop": crop.reshape(-1).astype(float).tolist(),
        "note": "crop row-major [64,64] float32 in [0,1]; see training/pain/align.py for the conventions",
    }))
