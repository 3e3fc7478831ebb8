"""The donateacry corpus: listing, app-install groups, WAV loading and resampling to 16 kHz.

Layout: ``<asset_root>/data/donateacry/<reason>/*.wav`` (8 kHz mono PCM16). The first 36 characters of a file name are
the app-install id; clips sharing it (compared case-insensitively) come from the same install (same baby and phone).
"""
from __future__ import annotations

import hashlib
import os
import wave
from dataclasses import dataclass

import numpy as np

from . import LABELS

GROUP_ID_LENGTH = 36
TARGET_RATE = 16000


@dataclass(frozen=True)
class Clip:
    """One corpus clip."""

    path: str
    name: str       # file name, unique over the corpus
    label: int      # index into LABELS
    group: str      # lower-cased 36-character app-install id


def group_of(file_name: str) -> str:
    """The app-install id of a file name: its first 36 characters, lower-cased (ids appear in both cases)."""
    if len(file_name) < GROUP_ID_LENGTH:
        raise ValueError(f"file name '{file_name}' is shorter than the {GROUP_ID_LENGTH}-character install id")
    return file_name[:GROUP_ID_LENGTH].lower()


def corpus_dir(asset_root: str) -> str:
    return os.path.join(asset_root, "data", "donateacry")


def list_clips(asset_root: str) -> list[Clip]:
    """All clips sorted by (label, name); raises if the corpus folder or a reason folder is missing."""
    root = corpus_dir(asset_root)
    if not os.path.isdir(root):
        raise FileNotFoundError(f"donateacry corpus not found at '{root}' (asset root '{asset_root}')")
    clips = []
    for label, reason in enumerate(LABELS):
        folder = os.path.join(root, reason)
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"reason folder '{folder}' is missing")
        for name in sorted(os.listdir(folder)):
            if name.lower().endswith(".wav"):
                clips.append(Clip(os.path.join(folder, name), name, label, group_of(name)))
    names = [c.name for c in clips]
    if len(set(names)) != len(names):
        raise ValueError("duplicate file names across reason folders")
    return clips


def read_wav(path: str) -> tuple[np.ndarray, int]:
    """Mono PCM16 WAV -> (float64 samples in [-1, 1), sample rate)."""
    with wave.open(path, "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"WAV '{path}': expected 16-bit PCM, got {8 * w.getsampwidth()}-bit")
        channels, rate, frames = w.getnchannels(), w.getframerate(), w.readframes(w.getnframes())
    x = np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32768.0
    if channels > 1:
        x = x.reshape(-1, channels).mean(axis=1)
    return x, rate


def to_16k(x: np.ndarray, rate: int) -> np.ndarray:
    """Resamples to 16 kHz exactly as the project's reference resampler, evaluated per phase
    (infantcry_ref.resample_fast; test_cryreason_data checks it against ``resample`` to 1e-12)."""
    if rate == TARGET_RATE:
        return np.asarray(x, dtype=np.float64)
    from infantcry_ref.resample_fast import resample_fast

    return resample_fast(x, rate, TARGET_RATE)


def load_waveforms(clips: list[Clip], cache_dir: str | None = None) -> list[np.ndarray]:
    """16 kHz float32 waveforms of the clips, cached as one .npz keyed by the clip list."""
    key = hashlib.sha256("\n".join(c.name for c in clips).encode()).hexdigest()[:16]
    cache = os.path.join(cache_dir, f"waveforms16k-{key}.npz") if cache_dir else None
    if cache and os.path.exists(cache):
        with np.load(cache) as z:
            return [z[f"w{i}"] for i in range(len(clips))]
    waves = []
    for c in clips:
        x, rate = read_wav(c.path)
        waves.append(to_16k(x, rate).astype(np.float32))
    if cache:
        os.makedirs(cache_dir, exist_ok=True)
        tmp = cache + ".tmp.npz"
        np.savez(tmp, **{f"w{i}": w for i, w in enumerate(waves)})
        os.replace(tmp, cache)
    return waves


def fixed_length(waves: list[np.ndarray], length: int) -> np.ndarray:
    """[N, length] float32: each waveform cropped or zero-padded at the end (the raw-waveform baseline's input)."""
    out = np.zeros((len(waves), length), np.float32)
    for i, w in enumerate(waves):
        k = min(len(w), length)
        out[i, :k] = w[:k]
    return out
