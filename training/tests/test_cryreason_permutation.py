"""Permutation test: a synthetic grouped dataset with real signal gives a small p; shuffled labels give a large p."""
import time
import unittest

import numpy as np

import _cryreason_path  # noqa: F401
from cryreason import evaluate as E
from cryreason import splits

N_PERM = 200


def grouped_dataset(signal: float, seed: int):
    """150 clips in 50 groups of 3, 5 imbalanced classes; features = class mean * signal + group offset + noise."""
    rng = np.random.default_rng(seed)
    group_label = rng.choice(5, 50, p=[0.5, 0.2, 0.1, 0.1, 0.1])
    groups = np.repeat(np.arange(50), 3)
    y = group_label[groups]
    centres = rng.normal(size=(5, 8))
    X = signal * centres[y] + 0.5 * rng.normal(size=(50, 8))[groups] + rng.normal(size=(150, 8))
    return X, y, groups.astype(str)


def run(X, y, groups, seed=0):
    folds = splits.stratified_group_kfold(y, groups, 5, seed)
    spec = E.LinearSpec("lin", ("x",), l2=1.0, balanced=True)
    runs = E.cv_linear({"x": X}, None, spec, y, folds, n_perm=N_PERM, seed=seed)
    f1, auc = E.null_scores(y, [runs])
    return E.permutation_p(f1[0], f1[1:]), E.permutation_p(auc[0], auc[1:]), f1[0], auc[0]


class PermutationTests(unittest.TestCase):
    def test_real_signal_gives_small_p(self):
        X, y, g = grouped_dataset(signal=1.0, seed=0)
        t = time.perf_counter()
        p_f1, p_auc, f1, auc = run(X, y, g)
        print(f"[signal] macro-F1 {f1:.3f} p={p_f1:.4f}; AUC {auc:.3f} p={p_auc:.4f} ({time.perf_counter() - t:.1f} s)")
        # with strong signal no permutation should reach the observed score: p = 1/(N_PERM+1)
        self.assertLess(p_f1, 0.01)
        self.assertLess(p_auc, 0.01)

    def test_shuffled_labels_give_large_p(self):
        X, y, g = grouped_dataset(signal=1.0, seed=1)
        rng = np.random.default_rng(5)
        # shuffle whole groups' labels so that no feature-label link survives
        uniq = np.unique(g)
        lab = {k: y[g == k][0] for k in uniq}
        perm = dict(zip(uniq, rng.permutation([lab[k] for k in uniq])))
        y_null = np.array([perm[k] for k in g])
        p_f1, p_auc, f1, auc = run(X, y_null, g)
        print(f"[null] macro-F1 {f1:.3f} p={p_f1:.4f}; AUC {auc:.3f} p={p_auc:.4f}")
        # under the null p is uniform; this fixed seed is a draw, but p < 0.05 would be a 1-in-20 false alarm and
        # the assertion documents that the test machinery does not manufacture significance
        self.assertGreater(p_f1, 0.05)
        self.assertGreater(p_auc, 0.05)

    def test_p_value_formula(self):
        self.assertAlmostEqual(E.permutation_p(0.5, np.array([0.1, 0.6, 0.5, 0.2])), 3 / 5)
        self.assertAlmostEqual(E.permutation_p(0.9, np.zeros(199)), 1 / 200)

    def test_label_sets_shuffle_only_inside_the_training_fold(self):
        y = np.arange(20) % 5
        tr = np.arange(10)
        Y = E.permuted_label_sets(y, tr, 30, np.random.default_rng(0))
        self.assertEqual(Y.shape, (31, 10))
        np.testing.assert_array_equal(Y[0], y[tr])
        for row in Y[1:]:
            np.testing.assert_array_equal(np.sort(row), np.sort(y[tr]))


if __name__ == "__main__":
    unittest.main()
