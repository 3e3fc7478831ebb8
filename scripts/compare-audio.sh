#!/usr/bin/env bash
# Side-by-side comparison of InfantCry's audio front end with its peers, in one run:
#   - resampling 8 -> 16, 44.1 -> 16 and 48 -> 16 kHz: ours vs sox (Debian) at its default (-h) and very high (-v)
#     quality, SNR against the analytic target and CPU time, as a ratio per round;
#   - YAMNet log-mel: ours vs torch (stft + mel matmul, torch.set_num_threads(1)) and vs the float64 numpy reference.
# Speed is measured in ROUNDS interleaved rounds (default 15; each runs every contender once, in rotating order); the
# report gives the median ratio over the rounds with its min-max, the machine and the date. About 3-5 minutes.
# Writes artifacts/reports/audio-comparison.md and .json (per-round figures).
#   scripts/compare-audio.sh [ROUNDS]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
command -v sox >/dev/null || { echo "compare-audio: sox not found (Debian package 'sox', installed by scripts/setup.sh)" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build "$ROOT/benchmarks/InfantCry.AudioCompare/InfantCry.AudioCompare.csproj" -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
TOOL="$ROOT/benchmarks/InfantCry.AudioCompare/bin/Release/net10.0/InfantCry.AudioCompare"
exec "$PYTHON" "$ROOT/scripts/compare_audio.py" --tool "$TOOL" --work "$ROOT/artifacts/audio-compare" --report "$ROOT/artifacts/reports/audio-comparison.md" --rounds "${1:-15}"
