#!/usr/bin/env bash
# Builds tools/dlib-oracle against Debian's libdlib-dev into $INFANTCRY_ARTIFACTS/bin/dlib-oracle (and the benchmark's
# libdlib_oracle.so) and runs it on
# $INFANTCRY_ASSETS/data/faces/*.jpg with Debian's shape_predictor_68_face_landmarks.dat (libdlib-data), writing
# $INFANTCRY_ARTIFACTS/oracle/faces.json and $INFANTCRY_ARTIFACTS/oracle/faces/* (schema: tools/dlib-oracle/README.md).
# Idempotent: rebuilds only when the source is newer than the binary, reruns only when an input is newer than
# faces.json. Writes only under $INFANTCRY_ARTIFACTS.
set -euo pipefail
ROOT=${INFANTCRY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
ART=${INFANTCRY_ARTIFACTS:-$ROOT/artifacts}
MODEL=${DLIB_SHAPE_MODEL:-/usr/share/dlib/shape_predictor_68_face_landmarks.dat}
SRC=$ROOT/tools/dlib-oracle/dlib_oracle.cpp
CAPI_SRC=$ROOT/tools/dlib-oracle/dlib_oracle_capi.cpp
BIN=$ART/bin/dlib-oracle
LIB=$ART/bin/libdlib_oracle.so
OUT=$ART/oracle
log() { echo "[30-dlib-oracle] $*"; }

[ -s "$MODEL" ] || { echo "30-dlib-oracle: $MODEL missing (Debian package libdlib-data)" >&2; exit 1; }
pkg-config --exists dlib-1 || { echo "30-dlib-oracle: pkg-config dlib-1 not found (Debian package libdlib-dev)" >&2; exit 1; }

if [ ! -x "$BIN" ] || [ "$SRC" -nt "$BIN" ]; then
  log "building $BIN"
  mkdir -p "$ART/bin"
  # -O3 as dlib's own Release builds; no -march flags so that no FMA contraction changes dlib's float results.
  # shellcheck disable=SC2046
  g++ -std=c++17 -O3 -DNDEBUG -o "$BIN.tmp" "$SRC" $(pkg-config --cflags --libs dlib-1)
  mv -f "$BIN.tmp" "$BIN"
fi
if [ ! -s "$LIB" ] || [ "$CAPI_SRC" -nt "$LIB" ]; then
  log "building $LIB (dlib's predictor for the landmark benchmark)"
  mkdir -p "$ART/bin"
  # shellcheck disable=SC2046
  g++ -std=c++17 -O3 -DNDEBUG -shared -fPIC -o "$LIB.tmp" "$CAPI_SRC" $(pkg-config --cflags --libs dlib-1)
  mv -f "$LIB.tmp" "$LIB"
fi

shopt -s nullglob
images=("$ASSETS"/data/faces/*.jpg)
[ ${#images[@]} -gt 0 ] || { echo "30-dlib-oracle: no images in $ASSETS/data/faces" >&2; exit 1; }
stale=0
[ -s "$OUT/faces.json" ] || stale=1
for f in "$BIN" "$MODEL" "${images[@]}"; do [ "$stale" -eq 1 ] || [ ! "$f" -nt "$OUT/faces.json" ] || stale=1; done
if [ "$stale" -eq 1 ]; then
  log "running dlib on ${#images[@]} images"
  rm -rf "$OUT.tmp"
  "$BIN" faces --model "$MODEL" --out "$OUT.tmp" --upsample 1 "${images[@]}"
  rm -rf "$OUT"
  mv "$OUT.tmp" "$OUT"
else
  log "oracle outputs up to date in $OUT"
fi
