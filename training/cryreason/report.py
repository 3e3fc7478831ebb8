"""Plots (PNG), metrics JSON and the markdown report for a run of cryreason.run."""
from __future__ import annotations

import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from . import LABELS  # noqa: E402

SHORT = ["hungry", "discomf.", "tired", "belly", "burping"]


def _curves(curves, protocol, variant, path, title):
    hs = curves.get((protocol, variant))
    if not hs:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, key, lab in ((axes[0], "loss", "loss"), (axes[1], "accuracy", "accuracy")):
        tr = np.array([h[key] for h in hs])
        va = np.array([h["val_" + key] for h in hs])
        ep = np.arange(1, tr.shape[1] + 1)
        for arr, name, col in ((tr, "train", "C0"), (va, "validation (test fold)", "C1")):
            ax.plot(ep, arr.mean(0), color=col, label=name)
            if len(hs) > 1:
                ax.fill_between(ep, arr.mean(0) - arr.std(0), arr.mean(0) + arr.std(0), color=col, alpha=0.2)
        ax.set_xlabel("epoch")
        ax.set_ylabel(lab)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title + (f" (mean ± std over {len(hs)} folds)" if len(hs) > 1 else ""))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return os.path.basename(path)


def _confusions(res, variants, path, title):
    vs = [v for v in variants if v in res["variants"]]
    fig, axes = plt.subplots(1, len(vs) + 1, figsize=(3.6 * (len(vs) + 1), 4.2))
    mats = [("always hungry", np.array(res["baselines"]["always_hungry"]["confusion_matrix_sum"]))]
    mats = [(v, np.array(res["variants"][v]["folds"]["confusion_matrix_sum"])) for v in vs] + mats
    for ax, (name, cm) in zip(axes, mats):
        rows = cm / np.maximum(cm.sum(1, keepdims=True), 1)
        ax.imshow(rows, vmin=0, vmax=1, cmap="Blues")
        for i in range(cm.shape[0]):
            for j in range(cm.shape[1]):
                ax.text(j, i, f"{int(round(cm[i, j]))}", ha="center", va="center", fontsize=8,
                        color="white" if rows[i, j] > 0.5 else "black")
        ax.set_xticks(range(5), SHORT, rotation=45, fontsize=8)
        ax.set_yticks(range(5), SHORT, fontsize=8)
        ax.set_xlabel("predicted")
        ax.set_title(name.replace("_", " "), fontsize=9)
    axes[0].set_ylabel("true")
    fig.suptitle(title + " (counts summed over test folds; colour = row share)", fontsize=10)
    fig.tight_layout(rect=(0, 0.02, 1, 0.97))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return os.path.basename(path)


def _nulls(res, path, title):
    # tests with their null in this run; the CNN permutation tests have their own figures (permutation_<variant>.png)
    vs = [(k, v["permutation"]) for k, v in res["variants"].items() if "null_macro_f1" in v.get("permutation", {})]
    if not vs:
        return None
    fig, axes = plt.subplots(len(vs), 2, figsize=(10, 2.1 * len(vs)), squeeze=False)
    for r, (name, pm) in enumerate(vs):
        for c, (key, lab) in enumerate((("macro_f1", "macro-F1"), ("macro_auc", "macro ROC AUC"))):
            ax = axes[r, c]
            ax.hist(pm["null_" + key], bins=30, color="0.6")
            ax.axvline(pm["observed_" + key], color="C3", lw=2,
                       label=f"observed {pm['observed_' + key]:.3f}, p = {pm['p_' + key]:.3f}")
            ax.set_title(f"{name.replace('_', ' ')}: {lab} (null of {pm['n_permutations']})", fontsize=8)
            ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return os.path.basename(path)


