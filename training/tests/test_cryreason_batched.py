"""The batched CNN trainer (cryreason.batched) trains each of its models exactly as models.fit_torch would.

With dropout off, the same initial weights and the same minibatch order, model p of one batched run must end where a
serial fit_torch run on label set p ends (only float summation order differs). With dropout on, it must still learn:
a separable synthetic problem is fitted by every model, and a shuffled label set is not.
"""
import copy
import unittest

import numpy as np
import torch
from torch import nn

import _cryreason_path  # noqa: F401
from cryreason import batched as B
from cryreason.models import CryHead, WaveformCNN, fit_torch

# float32 training of 4 epochs: only summation order differs (one wide or grouped convolution instead of one per
# model), which Adam's normalised steps can amplify; measured max |diff| in probability 6e-8 (CryHead), 3e-8 (waveform)
PARITY_TOLERANCE = 1e-4


def no_dropout(m: nn.Module) -> nn.Module:
    for mod in m.modules():
        if isinstance(mod, nn.Dropout):
            mod.p = 0.0
    return m


def data(n=40, t=14, d=24, seed=0, signal=1.0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 5, n)
    centres = signal * rng.normal(size=(5, d))
    X = centres[y][:, None, :] + 0.5 * rng.normal(size=(n, t, d))
    return X.astype(np.float32), y


class BatchedParityTests(unittest.TestCase):
    def check(self, make, X, y, weighting):
        rng = np.random.default_rng(1)
        Y = np.stack([y, rng.permutation(y), rng.permutation(y)])
        torch.manual_seed(5)
        templates = [no_dropout(make()) for _ in Y]
        initial = [copy.deepcopy(t) for t in templates]
        predict = B.fit_batched(templates, X, Y, epochs=4, batch=8, seed=3, weighting=weighting)
        got = predict(X)
        worst = 0.0
        for p in range(len(Y)):
            _, _, serial, _ = fit_torch(initial[p], X, Y[p], epochs=4, batch=8, seed=3, weighting=weighting)
            worst = max(worst, float(np.abs(got[p] - serial(X)).max()))
        print(f"[batched parity {make.__name__ if hasattr(make, '__name__') else make}, {weighting}] max |diff| {worst:.2e}")
        self.assertLess(worst, PARITY_TOLERANCE)
        # the label sets differ, so the models must too (a broadcasting slip would make them equal)
        self.assertGreater(float(np.abs(got[0] - got[1]).max()), 1e-3)

    def test_study_head_matches_serial_training(self):
        X, y = data()
        for weighting in ("none", "class"):
            self.check(lambda: CryHead(24, 14, filters=6, hidden=8), X, y, weighting)

    def test_balanced_sampling_matches_serial_training(self):
        # per-model draws: model p's draws equal a serial run's only when it is the only model (one rng stream)
        X, y = data()
        torch.manual_seed(6)
        model = no_dropout(CryHead(24, 14, filters=6, hidden=8))
        initial = copy.deepcopy(model)
        got = B.fit_batched([model], X, y[None], epochs=4, batch=8, seed=3, weighting="balanced")(X)[0]
        _, _, serial, _ = fit_torch(initial, X, y, epochs=4, batch=8, seed=3, weighting="balanced")
        worst = float(np.abs(got - serial(X)).max())
        print(f"[batched parity, balanced] max |diff| {worst:.2e}")
        self.assertLess(worst, PARITY_TOLERANCE)

    def test_waveform_cnn_matches_serial_training(self):
        rng = np.random.default_rng(2)
        y = rng.integers(0, 5, 24)
        X = (np.sin(np.arange(4000)[None, :] * (0.01 + 0.02 * y[:, None])) + 0.1 * rng.normal(size=(24, 4000)))
        self.check(lambda: WaveformCNN(4000, filters=4, hidden=8), X.astype(np.float32), y, "none")


class BatchedLearningTests(unittest.TestCase):
    def test_true_labels_are_learned_and_shuffled_ones_are_not(self):
        X, y = data(n=200, seed=4, signal=2.0)
        Xtr, ytr, Xte, yte = X[:100], y[:100], X[100:], y[100:]
        rng = np.random.default_rng(0)
        for weighting in ("none", "balanced"):
            Y = np.stack([ytr] + [rng.permutation(ytr) for _ in range(3)])
            torch.manual_seed(0)
            predict = B.fit_batched([CryHead(24, 14, filters=8, hidden=16) for _ in Y], Xtr, Y, epochs=40,
                                    batch=16, seed=0, weighting=weighting)
            acc = (predict(Xte).argmax(2) == yte).mean(1)
            print(f"[batched learning, {weighting}] test accuracy true {acc[0]:.2f}, shuffled {np.round(acc[1:], 2)}")
            self.assertGreater(acc[0], 0.9)            # 5 well-separated classes
            self.assertTrue(np.all(acc[1:] < 0.6))     # chance is about 0.2


if __name__ == "__main__":
    unittest.main()
