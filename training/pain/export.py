"""ONNX export of the trained pain models, their manifest and a torch check file for the C# side.

artifacts/models/
  pain_encoder.onnx   input "frames" [N,1,64,64] float32 in [0,1] (aligned faces, align.py) ->
                      output "latent" [N,640] float32 (encoder output [N,10,8,8] flattened channel-major: c*64+y*8+x)
  pain_sequence.onnx  input "latents" [B,T,640] float32 (T = trained sequence length; the graph accepts any T) ->
                      outputs "crying" [B,2] (P(not crying), P(crying)), "pain" [B,3] (P(none), P(moderate), P(severe))
  pain_models.json    shapes, opset, sha256 of both files, training config, metrics, alignment and label conventions
  pain_check.json     a few inputs and the torch outputs; ONNX Runtime must agree within `tolerance`
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from .models import EncoderExport, SequenceExport

OPSET = 17
CHECK_TOLERANCE = 1e-4


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def export_all(ae, seq, cfg, results: dict, test_crops: np.ndarray, test_windows: np.ndarray, out_dir: Path,
               log=print) -> dict:
    import onnx
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    enc, sq = EncoderExport(ae).eval(), SequenceExport(seq).eval()
    enc_path, seq_path = out_dir / "pain_encoder.onnx", out_dir / "pain_sequence.onnx"
    frames = torch.from_numpy(np.ascontiguousarray(test_crops[:3, None], np.float32))
    lat = torch.from_numpy(np.ascontiguousarray(test_windows, np.float32))
    with torch.no_grad():
        torch.onnx.export(enc, (frames,), str(enc_path), input_names=["frames"], output_names=["latent"],
                          dynamic_axes={"frames": {0: "N"}, "latent": {0: "N"}}, opset_version=OPSET)
        torch.onnx.export(sq, (lat,), str(seq_path), input_names=["latents"], output_names=["crying", "pain"],
                          dynamic_axes={"latents": {0: "B", 1: "T"}, "crying": {0: "B"}, "pain": {0: "B"}},
                          opset_version=OPSET)
        enc_out = enc(frames).numpy()
        cry_out, pain_out = (t.numpy() for t in sq(lat))
    for p in (enc_path, seq_path):
        onnx.checker.check_model(onnx.load(str(p)))
    check = {
        "tolerance": CHECK_TOLERANCE,
        "note": "inputs are held-out aligned synthetic faces and their latents; outputs from torch (float32, CPU)",
        "encoder": {"file": enc_path.name, "input_name": "frames", "input_shape": list(frames.shape),
                    "input": frames.numpy().reshape(-1).tolist(), "output_name": "latent",
                    "output_shape": list(enc_out.shape), "output": enc_out.reshape(-1).tolist()},
        "sequence": {"file": seq_path.name, "input_name": "latents", "input_shape": list(lat.shape),
                     "input": lat.numpy().reshape(-1).tolist(),
                     "outputs": {"crying": {"shape": list(cry_out.shape), "values": cry_out.reshape(-1).tolist()},
                                 "pain": {"shape": list(pain_out.shape), "values": pain_out.reshape(-1).tolist()}}},
    }
    (out_dir / "pain_check.json").write_text(json.dumps(check))
    manifest = {
        "opset": OPSET,
        "producer": f"torch {torch.__version__}",
        "encoder": {"file": enc_path.name, "sha256": sha256(enc_path),
                    "inputs": [{"name": "frames", "shape": ["N", 1, 64, 64], "dtype": "float32",
                                "meaning": "aligned grayscale faces in [0,1] (training/pain/align.py)"}],
                    "outputs": [{"name": "latent", "shape": ["N", 640], "dtype": "float32",
                                 "meaning": "encoder output [N,10,8,8] flattened channel-major (c*64 + y*8 + x)"}]},
        "sequence": {"file": seq_path.name, "sha256": sha256(seq_path), "sequence_length": cfg.seq_len,
                     "inputs": [{"name": "latents", "shape": ["B", "T", 640], "dtype": "float32",
                                 "meaning": "encoder latents of T consecutive frames, oldest first"}],
                     "outputs": [{"name": "crying", "shape": ["B", 2], "labels": ["not_crying", "crying"]},
                                 {"name": "pain", "shape": ["B", 3], "labels": ["none", "moderate", "severe"]}],
                     "label_convention": "probabilities are for the LAST frame of the window"},
        "alignment": {"size": 64, "eyes": "mean of points 36-41 and 42-47, rotate about their midpoint to level",
                      "crop": "x: jaw 0-16 min..max, y: brows 17-26 min .. chin 8, in the rotated frame",
                      "sampling": "bilinear, pixel centres at integers, output centre (x0+(u+0.5)*w/64), border replicate",
                      "gray": "0.299 R + 0.587 G + 0.114 B, /255, float"},
        "training_config": asdict(cfg),
        "metrics": {"autoencoder_test": results["autoencoder"]["test"], "sequence_test": results["sequence"],
                    "baseline_majority": results["baseline_majority"],
                    "test_subjects": results["test_subjects"]},
        "data": results["data"],
        "check_file": "pain_check.json",
        "clinical_use": "none: trained on synthetic faces unless 'data' points at a real dataset",
    }
    (out_dir / "pain_models.json").write_text(json.dumps(manifest, indent=2))
    log(f"exported {enc_path} and {seq_path} (opset {OPSET})")
    return manifest
