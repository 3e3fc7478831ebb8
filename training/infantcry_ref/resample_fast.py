"""Fast evaluation of the reference resampler for integer upsampling ratios (8 -> 16 kHz, the corpus' case).

For to_rate = L * from_rate the output time t_n = n / L has only L fractional parts, so the reference's
band-limited interpolation y[n] = sum_i x[i] g(t_n - i) is L fixed FIR filters (one per phase) applied by
correlation. Same kernel, same taps, same zero extension as infantcry_ref.resample.resample; only the
summation order differs (tests check agreement to 1e-12).
"""
import numpy as np

from .resample import design, kernel, output_length, resample


def resample_up(x, from_rate, to_rate, attenuation_db=120.0, passband=0.9, stopband=1.0, margin_db=6.0):
    """resample(x, from_rate, to_rate) for to_rate an integer multiple of from_rate; other ratios fall back to it."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if from_rate == to_rate or to_rate % from_rate != 0:
        return resample(x, from_rate, to_rate, attenuation_db, passband, stopband, margin_db)
    up = to_rate // from_rate
    h, beta, fc = design(from_rate, to_rate, attenuation_db, passband, stopband, margin_db)
    offsets = np.arange(-h, h + 2)
    padded = np.concatenate([np.zeros(h), x, np.zeros(h + 2)])
    y = np.empty(x.shape[0] * up)
    for p in range(up):
        taps = kernel(p / up - offsets, h, beta, fc, from_rate)
        y[p::up] = np.correlate(padded, taps, mode="valid")[: x.shape[0]]
    return y[: output_length(x.shape[0], from_rate, to_rate)]
