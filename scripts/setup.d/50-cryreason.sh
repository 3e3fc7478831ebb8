#!/usr/bin/env bash
# Cry-reason study, small CI configuration (training/cryreason, `python -m cryreason.run --config small`):
# both protocols, the study's head for a few epochs, the raw-waveform baseline on the study's split only,
# fast heads with 30 permutations, one grouped seed. Writes artifacts/reports/cryreason/ and
# artifacts/models/cryreason_head.onnx, cryreason_folds/, cryreason_reliability.json, cryreason_parity.json.
# Reuses artifacts/models/yamnet_embeddings/donateacry.npz from 20-yamnet.sh when present (checked against a fresh
# embedding of two clips), else embeds the clips itself. Idempotent: skips when its outputs exist and were made
# from the same sources (a stamp of the cryreason/yamnet/infantcry_ref sources and the config).
# The full-size run is scripts/train-cryreason.sh (it overwrites these outputs with the full configuration).
set -euo pipefail
ROOT=${INFANTCRY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
ARTIFACTS=${INFANTCRY_ARTIFACTS:-$ROOT/artifacts}
PYTHON=${PYTHON:-/usr/bin/python3}
log() { echo "[50-cryreason] $*"; }

stamp_of() {
  (cd "$ROOT/training" && cat cryreason/*.py yamnet/*.py infantcry_ref/*.py 2>/dev/null; echo "config=$1") | sha256sum | cut -c1-16
}
STAMP_FILE=$ARTIFACTS/reports/cryreason/stamp
outputs=("$ARTIFACTS/models/cryreason_head.onnx" "$ARTIFACTS/models/cryreason_folds/manifest.json"
         "$ARTIFACTS/models/cryreason_reliability.json" "$ARTIFACTS/models/cryreason_parity.json"
         "$ARTIFACTS/reports/cryreason/metrics.json" "$STAMP_FILE")
up_to_date() {
  for f in "${outputs[@]}"; do [ -s "$f" ] || return 1; done
  local have; have=$(cat "$STAMP_FILE")
  # a full run (scripts/train-cryreason.sh) of the same sources also satisfies the set-up
  [ "$have" = "$(stamp_of small)" ] || [ "$have" = "$(stamp_of full)" ]
}
if up_to_date; then
  log "cry-reason artifacts up to date ($(cat "$STAMP_FILE"))"
  exit 0
fi
log "running the small cry-reason study (budget: a few minutes; longer if 20-yamnet's embeddings are absent)"
start=$(date +%s)
(cd "$ROOT/training" && "$PYTHON" -W ignore -m cryreason.run --config small --assets "$ASSETS" --artifacts "$ARTIFACTS")
stamp_of small > "$STAMP_FILE"
log "done in $(( $(date +%s) - start )) s"
