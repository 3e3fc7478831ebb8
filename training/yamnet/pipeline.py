"""Waveform -> YAMNet scores with the float64 reference frontend (infantcry_ref) or the TF Lite int8 frontend."""
from __future__ import annotations

from typing import Tuple

import numpy as np
import torch

from infantcry_ref import yamnet_frontend as ref
from infantcry_ref.resample_fast import resample_fast

from .model import Yamnet
from .tflite_frontend import FrontendConstants, log_mel as tflite_log_mel

SAMPLE_RATE = ref.SAMPLE_RATE


def patches_float64(x16k: np.ndarray) -> np.ndarray:
    """[N, 96, 64] patches from the exact float64 frontend (YAMNet's pad_waveform, log-mel, patch framing)."""
    return ref.waveform_to_patches(x16k)[1]


def patches_tflite(consts: FrontendConstants, x16k: np.ndarray, hybrid: bool = False) -> np.ndarray:
    """[N, 96, 64] patches from the TF Lite graph's int8 frontend (same padding and patch framing)."""
    return ref.patches(tflite_log_mel(consts, ref.pad_waveform(x16k), hybrid=hybrid))


def to_16k(x: np.ndarray, rate: int) -> np.ndarray:
    """Band-limited resampling with the reference resampler (identity at 16 kHz); evaluated per phase
    (infantcry_ref.resample_fast: the same sums as infantcry_ref.resample, far faster)."""
    return np.asarray(x, dtype=np.float64) if rate == SAMPLE_RATE else resample_fast(x, rate, SAMPLE_RATE)


@torch.no_grad()
def run_patches(net: Yamnet, patches: np.ndarray, batch: int = 64) -> Tuple[np.ndarray, np.ndarray]:
    """(embeddings [N, 1024], scores [N, 521]) float32 from float32 patches."""
    embs, scores = [], []
    p = torch.from_numpy(np.ascontiguousarray(patches, dtype=np.float32))
    for s in range(0, p.shape[0], batch):
        e, sc = net(p[s:s + batch])
        embs.append(e.numpy())
        scores.append(sc.numpy())
    if not embs:
        return np.zeros((0, 1024), np.float32), np.zeros((0, 521), np.float32)
    return np.concatenate(embs), np.concatenate(scores)


def clip_scores(net: Yamnet, x16k: np.ndarray) -> np.ndarray:
    """Clip score: the mean of the per-patch scores over 0.975 s windows at 0.48 s hop."""
    return run_patches(net, patches_float64(x16k))[1].mean(axis=0)
