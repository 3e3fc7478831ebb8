#!/usr/bin/env bash
# Full-size cry-reason study (documented command, not part of CI):
#   scripts/train-cryreason.sh [--assets DIR]
# 20 epochs for the study's head and the raw-waveform baseline, both protocols (study split; grouped 5-fold x 3
# seeds), 200 permutations for the fast heads, a permutation test of the study's CNN head on grouped seed 0,
# nested selection, 1000 bootstrap resamples; then the ONNX export. Outputs as scripts/setup.d/50-cryreason.sh
# (artifacts/reports/cryreason/, artifacts/models/cryreason_*). Expect tens of minutes on a busy 2-core machine.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
while [ $# -gt 0 ]; do
  case "$1" in
    --assets) ASSETS=$2; shift 2 ;;
    *) echo "train-cryreason: unknown argument '$1' (use --assets DIR)" >&2; exit 2 ;;
  esac
done
ARTIFACTS=${INFANTCRY_ARTIFACTS:-$ROOT/artifacts}
PYTHON=/usr/bin/python3
export INFANTCRY_ROOT=$ROOT INFANTCRY_ASSETS=$ASSETS INFANTCRY_ARTIFACTS=$ARTIFACTS
# YAMNet embeddings of the corpus: artifacts/models/yamnet_embeddings/donateacry.npz from scripts/setup.d/20-yamnet.sh
# when the set-up has run (checked against a fresh embedding), else computed here and cached in artifacts/cache/.
start=$(date +%s)
(cd "$ROOT/training" && "$PYTHON" -W ignore -m cryreason.run --config full --assets "$ASSETS" --artifacts "$ARTIFACTS")
(cd "$ROOT/training" && cat cryreason/*.py yamnet/*.py infantcry_ref/*.py 2>/dev/null; echo "config=full") \
  | sha256sum | cut -c1-16 > "$ARTIFACTS/reports/cryreason/stamp"
echo "[train-cryreason] done in $(( $(date +%s) - start )) s; report: $ARTIFACTS/reports/cryreason/report.md"
