#!/usr/bin/env bash
# Pain pipeline (issue 7), set-up step: renders a small synthetic infant-face dataset and trains the small
# autoencoder + LSTM config on it, exporting ONNX models for the C# side. Idempotent: each stage is skipped when
# its outputs exist and a fingerprint of its inputs (code + configuration) is unchanged. Writes only under
# $INFANTCRY_ARTIFACTS:
#   data/pain-synth-small/      clips/<clip>/<frame>.png, labels.csv, landmarks.csv, cues.csv, synth.json
#   models/pain_encoder.onnx, pain_sequence.onnx, pain_models.json, pain_check.json
#   reports/pain-metrics-small.json, pain-report-small.md, pain-synthetic-samples.png
# The full study-size run is scripts/train-pain.sh --full (not part of set-up).
set -euo pipefail
ROOT=${INFANTCRY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ART=${INFANTCRY_ARTIFACTS:-$ROOT/artifacts}
PY=${PYTHON:-/usr/bin/python3}
export PYTHONPATH=$ROOT/training${PYTHONPATH:+:$PYTHONPATH}
log() { echo "[40-pain] $*"; }

SYNTH_ARGS=(--subjects 10 --clips 4 --frames 16 --seed 7)
DATA=$ART/data/pain-synth-small
MODELS=$ART/models
REPORTS=$ART/reports
PKG=$ROOT/training/pain

data_fp=$( { cat "$PKG/synth.py" "$PKG/raster.py" "$PKG/pngio.py"; echo "${SYNTH_ARGS[*]}"; } | sha256sum | cut -c1-32)
if [ -s "$DATA/labels.csv" ] && [ "$(cat "$DATA/.fingerprint" 2>/dev/null)" = "$data_fp" ]; then
  log "synthetic dataset up to date ($DATA)"
else
  log "rendering synthetic dataset into $DATA"
  rm -rf "$DATA.tmp"
  "$PY" -m pain.synth --out "$DATA.tmp" "${SYNTH_ARGS[@]}" | tail -n 1
  echo "$data_fp" > "$DATA.tmp/.fingerprint"
  rm -rf "$DATA"; mv "$DATA.tmp" "$DATA"
fi

train_fp=$( { cat "$PKG"/*.py "${BASH_SOURCE[0]}"; echo "$data_fp"; } | sha256sum | cut -c1-32)
outputs=("$MODELS/pain_encoder.onnx" "$MODELS/pain_sequence.onnx" "$MODELS/pain_models.json"
         "$MODELS/pain_check.json" "$REPORTS/pain-metrics-small.json" "$REPORTS/pain-synthetic-samples.png")
have=1; for f in "${outputs[@]}"; do [ -s "$f" ] || have=0; done
if [ $have -eq 1 ] && [ "$(cat "$MODELS/pain_models.fingerprint" 2>/dev/null)" = "$train_fp" ]; then
  log "pain models up to date ($MODELS/pain_*.onnx)"
  exit 0
fi
start=$(date +%s)
rm -f "$MODELS/pain_models.fingerprint"
"$PY" -W ignore -m pain.samples --data "$DATA" --out "$REPORTS/pain-synthetic-samples.png"
"$PY" -W ignore -m pain.train --data "$DATA" --config small --models "$MODELS" --reports "$REPORTS" \
  --cache "$ART/cache"
echo "$train_fp" > "$MODELS/pain_models.fingerprint"
log "trained and exported in $(( $(date +%s) - start )) s"
