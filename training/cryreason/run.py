"""Runs the whole cry-reason study: data, both protocols, every variant, permutation tests, plots, report, export.

    /usr/bin/python3 -m cryreason.run --config small|full [--assets ../shared] [--artifacts artifacts]

(from training/). ``small`` is the CI configuration run by scripts/setup.d/50-cryreason.sh; ``full`` is the documented
full-size run (scripts/train-cryreason.sh). Outputs: artifacts/reports/cryreason/ (metrics.json, report.md, *.png),
artifacts/models/cryreason_head.onnx, artifacts/models/cryreason_folds/, artifacts/models/cryreason_reliability.json,
artifacts/models/cryreason_parity.json.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import torch

from . import LABELS
from . import data as D
from . import evaluate as E
from . import features as F
from . import metrics as M
from . import models as Mo
from . import splits as S

PAPER_SEED = 42


@dataclass
class Config:
    name: str
    cnn_epochs: int = 20
    wave_epochs: int = 20
    n_perm: int = 200                 # permutations for the fast heads (observed + n_perm label sets)
    grouped_seeds: tuple = (0, 1, 2)
    cnn_grouped_seeds: int = 3        # grouped seeds (of grouped_seeds) the study head and its variants run on
    wave_grouped_seeds: int = 3       # grouped seeds the raw-waveform baseline runs on
    cnn_variants: tuple = ("none", "class", "balanced")   # weightings of the study head that run
    cnn_variant_protocols: tuple = ("paper", "grouped")   # protocols the weighted CNN variants run on
    wave_protocols: tuple = ("paper", "grouped")
    logreg_seeds: int = 3             # grouped seeds the (slower) logistic-regression variant runs on
    n_boot: int = 1000
    nested: bool = True
    lbfgs_iters: int = 40


CONFIGS = {
    "full": Config("full"),
    "small": Config("small", cnn_epochs=3, wave_epochs=1, n_perm=30, grouped_seeds=(0,), cnn_grouped_seeds=1,
                    cnn_variants=("none",), wave_protocols=("paper",), logreg_seeds=1, n_boot=200, lbfgs_iters=25),
}

# fast linear variants, each scored on its own with its permutation null; the first is the shipped head
LINEAR_VARIANTS = [
    E.LinearSpec("yamnet_pooled_lda_calibrated", ("yamnet",), "lda", shrinkage=0.5, calibrate=True),
    E.LinearSpec("yamnet_pooled_lda_balanced", ("yamnet",), "lda", shrinkage=0.5, balanced=True),
    E.LinearSpec("yamnet_pooled_lda_prior", ("yamnet",), "lda", shrinkage=0.5, balanced=False),
    E.LinearSpec("yamnet_patch_lda_balanced_meanpool", ("yamnet",), "lda", shrinkage=0.5, balanced=True,
                 level="patch"),
    E.LinearSpec("logmel_pooled_lda_balanced", ("logmel",), "lda", shrinkage=0.5, balanced=True),
    E.LinearSpec("acoustic_lda_balanced", ("acoustic",), "lda", shrinkage=0.5, balanced=True),
    E.LinearSpec("yamnet+acoustic_lda_balanced", ("yamnet", "acoustic"), "lda", shrinkage=0.5, balanced=True),
    E.LinearSpec("yamnet_pooled_logreg_balanced", ("yamnet",), "logreg", l2=10.0, balanced=True),
]
SHIPPED = LINEAR_VARIANTS[0]
# the nested-selection grid: feature sets x shrinkage, chosen inside each outer training fold
NESTED_GRID = [E.LinearSpec(f"{'+'.join(fs)}_lda_shrink={a:g}", fs, "lda", shrinkage=a, balanced=True)
               for fs in (("yamnet",), ("acoustic",), ("yamnet", "acoustic"), ("logmel",))
               for a in (0.1, 0.5, 0.9)]
CNN_VARIANTS = {"none": "study_cnn_head", "class": "cnn_head_class_weighted", "balanced": "cnn_head_balanced_sampling"}


def log(msg):
    print(f"[cryreason {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def summarize(y, groups, runs_per_seed, n_boot, seed=0, pooled_override=None):
    """Fold metrics summary + pooled out-of-fold metrics + cluster-bootstrap CI (groups) for label set 0."""
    fold_metrics, pooled = E.score_runs(y, runs_per_seed)
    covered = np.zeros(len(y), bool)
    for r in runs_per_seed[0]:
        covered[r[0]] = True
    idx = np.flatnonzero(covered)
    out = {"folds": M.summarize_folds(fold_metrics), "fold_metrics": fold_metrics}
    out["pooled"] = [M.classification_metrics(np.asarray(y)[idx], P[idx]) for P in pooled]
    g = None if groups is None else np.asarray(groups)[idx]
    out["bootstrap95"] = M.bootstrap_ci(np.asarray(y)[idx], [P[idx] for P in pooled], groups=g, n_boot=n_boot,
                                        seed=seed)
    return out, pooled


def add_permutation(entry, y, runs_per_seed):
    f1, auc = E.null_scores(y, runs_per_seed)
    entry["permutation"] = {
        "n_permutations": int(len(f1) - 1),
        "statistic": "mean over folds (and seeds) of macro-F1 / macro AUC, training labels shuffled inside folds",
        "observed_macro_f1": float(f1[0]), "observed_macro_auc": float(auc[0]),
        "p_macro_f1": E.permutation_p(f1[0], f1[1:]), "p_macro_auc": E.permutation_p(auc[0], auc[1:]),
        "null_macro_f1": f1[1:].tolist(), "null_macro_auc": auc[1:].tolist(),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", choices=sorted(CONFIGS), default="small")
    ap.add_argument("--assets", default=os.environ.get("INFANTCRY_ASSETS", "../shared"))
    ap.add_argument("--artifacts", default=os.environ.get("INFANTCRY_ARTIFACTS", "artifacts"))
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    cfg = CONFIGS[args.config]
    torch.set_num_threads(args.threads)
    t_start = time.perf_counter()
    art = os.path.abspath(args.artifacts)
    cache = os.path.join(art, "cache", "cryreason")
    reports = os.path.join(art, "reports", "cryreason")
    models_dir = os.path.join(art, "models")
    os.makedirs(reports, exist_ok=True)
    timings = {}

    # ---- data and representations
    t = time.perf_counter()
    clips = D.list_clips(args.assets)
    names = [c.name for c in clips]
    y = np.array([c.label for c in clips])
    groups = np.array([c.group for c in clips])
    waves = D.load_waveforms(clips, cache)
    timings["load_resample_s"] = time.perf_counter() - t
    log(f"{len(clips)} clips, {len(set(groups))} installs, classes {np.bincount(y).tolist()}")
    t = time.perf_counter()
    yam = F.YamnetSource.from_assets(args.assets)
    emb = F.yamnet_corpus(yam, waves, clips, art, cache, log)
    timings["yamnet_embeddings_s"] = time.perf_counter() - t
    t = time.perf_counter()
    lm = F.embed_corpus(F.LogMelPatchSource(), waves, names, cache)
    ac = F.acoustic_corpus(waves, names, cache)
    ac = np.nan_to_num(ac)
    timings["other_features_s"] = time.perf_counter() - t
    X_seq, mask = F.to_sequences(emb)
    L_seq, lmask = F.to_sequences(lm)
    blocks = {"yamnet": F.pooled(X_seq, mask), "logmel": F.pooled(L_seq, lmask), "acoustic": ac}
    patch_blocks = {"yamnet": (X_seq, mask)}
    W = D.fixed_length(waves, Mo.WAVE_LEN)
    n_patches = np.bincount([len(e) for e in emb]).tolist()
    log(f"representations ready; YAMNet patches per clip histogram {n_patches}")

    protocols = {
        "paper": {"description": f"stratified random 80:20 file split (seed {PAPER_SEED}), the study's protocol",
                  "folds": [S.stratified_random_split(y, 0.2, PAPER_SEED)], "groups_for_ci": None},
        "grouped": {"description": f"stratified group 5-fold by app install, seeds {list(cfg.grouped_seeds)}",
                    "folds": [S.stratified_group_kfold(y, groups, 5, s) for s in cfg.grouped_seeds],
                    "groups_for_ci": groups},
    }
    results = {"config": asdict(cfg), "labels": list(LABELS), "n_clips": len(clips), "n_installs": int(len(set(groups))),
               "class_counts": np.bincount(y).tolist(), "patches_per_clip_histogram": n_patches,
               "sequence_length": F.SEQ_LEN, "protocols": {}}
    curves = {}
    # CNN trainings (the study head, its weighted variants, the waveform baseline) go to a worker process
    import concurrent.futures as cf
    import multiprocessing as mp

    pool = cf.ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn"))
    cnn_jobs = {}
    for weighting in cfg.cnn_variants:
        for pname, proto in protocols.items():
            if weighting != "none" and pname not in cfg.cnn_variant_protocols:
                continue
            folds = proto["folds"][:cfg.cnn_grouped_seeds]
            cnn_jobs[(pname, CNN_VARIANTS[weighting])] = (folds, pool.submit(
                E.cnn_job, X_seq, y, folds, weighting, cfg.cnn_epochs, False, 1))
        if weighting == "none":
            for pname in cfg.wave_protocols:
                folds = protocols[pname]["folds"][:cfg.wave_grouped_seeds]
                cnn_jobs[(pname, "waveform_cnn_baseline")] = (folds, pool.submit(
                    E.cnn_job, W, y, folds, "none", cfg.wave_epochs, True, 1))
    torch.set_num_threads(1)
    for pname, proto in protocols.items():
        folds_per_seed = proto["folds"]
        res = {"description": proto["description"], "n_folds": sum(len(f) for f in folds_per_seed),
               "baselines": E.baselines(y, folds_per_seed), "variants": {}}
        gci = proto["groups_for_ci"]
        # fast linear variants with permutation nulls
        for spec in LINEAR_VARIANTS:
            t = time.perf_counter()
            fs = folds_per_seed[:cfg.logreg_seeds] if spec.model == "logreg" else folds_per_seed
            runs = [E.cv_linear(blocks, patch_blocks, spec, y, folds, n_perm=cfg.n_perm, seed=si, iters=cfg.lbfgs_iters,
                                groups=groups) for si, folds in enumerate(fs)]
            entry, _ = summarize(y, gci, runs, cfg.n_boot)
            add_permutation(entry, y, runs)
            entry["train_seconds"] = time.perf_counter() - t
            entry["spec"] = asdict(spec)
            entry["folds_run"] = sum(len(f) for f in fs)
            res["variants"][spec.name] = entry
            pm = entry["permutation"]
            log(f"{pname} {spec.name}: macro-F1 {pm['observed_macro_f1']:.3f} (p {pm['p_macro_f1']:.3f}) "
                f"AUC {pm['observed_macro_auc']:.3f} (p {pm['p_macro_auc']:.3f}) ({entry['train_seconds']:.0f} s)")
        # nested selection (grouped only: selection must be kept apart from the scored folds)
        if pname == "grouped" and cfg.nested:
            t = time.perf_counter()
            runs, choices = [], []
            for si, folds in enumerate(folds_per_seed):
                out = E.nested_select(blocks, patch_blocks, NESTED_GRID, y, groups, folds, n_perm=cfg.n_perm,
                                      seed=si, iters=cfg.lbfgs_iters)
                runs.append([(te, probs) for te, probs, _ in out])
                choices.extend(int(c[0]) for _, _, c in out)
            entry, _ = summarize(y, gci, runs, cfg.n_boot)
            add_permutation(entry, y, runs)
            entry["train_seconds"] = time.perf_counter() - t
            entry["grid"] = [s.name for s in NESTED_GRID]
            entry["chosen_per_outer_fold"] = [NESTED_GRID[c].name for c in choices]
            res["variants"]["nested_selected_linear"] = entry
            pm = entry["permutation"]
            log(f"grouped nested selection: macro-F1 {pm['observed_macro_f1']:.3f} (p {pm['p_macro_f1']:.3f}) "
                f"AUC {pm['observed_macro_auc']:.3f} (p {pm['p_macro_auc']:.3f}); chose {entry['chosen_per_outer_fold']}")
        results["protocols"][pname] = res

    for (pname, vname), (folds, fut) in cnn_jobs.items():
        runs, hist, secs = fut.result()
        entry, _ = summarize(y, protocols[pname]["groups_for_ci"], runs, cfg.n_boot)
        entry["train_seconds"] = secs
        entry["folds_run"] = sum(len(f) for f in folds)
        entry["epochs"] = cfg.wave_epochs if vname == "waveform_cnn_baseline" else cfg.cnn_epochs
        results["protocols"][pname]["variants"] = {vname: entry, **results["protocols"][pname]["variants"]}
        curves[(pname, vname)] = hist
        log(f"{pname} {vname}: macro-F1 {entry['folds']['macro_f1']['mean']:.3f} "
            f"AUC {entry['folds']['macro_auc']['mean']:.3f} ({secs:.0f} s training, {entry['folds_run']} folds)")
    pool.shutdown()

    # ---- export, plots, report
    from . import export, report

    t = time.perf_counter()
    export_info = export.export_all(results, blocks, X_seq, mask, y, names, protocols, SHIPPED, waves, yam,
                                    models_dir, cfg, groups)
    results["export"] = export_info
    timings["export_s"] = time.perf_counter() - t
    timings["total_s"] = time.perf_counter() - t_start
    results["timings"] = timings
    report.write_all(results, curves, reports)
    log(f"done in {timings['total_s']:.0f} s; report in {reports}")
    return results


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
