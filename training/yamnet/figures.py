"""Behaviour figures of the converted YAMNet on the donateacry corpus, from the cached per-clip scores.

    cd training && /usr/bin/python3 -m yamnet.figures [--artifacts ../artifacts]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from . import assets as A

BABY_CRY = 20


def donateacry_figures(clip_scores: np.ndarray, names: list) -> dict:
    """Fractions of clips by top-1 class, class 20 ("Baby cry, infant cry") in the top 3 / top 1, median score."""
    order = np.argsort(-clip_scores, axis=1)
    top1 = order[:, 0]
    n = clip_scores.shape[0]
    counts = {names[c]: int(k) for c, k in zip(*np.unique(top1, return_counts=True))}
    return {
        "clips": n,
        "top1_fraction": {k: v / n for k, v in sorted(counts.items(), key=lambda kv: -kv[1])},
        "baby_cry_top3_fraction": float(np.mean(np.any(order[:, :3] == BABY_CRY, axis=1))),
        "baby_cry_top1_count": int(np.sum(top1 == BABY_CRY)),
        "baby_cry_median_score": float(np.median(clip_scores[:, BABY_CRY])),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--artifacts", type=Path, default=A.default_artifacts())
    args = ap.parse_args(argv)
    out = args.artifacts / A.MODELS_DIR
    names = A.class_names(out / A.CLASS_MAP_NAME)
    cache = np.load(out / A.CLIP_SCORES_NAME)
    for key in ("clip_scores", "clip_scores_int8"):
        print(key, json.dumps(donateacry_figures(cache[key], names), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
