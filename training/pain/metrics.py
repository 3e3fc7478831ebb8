"""Classification metrics as reported by the pain study (accuracy, F1, mean/weighted F1, confusion matrix)."""
from __future__ import annotations

import numpy as np


def confusion(y_true, y_pred, k: int) -> np.ndarray:
    """Rows = true class, columns = predicted class."""
    m = np.zeros((k, k), int)
    for t, p in zip(np.asarray(y_true, int), np.asarray(y_pred, int)):
        m[t, p] += 1
    return m


def per_class_f1(cm: np.ndarray) -> np.ndarray:
    tp = np.diag(cm).astype(float)
    prec_den, rec_den = cm.sum(0), cm.sum(1)
    prec = np.divide(tp, prec_den, out=np.zeros_like(tp), where=prec_den > 0)
    rec = np.divide(tp, rec_den, out=np.zeros_like(tp), where=rec_den > 0)
    den = prec + rec
    return np.divide(2 * prec * rec, den, out=np.zeros_like(tp), where=den > 0)


def summarize(cry_true, cry_pred, pain_true, pain_pred) -> dict:
    """Crying: accuracy and F1 of the 'crying' class. Pain: accuracy, mean (macro) F1 over the three levels,
    weighted F1 (weights = true-class support). Confusion matrices rows = truth, columns = prediction."""
    cc = confusion(cry_true, cry_pred, 2)
    pc = confusion(pain_true, pain_pred, 3)
    pf = per_class_f1(pc)
    support = pc.sum(1)
    return {
        "n": int(len(cry_true)),
        "cry_accuracy": float(np.trace(cc) / max(cc.sum(), 1)),
        "cry_f1": float(per_class_f1(cc)[1]),
        "pain_accuracy": float(np.trace(pc) / max(pc.sum(), 1)),
        "pain_f1_per_class": [float(v) for v in pf],
        "pain_f1_mean": float(pf.mean()),
        "pain_f1_weighted": float((pf * support).sum() / max(support.sum(), 1)),
        "cry_confusion": cc.tolist(),
        "pain_confusion": pc.tolist(),
    }
