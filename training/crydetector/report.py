"""artifacts/reports/crydetector/report.md and its plots, from crydetector.loso's metrics."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .loso import CANDIDATES, REFERENCE, roc_curve

TARGETS = {"recall": 0.95, "fpr_household_speech_music": 0.01, "fpr_adult_crying": 0.10, "recall_5db": 0.90}


def _finish(plt, fig, ax, folder: Path, name: str, made: list, xlabel: str, ylabel: str, title: str,
            legend_size: int = 8) -> None:
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=legend_size)
    fig.tight_layout()
    fig.savefig(folder / name, dpi=110)
    plt.close(fig)
    made.append(name)


def _plots(folder: Path, m: dict, pred: dict, label, source, raw, sources) -> list:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    made = []
    kinds = list(CANDIDATES) + [REFERENCE]
    res = m["results"]
    # per-category and per-source false-positive rates
    neg = [s.name for s in sources if s.label == 0]
    fig, ax = plt.subplots(figsize=(12, 9))
    y = np.arange(len(neg))
    h = 0.8 / len(kinds)
    for j, k in enumerate(kinds):
        ax.barh(y + j * h, [res[k]["per_source"][n]["rate"] for n in neg], height=h, label=k)
    ax.set_yticks(y + 0.4 - h / 2)
    ax.set_yticklabels([f"{n} ({res[kinds[0]]['per_source'][n]['clips']})" for n in neg], fontsize=7)
    ax.axvline(0.01, color="k", lw=0.6, ls="--")
    ax.axvline(0.10, color="k", lw=0.6, ls=":")
    ax.set_xlabel("false-positive rate on the held-out source (clips flagged as a cry)")
    ax.set_title("Leave-one-source-out false-positive rate per negative source (clips in brackets)")
    ax.invert_yaxis()
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(folder / "fpr_per_source.png", dpi=110)
    plt.close(fig)
    made.append("fpr_per_source.png")
    cats = sorted(res[kinds[0]]["per_category"])
    fig, ax = plt.subplots(figsize=(8, 4))
    x = np.arange(len(cats))
    for j, k in enumerate(kinds):
        ax.bar(x + j * h, [res[k]["per_category"][c]["rate"] for c in cats], width=h, label=k)
    ax.set_xticks(x + 0.4 - h / 2)
    ax.set_xticklabels([f"{c}\n({res[kinds[0]]['per_category'][c]['clips']})" for c in cats], fontsize=8)
    _finish(plt, fig, ax, folder, "fpr_per_category.png", made, "", "false-positive rate (held-out)",
            "False-positive rate per negative category, held-out sources")
    # ROC per held-out cry source (vs all held-out negatives) and per negative category (vs all cries)
    fig, axes = plt.subplots(1, len(CANDIDATES), figsize=(15, 5))
    cat = {s.name: s.category for s in sources}
    for ax, k in zip(axes, CANDIDATES):
        p = pred[k]
        for c in [s.name for s in sources if s.label == 1]:
            msk = raw & ((source == c) | (label == 0))
            f, t = roc_curve(label[msk], p[msk])
            ax.plot(f, t, label=f"cries {c} (AUC {res[k]['auc'][c]:.3f})")
        for c in sorted(res[k]["per_category"]):
            msk = raw & ((label == 1) | np.array([cat.get(s) == c for s in source]))
            f, t = roc_curve(label[msk], p[msk])
            ax.plot(f, t, lw=0.8, ls="--", label=f"negatives {c} (AUC {res[k]['auc']['negatives:' + c]:.3f})")
        ax.set_xscale("symlog", linthresh=0.01)
        ax.set_title(k)
        ax.set_xlabel("false-positive rate")
        ax.set_ylabel("recall")
        ax.legend(fontsize=6)
    fig.suptitle("ROC of held-out sources (every score from a model that never saw that source)")
    fig.tight_layout()
    fig.savefig(folder / "roc_heldout.png", dpi=110)
    plt.close(fig)
    made.append("roc_heldout.png")
    # recall vs SNR
    fig, ax = plt.subplots(figsize=(7, 4))
    for k in kinds:
        for c, d in res[k]["snr"].items():
            snrs = sorted(d, key=float)
            ax.plot([float(s) for s in snrs], [d[s]["recall"] for s in snrs], marker="o", label=f"{k}: {c}")
    ax.axhline(0.90, color="k", lw=0.6, ls="--")
    _finish(plt, fig, ax, folder, "recall_vs_snr.png", made, "SNR (dB), cry vs unseen background", "recall",
            "Recall against SNR (held-out cries in held-out backgrounds)", 6)
    # reliability
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="k", lw=0.6)
    for k in CANDIDATES:
        cv = m["calibration"][k]["reliability"]
        ax.plot([b["mean_predicted"] for b in cv], [b["fraction_cries"] for b in cv], marker="o",
                label=f"{k} (Brier {m['calibration'][k]['brier']:.3f})")
    _finish(plt, fig, ax, folder, "reliability.png", made, "calibrated probability (fitted on other sources)",
            "fraction that are cries", "Reliability, held-out sources", 7)
    return made


def _r(d: dict, key_k="flagged") -> str:
    return f"{d['rate']:.3f} ({d[key_k]}/{d['clips']})" if d["clips"] else "-"


def targets(res: dict) -> list:
    """(target, measured, met) rows for one candidate."""
    rows = []
    for n, v in res["per_source"].items():
        if v["label"] == 1:
            rows.append((f"recall >= 0.95 on {n}", _r(v), v["rate"] >= TARGETS["recall"]))
    hsm = [(n, v) for n, v in res["per_source"].items() if v["label"] == 0 and v["category"] in ("household", "speech", "music")]
    bad = [f"{n} {_r(v)}" for n, v in hsm if v["rate"] > TARGETS["fpr_household_speech_music"]]
    rows.append((f"FPR <= 1% on every household, speech and music source ({len(hsm)} sources)",
                 f"{len(hsm) - len(bad)} of {len(hsm)} meet it" + (": misses " + "; ".join(bad) if bad else ""), not bad))
    ac = res["per_source"].get("adult_nonverbal/adult_crying")
    if ac:
        rows.append(("FPR <= 10% on adult crying", _r(ac), ac["rate"] <= TARGETS["fpr_adult_crying"]))
    for c, d in res["snr"].items():
        v = d["5"]
        rows.append((f"recall >= 0.90 at 5 dB SNR ({c})", f"{v['recall']:.3f} ({v['detected']}/{v['clips']})",
                     v["recall"] >= TARGETS["recall_5db"]))
    return rows


def write_report(folder: Path, m: dict, pred: dict, label, source, raw, sources) -> None:
    folder = Path(folder)
    plots = _plots(folder, m, pred, label, source, raw, sources)
    res = m["results"]
    kinds = list(CANDIDATES) + [REFERENCE]
    L = ["# Cry detector: leave-one-source-out evaluation (issue 13)", "",
         f"Configuration `{m['config']}`: {len(m['sources'])} sources, {m['items']['raw']} clips as recorded, "
         f"{m['items']['chain']} chained training copies, {m['items']['mix']} training mixes, {m['items']['emix']} "
         f"SNR test mixes, {m['patches']} YAMNet patches; {m['seconds'] if 'seconds' in m else '?'} s.", "",
         "## Protocol (declared before the results)", "", m["protocol"], "",
         f"**Winner: `{m['winner']}`** (ranking by held-out balanced accuracy: "
         + ", ".join(f"{k} {res[k]['balanced_accuracy']:.3f}" for k in m["ranking"])
         + f"; reference {REFERENCE} {res[REFERENCE]['balanced_accuracy']:.3f}; always-no-cry 0.500).", ""]
    d = m.get("detector", {})
    if d:
        L += [f"Shipped rule: mode `{d['mode']}`, threshold {d['threshold']:.4f} on the clip score (mean over "
              f"patches), Platt a = {d['calibration']['a']:.3f}, b = {d['calibration']['b']:.3f}.", "",
              "Reliability statement shipped with it:", "", "> " + d["reliability"], ""]
        sc = d["shortcut_check"]
        L += [f"Shortcut check (silence, room tone, white and pink noise at {sc['rates']} Hz and gains "
              f"{sc['gains_db']} dB): {sc['called_cry']} of {sc['clips']} clips called a cry (highest clip score "
              f"{sc['max_score']:.4f}, threshold {d['threshold']:.4f}).", ""]
    L += ["## Targets (held-out sources; the trivial always-no-cry detector has recall 0 and every FPR 0)", ""]
    for k in kinds:
        L += [f"### {k}", "", "| target | measured | met |", "|---|---|---|"]
        L += [f"| {t} | {v} | {'yes' if ok else '**no**'} |" for t, v, ok in targets(res[k])]
        L.append("")
    L += ["## Recall on held-out cry sources", "",
          "| source | clips (recordings) | " + " | ".join(kinds) + " | always-no-cry |", "|---" * (len(kinds) + 3) + "|"]
    srcinfo = {s["name"]: s for s in m["sources"]}
    for s in sources:
        if s.label == 1:
            L.append(f"| {s.name} | {srcinfo[s.name]['clips']} ({srcinfo[s.name]['groups']}) | "
                     + " | ".join(_r(res[k]["per_source"][s.name]) for k in kinds) + " | 0.000 |")
    L += ["", "## False-positive rate per held-out negative source", "",
          "Rate (flagged / clips). Sources marked * are evaluation only (never trained on; scored by the model trained on "
          "every trainable source).", "",
          "| source | category | clips (recordings) | " + " | ".join(kinds) + " | always-no-cry |",
          "|---" * (len(kinds) + 4) + "|"]
    for s in sources:
        if s.label == 0:
            star = "" if s.trainable else " *"
            L.append(f"| {s.name}{star} | {s.category} | {srcinfo[s.name]['clips']} ({srcinfo[s.name]['groups']}) | "
                     + " | ".join(_r(res[k]["per_source"][s.name]) for k in kinds) + " | 0.000 |")
    L += ["", "## False-positive rate per category (pooled clips)", "",
          "| category | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 1) + "|"]
    for c in sorted(res[kinds[0]]["per_category"]):
        L.append(f"| {c} | " + " | ".join(_r(res[k]["per_category"][c]) for k in kinds) + " |")
    L += ["", "## Recall against SNR", "",
          "Held-out cries mixed (as recorded, no chain) into backgrounds of the held-out half of the background sources "
          "(halves: " + ", ".join(f"{h}: {sum(1 for v in m['background_halves'].values() if v == h)} sources" for h in "AB")
          + "); the model of each cell never saw the cry source nor the background half.", "",
          "| detector | cry source | " + " | ".join(f"{s} dB" for s in ("20", "10", "5", "0")) + " |", "|---" * 6 + "|"]
    for k in kinds:
        for c, dd in res[k]["snr"].items():
            L.append(f"| {k} | {c} | " + " | ".join(f"{dd[s]['recall']:.3f} ({dd[s]['detected']}/{dd[s]['clips']})"
                                                    for s in ("20", "10", "5", "0")) + " |")
    L += ["", "## ROC AUC per held-out source", "",
          "| against | " + " | ".join(CANDIDATES) + " |", "|---" * (len(CANDIDATES) + 1) + "|"]
    for a in res[CANDIDATES[0]]["auc"]:
        L.append(f"| {a} | " + " | ".join(f"{res[k]['auc'][a]:.3f}" for k in CANDIDATES) + " |")
    L += ["", "## Calibration", "",
          "Platt scaling of logit(clip score). Each trainable source's probabilities come from a fit on the other "
          "sources' held-out scores; evaluation-only sources use the fit on all. The share of cries among these clips "
          f"is {m['calibration'][CANDIDATES[0]]['cry_share']:.3f}: probabilities hold for that mix only.", "",
          "| detector | a | b | Brier |", "|---|---|---|---|"]
    for k in CANDIDATES:
        c = m["calibration"][k]
        L.append(f"| {k} | {c['a']:.3f} | {c['b']:.3f} | {c['brier']:.4f} |")
    L += ["", "## Thresholds per fold (chosen on training sources only)", "",
          "| fold | " + " | ".join(CANDIDATES) + " | seconds |", "|---" * (len(CANDIDATES) + 2) + "|"]
    for f in m["folds"]:
        L.append(f"| {f['fold']} | " + " | ".join(f"{f['thresholds'][k]:.4f}" for k in CANDIDATES) + f" | {f['seconds']} |")
    L += ["", "## What these figures cannot tell", "",
          "- There are two cry sources only: donateacry (8 kHz phone recordings, 221 installs) and ESC-50 (40 clips from "
          "18 recordings). Each cry recall is measured with the other as the only real cries in training.",
          "- No real infant non-cry sounds (babbling, laughing, cooing, fussing) exist in these data: the false-positive "
          "rates say nothing about them; they are the likeliest false alarms in a home.",
          "- Several sources are one or two recordings (gcompris folders, music with vocals, fireplace): their rates rest "
          "on one recording each.",
          "- The SNR mixes are synthetic sums of real recordings; a cry in a real room also carries reverberation.",
          "", "## Plots", ""] + [f"![{p}]({p})" for p in plots]
    (folder / "report.md").write_text("\n".join(L) + "\n")
