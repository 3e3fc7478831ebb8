"""Fills the YAMNet feature cache of a configuration (the slow part of crydetector.loso), nothing else.

    cd training && /usr/bin/python3 -m crydetector.prefetch [--config full|small]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import torch

from yamnet import assets as A
from yamnet.model import load_yamnet

from .features import FeatureCache
from .loso import build_items, run_config
from .sources import inventory


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--assets", type=Path, default=A.default_assets())
    ap.add_argument("--artifacts", type=Path, default=A.default_artifacts())
    ap.add_argument("--config", choices=("full", "small"), default="full")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    t0 = time.time()
    rc = run_config(args.config)
    work = args.artifacts / "crydetector"
    sources = inventory(args.assets, rc["sources"], synthetic_dir=work / "negatives")
    items = build_items(sources, rc)
    print(f"{len(items)} items", flush=True)
    net, _, _ = load_yamnet(A.read_verified_tflite(args.assets))
    cache = FeatureCache(work / "cache", net.eval())
    for i, it in enumerate(items):
        cache.get(it)
        if (i + 1) % 250 == 0:
            print(f"{i + 1}/{len(items)} in {time.time() - t0:.0f} s ({cache.computed} computed)", flush=True)
    print(f"done in {time.time() - t0:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
