"""Exports the detector that won the leave-one-source-out protocol: artifacts/models/crydetector.json (mode, rule,
threshold, calibration, reliability statement, per-category figures, provenance) and crydetector_head.onnx (the
best-ranked trained head, shipped as the default only when it won).

Detector rule, as the SDK must apply it (also ``clip_score`` below):
  per patch (0.96 s window, 0.48 s hop, YAMNet's padding):
    zero-shot  s = max(scores[c] for c in class_indices)
    head       s = crydetector_head.onnx(inputs) ("cry", a probability per patch)
  clip score  S = mean of s over the clip's patches
  is a cry    S >= threshold
  probability p = 1 / (1 + exp(-(a * logit(S) + b))), logit(S) = ln(S' / (1 - S')), S' = clamp(S, 1e-6, 1 - 1e-6)
"""
from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import numpy as np
import torch

from . import chain
from .features import yamnet_outputs
from .loso import CRY_FAMILY, logit, sigmoid

HEAD_NAME = "crydetector_head.onnx"                  # head-embedding: "embeddings" [N,1024] -> "cry" [N]
HEAD_SCORES_NAME = "crydetector_head_scores.onnx"    # head-embedding+scores: "embeddings", "scores" [N,521] -> "cry"
HEAD_FILES = {"head-embedding": HEAD_NAME, "head-embedding+scores": HEAD_SCORES_NAME}
JSON_NAME = "crydetector.json"
SHORTCUT_RATES = (8000, 16000, 22050, 44100, 48000)
SHORTCUT_GAINS_DB = (-20.0, 0.0, 20.0)
SHORTCUT_SIGNALS = ("silence", "room tone", "white noise", "pink noise")
HOUSEHOLD_SPEECH_MUSIC = ("household", "speech", "music")


# ------------------------------------------------------------------------------------------------ the head as ONNX
class _Head(torch.nn.Module):
    def __init__(self, w: np.ndarray, b: float, with_scores: bool):
        super().__init__()
        self.with_scores = with_scores
        self.linear = torch.nn.Linear(w.shape[0], 1)
        with torch.no_grad():
            self.linear.weight.copy_(torch.from_numpy(w.astype(np.float32))[None, :])
            self.linear.bias.fill_(b)

    def forward(self, embeddings, scores=None):
        x = embeddings
        if self.with_scores:
            s = torch.clamp(scores, 1e-6, 1 - 1e-6)
            x = torch.cat([embeddings, torch.log(s) - torch.log1p(-s)], dim=1)
        return torch.sigmoid(self.linear(x)).squeeze(1)


def export_head(w: np.ndarray, b: float, with_scores: bool, path: Path) -> None:
    head = _Head(w, b, with_scores).eval()
    args = (torch.zeros(2, 1024), torch.full((2, 521), 0.5)) if with_scores else (torch.zeros(2, 1024),)
    names = ["embeddings", "scores"] if with_scores else ["embeddings"]
    tmp = path.with_suffix(".tmp.onnx")
    torch.onnx.export(head, args, str(tmp), input_names=names, output_names=["cry"],
                      dynamic_axes={**{n: {0: "N"} for n in names}, "cry": {0: "N"}}, opset_version=17)
    tmp.replace(path)


