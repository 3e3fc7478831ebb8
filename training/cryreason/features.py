"""Clip representations: pluggable patch-embedding sources and acoustic features from the cry literature.

Patch embeddings: a source maps a 16 kHz waveform to [n_patches, dim] (YAMNet: 0.96 s patches at 0.48 s hop, 1024-d).
Sequences are padded/cropped to ``SEQ_LEN`` = 14 patches (a 7 s clip gives 14 YAMNet patches; the corpus runs
6.5-7.1 s): longer sequences keep their first 14 patches, shorter ones are padded at the end with zero vectors.
Pooled clip vectors (mean and std over the real patches) ignore the padding.
"""
from __future__ import annotations

import hashlib
import os

import numpy as np

SEQ_LEN = 14
RATE = 16000


class EmbeddingSource:
    """Maps a 16 kHz waveform (float32, [-1, 1]) to patch embeddings [n_patches, dim]."""

    name = "abstract"
    dim = 0

    def embed(self, wave16k: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class LogMelPatchSource(EmbeddingSource):
    """No transfer learning: each YAMNet log-mel patch [96, 64] summarised by its per-band mean and std (128-d)."""

    name = "logmel_stats"
    dim = 128

    def embed(self, wave16k):
        from infantcry_ref import yamnet_frontend as fe

        _, p = fe.waveform_to_patches(np.asarray(wave16k, np.float64))  # [n, 96, 64]
        return np.concatenate([p.mean(1), p.std(1)], axis=1).astype(np.float32)


class YamnetSource(EmbeddingSource):
    """YAMNet embeddings (1024-d) from the yamnet branch's torch model over the reference frontend's patches."""

    name = "yamnet"
    dim = 1024

    def __init__(self, model):
        """``model``: torch module mapping patches [N, 96, 64] to (embeddings [N, 1024], scores [N, 521])."""
        self.model = model.eval()

    @classmethod
    def from_assets(cls, asset_root: str) -> "YamnetSource":
        """Builds the yamnet branch's torch YAMNet (training/yamnet) from ``<asset_root>/models/yamnet/yamnet.tflite``."""
        from pathlib import Path

        from yamnet.assets import read_verified_tflite
        from yamnet.model import load_yamnet

        net, _, _ = load_yamnet(read_verified_tflite(Path(asset_root)))
        return cls(net)

    def embed(self, wave16k):
        import torch
        from infantcry_ref import yamnet_frontend as fe

        _, p = fe.waveform_to_patches(np.asarray(wave16k, np.float64))
        p = np.asarray(p, np.float32)
        with torch.no_grad():
            out = self.model(torch.from_numpy(p))
        emb = out[0] if isinstance(out, (tuple, list)) else out
        return emb.numpy().astype(np.float32)


def embed_corpus(source: EmbeddingSource, waves, names, cache_dir: str | None = None) -> list[np.ndarray]:
    """Patch embeddings of every clip, cached as one .npz per (source, clip list)."""
    key = hashlib.sha256(("\n".join(names) + source.name).encode()).hexdigest()[:16]
    cache = os.path.join(cache_dir, f"emb-{source.name}-{key}.npz") if cache_dir else None
    if cache and os.path.exists(cache):
        with np.load(cache) as z:
            return [z[f"e{i}"] for i in range(len(names))]
    embs = [source.embed(w) for w in waves]
    if cache:
        os.makedirs(cache_dir, exist_ok=True)
        np.savez(cache + ".tmp.npz", **{f"e{i}": e for i, e in enumerate(embs)})
        os.replace(cache + ".tmp.npz", cache)
    return embs


def to_sequences(embs: list[np.ndarray], seq_len: int = SEQ_LEN):
    """List of [n_i, d] -> (X [N, seq_len, d] zero-padded/cropped, mask [N, seq_len] True on real patches)."""
    d = embs[0].shape[1]
    X = np.zeros((len(embs), seq_len, d), np.float32)
    mask = np.zeros((len(embs), seq_len), bool)
    for i, e in enumerate(embs):
        k = min(seq_len, len(e))
        X[i, :k] = e[:k]
        mask[i, :k] = True
    return X, mask


def pooled(X: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean and std over the real patches: [N, T, d] -> [N, 2d]."""
    m = mask[..., None].astype(np.float32)
    cnt = np.maximum(m.sum(1), 1)
    mean = (X * m).sum(1) / cnt
    var = (((X - mean[:, None]) ** 2) * m).sum(1) / cnt
    return np.concatenate([mean, np.sqrt(var)], 1)


# ---------------------------------------------------------------- acoustic features

FRAME = 640      # 40 ms at 16 kHz: six periods at the lowest F0 searched (150 Hz)
HOP = 160        # 10 ms
F0_MIN, F0_MAX = 150.0, 1000.0   # infant cry F0 is typically 300-600 Hz, hyperphonation up to ~1 kHz
OCTAVE_RATIO = 0.85               # a shorter-lag peak this close to the best wins
VOICING_THRESHOLD = 0.45          # normalised autocorrelation peak above which a frame counts as voiced
N_MFCC = 13


def _frames(x: np.ndarray, frame: int = FRAME, hop: int = HOP) -> np.ndarray:
    if len(x) < frame:
        x = np.pad(x, (0, frame - len(x)))
    n = 1 + (len(x) - frame) // hop
    idx = np.arange(frame)[None, :] + hop * np.arange(n)[:, None]
    return x[idx]


def f0_track(x: np.ndarray, rate: int = RATE):
    """Per-frame F0 (Hz, NaN when unvoiced), voicing strength and RMS energy (dB) by normalised autocorrelation."""
    fr = _frames(np.asarray(x, np.float64))
    fr = fr - fr.mean(1, keepdims=True)
    win = np.hanning(fr.shape[1])
    fw = fr * win
    n_fft = 1 << int(np.ceil(np.log2(2 * fr.shape[1])))
    spec = np.fft.rfft(fw, n_fft, axis=1)
    ac = np.fft.irfft(np.abs(spec) ** 2, n_fft, axis=1)[:, : fr.shape[1]]
    wac = np.fft.irfft(np.abs(np.fft.rfft(win, n_fft)) ** 2, n_fft)[: fr.shape[1]]
    ac = ac / np.maximum(ac[:, :1], 1e-12) / np.maximum(wac / wac[0], 1e-3)   # unbiased by the window's own ACF
    lo, hi = int(rate / F0_MAX), int(rate / F0_MIN)
    seg = ac[:, lo:hi + 1]
    # the shortest lag whose local peak reaches OCTAVE_RATIO of the best one (avoids picking 2T, 3T: sub-octaves)
    best = seg.max(1, keepdims=True)
    peak = np.zeros_like(seg, dtype=bool)
    peak[:, 1:-1] = (seg[:, 1:-1] >= seg[:, :-2]) & (seg[:, 1:-1] >= seg[:, 2:])
    ok = peak & (seg >= OCTAVE_RATIO * best)
    k = np.where(ok.any(1), ok.argmax(1), seg.argmax(1))
    strength = seg[np.arange(len(seg)), k]
    # parabolic interpolation of the peak lag
    kk = np.clip(k, 1, seg.shape[1] - 2)
    a, b, c = seg[np.arange(len(seg)), kk - 1], seg[np.arange(len(seg)), kk], seg[np.arange(len(seg)), kk + 1]
    denom = a - 2 * b + c
    shift = np.where(np.abs(denom) > 1e-12, 0.5 * (a - c) / denom, 0.0)
    lag = lo + kk + np.clip(shift, -1, 1)
    rms_db = 10 * np.log10(np.mean(fr ** 2, 1) + 1e-10)
    active = rms_db > rms_db.max() - 30.0
    voiced = (strength > VOICING_THRESHOLD) & active
    f0 = np.where(voiced, rate / lag, np.nan)
    return f0, strength, rms_db, voiced


def _runs(b: np.ndarray):
    """Lengths of runs of True."""
    d = np.diff(np.r_[0, b.astype(int), 0])
    return np.flatnonzero(d == -1) - np.flatnonzero(d == 1)


def mfcc_from_logmel(logmel: np.ndarray, n: int = N_MFCC) -> np.ndarray:
    """DCT-II (orthonormal) of log-mel frames [T, B] -> [T, n]."""
    B = logmel.shape[1]
    k = np.arange(n)[:, None]
    basis = np.cos(np.pi * k * (2 * np.arange(B)[None, :] + 1) / (2 * B)) * np.sqrt(2.0 / B)
    basis[0] /= np.sqrt(2.0)
    return logmel @ basis.T


def deltas(c: np.ndarray, width: int = 2) -> np.ndarray:
    """Regression deltas over +-width frames (HTK formula), edges repeated."""
    p = np.pad(c, ((width, width), (0, 0)), mode="edge")
    num = sum(k * (p[width + k: len(c) + width + k] - p[width - k: len(c) + width - k]) for k in range(1, width + 1))
    return num / (2 * sum(k * k for k in range(1, width + 1)))


ACOUSTIC_NAMES: list[str] = []


def acoustic_features(x: np.ndarray, rate: int = RATE) -> np.ndarray:
    """Clip-level acoustic descriptors (F0 contour, voicing, energy dynamics, MFCC + deltas); see ACOUSTIC_NAMES."""
    from infantcry_ref import yamnet_frontend as fe

    f0, strength, rms_db, voiced = f0_track(x, rate)
    feats = {}
    st = 12 * np.log2(f0[voiced] / 440.0) if voiced.any() else np.zeros(1)
    feats["f0_mean_st"] = st.mean()
    feats["f0_std_st"] = st.std()
    feats["f0_p10_st"], feats["f0_p50_st"], feats["f0_p90_st"] = np.percentile(st, [10, 50, 90])
    dst = np.diff(12 * np.log2(np.where(voiced, f0, np.nan) / 440.0))
    dst = dst[~np.isnan(dst)]
    feats["f0_abs_slope_st_per_frame"] = np.abs(dst).mean() if len(dst) else 0.0
    feats["f0_jitter_rate"] = (np.abs(dst) > 1.0).mean() if len(dst) else 0.0
    t = np.flatnonzero(voiced)
    feats["f0_trend_st_per_s"] = np.polyfit(t * HOP / rate, st, 1)[0] if len(t) > 2 else 0.0
    feats["voiced_fraction"] = voiced.mean()
    runs = _runs(voiced)
    dur = len(voiced) * HOP / rate
    feats["voiced_segments_per_s"] = len(runs) / dur
    feats["voiced_segment_mean_s"] = runs.mean() * HOP / rate if len(runs) else 0.0
    feats["voiced_segment_max_s"] = runs.max() * HOP / rate if len(runs) else 0.0
    feats["voicing_strength_mean"] = strength.mean()
    e = rms_db - rms_db.max()
    feats["energy_std_db"] = e.std()
    feats["energy_p10_db"], feats["energy_p50_db"] = np.percentile(e, [10, 50])
    feats["energy_abs_delta_db"] = np.abs(np.diff(rms_db)).mean()
    active = e > -20.0
    bursts = _runs(active)
    feats["active_fraction"] = active.mean()
    feats["bursts_per_s"] = len(bursts) / dur
    feats["pause_mean_s"] = _runs(~active).mean() * HOP / rate if (~active).any() else 0.0
    lm = np.asarray(fe.log_mel(np.asarray(x, np.float64)))  # [T, 64] YAMNet log-mel frames (25 ms / 10 ms)
    mf = mfcc_from_logmel(lm)
    d1 = deltas(mf)
    d2 = deltas(d1)
    for i in range(N_MFCC):
        feats[f"mfcc{i}_mean"] = mf[:, i].mean()
        feats[f"mfcc{i}_std"] = mf[:, i].std()
        feats[f"mfcc{i}_d_std"] = d1[:, i].std()
        feats[f"mfcc{i}_dd_std"] = d2[:, i].std()
    p = np.exp(lm)
    centroid = (p * np.arange(lm.shape[1])).sum(1) / np.maximum(p.sum(1), 1e-12)
    feats["mel_centroid_mean"], feats["mel_centroid_std"] = centroid.mean(), centroid.std()
    if not ACOUSTIC_NAMES:
        ACOUSTIC_NAMES.extend(feats.keys())
    return np.array([feats[k] for k in ACOUSTIC_NAMES], np.float64)


ACOUSTIC_VERSION = 2   # bump when acoustic_features changes (part of the cache key)


def acoustic_corpus(waves, names, cache_dir: str | None = None) -> np.ndarray:
    key = hashlib.sha256(("\n".join(names) + f"v{ACOUSTIC_VERSION}").encode()).hexdigest()[:16]
    cache = os.path.join(cache_dir, f"acoustic-{key}.npz") if cache_dir else None
    if cache and os.path.exists(cache):
        with np.load(cache) as z:
            if not ACOUSTIC_NAMES:
                ACOUSTIC_NAMES.extend(z["names"].tolist())
            return z["X"]
    X = np.stack([acoustic_features(w) for w in waves])
    if cache:
        os.makedirs(cache_dir, exist_ok=True)
        np.savez(cache + ".tmp.npz", X=X, names=np.array(ACOUSTIC_NAMES))
        os.replace(cache + ".tmp.npz", cache)
    return X


YAMNET_SETUP_EMBEDDINGS = os.path.join("models", "yamnet_embeddings", "donateacry.npz")
CACHE_CHECK_TOLERANCE = 1e-4   # float32 YAMNet run twice on the same patches: only summation-order noise (~1e-6)


def yamnet_corpus(source: YamnetSource, waves, clips, artifacts: str, cache_dir: str | None, log=print):
    """YAMNet patch embeddings of the corpus: from 20-yamnet.sh's donateacry.npz when it covers every clip (two clips
    re-embedded here must agree within CACHE_CHECK_TOLERANCE), else computed here (and cached)."""
    path = os.path.join(artifacts, YAMNET_SETUP_EMBEDDINGS)
    if os.path.exists(path):
        with np.load(path) as z:
            files = [str(f).replace("\\", "/") for f in z["files"]]
            off = z["patch_offsets"]
            pe = z["patch_embeddings"]
        where = {f: i for i, f in enumerate(files)}
        from . import LABELS

        keys = [f"{LABELS[c.label]}/{c.name}" for c in clips]
        if all(k in where for k in keys):
            embs = [pe[off[where[k]]:off[where[k] + 1]] for k in keys]
            worst = 0.0
            for i in (0, len(clips) - 1):
                fresh = source.embed(waves[i])
                if fresh.shape != embs[i].shape:
                    worst = float("inf")
                    break
                worst = max(worst, float(np.abs(fresh - embs[i]).max()))
            if worst <= CACHE_CHECK_TOLERANCE:
                log(f"YAMNet embeddings from {path} (check: max |diff| {worst:.2e} on 2 clips)")
                return embs
            log(f"{path} disagrees with a fresh embedding (max |diff| {worst}); recomputing")
        else:
            log(f"{path} does not cover every clip; recomputing")
    return embed_corpus(source, waves, [c.name for c in clips], cache_dir)
