"""ONNX export of the shipped head (all clips) and of one head per evaluation fold, with a manifest, the reliability
statement and a parity file for the C# pipeline.

Every exported head takes input ``embeddings`` [N, 14, 1024] float32 (YAMNet patch embeddings of one clip per row,
first 14 patches, zero rows after the last real patch) and gives ``probabilities`` [N, 5] (softmax, order of
``InfantCry.CryReason.CryReason``). Patches whose 1024 values are all exactly 0 count as padding (a real YAMNet
embedding is a mean of ReLU outputs and is not all-zero on audio).
"""
from __future__ import annotations

import json
import os

import numpy as np
import torch
from torch import nn

from . import LABELS
from . import evaluate as E
from . import features as F
from . import metrics as M
from .models import Standardizer

OPSET = 17


class PooledLinearHead(nn.Module):
    """Masked mean+std pooling over patches -> standardize -> PCA projection -> linear -> softmax."""

    def __init__(self, st: Standardizer, W: np.ndarray, b: np.ndarray):
        super().__init__()
        proj = st.P if st.P is not None else np.eye(len(st.mu))
        self.register_buffer("mu", torch.tensor(st.mu, dtype=torch.float32))
        self.register_buffer("inv_sd", torch.tensor(1.0 / st.sd, dtype=torch.float32))
        self.register_buffer("proj_w", torch.tensor(proj @ W, dtype=torch.float32))   # fold PCA and weights
        self.register_buffer("b", torch.tensor(b, dtype=torch.float32))

    def forward(self, embeddings):
        m = (embeddings.abs().sum(-1, keepdim=True) > 0).to(embeddings.dtype)      # [N, T, 1]
        cnt = torch.clamp(m.sum(1), min=1.0)
        mean = (embeddings * m).sum(1) / cnt
        var = (((embeddings - mean.unsqueeze(1)) ** 2) * m).sum(1) / cnt
        feat = torch.cat([mean, torch.sqrt(var)], dim=1)
        logits = ((feat - self.mu) * self.inv_sd) @ self.proj_w + self.b
        return torch.softmax(logits, dim=-1)


def train_pooled_head(pooled_X, y, idx, spec: E.LinearSpec, iters: int, groups=None) -> PooledLinearHead:
    st = Standardizer(spec.max_dim).fit(pooled_X[idx])
    Z, Y = st.transform(pooled_X[idx]), np.asarray(y)[idx][None]
    if spec.calibrate:
        W, b, _ = E.fit_calibrated(spec, Z, Y, np.asarray(groups)[idx], iters)
    else:
        W, b = E.fit_linear(spec, Z, Y, iters)
    return PooledLinearHead(st, W[0], b[0]).eval()


def export_onnx(head: nn.Module, path: str) -> None:
    import onnx

    os.makedirs(os.path.dirname(path), exist_ok=True)
    dummy = torch.zeros(2, F.SEQ_LEN, 1024)
    dummy[:, :10] = 0.1
    torch.onnx.export(head, dummy, path, input_names=["embeddings"], output_names=["probabilities"],
                      dynamic_axes={"embeddings": {0: "N"}, "probabilities": {0: "N"}}, opset_version=OPSET)
    onnx.checker.check_model(onnx.load(path))


