"""Imports Google's YAMNet TF Lite model into ONNX and writes the check files the C# side compares against.

    cd training && /usr/bin/python3 -m yamnet.import_yamnet [--assets ../shared] [--artifacts ../artifacts]
        [--skip-donateacry]

Writes under <artifacts>/models/:
  yamnet.onnx                 input "patches" [N, 96, 64] float32 log-mel; outputs "embeddings" [N, 1024],
                              "scores" [N, 521] (sigmoid); N dynamic
  yamnet.json                 sha256 and opset of yamnet.onnx, source tflite sha256, names and shapes
  yamnet_class_map.csv        copy of the asset's class map (index, mid, display_name)
  yamnet_check.json           a few deterministic patches with torch's float32 outputs (ONNX Runtime must agree
                              within 1e-4)
  yamnet_frontend_check.npz   chirp + noise waveform with the TF Lite int8 frontend's and the float64 frontend's
                              log-mel
  yamnet_donateacry_scores.npz  per-clip mean scores of all donateacry clips (float64 and int8 frontends)
  yamnet_embeddings/donateacry.npz  per-patch and pooled embeddings of all donateacry clips
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import onnx
import torch

from infantcry_ref import yamnet_frontend as ref

from . import assets as A
from .onnx_tools import fold_pads_into_convs
from .model import EMBEDDING_SIZE, NUM_CLASSES, PATCH_BANDS, PATCH_FRAMES, Yamnet, load_yamnet
from .pipeline import patches_float64, patches_tflite, run_patches, to_16k
from .signals import CHECK_PATCHES_SEED, chirp_plus_noise, sine
from .tflite_frontend import FrontendConstants, log_mel as tflite_log_mel
from .wav import read_pcm16_mono

OPSET = 17
CHECK_TOLERANCE = 1e-4


def export_onnx(net: Yamnet, path: Path) -> None:
    dummy = torch.zeros(2, PATCH_FRAMES, PATCH_BANDS)
    tmp = path.with_suffix(".onnx.tmp")
    torch.onnx.export(
        net, (dummy,), str(tmp), input_names=["patches"], output_names=["embeddings", "scores"],
        dynamic_axes={"patches": {0: "N"}, "embeddings": {0: "N"}, "scores": {0: "N"}},
        opset_version=OPSET, do_constant_folding=True)
    m = fold_pads_into_convs(onnx.load(str(tmp)), net)
    onnx.checker.check_model(m, full_check=True)
    m.doc_string = ("YAMNet (tensorflow/models research/audioset/yamnet, Apache-2.0) converted from Google's TF Lite "
                    "model by InfantCry's training/yamnet/import_yamnet.py; int8 weights dequantized to float32.")
    onnx.save(m, str(tmp))
    tmp.replace(path)


def check_patches(consts: FrontendConstants) -> tuple:
    """Deterministic [4, 96, 64] float32 patches: digital silence, 1 kHz sine, chirp + noise (float64 frontend),
    and seeded Gaussian log-mel values (mean -3, sigma 2) that exercise every weight."""
    rng = np.random.default_rng(CHECK_PATCHES_SEED)
    p = np.stack([
        patches_float64(np.zeros(15600))[0],
        patches_float64(sine(1000.0, 1.0))[0],
        patches_float64(chirp_plus_noise(1.0))[0],
        rng.normal(-3.0, 2.0, (PATCH_FRAMES, PATCH_BANDS)),
    ]).astype(np.float32)
    return ["silence", "sine_1khz", "chirp_noise", "gaussian"], p


def write_frontend_check(consts: FrontendConstants, path: Path) -> dict:
    x = chirp_plus_noise(3.0)
    padded = ref.pad_waveform(x)
    lm_int8 = tflite_log_mel(consts, padded)
    lm_hybrid = tflite_log_mel(consts, padded, hybrid=True)
    lm_f64 = ref.log_mel(padded)
    np.savez(path, waveform=x.astype(np.float32), waveform_float64=x, padded_length=np.int64(padded.size),
             sample_rate=np.int64(16000), log_mel_int8=lm_int8, log_mel_int8_hybrid=lm_hybrid, log_mel_float64=lm_f64,
             description=np.array(
                 "chirp 50->7900 Hz amplitude 0.5 + white noise sigma 0.1 (seed 20260421), 3 s at 16 kHz; "
                 "log-mel of pad_waveform(waveform) frames: log_mel_int8 = TF Lite graph frontend with dequantized "
                 "int8 DFT/mel constants in float64; log_mel_int8_hybrid = same with TF Lite's hybrid kernel "
                 "(rows quantized to int8); log_mel_float64 = exact float64 frontend (infantcry_ref)"))
    return frontend_stats(lm_f64, lm_int8) | {"hybrid": frontend_stats(lm_f64, lm_hybrid)}


def frontend_stats(a: np.ndarray, b: np.ndarray) -> dict:
    d = np.abs(a - b)
    return {"mean_abs": float(d.mean()), "p99_abs": float(np.percentile(d, 99)), "max_abs": float(d.max())}


def donateacry_files(assets: Path) -> list:
    root = Path(assets) / A.DONATEACRY_RELPATH
    files = sorted(root.glob("*/*.wav"))
    if not files:
        raise FileNotFoundError(f"no clips under {root}")
    return files


def score_donateacry(net: Yamnet, consts: FrontendConstants, assets: Path, out_dir: Path, log=None) -> dict:
    log = log or (lambda s: print(s, flush=True))
    files = donateacry_files(assets)
    root = Path(assets) / A.DONATEACRY_RELPATH
    rel, reasons, installs, offsets = [], [], [], [0]
    clip_f64, clip_int8, patch_embs, pooled = [], [], [], []
    t0 = time.time()
    for i, f in enumerate(files):
        x, rate = read_pcm16_mono(f)
        x16 = to_16k(x, rate)
        emb, sc = run_patches(net, patches_float64(x16))
        _, sc8 = run_patches(net, patches_tflite(consts, x16))
        rel.append(str(f.relative_to(root)))
        reasons.append(f.parent.name)
        installs.append(f.name[:36])
        clip_f64.append(sc.mean(axis=0))
        clip_int8.append(sc8.mean(axis=0))
        patch_embs.append(emb)
        pooled.append(emb.mean(axis=0))
        offsets.append(offsets[-1] + emb.shape[0])
        if (i + 1) % 50 == 0:
            log(f"  {i + 1}/{len(files)} clips, {time.time() - t0:.0f} s")
    scores_path = out_dir / A.CLIP_SCORES_NAME
    np.savez(scores_path.with_suffix(".tmp.npz"), files=np.array(rel), reasons=np.array(reasons),
             clip_scores=np.stack(clip_f64).astype(np.float32), clip_scores_int8=np.stack(clip_int8).astype(np.float32),
             patch_counts=np.diff(offsets).astype(np.int64))
    scores_path.with_suffix(".tmp.npz").replace(scores_path)
    emb_dir = out_dir / A.EMBEDDINGS_DIR
    emb_dir.mkdir(parents=True, exist_ok=True)
    emb_path = emb_dir / "donateacry.npz"
    np.savez(emb_path.with_suffix(".tmp.npz"), files=np.array(rel), reasons=np.array(reasons),
             install_ids=np.array(installs), patch_offsets=np.array(offsets, dtype=np.int64),
             patch_embeddings=np.concatenate(patch_embs).astype(np.float32),
             pooled_embeddings=np.stack(pooled).astype(np.float32))
    emb_path.with_suffix(".tmp.npz").replace(emb_path)
    return {"clips": len(files), "patches": offsets[-1], "seconds": time.time() - t0}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assets", type=Path, default=A.default_assets(), help="asset root (default ../shared)")
    ap.add_argument("--artifacts", type=Path, default=A.default_artifacts(), help="artifact root (default artifacts/)")
    ap.add_argument("--skip-donateacry", action="store_true", help="do not score and embed the donateacry clips")
    args = ap.parse_args(argv)
    torch.set_num_threads(min(2, torch.get_num_threads()))
    out = args.artifacts / A.MODELS_DIR
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()

    data = A.read_verified_tflite(args.assets)
    net, report, model = load_yamnet(data)
    consts = FrontendConstants.from_model(model)
    print(f"[yamnet] loaded {len(report.mapping)} weight tensors from {A.TFLITE_RELPATH}", flush=True)

    onnx_path = out / A.ONNX_NAME
    export_onnx(net, onnx_path)
    onnx_sha = A.sha256_file(onnx_path)
    shutil.copyfile(args.assets / A.CLASS_MAP_RELPATH, out / A.CLASS_MAP_NAME)

    names, patches = check_patches(consts)
    emb, scores = run_patches(net, patches)
    check = {
        "description": "Deterministic input patches and torch float32 outputs of yamnet.onnx's source model; "
                       "ONNX Runtime must reproduce the outputs within 'tolerance' (absolute).",
        "onnx_sha256": onnx_sha, "tolerance": CHECK_TOLERANCE, "names": names,
        "patches_shape": list(patches.shape), "patches": patches.reshape(-1).tolist(),
        "embeddings_shape": list(emb.shape), "embeddings": emb.reshape(-1).tolist(),
        "scores_shape": list(scores.shape), "scores": scores.reshape(-1).tolist(),
    }
    (out / A.CHECK_NAME).write_text(json.dumps(check))

    fstats = write_frontend_check(consts, out / A.FRONTEND_CHECK_NAME)
    print(f"[yamnet] float64 vs int8 frontend on chirp + noise: {fstats}", flush=True)

    info = {
        "onnx": A.ONNX_NAME, "sha256": onnx_sha, "opset": OPSET, "ir_version": onnx.load(str(onnx_path)).ir_version,
        "inputs": [{"name": "patches", "shape": ["N", PATCH_FRAMES, PATCH_BANDS], "type": "float32",
                    "meaning": "log-mel patches: 96 frames of 10 ms x 64 mel bands, ln(mel + 0.001)"}],
        "outputs": [{"name": "embeddings", "shape": ["N", EMBEDDING_SIZE], "type": "float32"},
                    {"name": "scores", "shape": ["N", NUM_CLASSES], "type": "float32"}],
        "class_map": A.CLASS_MAP_NAME,
        "source": {"tflite": str(A.TFLITE_RELPATH), "tflite_sha256": A.YAMNET_TFLITE_SHA256},
        "weights": {k: {"tflite_tensor": v[0], "tflite_name": v[1], "tflite_shape": list(v[2])}
                    for k, v in report.mapping.items()},
        "frontend_check": fstats,
        "producer": "training/yamnet/import_yamnet.py", "torch": torch.__version__, "onnx_package": onnx.__version__,
    }
    if not args.skip_donateacry:
        print("[yamnet] scoring and embedding the donateacry clips", flush=True)
        info["donateacry"] = score_donateacry(net, consts, args.assets, out)
    (out / A.ONNX_INFO_NAME).write_text(json.dumps(info, indent=1))
    print(f"[yamnet] wrote {out} in {time.time() - t0:.0f} s (onnx sha256 {onnx_sha})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
