"""Reader for the pain dataset folder layout (see README.md, "Dataset layout").

    <root>/labels.csv       clip,frame,subject,cry,pain         (pain: none|moderate|severe; cry: 0|1)
    <root>/landmarks.csv    clip,frame,x0,y0,...,x67,y67         (68 points, iBUG 300-W order, pixels)
    <root>/clips/<clip>/<frame:05d>.png   (or .jpg/.jpeg/.pgm/.ppm)

Without landmarks.csv the frames must already be aligned 64x64 face crops (gray or RGB).
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import align, pngio

PAIN_LEVELS = ("none", "moderate", "severe")
_EXTS = (".png", ".jpg", ".jpeg", ".pgm", ".ppm")
CACHE_VERSION = 1


@dataclass
class FrameTable:
    """One row per labelled frame, sorted by (clip, frame)."""
    clip: np.ndarray      # str
    frame: np.ndarray     # int
    subject: np.ndarray   # str
    cry: np.ndarray       # int 0/1
    pain: np.ndarray      # int 0 none, 1 moderate, 2 severe

    def __len__(self):
        return len(self.clip)

    def take(self, idx):
        return FrameTable(*(getattr(self, k)[idx] for k in ("clip", "frame", "subject", "cry", "pain")))


def read_labels(root) -> FrameTable:
    root = Path(root)
    rows = []
    with open(root / "labels.csv", newline="") as f:
        r = csv.DictReader(f)
        missing = {"clip", "frame", "subject", "cry", "pain"} - set(r.fieldnames or [])
        if missing:
            raise ValueError(f"{root / 'labels.csv'}: missing columns {sorted(missing)}")
        for i, row in enumerate(r, start=2):
            pain = row["pain"].strip().lower()
            if pain not in PAIN_LEVELS:
                raise ValueError(f"{root / 'labels.csv'} line {i}: pain '{pain}' is not one of {PAIN_LEVELS}")
            cry = int(row["cry"])
            if cry not in (0, 1):
                raise ValueError(f"{root / 'labels.csv'} line {i}: cry must be 0 or 1, got {cry}")
            rows.append((row["clip"], int(row["frame"]), row["subject"], cry, PAIN_LEVELS.index(pain)))
    rows.sort(key=lambda t: (t[0], t[1]))
    cols = list(zip(*rows)) if rows else [[]] * 5
    return FrameTable(np.array(cols[0], dtype=object), np.array(cols[1], int), np.array(cols[2], dtype=object),
                      np.array(cols[3], int), np.array(cols[4], int))


def read_landmarks(root, table: FrameTable) -> np.ndarray | None:
    path = Path(root) / "landmarks.csv"
    if not path.exists():
        return None
    lut = {}
    with open(path, newline="") as f:
        r = csv.reader(f)
        next(r)
        for row in r:
            lut[(row[0], int(row[1]))] = np.array(row[2:138], np.float64).reshape(68, 2)
    out = np.zeros((len(table), 68, 2))
    for i, key in enumerate(zip(table.clip, table.frame)):
        if key not in lut:
            raise ValueError(f"{path}: no landmarks for clip {key[0]} frame {key[1]}")
        out[i] = lut[key]
    return out


def frame_path(root, clip: str, frame: int) -> Path:
    base = Path(root) / "clips" / clip / f"{frame:05d}"
    for e in _EXTS:
        p = base.with_suffix(e)
        if p.exists():
            return p
    raise FileNotFoundError(f"frame image {base}.(png|jpg|jpeg|pgm|ppm) not found")


def _fingerprint(root) -> str:
    h = hashlib.sha256(f"v{CACHE_VERSION}".encode())
    for name in ("labels.csv", "landmarks.csv"):
        p = Path(root) / name
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def load_crops(root, cache_dir=None, log=print):
    """Returns (crops float32 [N,64,64] in [0,1], FrameTable). Aligns with align.align_face when landmarks.csv
    exists, else expects pre-aligned 64x64 frames. Caches the crops as .npz in cache_dir (keyed by the CSVs)."""
    root = Path(root)
    table = read_labels(root)
    cache = None
    if cache_dir is not None:
        cache = Path(cache_dir) / f"pain-crops-{_fingerprint(root)}.npz"
        if cache.exists():
            with np.load(cache) as z:
                if len(z["crops"]) == len(table):
                    return z["crops"], table
    lms = read_landmarks(root, table)
    crops = np.zeros((len(table), 64, 64), np.float32)
    for i in range(len(table)):
        img = pngio.read_image(frame_path(root, table.clip[i], int(table.frame[i])))
        if lms is not None:
            crops[i] = align.align_face(img, lms[i])
        else:
            g = align.to_gray(img)
            if g.shape != (64, 64):
                raise ValueError(f"{root}: no landmarks.csv, so frames must be aligned 64x64 crops; "
                                 f"clip {table.clip[i]} frame {table.frame[i]} is {g.shape}")
            crops[i] = g
        if log and (i + 1) % 1000 == 0:
            log(f"aligned {i + 1}/{len(table)} frames")
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, crops=crops)
    return crops, table


def make_windows(table: FrameTable, seq_len: int) -> np.ndarray:
    """All windows of seq_len consecutive frames (by frame order) within each clip -> int [M, seq_len] row indices.
    A window's label is the label of its LAST frame. Clips shorter than seq_len give no window."""
    out = []
    start = 0
    n = len(table)
    while start < n:
        end = start
        while end < n and table.clip[end] == table.clip[start]:
            end += 1
        for s in range(start, end - seq_len + 1):
            out.append(np.arange(s, s + seq_len))
        start = end
    return np.array(out, int).reshape(-1, seq_len)


def split_subjects(subjects, test_fraction: float, seed: int):
    """Deterministic subject-level split -> (train_subjects, test_subjects); never splits a subject's frames."""
    uniq = sorted(set(subjects))
    if len(uniq) < 2:
        raise ValueError("need at least 2 subjects for a subject-level split")
    rng = np.random.default_rng(seed)
    perm = [uniq[i] for i in rng.permutation(len(uniq))]
    k = min(max(1, int(round(test_fraction * len(uniq)))), len(uniq) - 1)
    return sorted(perm[k:]), sorted(perm[:k])
