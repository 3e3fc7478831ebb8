"""Procedural synthetic infant faces with known 68-point landmarks and pain / crying labels.

Everything is numpy and deterministic by seed. A face is a set of shapes laid out in a canonical 2-D frame
(units: jaw half-width ~ 1, x right, y down, origin near the eye line) and driven by the iBUG 300-W 68-point
layout, so the ground-truth landmarks of every frame are known. Expression cues follow the Neonatal Facial
Coding System (NFCS): brow bulge, eye squeeze, nasolabial furrow, open / horizontally stretched mouth and a
taut (cupped) tongue; crying is a wide-open mouth with squeezed eyes and a reddened face. A clip has an event
with an onset ramp, a plateau and an offset ramp; per-frame labels are thresholded from that envelope.

NOT a clinical model of infant faces: it only lets the pipeline be trained and tested end to end.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, asdict
from pathlib import Path

import numpy as np

from .raster import Canvas, catmull_rom, ellipse_points
from . import pngio

PAIN_LEVELS = ("none", "moderate", "severe")
GENERATOR_VERSION = 1
FRAME_W, FRAME_H = 320, 240

# Skin tones (linear-ish sRGB in [0,1]) from very light to dark brown.
_SKIN = np.array([[0.96, 0.80, 0.70], [0.92, 0.74, 0.62], [0.85, 0.64, 0.50], [0.74, 0.53, 0.40],
                  [0.60, 0.42, 0.30], [0.45, 0.31, 0.22], [0.97, 0.84, 0.76], [0.88, 0.70, 0.58]])


@dataclass
class Subject:
    """Identity parameters of one synthetic infant (face shape, proportions, colours)."""
    sid: str
    jaw_w: float
    jaw_h: float
    jaw_y0: float
    jaw_n: float
    cranium_h: float
    cranium_bulge: float
    eye_x: float
    eye_y: float
    eye_w: float
    eye_h: float
    iris_r: float
    brow_gap: float
    brow_arch: float
    brow_width: float
    brow_dark: float
    nose_y: float
    nose_w: float
    mouth_y: float
    mouth_w: float
    lip_up: float
    lip_low: float
    skin: tuple
    iris: tuple
    hair: tuple
    hair_density: float
    hairline: float
    depth: float


def make_subject(index: int, seed: int) -> Subject:
    rng = np.random.default_rng([seed, 1000 + index])
    u = rng.uniform
    base = _SKIN[rng.integers(len(_SKIN))] * u(0.95, 1.05, 3)
    hair_base = np.array([[0.12, 0.08, 0.05], [0.30, 0.20, 0.12], [0.55, 0.40, 0.22], [0.07, 0.06, 0.06]])
    return Subject(
        sid=f"s{index:02d}", jaw_w=u(0.92, 1.08), jaw_h=u(1.15, 1.35), jaw_y0=u(-0.3, -0.18),
        jaw_n=u(2.0, 2.8), cranium_h=u(1.3, 1.55), cranium_bulge=u(0.02, 0.12),
        eye_x=u(0.36, 0.45), eye_y=u(-0.24, -0.14), eye_w=u(0.15, 0.2), eye_h=u(0.085, 0.12),
        iris_r=u(0.07, 0.09), brow_gap=u(0.24, 0.32), brow_arch=u(0.03, 0.07), brow_width=u(0.035, 0.06),
        brow_dark=u(0.12, 0.4), nose_y=u(0.16, 0.26), nose_w=u(0.13, 0.18), mouth_y=u(0.5, 0.6),
        mouth_w=u(0.2, 0.28), lip_up=u(0.04, 0.07), lip_low=u(0.05, 0.08),
        skin=tuple(np.clip(base, 0, 1)), iris=tuple(rng.choice([[0.22, 0.14, 0.08], [0.35, 0.4, 0.45],
                                                                [0.15, 0.1, 0.07]], axis=0)),
        hair=tuple(hair_base[rng.integers(len(hair_base))]), hair_density=u(0.0, 0.85),
        hairline=u(-1.25, -0.95), depth=u(0.7, 0.9))


@dataclass
class Expression:
    """Per-frame expression cues, each in [0,1]."""
    brow: float = 0.0      # NFCS brow bulge (brows lowered, drawn together, glabella furrows)
    squeeze: float = 0.0   # NFCS eye squeeze (lids squeezed, wrinkles, cheek raise)
    furrow: float = 0.0    # NFCS nasolabial furrow
    open: float = 0.0      # mouth opening (NFCS open lips / vertical stretch)
    stretch: float = 0.0   # horizontal mouth stretch
    tongue: float = 0.0    # taut (cupped) tongue, visible only with an open mouth
    closed: float = 0.0    # relaxed closed eyes (sleep / blink), no squeeze
    red: float = 0.0       # facial reddening (crying)


@dataclass
class Pose:
    roll: float = 0.0   # radians, in-plane
    yaw: float = 0.0    # radians, slight out-of-plane
    pitch: float = 0.0  # radians, slight out-of-plane
    scale: float = 55.0  # pixels per canonical unit
    tx: float = FRAME_W / 2
    ty: float = FRAME_H / 2


# ----------------------------------------------------------------------------------------------------------
# Canonical geometry
# ----------------------------------------------------------------------------------------------------------

def _mouth_geometry(sb: Subject, ex: Expression):
    gap = 0.42 * ex.open
    mw = sb.mouth_w * (1 + 0.3 * ex.stretch + 0.12 * ex.open)
    corner_y = sb.mouth_y + 0.2 * gap + 0.03 * ex.stretch
    up_in = sb.mouth_y - 0.35 * gap
    low_in = sb.mouth_y + 0.65 * gap
    return gap, mw, corner_y, up_in, low_in


def canonical_landmarks(sb: Subject, ex: Expression) -> np.ndarray:
    """68 landmarks (iBUG 300-W order) in the canonical face frame for a subject and expression."""
    p = np.zeros((68, 2))
    gap, mw, cy, up_in, low_in = _mouth_geometry(sb, ex)
    # jaw 0..16: super-ellipse U from the (image-)left ear level round the chin to the right
    th = np.pi * np.arange(17) / 16
    cx, sy = -np.cos(th), np.sin(th)
    e = 2.0 / sb.jaw_n
    p[0:17, 0] = sb.jaw_w * np.sign(cx) * np.abs(cx) ** e * (1 - 0.04 * ex.stretch * sy)
    p[0:17, 1] = sb.jaw_y0 + sb.jaw_h * np.abs(sy) ** e + 0.65 * gap * sy ** 4
    # eyes
    sq = ex.squeeze
    openf = float(np.clip(1 - max(0.92 * sq, ex.closed), 0.05, 1))
    ey = sb.eye_y + 0.02 * sq
    ew = sb.eye_w * (1 - 0.12 * sq)
    for sign, idx, hs in ((-1, range(36, 42), (1, .35, -.35, -1, -.35, .35)),
                          (1, range(42, 48), (-1, -.35, .35, 1, .35, -.35))):
        kinds = ("c", "u", "u", "c", "l", "l")
        for i, h, k in zip(idx, hs, kinds):
            x = sign * (sb.eye_x + ew * h)
            if k == "c":
                y = ey - 0.01 if h == 1 else ey  # outer corner slightly higher than the inner one
            elif k == "u":
                y = ey - sb.eye_h * openf
            else:
                y = ey + 0.75 * sb.eye_h * openf
            p[i] = (x, y)
    # brows 17..21 (image-left, outer->inner), 22..26 (image-right, inner->outer)
    b = ex.brow
    hs = np.array([1.25, 0.7, 0.15, -0.4, -0.95])
    arch = np.array([0.25, 0.8, 1.0, 0.85, 0.55])
    inner = np.array([0.0, 0.0, 0.2, 0.6, 1.0])
    by = sb.eye_y - sb.brow_gap + 0.07 * b + 0.03 * sq
    for sign, idx, order in ((-1, range(17, 22), slice(None)), (1, range(22, 27), slice(None, None, -1))):
        xs = sign * (sb.eye_x + sb.eye_w * hs - 0.05 * b * inner)
        ys = by - sb.brow_arch * arch + 0.05 * b * inner
        p[list(idx), 0] = xs[order]
        p[list(idx), 1] = ys[order]
    # nose 27..30 bridge, 31..35 base
    f = ex.furrow
    top = sb.eye_y - 0.02
    ny = sb.nose_y - 0.03 * f
    p[27:31, 0] = 0
    p[27:31, 1] = top + (ny - top) * np.arange(4) / 3
    nw = sb.nose_w * (1 + 0.2 * f)
    p[31:36, 0] = np.array([-1, -0.5, 0, 0.5, 1]) * nw
    p[31:36, 1] = ny + np.array([0.02, 0.06, 0.08, 0.06, 0.02])
    # mouth: outer 48..59, inner 60..67
    w5 = np.array([0.6, 0.95, 1.0, 0.95, 0.6])
    p[48] = (-mw, cy)
    p[54] = (mw, cy)
    p[49:54, 0] = np.array([-0.6, -0.25, 0, 0.25, 0.6]) * mw
    p[49:54, 1] = cy + (up_in - sb.lip_up - cy) * w5 + np.array([0, 0, 0.012, 0, 0])
    p[55:60, 0] = np.array([0.6, 0.25, 0, -0.25, -0.6]) * mw
    p[55:60, 1] = cy + (low_in + sb.lip_low - cy) * w5
    p[60] = (-0.85 * mw, cy)
    p[64] = (0.85 * mw, cy)
    p[61:64, 0] = np.array([-0.4, 0, 0.4]) * mw
    p[61:64, 1] = cy + (up_in - cy) * np.array([0.85, 1, 0.85])
    p[65:68, 0] = np.array([0.4, 0, -0.4]) * mw
    p[65:68, 1] = cy + (low_in - cy) * np.array([0.85, 1, 0.85])
    return p


def _depth(sb: Subject, pts: np.ndarray) -> np.ndarray:
    x, y = pts[:, 0], pts[:, 1]
    z = sb.depth * np.sqrt(np.clip(1 - (x / 1.05) ** 2 - ((y - 0.05) / 1.5) ** 2, 0, None))
    return z + 0.3 * np.exp(-((x / 0.15) ** 2 + ((y - sb.nose_y + 0.05) / 0.25) ** 2))


def project(sb: Subject, pose: Pose, pts: np.ndarray) -> np.ndarray:
    """Canonical points -> image pixels: depth from a face ellipsoid, pitch, yaw, roll, scale, translation."""
    pts = np.asarray(pts, np.float64)
    z = _depth(sb, pts)
    x, y = pts[:, 0], pts[:, 1]
    cp, sp = np.cos(pose.pitch), np.sin(pose.pitch)
    y1, z1 = y * cp - z * sp, y * sp + z * cp
    cw, sw = np.cos(pose.yaw), np.sin(pose.yaw)
    x1 = x * cw + z1 * sw
    cr, sr = np.cos(pose.roll), np.sin(pose.roll)
    return np.stack([pose.tx + pose.scale * (cr * x1 - sr * y1), pose.ty + pose.scale * (sr * x1 + cr * y1)], 1)


# ----------------------------------------------------------------------------------------------------------
# Rendering
# ----------------------------------------------------------------------------------------------------------

@dataclass
class Scene:
    """Per-clip scene: background, lighting and sensor noise."""
    bg: tuple
    bg2: tuple
    bg_freq: tuple
    light: tuple       # (lx, ly) lateral light direction for face shading
    gradient: tuple    # (gx, gy) multiplicative lighting gradient across the frame (fraction per frame width)
    noise: float       # Gaussian sensor noise, in 8-bit levels
    gaze: tuple


def make_scene(rng: np.random.Generator) -> Scene:
    u = rng.uniform
    bg = np.clip(np.array([u(0.5, 0.95), u(0.5, 0.95), u(0.5, 0.95)]), 0, 1)
    return Scene(bg=tuple(bg), bg2=tuple(np.clip(bg * u(0.7, 0.95, 3), 0, 1)),
                 bg_freq=(u(0.01, 0.05), u(0.01, 0.05), u(0, 2 * np.pi)),
                 light=(u(-0.6, 0.6), u(-0.5, 0.2)), gradient=(u(-0.35, 0.35), u(-0.25, 0.25)),
                 noise=u(1.0, 5.0), gaze=(u(-0.03, 0.03), u(-0.015, 0.015)))


def render_frame(sb: Subject, ex: Expression, pose: Pose, scene: Scene, rng: np.random.Generator,
                 size=(FRAME_W, FRAME_H)):
    """Renders one frame. Returns (uint8 RGB image (H,W,3), landmarks (68,2) in pixels)."""
    W, H = size
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
    fx, fy, ph = scene.bg_freq
    pattern = 0.5 + 0.5 * np.sin(fx * xx * 6.28 / 6 + fy * yy * 6.28 / 6 + ph) * np.cos(fy * xx * 0.7 - fx * yy)
    img = np.asarray(scene.bg)[None, None, :] * (1 - pattern[..., None]) + np.asarray(scene.bg2) * pattern[..., None]
    cv = Canvas(img)
    s = pose.scale
    lm_c = canonical_landmarks(sb, ex)
    lm = project(sb, pose, lm_c)
    P = lambda pts: project(sb, pose, np.asarray(pts, np.float64))
    skin = np.asarray(sb.skin) * (1 - np.array([0.0, 0.08, 0.08]) * ex.red)

    # ears (behind the head)
    for sign in (-1, 1):
        ear = ellipse_points(sign * (sb.jaw_w + 0.02), sb.jaw_y0 + 0.12, 0.12, 0.22, 20)
        cv.blend(cv.poly_alpha(P(ear)), skin * 0.8)
    # head: jaw + cranium arc
    phi = np.linspace(0, np.pi, 25)[1:-1]
    crx = sb.jaw_w * (1 + sb.cranium_bulge * np.sin(phi)) * np.cos(phi)
    cry = sb.jaw_y0 - sb.cranium_h * np.sin(phi)
    head = np.vstack([lm[0:17], P(np.stack([crx, cry], 1))])
    sa = cv.poly_alpha(head, feather=1.2)
    if sa is not None:
        sl, a = sa
        # shading: invert the in-plane similarity, ellipsoid normal, Lambert + ambient
        cr, sr = np.cos(pose.roll), np.sin(pose.roll)
        gx, gy = xx[sl] - pose.tx, yy[sl] - pose.ty
        u = (cr * gx + sr * gy) / s
        v = (-sr * gx + cr * gy) / s
        yc = (sb.jaw_y0 + sb.jaw_h + sb.jaw_y0 - sb.cranium_h) / 2
        hh = (sb.jaw_h + sb.cranium_h) / 2
        nx, ny = u / (sb.jaw_w * 1.08), (v - yc) / (hh * 1.05)
        nz = np.sqrt(np.clip(1 - nx * nx - ny * ny, 0, None))
        lx, ly = scene.light
        ln = np.array([lx, ly, 1.0]) / np.sqrt(lx * lx + ly * ly + 1)
        lam = np.clip(nx * ln[0] + ny * ln[1] + nz * ln[2], 0, 1)
        col = skin[None, None, :] * (0.45 + 0.6 * lam)[..., None]
        cv.img[sl] = cv.img[sl] * (1 - a[..., None]) + col * a[..., None]
    # hair on the cranium above the hairline
    if sb.hair_density > 0.05:
        hp = np.linspace(0, np.pi, 30)
        hx = sb.jaw_w * 1.02 * (1 + sb.cranium_bulge * np.sin(hp)) * np.cos(hp)
        hy = sb.jaw_y0 - sb.cranium_h * 1.01 * np.sin(hp)
        keep = hy < sb.hairline
        if keep.sum() >= 3:
            poly = np.stack([hx[keep], hy[keep]], 1)
            wave = np.linspace(poly[-1, 0], poly[0, 0], 12)
            line = np.stack([wave, sb.hairline + 0.04 * np.sin(wave * 9)], 1)
            sa = cv.poly_alpha(P(np.vstack([poly, line])), feather=3.0)
            if sa is not None:
                sl, a = sa
                strands = 0.75 + 0.25 * np.sin(xx[sl] * 1.3 + yy[sl] * 0.4)
                cv.blend((sl, a * strands), np.asarray(sb.hair), sb.hair_density)
    # cheeks (blush, stronger when crying)
    for sign in (-1, 1):
        c = P([[sign * (sb.eye_x + 0.06), sb.eye_y + 0.38]])[0]
        cv.shade(cv.blob_alpha(c[0], c[1], 0.14 * s, 0.11 * s), [1.0, 0.9, 0.9], 0.35 + 0.6 * ex.red)
    # nasolabial furrows + cheek bulge
    gap, mw, cyy, _, low_in = _mouth_geometry(sb, ex)
    for sign in (-1, 1):
        nw = sb.nose_w * (1 + 0.2 * ex.furrow)
        curve = np.array([[sign * (nw + 0.04), sb.nose_y], [sign * (mw + 0.07), cyy - 0.08],
                          [sign * (mw + 0.1), cyy + 0.1]])
        curve = P(catmull_rom(curve, False, 8))
        cv.shade(cv.line_alpha(curve, (0.025 + 0.02 * ex.furrow) * s, soft=True), 0.55, 0.12 + 0.5 * ex.furrow)
        c = P([[sign * (nw + 0.14), sb.nose_y + 0.02]])[0]
        cv.shade(cv.blob_alpha(c[0], c[1], 0.09 * s, 0.06 * s), 1.25, 0.4 * ex.furrow)
    # nose: side shading, tip highlight, nostrils
    tip = lm[30]
    cv.shade(cv.blob_alpha(tip[0], tip[1], 0.07 * s, 0.06 * s), 1.18, 0.6)
    for sign in (-1, 1):
        side = P([[sign * 0.07, sb.eye_y + 0.05], [sign * 0.1, sb.nose_y - 0.02], [sign * sb.nose_w, sb.nose_y + 0.01]])
        cv.shade(cv.line_alpha(catmull_rom(side, False, 6), 0.05 * s, soft=True), 0.8, 0.35)
        cv.shade(cv.poly_alpha(P(ellipse_points(sign * sb.nose_w * 0.55, sb.nose_y + 0.055 - 0.03 * ex.furrow,
                                                0.045, 0.022 + 0.01 * ex.furrow, 12))), 0.35, 0.85)
    # brows and brow bulge
    for idx in (range(17, 22), range(22, 27)):
        curve = catmull_rom(lm[list(idx)], False, 6)
        cv.shade(cv.line_alpha(curve, sb.brow_width * s, soft=True), np.asarray(sb.hair) + 0.2,
                 min(1.0, sb.brow_dark * (1 + 0.5 * ex.brow) * 2))
    if ex.brow > 0.02:
        for sign in (-1, 1):
            inner = lm_c[21 if sign < 0 else 22]
            furrow = P([[sign * 0.06, inner[1] + 0.02], [sign * 0.045, inner[1] - 0.16]])
            cv.shade(cv.line_alpha(catmull_rom(furrow, False, 4), 0.028 * s, soft=True), 0.5, 0.7 * ex.brow)
        c = P([[0, lm_c[21, 1] - 0.12]])[0]
        cv.shade(cv.blob_alpha(c[0], c[1], 0.24 * s, 0.06 * s, pose.roll), 1.2, 0.8 * ex.brow)
        shadow = P([[-0.3, lm_c[20, 1] - 0.05], [0, lm_c[21, 1] - 0.02], [0.3, lm_c[23, 1] - 0.05]])
        cv.shade(cv.line_alpha(catmull_rom(shadow, False, 6), 0.03 * s, soft=True), 0.7, 0.6 * ex.brow)
    # eyes
    sq = ex.squeeze
    for idx, sign in ((range(36, 42), -1), (range(42, 48), 1)):
        eye = lm[list(idx)]
        eye_c = lm_c[list(idx)]
        outline = catmull_rom(eye, True, 6)
        open_h = eye_c[4:6, 1].mean() - eye_c[1:3, 1].mean()
        # upper-lid crease (fold) and, with squeeze, infraorbital furrow + crow's feet
        fold = P(catmull_rom(eye_c[[0, 1, 2, 3]] + [0, -0.055 - 0.02 * sq], False, 6))
        cv.shade(cv.line_alpha(fold, 0.02 * s, soft=True), 0.6, 0.25 + 0.4 * sq)
        if sq > 0.02:
            low = P(catmull_rom(eye_c[[3, 4, 5, 0]] + [0, 0.07], False, 6))
            cv.shade(cv.line_alpha(low, 0.025 * s, soft=True), 0.55, 0.7 * sq)
            oc = eye_c[0] if sign < 0 else eye_c[3]
            for ang in (-0.5, 0.0, 0.5):  # three short wrinkles fanning out from the outer corner
                start = oc + [sign * 0.03, 0.0]
                seg = np.array([start, start + [sign * 0.09 * np.cos(ang), 0.09 * np.sin(ang)]])
                cv.shade(cv.line_alpha(P(seg), 0.015 * s, soft=True), 0.55, 0.6 * sq)
            c = P([[sign * sb.eye_x, sb.eye_y + 0.16]])[0]
            cv.shade(cv.blob_alpha(c[0], c[1], 0.12 * s, 0.05 * s), 1.15, 0.6 * sq)
        if open_h > 0.02:
            sa = cv.poly_alpha(outline, 0.8)
            if sa is not None:
                cv.blend(sa, [0.9, 0.88, 0.86])
                centre = P([[eye_c[:, 0].mean() + scene.gaze[0], sb.eye_y + scene.gaze[1]]])[0]
                irs = cv.poly_alpha(P(ellipse_points(eye_c[:, 0].mean() + scene.gaze[0], sb.eye_y + scene.gaze[1],
                                                     sb.iris_r, sb.iris_r, 20)), 0.8)
                if irs is not None:
                    a2 = _intersect(sa, irs)
                    cv.blend(a2, np.asarray(sb.iris))
                    pup = cv.poly_alpha(P(ellipse_points(eye_c[:, 0].mean() + scene.gaze[0], sb.eye_y + scene.gaze[1],
                                                         sb.iris_r * 0.45, sb.iris_r * 0.45, 14)), 0.8)
                    cv.blend(_intersect(sa, pup), [0.03, 0.03, 0.03])
                    hl = cv.blob_alpha(centre[0] + 0.025 * s, centre[1] - 0.025 * s, 0.012 * s, 0.012 * s)
                    cv.blend(_intersect(sa, hl), [1, 1, 1], 0.9)
        # lashes / upper lid line, lower lid line
        upper = catmull_rom(eye[[0, 1, 2, 3]], False, 6)
        cv.shade(cv.line_alpha(upper, (0.02 + 0.01 * (1 - min(open_h / 0.1, 1))) * s), 0.25, 0.85)
        lower = catmull_rom(eye[[3, 4, 5, 0]], False, 6)
        cv.shade(cv.line_alpha(lower, 0.012 * s, soft=True), 0.5, 0.4)
    # mouth
    outer = catmull_rom(lm[48:60], True, 5)
    cv.shade(cv.poly_alpha(outer, 1.0), [0.86, 0.62, 0.62], 1.0)
    if gap > 0.015:
        inner = catmull_rom(lm[60:68], True, 5)
        sa = cv.poly_alpha(inner, 0.8)
        cv.blend(sa, [0.25, 0.07, 0.08])
        if sa is not None:
            taut = ex.tongue
            tg = cv.poly_alpha(P(ellipse_points(0, low_in - gap * (0.22 + 0.15 * taut), mw * (0.6 - 0.2 * taut),
                                                gap * (0.28 + 0.1 * taut), 18)), 1.5)
            if tg is not None:
                cv.blend(_intersect(sa, tg), [0.78, 0.4, 0.42], 0.95)
                if taut > 0.05:
                    groove = P([[0, low_in - gap * 0.45], [0, low_in - gap * 0.1]])
                    cv.shade(_intersect(sa, cv.line_alpha(groove, 0.03 * s, soft=True)), 0.5, taut)
    lipline = catmull_rom(lm[60:65], False, 5)
    cv.shade(cv.line_alpha(lipline, 0.018 * s, soft=gap > 0.015), 0.35, 0.8)
    chin = P(catmull_rom(np.array([[-0.12, 0], [0, 0.03], [0.12, 0]]) + [0, low_in + sb.lip_low + 0.1], False, 6))
    cv.shade(cv.line_alpha(chin, 0.03 * s, soft=True), 0.7, 0.2 + 0.4 * ex.red)

    # global lighting gradient, noise, quantisation
    gx, gy = scene.gradient
    grad = 1 + gx * (xx - W / 2) / W + gy * (yy - H / 2) / H
    out = cv.img * grad[..., None] * 255.0 + rng.normal(0, scene.noise, (H, W, 1)) * np.ones(3)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8), lm


def _intersect(first, second):
    """Alpha product of two (slices, alpha) masks (second restricted to the first's box)."""
    if first is None or second is None:
        return None
    (ya, xa), a = first
    (yb, xb), b = second
    y0, y1 = max(ya.start, yb.start), min(ya.stop, yb.stop)
    x0, x1 = max(xa.start, xb.start), min(xa.stop, xb.stop)
    if y1 <= y0 or x1 <= x0:
        return None
    aa = a[y0 - ya.start:y1 - ya.start, x0 - xa.start:x1 - xa.start]
    bb = b[y0 - yb.start:y1 - yb.start, x0 - xb.start:x1 - xb.start]
    return (slice(y0, y1), slice(x0, x1)), aa * bb


# ----------------------------------------------------------------------------------------------------------
# Clips and datasets
# ----------------------------------------------------------------------------------------------------------

@dataclass
class ClipPlan:
    """What happens in a clip: pain level, crying, the event envelope and distractors."""
    level: int
    amount: float
    cry: bool
    onset: float
    offset: float
    ramp: float
    weights: tuple
    asleep: bool
    blink_frames: tuple
    mouth_wiggle: tuple
    cry_open: float


def envelope(plan: ClipPlan, t: np.ndarray) -> np.ndarray:
    """Event intensity in [0,1] at frame indices t: linear onset ramp, plateau, linear offset ramp."""
    t = np.asarray(t, np.float64)
    return np.clip((t - plan.onset) / plan.ramp + 0.5, 0, 1) * np.clip((plan.offset - t) / plan.ramp + 0.5, 0, 1)


def frame_labels(plan: ClipPlan, t: np.ndarray):
    """(cry 0/1, pain index) per frame: a cue counts from envelope >= 0.5 (the onset/offset mid-points)."""
    e = envelope(plan, t)
    on = e >= 0.5
    cry = (on & plan.cry).astype(int)
    pain = np.where(on & (plan.level > 0), plan.level, 0)
    return cry, pain


def make_plan(rng: np.random.Generator, n_frames: int, level: int | None = None) -> ClipPlan:
    u = rng.uniform
    level = int(rng.integers(3)) if level is None else level
    amount = (0.0, u(0.38, 0.58), u(0.78, 1.0))[level]
    cry = bool(u() < (0.3, 0.45, 0.7)[level])
    onset = u(-0.3, 0.4) * n_frames
    offset = onset + u(0.45, 0.9) * n_frames
    asleep = (level == 0 and not cry and u() < 0.3)
    blinks = tuple(int(i) for i in np.nonzero(rng.uniform(size=n_frames) < 0.06)[0])
    return ClipPlan(level=level, amount=amount, cry=cry, onset=onset, offset=offset, ramp=u(1.0, 2.2),
                    weights=tuple(u(0.75, 1.0, 4)), asleep=asleep, blink_frames=blinks,
                    mouth_wiggle=(u(0, 0.25), u(0.3, 1.2), u(0, 6.3)), cry_open=u(0.85, 1.0))


def expression_at(plan: ClipPlan, t: int) -> Expression:
    e = float(envelope(plan, t))
    pe = plan.amount * e
    ce = e if plan.cry else 0.0
    wb, ws, wf, wm = plan.weights
    amp, fr, ph = plan.mouth_wiggle
    wiggle = amp * max(0.0, np.sin(fr * t + ph))
    closed = 1.0 if plan.asleep or t in plan.blink_frames else 0.0
    return Expression(brow=pe * wb, squeeze=max(pe * ws, 0.9 * ce), furrow=pe * wf,
                      open=min(1.0, max(0.45 * pe * wm, plan.cry_open * ce) + wiggle * (1 - ce)),
                      stretch=max(0.8 * pe * wm, 0.7 * ce), tongue=pe * ce, closed=closed * (1 - ce),
                      red=0.8 * ce + 0.2 * pe)


def make_pose_track(rng: np.random.Generator, n_frames: int, size=(FRAME_W, FRAME_H)):
    u = rng.uniform
    W, H = size
    base = Pose(roll=np.radians(u(-12, 12)), yaw=np.radians(u(-14, 14)), pitch=np.radians(u(-8, 8)),
                scale=u(50, 64), tx=W / 2 + u(-30, 30), ty=H / 2 + u(-5, 20))
    amps = u(0, 1, 6) * np.array([np.radians(5), np.radians(5), np.radians(3), 0.03, 6, 5])
    freqs, phases = u(0.15, 0.6, 6), u(0, 2 * np.pi, 6)
    poses = []
    for t in range(n_frames):
        d = amps * np.sin(freqs * t + phases)
        poses.append(Pose(roll=base.roll + d[0], yaw=base.yaw + d[1], pitch=base.pitch + d[2],
                          scale=base.scale * (1 + d[3]), tx=base.tx + d[4], ty=base.ty + d[5]))
    return poses


def render_clip(subject: Subject, seed: int, n_frames: int, clip_index: int, level: int | None = None,
                size=(FRAME_W, FRAME_H)):
    """Renders a clip. Returns dict(frames uint8 [T,H,W,3], landmarks [T,68,2], cry [T], pain [T], plan, expr)."""
    rng = np.random.default_rng([seed, 2000 + int(subject.sid[1:]), clip_index])
    plan = make_plan(rng, n_frames, level)
    scene = make_scene(rng)
    poses = make_pose_track(rng, n_frames, size)
    noise_rng = np.random.default_rng([seed, 3000 + int(subject.sid[1:]), clip_index])
    frames, lms, exprs = [], [], []
    for t in range(n_frames):
        ex = expression_at(plan, t)
        img, lm = render_frame(subject, ex, poses[t], scene, noise_rng, size)
        frames.append(img)
        lms.append(lm)
        exprs.append(ex)
    cry, pain = frame_labels(plan, np.arange(n_frames))
    return dict(frames=np.stack(frames), landmarks=np.stack(lms), cry=cry, pain=pain, plan=plan, expr=exprs)


@dataclass
class SynthConfig:
    subjects: int = 10
    clips_per_subject: int = 4
    frames_per_clip: int = 16
    seed: int = 7
    width: int = FRAME_W
    height: int = FRAME_H
    version: int = GENERATOR_VERSION


def generate_dataset(root, cfg: SynthConfig, log=print) -> None:
    """Writes clips/<clip>/<frame:05d>.png, labels.csv, landmarks.csv, cues.csv and synth.json under root."""
    root = Path(root)
    (root / "clips").mkdir(parents=True, exist_ok=True)
    lab_rows, lm_rows, cue_rows = [], [], []
    for si in range(cfg.subjects):
        sb = make_subject(si, cfg.seed)
        for ci in range(cfg.clips_per_subject):
            # balanced pain levels per subject: cycle through levels, randomised start
            level = (ci + si) % 3
            clip = render_clip(sb, cfg.seed, cfg.frames_per_clip, ci, level, (cfg.width, cfg.height))
            cid = f"{sb.sid}_c{ci:02d}"
            d = root / "clips" / cid
            d.mkdir(exist_ok=True)
            for t in range(cfg.frames_per_clip):
                pngio.write_png(d / f"{t:05d}.png", clip["frames"][t], level=1)
                lab_rows.append([cid, t, sb.sid, int(clip["cry"][t]), PAIN_LEVELS[int(clip["pain"][t])]])
                lm_rows.append([cid, t] + [f"{v:.4f}" for v in clip["landmarks"][t].reshape(-1)])
                ex = clip["expr"][t]
                cue_rows.append([cid, t, f"{float(envelope(clip['plan'], t)):.4f}"]
                                + [f"{getattr(ex, k):.4f}" for k in Expression.__dataclass_fields__])
        if log:
            log(f"synth: subject {sb.sid} done ({cfg.clips_per_subject} clips)")
    with open(root / "labels.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["clip", "frame", "subject", "cry", "pain"])
        w.writerows(lab_rows)
    with open(root / "landmarks.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["clip", "frame"] + [f"{a}{i}" for i in range(68) for a in ("x", "y")])
        w.writerows(lm_rows)
    with open(root / "cues.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["clip", "frame", "envelope"] + list(Expression.__dataclass_fields__))
        w.writerows(cue_rows)
    (root / "synth.json").write_text(json.dumps(asdict(cfg), indent=2))


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(description="Generate a synthetic infant-face pain dataset (see training/pain/README.md)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--subjects", type=int, default=SynthConfig.subjects)
    ap.add_argument("--clips", type=int, default=SynthConfig.clips_per_subject)
    ap.add_argument("--frames", type=int, default=SynthConfig.frames_per_clip)
    ap.add_argument("--seed", type=int, default=SynthConfig.seed)
    a = ap.parse_args(argv)
    generate_dataset(a.out, SynthConfig(a.subjects, a.clips, a.frames, a.seed))


if __name__ == "__main__":
    main()
