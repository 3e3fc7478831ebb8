#!/usr/bin/env bash
# Imports Google's YAMNet TF Lite model into artifacts/models/ (ONNX + check files + donateacry scores and
# embeddings), with training/yamnet/import_yamnet.py. Idempotent: skips when every output exists, the asset's
# yamnet.tflite and yamnet.json's record both have ASSETS.md's sha256, and the ONNX file has the recorded sha256.
# Env (from scripts/setup.sh): INFANTCRY_ROOT, INFANTCRY_ASSETS, INFANTCRY_ARTIFACTS, PYTHON.
set -euo pipefail
ROOT=${INFANTCRY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
ARTIFACTS=${INFANTCRY_ARTIFACTS:-$ROOT/artifacts}
PYTHON=${PYTHON:-/usr/bin/python3}
ASSETS=$(cd "$ASSETS" && pwd) || { echo "[20-yamnet] asset folder '$ASSETS' not found" >&2; exit 2; }
mkdir -p "$ARTIFACTS"; ARTIFACTS=$(cd "$ARTIFACTS" && pwd)   # absolute: the import runs from training/
OUT=$ARTIFACTS/models
TFLITE_SHA256=469be6a3421cbc52cf97e9f2f966cba984198e8e7af9854d68b3e3ebb1e04194   # as in ASSETS.md
log() { echo "[20-yamnet] $*"; }

outputs=(yamnet.onnx yamnet.json yamnet_class_map.csv yamnet_check.json yamnet_frontend_check.npz
         yamnet_donateacry_scores.npz yamnet_embeddings/donateacry.npz)
up_to_date() {
  for f in "${outputs[@]}"; do [ -s "$OUT/$f" ] || return 1; done
  "$PYTHON" - "$OUT" "$TFLITE_SHA256" "$ASSETS/models/yamnet/yamnet.tflite" <<'EOF' || return 1
import hashlib, json, sys
out, want, tflite = sys.argv[1], sys.argv[2], sys.argv[3]
if hashlib.sha256(open(tflite, "rb").read()).hexdigest() != want:
    sys.exit(1)  # a different asset: rerun the import, which names the mismatch
info = json.load(open(f"{out}/yamnet.json"))
onnx_sha = hashlib.sha256(open(f"{out}/yamnet.onnx", "rb").read()).hexdigest()
sys.exit(0 if info["source"]["tflite_sha256"] == want and info["sha256"] == onnx_sha and "donateacry" in info else 1)
EOF
}

if up_to_date; then
  log "artifacts/models/yamnet.* up to date"
  exit 0
fi
log "importing YAMNet from $ASSETS/models/yamnet/yamnet.tflite (457 clips to resample, embed and score: a few minutes on an idle 2-core machine)"
start=$(date +%s)
(cd "$ROOT/training" && "$PYTHON" -W ignore -m yamnet.import_yamnet --assets "$ASSETS" --artifacts "$ARTIFACTS")
log "done in $(( $(date +%s) - start )) s"
