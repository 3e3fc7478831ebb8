"""Cross-validated evaluation of heads under a list of splits, with label-permutation nulls computed jointly.

A "label set" matrix per fold holds the true training labels in row 0 and, in rows 1..P, the training labels shuffled
inside that training fold (test labels are never shuffled: every score is against the truth). Linear heads train all
rows at once (see models.fit_softmax_batched), so the observed score and its permutation null come from one procedure.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from . import metrics as M
from . import splits as S
from .models import CryHead, Standardizer, WaveformCNN, fit_torch, fit_lda_batched, fit_softmax_batched, predict_softmax_batched, N_CLASSES


@dataclass(frozen=True)
class LinearSpec:
    """A fast linear head on standardized, PCA-whitened features: shrinkage LDA (closed form) or L2 logistic
    regression (L-BFGS)."""

    name: str
    features: tuple          # names of feature blocks to concatenate (each standardized/PCA'd separately)
    model: str = "lda"       # "lda" or "logreg"
    shrinkage: float = 0.5   # LDA covariance shrinkage towards a scaled identity
    l2: float = 10.0         # logistic regression: l2 / (2 n) ||W||^2
    balanced: bool = True    # uniform priors (LDA) / class-balanced sample weights (logistic regression)
    level: str = "clip"      # "clip": one row per clip; "patch": one row per real patch, clip = mean probability
    max_dim: int = 64        # PCA cap per feature block
    calibrate: bool = False  # LDA only: temperature + training priors chosen by inner grouped CV (fit_calibrated)


def permuted_label_sets(y, train_idx, n_perm: int, rng) -> np.ndarray:
    """[1 + n_perm, len(train_idx)]: row 0 the true training labels, then shuffles inside the training fold."""
    yt = np.asarray(y)[train_idx]
    return np.stack([yt] + [rng.permutation(yt) for _ in range(n_perm)])


def fit_linear(spec: LinearSpec, X, Y, iters=60):
    """One fast head per row of Y on design matrix X: (W [P, d, C], b [P, C]).

    Logistic regression trains the true labels (row 0) on their own and the permutation rows jointly, so that row 0
    is exactly what a single fit (the exported heads) gives; joint rows converge to within ~1e-3 in probability.
    """
    if spec.model == "lda":
        return fit_lda_batched(X, Y, shrinkage=spec.shrinkage, balanced=spec.balanced)
    W0, b0 = fit_softmax_batched(X, Y[:1], l2=spec.l2, balanced=spec.balanced, iters=iters)
    if len(Y) == 1:
        return W0, b0
    W, b = fit_softmax_batched(X, Y[1:], l2=spec.l2, balanced=spec.balanced, iters=iters)
    return np.concatenate([W0, W]), np.concatenate([b0, b])


_STANDARDIZERS: dict = {}


def _standardizer(blocks, name, tr, max_dim):
    """Label-free, so shared by every variant and label set on the same training rows (memoised)."""
    key = (name, id(blocks[name]), max_dim, hash(np.asarray(tr).tobytes()))
    if key not in _STANDARDIZERS:
        if len(_STANDARDIZERS) > 512:
            _STANDARDIZERS.clear()
        _STANDARDIZERS[key] = Standardizer(max_dim).fit(blocks[name][tr])
    return _STANDARDIZERS[key]


TEMPERATURES = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0)
"""Candidate temperatures. The largest (256) brings the output within a few percent of the training class priors
while the ranking between clips stays far above float32 rounding (a cap of 1e6 left it at ~1e-7, so the exported
float32 heads ranked clips differently from the float64 evaluation and the AUC moved by 0.004)."""


def fit_calibrated(spec: LinearSpec, X, Y, groups, iters=60, inner_k=4, seed=0):
    """Calibrated LDA: logits = (uniform-prior LDA discriminant) / T + log(training class priors), with T per label
    set minimising the log-loss of inner grouped out-of-fold predictions (inner stratified group k-fold of the
    training rows, stratified by the true labels in row 0; permuted rows keep the class counts). With no signal the
    best T is large and the output falls back to the priors: probabilities that mean what they say.
    Returns (W, b) with T and the priors folded in, and the chosen T per row."""
    from dataclasses import replace

    base = replace(spec, calibrate=False, balanced=True)
    W, b = fit_linear(base, X, Y, iters)
    P, n = Y.shape
    logits = np.zeros((P, n, N_CLASSES))
    for itr, ite in S.stratified_group_kfold(Y[0], groups, inner_k, seed):
        Wi, bi = fit_linear(base, X[itr], Y[:, itr], iters)
        logits[:, ite] = np.einsum("nd,pdc->pnc", X[ite], Wi) + bi[:, None, :]
    counts = np.stack([np.bincount(r, minlength=N_CLASSES) for r in Y])
    log_prior = np.log(np.maximum(counts, 1e-12) / n)
    best = np.full(P, np.inf)
    temps = np.ones(P)
    for T in TEMPERATURES:
        z = logits / T + log_prior[:, None, :]
        z -= z.max(-1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
        loss = -np.take_along_axis(logp, Y[..., None], 2)[..., 0].mean(1)
        better = loss < best - 1e-12
        best[better], temps[better] = loss[better], T
    return W / temps[:, None, None], b / temps[:, None] + log_prior, temps


def _design(blocks: dict, spec: LinearSpec, tr, te, max_dim):
    Ztr, Zte = [], []
    for name in spec.features:
        B = blocks[name]
        st = _standardizer(blocks, name, tr, max_dim)
        Ztr.append(st.transform(B[tr]))
        Zte.append(st.transform(B[te]))
    return np.concatenate(Ztr, 1), np.concatenate(Zte, 1)


def fit_predict_linear(blocks, patch_blocks, spec: LinearSpec, tr, te, Ytr: np.ndarray, iters=60, groups=None):
    """Trains spec on rows tr for every label set Ytr [P, len(tr)]; returns probabilities [P, len(te), C].
    ``groups`` (all rows) is needed by calibrated specs."""
    if spec.level == "clip":
        Xtr, Xte = _design(blocks, spec, tr, te, spec.max_dim)
        if spec.calibrate:
            W, b, _ = fit_calibrated(spec, Xtr, Ytr, np.asarray(groups)[tr], iters)
        else:
            W, b = fit_linear(spec, Xtr, Ytr, iters)
        return predict_softmax_batched(Xte, W, b)
    # patch level: rows are patches, labels those of their clip; clip probability = mean over its patches
    (name,) = spec.features
    seqs, mask = patch_blocks[name]
    Xp_tr = np.concatenate([seqs[i][mask[i]] for i in tr])
    key = ("patch:" + name, id(seqs), spec.max_dim, hash(np.asarray(tr).tobytes()))
    if key not in _STANDARDIZERS:
        _STANDARDIZERS[key] = Standardizer(spec.max_dim).fit(Xp_tr)
    st = _STANDARDIZERS[key]
    counts = mask[tr].sum(1)
    if spec.model == "lda":   # LDA needs only per-clip patch means, patch counts and the total patch scatter
        Z = st.transform(Xp_tr)
        ends = np.cumsum(counts)
        means = np.stack([Z[e - c:e].mean(0) for c, e in zip(counts, ends)])
        W, b = fit_lda_batched(means, Ytr, shrinkage=spec.shrinkage, balanced=spec.balanced,
                               row_counts=counts, scatter_total=Z.T @ Z)
    else:
        rep = np.repeat(np.arange(len(tr)), counts)
        W, b = fit_linear(spec, st.transform(Xp_tr), Ytr[:, rep], iters)
    Zte = st.transform(np.concatenate([seqs[i][mask[i]] for i in te]))
    pr = predict_softmax_batched(Zte, W, b)                                  # [P, test patches, C]
    ends = np.cumsum(mask[te].sum(1))
    return np.stack([pr[:, e - c:e].mean(1) for c, e in zip(mask[te].sum(1), ends)], axis=1)


def cv_linear(blocks, patch_blocks, spec, y, folds, n_perm=0, seed=0, iters=60, groups=None):
    """Per fold: (test indices, probabilities [1 + n_perm, n_test, C])."""
    rng = np.random.default_rng(seed)
    out = []
    for tr, te in folds:
        Y = permuted_label_sets(y, tr, n_perm, rng)
        out.append((te, fit_predict_linear(blocks, patch_blocks, spec, tr, te, Y, iters, groups)))
    return out


def nested_select(blocks, patch_blocks, specs, y, groups, folds, n_perm=0, seed=0, inner_k=4, iters=60,
                  criterion="macro_f1"):
    """Nested selection: inside each outer training fold an inner stratified group k-fold picks, separately for every
    label set (so the permutation null includes the selection), the spec with the best pooled inner ``criterion``;
    it is retrained on the whole outer training fold and scored on the outer test fold, which selection never saw.

    Returns per fold (test indices, probabilities [1 + n_perm, n_test, C], chosen spec index per label set).
    """
    y = np.asarray(y)
    groups = np.asarray(groups)
    rng = np.random.default_rng(seed)
    out = []
    for fi, (tr, te) in enumerate(folds):
        Y = permuted_label_sets(y, tr, n_perm, rng)
        inner = S.stratified_group_kfold(y[tr], groups[tr], inner_k, seed=seed + 1000 + fi)
        scores = np.zeros((len(specs), Y.shape[0]))
        for si, spec in enumerate(specs):
            pooled = np.zeros((Y.shape[0], len(tr), N_CLASSES))
            for itr, ite in inner:
                pooled[:, ite] = fit_predict_linear(blocks, patch_blocks, spec, tr[itr], tr[ite], Y[:, itr], iters)
            for p in range(Y.shape[0]):
                if criterion == "macro_auc":
                    scores[si, p] = M.macro_auc(Y[p], pooled[p])
                else:
                    scores[si, p] = M.macro_f1(Y[p], pooled[p].argmax(1), N_CLASSES)
        choice = scores.argmax(0)
        probs = np.zeros((Y.shape[0], len(te), N_CLASSES))
        for si in np.unique(choice):
            rows = np.flatnonzero(choice == si)
            probs[rows] = fit_predict_linear(blocks, patch_blocks, specs[si], tr, te, Y[rows], iters)
        out.append((te, probs, choice))
    return out


def score_runs(y, runs_per_seed, label_set: int = 0):
    """Fold metrics (list) and per-seed pooled out-of-fold probabilities for one label set."""
    y = np.asarray(y)
    fold_metrics, pooled = [], []
    for runs in runs_per_seed:
        P = np.zeros((len(y), N_CLASSES))
        for r in runs:
            te, probs = r[0], r[1]
            P[te] = probs[label_set]
            fold_metrics.append(M.classification_metrics(y[te], probs[label_set]))
        pooled.append(P)
    return fold_metrics, pooled


def null_scores(y, runs_per_seed):
    """Mean over folds (and seeds) of macro-F1 and macro AUC for every label set: arrays [1 + n_perm]."""
    y = np.asarray(y)
    n_sets = runs_per_seed[0][0][1].shape[0]
    f1 = np.zeros(n_sets)
    auc = np.zeros(n_sets)
    k = 0
    for runs in runs_per_seed:
        for r in runs:
            te, probs = r[0], r[1]
            yt = y[te]
            pred = probs.argmax(2)
            f1 += [M.macro_f1(yt, pred[p], N_CLASSES) for p in range(n_sets)]
            auc += [M.macro_auc(yt, probs[p]) for p in range(n_sets)]
            k += 1
    return f1 / k, auc / k


def permutation_p(observed: float, null: np.ndarray) -> float:
    """(1 + #null >= observed) / (1 + #null): the add-one estimate, never 0."""
    null = np.asarray(null)
    return float((1 + np.sum(null >= observed - 1e-12)) / (1 + len(null)))


def baselines(y, folds_per_seed):
    """Always-hungry and prior-guessing figures per fold, summarised like a model."""
    y = np.asarray(y)
    hungry, prior = [], []
    for folds in folds_per_seed:
        for fi, (tr, te) in enumerate(folds):
            proba, pred = M.always_class_predictions(len(te), N_CLASSES, 0)
            hungry.append(M.classification_metrics(y[te], proba, pred))
            prior.append(M.prior_guess_metrics(y[te], y[tr], N_CLASSES, n_draws=100, seed=fi))
    return {"always_hungry": M.summarize_folds(hungry), "prior_guessing": M.summarize_folds(prior)}


def cv_cnn(X, y, folds_per_seed, weighting, epochs, in_dim=None, waveform=False, seed=0):
    """Trains a CNN (the study head on [N, 14, D] sequences, or the waveform baseline) per fold: (runs per seed with
    probabilities [1, n_test, C], training histories, training seconds)."""
    runs_per_seed, histories, seconds = [], [], 0.0
    for si, folds in enumerate(folds_per_seed):
        runs = []
        for fi, (tr, te) in enumerate(folds):
            torch.manual_seed(seed + 100 * si + fi)      # the initial weights too, so that a rerun gives the same figures
            model = WaveformCNN() if waveform else CryHead(in_dim)
            _, hist, predict, _ = fit_torch(model, X[tr], y[tr], X[te], y[te], epochs=epochs,
                                            weighting=weighting, seed=seed + 100 * si + fi)
            runs.append((te, predict(X[te])[None]))
            histories.append(hist)
            seconds += hist["seconds"]
        runs_per_seed.append(runs)
    return runs_per_seed, histories, seconds


def cnn_job(X, y, folds_per_seed, weighting, epochs, waveform, threads):
    """Runs in a worker process (spawned) so that the CNN trainings overlap the fast heads."""
    torch.set_num_threads(threads)
    return cv_cnn(X, y, folds_per_seed, weighting, epochs, in_dim=None if waveform else X.shape[2], waveform=waveform)
