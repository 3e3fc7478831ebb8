#!/usr/bin/env bash
# Full-size cry-reason study (documented command, not part of CI):
#   scripts/train-cryreason.sh [--assets DIR]
# 20 epochs for the study's head and the raw-waveform baseline, both protocols (study split; grouped 5-fold x 3
# seeds), 200 permutations for the fast heads, nested selection, 1000 bootstrap resamples, the ONNX export; then
# 200-permutation tests of the four CNN models on grouped seed 0 (cryreason.cnn_permutation) and the report again with
# them. Outputs as scripts/setup.d/50-cryreason.sh (artifacts/reports/cryreason/, artifacts/models/cryreason_*).
# Measured on the shared 2-core machine: the study 7-10 min, the CNN permutation tests about 10 min per head
# variant (35 min with balanced sampling) and about 2 h for the raw-waveform baseline (1005 trainings of 20 epochs on
# 7 s of audio; two --worker processes took 1 h 51 min).
# --skip-cnn-permutations leaves the last step out.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
CNN_PERMUTATIONS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --assets) ASSETS=$2; shift 2 ;;
    --skip-cnn-permutations) CNN_PERMUTATIONS=0; shift ;;
    *) echo "train-cryreason: unknown argument '$1' (use --assets DIR, --skip-cnn-permutations)" >&2; exit 2 ;;
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
if [ "$CNN_PERMUTATIONS" = 1 ]; then
  # Large activation buffers are kept by malloc instead of being unmapped and page-faulted again at every step
  # (measured: a third of the waveform model's step time went to page faults).
  (cd "$ROOT/training" && MALLOC_MMAP_THRESHOLD_=4294967296 MALLOC_TRIM_THRESHOLD_=68719476736 MALLOC_TOP_PAD_=1073741824 \
    "$PYTHON" -W ignore -m cryreason.cnn_permutation --n-perm 200 --threads 2 --assets "$ASSETS" --artifacts "$ARTIFACTS")
  (cd "$ROOT/training" && "$PYTHON" -W ignore -c 'import sys; from cryreason import report; report.rewrite_markdown(sys.argv[1])' \
    "$ARTIFACTS/reports/cryreason")
fi
echo "[train-cryreason] done in $(( $(date +%s) - start )) s; report: $ARTIFACTS/reports/cryreason/report.md"
