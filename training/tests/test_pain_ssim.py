"""SSIM loss (Gaussian 11x11, sigma 1.5, K1 0.01, K2 0.03, L 1, valid region)."""
import unittest

import numpy as np
import torch

import _pain_path  # noqa: F401
from pain import ssim as S

# float64 torch vs float64 loop reference: only summation order differs.
REF_TOL = 1e-10


class SsimTests(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(0)
        self.a = rng.random((2, 1, 24, 30))
        self.b = np.clip(self.a + 0.2 * rng.standard_normal(self.a.shape), 0, 1)

    def test_identical_images_give_one_and_zero_loss(self):
        x = torch.tensor(self.a)
        self.assertTrue(torch.allclose(S.ssim(x, x), torch.ones(2, dtype=torch.float64), atol=1e-12))
        self.assertAlmostEqual(float(S.ssim_loss(x, x)), 0.0, delta=1e-12)

    def test_matches_direct_reference_and_is_symmetric(self):
        x, y = torch.tensor(self.a), torch.tensor(self.b)
        got = S.ssim(x, y).numpy()
        for i in range(2):
            self.assertAlmostEqual(got[i], S.ssim_reference(self.a[i, 0], self.b[i, 0]), delta=REF_TOL)
        np.testing.assert_allclose(S.ssim(y, x).numpy(), got, atol=REF_TOL)

    def test_valid_region_shape(self):
        m = S.ssim_map(torch.rand(1, 1, 64, 64), torch.rand(1, 1, 64, 64))
        self.assertEqual(tuple(m.shape), (1, 1, 54, 54))

    def test_more_noise_lowers_ssim_and_values_are_bounded(self):
        rng = np.random.default_rng(1)
        x = torch.tensor(rng.random((1, 1, 40, 40)))
        prev = 1.0
        for sigma in (0.02, 0.1, 0.3):
            y = torch.clamp(x + sigma * torch.tensor(rng.standard_normal(x.shape)), 0, 1)
            v = float(S.ssim(x, y))
            self.assertLess(v, prev)
            self.assertGreaterEqual(v, -1.0)
            prev = v

    def test_window_is_normalised_gaussian(self):
        g = S.gaussian_1d()
        self.assertEqual(len(g), 11)
        self.assertAlmostEqual(g.sum(), 1.0, delta=1e-15)
        self.assertAlmostEqual(g[5] / g[6], np.exp(1 / (2 * 1.5 ** 2)), delta=1e-12)

    def test_gradient_flows(self):
        x = torch.rand(2, 1, 32, 32)
        y = torch.rand(2, 1, 32, 32, requires_grad=True)
        S.ssim_loss(y, x).backward()
        self.assertTrue(torch.isfinite(y.grad).all() and y.grad.abs().sum() > 0)


if __name__ == "__main__":
    unittest.main()