def _summary_plot(results, path):
    fig, axes = plt.subplots(1, 2, figsize=(12, 0.42 * max(len(v["variants"]) for v in results["protocols"].values()) + 2.2))
    for ax, key, lab in ((axes[0], "macro_f1", "macro-F1"), (axes[1], "macro_auc", "macro ROC AUC")):
        ylab, k = [], 0
        for pi, (pname, res) in enumerate(results["protocols"].items()):
            for vname, v in res["variants"].items():
                m = v["folds"][key]["mean"]
                lo, hi = v["bootstrap95"][key] if "bootstrap95" in v else (m, m)
                ax.errorbar(m, k, xerr=[[max(0, m - lo)], [max(0, hi - m)]], fmt="o", color=f"C{pi}")
                ylab.append(f"{pname}: {vname}")
                k += 1
        base = results["protocols"]["grouped"]["baselines"]
        ax.axvline(base["always_hungry"][key]["mean"], color="k", ls="--", lw=1, label="always hungry (grouped)")
        ax.axvline(base["prior_guessing"][key]["mean"], color="0.5", ls=":", lw=1, label="prior guessing (grouped)")
        ax.set_yticks(range(len(ylab)), ylab if key == "macro_f1" else [""] * len(ylab), fontsize=7)
        ax.set_xlabel(lab)
        ax.set_title(f"{lab}: fold mean, bar = 95% bootstrap interval", fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return os.path.basename(path)


def _fmt(v, key):
    f = v["folds"][key]
    sd = f" ± {f['std']:.3f}" if len(v.get("fold_metrics", [])) > 1 else ""
    if "bootstrap95" not in v:      # the fine-tuning variant (cryreason.finetune computes no bootstrap)
        return f"{f['mean']:.3f}{sd}"
    lo, hi = v["bootstrap95"][key]
    return f"{f['mean']:.3f}{sd} [{lo:.3f}, {hi:.3f}]"


def holm(pvals: dict) -> dict:
    """Holm-Bonferroni adjusted p-values (family = the dict's entries)."""
    items = sorted(pvals.items(), key=lambda kv: kv[1])
    m, out, run = len(items), {}, 0.0
    for i, (k, p) in enumerate(items):
        run = max(run, min(1.0, (m - i) * p))
        out[k] = run
    return out


def add_multiplicity(results):
    """Per protocol, Holm-adjusts the permutation p-values over every variant that has one (the family of tests we
    ran), and flags whether each variant's fold-mean macro-F1 beats always-hungry's."""
    for res in results["protocols"].values():
        base = res["baselines"]["always_hungry"]["macro_f1"]["mean"]
        tested = {k: v["permutation"] for k, v in res["variants"].items() if "permutation" in v}
        for key in ("p_macro_f1", "p_macro_auc"):
            adj = holm({k: pm[key] for k, pm in tested.items()})
            for k, pm in tested.items():
                pm["holm_" + key] = adj[k]
        for v in res["variants"].values():
            v["beats_always_hungry_macro_f1"] = bool(v["folds"]["macro_f1"]["mean"] > base)


def merge_cnn_permutations(results, out_dir):
    """Attaches the CNN permutation tests of ``cryreason.cnn_permutation`` (permutation_<variant>.json, when they have
    run) to the grouped protocol's variants, so that the table, the verdict and the Holm family include them. Their
    observed figures are those of the permutation run's own training (its seeds), which the table says."""
    from .cnn_permutation import VARIANTS

    grouped = results["protocols"].get("grouped", {}).get("variants", {})
    for v in grouped.values():      # a metrics.json written earlier holds the tests merged then: only the files count
        if v.get("permutation", {}).get("source") == "cryreason.cnn_permutation":
            del v["permutation"]
    for name in VARIANTS:
        path = os.path.join(out_dir, f"permutation_{name}.json")
        if name not in grouped or not os.path.exists(path):
            continue
        with open(path) as f:
            r = json.load(f)
        cfg = results.get("config", {})
        if r["epochs"] != cfg.get("wave_epochs" if VARIANTS[name][0] == "waveform" else "cnn_epochs"):
            continue    # a test of another configuration (say the full one beside a CI run): not this table's model
        grouped[name]["permutation"] = {
            "n_permutations": r["n_permutations"], "source": "cryreason.cnn_permutation", "protocol": r["protocol"],
            "epochs": r["epochs"], "observed_macro_f1": r["observed_macro_f1"],
            "observed_macro_auc": r["observed_macro_auc"], "p_macro_f1": r["p_macro_f1"], "p_macro_auc": r["p_macro_auc"],
            "png": f"permutation_{name}.png"}


FINETUNE_VARIANT = "finetune_yamnet_top_layers"


def merge_finetune(results, out_dir):
    """Adds the "fine-tune YAMNet's top layers" variant of ``cryreason.finetune`` (finetune.json, when it has run on
    this report's grouped seeds and has permutations) to the grouped protocol, so that the table, the verdict and the
    Holm family include it, and draws its null (permutation_finetune.png). Its cells have no bootstrap interval
    (finetune.py computes none); its permutation test, like the CNN models', is on the folds of the first seed."""
    grouped = results["protocols"].get("grouped", {}).get("variants")
    if grouped is None:
        return
    grouped.pop(FINETUNE_VARIANT, None)     # a metrics.json written earlier may hold the variant merged then
    path = os.path.join(out_dir, "finetune.json")
    if not os.path.exists(path):
        return
    with open(path) as f:
        r = json.load(f)
    pm = r.get("permutation") or {}
    if r["grouped"]["seeds"] != results.get("config", {}).get("grouped_seeds") or not pm.get("n"):
        return
    perm = {"n_permutations": pm["n"], "source": "cryreason.finetune",
            "protocol": f"stratified group 5-fold by app install, seeds [{r['grouped']['seeds'][0]}]",
            "epochs": r["epochs"], "observed_macro_f1": pm["observed_macro_f1"],
            "observed_macro_auc": pm["observed_macro_auc"], "p_macro_f1": pm["p_macro_f1"],
            "p_macro_auc": pm["p_macro_auc"], "png": "permutation_finetune.png"}
    grouped[FINETUNE_VARIANT] = {"folds": r["grouped"]["summary"], "fold_metrics": r["grouped"]["folds"],
                                 "epochs": r["epochs"], "spec": r["protocol"], "permutation": perm}
    from .cnn_permutation import plot

    plot({**perm, "null_macro_f1": pm["null_macro_f1"], "null_macro_auc": pm["null_macro_auc"],
          "title": "fine-tuned YAMNet top layers (baselines: seed means)",
          "baselines_same_folds": r["grouped_baselines"]}, os.path.join(out_dir, perm["png"]))


def rewrite_markdown(out_dir):
    """Rewrites report.md from metrics.json (and the CNN permutation tests when present) without recomputing anything."""
    with open(os.path.join(out_dir, "metrics.json")) as f:
        results = json.load(f)
    merge_cnn_permutations(results, out_dir)
    merge_finetune(results, out_dir)
    add_multiplicity(results)
    with open(os.path.join(out_dir, "report.md"), "w") as f:
        f.write(markdown(results))


def write_all(results, curves, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    merge_cnn_permutations(results, out_dir)
    merge_finetune(results, out_dir)
    add_multiplicity(results)
    with open(os.path.join(out_dir, "metrics.json"), "w") as f:     # first, so that a failing plot loses no results
        json.dump(results, f, indent=1, default=float)
    pngs = {}
    for p in results["protocols"]:
        pngs[f"curves_study_{p}"] = _curves(curves, p, "study_cnn_head", os.path.join(out_dir, f"curves_study_head_{p}.png"),
                                            f"YAMNet + Conv1D head, {p} protocol")
        pngs[f"curves_wave_{p}"] = _curves(curves, p, "waveform_cnn_baseline",
                                           os.path.join(out_dir, f"curves_waveform_baseline_{p}.png"),
                                           f"raw-waveform CNN baseline, {p} protocol")
        pngs[f"confusion_{p}"] = _confusions(results["protocols"][p],
                                             ["study_cnn_head", "waveform_cnn_baseline", "yamnet_pooled_lda_balanced",
                                              "nested_selected_linear"],
                                             os.path.join(out_dir, f"confusion_{p}.png"), f"{p} protocol")
        pngs[f"null_{p}"] = _nulls(results["protocols"][p], os.path.join(out_dir, f"permutation_{p}.png"),
                                   f"permutation nulls, {p} protocol (labels shuffled inside training folds)")
    pngs["summary"] = _summary_plot(results, os.path.join(out_dir, "summary.png"))
    results["pngs"] = {k: v for k, v in pngs.items() if v}
    with open(os.path.join(out_dir, "metrics.json"), "w") as f:
        json.dump(results, f, indent=1, default=float)
    with open(os.path.join(out_dir, "report.md"), "w") as f:
        f.write(markdown(results))


def markdown(results) -> str:
    cfg = results["config"]
    L = [f"# Cry reason: reproduction of the YAMNet study and grouped evaluation ({cfg['name']} configuration)", ""]
    L.append(f"Corpus: {results['n_clips']} donateacry clips, {results['n_installs']} app installs, class counts "
             f"{dict(zip(LABELS, results['class_counts']))}. YAMNet patches per clip: histogram "
             f"{results['patches_per_clip_histogram']} (index = patch count); sequences padded/cropped to "
             f"{results['sequence_length']} patches (zero rows at the end; pooled features ignore them).")
    L.append(f"Configuration: CNN epochs {cfg['cnn_epochs']}, waveform-CNN epochs {cfg['wave_epochs']}, "
             f"permutations {cfg['n_perm']} (fast heads; the CNN models are tested by `cryreason.cnn_permutation` "
             f"and the fine-tuning by `cryreason.finetune` when they have run, below), grouped seeds {cfg['grouped_seeds']} "
             f"(study head and its variants: first {cfg['cnn_grouped_seeds']}; waveform baseline: first "
             f"{cfg['wave_grouped_seeds']}; logistic regression: first {cfg['logreg_seeds']}), "
             f"CNN weightings {cfg['cnn_variants']}, waveform baseline on {cfg['wave_protocols']}, "
             f"bootstrap resamples {cfg['n_boot']}.")
    L.append("")
    L.append("Holm p: the permutation p-values Holm-adjusted over every variant tested under that protocol (we tried "
             "several; a nominal p < 0.05 among them is expected by chance alone).")
    L.append("")
    L.append("Cells: mean ± std over test folds [95% bootstrap interval of the pooled out-of-fold predictions; "
             "grouped: resampling whole installs]. p: permutation p-value of the fold-mean macro-F1 / AUC "
             "(training labels shuffled inside each training fold).")
    for pname, res in results["protocols"].items():
        L += ["", f"## Protocol `{pname}`: {res['description']} ({res['n_folds']} test folds)", "",
              "| model | accuracy | macro-F1 | macro AUC | macro recall | p (F1) | p (AUC) | Holm p (F1 / AUC) | "
              "per-class recall (mean) |",
              "|---|---|---|---|---|---|---|---|---|"]
        for bname, b in res["baselines"].items():
            L.append(f"| *{bname}* | {b['accuracy']['mean']:.3f} | {b['macro_f1']['mean']:.3f} ± {b['macro_f1']['std']:.3f} "
                     f"| {b['macro_auc']['mean']:.3f} | {b['macro_recall']['mean']:.3f} | | | | "
                     f"{', '.join(f'{r:.2f}' for r in b['per_class_recall']['mean'])} |")
        for vname, v in res["variants"].items():
            pm = v.get("permutation")
            pf = f"{pm['p_macro_f1']:.3f} (n={pm['n_permutations']})" if pm else "not run"
            pa = f"{pm['p_macro_auc']:.3f}" if pm else ""
            ph = f"{pm['holm_p_macro_f1']:.3f} / {pm['holm_p_macro_auc']:.3f}" if pm and "holm_p_macro_f1" in pm else ""
            L.append(f"| {vname} | {_fmt(v, 'accuracy')} | {_fmt(v, 'macro_f1')} | {_fmt(v, 'macro_auc')} | "
                     f"{v['folds']['macro_recall']['mean']:.3f} | {pf} | {pa} | {ph} | "
                     f"{', '.join(f'{r:.2f}' for r in v['folds']['per_class_recall']['mean'])} |")
        if "nested_selected_linear" in res["variants"]:
            L.append("")
            L.append("Nested selection chose per outer fold: "
                     + ", ".join(res["variants"]["nested_selected_linear"]["chosen_per_outer_fold"]))
    L += ["", "## Verdict (computed from the table)", ""]
    for pname, res in results["protocols"].items():
        base = res["baselines"]["always_hungry"]["macro_f1"]["mean"]
        prior = res["baselines"]["prior_guessing"]["macro_f1"]["mean"]
        nominal, survive = [], []
        for vname, v in res["variants"].items():
            pm = v.get("permutation")
            if not pm:
                continue
            if min(pm["p_macro_f1"], pm["p_macro_auc"]) < 0.05:
                nominal.append(f"{vname} (F1 {pm['observed_macro_f1']:.3f} p {pm['p_macro_f1']:.3f}; AUC "
                               f"{pm['observed_macro_auc']:.3f} p {pm['p_macro_auc']:.3f}; "
                               f"{'above' if v['beats_always_hungry_macro_f1'] else 'not above'} always-hungry F1 "
                               f"{base:.3f}, {'above' if pm['observed_macro_f1'] > prior else 'not above'} "
                               f"prior-guessing F1 {prior:.3f})")
            if min(pm.get("holm_p_macro_f1", 1), pm.get("holm_p_macro_auc", 1)) < 0.05:
                survive.append(vname)
        L.append(f"- `{pname}`: nominal p < 0.05: {'; '.join(nominal) if nominal else 'none'}. "
                 f"After Holm over the {sum('permutation' in v for v in res['variants'].values())} tested variants: "
                 f"{', '.join(survive) if survive else 'none'}.")
    cnn = {k: v["permutation"] for k, v in results["protocols"].get("grouped", {}).get("variants", {}).items()
           if v.get("permutation", {}).get("source") in ("cryreason.cnn_permutation", "cryreason.finetune")}
    for k, pm in cnn.items():
        L.append(f"- {k}: permutation test run separately (`python -m {pm['source']}`, {pm['protocol']}, "
                 f"{pm['epochs']} epochs, {pm['n_permutations']} permutations); its own training of the true labels "
                 f"scored macro-F1 {pm['observed_macro_f1']:.3f} (p {pm['p_macro_f1']:.3f}), AUC "
                 f"{pm['observed_macro_auc']:.3f} (p {pm['p_macro_auc']:.3f}).")
    L.append("")
    L.append("## Figures")
    for k, v in results.get("pngs", {}).items():
        L.append(f"- {k}: ![{k}]({v})")
    for k, pm in cnn.items():
        L.append(f"- {pm['png'][:-4]}: ![{pm['png'][:-4]}]({pm['png']})")
    ex = results.get("export", {})
    if ex:
        r = ex["reliability"]
        L += ["", "## Shipped head and reliability", "",
              f"Shipped head: `{ex['shipped_variant']}` trained on all clips -> `cryreason_head.onnx` "
              f"(input {ex['input']}, output {ex['output']}, opset {ex['opset']}). Per-fold heads and manifest in "
              f"`cryreason_folds/`; their Python figures: grouped mean macro-F1 "
              f"{ex.get('grouped_exported_heads_mean_macro_f1', float('nan')):.3f}, AUC "
              f"{ex.get('grouped_exported_heads_mean_macro_auc', float('nan')):.3f}.", "",
              f"Reliability: macro-F1 {r['MacroF1']:.3f}, AUC {r['MacroRocAuc']:.3f}, always-hungry macro-F1 "
              f"{r['BaselineMacroF1']:.3f}, permutation p {r['PermutationPValue']:.3f} (AUC p "
              f"{r['PermutationPValueAuc']:.3f}), better than chance: {r['BetterThanChance']}.", "",
              f"> {r['Summary']}"]
    t = results.get("timings", {})
    if t:
        L += ["", "## Timings (this machine, shared)", ""] + [f"- {k}: {v:.1f}" for k, v in t.items()]
    return "\n".join(L) + "\n"
