"""Torch heads: the study's Conv1D head over patch embeddings, the raw-waveform baseline CNN, and fast linear heads.

Study head (Keras in the paper; here torch): input [N, 14, D] patch embeddings ->
Conv1D(32, 3, same) + ReLU -> MaxPool(2) -> Dropout(0.25) -> Conv1D(32, 3, same) + ReLU -> MaxPool(2) ->
Dropout(0.25) -> Flatten -> Dense(64) + ReLU -> Dropout(0.5) -> Dense(5) -> softmax. Adam (lr 1e-3), cross-entropy,
20 epochs, batch 32. The study does not give filter counts; 32/32/64 are our choice (kept small: one 20-epoch fold
costs ~60 GMAC at 64 filters, minutes on this shared machine).

Baseline (no transfer learning): the same two Conv1D + MaxPool blocks and Dense head on the raw 16 kHz waveform
(7 s = 112000 samples, zero-padded or cropped). On raw audio the first convolution must be strided to keep the
flattened size sane: Conv1D(16, 80, stride 32) -> MaxPool(4) -> Conv1D(16, 3) -> MaxPool(4) -> Dense(64) -> Dense(5),
with the same dropouts.
"""
from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

N_CLASSES = 5
WAVE_LEN = 7 * 16000


class CryHead(nn.Module):
    """The study's head; forward returns logits, ``probabilities`` applies softmax (the exported graph does)."""

    def __init__(self, in_dim: int = 1024, seq_len: int = 14, filters: int = 32, hidden: int = 64):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(in_dim, filters, 3, padding=1), nn.ReLU(), nn.MaxPool1d(2), nn.Dropout(0.25),
            nn.Conv1d(filters, filters, 3, padding=1), nn.ReLU(), nn.MaxPool1d(2), nn.Dropout(0.25),
        )
        flat = filters * ((seq_len // 2) // 2)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(flat, hidden), nn.ReLU(), nn.Dropout(0.5),
                                        nn.Linear(hidden, N_CLASSES))

    @staticmethod
    def to_channels(x):            # [N, T, D] -> [N, D, T]
        return x.transpose(-2, -1)

    def forward(self, x):          # x: [N, T, D]
        return self.classifier(self.features(self.to_channels(x)))


class WaveformCNN(nn.Module):
    """The baseline: the same two-block CNN on the raw 16 kHz waveform [N, 112000]."""

    def __init__(self, length: int = WAVE_LEN, filters: int = 16, hidden: int = 64):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(1, filters, 80, stride=32), nn.ReLU(), nn.MaxPool1d(4), nn.Dropout(0.25),
            nn.Conv1d(filters, filters, 3), nn.ReLU(), nn.MaxPool1d(4), nn.Dropout(0.25),
        )
        with torch.no_grad():
            flat = self.features(torch.zeros(1, 1, length)).numel()
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(flat, hidden), nn.ReLU(), nn.Dropout(0.5),
                                        nn.Linear(hidden, N_CLASSES))

    @staticmethod
    def to_channels(x):            # [N, L] -> [N, 1, L]
        return x.unsqueeze(-2)

    def forward(self, x):          # x: [N, L]
        return self.classifier(self.features(self.to_channels(x)))


class Softmaxed(nn.Module):
    """Wraps a logits model so that its output is probabilities (for export)."""

    def __init__(self, inner: nn.Module):
        super().__init__()
        self.inner = inner

    def forward(self, x):
        return torch.softmax(self.inner(x), dim=-1)


def class_weights(y: np.ndarray, n_classes: int = N_CLASSES) -> np.ndarray:
    """Balanced weights n / (C * count_c); absent classes get 0."""
    counts = np.bincount(y, minlength=n_classes).astype(float)
    return np.where(counts > 0, len(y) / (n_classes * np.maximum(counts, 1)), 0.0)


