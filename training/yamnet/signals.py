"""Deterministic synthetic inputs for the import's check files and behaviour tests (16 kHz, float64)."""
from __future__ import annotations

import numpy as np

from infantcry_ref.resample import chirp

SAMPLE_RATE = 16000
CHIRP_NOISE_SEED = 20260421
CHECK_PATCHES_SEED = 4


def chirp_plus_noise(seconds: float = 3.0, noise_sigma: float = 0.1) -> np.ndarray:
    """A 50 Hz -> 7.9 kHz linear chirp (amplitude 0.5) plus white noise (default sigma 0.1, fixed seed): sweeps
    every mel band. The noise floor matters for the int8-vs-float64 frontend comparison: the int8 DFT matrices
    leak about -55 dB of the chirp's peak into every bin, which is invisible above a sigma 0.1 floor but
    dominates the quiet bins of a sigma 0.01 floor (see the report in import_yamnet's frontend check)."""
    rng = np.random.default_rng(CHIRP_NOISE_SEED)
    x = chirp(SAMPLE_RATE, seconds, 50.0, 7900.0, amplitude=0.5)
    return x + noise_sigma * rng.standard_normal(x.size)


def sine(freq_hz: float = 1000.0, seconds: float = 3.0, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(round(SAMPLE_RATE * seconds))) / SAMPLE_RATE
    return amplitude * np.sin(2.0 * np.pi * freq_hz * t)


def white_noise(sigma: float = 0.1, seconds: float = 3.0, seed: int = 7) -> np.ndarray:
    return sigma * np.random.default_rng(seed).standard_normal(int(round(SAMPLE_RATE * seconds)))


def silence(seconds: float = 3.0) -> np.ndarray:
    return np.zeros(int(round(SAMPLE_RATE * seconds)))
