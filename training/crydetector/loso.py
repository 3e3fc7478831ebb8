"""Leave-one-source-out evaluation of cry detectors (issue 13), and the choice of the shipped one.

    cd training && /usr/bin/python3 -m crydetector.loso [--config full|small] [--assets ../shared] [--artifacts ../artifacts]

Protocol (declared before any result was looked at):
- Sources and groups: crydetector.sources. Two cry sources (donateacry, ESC-50 crying_baby) and 41 trainable negative
  sources; the 8 adult_nonverbal sources are evaluation only.
- Training data of a model: every clip of its training sources through one random recording chain (crydetector.chain)
  per clip and variant, plus every training cry mixed into a background of a training source at 20/10/5/0 dB (drawn),
  also through a chain. Clips as recorded are never trained on; they are what is tested.
- LOSO: for each trainable source s, train on all other trainable sources (mixes whose cry or background comes from s
  are dropped too) and test on the clips of s as recorded. The model trained on every trainable source is tested on
  the evaluation-only sources and is the one exported.
- Recall against SNR: cries of a held-out cry source mixed (no chain) into backgrounds of a held-out half of the
  background sources at 20/10/5/0 dB; the model is trained without that cry source and without that half.
- Clip score: the mean over the clip's YAMNet patches of the per-patch score (the SDK's whole-clip rule).
- Candidates: zero-shot (per patch, max of YAMNet classes 19-22), a logistic head on the 1024-d embedding, a logistic
  head on [embedding, logit of the 521 scores]; the zero-shot rule at the old fixed 0.1 is reported as a reference.
- Threshold (every candidate, every fold, training sources only): the smallest threshold whose false-positive rate,
  averaged over the training negative sources (each source weighing the same), is <= 1%, measured on training clips
  as recorded: for heads on out-of-fold predictions of a 3-fold split of the training sources by recording.
- Calibration: Platt scaling of logit(clip score), fitted on held-out-source predictions; in the report every source's
  calibrated probabilities come from a fit on the other sources only.
- Winner (pre-declared): the highest held-out balanced accuracy, 0.5 * mean recall over the cry sources + 0.5 * mean
  (1 - false-positive rate) over every negative source (evaluation-only included), each source weighing the same. A
  trained head becomes the default only if it beats zero-shot on this figure.
"""
from __future__ import annotations

import argparse
import json
import time
import zlib
from pathlib import Path

import numpy as np
import torch

from yamnet import assets as A
from yamnet.model import load_yamnet

from . import chain
from .features import FeatureCache, Item, stable_seed
from .sources import Config, inventory

CRY_FAMILY = (19, 20, 21, 22)
OLD_ZERO_SHOT_THRESHOLD = 0.1
TARGET_MACRO_FPR = 0.01
INNER_FOLDS = 3
SHORT_SOURCES = ("debian/klettres", "debian/asterisk-core-sounds")   # too short to serve as backgrounds
CANDIDATES = ("zero-shot", "head-embedding", "head-embedding+scores")
REFERENCE = "zero-shot@0.1"


def run_config(name: str) -> dict:
    if name == "full":
        return {"sources": Config.full(), "chain_variants": 1, "mixes_per_cry": 1, "snr_cries_donateacry": 12, "snr_cries_esc50": 20,
                "patches_per_item": 2, "iters": 60}
    if name == "small":
        return {"sources": Config.small(), "chain_variants": 1, "mixes_per_cry": 1, "snr_cries_donateacry": 2, "snr_cries_esc50": 2,
                "patches_per_item": 2, "iters": 60}
    raise ValueError(name)


# ---------------------------------------------------------------------------------------------------------- items
def background_halves(sources) -> dict:
    names = sorted(s.name for s in sources if s.trainable and s.label == 0 and s.category != "synthetic"
                   and s.name not in SHORT_SOURCES)
    return {n: ("A" if i % 2 == 0 else "B") for i, n in enumerate(names)}


