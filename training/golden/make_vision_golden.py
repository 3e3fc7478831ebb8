#!/usr/bin/env python3
"""Golden data for InfantCry.Vision's imaging, alignment and SSIM tests (tests/InfantCry.Vision.Tests/Golden/vision).

Everything here is synthetic (seeded random images and landmarks rendered by this script) and every reference
output is computed in float64 by code written independently of the C# kernels:
  * SSIM: direct 2-D weighted sums over sliding windows (no separable filtering), Wang et al.'s formula.
  * Resize: dense per-axis weight matrices (Pillow's triangle-filter scheme), out = Wy @ img @ Wx.T.
  * Alignment, "rotate_crop_resize": the whole gray image is rotated about the eye midpoint with vectorised
    bilinear sampling (constant 0 border), then the integer crop box is cut out and resized as above.
  * Alignment, "direct" (the convention of training/pain/align.py, which the pain models are trained with): the
    continuous box is stretched onto the output grid, every output pixel centre is rotated back into the source
    and sampled once bilinearly with coordinates clamped to the image (border replicate).

Usage: /usr/bin/python3 training/golden/make_vision_golden.py [output folder]
Binary files are little-endian raw arrays (float32 inputs, float64 references, uint8 RGB images);
manifest.json describes every case.
"""
import json
import math
import os
import sys

import numpy as np

BT601 = np.array([0.299, 0.587, 0.114])


# ---------------------------------------------------------------- SSIM
def gaussian_1d(size, sigma):
    r = size // 2
    g = np.exp(-((np.arange(size) - r) ** 2) / (2.0 * sigma * sigma))
    return g / g.sum()


def ssim_map(x, y, size=11, sigma=1.5, k1=0.01, k2=0.03, L=1.0, border="valid"):
    x = x.astype(np.float64)
    y = y.astype(np.float64)
    w2 = np.outer(gaussian_1d(size, sigma), gaussian_1d(size, sigma))
    if border == "zero":
        r = size // 2
        x = np.pad(x, r)
        y = np.pad(y, r)

    def filt(img):
        win = np.lib.stride_tricks.sliding_window_view(img, (size, size))
        return np.einsum("ijkl,kl->ij", win, w2)

    mx, my = filt(x), filt(y)
    sxx = filt(x * x) - mx * mx
    syy = filt(y * y) - my * my
    sxy = filt(x * y) - mx * my
    c1, c2 = (k1 * L) ** 2, (k2 * L) ** 2
    return ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))


def smooth_image(rng, h, w, scale=1.0):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    img = np.zeros((h, w))
    for _ in range(6):
        fx, fy, ph = rng.uniform(0.02, 0.3), rng.uniform(0.02, 0.3), rng.uniform(0, 2 * np.pi)
        img += rng.uniform(0.2, 1.0) * np.sin(fx * xx + fy * yy + ph)
    img = (img - img.min()) / (img.max() - img.min())
    return img * scale


# ---------------------------------------------------------------- resize (Pillow's bilinear scheme)
def resize_matrix(n_in, n_out):
    scale = n_in / n_out
    fs = max(scale, 1.0)
    m = np.zeros((n_out, n_in))
    for i in range(n_out):
        center = (i + 0.5) * scale
        lo = max(int(center - fs + 0.5), 0)
        hi = min(int(center + fs + 0.5), n_in)
        for s in range(lo, hi):
            t = abs((s - center + 0.5) / fs)
            m[i, s] = max(0.0, 1.0 - t)
        m[i] /= m[i].sum()
    return m


def resize(img, out_w, out_h):
    return resize_matrix(img.shape[0], out_h) @ img @ resize_matrix(img.shape[1], out_w).T


# ---------------------------------------------------------------- alignment
def rotate_image(gray, angle, cx, cy):
    """Rotates by -angle about (cx, cy) (so a vector at `angle` becomes horizontal); bilinear, border 0."""
    h, w = gray.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    c, s = math.cos(angle), math.sin(angle)
    # destination -> source is the rotation by +angle
    sx = c * (xx - cx) - s * (yy - cy) + cx
    sy = s * (xx - cx) + c * (yy - cy) + cy
    x0, y0 = np.floor(sx).astype(int), np.floor(sy).astype(int)
    ax, ay = sx - x0, sy - y0

    def at(xi, yi):
        ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
        return np.where(ok, gray[np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)], 0.0)

    top = at(x0, y0) * (1 - ax) + at(x0 + 1, y0) * ax
    bot = at(x0, y0 + 1) * (1 - ax) + at(x0 + 1, y0 + 1) * ax
    return top * (1 - ay) + bot * ay


