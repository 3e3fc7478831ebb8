"""Metric functions against small hand-computed cases, bootstrap behaviour and the chance baselines."""
import unittest

import numpy as np

import _cryreason_path  # noqa: F401
from cryreason import metrics as M

EXACT = 1e-12   # the cases below are ratios of small integers: only float rounding separates them


class ConfusionAndF1Tests(unittest.TestCase):
    def test_hand_computed_three_class_case(self):
        y = [0, 0, 0, 1, 1, 2]
        p = [0, 0, 1, 1, 2, 2]
        cm = M.confusion_matrix(y, p, 3)
        self.assertEqual(cm.tolist(), [[2, 1, 0], [0, 1, 1], [0, 0, 1]])
        prec, rec, f1 = M.per_class_prf(cm)
        # precision: 2/2, 1/2, 1/2; recall: 2/3, 1/2, 1/1
        np.testing.assert_allclose(prec, [1.0, 0.5, 0.5], atol=EXACT)
        np.testing.assert_allclose(rec, [2 / 3, 0.5, 1.0], atol=EXACT)
        np.testing.assert_allclose(f1, [0.8, 0.5, 2 / 3], atol=EXACT)
        proba = np.eye(3)[p]
        m = M.classification_metrics(y, proba)
        self.assertAlmostEqual(m["accuracy"], 4 / 6, delta=EXACT)
        self.assertAlmostEqual(m["macro_f1"], (0.8 + 0.5 + 2 / 3) / 3, delta=EXACT)

    def test_never_predicted_class_has_zero_precision_and_f1(self):
        prec, rec, f1 = M.per_class_prf(M.confusion_matrix([0, 1], [0, 0], 2))
        np.testing.assert_allclose(prec, [0.5, 0.0], atol=EXACT)
        np.testing.assert_allclose(f1, [2 / 3, 0.0], atol=EXACT)


class AucTests(unittest.TestCase):
    def test_binary_auc_hand_case_with_a_tie(self):
        # positives 0.8, 0.4; negatives 0.4, 0.1: pairs (0.8>0.4) (0.8>0.1) (0.4=0.4 -> 1/2) (0.4>0.1) = 3.5/4
        self.assertAlmostEqual(M.binary_auc([1, 1, 0, 0], [0.8, 0.4, 0.4, 0.1]), 0.875, delta=EXACT)

    def test_perfect_reversed_and_constant_scores(self):
        self.assertAlmostEqual(M.binary_auc([0, 0, 1, 1], [1, 2, 3, 4]), 1.0, delta=EXACT)
        self.assertAlmostEqual(M.binary_auc([0, 0, 1, 1], [4, 3, 2, 1]), 0.0, delta=EXACT)
        self.assertAlmostEqual(M.binary_auc([0, 1, 1], [5, 5, 5]), 0.5, delta=EXACT)
        self.assertTrue(np.isnan(M.binary_auc([1, 1], [0.1, 0.2])))

    def test_auc_matches_pairwise_definition_on_random_data(self):
        rng = np.random.default_rng(0)
        y = rng.integers(0, 2, 50)
        s = np.round(rng.random(50), 1)     # rounding makes many ties
        pos, neg = s[y == 1], s[y == 0]
        pairwise = np.mean((pos[:, None] > neg[None]) + 0.5 * (pos[:, None] == neg[None]))
        self.assertAlmostEqual(M.binary_auc(y, s), pairwise, delta=EXACT)

    def test_macro_auc_skips_absent_classes(self):
        y = [0, 0, 1, 1]
        proba = np.array([[0.9, 0.1, 0.0], [0.6, 0.4, 0.0], [0.3, 0.7, 0.0], [0.5, 0.5, 0.0]])
        # class 0: pos 0.9,0.6 vs neg 0.3,0.5 -> 1; class 1 likewise 1; class 2 absent -> skipped
        self.assertAlmostEqual(M.macro_auc(y, proba), 1.0, delta=EXACT)


