"""The exact audio files the shipped cry detector's threshold and calibration saw, for evaluations that must avoid them.

    cd training && /usr/bin/python3 -m crydetector.used_files [--config full] [--assets ../shared] --out FILE.json

The shipped detector is zero-shot (YAMNet classes 19-22): nothing was trained but its threshold (chosen on training
sources) and its Platt calibration (fitted on the trainable sources' held-out scores). Both come from the inventory of
``crydetector.sources`` with the configuration named in ``crydetector.json`` ("config"): every clip of every trainable
source, whose files are also the backgrounds of the training mixes. This lists those files (real paths, by source),
so that the monitor evaluation (scripts/eval-monitor.sh) can hold out the rest of the same folders and packages.
Evaluation-only sources (adult_nonverbal) are listed apart: no threshold or calibration ever saw them.
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from yamnet import assets as A

from .loso import run_config
from .sources import inventory


def used_files(assets: Path, config: str, probe_cache: Path | None = None) -> dict:
    sources = inventory(assets, run_config(config)["sources"], synthetic_dir=None, probe_cache=probe_cache)
    used = {s.name: sorted({os.path.realpath(c.path) for c in s.clips if c.path}) for s in sources if s.trainable}
    evaluation_only = sorted(s.name for s in sources if not s.trainable)
    return {"config": config, "sources": used, "evaluation_only_sources": evaluation_only,
            "files": sorted({f for fs in used.values() for f in fs})}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assets", type=Path, default=A.default_assets())
    ap.add_argument("--artifacts", type=Path, default=A.default_artifacts())
    ap.add_argument("--config", choices=("full", "small"), default=None,
                    help="inventory configuration (default: the one recorded in artifacts/models/crydetector.json)")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    config = args.config
    if config is None:
        shipped = json.loads((args.artifacts / "models" / "crydetector.json").read_text())
        config = shipped.get("config", "full")
    result = used_files(args.assets, config, probe_cache=args.artifacts / "crydetector" / "durations.json")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(f"{len(result['files'])} files used by the shipped configuration ({config}); written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
