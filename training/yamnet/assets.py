"""Locations and checksums of the third-party YAMNet assets and of the import's derived artifacts."""
from __future__ import annotations

import csv
import hashlib
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# sha256 of Google's yamnet.tflite as listed in ../shared/ASSETS.md.
YAMNET_TFLITE_SHA256 = "469be6a3421cbc52cf97e9f2f966cba984198e8e7af9854d68b3e3ebb1e04194"
TFLITE_RELPATH = Path("models/yamnet/yamnet.tflite")
CLASS_MAP_RELPATH = Path("models/yamnet/yamnet_class_map.csv")
DONATEACRY_RELPATH = Path("data/donateacry")

# The set-up step 20-yamnet.sh writes these under the artifacts folder.
MODELS_DIR = Path("models")
ONNX_NAME = "yamnet.onnx"
ONNX_INFO_NAME = "yamnet.json"
CHECK_NAME = "yamnet_check.json"
FRONTEND_CHECK_NAME = "yamnet_frontend_check.npz"
CLASS_MAP_NAME = "yamnet_class_map.csv"
CLIP_SCORES_NAME = "yamnet_donateacry_scores.npz"
EMBEDDINGS_DIR = "yamnet_embeddings"
SETUP_STEP = "scripts/setup.d/20-yamnet.sh"


def default_assets() -> Path:
    """The asset root: $INFANTCRY_ASSETS, else ``../shared`` beside the repository root."""
    env = os.environ.get("INFANTCRY_ASSETS")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def default_artifacts() -> Path:
    """The derived-artifact root: $INFANTCRY_ARTIFACTS, else ``artifacts/`` in the repository."""
    env = os.environ.get("INFANTCRY_ARTIFACTS")
    return Path(env) if env else REPO_ROOT / "artifacts"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_verified_tflite(assets: Path) -> bytes:
    """The bytes of yamnet.tflite after checking its sha256 against ASSETS.md."""
    path = Path(assets) / TFLITE_RELPATH
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: pass the asset root (default ../shared, see ASSETS.md)")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != YAMNET_TFLITE_SHA256:
        raise ValueError(f"{path}: sha256 {digest} differs from ASSETS.md's {YAMNET_TFLITE_SHA256}; "
                         "this import is written for that exact file")
    return data


def class_names(csv_path: Path) -> list:
    """Display names by class index from yamnet_class_map.csv (header: index,mid,display_name)."""
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if rows[0] != ["index", "mid", "display_name"]:
        raise ValueError(f"{csv_path}: unexpected header {rows[0]}")
    names = [r[2] for r in rows[1:]]
    if [int(r[0]) for r in rows[1:]] != list(range(len(names))):
        raise ValueError(f"{csv_path}: indices are not 0..{len(names) - 1} in order")
    return names
