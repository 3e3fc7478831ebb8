"""Fast evaluation of the reference resampler (infantcry_ref.resample.resample), same sums in another order.

The reference evaluates the Kaiser-sinc kernel afresh for every output sample. For a rational ratio L/M the output
times t_n = n M / L have only L distinct fractional parts, so the kernel takes only L phases: this builds those L tap
vectors with the reference's own design() and kernel() and applies them as correlations. Same taps, same zero
extension; only the float64 summation order differs (tests check agreement to 1e-12). About 40-500x faster.
"""
import math

import numpy as np

from .resample import design, kernel, output_length


def resample_fast(x, from_rate, to_rate, attenuation_db=120.0, passband=0.9, stopband=1.0, margin_db=6.0):
    """resample(x, from_rate, to_rate, ...) evaluated per phase."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if from_rate == to_rate:
        return x.copy()
    h, beta, fc = design(from_rate, to_rate, attenuation_db, passband, stopband, margin_db)
    g = math.gcd(from_rate, to_rate)
    l, m = to_rate // g, from_rate // g
    n_out = output_length(x.shape[0], from_rate, to_rate)
    padded = np.concatenate([np.zeros(h + 1), x, np.zeros(h + 2)])
    offsets = np.arange(-h, h + 2)
    n = np.arange(n_out)
    q, r = (n * m) // l, (n * m) % l
    y = np.zeros(n_out)
    for phase in range(l):
        sel = r == phase
        if not sel.any():
            continue
        taps = kernel(phase / l - offsets, h, beta, fc, from_rate)
        corr = np.correlate(padded, taps, mode="valid")     # corr[j] = sum_i padded[j + i] * taps[i]
        y[sel] = corr[q[sel] + 1]
    return y
