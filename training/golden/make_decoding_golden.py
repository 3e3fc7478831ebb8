#!/usr/bin/env python3
"""Generates the decoding golden files under tests/InfantCry.Audio.Tests/Golden/decoding/ (deterministic).

Inputs are synthetic chirps (aperiodic, so a decoder's delay can be found by cross-correlation), rendered and encoded
by ffmpeg (lavfi aevalsrc; libvorbis for Ogg Vorbis, libmp3lame for MP3) with bit-exact flags and no metadata.
References are ffmpeg's own decode of each encoded file (its native vorbis and mp3float decoders, an implementation
independent of NVorbis and NLayer) as float32, averaged to mono in float64 here and stored as float32.

  /usr/bin/python3 training/golden/make_decoding_golden.py [--out DIR]

Files: manifest.json, and per case <name>.<ext> (the encoded input, < 50 KB) and <name>.ref.f32 (mono reference).
Needs ffmpeg on PATH (Debian package ffmpeg).
"""
import argparse
import array
import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, "tests", "InfantCry.Audio.Tests", "Golden", "decoding")

# name, extension, sample rate, channels, seconds, encoder arguments
CASES = [
    ("chirp_stereo_22k", "ogg", 22050, 2, 0.5, ["-c:a", "libvorbis", "-q:a", "4"]),
    ("chirp_mono_16k", "ogg", 16000, 1, 0.5, ["-c:a", "libvorbis", "-q:a", "4"]),
    # MPEG-1 layer III with ffmpeg's ID3v2 tag and LAME/Xing header (encoder delay and padding declared).
    ("chirp_stereo_44k", "mp3", 44100, 2, 0.25, ["-c:a", "libmp3lame", "-b:a", "96k"]),
    # MPEG-2 layer III (24 kHz, as several household recordings) as bare frames: no ID3 tag, no Xing header, so the
    # first bytes are a frame sync. (8 kHz MPEG-2.5 is not a golden case: NLayer 3.0.1 mis-decodes it, see the README.)
    ("chirp_mono_24k", "mp3", 24000, 1, 0.4, ["-c:a", "libmp3lame", "-b:a", "32k", "-id3v2_version", "0", "-write_xing", "0"]),
]

# Left: rising chirp 200 -> 3000 Hz over 1 s; right: falling chirp from 2500 Hz, quieter. Both well inside every Nyquist.
EXPR_STEREO = "0.4*sin(2*PI*(200*t+1400*t*t))|0.25*sin(2*PI*(2500*t-1100*t*t))"
EXPR_MONO = "0.4*sin(2*PI*(200*t+1400*t*t))"


def run(args):
    return subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", *args], check=True, stdout=subprocess.PIPE).stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=DEFAULT_OUT)
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    version = subprocess.run(["ffmpeg", "-version"], check=True, stdout=subprocess.PIPE, text=True).stdout.splitlines()[0]
    manifest = {"generator": "training/golden/make_decoding_golden.py", "ffmpeg": version, "cases": []}
    for name, ext, rate, channels, seconds, encoder in CASES:
        path = os.path.join(out, f"{name}.{ext}")
        expr = EXPR_STEREO if channels == 2 else EXPR_MONO
        run(["-y", "-f", "lavfi", "-i", f"aevalsrc={expr}:s={rate}:d={seconds}", "-ac", str(channels),
             "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", *encoder, path])
        raw = run(["-i", path, "-f", "f32le", "-c:a", "pcm_f32le", "-"])
        interleaved = array.array("f")
        interleaved.frombytes(raw)
        mono = array.array("f", (sum(interleaved[i:i + channels]) / channels for i in range(0, len(interleaved), channels)))
        with open(os.path.join(out, f"{name}.ref.f32"), "wb") as f:
            mono.tofile(f)
        # Ogg's last granule position and a LAME tag's delay/padding declare the encoder's input length; ffmpeg's
        # native Vorbis decoder keeps the last block whole, and bare MP3 frames declare nothing (whole frames decode).
        gapless = ext == "ogg" or "-write_xing" not in encoder
        manifest["cases"].append({"name": name, "file": f"{name}.{ext}", "format": "OggVorbis" if ext == "ogg" else "Mp3",
                                  "sampleRate": rate, "channels": channels, "inputFrames": round(rate * seconds),
                                  "referenceFrames": len(mono), "declaresLength": gapless,
                                  "bytes": os.path.getsize(path)})
        print(f"{name}.{ext}: {os.path.getsize(path)} bytes, reference {len(mono)} frames")
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
