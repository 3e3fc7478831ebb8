"""Permutation tests of the CNN models under the grouped protocol: the study's head (and its class-weighted and
balanced-sampling variants) on YAMNet patch embeddings, and the raw-waveform baseline.

    /usr/bin/python3 -m cryreason.cnn_permutation [--variant NAME ...] [--n-perm 200] [--seeds 0] [--epochs 20]
                                                  [--threads 2] [--assets DIR] [--artifacts DIR]

Per grouped fold, the true training labels (row 0) and ``--n-perm`` shuffles of them inside the training fold are
trained together (``cryreason.batched``: each model is trained exactly as ``models.fit_torch`` trains one, from its own
random initialisation); every label set is scored against the untouched test labels. The statistic is the mean over
folds (and seeds) of macro-F1 and macro one-vs-rest AUC; p = (1 + #null >= observed) / (1 + n). The observed row is
part of the same batched procedure as its null, so it is a fresh training of the study's procedure, not the
``cryreason.run`` model of the same fold (same procedure, other random initialisation).

Each finished fold is cached in artifacts/cache/cryreason/permutation/ (an interrupted run resumes). Writes
artifacts/reports/cryreason/permutation_<variant>.{json,png} and cnn_permutation.md (all variants present).
Uses the corpus caches of ``cryreason.run`` when they exist.
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
import torch

from . import LABELS
from . import batched as B
from . import data as D
from . import evaluate as E
from . import features as F
from . import metrics as M
from . import splits as S
from .models import N_CLASSES, WAVE_LEN, CryHead, WaveformCNN

# name -> (input, weighting, models trained at once); chunks bound memory: a waveform chunk of 25 models holds
# ~1.5 GB of activations per minibatch
VARIANTS = {
    "study_cnn_head": ("yamnet", "none", 25),
    "cnn_head_class_weighted": ("yamnet", "class", 25),
    "cnn_head_balanced_sampling": ("yamnet", "balanced", 25),
    "waveform_cnn_baseline": ("waveform", "none", 25),
}
TITLES = {
    "study_cnn_head": "study CNN head (YAMNet patch embeddings)",
    "cnn_head_class_weighted": "CNN head, class-weighted loss",
    "cnn_head_balanced_sampling": "CNN head, class-balanced sampling",
    "waveform_cnn_baseline": "raw-waveform CNN baseline (no transfer)",
}


def log(msg):
    print(f"[cnn-permutation {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def _cached(cache_file, Y, te):
    if os.path.exists(cache_file):
        with np.load(cache_file) as z:
            if np.array_equal(z["train_labels"], Y) and np.array_equal(z["test"], te):
                return z["probs"]
    return None


def fold_probabilities(X, y, tr, te, make, n_perm, rng, *, epochs, weighting, chunk, seed, cache_file, worker=False):
    """[1 + n_perm, len(te), C] test probabilities, row 0 trained on the true labels (cached per fold).

    ``worker``: only train folds nobody has claimed (a ``.lock`` file next to the cache file, created atomically),
    so that several processes can share one variant's folds; returns None for folds left to others."""
    Y = E.permuted_label_sets(y, tr, n_perm, rng)      # drawn even when cached: later folds see the same stream
    probs = _cached(cache_file, Y, te)
    if probs is not None:
        return probs
    if worker:
        os.makedirs(os.path.dirname(cache_file), exist_ok=True)
        try:
            os.close(os.open(cache_file + ".lock", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return None
    torch.manual_seed(seed)
    templates = [make() for _ in Y]
    predict = B.fit_batched(templates, X[tr], Y, epochs=epochs, seed=seed, weighting=weighting, chunk=chunk)
    probs = predict(X[te])
    os.makedirs(os.path.dirname(cache_file), exist_ok=True)
    tmp = cache_file + ".tmp.npz"
    np.savez(tmp, probs=probs, train_labels=Y, test=te)
    os.replace(tmp, cache_file)
    if worker:
        os.remove(cache_file + ".lock")
    return probs


def run_variant(name, X, y, groups, seeds, n_perm, epochs, cache_dir, worker=False):
    kind, weighting, chunk = VARIANTS[name]
    make = (lambda: WaveformCNN()) if kind == "waveform" else (lambda: CryHead(X.shape[2]))
    runs_per_seed, fold_metrics, fold_baselines = [], [], []
    t0 = time.perf_counter()
    for si in seeds:
        folds = S.stratified_group_kfold(y, groups, 5, si)
        rng = np.random.default_rng(1234 + si)
        runs = []
        for fi, (tr, te) in enumerate(folds):
            t = time.perf_counter()
            cache_file = os.path.join(cache_dir, f"{name}-seed{si}-fold{fi}-perm{n_perm}-epochs{epochs}.npz")
            probs = fold_probabilities(X, y, tr, te, make, n_perm, rng, epochs=epochs, weighting=weighting,
                                       chunk=chunk, seed=100 * si + fi, cache_file=cache_file, worker=worker)
            if probs is None:
                log(f"{name} seed {si} fold {fi}: claimed by another worker")
                continue
            runs.append((te, probs))
            fold_metrics.append(M.classification_metrics(y[te], probs[0]))
            log(f"{name} seed {si} fold {fi}: macro-F1 {fold_metrics[-1]['macro_f1']:.3f} "
                f"AUC {fold_metrics[-1]['macro_auc']:.3f} ({time.perf_counter() - t:.0f} s)")
        runs_per_seed.append(runs)
        fold_baselines.append(folds)
    if worker:
        return None
    f1, auc = E.null_scores(y, runs_per_seed)
    n_models = len(seeds) * 5 * (n_perm + 1)
    return {
        "variant": name, "title": TITLES[name], "weighting": weighting, "input": kind,
        "protocol": f"stratified group 5-fold by app install, seeds {list(seeds)}", "epochs": epochs,
        "n_permutations": n_perm, "seconds": time.perf_counter() - t0,
        "seconds_per_model": (time.perf_counter() - t0) / n_models, "threads": torch.get_num_threads(),
        "observed_folds": M.summarize_folds(fold_metrics),
        "baselines_same_folds": E.baselines(y, fold_baselines),
        "observed_macro_f1": float(f1[0]), "observed_macro_auc": float(auc[0]),
        "p_macro_f1": E.permutation_p(f1[0], f1[1:]), "p_macro_auc": E.permutation_p(auc[0], auc[1:]),
        "null_macro_f1": np.round(f1[1:], 5).tolist(), "null_macro_auc": np.round(auc[1:], 5).tolist(),
    }


def plot(res, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
    for ax, key, lab in ((axes[0], "macro_f1", "macro-F1"), (axes[1], "macro_auc", "macro ROC AUC")):
        ax.hist(res["null_" + key], bins=25, color="0.6", label=f"null ({res['n_permutations']} shuffles)")
        ax.axvline(res["observed_" + key], color="C3", lw=2,
                   label=f"observed {res['observed_' + key]:.3f}, p = {res['p_' + key]:.3f}")
        if key == "macro_f1":
            for b, c in (("always_hungry", "C0"), ("prior_guessing", "C2")):
                v = res["baselines_same_folds"][b]["macro_f1"]["mean"]
                ax.axvline(v, color=c, ls="--", lw=1, label=f"{b.replace('_', ' ')} {v:.3f}")
        else:
            ax.axvline(0.5, color="C0", ls="--", lw=1, label="chance 0.5")
        ax.set_title(f"{res['title']}: {lab}", fontsize=9)
        ax.set_xlabel(f"grouped fold-mean {lab}")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_markdown(reports):
    rows = []
    for name in VARIANTS:
        path = os.path.join(reports, f"permutation_{name}.json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            r = json.load(f)
        fm = r["observed_folds"]
        hung = r["baselines_same_folds"]["always_hungry"]["macro_f1"]["mean"]
        prior = r["baselines_same_folds"]["prior_guessing"]["macro_f1"]["mean"]
        rows.append(f"| {r['title']} | {r['protocol'].split('seeds ')[1]} | {r['epochs']} | "
                    f"{fm['macro_f1']['mean']:.3f} ± {fm['macro_f1']['std']:.3f} | "
                    f"{fm['macro_auc']['mean']:.3f} ± {fm['macro_auc']['std']:.3f} | {hung:.3f} / {prior:.3f} | "
                    f"{r['n_permutations']} | {r['p_macro_f1']:.3f} / {r['p_macro_auc']:.3f} | "
                    f"{r['seconds_per_model']:.2f} s |")
    text = "\n".join([
        "# Permutation tests of the CNN models (grouped protocol)", "",
        "Stratified group 5-fold by app install. Per fold, the true training labels and N shuffles of them inside the",
        "training fold are each trained by the study's procedure (`cryreason.batched`, exact to `models.fit_torch`);",
        "all are scored against the untouched test labels. The statistic is the fold-mean macro-F1 / macro AUC;",
        "p = (1 + #null >= observed) / (1 + N). p < 0.05 is necessary for calling a model better than chance, not",
        "sufficient: report.md's verdict also asks for the AUC, a Holm correction over every variant tested and a",
        "macro-F1 above the trivial baselines (a class-weighted model trained on shuffled labels scores below them).", "",
        "| model | seeds | epochs | macro-F1 | macro AUC | always-hungry / prior F1 | N | p F1 / AUC | per model |",
        "|---|---|---|---|---|---|---|---|---|", *rows, ""])
    with open(os.path.join(reports, "cnn_permutation.md"), "w") as f:
        f.write(text)
    return text


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variant", action="append", choices=list(VARIANTS), help="default: all four")
    ap.add_argument("--n-perm", type=int, default=200)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--worker", action="store_true",
                    help="train and cache the folds no other worker has claimed, write no report (run several, then "
                         "once without --worker to assemble; a killed worker leaves a .lock file to delete)")
    ap.add_argument("--assets", default=os.environ.get("INFANTCRY_ASSETS", "../shared"))
    ap.add_argument("--artifacts", default=os.environ.get("INFANTCRY_ARTIFACTS", "artifacts"))
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    art = os.path.abspath(args.artifacts)
    cache = os.path.join(art, "cache", "cryreason")
    reports = os.path.join(art, "reports", "cryreason")
    os.makedirs(reports, exist_ok=True)
    clips = D.list_clips(args.assets)
    y = np.array([c.label for c in clips])
    groups = np.array([c.group for c in clips])
    waves = D.load_waveforms(clips, cache)
    inputs = {}
    for name in args.variant or list(VARIANTS):
        kind = VARIANTS[name][0]
        if kind not in inputs:
            if kind == "waveform":
                inputs[kind] = D.fixed_length(waves, WAVE_LEN)
            else:
                emb = F.yamnet_corpus(F.YamnetSource.from_assets(args.assets), waves, clips, art, cache, log)
                inputs[kind] = F.to_sequences(emb)[0]
        res = run_variant(name, inputs[kind], y, groups, args.seeds, args.n_perm, args.epochs,
                          os.path.join(cache, "permutation"), args.worker)
        if res is None:
            continue
        with open(os.path.join(reports, f"permutation_{name}.json"), "w") as f:
            json.dump(res, f, indent=1)
        plot(res, os.path.join(reports, f"permutation_{name}.png"))
        log(f"{name}: macro-F1 {res['observed_macro_f1']:.3f} (p {res['p_macro_f1']:.3f}), AUC "
            f"{res['observed_macro_auc']:.3f} (p {res['p_macro_auc']:.3f}), {res['n_permutations']} permutations, "
            f"{res['seconds']:.0f} s")
    if not args.worker:
        print(write_markdown(reports))


if __name__ == "__main__":
    main()
