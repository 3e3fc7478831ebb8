"""Variant "fine-tune YAMNet's top layers": layer13 + layer14 (initialised from YAMNet) + global average pool + a
linear 5-way head, trained per fold on patches; a clip's probabilities are the mean of its patches' probabilities.

Cheap by construction: the activations entering layer13 (the output of layer12, [P, 512, 6, 4] per 0.96 s patch) are
computed once with the torch YAMNet over the reference frontend and cached in ``artifacts/cache/cryreason/``; every
fold then trains only the last two depthwise/pointwise pairs and the head on those activations.

Protocols as in ``cryreason.run``: stratified group 5-fold by install (seeds 0, 1, 2;
``splits.stratified_group_kfold``) and the study's stratified random 80:20 file split (``PAPER_SEED``). Class-weighted cross-entropy (patch weights
n / (C * count) of the training patches), Adam (lr 1e-4 for the YAMNet layers, 1e-3 for the head), batch 64.
Permutation test (on the folds of grouped seed 0): training-clip labels shuffled inside each training fold (test
labels untouched), the whole fine-tuning repeated per label set; the statistic is the fold-mean macro-F1 / AUC; as
many permutations as fit before ``--stop-at`` (the count is reported).

    cd training && /usr/bin/python3 -m cryreason.finetune [--epochs 3] [--seeds 0 1 2] [--max-perm 200] [--stop-at 13:35] [--resume]

Outputs: artifacts/reports/cryreason/finetune.json and finetune.md (rewritten after every permutation).
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import hashlib
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import LABELS
from . import data as D
from . import evaluate as E
from . import metrics as M
from . import splits as S
from .run import PAPER_SEED

N_CLASSES = len(LABELS)
TOP_LAYERS = ("layer13_depthwise_conv", "layer13_pointwise_conv", "layer14_depthwise_conv", "layer14_pointwise_conv")
ACT_SHAPE = (512, 6, 4)            # output of layer12 for a 96x64 patch (strides 2 at layers 1, 3, 5, 7)
CACHE_NAME = "yamnet_layer12_acts"
BATCH = 64
LR_YAMNET = 1e-4
LR_HEAD = 1e-3
REPRO_TOLERANCE = 1e-4             # float32 YAMNet split in two vs the whole net: summation-order noise only


def bottom(net: nn.Module, patches: torch.Tensor) -> torch.Tensor:
    """YAMNet layers 1-12 (every conv + ReLU before layer13): patches [N, 96, 64] -> [N, 512, 6, 4]."""
    x = patches.unsqueeze(1)
    for name, conv in net.convs.items():
        if name in TOP_LAYERS:
            break
        x = F.relu(conv(x))
    return x


class TopHead(nn.Module):
    """YAMNet's layer13 + layer14 (copied, trainable) + global average pool (the 1024-d embedding) + Linear(1024, 5)."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.top = nn.ModuleList([copy.deepcopy(net.convs[n]) for n in TOP_LAYERS])
        self.head = nn.Linear(1024, N_CLASSES)

    def embed(self, acts: torch.Tensor) -> torch.Tensor:
        x = acts
        for conv in self.top:
            x = F.relu(conv(x))
        return x.mean(dim=(2, 3))

    def forward(self, acts: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(acts))


def load_net(asset_root: str):
    from pathlib import Path

    from yamnet.assets import read_verified_tflite
    from yamnet.model import load_yamnet

    net, _, _ = load_yamnet(read_verified_tflite(Path(asset_root)))
    return net.eval()


def clip_activations(net, wave16k: np.ndarray) -> np.ndarray:
    """All patches of one 16 kHz clip (reference frontend, float64 -> float32) -> layer12 output [n, 512, 6, 4]."""
    from infantcry_ref import yamnet_frontend as fe

    _, p = fe.waveform_to_patches(np.asarray(wave16k, np.float64))
    with torch.no_grad():
        return bottom(net, torch.from_numpy(np.asarray(p, np.float32))).numpy()


def corpus_activations(net, clips, cache_dir: str, log=print):
    """(acts [P, 512, 6, 4] float32, offsets [n_clips + 1]) for every clip, cached as one .npz keyed by the clip list."""
    key = hashlib.sha256("\n".join(c.name for c in clips).encode()).hexdigest()[:16]
    path = os.path.join(cache_dir, f"{CACHE_NAME}-{key}.npy")
    off_path = path[:-4] + "-offsets.npy"
    if os.path.exists(path) and os.path.exists(off_path):
        return np.load(path, mmap_mode="r"), np.load(off_path)
    waves = D.load_waveforms(clips, cache_dir)
    t = time.perf_counter()
    acts = [clip_activations(net, w) for w in waves]
    offsets = np.concatenate([[0], np.cumsum([len(a) for a in acts])])
    acts = np.concatenate(acts).astype(np.float32)
    log(f"layer12 activations {acts.shape} in {time.perf_counter() - t:.0f} s")
    os.makedirs(cache_dir, exist_ok=True)
    np.save(path + ".tmp.npy", acts)
    os.replace(path + ".tmp.npy", path)
    np.save(off_path, offsets)
    return acts, offsets


