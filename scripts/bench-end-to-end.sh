#!/usr/bin/env bash
# End-to-end speed (issue 16 point 4, issue 14 point 5) with the official ONNX Runtime, 1 and 2 intra-op threads:
#   - audio: a 7 s recording from its file bytes in memory to the cry verdict and reason (CryReasonClassifier), an 8 kHz
#     donateacry WAV and a 44.1 kHz ESC-50 Ogg Vorbis;
#   - pain: one 1280x720 RGB frame through PainLevelEstimator in steady state, rotation search off and on, an adult
#     photo and a synthetic infant render;
#   - once, after the repeats: where a pain frame's time goes (detection, landmarks, alignment, encoder, LSTM).
# Builds Release, runs the EndToEnd BenchmarkDotNet classes REPEATS times (default 3) as separate runs, records the
# machine, commit, ONNX Runtime version and the load around every run, and writes artifacts/reports/end-to-end.md and
# .json (median over repeats of the BenchmarkDotNet median, min-max, allocation, frames/s). Meant for a quiet machine:
# the report warns when it was not. Time-bounded: about 12 minutes with 3 repeats on a 2-core machine, never more
# than E2E_BUDGET seconds (default 870, build included; runs that would not fit are skipped and listed).
#   scripts/bench-end-to-end.sh [REPEATS]
# Shorter job for a check (not for figures): E2E_WARMUP=1 E2E_ITERATIONS=5 E2E_ITERATION_TIME_MS=150 scripts/bench-end-to-end.sh 1
# E2E_STAGES=no skips the stage profile. Needs the set-up's models (artifacts/models), ../shared data and ffmpeg.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-/usr/bin/python3}
REPEATS=${1:-3}
BUDGET=${E2E_BUDGET:-870}
command -v ffmpeg >/dev/null || { echo "bench-end-to-end: ffmpeg not found (it builds the test frames and the Ogg clip; scripts/setup.sh installs it)" >&2; exit 2; }
[ -s "$ROOT/artifacts/models/yamnet.onnx" ] && [ -s "$ROOT/artifacts/models/pain_encoder.onnx" ] \
  || { echo "bench-end-to-end: models missing in artifacts/models (run scripts/setup.sh)" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
start=$SECONDS
dotnet build "$ROOT/benchmarks/InfantCry.Benchmarks/InfantCry.Benchmarks.csproj" -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
BENCH="$ROOT/benchmarks/InfantCry.Benchmarks/bin/Release/net10.0/InfantCry.Benchmarks"
exec "$PYTHON" "$ROOT/scripts/bench_end_to_end.py" --bench "$BENCH" --work "$ROOT/artifacts/reports/end-to-end-runs" \
  --report "$ROOT/artifacts/reports/end-to-end.md" --repeats "$REPEATS" --budget $((BUDGET - (SECONDS - start))) \
  --warmup "${E2E_WARMUP:-3}" --iterations "${E2E_ITERATIONS:-15}" --iteration-time "${E2E_ITERATION_TIME_MS:-250}" --stages "${E2E_STAGES:-yes}"