def build_items(sources, rc: dict) -> list:
    items = []
    halves = background_halves(sources)
    bg_clips = [c for s in sources if s.name in halves for c in s.clips]
    by_half = {h: [c for c in bg_clips if halves[c.source] == h] for h in "AB"}
    for s in sources:
        for c in s.clips:
            items.append(Item("raw", c, s.label))
            if s.trainable:
                for k in range(rc["chain_variants"]):
                    items.append(Item("chain", c, s.label, seed=stable_seed(f"chain{k}|{c.key}")))
        if s.trainable and s.label == 1:
            for c in s.clips:
                for k in range(rc["mixes_per_cry"]):
                    rng = np.random.default_rng(stable_seed(f"mix{k}|{c.key}"))
                    bg = bg_clips[int(rng.integers(len(bg_clips)))]
                    items.append(Item("mix", c, 1, seed=int(rng.integers(2**31)), bg=bg,
                                      snr_db=float(rng.choice(chain.SNRS_DB)), bg_source=bg.source))
    # SNR evaluation cries: every ESC-50 cry, and one donateacry clip per install for the first installs
    for s in sources:
        if s.label != 1:
            continue
        cries, seen = [], set()
        for c in s.clips:
            if s.name == "donateacry":
                if c.group in seen or len(cries) >= rc["snr_cries_donateacry"]:
                    continue
                seen.add(c.group)
            cries.append(c)
        if s.name != "donateacry":   # evenly spread over the source's clips
            keep = np.unique(np.linspace(0, len(cries) - 1, min(len(cries), rc["snr_cries_esc50"])).round().astype(int))
            cries = [cries[i] for i in keep]
        for i, c in enumerate(cries):
            half = "AB"[i % 2]
            rng = np.random.default_rng(stable_seed(f"emix|{c.key}"))
            bg = by_half[half][int(rng.integers(len(by_half[half])))]
            for snr in chain.SNRS_DB:
                items.append(Item("emix", c, 1, bg=bg, snr_db=snr, bg_source=bg.source))
    return items


# ---------------------------------------------------------------------------------------------------------- math
def logit(p, eps=1e-6):
    p = np.clip(p, eps, 1 - eps)
    return np.log(p) - np.log1p(-p)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def head_features(kind: str, emb: np.ndarray, scores: np.ndarray) -> np.ndarray:
    if kind == "head-embedding":
        return emb
    return np.concatenate([emb, logit(scores).astype(np.float32)], axis=1)