def geometry(pts):
    le, re = pts[36:42].mean(axis=0), pts[42:48].mean(axis=0)
    angle = math.atan2(re[1] - le[1], re[0] - le[0])
    cx, cy = (le + re) / 2
    c, s = math.cos(-angle), math.sin(-angle)
    q = np.stack([c * (pts[:, 0] - cx) - s * (pts[:, 1] - cy) + cx, s * (pts[:, 0] - cx) + c * (pts[:, 1] - cy) + cy], axis=1)
    return angle, cx, cy, q[0:17, 0].min(), q[17:27, 1].min(), q[0:17, 0].max(), q[8, 1]


def align(rgb, pts, out_w, out_h, sampling):
    gray = rgb.astype(np.float64) @ BT601
    angle, cx, cy, x0, y0, x1, y1 = geometry(pts)
    geom = dict(angle=angle, cx=cx, cy=cy, box_left=x0, box_top=y0, box_right=x1, box_bottom=y1)
    if sampling == "rotate_crop_resize":
        left, right, top, bottom = math.floor(x0), math.ceil(x1), math.floor(y0), math.ceil(y1)
        rot = rotate_image(gray, angle, cx, cy)
        assert left >= 0 and top >= 0 and right <= gray.shape[1] and bottom <= gray.shape[0], "crop must be inside"
        out = resize(rot[top:bottom, left:right], out_w, out_h) / 255.0
        geom.update(left=left, top=top, width=right - left, height=bottom - top)
        return out, geom
    # direct: rotated-frame sample points of the stretched box, rotated back by +angle about the eye midpoint
    h, w = gray.shape
    v, u = np.mgrid[0:out_h, 0:out_w].astype(np.float64)
    rx = x0 + (u + 0.5) * (x1 - x0) / out_w
    ry = y0 + (v + 0.5) * (y1 - y0) / out_h
    c, s = math.cos(angle), math.sin(angle)
    sx = np.clip(c * (rx - cx) - s * (ry - cy) + cx, 0, w - 1)
    sy = np.clip(s * (rx - cx) + c * (ry - cy) + cy, 0, h - 1)
    xi, yi = np.minimum(np.floor(sx).astype(int), w - 2), np.minimum(np.floor(sy).astype(int), h - 2)
    ax, ay = sx - xi, sy - yi
    val = (gray[yi, xi] * (1 - ax) * (1 - ay) + gray[yi, xi + 1] * ax * (1 - ay)
           + gray[yi + 1, xi] * (1 - ax) * ay + gray[yi + 1, xi + 1] * ax * ay)
    return val / 255.0, geom