def check_against_embeddings(net, acts, offsets, clips, artifacts: str, n_clips: int = 3) -> float:
    """Max |TopHead.embed(cached acts) - stored YAMNet embedding| over all patches of a few clips (20-yamnet.sh's
    donateacry.npz); the fine-tuning starts from exactly YAMNet if this is ~1e-6."""
    from .features import YAMNET_SETUP_EMBEDDINGS

    with np.load(os.path.join(artifacts, YAMNET_SETUP_EMBEDDINGS)) as z:
        files = [str(f).replace("\\", "/") for f in z["files"]]
        off, pe = z["patch_offsets"], z["patch_embeddings"]
    where = {f: i for i, f in enumerate(files)}
    model = TopHead(net).eval()
    worst = 0.0
    for ci in np.linspace(0, len(clips) - 1, n_clips).astype(int):
        j = where[f"{LABELS[clips[ci].label]}/{clips[ci].name}"]
        ref = pe[off[j]:off[j + 1]]
        with torch.no_grad():
            got = model.embed(torch.from_numpy(np.asarray(acts[offsets[ci]:offsets[ci + 1]]))).numpy()
        if got.shape != ref.shape:
            return float("inf")
        worst = max(worst, float(np.abs(got - ref).max()))
    return worst


def grouped_folds(y, groups, seed: int = 0):
    return S.stratified_group_kfold(y, groups, 5, seed)