def fit_torch(model: nn.Module, X_tr, y_tr, X_va=None, y_va=None, *, epochs=20, batch=32, lr=1e-3, seed=0,
              weighting: str = "none", standardize: bool = False):
    """Trains with Adam and cross-entropy; returns (model, history, predict_fn).

    weighting: "none" (the study), "class" (class-weighted loss) or "balanced" (class-balanced sampling with
    replacement). History holds per epoch the running training loss/accuracy (dropout on, as Keras reports it) and
    the validation loss/accuracy (only for curves: nothing is chosen on it).
    """
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    X_tr = np.asarray(X_tr, np.float32)
    y_tr = np.asarray(y_tr, np.int64)
    mu = sd = None
    if standardize:
        mu = X_tr.reshape(-1, X_tr.shape[-1]).mean(0)
        sd = X_tr.reshape(-1, X_tr.shape[-1]).std(0) + 1e-6

    def prep(X):
        X = np.asarray(X, np.float32)
        return torch.from_numpy((X - mu) / sd if standardize else X)

    Xt, yt = prep(X_tr), torch.from_numpy(y_tr)
    w = torch.tensor(class_weights(y_tr) if weighting == "class" else np.ones(N_CLASSES), dtype=torch.float32)
    loss_fn = nn.CrossEntropyLoss(weight=w)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    hist = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": [], "seconds": 0.0}
    Xv = prep(X_va) if X_va is not None else None
    yv = torch.from_numpy(np.asarray(y_va, np.int64)) if y_va is not None else None
    t0 = time.perf_counter()
    n = len(y_tr)
    if weighting == "balanced":
        p = class_weights(y_tr)[y_tr]
        p = p / p.sum()
    for _ in range(epochs):
        model.train()
        order = rng.choice(n, n, replace=True, p=p) if weighting == "balanced" else rng.permutation(n)
        tot, correct = 0.0, 0
        for s in range(0, n, batch):
            idx = torch.from_numpy(order[s:s + batch])
            logits = model(Xt[idx])
            loss = loss_fn(logits, yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
            correct += (logits.argmax(1) == yt[idx]).sum().item()
        hist["loss"].append(tot / n)
        hist["accuracy"].append(correct / n)
        if Xv is not None:
            model.eval()
            with torch.no_grad():
                lv = model(Xv)
                hist["val_loss"].append(nn.functional.cross_entropy(lv, yv).item())
                hist["val_accuracy"].append((lv.argmax(1) == yv).float().mean().item())
    hist["seconds"] = time.perf_counter() - t0
    model.eval()

    def predict(X):
        with torch.no_grad():
            return torch.softmax(model(prep(X)), 1).numpy().astype(np.float64)

    return model, hist, predict, (mu, sd)


# ---------------------------------------------------------------- fast linear heads, batched over label sets

class Standardizer:
    """Per-column standardization, then PCA to ``max_dim`` if wider (fit on training rows only; label-free)."""

    def __init__(self, max_dim: int | None = 128):
        self.max_dim = max_dim

    def fit(self, X):
        X = np.asarray(X, np.float64)
        self.mu = X.mean(0)
        self.sd = X.std(0) + 1e-8
        Z = (X - self.mu) / self.sd
        self.P = None
        if self.max_dim and Z.shape[1] > self.max_dim:
            if Z.shape[0] < Z.shape[1]:    # wide: eigenvectors of the n x n Gram matrix (Z = U S V')
                ev, U = np.linalg.eigh(Z @ Z.T)
                order = np.argsort(ev)[::-1]
                s = np.sqrt(np.maximum(ev[order], 0))
                k = int(min(self.max_dim, np.sum(s > 1e-9 * s[0])))
                vt = (Z.T @ U[:, order[:k]] / s[:k]).T
            else:                          # tall: eigenvectors of the d x d scatter matrix
                ev, V = np.linalg.eigh(Z.T @ Z)
                order = np.argsort(ev)[::-1]
                s = np.sqrt(np.maximum(ev[order], 0))
                k = int(min(self.max_dim, np.sum(s > 1e-9 * s[0])))
                vt = V[:, order[:k]].T
            self.P = vt[:k].T / (s[:k] / np.sqrt(len(Z)))   # whitened principal components
        return self

    def transform(self, X):
        Z = (np.asarray(X, np.float64) - self.mu) / self.sd
        if self.P is not None:
            Z = Z @ self.P
        return Z


def fit_softmax_batched(X: np.ndarray, Y: np.ndarray, *, l2: float = 1.0, balanced: bool = True,
                        iters: int = 60, n_classes: int = N_CLASSES):
    """L2-regularised multinomial logistic regressions, one per row of Y, trained jointly (L-BFGS).

    X [n, d] (already standardized), Y [P, n] label sets (for example the true labels and P-1 permutations).
    Objective per model: weighted mean cross-entropy + l2/(2n) * ||W||^2 (scikit-learn's C = 1/l2); with
    ``balanced`` each sample weighs n/(C*count of its class). The models share nothing but the optimizer's
    line search, so each converges to its own optimum. Returns (W [P, d, C], b [P, C]).
    """
    torch.set_grad_enabled(True)
    Xt = torch.as_tensor(X, dtype=torch.float32)
    Yt = torch.as_tensor(Y, dtype=torch.int64)
    P, n = Yt.shape
    if balanced:
        w = torch.stack([torch.as_tensor(class_weights(y.numpy(), n_classes), dtype=torch.float32)[y] for y in Yt])
    else:
        w = torch.ones(P, n)
    w = w / w.sum(1, keepdim=True)
    W = torch.zeros(P, X.shape[1], n_classes, requires_grad=True)
    b = torch.zeros(P, n_classes, requires_grad=True)
    opt = torch.optim.LBFGS([W, b], lr=1, max_iter=iters, history_size=10, line_search_fn="strong_wolfe",
                            tolerance_grad=1e-6, tolerance_change=1e-9)

    def closure():
        opt.zero_grad()
        logits = torch.einsum("nd,pdc->pnc", Xt, W) + b[:, None, :]
        ce = -torch.log_softmax(logits, -1).gather(2, Yt[..., None])[..., 0]
        loss = (ce * w).sum() + l2 / (2 * n) * (W ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return W.detach().numpy().astype(np.float64), b.detach().numpy().astype(np.float64)


def predict_softmax_batched(X, W, b) -> np.ndarray:
    """[n, d] with P models -> probabilities [P, n, C]."""
    logits = np.einsum("nd,pdc->pnc", X, W) + b[:, None, :]
    logits -= logits.max(-1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(-1, keepdims=True)


def fit_lda_batched(X: np.ndarray, Y: np.ndarray, *, shrinkage: float = 0.5, balanced: bool = True,
                    n_classes: int = N_CLASSES, row_counts: np.ndarray | None = None,
                    scatter_total: np.ndarray | None = None):
    """Shrinkage linear discriminant analysis, one model per row of Y, in closed form (batched).

    X [n, d] (standardized / whitened), Y [P, n]. Per label set: class means mu_c, pooled within-class covariance
    S_w, regularised S = (1 - shrinkage) S_w + shrinkage * (trace(S_w)/d) I; discriminant
    delta_c(x) = x' S^-1 mu_c - mu_c' S^-1 mu_c / 2 + log prior_c, priors uniform when ``balanced`` else the
    training frequencies. A class absent from a label set gets a bias of -1e9 (never predicted).
    Returns (W [P, d, C], b [P, C]) for predict_softmax_batched.
    """
    Xt = torch.as_tensor(X, dtype=torch.float64)
    Yt = torch.as_tensor(Y, dtype=torch.int64)
    P, n = Yt.shape
    d = Xt.shape[1]
    rc = torch.ones(n, dtype=torch.float64) if row_counts is None else torch.as_tensor(row_counts, dtype=torch.float64)
    onehot = torch.nn.functional.one_hot(Yt, n_classes).to(torch.float64) * rc[None, :, None]   # [P, n, C]
    counts = onehot.sum(1)                                                          # [P, C] (rows or patches)
    mu = torch.einsum("pnc,nd->pcd", onehot, Xt) / counts.clamp(min=1)[..., None]   # [P, C, d]
    total = Xt.T @ Xt if scatter_total is None else torch.as_tensor(scatter_total, dtype=torch.float64)
    between = torch.einsum("pc,pcd,pce->pde", counts, mu, mu)                       # sum_c n_c mu mu'
    Sw = (total[None] - between) / max(float(rc.sum()) - n_classes, 1.0)
    tr = torch.diagonal(Sw, dim1=1, dim2=2).sum(1) / d
    S = (1 - shrinkage) * Sw + shrinkage * tr[:, None, None] * torch.eye(d, dtype=torch.float64)[None]
    Wt = torch.linalg.solve(S, mu.transpose(1, 2))                                  # [P, d, C]
    prior = torch.full_like(counts, 1.0 / n_classes) if balanced else counts / counts.sum(1, keepdim=True)
    b = -0.5 * torch.einsum("pcd,pdc->pc", mu, Wt) + torch.log(prior.clamp(min=1e-300))
    b = torch.where(counts > 0, b, torch.full_like(b, -1e9))
    return Wt.numpy(), b.numpy()
