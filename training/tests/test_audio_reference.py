"""Checks the float64 numpy references (training/infantcry_ref) against YAMNet's published facts and analytic signals."""
import os
import sys
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from infantcry_ref import resample as rs  # noqa: E402
from infantcry_ref import yamnet_frontend as yf  # noqa: E402


class PadWaveformTests(unittest.TestCase):
    def test_lengths_follow_yamnet(self):
        # (input samples, padded samples, patches) from features.pad_waveform: >= 15600, then whole 7680-sample hops.
        for n, padded, count in [(0, 15600, 1), (15600, 15600, 1), (15601, 23280, 2), (23280, 23280, 2),
                                 (23281, 30960, 3), (112000, 115440, 14)]:
            x = yf.pad_waveform(np.ones(n))
            self.assertEqual(x.shape[0], padded)
            self.assertTrue(np.all(x[:n] == 1.0) and np.all(x[n:] == 0.0))
            self.assertEqual(yf.waveform_to_patches(np.zeros(n))[1].shape, (count, 96, 64))


class MelMatrixTests(unittest.TestCase):
    def test_shape_dc_and_peaks(self):
        m = yf.mel_matrix()
        self.assertEqual(m.shape, (257, 64))
        self.assertTrue(np.all(m[0] == 0.0))  # HTK: the DC bin never contributes
        self.assertTrue(np.all(m >= 0.0) and np.all(m <= 1.0))
        self.assertTrue(np.all(m.sum(axis=0) > 0.0))  # every band sees at least one bin

    def test_band_edges_are_linear_in_htk_mel(self):
        edges = np.linspace(yf.hz_to_mel(125.0), yf.hz_to_mel(7500.0), 66)
        self.assertAlmostEqual(float(yf.hz_to_mel(700.0)), 1127.0 * np.log(2.0), places=12)
        # A bin exactly at a band centre would have weight 1; the largest weight of each band is below 1 and > 0.
        self.assertEqual(edges.shape[0], 66)


class LogMelTests(unittest.TestCase):
    def test_tone_peaks_in_its_band_and_silence_is_log_offset(self):
        x = rs.tone(16000, 1.0, 1000.0)
        lm = yf.log_mel(x)
        self.assertEqual(lm.shape, (98, 64))
        centres = 700.0 * np.expm1(np.linspace(yf.hz_to_mel(125.0), yf.hz_to_mel(7500.0), 66)[1:-1] / 1127.0)
        self.assertLess(abs(centres[int(np.argmax(lm[50]))] - 1000.0), 60.0)
        self.assertTrue(np.all(yf.log_mel(np.zeros(16000)) == np.log(0.001)))

    def test_stft_matches_direct_dft(self):
        rng = np.random.default_rng(0)
        x = rng.standard_normal(400)
        k = np.arange(257)[:, None] * np.arange(400)[None, :]
        direct = np.abs(np.exp(-2j * np.pi * k / 512) @ (x * yf.periodic_hann()))
        np.testing.assert_allclose(yf.stft_magnitude(x)[0], direct, rtol=0, atol=1e-10)


class ResampleReferenceTests(unittest.TestCase):
    # float64 reference with a 126 dB design: the error against the analytic target is the filter's own
    # passband ripple (~1e-6 relative) plus truncation, so SNR stays above 120 dB away from the clip edges.
    MIN_SNR_DB = 120.0

    def test_tones_and_multitones_match_analytic_targets(self):
        for fr, to in [(8000, 16000), (44100, 16000), (16000, 11025)]:
            top = 0.9 * min(fr, to) / 2.0
            for sig in (lambda r: rs.tone(r, 0.3, 0.7 * top), lambda r: rs.multitone(r, 0.3, top)):
                y = rs.resample(sig(fr), fr, to)
                target = sig(to)
                n = min(len(y), len(target))
                edge = int(0.05 * to)  # the zero extension outside the clip disturbs ~H input samples at each end
                self.assertGreater(rs.snr_db(y[edge:n - edge], target[edge:n - edge]), self.MIN_SNR_DB)


if __name__ == "__main__":
    unittest.main()
