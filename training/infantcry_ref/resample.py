"""Float64 reference resampler and analytic test signals.

The reference evaluates, for every output sample n, the band-limited interpolation
    y[n] = sum_i x[i] * g(t_n - i),   t_n = n * from_rate / to_rate   (in input samples, exact rational)
with g a Kaiser-windowed sinc in input-sample units. It is deliberately a direct (non-polyphase) float64
formulation, independent of the C# polyphase tables, so that golden files check the C# indexing, phase tables,
streaming and float32 arithmetic.

design() is the filter specification shared by both implementations (written independently in each):
  lower Nyquist  N  = min(from, to) / 2
  passband edge  fp = passband * N   (default 0.9: ripple <= 0.01 dB up to 0.9 N)
  stopband edge  fs = stopband * N   (default 1.0: nothing above N survives, so nothing aliases)
  cutoff         fc = (fp + fs) / 2
  Kaiser: beta = 0.1102 (A - 8.7), taps span 2H input samples with 2H >= (A - 7.95) / (14.36 * (fs - fp) / from)
Analytic generators return exact samples of band-limited signals at any rate, the targets for resampled output.
"""
import math
import numpy as np


def design(from_rate, to_rate, attenuation_db=120.0, passband=0.9, stopband=1.0, margin_db=6.0):
    """Returns (half_width_h, beta, cutoff_hz). The Kaiser formulas are designed for attenuation + margin."""
    nyq = min(from_rate, to_rate) / 2.0
    fp, fs = passband * nyq, stopband * nyq
    a = attenuation_db + margin_db
    beta = 0.1102 * (a - 8.7)
    width = (fs - fp) / from_rate
    h = int(math.ceil((a - 7.95) / (14.36 * width) / 2.0))
    return h, beta, 0.5 * (fp + fs)


def kernel(tau, h, beta, cutoff_hz, from_rate):
    """g(tau): Kaiser-windowed sinc with unit DC gain, tau in input samples, zero for |tau| > h."""
    tau = np.asarray(tau, dtype=np.float64)
    r = 2.0 * cutoff_hz / from_rate
    x = np.clip(tau / h, -1.0, 1.0)
    w = np.i0(beta * np.sqrt(1.0 - x * x)) / np.i0(beta)
    g = r * np.sinc(r * tau) * w
    return np.where(np.abs(tau) <= h, g, 0.0)


def output_length(n, from_rate, to_rate):
    """ceil(n * to / from): the number of output samples whose times lie inside the input."""
    g = math.gcd(from_rate, to_rate)
    l, m = to_rate // g, from_rate // g
    return (n * l + m - 1) // m


def resample(x, from_rate, to_rate, attenuation_db=120.0, passband=0.9, stopband=1.0, margin_db=6.0, block=512):
    """Float64 band-limited resampling of x (zeros outside it); output time n is n * from / to input samples."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    if from_rate == to_rate:
        return x.copy()
    h, beta, fc = design(from_rate, to_rate, attenuation_db, passband, stopband, margin_db)
    g = math.gcd(from_rate, to_rate)
    l, m = to_rate // g, from_rate // g
    n_out = output_length(x.shape[0], from_rate, to_rate)
    padded = np.concatenate([np.zeros(h + 1), x, np.zeros(h + 2)])
    y = np.zeros(n_out)
    offsets = np.arange(-h, h + 2)
    for s in range(0, n_out, block):
        n = np.arange(s, min(n_out, s + block))
        q = (n * m) // l                      # exact integer part of t_n
        frac = ((n * m) % l) / l              # exact fractional part
        idx = q[:, None] + offsets[None, :]
        taps = kernel(frac[:, None] - offsets[None, :], h, beta, fc, from_rate)
        y[n - 0] = np.sum(padded[idx + h + 1] * taps, axis=1)
    return y


# ---- analytic, band-limited signals at any rate ----

def tone(rate, seconds, freq, amplitude=0.5, phase=0.0):
    t = np.arange(int(round(rate * seconds))) / rate
    return amplitude * np.sin(2.0 * np.pi * freq * t + phase)


def chirp(rate, seconds, f0, f1, amplitude=0.5):
    """Linear sweep f0 -> f1 Hz: phase 2 pi (f0 t + (f1 - f0) t^2 / (2 T))."""
    t = np.arange(int(round(rate * seconds))) / rate
    return amplitude * np.sin(2.0 * np.pi * (f0 * t + (f1 - f0) * t * t / (2.0 * seconds)))


def multitone(rate, seconds, max_hz, count=40, amplitude=0.5, seed=1):
    """Noise-like sum of `count` sinusoids with random frequencies below max_hz and random phases."""
    rng = np.random.default_rng(seed)
    freqs = rng.uniform(20.0, max_hz, count)
    phases = rng.uniform(0.0, 2.0 * np.pi, count)
    t = np.arange(int(round(rate * seconds))) / rate
    y = np.sum(np.sin(2.0 * np.pi * freqs[:, None] * t[None, :] + phases[:, None]), axis=0)
    return amplitude * y / math.sqrt(count / 2.0) / 4.0


def white_noise(rate, seconds, amplitude=0.25, seed=2):
    rng = np.random.default_rng(seed)
    return amplitude * rng.standard_normal(int(round(rate * seconds)))


def impulses(rate, seconds, every_seconds=0.25, amplitude=0.9):
    x = np.zeros(int(round(rate * seconds)))
    x[:: max(1, int(round(rate * every_seconds)))] = amplitude
    return x


def snr_db(actual, target):
    actual, target = np.asarray(actual, np.float64), np.asarray(target, np.float64)
    err = np.sum((actual - target) ** 2)
    return float("inf") if err == 0 else 10.0 * math.log10(np.sum(target ** 2) / err)
