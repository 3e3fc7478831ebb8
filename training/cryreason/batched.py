"""Many independent copies of a CNN head (CryHead or WaveformCNN) trained at once: the permutation tests' engine.

A permutation test of a CNN head trains the same architecture with the same procedure on 1 + P label sets (the true
training labels and P shuffles). Trained one by one that is 1 + P small models whose cost is mostly per-call overhead
and a narrow first convolution. Here the P models are one module whose parameters are the P models' parameters
stacked along a leading axis:

- the first convolution sees the same minibatch in every model (when the minibatch order is shared), so it is a single
  convolution with P x filters output channels; with per-model minibatches (balanced sampling) it is a grouped
  convolution over P x input channels;
- every later convolution is a grouped convolution (groups = P), every dense layer an einsum over the model axis;
- dropout draws its own mask per model (it is elementwise), the loss is the sum of the P models' own losses, and Adam
  is elementwise, so each model receives exactly the gradient and update it would receive if trained alone.

So model p follows the procedure of ``models.fit_torch`` with its own labels: the same architecture, initialisation
distribution, optimizer, epochs, batch size, loss weighting and sampling. ``tests/test_cryreason_batched.py`` checks
that with dropout off and the same initial weights and minibatch order, the batched models end where the serial
``fit_torch`` runs end.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as Fn

from .models import N_CLASSES, class_weights


class BatchedCNN(nn.Module):
    """P copies of a two-block Conv1d head (``features`` of Conv1d/ReLU/MaxPool1d/Dropout, ``classifier`` of
    Flatten/Linear/ReLU/Dropout), with independent parameters initialised from the given template models."""

    def __init__(self, templates: list[nn.Module]):
        super().__init__()
        self.P = len(templates)
        self.to_channels = templates[0].to_channels
        self.layers: list[tuple] = []
        params = {}
        for part in ("features", "classifier"):
            mods = [list(getattr(t, part)) for t in templates]
            for i, m in enumerate(mods[0]):
                key = f"{part}{i}"
                if isinstance(m, (nn.Conv1d, nn.Linear)):
                    params[key + "_w"] = torch.stack([ms[i].weight.detach().clone() for ms in mods])
                    params[key + "_b"] = torch.stack([ms[i].bias.detach().clone() for ms in mods])
                self.layers.append((key, m))
        # Each ReLU -> MaxPool1d pair swapped, once: max(relu(a), relu(b)) = relu(max(a, b)) and the gradient reaches
        # the same element, but the ReLU then runs on a tensor the pool's size smaller (on the waveform model's first
        # block that halves the time per step).
        for i in range(len(self.layers) - 1):
            if isinstance(self.layers[i][1], nn.ReLU) and isinstance(self.layers[i + 1][1], nn.MaxPool1d):
                self.layers[i], self.layers[i + 1] = self.layers[i + 1], self.layers[i]
        self.params = nn.ParameterDict({k: nn.Parameter(v) for k, v in params.items()})

    def forward(self, x: torch.Tensor, shared: bool = True) -> torch.Tensor:
        """x: one minibatch for all models ([N, ...], ``shared``) or one per model ([P, N, ...]) -> logits [N, P, C]."""
        P = self.P
        if shared:
            h = self.to_channels(x)                                       # [N, C_in, L]
        else:
            h = torch.stack([self.to_channels(xi) for xi in x], 1)       # [N, P, C_in, L]
            h = h.reshape(h.shape[0], -1, h.shape[-1])                    # [N, P*C_in, L]
        first, flat = True, False
        for key, m in self.layers:
            if isinstance(m, nn.Conv1d):
                w = self.params[key + "_w"]                                # [P, C_out, C_in, K]
                w, b = w.reshape(-1, *w.shape[2:]), self.params[key + "_b"].reshape(-1)
                groups = 1 if (first and shared) else P
                first = False
                h = Fn.conv1d(h, w, b, stride=m.stride, padding=m.padding, groups=groups)
            elif isinstance(m, nn.MaxPool1d):
                h = Fn.max_pool1d(h, m.kernel_size, m.stride)
            elif isinstance(m, nn.ReLU):
                h = torch.relu(h)
            elif isinstance(m, nn.Dropout):
                h = Fn.dropout(h, m.p, self.training)
            elif isinstance(m, nn.Flatten):
                h = h.reshape(h.shape[0], P, -1)                          # [N, P, C*L]: channel-major, as Flatten
                flat = True
            elif isinstance(m, nn.Linear):
                assert flat
                # one GEMM per model: several times faster than einsum's batched matmul over the model axis here
                w, b = self.params[key + "_w"], self.params[key + "_b"]
                h = torch.stack([Fn.linear(h[:, p], w[p], b[p]) for p in range(P)], 1)
            else:
                raise TypeError(f"unsupported layer {type(m).__name__}")
        return h


def fit_batched(templates: list[nn.Module], X_tr, Y_tr, *, epochs=20, batch=32, lr=1e-3, seed=0,
                weighting: str = "none", chunk: int | None = None):
    """Trains one model per row of ``Y_tr`` [P, n] (labels of the rows of ``X_tr``) as ``models.fit_torch`` would,
    all at once; returns predict(X) -> probabilities [P, len(X), C].

    ``templates``: P freshly initialised models (their weights are the initial weights). Minibatch order: one
    ``np.random.default_rng(seed)`` permutation per epoch shared by all models (as fit_torch with that seed), or, for
    weighting "balanced", one class-balanced draw with replacement per model and epoch. ``chunk`` trains the models in
    groups of that many (memory); results do not depend on it except through dropout's random stream.
    """
    Y_tr = np.asarray(Y_tr, np.int64)
    P, n = Y_tr.shape
    if chunk and chunk < P:
        parts = [fit_batched(templates[s:s + chunk], X_tr, Y_tr[s:s + chunk], epochs=epochs, batch=batch, lr=lr,
                             seed=seed + s, weighting=weighting) for s in range(0, P, chunk)]
        return lambda X: np.concatenate([f(X) for f in parts])
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    Xt = torch.from_numpy(np.asarray(X_tr, np.float32))
    Yt = torch.from_numpy(Y_tr)
    model = BatchedCNN(templates)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    if weighting == "class":
        W = torch.tensor(np.stack([class_weights(y) for y in Y_tr]), dtype=torch.float32)     # [P, C]
    else:
        W = torch.ones(P, N_CLASSES)
    if weighting == "balanced":
        probs = [class_weights(y)[y] / class_weights(y)[y].sum() for y in Y_tr]
    cols = torch.arange(P)
    model.train()
    for _ in range(epochs):
        if weighting == "balanced":
            orders = np.stack([rng.choice(n, n, replace=True, p=p) for p in probs])           # [P, n]
        else:
            orders = np.broadcast_to(rng.permutation(n), (P, n))
        for s in range(0, n, batch):
            idx = torch.from_numpy(np.ascontiguousarray(orders[:, s:s + batch]))              # [P, B]
            if weighting == "balanced":
                logits = model(Xt[idx], shared=False)                                         # [B, P, C]
            else:
                logits = model(Xt[idx[0]], shared=True)
            yb = Yt[cols[:, None], idx].T                                                     # [B, P]
            ce = -torch.log_softmax(logits, -1).gather(2, yb[..., None])[..., 0]              # [B, P]
            w = W[cols[None, :], yb]                                                          # [B, P]
            loss = ((ce * w).sum(0) / w.sum(0)).sum()      # each model's weighted-mean cross-entropy, summed
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()

    def predict(X):
        X = torch.from_numpy(np.asarray(X, np.float32))
        with torch.no_grad():
            out = [torch.softmax(model(X[s:s + 64], shared=True), -1) for s in range(0, len(X), 64)]
        return torch.cat(out).permute(1, 0, 2).numpy().astype(np.float64)

    return predict