def synthetic_landmarks(rng, cx, cy, scale, angle):
    """68 points in iBUG order (only the groups alignment uses are shaped like a face)."""
    p = np.zeros((68, 2))
    t = np.linspace(-1.0, 1.0, 17)  # jaw 0-16: a U from ear to ear through the chin (8)
    p[0:17] = np.stack([0.95 * t, 0.05 + 0.9 * np.sqrt(1 - t * t)], axis=1)
    p[17:22] = np.stack([np.linspace(-0.75, -0.15, 5), -0.55 - 0.08 * np.sin(np.linspace(0, np.pi, 5))], axis=1)
    p[22:27] = np.stack([np.linspace(0.15, 0.75, 5), -0.55 - 0.08 * np.sin(np.linspace(0, np.pi, 5))], axis=1)
    p[27:36] = np.stack([np.r_[np.zeros(4), np.linspace(-0.2, 0.2, 5)], np.r_[np.linspace(-0.35, 0.05, 4), np.full(5, 0.12)]], axis=1)
    eye = np.stack([np.cos(np.linspace(np.pi, -np.pi, 7)[:-1]) * 0.17, np.sin(np.linspace(np.pi, -np.pi, 7)[:-1]) * 0.07], axis=1)
    p[36:42] = eye + [-0.42, -0.33]
    p[42:48] = eye + [0.42, -0.33]
    m = np.linspace(0, 2 * np.pi, 21)[:-1]
    p[48:68] = np.stack([0.35 * np.cos(m), 0.42 + 0.1 * np.sin(m)], axis=1)
    p += rng.normal(0, 0.01, p.shape)
    c, s = math.cos(angle), math.sin(angle)
    rot = np.array([[c, -s], [s, c]])
    return (p * scale) @ rot.T + [cx, cy]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "tests", "InfantCry.Vision.Tests", "Golden", "vision")
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(20061)
    manifest = {"ssim": [], "resize": [], "align": []}

    def save(name, arr, dtype):
        np.ascontiguousarray(arr, dtype=dtype).tofile(os.path.join(out_dir, name))
        return name

    # SSIM: smooth images with a distorted twin (noise, blur-ish shift, brightness), sizes not square.
    for i, (h, w, L, border) in enumerate([(40, 48, 1.0, "valid"), (40, 48, 1.0, "zero"), (64, 64, 1.0, "valid"), (23, 31, 255.0, "valid"), (9, 13, 1.0, "zero")]):
        x = smooth_image(rng, h, w, L)
        y = np.clip(0.85 * x + 0.1 * L + rng.normal(0, 0.05 * L, x.shape) + 0.1 * np.roll(x, 2, axis=1), 0, L)
        x32, y32 = x.astype(np.float32), y.astype(np.float32)
        m = ssim_map(x32, y32, L=L, border=border)
        manifest["ssim"].append(dict(
            name=f"ssim{i}", width=w, height=h, dynamic_range=L, border=border,
            x=save(f"ssim{i}_x.f32", x32, "<f4"), y=save(f"ssim{i}_y.f32", y32, "<f4"),
            map=save(f"ssim{i}_map.f64", m, "<f8"), map_width=m.shape[1], map_height=m.shape[0], mean=float(m.mean())))

    # Resize: random planes up and down, one and three channels.
    for i, (h, w, oh, ow, ch) in enumerate([(23, 37, 64, 64, 1), (64, 80, 11, 7, 1), (50, 30, 17, 40, 3), (96, 128, 32, 32, 1)]):
        src = rng.uniform(0, 255, (h, w, ch)).astype(np.float32)
        ref = np.stack([resize(src[:, :, c].astype(np.float64), ow, oh) for c in range(ch)], axis=2)
        manifest["resize"].append(dict(
            name=f"resize{i}", width=w, height=h, channels=ch, out_width=ow, out_height=oh,
            src=save(f"resize{i}_src.f32", src, "<f4"), ref=save(f"resize{i}_ref.f64", ref, "<f8")))

    # Alignment: one rendered RGB image, two faces (tilted both ways), two output sizes.
    H, W = 160, 200
    base = np.stack([smooth_image(rng, H, W, 255.0) for _ in range(3)], axis=2)
    base += rng.normal(0, 6, base.shape)
    rgb = np.clip(np.rint(base), 0, 255).astype(np.uint8)
    save("align_input.rgb", rgb, "u1")
    cases = [(80.0, 78.0, 50.0, math.radians(14.0), 64, 64), (130.0, 86.0, 38.0, math.radians(-9.0), 64, 64), (96.0, 80.0, 45.0, math.radians(4.0), 48, 32),
             (40.0, 60.0, 55.0, math.radians(-20.0), 64, 64)]  # the last face runs off the image's left and top edges
    for i, (cx, cy, sc, ang, ow, oh) in enumerate(cases):
        pts = synthetic_landmarks(rng, cx, cy, sc, ang).astype(np.float32).astype(np.float64)
        for sampling in ("direct", "rotate_crop_resize"):
            if sampling == "rotate_crop_resize" and i == 3:
                continue  # the numpy crop needs the box inside the image
            out, geom = align(rgb, pts, ow, oh, sampling)
            manifest["align"].append(dict(
                name=f"align{i}_{sampling}", sampling=sampling, image="align_input.rgb", width=W, height=H, landmarks=pts.tolist(),
                out_width=ow, out_height=oh, ref=save(f"align{i}_{sampling}_ref.f64", out, "<f8"), geometry=geom))

    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"wrote {out_dir}")


if __name__ == "__main__":
    main()
