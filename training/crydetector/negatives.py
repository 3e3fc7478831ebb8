"""Builds the synthetic negative set for the cry detector: 8 kHz mono PCM16 clips of 7 s, grouped by source.

Families (each clip's group is family:variant, so a grouped split never puts one voice or one sound on both sides):
  speech     espeak-ng, several voices and variants, pitch and rate varied
  babble     3-5 overlapping espeak voices (speech-like babble)
  noise      white, pink and brown noise at three levels (sox synth)
  tones      sine tones, major chords and square beeps (sox synth)
  quiet      digital silence and low room tone (sox synth, filtered)
  household  sox-synthesised fan, running water, vacuum cleaner, microwave beeps, knocks, clock, ring tone,
             washing machine, hair dryer, kettle whistle
Everything is deterministic: sox runs with -R and numpy with fixed seeds. The clips are written at 8 kHz because
the positives (donateacry) are 8 kHz phone recordings: both then take the same 8 -> 16 kHz path into YAMNet, so
the detector cannot separate them by bandwidth alone.
"""
from __future__ import annotations

import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

RATE = 8000
SECONDS = 7.0
N = int(RATE * SECONDS)

SENTENCES = [
    "Good morning, did you sleep well? I think we should get going soon.",
    "The weather today is cloudy with a chance of rain in the afternoon.",
    "Could you pass me the bottle from the kitchen table, please?",
    "We are going to the park after lunch if it stays dry outside.",
    "Three hundred and twenty seven, three hundred and twenty eight.",
    "Once upon a time there was a little bear who lived in the forest.",
    "Please leave a message after the tone and I will call you back.",
    "The meeting has been moved to Thursday at half past ten.",
]
VOICES = ["en", "en-us", "de", "fr", "es", "it", "nl", "sv", "pl", "pt"]
VARIANTS = ["m1", "m3", "f1", "f3", "f4", "croak", "whisper"]

# name -> sox synth/effects arguments (after "sox -R -n -r 8000 -c 1 -b 16 out.wav")
HOUSEHOLD = {
    "fan": ["synth", "7", "brownnoise", "vol", "0.5", "synth", "7", "sine", "amod", "100", "lowpass", "400"],
    "water": ["synth", "7", "pinknoise", "highpass", "800", "tremolo", "9", "40", "vol", "0.6"],
    "vacuum": ["synth", "7", "brownnoise", "synth", "7", "sawtooth", "mix", "190", "bandpass", "700", "600", "vol", "0.7"],
    "microwave": ["synth", "0.25", "sine", "2000", "pad", "0", "0.35", "repeat", "10", "vol", "0.4"],
    "knocks": ["synth", "0.04", "pinknoise", "lowpass", "600", "fade", "0", "0.04", "0.035", "pad", "0", "0.6", "repeat", "10", "vol", "2"],
    "clock": ["synth", "0.01", "whitenoise", "highpass", "2000", "pad", "0", "0.49", "repeat", "13", "vol", "0.8"],
    "ringtone": ["synth", "0.4", "sine", "440", "sine", "mix", "480", "pad", "0", "0.2", "repeat", "11", "vol", "0.4"],
    "washer": ["synth", "7", "brownnoise", "lowpass", "250", "tremolo", "1.3", "70", "vol", "0.8"],
    "hairdryer": ["synth", "7", "whitenoise", "synth", "7", "square", "mix", "320", "lowpass", "2500", "vol", "0.3"],
    "kettle": ["synth", "7", "sine", "2600-3100", "synth", "7", "pinknoise", "mix", "tremolo", "6", "30", "vol", "0.3"],
}