def head_predict(head: nn.Module, X_seq: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return head(torch.from_numpy(np.asarray(X_seq, np.float32))).numpy().astype(np.float64)


def export_all(results, blocks, X_seq, mask, y, names, protocols, spec, waves, yam, models_dir, cfg, groups=None):
    """Writes cryreason_head.onnx, cryreason_folds/, the reliability and parity JSON; returns what it wrote."""
    y = np.asarray(y)
    pooled_X = blocks[spec.features[0]]
    assert spec.features == ("yamnet",) and spec.level == "clip", "the shipped head must take YAMNet embeddings only"
    info = {"shipped_variant": spec.name, "input": "embeddings [N,14,1024] float32", "output": "probabilities [N,5]",
            "opset": OPSET}
    # per-fold heads
    folds_dir = os.path.join(models_dir, "cryreason_folds")
    manifest = {"labels": list(LABELS), "variant": spec.name, "sequence_length": F.SEQ_LEN,
                "padding": "first 14 YAMNet patches, zero rows after the last real patch",
                "input": "embeddings", "output": "probabilities", "protocols": {}}
    for pname, proto in protocols.items():
        entries, fold_metrics = [], []
        for si, folds in enumerate(proto["folds"]):
            for fi, (tr, te) in enumerate(folds):
                head = train_pooled_head(pooled_X, y, tr, spec, cfg.lbfgs_iters, groups)
                rel = f"{pname}/seed{si}_fold{fi}.onnx"
                export_onnx(head, os.path.join(folds_dir, rel))
                proba = head_predict(head, X_seq[te])
                m = M.classification_metrics(y[te], proba)
                fold_metrics.append(m)
                entries.append({"seed_index": si, "fold": fi, "onnx": rel,
                                "test_files": [names[i] for i in te], "test_labels": [LABELS[i] for i in y[te]],
                                "python_macro_f1": m["macro_f1"], "python_macro_auc": m["macro_auc"],
                                "python_accuracy": m["accuracy"]})
        s = M.summarize_folds(fold_metrics)
        manifest["protocols"][pname] = {"description": proto["description"], "folds": entries,
                                        "python_mean_macro_f1": s["macro_f1"]["mean"],
                                        "python_mean_macro_auc": s["macro_auc"]["mean"],
                                        "python_mean_accuracy": s["accuracy"]["mean"]}
        info[f"{pname}_exported_heads_mean_macro_f1"] = s["macro_f1"]["mean"]
        info[f"{pname}_exported_heads_mean_macro_auc"] = s["macro_auc"]["mean"]
    with open(os.path.join(folds_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    # the shipped head, all clips
    head = train_pooled_head(pooled_X, y, np.arange(len(y)), spec, cfg.lbfgs_iters, groups)
    path = os.path.join(models_dir, "cryreason_head.onnx")
    export_onnx(head, path)
    info["head"] = path
    # reliability statement
    g = results["protocols"]["grouped"]
    v = g["variants"][spec.name]
    p_f1 = v["permutation"]["p_macro_f1"]
    p_auc = v["permutation"]["p_macro_auc"]
    better = bool(p_f1 < 0.05)
    f1, auc = v["folds"]["macro_f1"]["mean"], v["folds"]["macro_auc"]["mean"]
    base = g["baselines"]["always_hungry"]["macro_f1"]["mean"]
    if better:
        summary = (f"Tested on babies the model never heard, it beat chance (macro-F1 {f1:.2f} vs {base:.2f} for "
                   f"always 'hungry', p = {p_f1:.3f}), but treat its reason as a hint, not a diagnosis.")
    else:
        summary = (f"Tested on babies the model never heard, it did no better than chance (macro-F1 {f1:.2f} vs "
                   f"{base:.2f} for always 'hungry', ROC AUC {auc:.2f}, permutation p = {p_f1:.2f}): "
                   f"do not rely on the reason it gives.")
    reliability = {"Protocol": f"{g['description']}; head '{spec.name}'", "MacroF1": f1, "MacroRocAuc": auc,
                   "BaselineMacroF1": base, "PermutationPValue": p_f1, "BetterThanChance": better,
                   "Summary": summary, "PermutationPValueAuc": p_auc,
                   "Permutations": v["permutation"]["n_permutations"], "Config": cfg.name}
    with open(os.path.join(models_dir, "cryreason_reliability.json"), "w") as f:
        json.dump(reliability, f, indent=1)
    info["reliability"] = reliability
    # The calibrated head's outputs stay within a few percent of the priors, which makes a weak parity check; the
    # same LDA without calibration (uniform priors) reacts strongly to the embeddings, so it is exported beside it
    # and its probabilities go into the parity file too.
    from dataclasses import replace

    raw_spec = replace(spec, calibrate=False, balanced=True)
    raw_head = train_pooled_head(pooled_X, y, np.arange(len(y)), raw_spec, cfg.lbfgs_iters)
    raw_path = os.path.join(models_dir, "cryreason_head_uncalibrated.onnx")
    export_onnx(raw_head, raw_path)
    info["head_uncalibrated"] = raw_path
    # parity file: 20 clips (4 per class, first by name), the Python pipeline end to end with the shipped head
    pick = [i for c in range(len(LABELS)) for i in np.flatnonzero(y == c)[:4]]
    rows = []
    for i in pick:
        e = yam.embed(waves[i])                       # recomputed from the waveform: not from the cache
        Xs, _ = F.to_sequences([e])
        prob = head_predict(head, Xs)[0]
        raw = head_predict(raw_head, Xs)[0]
        rows.append({"file": f"{LABELS[y[i]]}/{names[i]}", "patches": int(len(e)),
                     "probabilities": [float(p) for p in prob],
                     "probabilities_uncalibrated": [float(p) for p in raw],
                     "embedding_mean_first8": [float(v) for v in e.mean(0)[:8]]})
    parity = {"pipeline": "PCM16 8 kHz -> reference resampler to 16 kHz (float64) -> reference YAMNet frontend "
                          "(pad_waveform, log-mel, patches) -> torch YAMNet (float32) -> first 14 patch embeddings, "
                          "zero-padded -> cryreason_head.onnx (probabilities) and cryreason_head_uncalibrated.onnx "
                          "(probabilities_uncalibrated); embedding_mean_first8: mean over the real patches of the "
                          "first 8 embedding values, for locating a mismatch", "tolerance": 1e-3, "labels": list(LABELS),
              "data_root": "data/donateacry", "clips": rows}
    with open(os.path.join(models_dir, "cryreason_parity.json"), "w") as f:
        json.dump(parity, f, indent=1)
    info["parity"] = os.path.join(models_dir, "cryreason_parity.json")
    return info
