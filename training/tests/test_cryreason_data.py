"""Data: the fast 8 -> 16 kHz path is the reference resampler's arithmetic; WAV reading; sequence padding; features."""
import os
import unittest

import numpy as np

import _cryreason_path as P
from cryreason import data, features
from infantcry_ref import resample as ref

# both paths sum the same float64 products in a different order: only rounding (~1e-16 per term, 168 taps) differs
SAME_SUMS = 1e-12


class ResampleTests(unittest.TestCase):
    def test_matches_reference_resampler_on_noise_and_edges(self):
        rng = np.random.default_rng(0)
        for n in (1, 7, 300, 2001):
            x = rng.uniform(-1, 1, n)
            np.testing.assert_allclose(data.to_16k(x, 8000), ref.resample(x, 8000, 16000), atol=SAME_SUMS, rtol=0)

    def test_matches_reference_on_a_corpus_clip_excerpt(self):
        clips = data.list_clips(P.ASSETS)
        x, rate = data.read_wav(clips[0].path)
        self.assertEqual(rate, 8000)
        x = x[:4000]
        np.testing.assert_allclose(data.to_16k(x, rate), ref.resample(x, rate, 16000), atol=SAME_SUMS, rtol=0)

    def test_16k_input_is_unchanged(self):
        x = np.linspace(-1, 1, 50)
        np.testing.assert_array_equal(data.to_16k(x, 16000), x)


class SequenceTests(unittest.TestCase):
    def test_pad_and_crop_to_14_and_pooling_ignores_padding(self):
        a = np.ones((12, 3), np.float32) * np.arange(12)[:, None]
        b = np.ones((16, 3), np.float32)
        X, mask = features.to_sequences([a, b])
        self.assertEqual(X.shape, (2, 14, 3))
        self.assertEqual(mask.sum(1).tolist(), [12, 14])
        np.testing.assert_array_equal(X[0, 12:], 0)
        pooled = features.pooled(X, mask)
        np.testing.assert_allclose(pooled[0, :3], np.arange(12).mean(), atol=1e-6)
        np.testing.assert_allclose(pooled[0, 3:], np.arange(12).std(), atol=1e-5)


class AcousticFeatureTests(unittest.TestCase):
    def test_f0_of_a_harmonic_tone_and_unvoiced_noise(self):
        t = np.arange(16000) / 16000
        f0 = 450.0    # a typical infant cry fundamental
        x = sum(0.3 / k * np.sin(2 * np.pi * k * f0 * t) for k in range(1, 6))
        track, strength, _, voiced = features.f0_track(x)
        self.assertGreater(voiced.mean(), 0.95)
        # parabolic lag interpolation at 16 kHz (lag ~35.6 samples): well within 1% of F0
        self.assertAlmostEqual(np.nanmedian(track), f0, delta=0.01 * f0)
        noise = np.random.default_rng(0).normal(0, 0.1, 16000)
        self.assertLess(features.f0_track(noise)[3].mean(), 0.2)

    def test_mfcc_dct_is_orthonormal_and_deltas_of_a_ramp(self):
        lm = np.random.default_rng(1).normal(size=(5, 64))
        full = features.mfcc_from_logmel(lm, 64)
        np.testing.assert_allclose(np.linalg.norm(full, axis=1), np.linalg.norm(lm, axis=1), rtol=1e-12)
        ramp = np.arange(20.0)[:, None] * 0.5
        np.testing.assert_allclose(features.deltas(ramp)[2:-2], 0.5, atol=1e-12)


if __name__ == "__main__":
    unittest.main()
