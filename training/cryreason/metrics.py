"""Classification metrics in numpy (scikit-learn conventions), bootstrap intervals and chance baselines.

Conventions (as scikit-learn with zero_division=0): macro averages run over all ``n_classes`` classes; a class never
predicted has precision 0, a class absent from the truth has recall 0; F1 is 0 where precision + recall is 0.
ROC AUC is one-vs-rest per class (Mann-Whitney with tied scores counting one half), macro-averaged over the classes
present with both a positive and a negative; NaN if none.
"""
from __future__ import annotations

import numpy as np


def confusion_matrix(y_true, y_pred, n_classes: int) -> np.ndarray:
    """counts[true, predicted]."""
    m = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(m, (np.asarray(y_true, int), np.asarray(y_pred, int)), 1)
    return m


def _safe_div(a, b):
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    return np.divide(a, b, out=np.zeros_like(a), where=b != 0)


def per_class_prf(cm: np.ndarray):
    tp = np.diag(cm).astype(float)
    precision = _safe_div(tp, cm.sum(0))
    recall = _safe_div(tp, cm.sum(1))
    f1 = _safe_div(2 * precision * recall, precision + recall)
    return precision, recall, f1


def binary_auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC of score for binary y (1 = positive): P(score+ > score-) + 0.5 P(equal). NaN if one class is absent."""
    y = np.asarray(y, bool)
    s = np.asarray(score, float)
    n_pos, n_neg = y.sum(), (~y).sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    srt = np.sort(s)
    # average 1-based rank of each value over its ties: (first + last) / 2 with first = left + 1, last = right
    ranks = 0.5 * (np.searchsorted(srt, s, "left") + 1 + np.searchsorted(srt, s, "right"))
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def macro_auc(y_true, proba: np.ndarray) -> float:
    y_true = np.asarray(y_true, int)
    aucs = [binary_auc(y_true == c, proba[:, c]) for c in range(proba.shape[1])]
    aucs = [a for a in aucs if not np.isnan(a)]
    return float(np.mean(aucs)) if aucs else float("nan")


def macro_f1(y_true, y_pred, n_classes: int) -> float:
    return float(per_class_prf(confusion_matrix(y_true, y_pred, n_classes))[2].mean())


def classification_metrics(y_true, proba: np.ndarray, y_pred=None) -> dict:
    """All figures for one set of predictions; y_pred defaults to argmax of proba."""
    y_true = np.asarray(y_true, int)
    proba = np.asarray(proba, float)
    n_classes = proba.shape[1]
    if y_pred is None:
        y_pred = proba.argmax(1)
    cm = confusion_matrix(y_true, y_pred, n_classes)
    p, r, f = per_class_prf(cm)
    return {
        "n": int(len(y_true)),
        "accuracy": float(np.trace(cm) / max(1, cm.sum())),
        "macro_precision": float(p.mean()),
        "macro_recall": float(r.mean()),
        "macro_f1": float(f.mean()),
        "macro_auc": macro_auc(y_true, proba),
        "per_class_recall": r.tolist(),
        "per_class_f1": f.tolist(),
        "confusion_matrix": cm.tolist(),
    }


SCALAR_KEYS = ("accuracy", "macro_precision", "macro_recall", "macro_f1", "macro_auc")


def summarize_folds(fold_metrics: list[dict]) -> dict:
    """Mean and (population) std over folds of the scalar metrics and per-class recall; summed confusion matrix."""
    out = {}
    for k in SCALAR_KEYS:
        v = np.array([m[k] for m in fold_metrics], float)
        out[k] = {"mean": float(np.nanmean(v)), "std": float(np.nanstd(v))}
    r = np.array([m["per_class_recall"] for m in fold_metrics], float)
    out["per_class_recall"] = {"mean": r.mean(0).tolist(), "std": r.std(0).tolist()}
    out["confusion_matrix_sum"] = np.sum([m["confusion_matrix"] for m in fold_metrics], axis=0).tolist()
    return out


def bootstrap_ci(y_true, proba_runs: list[np.ndarray], groups=None, n_boot: int = 1000, seed: int = 0,
                 pred_runs: list[np.ndarray] | None = None, level: float = 0.95) -> dict:
    """Percentile bootstrap intervals of the scalar metrics of pooled out-of-fold predictions.

    ``proba_runs``: one [n, C] array per repetition (seed) over the same clips; each resample's figure is the mean over
    runs. With ``groups`` the resampling draws whole groups (cluster bootstrap), else clips.
    """
    y_true = np.asarray(y_true, int)
    rng = np.random.default_rng(seed)
    if groups is not None:
        uniq, inv = np.unique(np.asarray(groups), return_inverse=True)
        members = [np.flatnonzero(inv == i) for i in range(len(uniq))]
    preds = pred_runs if pred_runs is not None else [p.argmax(1) for p in proba_runs]
    samples = {k: [] for k in SCALAR_KEYS}
    for _ in range(n_boot):
        if groups is not None:
            idx = np.concatenate([members[i] for i in rng.integers(0, len(members), len(members))])
        else:
            idx = rng.integers(0, len(y_true), len(y_true))
        vals = [classification_metrics(y_true[idx], p[idx], q[idx]) for p, q in zip(proba_runs, preds)]
        for k in SCALAR_KEYS:
            samples[k].append(np.nanmean([v[k] for v in vals]))
    lo, hi = (1 - level) / 2 * 100, (1 + level) / 2 * 100
    return {k: [float(np.nanpercentile(v, lo)), float(np.nanpercentile(v, hi))] for k, v in samples.items()}


def always_class_predictions(n: int, n_classes: int, cls: int = 0):
    """Always predicting one class: one-hot probabilities (every score tied, so AUC 0.5)."""
    proba = np.zeros((n, n_classes))
    proba[:, cls] = 1.0
    return proba, np.full(n, cls)


def prior_guess_metrics(y_true, train_labels, n_classes: int, n_draws: int = 200, seed: int = 0) -> dict:
    """Guessing with the training class priors: expected metrics over random draws (scores = priors, AUC 0.5)."""
    y_true = np.asarray(y_true, int)
    prior = np.bincount(np.asarray(train_labels, int), minlength=n_classes) / len(train_labels)
    proba = np.tile(prior, (len(y_true), 1))
    rng = np.random.default_rng(seed)
    runs = [classification_metrics(y_true, proba, rng.choice(n_classes, len(y_true), p=prior)) for _ in range(n_draws)]
    out = {k: float(np.mean([r[k] for r in runs])) for k in SCALAR_KEYS}
    out["per_class_recall"] = np.mean([r["per_class_recall"] for r in runs], 0).tolist()
    out["confusion_matrix"] = np.mean([r["confusion_matrix"] for r in runs], 0).tolist()
    out["n"] = int(len(y_true))
    return out
