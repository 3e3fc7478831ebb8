#!/usr/bin/env bash
# Model packages, set-up step: gathers the files the model packages carry that no earlier step writes (the face
# detectors from the asset folder with their licences, dlib's 68-point model from Debian's libdlib-data) into
# artifacts/models, then writes every package's provenance manifest (scripts/make_provenance.py). Cheap; always runs.
set -euo pipefail
ROOT=${INFANTCRY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
ASSETS=${INFANTCRY_ASSETS:-$ROOT/../shared}
ART=${INFANTCRY_ARTIFACTS:-$ROOT/artifacts}
PY=${PYTHON:-/usr/bin/python3}
MODELS=$ART/models
mkdir -p "$MODELS"
copy() { [ -s "$1" ] && cp -u "$1" "$2"; }
copy "$ASSETS/models/face/ultraface/version-RFB-320.onnx" "$MODELS/version-RFB-320.onnx" || true
copy "$ASSETS/models/face/ultraface/LICENSE" "$MODELS/LICENSE.ultraface.txt" || true
copy "$ASSETS/models/face/yunet/yunet_s_dynamic.onnx" "$MODELS/yunet_s_dynamic.onnx" || true
if [ -s "$ASSETS/models/face/yunet/LICENSE.opencv_zoo_yunet" ]; then
  { echo "== YuNet model (OpenCV zoo) =="; cat "$ASSETS/models/face/yunet/LICENSE.opencv_zoo_yunet"
    echo; echo "== YuNet training code (libfacedetection.train) =="; cat "$ASSETS/models/face/yunet/LICENSE.libfacedetection.train"; } > "$MODELS/LICENSE.yunet.txt.tmp"
  mv -f "$MODELS/LICENSE.yunet.txt.tmp" "$MODELS/LICENSE.yunet.txt"
fi
copy /usr/share/dlib/shape_predictor_68_face_landmarks.dat "$MODELS/shape_predictor_68_face_landmarks.dat" || true
version=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$ROOT/Directory.Build.props")-$(sed -n 's:.*<VersionSuffix>\(.*\)</VersionSuffix>.*:\1:p' "$ROOT/Directory.Build.props")
"$PY" "$ROOT/scripts/make_provenance.py" --artifacts "$ART" --version "$version"