def write_wav(path: Path, x: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = np.clip(np.round(x * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError(f"{path}: expected PCM16")
        x = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float64) / 32768.0
        return x.reshape(-1, w.getnchannels()).mean(axis=1)


def fit(x: np.ndarray) -> np.ndarray:
    """Exactly 7 s: cut or zero-pad at the end."""
    out = np.zeros(N)
    out[: min(N, x.shape[0])] = x[:N]
    return out


def sox_to_array(args: list, tmp: Path) -> np.ndarray:
    out = tmp / "sox.wav"
    subprocess.run(["sox", "-R", "-V1", *args, "-r", str(RATE), "-c", "1", "-b", "16", str(out)], check=True)
    return read_wav(out)


def sox_synth(effects: list, tmp: Path) -> np.ndarray:
    out = tmp / "synth.wav"
    subprocess.run(["sox", "-R", "-V1", "-n", "-r", str(RATE), "-c", "1", "-b", "16", str(out), *effects], check=True)
    return read_wav(out)


def speak(text: str, voice: str, pitch: int, rate: int, tmp: Path) -> np.ndarray:
    raw = tmp / "speech.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(rate), "-w", str(raw), text], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return sox_to_array([str(raw)], tmp)  # espeak writes 22.05 kHz; sox converts to 8 kHz


def normalise(x: np.ndarray, peak: float) -> np.ndarray:
    m = np.max(np.abs(x))
    return x if m == 0 else x * (peak / m)


def generate(out_dir: Path, clips_per_group: int = 3) -> list:
    """Writes the negative set; returns [(relative path, group)]. Skips files that already exist."""
    rng = np.random.default_rng(20261121)
    out_dir.mkdir(parents=True, exist_ok=True)
    made = []

    def emit(group: str, name: str, make) -> None:
        rel = Path(group.replace(":", "_")) / f"{name}.wav"
        path = out_dir / rel
        if not path.exists():
            write_wav(path, fit(make()))
        made.append((str(rel), group))

    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for vi, voice in enumerate(VOICES):
            variant = VARIANTS[vi % len(VARIANTS)]
            v = f"{voice}+{variant}"
            for k in range(clips_per_group):
                text = " ".join(SENTENCES[(vi + k + j) % len(SENTENCES)] for j in range(2))
                pitch, rate = int(rng.integers(20, 80)), int(rng.integers(130, 190))
                emit(f"speech:{v}", f"{k}", lambda: normalise(speak(text, v, pitch, rate, tmp), 0.6))
        for b in range(4):
            for k in range(clips_per_group):
                count = int(rng.integers(3, 6))
                picks = rng.choice(len(VOICES), size=count, replace=False)
                shifts = rng.integers(0, RATE * 2, size=count)

                def babble(picks=picks, shifts=shifts, b=b, k=k):
                    mix = np.zeros(N + RATE * 2)
                    for j, (p, s) in enumerate(zip(picks, shifts)):
                        x = speak(SENTENCES[(b + k + j) % len(SENTENCES)] + " " + SENTENCES[(b + 2 * j + 1) % len(SENTENCES)],
                                  f"{VOICES[p]}+{VARIANTS[(p + j) % len(VARIANTS)]}", 50, 160, tmp)
                        mix[s: s + x.shape[0]][: mix.shape[0] - s] += x[: mix.shape[0] - s]
                    return normalise(mix[RATE:], 0.6)
                emit(f"babble:{b}", f"{k}", babble)
        for colour in ("whitenoise", "pinknoise", "brownnoise"):
            for k, level in enumerate((0.02, 0.1, 0.4)):
                emit(f"noise:{colour}", f"{k}", lambda c=colour, lv=level: sox_synth(["synth", "7", c, "vol", str(lv)], tmp))
        for k in range(clips_per_group + 1):
            f = int(rng.integers(150, 3500))
            emit("tones:sine", f"{k}", lambda f=f: sox_synth(["synth", "7", "sine", str(f), "vol", "0.4"], tmp))
            root = float(rng.integers(150, 600))
            emit("tones:chord", f"{k}", lambda r=root: sox_synth(["synth", "7", "sine", f"{r:.1f}", "sine", f"{r * 1.26:.1f}",
                                                                   "sine", f"{r * 1.5:.1f}", "vol", "0.2"], tmp))
            fb = int(rng.integers(600, 2500))
            emit("tones:beep", f"{k}", lambda f=fb: sox_synth(["synth", "0.2", "square", str(f), "pad", "0", "0.5", "repeat", "9", "vol", "0.2"], tmp))
        for k in range(clips_per_group):
            emit("quiet:silence", f"{k}", lambda: np.zeros(N))
            emit("quiet:roomtone", f"{k}", lambda k=k: sox_synth(["synth", "7", "brownnoise", "lowpass", "300", "vol", f"{0.003 * (k + 1):.3f}"], tmp))
        for name, effects in HOUSEHOLD.items():
            for k in range(clips_per_group):
                gain = 0.5 + 0.5 * k
                emit(f"household:{name}", f"{k}", lambda e=effects, g=gain: np.clip(sox_synth(e, tmp) * g, -1, 1))
    return made
