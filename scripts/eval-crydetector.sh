#!/usr/bin/env bash
# Cry detector (issue 13), full leave-one-source-out evaluation: every source of ../shared/data/realworld, donateacry
# (one clip per app install), the Debian sound packages and the synthetic set; 43 folds + the all-trainable model +
# 4 SNR folds, three candidates. Writes artifacts/reports/crydetector/ (report.md, metrics.json, plots) and exports
# the winner to artifacts/models/crydetector.json (+ crydetector_head.onnx), replacing the CI configuration's.
# YAMNet outputs are cached per clip and chain seed in artifacts/crydetector/cache: a re-run only repeats the folds.
#   scripts/eval-crydetector.sh [--assets DIR]
# Measured: see the README (cry detection). Single-threaded, one process.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
[ "${1:-}" = "--assets" ] && ASSETS=$2
ASSETS=$(cd "$ASSETS" && pwd) || { echo "eval-crydetector: asset folder not found" >&2; exit 2; }
ARTIFACTS=${INFANTCRY_ARTIFACTS:-$ROOT/artifacts}
mkdir -p "$ARTIFACTS"; ARTIFACTS=$(cd "$ARTIFACTS" && pwd)
start=$(date +%s)
(cd "$ROOT/training" && /usr/bin/python3 -W ignore -m crydetector.loso --config full --assets "$ASSETS" --artifacts "$ARTIFACTS")
echo "eval-crydetector: done in $(( $(date +%s) - start )) s; report in artifacts/reports/crydetector/report.md"
