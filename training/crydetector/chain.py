"""A random recording chain and SNR mixing, so that a detector cannot tell cries from non-cries by how they were
recorded (issue 13).

Every training clip goes through ``apply_chain``: acoustic room noise (pink or brown, -70..-40 dBFS), then the
device: a sample rate drawn from 8-48 kHz (soxr resampling), a band limit (low-pass at 0.30-0.48 of that rate, and a
high-pass at 20-300 Hz), a gain of -20..+20 dB with 16-bit clipping, and a lossy codec through ffmpeg (Opus, MP3,
AAC, GSM at 8 kHz, G.711 mu-law at 8 kHz, Vorbis, or 16-bit PCM), decoded back to float mono 16 kHz for YAMNet.
All draws come from a numpy Generator, so a (clip, seed) pair always yields the same chain.

``mix_at_snr`` puts a cry into a background at a given SNR: 10 log10(P_cry / P_bg) with P the mean power over the
cry clip's length (the background is looped or cut to that length).
"""
from __future__ import annotations

import subprocess
from typing import Tuple

import numpy as np

WORK_RATE = 48000          # clips are decoded at this rate before the chain
OUT_RATE = 16000           # YAMNet's rate
RATES = (8000, 11025, 16000, 22050, 32000, 44100, 48000)
SNRS_DB = (20.0, 10.0, 5.0, 0.0)

# name -> (ffmpeg encoder args, container, forced rate or None); bitrates drawn below
CODECS = ("opus", "mp3", "aac", "gsm", "mulaw", "vorbis", "pcm")


def coloured_noise(n: int, colour: str, rng: np.random.Generator) -> np.ndarray:
    """Unit-RMS pink (1/f) or brown (1/f^2) noise by spectral shaping of white Gaussian noise."""
    w = rng.standard_normal(n)
    if colour == "white" or n < 4:
        x = w
    else:
        spec = np.fft.rfft(w)
        f = np.fft.rfftfreq(n)
        f[0] = f[1]
        spec /= np.sqrt(f) if colour == "pink" else f
        x = np.fft.irfft(spec, n)
    return x / (np.sqrt(np.mean(x * x)) + 1e-12)


def draw_chain(rng: np.random.Generator) -> dict:
    codec = str(rng.choice(CODECS))
    rate = int(rng.choice(RATES))
    if codec in ("gsm", "mulaw"):
        rate = 8000                       # telephone codecs only exist at 8 kHz
    if codec == "opus" and rate not in (8000, 16000, 48000):
        rate = int(rng.choice((8000, 16000, 48000)))   # libopus accepts 8/12/16/24/48 kHz
    return {
        "noise_colour": str(rng.choice(("pink", "brown"))),
        "noise_dbfs": float(rng.uniform(-70.0, -40.0)),
        "rate": rate,
        "lowpass_hz": float(rng.uniform(0.30, 0.48) * rate),
        "highpass_hz": float(rng.uniform(20.0, 300.0)),
        "gain_db": float(rng.uniform(-20.0, 20.0)),
        "codec": codec,
        "kbps": int(rng.choice({"opus": (8, 12, 16, 24, 32), "mp3": (32, 48, 64), "aac": (24, 32, 48, 64),
                                "vorbis": (0, 1, 2)}.get(codec, (0,)))),
    }


def _codec_args(c: dict) -> Tuple[list, str]:
    k = f"{c['kbps']}k"
    return {
        "opus": (["-c:a", "libopus", "-b:a", k], "ogg"),
        "mp3": (["-c:a", "libmp3lame", "-b:a", k], "mp3"),
        "aac": (["-c:a", "aac", "-b:a", k], "adts"),
        "gsm": (["-c:a", "libgsm"], "gsm"),
        "mulaw": (["-c:a", "pcm_mulaw"], "wav"),
        "vorbis": (["-c:a", "libvorbis", "-q:a", str(c["kbps"])], "ogg"),   # quality 0-2 (~64-96 kbps at 44.1 kHz)
        "pcm": (["-c:a", "pcm_s16le"], "wav"),
    }[c["codec"]]


def run_chain(x48k: np.ndarray, c: dict, rng: np.random.Generator) -> np.ndarray:
    """Applies the drawn chain ``c`` to a 48 kHz float clip; returns float32 mono at 16 kHz."""
    x = np.asarray(x48k, dtype=np.float64)
    if x.shape[0] == 0:
        return np.zeros(0, np.float32)
    noise = coloured_noise(x.shape[0], c["noise_colour"], rng) * 10 ** (c["noise_dbfs"] / 20)
    x = (x + noise).astype("<f4")
    args, fmt = _codec_args(c)
    filt = (f"aresample={c['rate']}:resampler=soxr:precision=28,highpass=f={c['highpass_hz']:.0f},"
            f"lowpass=f={c['lowpass_hz']:.0f},volume={c['gain_db']:.2f}dB,aformat=sample_fmts=s16")
    enc = ["ffmpeg", "-v", "error", "-nostdin", "-f", "f32le", "-ar", str(WORK_RATE), "-ac", "1", "-i", "-",
           "-af", filt, "-ar", str(c["rate"]), *args, "-f", fmt, "-"]
    coded = subprocess.run(enc, input=x.tobytes(), check=True, capture_output=True).stdout
    # self-describing containers are probed; raw GSM frames need their format, rate and channels
    src = ["-f", "gsm", "-ar", "8000", "-ac", "1"] if fmt == "gsm" else []
    dec = ["ffmpeg", "-v", "error", "-nostdin", *src, "-i", "-", "-ac", "1", "-ar", str(OUT_RATE),
           "-af", "aresample=resampler=soxr:precision=28", "-f", "f32le", "-"]
    out = subprocess.run(dec, input=coded, check=True, capture_output=True).stdout
    y = np.frombuffer(out, dtype="<f4").astype(np.float32)
    n = int(round(x.shape[0] * OUT_RATE / WORK_RATE))
    return y[:n] if y.shape[0] >= n else np.pad(y, (0, n - y.shape[0]))   # codec delay/padding: keep the length


def apply_chain(x48k: np.ndarray, seed: int) -> Tuple[np.ndarray, dict]:
    rng = np.random.default_rng(seed)
    c = draw_chain(rng)
    return run_chain(x48k, c, rng), c


def fit_length(bg: np.ndarray, n: int) -> np.ndarray:
    """The background looped (or cut) to n samples."""
    if bg.shape[0] == 0:
        return np.zeros(n)
    reps = -(-n // bg.shape[0])
    return np.tile(bg, reps)[:n]


def mix_at_snr(cry: np.ndarray, bg: np.ndarray, snr_db: float) -> np.ndarray:
    """cry + g * bg with g set so that 10 log10(P_cry / P(g bg)) = snr_db; then scaled to a 0.5 peak if it clips
    (a real recorder would have set its gain; the chain applies gains afterwards)."""
    cry = np.asarray(cry, dtype=np.float64)
    b = fit_length(np.asarray(bg, dtype=np.float64), cry.shape[0])
    pc, pb = np.mean(cry * cry), np.mean(b * b)
    if pb <= 1e-12:
        return cry.copy()
    g = np.sqrt(pc / (pb * 10 ** (snr_db / 10)))
    y = cry + g * b
    peak = np.max(np.abs(y))
    return y * (0.5 / peak) if peak > 1.0 else y


def snr_db(cry: np.ndarray, mixed: np.ndarray) -> float:
    """The SNR of a mix made by mix_at_snr before any peak scaling (test helper)."""
    noise = mixed - cry
    return float(10 * np.log10(np.mean(cry * cry) / np.mean(noise * noise)))