def train_predict(net, acts, offsets, clip_labels, tr, te, epochs: int, seed: int):
    """Fine-tunes a fresh TopHead on the patches of clips ``tr`` (labels ``clip_labels[tr]``) and returns the clip
    probabilities of clips ``te`` [len(te), C] (mean of patch softmax) and the per-epoch mean training loss."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = TopHead(net)
    counts = np.diff(offsets)
    p_idx = np.concatenate([np.arange(offsets[c], offsets[c + 1]) for c in tr])
    p_lab = np.repeat(np.asarray(clip_labels)[tr], counts[tr])
    freq = np.bincount(p_lab, minlength=N_CLASSES).astype(np.float64)
    w = np.where(freq > 0, len(p_lab) / (N_CLASSES * np.maximum(freq, 1)), 0.0)
    loss_fn = nn.CrossEntropyLoss(weight=torch.tensor(w, dtype=torch.float32))
    opt = torch.optim.Adam([{"params": model.top.parameters(), "lr": LR_YAMNET},
                            {"params": model.head.parameters(), "lr": LR_HEAD}])
    losses = []
    model.train()
    for _ in range(epochs):
        order = rng.permutation(len(p_idx))
        tot = 0.0
        for s in range(0, len(order), BATCH):
            b = order[s:s + BATCH]
            xb = torch.from_numpy(np.asarray(acts[np.sort(p_idx[b])]))
            yb = torch.from_numpy(p_lab[b][np.argsort(p_idx[b])])
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            tot += float(loss) * len(b)
        losses.append(tot / len(order))
    model.eval()
    te_idx = np.concatenate([np.arange(offsets[c], offsets[c + 1]) for c in te])
    with torch.no_grad():
        prob = torch.cat([torch.softmax(model(torch.from_numpy(np.asarray(acts[te_idx[s:s + 256]]))), 1)
                          for s in range(0, len(te_idx), 256)]).numpy()
    clip_of = np.repeat(np.arange(len(te)), counts[te])
    out = np.zeros((len(te), N_CLASSES))
    np.add.at(out, clip_of, prob)
    return out / counts[te][:, None], losses


def cross_validate(net, acts, offsets, y, folds, epochs, seed, train_labels=None):
    """One fine-tuning per fold: (fold metrics, pooled out-of-fold probabilities, losses, seconds per fold).
    ``train_labels`` (default ``y``) are the labels the folds train on; scores are always against ``y``."""
    lab = y if train_labels is None else train_labels
    fm, losses, secs = [], [], []
    P = np.zeros((len(y), N_CLASSES))
    for fi, (tr, te) in enumerate(folds):
        t = time.perf_counter()
        prob, loss = train_predict(net, acts, offsets, lab, tr, te, epochs, seed + fi)
        secs.append(time.perf_counter() - t)
        P[te] = prob
        fm.append(M.classification_metrics(y[te], prob))
        losses.append(loss)
    return fm, P, losses, secs


def fold_mean(fm, key):
    return float(np.nanmean([m[key] for m in fm]))


def _fmt(s):
    return f"{s['mean']:.3f} ± {s['std']:.3f}"


def _p(v):
    return "n/a" if v is None else f"{v:.3f}"


def _dist(v):
    return "n/a" if not v else f"mean {np.mean(v):.3f}, range [{np.min(v):.3f}, {np.max(v):.3f}]"


def verdict(res: dict) -> str:
    pr = res["permutation"]
    beat = pr["p_macro_f1"] is not None and pr["p_macro_f1"] < 0.05 and pr["p_macro_auc"] < 0.05
    base = res["grouped_baselines"]["prior_guessing"]["macro_f1"]["mean"]
    if beat:
        return "better than its permutation null (p < 0.05 for macro-F1 and AUC)."
    return (f"not shown to beat chance: grouped macro-F1 {pr['observed_macro_f1']:.3f} vs prior guessing {base:.3f}, "
            f"AUC {pr['observed_macro_auc']:.3f}, permutation p {_p(pr['p_macro_f1'])} / {_p(pr['p_macro_auc'])} "
            f"from {pr['n']} permutation(s).")


def write_report(res: dict, reports: str):
    """Writes finetune.json and finetune.md (the verdict is recomputed from the permutation record)."""
    res["verdict"] = verdict(res)
    os.makedirs(reports, exist_ok=True)
    with open(os.path.join(reports, "finetune.json"), "w") as f:
        json.dump(res, f, indent=1)
    g, pp, b = res["grouped"], res["paper"], res["grouped_baselines"]
    perm = res["permutation"]
    lines = [
        "# Cry reason: fine-tuning YAMNet's top layers (layer13 + layer14 + linear head)", "",
        f"Generated {res['finished_utc']} by `python -m cryreason.finetune`. {res['protocol']}", "",
        f"Start check: layer13/14 on the cached layer12 activations reproduce the stored YAMNet embeddings "
        f"within {res['repro_max_abs_diff']:.1e} (all patches of 3 clips).", "",
        f"## Grouped protocol (stratified group 5-fold by install, seeds {res['grouped']['seeds']}; mean ± std over "
        f"{len(g['folds'])} folds)", "",
        f"Per seed (fold-mean macro-F1 / AUC): "
        + "; ".join(f"seed {k}: {v['macro_f1']:.3f} / {v['macro_auc']:.3f}" for k, v in g["per_seed"].items()), "",
        "| model | macro-F1 | macro AUC | accuracy |", "|---|---|---|---|",
        f"| always hungry | {_fmt(b['always_hungry']['macro_f1'])} | 0.500 | {_fmt(b['always_hungry']['accuracy'])} |",
        f"| prior guessing | {_fmt(b['prior_guessing']['macro_f1'])} | 0.500 | {_fmt(b['prior_guessing']['accuracy'])} |",
        f"| fine-tuned layer13+14 + head | {_fmt(g['summary']['macro_f1'])} | {_fmt(g['summary']['macro_auc'])} | "
        f"{_fmt(g['summary']['accuracy'])} |", "",
        f"Per-class recall (mean over folds, {', '.join(LABELS)}): "
        + ", ".join(f"{r:.2f}" for r in g["summary"]["per_class_recall"]["mean"]), "",
        f"Summed confusion matrix (rows true, columns predicted): {g['summary']['confusion_matrix_sum']}", "",
        f"Permutation test on the folds of seed 0 (observed there: macro-F1 {perm['observed_macro_f1']:.3f}, AUC "
        f"{perm['observed_macro_auc']:.3f}): {perm['n']} permutation(s) (training labels shuffled inside each "
        f"training fold, whole fine-tuning repeated); p(macro-F1) = {_p(perm['p_macro_f1'])}, p(AUC) = {_p(perm['p_macro_auc'])}; null "
        f"macro-F1 {_dist(perm['null_macro_f1'])}, null AUC {_dist(perm['null_macro_auc'])}. "
        + ("With so few permutations the smallest attainable p is "
           f"{1 / (1 + perm['n']):.3f}; this cannot show p < 0.05." if perm["n"] < 19 else ""), "",
        "## Study protocol (stratified random 80:20 file split, seed 42)", "",
        f"macro-F1 {pp['metrics']['macro_f1']:.3f}, macro AUC {pp['metrics']['macro_auc']:.3f}, accuracy "
        f"{pp['metrics']['accuracy']:.3f} on {pp['metrics']['n']} test clips; always hungry macro-F1 "
        f"{pp['always_hungry_macro_f1']:.3f}. Not permutation-tested.", "",
        f"Timing: {res['seconds_per_fold']:.0f} s per fold ({res['epochs']} epochs) for the observed run; "
        f"{res.get('seconds_per_permutation') or float('nan'):.0f} s per permutation (5 folds) for the last one "
        f"(the shared 2-core machine's load varies); activations {res['cache_seconds']:.0f} s (0 = read from the cache).",
        "",
        f"Verdict: {res['verdict']}", "",
    ]
    with open(os.path.join(reports, "finetune.md"), "w") as f:
        f.write("\n".join(lines))


def protocol_text(epochs: int) -> str:
    return (f"Patch-level training of YAMNet layer13+layer14 (from YAMNet) + GAP + Linear(1024, 5), class-weighted "
            f"cross-entropy, Adam lr {LR_YAMNET} (YAMNet layers) / {LR_HEAD} (head), batch {BATCH}, {epochs} epochs, "
            f"clip = mean of patch probabilities; all patches of each clip.")


def previous_run(reports: str, epochs: int, seeds: list[int]):
    """finetune.json of an interrupted run of the same procedure (to continue its permutations), else None."""
    path = os.path.join(reports, "finetune.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        res = json.load(f)
    same = (res.get("protocol") == protocol_text(epochs) and res.get("grouped", {}).get("seeds") == list(seeds)
            and res.get("permutation", {}).get("full_precision"))
    return res if same else None


def observed_runs(net, acts, offsets, y, folds_per_seed, args, repro, cache_s, log):
    """The grouped runs of every seed and the study split's run: (result record, observed F1 and AUC on the first
    seed, seconds per 5-fold permutation)."""
    perm_seed = args.seeds[0]
    fm, losses, secs, per_seed = [], [], [], {}
    for si, folds_si in folds_per_seed.items():
        # seed 0 keeps the training seeds it always had (0..4); seed k uses 100 k + fold, as cryreason.run
        fm_si, _, losses_si, secs_si = cross_validate(net, acts, offsets, y, folds_si, args.epochs, seed=100 * si)
        fm += fm_si
        losses += losses_si
        secs += secs_si
        per_seed[si] = {"macro_f1": fold_mean(fm_si, "macro_f1"), "macro_auc": fold_mean(fm_si, "macro_auc")}
        log(f"grouped seed {si}: macro-F1 {per_seed[si]['macro_f1']:.3f} AUC {per_seed[si]['macro_auc']:.3f}; "
            f"{np.mean(secs_si):.0f} s/fold; losses {np.round(losses_si, 3).tolist()}")
    obs_f1, obs_auc = per_seed[perm_seed]["macro_f1"], per_seed[perm_seed]["macro_auc"]
    paper = S.stratified_random_split(y, 0.2, PAPER_SEED)
    pfm, _, plosses, _ = cross_validate(net, acts, offsets, y, paper, args.epochs, seed=1000)
    log(f"paper split: macro-F1 {pfm[0]['macro_f1']:.3f} AUC {pfm[0]['macro_auc']:.3f}")
    te = paper[0][1]
    res = {
        "protocol": protocol_text(args.epochs),
        "epochs": args.epochs, "repro_max_abs_diff": repro, "cache_seconds": cache_s,
        "seconds_per_fold": float(np.mean(secs)), "n_patches": int(len(acts)),
        "grouped": {"seeds": list(args.seeds), "folds": fm, "summary": M.summarize_folds(fm), "train_loss": losses,
                    "per_seed": per_seed},
        "grouped_baselines": E.baselines(y, list(folds_per_seed.values())),
        "paper": {"metrics": pfm[0], "train_loss": plosses,
                  "always_hungry_macro_f1": M.classification_metrics(y[te], *M.always_class_predictions(len(te), N_CLASSES, 0))["macro_f1"]},
    }
    return res, obs_f1, obs_auc, float(np.sum(secs)) / len(args.seeds)   # a permutation trains 5 folds of one seed


def main(argv=None):
    from yamnet.assets import default_artifacts, default_assets

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assets", default=str(default_assets()))
    ap.add_argument("--artifacts", default=str(default_artifacts()))
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--max-perm", type=int, default=200)
    ap.add_argument("--stop-at", default=None, help="UTC HH:MM: start no permutation that would end after it")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="grouped seeds scored (permutations: the first)")
    ap.add_argument("--resume", action="store_true",
                    help="continue the permutations of finetune.json when it comes from the same procedure and seeds "
                         "(the observed runs are not repeated; the shuffles already used are drawn again and skipped)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    art = os.path.abspath(args.artifacts)
    cache = os.path.join(art, "cache", "cryreason")
    reports = os.path.join(art, "reports", "cryreason")
    log = lambda m: print(f"[finetune {dt.datetime.utcnow():%H:%M:%S}] {m}", flush=True)

    clips = D.list_clips(args.assets)
    y = np.array([c.label for c in clips])
    groups = np.array([c.group for c in clips])
    net = load_net(args.assets)
    t = time.perf_counter()
    acts, offsets = corpus_activations(net, clips, cache, log)
    cache_s = time.perf_counter() - t
    acts = np.ascontiguousarray(acts)
    repro = check_against_embeddings(net, acts, offsets, clips, art)
    log(f"{len(clips)} clips, {len(acts)} patches; reproduction max |diff| {repro:.2e}")
    if not repro <= REPRO_TOLERANCE:
        raise RuntimeError(f"cached activations do not reproduce YAMNet's embeddings (max |diff| {repro})")

    folds_per_seed = {si: grouped_folds(y, groups, si) for si in args.seeds}
    perm_seed = args.seeds[0]
    folds = folds_per_seed[perm_seed]
    res = previous_run(reports, args.epochs, args.seeds) if args.resume else None
    if res is not None:
        obs_f1, obs_auc = res["permutation"]["observed_macro_f1"], res["permutation"]["observed_macro_auc"]
        null_f1, null_auc = list(res["permutation"]["null_macro_f1"]), list(res["permutation"]["null_macro_auc"])
        per_perm = res.get("seconds_per_permutation") or 5 * res["seconds_per_fold"]
        log(f"resuming after {len(null_f1)} permutations of {os.path.join(reports, 'finetune.json')}")
    else:
        res, obs_f1, obs_auc, per_perm = observed_runs(net, acts, offsets, y, folds_per_seed, args, repro, cache_s, log)
        null_f1, null_auc = [], []
    stop = None
    if args.stop_at:
        hh, mm = map(int, args.stop_at.split(":"))
        now = dt.datetime.utcnow()
        stop = now.replace(hour=hh, minute=mm, second=0, microsecond=0)
    rng = np.random.default_rng(12345)
    for _ in range(len(null_f1)):      # resumed: the shuffles already used, drawn again so that the next ones are new
        for tr, _te in folds:
            rng.permutation(y[tr])

    def finish():
        res["permutation"] = {
            "n": len(null_f1), "observed_macro_f1": obs_f1, "observed_macro_auc": obs_auc,
            "null_macro_f1": null_f1, "null_macro_auc": null_auc, "full_precision": True,
            "p_macro_f1": E.permutation_p(obs_f1, np.array(null_f1)) if null_f1 else None,
            "p_macro_auc": E.permutation_p(obs_auc, np.array(null_auc)) if null_auc else None}
        res["seconds_per_permutation"] = per_perm if null_f1 else None
        res["finished_utc"] = f"{dt.datetime.utcnow():%Y-%m-%d %H:%M} UTC"
        write_report(res, reports)

    finish()
    while len(null_f1) < args.max_perm:
        if stop is not None and dt.datetime.utcnow() + dt.timedelta(seconds=1.1 * per_perm) > stop:
            break
        t = time.perf_counter()
        fm_p = []  # each fold trains on its own shuffle of its training labels
        for fi, (tr, te_f) in enumerate(folds):
            lab = y.copy()
            lab[tr] = rng.permutation(y[tr])
            prob, _ = train_predict(net, acts, offsets, lab, tr, te_f, args.epochs, seed=100 * perm_seed + fi)
            fm_p.append(M.classification_metrics(y[te_f], prob))
        null_f1.append(fold_mean(fm_p, "macro_f1"))
        null_auc.append(fold_mean(fm_p, "macro_auc"))
        per_perm = time.perf_counter() - t
        log(f"permutation {len(null_f1)}: macro-F1 {null_f1[-1]:.3f} AUC {null_auc[-1]:.3f} ({per_perm:.0f} s)")
        finish()
    log(f"done: {res['verdict']}")
    if os.path.exists(os.path.join(reports, "metrics.json")):   # the study report's table and Holm family include it
        from . import report

        report.rewrite_markdown(reports)
        log(f"rewrote {os.path.join(reports, 'report.md')}")


if __name__ == "__main__":
    main()
