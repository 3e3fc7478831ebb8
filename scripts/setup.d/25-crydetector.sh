#!/usr/bin/env bash
# Cry detector (issue 13), CI's small configuration of the leave-one-source-out protocol: a few clips per source
# (3 files per source, 1 clip per long file), one recording chain per training clip. It still exports the winning
# detector: artifacts/models/crydetector.json (+ crydetector_head.onnx) and artifacts/reports/crydetector/
# (report.md, metrics.json, plots). scripts/eval-crydetector.sh runs the full configuration into the same places.
# Needs ffmpeg, ../shared (YAMNet's TF Lite file, data/donateacry, data/realworld) and the Debian sound packages of
# scripts/apt-packages.txt. Idempotent: skips when crydetector.json exists and is newer than the code that makes it.
# Env (from scripts/setup.sh): INFANTCRY_ROOT, INFANTCRY_ASSETS, INFANTCRY_ARTIFACTS, PYTHON.
set -euo pipefail
ROOT=${INFANTCRY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
ARTIFACTS=${INFANTCRY_ARTIFACTS:-$ROOT/artifacts}
PYTHON=${PYTHON:-/usr/bin/python3}
ASSETS=$(cd "$ASSETS" && pwd) || { echo "[25-crydetector] asset folder '$ASSETS' not found" >&2; exit 2; }
mkdir -p "$ARTIFACTS"; ARTIFACTS=$(cd "$ARTIFACTS" && pwd)
OUT=$ARTIFACTS/models
log() { echo "[25-crydetector] $*"; }
fresh=1
[ -s "$OUT/crydetector.json" ] && [ -s "$OUT/crydetector_head.onnx" ] || fresh=0
if [ $fresh -eq 1 ]; then
  for i in "$ROOT"/training/crydetector/*.py; do [ "$i" -nt "$OUT/crydetector.json" ] && fresh=0; done
fi
if [ $fresh -eq 1 ]; then log "artifacts/models/crydetector.json up to date"; exit 0; fi
log "leave-one-source-out, small configuration (a few minutes on 2 cores); log in artifacts/crydetector/loso-small.log"
start=$(date +%s)
(cd "$ROOT/training" && "$PYTHON" -W ignore -m crydetector.loso --config small --assets "$ASSETS" --artifacts "$ARTIFACTS" > /dev/null)
log "done in $(( $(date +%s) - start )) s; report in artifacts/reports/crydetector/report.md"
