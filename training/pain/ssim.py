"""SSIM as in Wang et al. 2004: Gaussian 11x11 window, sigma 1.5, K1 0.01, K2 0.03, dynamic range L = 1
(images in [0,1]).

Border convention: "valid" - the window is only placed where it fits entirely inside the image (no padding),
so a 64x64 image gives a 54x54 SSIM map whose plain mean is the SSIM. The C# SSIM is expected to use the same
convention. The 2-D window is the outer product of the normalised 1-D Gaussian (sum 1).
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

WIN, SIGMA, K1, K2, L = 11, 1.5, 0.01, 0.03, 1.0


def gaussian_1d(size: int = WIN, sigma: float = SIGMA) -> np.ndarray:
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2
    g = np.exp(-x * x / (2 * sigma * sigma))
    return g / g.sum()


def ssim_map(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """x, y: [N,1,H,W] in [0,1] -> SSIM map [N,1,H-10,W-10] (valid region)."""
    if x.shape != y.shape or x.dim() != 4 or x.shape[1] != 1:
        raise ValueError(f"ssim: expected two [N,1,H,W] tensors of one shape, got {tuple(x.shape)} and {tuple(y.shape)}")
    g = torch.as_tensor(gaussian_1d(), dtype=x.dtype, device=x.device)
    n = x.shape[0]
    # the five maps go through one separable (1x11 then 11x1) valid convolution call
    maps = F.conv2d(F.conv2d(torch.cat([x, y, x * x, y * y, x * y]), g.view(1, 1, 1, WIN)), g.view(1, 1, WIN, 1))
    mx, my, exx, eyy, exy = maps.split(n)
    c1, c2 = (K1 * L) ** 2, (K2 * L) ** 2
    sxx = exx - mx * mx
    syy = eyy - my * my
    sxy = exy - mx * my
    return ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))


def ssim(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per-image SSIM [N] (mean of the valid SSIM map)."""
    return ssim_map(x, y).flatten(1).mean(1)


def ssim_loss(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """1 - mean SSIM over the batch."""
    return 1.0 - ssim(x, y).mean()


def ssim_reference(a: np.ndarray, b: np.ndarray) -> float:
    """Direct float64 implementation (explicit 2-D window loops) used to test `ssim`."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    w = np.outer(gaussian_1d(), gaussian_1d())
    c1, c2 = (K1 * L) ** 2, (K2 * L) ** 2
    h, wd = a.shape
    vals = []
    for i in range(h - WIN + 1):
        for j in range(wd - WIN + 1):
            pa, pb = a[i:i + WIN, j:j + WIN], b[i:i + WIN, j:j + WIN]
            ma, mb = (w * pa).sum(), (w * pb).sum()
            va = (w * (pa - ma) ** 2).sum()
            vb = (w * (pb - mb) ** 2).sum()
            cov = (w * (pa - ma) * (pb - mb)).sum()
            vals.append(((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2)))
    return float(np.mean(vals))