def head_patch_scores(head_path: Path, emb: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Runs the exported head: onnxruntime when installed, else a numpy evaluation of its linear layer read from
    the ONNX file's initializers (the head is Linear + sigmoid, with a logit of the scores when it takes them)."""
    try:
        import onnxruntime as ort  # noqa: F401
        sess = ort.InferenceSession(str(head_path), providers=["CPUExecutionProvider"])
        feeds = {"embeddings": emb.astype(np.float32)}
        if len(sess.get_inputs()) == 2:
            feeds["scores"] = scores.astype(np.float32)
        return sess.run(["cry"], feeds)[0].astype(np.float64)
    except ImportError:
        pass
    import onnx
    from onnx import numpy_helper
    m = onnx.load(str(head_path))
    init = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    w = next(v for v in init.values() if v.ndim == 2).astype(np.float64)
    b = next(v for v in init.values() if v.ndim == 1 and v.shape[0] == 1).astype(np.float64)
    x = emb.astype(np.float64)
    if len(m.graph.input) == 2:
        x = np.concatenate([x, logit(scores.astype(np.float64))], axis=1)
    return sigmoid(x @ w.reshape(-1) + b[0])


def clip_score(detector: dict, models_dir: Path, emb: np.ndarray, scores: np.ndarray) -> float:
    if detector["mode"] == "zero-shot":
        per_patch = scores[:, detector["class_indices"]].max(axis=1)
    else:
        per_patch = head_patch_scores(Path(models_dir) / detector["head"]["file"], emb, scores)
    return float(np.mean(per_patch))


# ------------------------------------------------------------------------------------------------ shortcut signals
def shortcut_signal(kind: str, rate: int, gain_db: float, seconds: float = 5.0, seed: int = 0) -> np.ndarray:
    """Silence, room tone (brown noise, -55 dBFS RMS), white or pink noise (-30 dBFS RMS) at ``rate``, times the
    gain, clipped to [-1, 1] as a 16-bit recorder would."""
    n = int(rate * seconds)
    rng = np.random.default_rng(seed)
    if kind == "silence":
        x = np.zeros(n)
    elif kind == "room tone":
        x = chain.coloured_noise(n, "brown", rng) * 10 ** (-55 / 20)
    elif kind == "white noise":
        x = chain.coloured_noise(n, "white", rng) * 10 ** (-30 / 20)
    elif kind == "pink noise":
        x = chain.coloured_noise(n, "pink", rng) * 10 ** (-30 / 20)
    else:
        raise ValueError(kind)
    return np.clip(x * 10 ** (gain_db / 20), -1.0, 1.0)


def to_16k(x: np.ndarray, rate: int) -> np.ndarray:
    """ffmpeg's soxr resampler (the evaluation's decoder path) from ``rate`` to 16 kHz."""
    if rate == chain.OUT_RATE:
        return x.astype(np.float32)
    cmd = ["ffmpeg", "-v", "error", "-nostdin", "-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", "-",
           "-af", "aresample=resampler=soxr:precision=28", "-ar", str(chain.OUT_RATE), "-f", "f32le", "-"]
    out = subprocess.run(cmd, input=x.astype("<f4").tobytes(), check=True, capture_output=True).stdout
    return np.frombuffer(out, "<f4").astype(np.float32)


def shortcut_check(detector: dict, models_dir: Path, net) -> list:
    rows = []
    for kind in SHORTCUT_SIGNALS:
        for rate in SHORTCUT_RATES:
            for g in SHORTCUT_GAINS_DB:
                with torch.no_grad():
                    emb, sc = yamnet_outputs(net, to_16k(shortcut_signal(kind, rate, g), rate))
                s = clip_score(detector, models_dir, emb, sc)
                rows.append({"signal": kind, "rate": rate, "gain_db": g, "score": s,
                             "cry": bool(s >= detector["threshold"])})
    return rows


# ------------------------------------------------------------------------------------------------ the statement
def _pct(k: int, n: int) -> str:
    return f"{k} of {n} ({100.0 * k / n:.1f}%)" if n else "none tested"


def reliability_statement(res: dict, cat_rates: dict, snr5: tuple) -> str:
    ps = res["per_source"]
    cries = "; ".join(f"{name}: {_pct(v['flagged'], v['clips'])}" for name, v in ps.items() if v["label"] == 1)
    hsm = [(n, v) for n, v in ps.items() if v["label"] == 0 and v["category"] in HOUSEHOLD_SPEECH_MUSIC]
    worst = max(hsm, key=lambda kv: kv[1]["rate"])
    worst_text = (f"none of the {len(hsm)} household, speech and music sources had a false alarm"
                  if worst[1]["flagged"] == 0 else
                  f"worst household, speech or music source: {worst[0]}, {_pct(worst[1]['flagged'], worst[1]['clips'])}")
    cats = ", ".join(f"{c} {_pct(v['flagged'], v['clips'])}" for c, v in sorted(cat_rates.items()))
    return (f"Tested leave-one-source-out on sources it never trained on, this detector found infant cries "
            f"in {cries}. It called these non-cry clips a cry: {cats} ({worst_text}). Cries mixed at 5 dB SNR into "
            f"unseen backgrounds were found in {_pct(*snr5)}. No real recordings of a baby's other sounds (babbling, "
            f"laughing, cooing, fussing) were available to test: expect false alarms on them, and confirm an alert "
            f"before acting on it.")


def export(artifacts: Path, metrics: dict, shipped: dict, sources, net, log) -> None:
    models = Path(artifacts) / "models"
    models.mkdir(parents=True, exist_ok=True)
    winner = metrics["winner"]
    heads = [k for k in metrics["ranking"] if k.startswith("head")]
    best_head = heads[0]
    head_info = {}
    for kind, name in HEAD_FILES.items():
        export_head(shipped[kind]["w"], shipped[kind]["b"], kind == "head-embedding+scores", models / name)
        head_info[kind] = {
            "file": name, "candidate": kind, "default": winner == kind,
            "sha256": hashlib.sha256((models / name).read_bytes()).hexdigest(),
            "inputs": (["embeddings [N,1024] float32", "scores [N,521] float32 (YAMNet's sigmoid scores)"]
                       if kind == "head-embedding+scores" else ["embeddings [N,1024] float32"]),
            "output": "cry [N] float32, per-patch probability (uncalibrated)",
            "threshold": shipped[kind]["threshold"],
            "calibration": {"a": metrics["calibration"][kind]["a"], "b": metrics["calibration"][kind]["b"]},
            "balanced_accuracy": metrics["results"][kind]["balanced_accuracy"]}
    res = metrics["results"][winner]
    snr = res["snr"]
    snr5 = (sum(v["5"]["detected"] for v in snr.values()), sum(v["5"]["clips"] for v in snr.values()))
    cal = metrics["calibration"][winner]
    detector = {
        "format": "infantcry.crydetector/2",
        "mode": "zero-shot" if winner == "zero-shot" else "head",
        "candidate": winner,
        "class_indices": list(CRY_FAMILY),
        "patch_score": ("max of YAMNet scores at class_indices" if winner == "zero-shot"
                        else f"{HEAD_NAME} output 'cry' per patch"),
        "pooling": "mean",
        "threshold": shipped[winner]["threshold"],
        "threshold_rule": "smallest threshold with mean false-positive rate <= 1% over the training negative sources "
                          "(each source weighing the same), on training sources only",
        "calibration": {"method": "platt", "a": cal["a"], "b": cal["b"],
                        "formula": "p = 1 / (1 + exp(-(a * ln(S' / (1 - S')) + b))), S' = clamp(S, 1e-6, 1 - 1e-6)",
                        "fitted_on": "held-out-source clip scores of the leave-one-source-out folds (trainable sources)",
                        "cry_share_of_those_clips": cal["cry_share"],
                        "note": "p is calibrated for a mix of sounds where cries are that share; in a home, where cries "
                                "are rarer, the same score means a lower chance of a cry"},
        "reliability": reliability_statement(res, res["per_category"], snr5),
        "protocol": "leave-one-source-out (train on every trainable source but one, test on that one as recorded; "
                    "adult_nonverbal is evaluation only); see artifacts/reports/crydetector/report.md",
        "recall": {n: {"clips": v["clips"], "detected": v["flagged"], "recall": v["rate"]}
                   for n, v in res["per_source"].items() if v["label"] == 1},
        "false_positive_rate_by_category": {c: {"clips": v["clips"], "flagged": v["flagged"], "rate": v["rate"]}
                                            for c, v in res["per_category"].items()},
        "false_positive_rate_by_source": {n: {"category": v["category"], "clips": v["clips"], "flagged": v["flagged"],
                                              "rate": v["rate"]}
                                          for n, v in res["per_source"].items() if v["label"] == 0},
        "recall_vs_snr_db": {s: {k: v for k, v in d.items()} for s, d in snr.items()},
        "balanced_accuracy": res["balanced_accuracy"],
        "head": head_info[winner if winner != "zero-shot" else best_head],
        "heads": head_info,
        "provenance": {
            "training_sources": [{"name": s.name, "licence": s.licence, "clips": len(s.clips)}
                                 for s in sources if s.trainable],
            "evaluation_only_sources": [{"name": s.name, "licence": s.licence, "clips": len(s.clips)}
                                        for s in sources if not s.trainable],
            "non_commercial": "ESC-50 clips (CC BY-NC 3.0) are in the training and threshold data: the trained head and "
                              "the threshold derive from non-commercial data; a commercial product must retrain "
                              "without them",
            "yamnet": "Google YAMNet (Apache-2.0), AudioSet ontology CC BY-SA 4.0",
        },
        "config": metrics["config"],
    }
    rng = np.random.default_rng(0)   # check vectors: the C# port must reproduce "cry" from these inputs
    ce = rng.standard_normal((4, 1024)).astype(np.float32) * 0.3
    cs = rng.uniform(0.001, 0.9, size=(4, 521)).astype(np.float32)
    for kind, h in head_info.items():   # expected outputs from the trained weights (float64), not from the ONNX file
        x = ce.astype(np.float64)
        if kind == "head-embedding+scores":
            x = np.concatenate([x, logit(cs.astype(np.float64))], axis=1)
        h["check"] = {"embeddings": ce.ravel().tolist(), "scores": cs.ravel().tolist(),
                      "cry": sigmoid(x @ shipped[kind]["w"] + shipped[kind]["b"]).tolist()}
    rows = shortcut_check(detector, models, net)
    detector["shortcut_check"] = {"signals": list(SHORTCUT_SIGNALS), "rates": list(SHORTCUT_RATES),
                                  "gains_db": list(SHORTCUT_GAINS_DB), "called_cry": sum(r["cry"] for r in rows),
                                  "max_score": max(r["score"] for r in rows), "clips": len(rows)}
    metrics["shortcut_check"] = rows
    metrics["detector"] = {k: v for k, v in detector.items() if k not in ("provenance",)}
    (models / JSON_NAME).write_text(json.dumps(detector, indent=1))
    log(f"exported {JSON_NAME} (mode {detector['mode']}, threshold {detector['threshold']:.4f}); shortcut check: "
        f"{detector['shortcut_check']['called_cry']} of {len(rows)} called a cry")
