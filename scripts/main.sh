#!/usr/bin/env bash
# Sets up (idempotent) and runs InfantCry's main job: classify cry recordings end to end
# (WAV -> 16 kHz -> YAMNet log-mel -> YAMNet (ONNX) -> cry detector + cry-reason head).
#   scripts/main.sh [--assets DIR] [--json] [FILE_OR_FOLDER ...]
# Without files it classifies one clip of each reason from the donateacry corpus in the asset folder.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
extra=(); inputs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --assets) ASSETS=$2; shift 2 ;;
    --json) extra+=(--json); shift ;;
    *) inputs+=("$1"); shift ;;
  esac
done
bash "$ROOT/scripts/setup.sh" --assets "$ASSETS"
if [ ${#inputs[@]} -eq 0 ]; then
  for d in "$ASSETS"/data/donateacry/*/; do
    f=$(find "$d" -maxdepth 1 -name '*.wav' | sort | head -n 1)
    [ -n "$f" ] && inputs+=("$f")
  done
fi
exec dotnet "$ROOT/samples/InfantCry.Cli/bin/Release/net10.0/infantcry.dll" classify \
  --models "$ROOT/artifacts/models" "${extra[@]}" "${inputs[@]}"
