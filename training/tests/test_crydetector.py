"""Cry detector training pieces: exact fast resampling, grouped folds, AUC, threshold choice, negative set."""
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from infantcry_ref.resample import resample  # noqa: E402
from infantcry_ref.resample_fast import resample_fast  # noqa: E402
from crydetector.train import best_threshold, grouped_folds, roc_auc  # noqa: E402
from crydetector import negatives  # noqa: E402

# The fast path evaluates the same kernel at the same taps; only float64 summation order differs.
SUMMATION_ORDER_TOL = 1e-12


class FastResampleTests(unittest.TestCase):
    def test_equals_reference_for_integer_ratios(self):
        x = np.random.default_rng(3).standard_normal(3001) * 0.3
        for fr, to in [(8000, 16000), (8000, 48000), (16000, 32000), (16000, 8000)]:
            with self.subTest(fr=fr, to=to):
                a, b = resample(x, fr, to), resample_fast(x, fr, to)
                self.assertEqual(a.shape, b.shape)
                self.assertLess(np.max(np.abs(a - b)), SUMMATION_ORDER_TOL)

    def test_rational_ratios(self):
        x = np.random.default_rng(4).standard_normal(500)
        for fr, to in [(44100, 16000), (16000, 11025), (48000, 8000)]:
            with self.subTest(fr=fr, to=to):
                self.assertLess(np.max(np.abs(resample_fast(x, fr, to) - resample(x, fr, to))), SUMMATION_ORDER_TOL)

    def test_short_inputs(self):
        for n in (0, 1, 2, 7):
            x = np.arange(n, dtype=float)
            self.assertLess(np.max(np.abs(resample(x, 8000, 16000) - resample_fast(x, 8000, 16000)), initial=0), SUMMATION_ORDER_TOL)


class FoldTests(unittest.TestCase):
    def test_groups_never_straddle_and_every_fold_has_both_classes(self):
        rng = np.random.default_rng(0)
        groups = np.array([f"g{i}" for i in rng.integers(0, 60, size=400)])
        labels = np.array([1 if int(g[1:]) < 45 else 0 for g in groups])
        for seed in range(3):
            fold = grouped_folds(labels, groups, 5, seed)
            for g in np.unique(groups):
                self.assertEqual(len(set(fold[groups == g])), 1, g)
            for f in range(5):
                self.assertEqual(set(labels[fold == f]), {0, 1})


class MetricTests(unittest.TestCase):
    def test_auc_hand_cases(self):
        y = np.array([1, 1, 0, 0])
        self.assertEqual(roc_auc(y, np.array([0.9, 0.8, 0.1, 0.2])), 1.0)
        self.assertEqual(roc_auc(y, np.array([0.1, 0.2, 0.9, 0.8])), 0.0)
        self.assertEqual(roc_auc(y, np.array([0.5, 0.5, 0.5, 0.5])), 0.5)
        # one of four positive-negative pairs inverted
        self.assertEqual(roc_auc(y, np.array([0.9, 0.3, 0.4, 0.1])), 0.75)

    def test_threshold_separates_separable_scores(self):
        y = np.array([0, 0, 0, 1, 1])
        t = best_threshold(y, np.array([0.1, 0.2, 0.3, 0.7, 0.8]))
        self.assertTrue(0.3 < t <= 0.7)


class NegativeSetTests(unittest.TestCase):
    def test_deterministic_7s_8khz_clips_with_groups(self):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            made_a = negatives.generate(Path(a), clips_per_group=1)
            made_b = negatives.generate(Path(b), clips_per_group=1)
            self.assertEqual(made_a, made_b)
            families = {g.split(":")[0] for _, g in made_a}
            self.assertEqual(families, {"speech", "babble", "noise", "tones", "quiet", "household"})
            for rel, group in made_a[:: max(1, len(made_a) // 10)]:
                xa, xb = negatives.read_wav(Path(a) / rel), negatives.read_wav(Path(b) / rel)
                self.assertEqual(xa.shape[0], negatives.N, rel)
                np.testing.assert_array_equal(xa, xb)
                if group != "quiet:silence":
                    self.assertGreater(np.max(np.abs(xa)), 0.005, rel)


if __name__ == "__main__":
    unittest.main()
