#!/usr/bin/env bash
# Trains the cry detector head on YAMNet embeddings (donateacry cries vs a synthetic negative set) and compares it
# with the zero-shot crying-family score: artifacts/models/crydetector_head.onnx, crydetector.json,
# artifacts/reports/crydetector.md. Needs 20-yamnet's embedding cache. Idempotent: skips when the outputs exist
# and are newer than the training code and the embedding cache.
set -euo pipefail
ROOT=${INFANTCRY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
ARTIFACTS=${INFANTCRY_ARTIFACTS:-$ROOT/artifacts}
PYTHON=${PYTHON:-/usr/bin/python3}
OUT=$ARTIFACTS/models
log() { echo "[25-crydetector] $*"; }
inputs=("$ROOT"/training/crydetector/*.py "$OUT/yamnet_embeddings/donateacry.npz")
fresh=1
for o in "$OUT/crydetector_head.onnx" "$OUT/crydetector.json"; do
  [ -s "$o" ] || { fresh=0; break; }
  for i in "${inputs[@]}"; do [ "$i" -nt "$o" ] && fresh=0; done
done
if [ $fresh -eq 1 ]; then log "artifacts/models/crydetector_* up to date"; exit 0; fi
start=$(date +%s)
(cd "$ROOT/training" && "$PYTHON" -W ignore -m crydetector.train --assets "$ASSETS" --artifacts "$ARTIFACTS" > "$ARTIFACTS/crydetector-train.log")
log "done in $(( $(date +%s) - start )) s; report in artifacts/reports/crydetector.md"
