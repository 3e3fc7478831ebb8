"""Reads the donateacry clips (RIFF/WAVE, PCM16 mono) with the standard library."""
from __future__ import annotations

import wave
from pathlib import Path
from typing import Tuple

import numpy as np


def read_pcm16_mono(path: Path) -> Tuple[np.ndarray, int]:
    """(samples in [-1, 1) as float64, sample rate). Only 16-bit mono PCM, which is what the corpus holds."""
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1 or w.getcomptype() != "NONE":
            raise ValueError(f"{path}: expected 16-bit mono PCM, got {w.getnchannels()} ch x "
                             f"{8 * w.getsampwidth()} bit {w.getcomptype()}")
        rate = w.getframerate()
        data = w.readframes(w.getnframes())
    return np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768.0, rate