def train_logreg(x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float = 1e-2, iters: int = 100) -> tuple:
    """Weighted L2 logistic regression on standardised features; returns (w, b) for raw features."""
    mu = np.average(x, axis=0, weights=weight)
    sd = np.sqrt(np.average((x - mu) ** 2, axis=0, weights=weight)) + 1e-3
    xs = torch.from_numpy(((x - mu) / sd).astype(np.float32))
    yt = torch.from_numpy(y.astype(np.float32))
    wt = torch.from_numpy((weight / weight.mean()).astype(np.float32))
    w = torch.zeros(x.shape[1], requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=iters, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = (torch.nn.functional.binary_cross_entropy_with_logits(xs @ w + b, yt, weight=wt)
                + l2 * (w * w).sum() / 2)
        loss.backward()
        return loss

    opt.step(closure)
    wn = w.detach().numpy().astype(np.float64)
    return wn / sd, float(b.detach().numpy()[0] - np.sum(wn * mu / sd))


def choose_threshold(neg_scores_by_source: dict, target: float = TARGET_MACRO_FPR) -> float:
    """Smallest threshold t with mean over sources of P(score >= t) <= target (score >= t means "cry")."""
    sorted_by = [np.sort(v) for v in neg_scores_by_source.values() if len(v)]
    cands = np.unique(np.concatenate(sorted_by))
    cands = np.concatenate([[0.0], np.nextafter(cands, np.inf)])
    macro = np.mean([(len(v) - np.searchsorted(v, cands, side="left")) / len(v) for v in sorted_by], axis=0)
    ok = np.nonzero(macro <= target + 1e-12)[0]   # 1e-12: the mean of exact fractions must not miss the target by rounding
    return float(cands[ok[0]]) if ok.size else float(np.nextafter(cands[-1], np.inf))


def fit_platt(s: np.ndarray, y: np.ndarray, iters: int = 200) -> tuple:
    """(a, b) of p = sigmoid(a * logit(s) + b), maximum likelihood."""
    z = torch.from_numpy(logit(s).astype(np.float64))
    yt = torch.from_numpy(y.astype(np.float64))
    ab = torch.tensor([1.0, 0.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([ab], lr=1, max_iter=iters, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(ab[0] * z + ab[1], yt)
        loss.backward()
        return loss

    opt.step(closure)
    a, b = ab.detach().numpy()
    return float(a), float(b)


def roc_auc(y: np.ndarray, s: np.ndarray) -> float:
    """Mann-Whitney AUC, ties counted half."""
    pos, neg = s[y == 1], s[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    allv = np.concatenate([pos, neg])
    order = np.argsort(allv, kind="mergesort")
    ranks = np.empty(len(allv))
    sv = allv[order]
    i = 0
    while i < len(sv):
        j = i
        while j + 1 < len(sv) and sv[j + 1] == sv[i]:
            j += 1
        ranks[order[i:j + 1]] = 0.5 * (i + j) + 1
        i = j + 1
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def roc_curve(y: np.ndarray, s: np.ndarray) -> tuple:
    t = np.unique(s)[::-1]
    tpr = [np.mean(s[y == 1] >= v) for v in t]
    fpr = [np.mean(s[y == 0] >= v) for v in t]
    return np.concatenate([[0], fpr, [1]]), np.concatenate([[0], tpr, [1]])


# ---------------------------------------------------------------------------------------------------------- data
class Table:
    """Items with their patch ranges, clip-level zero-shot scores and per-patch arrays."""

    def __init__(self, items, cache: FeatureCache, log):
        self.items = items
        embs, scores, off = [], [], [0]
        t0 = time.time()
        for i, it in enumerate(items):
            e, s = cache.get(it)
            embs.append(e)
            scores.append(s)
            off.append(off[-1] + e.shape[0])
            if (i + 1) % 500 == 0:
                log(f"features {i + 1}/{len(items)} ({cache.computed} computed, {time.time() - t0:.0f} s)")
        self.emb = np.concatenate(embs).astype(np.float32)
        self.scores = np.concatenate(scores).astype(np.float32)
        self.off = np.array(off)
        self.kind = np.array([it.kind for it in items])
        self.source = np.array([it.source for it in items])
        self.group = np.array([f"{it.source}|{it.clip.group}" for it in items])
        self.bg_source = np.array([it.bg_source for it in items])
        self.bg_group = np.array([f"{it.bg_source}|{it.bg.group}" if it.bg is not None else "" for it in items])
        self.label = np.array([it.label for it in items])
        self.snr = np.array([it.snr_db for it in items])
        zs_patch = self.scores[:, list(CRY_FAMILY)].max(axis=1)
        self.zero_shot = self.clip_mean(zs_patch)

    def clip_mean(self, per_patch: np.ndarray) -> np.ndarray:
        c = np.concatenate([[0.0], np.cumsum(per_patch, dtype=np.float64)])
        n = np.diff(self.off)
        return (c[self.off[1:]] - c[self.off[:-1]]) / np.maximum(n, 1)

    def patch_rows(self, idx: np.ndarray, cap: int) -> tuple:
        """Up to ``cap`` evenly spaced patch rows of each item in idx; (rows, item index per row)."""
        rows, owner = [], []
        for i in idx:
            a, b = self.off[i], self.off[i + 1]
            r = np.unique(np.linspace(a, b - 1, min(cap, b - a)).round().astype(int))
            rows.append(r)
            owner.append(np.full(r.shape[0], i))
        return np.concatenate(rows), np.concatenate(owner)


def balanced_weights(t: Table, owner: np.ndarray) -> np.ndarray:
    """Each unit (negative source; cry source as chained; cry source as mixed) weighs the same inside its class,
    and the two classes weigh the same."""
    unit = np.array([("mix:" if t.kind[i] == "mix" else "") + t.source[i] for i in owner])
    y = t.label[owner]
    w = np.zeros(len(owner))
    for cls in (0, 1):
        units = np.unique(unit[y == cls])
        for u in units:
            m = (unit == u) & (y == cls)
            w[m] = 1.0 / (m.sum() * len(units))
    return w


def train_mask(t: Table, excluded: set, excluded_groups: set = frozenset()) -> np.ndarray:
    m = np.isin(t.kind, ["chain", "mix"]) & ~np.isin(t.source, list(excluded))
    m &= ~np.isin(t.bg_source, list(excluded)) | (t.bg_source == "")
    if excluded_groups:
        g = list(excluded_groups)
        m &= ~np.isin(t.group, g) & ~np.isin(t.bg_group, g)
    return m


class Trainer:
    def __init__(self, t: Table, rc: dict, trainable: set):
        self.t, self.rc, self.trainable = t, rc, trainable
        self.feats = {k: head_features(k, t.emb, t.scores) for k in CANDIDATES[1:]}

    def fit(self, kind: str, mask: np.ndarray) -> tuple:
        rows, owner = self.t.patch_rows(np.nonzero(mask)[0], self.rc["patches_per_item"])
        return train_logreg(self.feats[kind][rows].astype(np.float64), self.t.label[owner],
                            balanced_weights(self.t, owner), iters=self.rc["iters"])

    def clip_scores(self, kind: str, model: tuple, idx: np.ndarray) -> np.ndarray:
        w, b = model
        out = np.empty(len(idx))
        for j, i in enumerate(idx):
            a, e = self.t.off[i], self.t.off[i + 1]
            out[j] = sigmoid(self.feats[kind][a:e].astype(np.float64) @ w + b).mean()
        return out

    def raw_training_idx(self, excluded: set) -> np.ndarray:
        t = self.t
        return np.nonzero((t.kind == "raw") & np.isin(t.source, list(self.trainable - excluded)))[0]

    def threshold(self, kind: str, excluded: set) -> float:
        """The rule on training sources: zero-shot directly; heads on out-of-fold predictions (3 folds by recording)."""
        t = self.t
        idx = self.raw_training_idx(excluded)
        if kind in ("zero-shot",):
            s = t.zero_shot[idx]
        else:
            fold = np.array([zlib.crc32(t.group[i].encode()) % INNER_FOLDS for i in idx])
            s = np.empty(len(idx))
            for f in range(INNER_FOLDS):
                held = set(t.group[idx[fold == f]])
                model = self.fit(kind, train_mask(t, excluded, held))
                s[fold == f] = self.clip_scores(kind, model, idx[fold == f])
        neg = {src: s[(t.source[idx] == src)] for src in np.unique(t.source[idx]) if t.label[idx][t.source[idx] == src][0] == 0}
        return choose_threshold(neg)


# ---------------------------------------------------------------------------------------------------------- main
def evaluate(t: Table, sources, rc: dict, log) -> dict:
    trainable = {s.name for s in sources if s.trainable}
    eval_only = {s.name for s in sources if not s.trainable}
    halves = background_halves(sources)
    cry_sources = sorted(s.name for s in sources if s.label == 1)
    tr = Trainer(t, rc, trainable)
    raw = t.kind == "raw"
    folds = [("loso:" + s, {s}, np.nonzero(raw & (t.source == s))[0]) for s in sorted(trainable)]
    folds.append(("all-trainable", set(), np.nonzero(raw & np.isin(t.source, list(eval_only)))[0]))
    for c in cry_sources:
        for h in "AB":
            hs = {n for n, v in halves.items() if v == h}
            test = np.nonzero((t.kind == "emix") & (t.source == c) & np.isin(t.bg_source, list(hs)))[0]
            folds.append((f"snr:{c}:{h}", {c} | hs, test))
    pred = {k: np.full(len(t.items), np.nan) for k in CANDIDATES + (REFERENCE,)}
    thr_at = {k: np.full(len(t.items), np.nan) for k in CANDIDATES + (REFERENCE,)}
    fold_info, shipped = [], {}
    for name, excluded, test in folds:
        t0 = time.time()
        info = {"fold": name, "excluded": sorted(excluded), "test_items": int(len(test)), "thresholds": {}}
        for kind in CANDIDATES:
            thr = tr.threshold(kind, excluded)
            if kind == "zero-shot":
                s = t.zero_shot[test]
            else:
                model = tr.fit(kind, train_mask(t, excluded))
                s = tr.clip_scores(kind, model, test)
                if name == "all-trainable":
                    shipped[kind] = {"w": model[0], "b": model[1]}
            if name == "all-trainable":
                shipped.setdefault(kind, {})["threshold"] = thr
            pred[kind][test] = s
            thr_at[kind][test] = thr
            info["thresholds"][kind] = thr
        pred[REFERENCE][test] = t.zero_shot[test]
        thr_at[REFERENCE][test] = OLD_ZERO_SHOT_THRESHOLD
        info["seconds"] = round(time.time() - t0, 1)
        fold_info.append(info)
        log(f"fold {name}: {len(test)} test items, thresholds "
            + ", ".join(f"{k} {v:.4f}" for k, v in info["thresholds"].items()) + f" ({info['seconds']} s)")
    return {"pred": pred, "thr": thr_at, "folds": fold_info, "shipped": shipped, "cry_sources": cry_sources,
            "halves": halves, "trainable": sorted(trainable), "eval_only": sorted(eval_only)}


def summarise(t: Table, sources, ev: dict) -> dict:
    cat = {s.name: s.category for s in sources}
    raw = np.nonzero(t.kind == "raw")[0]
    out = {}
    for kind in CANDIDATES + (REFERENCE,):
        p, th = ev["pred"][kind], ev["thr"][kind]
        flagged = p >= th
        per_source = {}
        for s in sources:
            idx = raw[t.source[raw] == s.name]
            n, k = int(len(idx)), int(flagged[idx].sum())
            per_source[s.name] = {"label": s.label, "category": s.category, "trainable": s.trainable, "clips": n,
                                  "flagged": k, "rate": k / n if n else float("nan")}
        rec = [per_source[c]["rate"] for c in ev["cry_sources"]]
        spec = [1 - v["rate"] for v in per_source.values() if v["label"] == 0]
        per_cat = {}
        for s in sources:
            if s.label == 0:
                d = per_cat.setdefault(s.category, {"clips": 0, "flagged": 0})
                d["clips"] += per_source[s.name]["clips"]
                d["flagged"] += per_source[s.name]["flagged"]
        for d in per_cat.values():
            d["rate"] = d["flagged"] / d["clips"]
        snr = {}
        em = np.nonzero(t.kind == "emix")[0]
        for c in ev["cry_sources"]:
            for v in chain.SNRS_DB:
                idx = em[(t.source[em] == c) & (t.snr[em] == v)]
                snr.setdefault(c, {})[f"{v:g}"] = {"clips": int(len(idx)), "detected": int(flagged[idx].sum()),
                                                  "recall": float(flagged[idx].mean()) if len(idx) else float("nan")}
        # AUC per held-out cry source against all held-out negatives, per negative category against all cries
        yr, pr_ = t.label[raw], p[raw]
        auc = {}
        for c in ev["cry_sources"]:
            m = (t.source[raw] == c) | (yr == 0)
            auc[c] = roc_auc(yr[m], pr_[m])
        for c in sorted(per_cat):
            m = (yr == 1) | np.array([cat.get(s) == c for s in t.source[raw]])
            auc["negatives:" + c] = roc_auc(yr[m], pr_[m])
        out[kind] = {"per_source": per_source, "per_category": per_cat, "cry_recall_mean": float(np.mean(rec)),
                     "specificity_mean": float(np.mean(spec)), "balanced_accuracy": float(0.5 * np.mean(rec) + 0.5 * np.mean(spec)),
                     "snr": snr, "auc": auc}
    return out


def calibrate(t: Table, sources, ev: dict) -> dict:
    """Platt per candidate: cross-fitted over trainable sources for the report, fitted on all for the export."""
    trainable = set(ev["trainable"])
    raw = np.nonzero(t.kind == "raw")[0]
    out = {}
    for kind in CANDIDATES:
        p = ev["pred"][kind]
        tr_idx = raw[np.isin(t.source[raw], list(trainable))]
        a_all, b_all = fit_platt(p[tr_idx], t.label[tr_idx])
        cal = np.full(len(t.items), np.nan)
        for s in trainable:
            m = tr_idx[t.source[tr_idx] == s]
            rest = tr_idx[t.source[tr_idx] != s]
            a, b = fit_platt(p[rest], t.label[rest])
            cal[m] = sigmoid(a * logit(p[m]) + b)
        ev_idx = raw[~np.isin(t.source[raw], list(trainable))]
        cal[ev_idx] = sigmoid(a_all * logit(p[ev_idx]) + b_all)
        bins = np.linspace(0, 1, 11)
        curve = []
        for lo, hi in zip(bins[:-1], bins[1:]):
            m = raw[(cal[raw] >= lo) & ((cal[raw] < hi) | (hi == 1.0))]
            if len(m):
                curve.append({"bin": [float(lo), float(hi)], "clips": int(len(m)), "mean_predicted": float(cal[m].mean()),
                              "fraction_cries": float(t.label[m].mean())})
        brier = float(np.mean((cal[raw] - t.label[raw]) ** 2))
        out[kind] = {"a": a_all, "b": b_all, "reliability": curve, "brier": brier,
                     "cry_share": float(t.label[raw].mean())}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assets", type=Path, default=A.default_assets())
    ap.add_argument("--artifacts", type=Path, default=A.default_artifacts())
    ap.add_argument("--config", choices=("full", "small"), default="full")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    t0 = time.time()
    work = args.artifacts / "crydetector"
    log_path = work / f"loso-{args.config}.log"
    work.mkdir(parents=True, exist_ok=True)
    logf = open(log_path, "w")

    def log(msg):
        line = f"[{time.time() - t0:7.1f} s] {msg}"
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    rc = run_config(args.config)
    sources = inventory(args.assets, rc["sources"], synthetic_dir=work / "negatives",
                        probe_cache=work / "durations.json")
    items = build_items(sources, rc)
    log(f"{len(sources)} sources, {sum(len(s.clips) for s in sources)} clips, {len(items)} items "
        + str({k: sum(1 for i in items if i.kind == k) for k in ("raw", "chain", "mix", "emix")}))
    net, _, _ = load_yamnet(A.read_verified_tflite(args.assets))
    net.eval()
    table = Table(items, FeatureCache(work / "cache", net), log)
    log(f"features ready: {table.emb.shape[0]} patches")
    ev = evaluate(table, sources, rc, log)
    summary = summarise(table, sources, ev)
    cal = calibrate(table, sources, ev)
    ranking = sorted(CANDIDATES, key=lambda k: -summary[k]["balanced_accuracy"])
    winner = ranking[0]
    if winner != "zero-shot" and summary[winner]["balanced_accuracy"] <= summary["zero-shot"]["balanced_accuracy"]:
        winner = "zero-shot"
    from .export import export
    from .report import write_report
    metrics = {"config": args.config, "run_config": {k: (v.__dict__ if hasattr(v, "__dict__") else v) for k, v in rc.items()},
               "protocol": __doc__.split("Protocol (declared before any result was looked at):")[1].strip(),
               "sources": [{"name": s.name, "label": s.label, "category": s.category, "licence": s.licence,
                            "trainable": s.trainable, "origin": s.origin, "clips": len(s.clips),
                            "groups": len({c.group for c in s.clips})} for s in sources],
               "items": {k: int((table.kind == k).sum()) for k in ("raw", "chain", "mix", "emix")},
               "patches": int(table.emb.shape[0]), "background_halves": ev["halves"],
               "results": summary, "calibration": cal, "folds": ev["folds"], "ranking": ranking, "winner": winner}
    export(args.artifacts, metrics, ev["shipped"], sources, net, log)
    metrics["seconds"] = round(time.time() - t0, 1)
    rep = args.artifacts / "reports" / "crydetector"
    rep.mkdir(parents=True, exist_ok=True)
    (rep / "metrics.json").write_text(json.dumps(metrics, indent=1, default=float))
    raw = table.kind == "raw"
    write_report(rep, metrics, {k: ev["pred"][k] for k in ev["pred"]}, table.label, table.source, raw, sources)
    log(f"winner {winner}; report in {rep}; total {metrics['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
