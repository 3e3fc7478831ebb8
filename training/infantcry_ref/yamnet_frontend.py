"""YAMNet's log-mel frontend in float64 numpy, written from tensorflow/models research/audioset/yamnet
(params.py, features.py) and tf.signal.linear_to_mel_weight_matrix.

Constants (params.py): 16 kHz; STFT window 0.025 s (400 samples), hop 0.010 s (160 samples), FFT length the next
power of two (512, 257 bins), periodic Hann window, magnitude (not power) spectrum; 64 HTK mel bands from 125 to
7500 Hz (mel = 1127 ln(1 + f/700)), 66 edges linear in mel, triangles in the mel domain with peak 1 and no area
normalisation, DC bin weight 0; log(mel + 0.001); patches of 96 frames (0.96 s) with hop 48 (0.48 s), complete
patches only. pad_waveform: at least 0.975 s (15600 samples), then zero-padded at the end to a whole number of
patch hops (7680 samples) after the first patch.

Public names are stable (other tools import them): SAMPLE_RATE, pad_waveform, log_mel, patches,
waveform_to_patches, mel_matrix, periodic_hann.
"""
import numpy as np

SAMPLE_RATE = 16000
WINDOW = 400            # round(16000 * 0.025)
HOP = 160               # round(16000 * 0.010)
FFT_LENGTH = 512        # 2 ** ceil(log2(400))
BINS = FFT_LENGTH // 2 + 1
MEL_BANDS = 64
MEL_MIN_HZ = 125.0
MEL_MAX_HZ = 7500.0
LOG_OFFSET = 0.001
PATCH_FRAMES = 96       # round(0.96 / 0.010)
PATCH_HOP = 48          # round(0.48 / 0.010)
MIN_SAMPLES = 15600     # (0.96 + 0.025 - 0.010) * 16000
PATCH_HOP_SAMPLES = 7680  # 0.48 * 16000


def hz_to_mel(f):
    """HTK mel scale, as tf.signal: 1127 ln(1 + f / 700)."""
    return 1127.0 * np.log1p(np.asarray(f, dtype=np.float64) / 700.0)


def periodic_hann(n=WINDOW):
    """Periodic Hann window (tf.signal.hann_window(periodic=True)): 0.5 - 0.5 cos(2 pi k / n), k = 0..n-1."""
    k = np.arange(n, dtype=np.float64)
    return 0.5 - 0.5 * np.cos(2.0 * np.pi * k / n)


def mel_matrix(num_mel_bins=MEL_BANDS, num_spectrogram_bins=BINS, sample_rate=SAMPLE_RATE,
               lower_edge_hertz=MEL_MIN_HZ, upper_edge_hertz=MEL_MAX_HZ):
    """[num_spectrogram_bins, num_mel_bins] weights, tf.signal.linear_to_mel_weight_matrix in float64."""
    nyquist = sample_rate / 2.0
    linear_frequencies = np.linspace(0.0, nyquist, num_spectrogram_bins)[1:]   # DC bin excluded (weight 0)
    spec_mel = hz_to_mel(linear_frequencies)[:, np.newaxis]
    edges = np.linspace(hz_to_mel(lower_edge_hertz), hz_to_mel(upper_edge_hertz), num_mel_bins + 2)
    lower, center, upper = edges[:-2][np.newaxis, :], edges[1:-1][np.newaxis, :], edges[2:][np.newaxis, :]
    lower_slopes = (spec_mel - lower) / (center - lower)
    upper_slopes = (upper - spec_mel) / (upper - center)
    weights = np.maximum(0.0, np.minimum(lower_slopes, upper_slopes))
    return np.concatenate([np.zeros((1, num_mel_bins)), weights], axis=0)


def pad_waveform(x, sr=SAMPLE_RATE):
    """YAMNet's pad_waveform: at least MIN_SAMPLES, then a whole number of patch hops after the first patch."""
    if sr != SAMPLE_RATE:
        raise ValueError(f"YAMNet's frontend runs at {SAMPLE_RATE} Hz, got {sr}; resample first")
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    n = x.shape[0]
    padding = max(0, MIN_SAMPLES - n)
    n = max(n, MIN_SAMPLES)
    after_first = n - MIN_SAMPLES
    hops = int(np.ceil(after_first / PATCH_HOP_SAMPLES))
    padding += hops * PATCH_HOP_SAMPLES - after_first
    return np.concatenate([x, np.zeros(padding)])


def frame_count(n):
    """Number of complete STFT frames in n samples (no centering, no padding)."""
    return 0 if n < WINDOW else 1 + (n - WINDOW) // HOP


def stft_magnitude(x):
    """|rfft(frame * hann, 512)| for every complete frame: [frames, 257], float64."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    f = frame_count(x.shape[0])
    if f == 0:
        return np.zeros((0, BINS))
    idx = np.arange(WINDOW)[np.newaxis, :] + HOP * np.arange(f)[:, np.newaxis]
    frames = x[idx] * periodic_hann()[np.newaxis, :]
    return np.abs(np.fft.rfft(frames, n=FFT_LENGTH, axis=1))


def log_mel(x):
    """YAMNet log-mel spectrogram of an (unpadded) 16 kHz waveform: [frames, 64], float64."""
    return np.log(stft_magnitude(x) @ mel_matrix() + LOG_OFFSET)


def patches(logmel):
    """Frames a [frames, 64] log-mel into [N, 96, 64] patches with hop 48 (complete patches only)."""
    logmel = np.asarray(logmel)
    f = logmel.shape[0]
    n = 0 if f < PATCH_FRAMES else 1 + (f - PATCH_FRAMES) // PATCH_HOP
    out = np.zeros((n, PATCH_FRAMES, logmel.shape[1]), dtype=logmel.dtype)
    for i in range(n):
        out[i] = logmel[i * PATCH_HOP: i * PATCH_HOP + PATCH_FRAMES]
    return out


def waveform_to_patches(x):
    """pad_waveform, log_mel, patches: what YAMNet feeds its network. Returns (log_mel [frames,64], patches [N,96,64])."""
    lm = log_mel(pad_waveform(x))
    return lm, patches(lm)
