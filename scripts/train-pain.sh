#!/usr/bin/env bash
# Pain pipeline trainings outside set-up (see training/pain/README.md).
#   scripts/train-pain.sh --full          render the study-size synthetic set (28 subjects x 8 clips x 24 frames),
#                                         train the study config (T=4, 1024 hidden) and the Tables II-III grid;
#                                         models -> artifacts/pain-full/models, reports -> artifacts/reports/*-full.*
#   scripts/train-pain.sh --data DIR      train the study config (+ grid with --grid) on YOUR dataset folder in the
#                                         documented layout; models -> artifacts/pain-custom/models
#   options: --grid (with --data), --threads N (torch threads, default 2)
# The set-up (scripts/setup.d/40-pain.sh) runs only the small config. Long: the full grid takes hours on 2 cores.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ART=${INFANTCRY_ARTIFACTS:-$ROOT/artifacts}
PY=${PYTHON:-/usr/bin/python3}
export PYTHONPATH=$ROOT/training${PYTHONPATH:+:$PYTHONPATH}
MODE= DATA= GRID= THREADS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --full) MODE=full; shift ;;
    --data) MODE=custom; DATA=$2; shift 2 ;;
    --grid) GRID=--grid; shift ;;
    --threads) THREADS=$2; shift 2 ;;
    *) echo "train-pain: unknown argument '$1' (use --full, or --data DIR [--grid]; --threads N)" >&2; exit 2 ;;
  esac
done
case "$MODE" in
  full)
    DATA=$ART/data/pain-synth-full
    if [ ! -s "$DATA/labels.csv" ]; then
      rm -rf "$DATA.tmp"
      "$PY" -m pain.synth --out "$DATA.tmp" --subjects 28 --clips 8 --frames 24 --seed 2024
      mv "$DATA.tmp" "$DATA"
    fi
    "$PY" -W ignore -m pain.train --data "$DATA" --config full --grid --threads "$THREADS" \
      --models "$ART/pain-full/models" --reports "$ART/reports" --cache "$ART/cache" ;;
  custom)
    [ -s "$DATA/labels.csv" ] || { echo "train-pain: '$DATA/labels.csv' not found (see training/pain/README.md, Dataset layout)" >&2; exit 2; }
    "$PY" -W ignore -m pain.train --data "$DATA" --config full $GRID --threads "$THREADS" \
      --models "$ART/pain-custom/models" --reports "$ART/pain-custom/reports" --cache "$ART/cache" ;;
  *) echo "train-pain: choose --full or --data DIR" >&2; exit 2 ;;
esac
