#!/usr/bin/env python3
"""Generates the audio golden files under tests/InfantCry.Audio.Tests/Golden/audio/ (deterministic, seeded).

Inputs are synthetic (tones, chirps, band-limited multitones, white noise, silence, impulses) at 8, 16 and 44.1 kHz,
stored as float32; references come from the float64 numpy code in training/infantcry_ref, computed from the
float32-rounded inputs, and are stored as float32 (1.2e-7 relative rounding, far below every test tolerance).

  /usr/bin/python3 training/golden/make_audio_golden.py [--out DIR]

Files: manifest.json, and per case <name>.in.f32 plus
  frontend cases:  <name>.logmel.f32  log-mel frames of pad_waveform(input) [frames, 64] (patches = frames 48k..48k+95)
  resample cases:  <name>.ref.f32     reference resampler output (same filter specification as the C# resampler)
                   <name>.analytic.f32 the analytic signal sampled at the output rate (band-limited signals only)
  pipeline cases:  input at 8 or 44.1 kHz; <name>.logmel.f32 = log-mel of pad_waveform(reference resample to 16 kHz)
"""
import argparse
import json
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "training"))
from infantcry_ref import resample as rs  # noqa: E402
from infantcry_ref import yamnet_frontend as yf  # noqa: E402


def f32(x):
    return np.asarray(x, dtype=np.float64).astype(np.float32)


def save(out, name, suffix, data):
    path = os.path.join(out, f"{name}.{suffix}.f32")
    f32(data).astype("<f4").tofile(path)
    return os.path.basename(path)


def frontend_cases():
    sr = 16000
    rng = np.random.default_rng(7)
    half = 0.5
    yield "fe_tone1k", rs.tone(sr, half, 1000.0, 0.5)
    yield "fe_fullscale_tone", rs.tone(sr, half, 2500.0, 0.999)
    yield "fe_quiet_tone", rs.tone(sr, half, 700.0, 10 ** (-50 / 20))
    yield "fe_twotone", rs.tone(sr, half, 440.0, 0.3) + rs.tone(sr, half, 3000.0, 0.3)
    yield "fe_chirp", rs.chirp(sr, 23280 / sr, 50.0, 7900.0, 0.5)    # exactly 2 patches, no padding
    yield "fe_noise", 0.25 * rng.standard_normal(int(sr * half))
    yield "fe_silence", np.zeros(int(sr * half))
    yield "fe_impulses", rs.impulses(sr, half, 0.1, 0.9)
    yield "fe_short", rs.tone(sr, 0.03, 300.0, 0.5)                  # 480 samples: padded to one patch
    yield "fe_multitone_padded", rs.multitone(sr, 16000 / sr, 7800.0, seed=3)  # padded to 2 patches


def resample_cases():
    # (name, from, to, signal generator(rate) or None for white noise, band-limited?)
    for fr, to in [(8000, 16000), (44100, 16000), (16000, 8000), (48000, 16000), (11025, 16000)]:
        top = 0.9 * min(fr, to) / 2.0
        yield f"rs_{fr}_{to}_multitone", fr, to, (lambda r, top=top: rs.multitone(r, 0.15, top, seed=5))
        yield f"rs_{fr}_{to}_noise", fr, to, None
        if fr in (8000, 44100):
            yield f"rs_{fr}_{to}_impulses", fr, to, "impulses"   # the filter's own impulse response, every 50 ms
            yield f"rs_{fr}_{to}_silence", fr, to, "silence"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "InfantCry.Audio.Tests", "Golden", "audio"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    manifest = {"generator": "training/golden/make_audio_golden.py", "frontend": [], "resample": [], "pipeline": []}

    for name, x in frontend_cases():
        x = f32(x)
        lm = yf.log_mel(yf.pad_waveform(x.astype(np.float64)))
        manifest["frontend"].append({
            "name": name, "rate": 16000, "samples": int(x.shape[0]), "frames": int(lm.shape[0]),
            "patches": int(yf.patches(lm).shape[0]),
            "input": save(args.out, name, "in", x), "logmel": save(args.out, name, "logmel", lm)})

    for name, fr, to, gen in resample_cases():
        if gen == "impulses":
            x, gen = f32(rs.impulses(fr, 0.15, 0.05, 0.9)), None
        elif gen == "silence":
            x, gen = f32(np.zeros(int(fr * 0.15))), None
        else:
            x = f32(gen(fr) if gen else rs.white_noise(fr, 0.15, 0.25, seed=11))
        y = rs.resample(x.astype(np.float64), fr, to)
        entry = {"name": name, "from": fr, "to": to, "samples": int(x.shape[0]), "outputSamples": int(y.shape[0]),
                 "halfWidth": rs.design(fr, to)[0],
                 "input": save(args.out, name, "in", x), "reference": save(args.out, name, "ref", y)}
        if gen:
            entry["analytic"] = save(args.out, name, "analytic", gen(to)[: y.shape[0]])
        manifest["resample"].append(entry)

    for fr in (8000, 44100):
        name = f"pipe_{fr}_chirp"
        x = f32(rs.chirp(fr, 0.4, 100.0, 0.85 * min(fr, 16000) / 2.0, 0.5))
        y = rs.resample(x.astype(np.float64), fr, 16000)
        lm = yf.log_mel(yf.pad_waveform(y))
        manifest["pipeline"].append({
            "name": name, "rate": fr, "samples": int(x.shape[0]), "resampledSamples": int(y.shape[0]),
            "frames": int(lm.shape[0]), "input": save(args.out, name, "in", x), "logmel": save(args.out, name, "logmel", lm)})

    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(args.out, n)) for n in os.listdir(args.out))
    print(f"wrote {len(os.listdir(args.out))} files, {total / 1024:.0f} KB, to {args.out}")


if __name__ == "__main__":
    main()