class BaselineTests(unittest.TestCase):
    def test_always_hungry_on_the_corpus_class_counts(self):
        y = np.array([0] * 382 + [1] * 27 + [2] * 24 + [3] * 16 + [4] * 8)
        proba, pred = M.always_class_predictions(len(y), 5, 0)
        m = M.classification_metrics(y, proba, pred)
        acc = 382 / 457
        f1_hungry = 2 * acc / (acc + 1)          # precision 382/457, recall 1
        self.assertAlmostEqual(m["accuracy"], acc, delta=EXACT)
        self.assertAlmostEqual(m["macro_f1"], f1_hungry / 5, delta=EXACT)   # 0.1822: the "0.18"
        self.assertAlmostEqual(m["macro_recall"], 0.2, delta=EXACT)
        self.assertAlmostEqual(m["macro_auc"], 0.5, delta=EXACT)            # all scores tied
        self.assertEqual(m["per_class_recall"], [1.0, 0.0, 0.0, 0.0, 0.0])

    def test_the_study_baseline_is_always_hungry(self):
        # the study's baseline: accuracy 79/92 = 0.8587 and "F1" 0.1848 = always-hungry's macro-F1 on 79/92
        y = np.array([0] * 79 + [1, 2, 3, 4] * 3 + [1])
        proba, pred = M.always_class_predictions(92, 5, 0)
        m = M.classification_metrics(y, proba, pred)
        self.assertAlmostEqual(m["accuracy"], 0.8587, delta=5e-5)       # 4 decimals, as printed in the study
        self.assertAlmostEqual(m["macro_f1"], 0.1848, delta=5e-5)

    def test_prior_guessing_macro_f1_is_about_the_mean_prior(self):
        y = np.array([0] * 382 + [1] * 27 + [2] * 24 + [3] * 16 + [4] * 8)
        m = M.prior_guess_metrics(y, y, 5, n_draws=200, seed=0)
        # expected per-class F1 ~ prior (precision ~ prevalence, recall ~ prior), so macro-F1 ~ 1/5; 200 draws of 457
        # give a Monte-Carlo sd of the mean well under 0.01
        self.assertAlmostEqual(m["macro_f1"], 0.2, delta=0.02)
        self.assertAlmostEqual(m["macro_auc"], 0.5, delta=EXACT)


class BootstrapTests(unittest.TestCase):
    def test_interval_contains_point_estimate_and_narrows_with_n(self):
        rng = np.random.default_rng(1)

        def width(n):
            y = rng.integers(0, 3, n)
            proba = np.eye(3)[np.where(rng.random(n) < 0.7, y, rng.integers(0, 3, n))] * 0.8 + 0.2 / 3
            ci = M.bootstrap_ci(y, [proba], n_boot=300, seed=0)
            acc = M.classification_metrics(y, proba)["accuracy"]
            self.assertLessEqual(ci["accuracy"][0], acc)
            self.assertGreaterEqual(ci["accuracy"][1], acc)
            return ci["accuracy"][1] - ci["accuracy"][0]

        self.assertGreater(width(60), width(960))

    def test_group_bootstrap_is_wider_when_groups_are_homogeneous(self):
        rng = np.random.default_rng(2)
        groups = np.repeat(np.arange(20), 10)
        correct_by_group = rng.random(20) < 0.5       # whole groups right or wrong: strong clustering
        y = rng.integers(0, 2, 200)
        pred = np.where(correct_by_group[groups], y, 1 - y)
        proba = np.eye(2)[pred]
        w_clip = np.diff(M.bootstrap_ci(y, [proba], n_boot=300, seed=0)["accuracy"])[0]
        w_group = np.diff(M.bootstrap_ci(y, [proba], groups=groups, n_boot=300, seed=0)["accuracy"])[0]
        self.assertGreater(w_group, 2 * w_clip)


if __name__ == "__main__":
    unittest.main()
