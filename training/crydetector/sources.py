"""Data inventory for the cry detector (issue 13): every source, its category, licence, may-train flag and the
grouping inside it, cut into clips.

A *source* is the unit the leave-one-source-out protocol holds out: one recording origin (a corpus, or one class
folder of a corpus whose folders come from different recordings). A *group* inside a source is one recording
(ESC-50 source recording, donateacry app install, adult speaker, one long file): clips of one group never straddle a
split. Long files (ambience loops, music) are cut into clips of CLIP_SECONDS, at most ``max_clips_per_file`` of them,
evenly spaced over the file. Every file is decoded with ffmpeg to float mono (any format, any rate).

Sources whose README row says "evaluation only" (adult_nonverbal) are marked trainable=False: no training set, no
background for mixing, no threshold or calibration ever sees them.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

import numpy as np

CLIP_SECONDS = 5.0
MIN_SECONDS = 0.5          # shorter files are skipped (YAMNet needs ~1 s; padding a 0.2 s click is not a clip)

ESC50_LICENCE = "CC BY-NC 3.0 (K. J. Piczak, ESC-50): non-commercial use only"
REALWORLD = Path("data/realworld")


@dataclass(frozen=True)
class Clip:
    source: str          # source name (the LOSO unit)
    group: str           # recording inside the source
    path: str            # absolute path of the audio file ("" for generated clips)
    start: float         # seconds into the file
    seconds: float       # clip length in seconds (0 = whole file)

    @property
    def key(self) -> str:
        return f"{self.path}@{self.start:.2f}+{self.seconds:.2f}"


@dataclass
class Source:
    name: str
    label: int           # 1 = infant cry, 0 = not a cry
    category: str        # infant_cry, household, animals, speech, music, adult_nonverbal, adult_crying, synthetic
    licence: str
    trainable: bool
    origin: str          # where the files come from (folder or Debian package)
    clips: List[Clip] = field(default_factory=list)


_PROBED: dict = {}


def probe_seconds(path: str) -> float:
    """The file's duration (ffprobe), remembered in PROBE_CACHE by path, size and modification time."""
    st = Path(path).stat()
    key = f"{path}|{st.st_size}|{int(st.st_mtime)}"
    if key in _PROBED:
        return _PROBED[key]
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path],
                         check=True, capture_output=True, text=True).stdout.strip()
    _PROBED[key] = float(out) if out and out != "N/A" else 0.0
    return _PROBED[key]


def decode(path: str, rate: int, start: float = 0.0, seconds: float = 0.0) -> np.ndarray:
    """float32 mono at ``rate`` (ffmpeg, soxr resampler; channels averaged), optionally a [start, start+seconds) cut."""
    cmd = ["ffmpeg", "-v", "error", "-nostdin"]
    if start > 0:
        cmd += ["-ss", f"{start:.3f}"]
    cmd += ["-i", path]
    if seconds > 0:
        cmd += ["-t", f"{seconds:.3f}"]
    cmd += ["-ac", "1", "-ar", str(rate), "-af", "aresample=resampler=soxr:precision=28", "-f", "f32le", "-"]
    raw = subprocess.run(cmd, check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)


def cut(source: str, group: str, path: str, max_clips_per_file: int) -> List[Clip]:
    """Whole file if it is shorter than 2 clips, else up to max_clips_per_file evenly spaced CLIP_SECONDS clips."""
    dur = probe_seconds(path)
    if dur < MIN_SECONDS:
        return []
    if dur < 2 * CLIP_SECONDS:
        return [Clip(source, group, path, 0.0, 0.0)]
    n = min(max_clips_per_file, int(dur // CLIP_SECONDS))
    starts = np.linspace(0.0, dur - CLIP_SECONDS, n) if n > 1 else [0.0]
    return [Clip(source, group, path, float(round(s, 2)), CLIP_SECONDS) for s in starts]


def _every(files: list, limit: Optional[int]) -> list:
    """A deterministic, evenly spread subset of a sorted list (all when limit is None or not smaller)."""
    files = sorted(files)
    if limit is None or len(files) <= limit:
        return files
    idx = np.unique(np.linspace(0, len(files) - 1, limit).round().astype(int))
    return [files[i] for i in idx]


# (folder under realworld, category, licence) for the negative class folders
ESC50_NEG = {"dog": "animals", "cat": "animals", "chirping_birds": "animals", "church_bells": "household",
             "car_horn": "household", "siren": "household", "snoring": "household", "glass_breaking": "household",
             "thunderstorm": "household"}
AMBIENCE = {"fireplace": "household", "household_appliances": "household", "household_objects": "household",
            "pets": "animals", "radio_tv_like": "music", "rain_storm": "household",
            "speech_babble_places": "speech", "urban_siren_traffic": "household"}
SPEECH_MUSIC = {"adult_speech_cmu_arctic": ("speech", "CMU ARCTIC free/BSD-style licence"),
                "adult_speech_librispeech": ("speech", "CC BY 4.0 (LibriSpeech)"),
                "household_speechcommands_bg": ("household", "CC BY 4.0 (Speech Commands background noise)"),
                "music_instrumental": ("music", "CC BY 3.0 / public domain (per-file .txt)"),
                "music_with_vocals": ("music", "CC BY 3.0 (per-file .txt)")}
GCOMPRIS_CATEGORY = {"applause": "household", "car_train": "household", "cat": "animals", "dog": "animals",
                     "dog_bark": "animals", "door": "household", "heartbeat": "household",
                     "object_falling": "household", "rain": "household", "ring": "household", "world_music": "music"}
AUDIO_EXT = {".wav", ".ogg", ".mp3", ".flac"}


def _audio(folder: Path) -> list:
    return [str(p) for p in sorted(folder.rglob("*")) if p.suffix.lower() in AUDIO_EXT]


@dataclass
class Config:
    """How much of each source to use. ``full()`` is the evaluation's configuration; ``small()`` is CI's."""
    max_clips_per_file: int = 2
    max_files_per_source: Optional[int] = None   # None: every file
    donateacry_per_install: Optional[int] = 1    # None: every clip (457); 1: the first clip of each install
    donateacry_installs: Optional[int] = 120     # the first installs in name order (ids are random hex); None: 221
    evaluation_only_max_files: Optional[int] = 16
    asterisk_prompts: int = 24
    klettres_per_language: int = 1
    synthetic_clips_per_group: int = 1

    @staticmethod
    def full() -> "Config":
        return Config()

    @staticmethod
    def small() -> "Config":
        return Config(max_clips_per_file=1, max_files_per_source=3, asterisk_prompts=6, klettres_per_language=1,
                      synthetic_clips_per_group=1, evaluation_only_max_files=4, donateacry_installs=None)


def inventory(assets: Path, cfg: Config, synthetic_dir: Optional[Path] = None,
              debian_root: Path = Path("/usr/share"), probe_cache: Optional[Path] = None) -> List[Source]:
    """Every source with its clips. Missing folders or Debian packages raise: the protocol is defined over all.
    ``probe_cache`` (a JSON file) keeps the files' durations between runs."""
    import json
    if probe_cache is not None and Path(probe_cache).exists():
        _PROBED.update(json.loads(Path(probe_cache).read_text()))
    try:
        return _inventory(assets, cfg, synthetic_dir, debian_root)
    finally:
        if probe_cache is not None:
            Path(probe_cache).parent.mkdir(parents=True, exist_ok=True)
            Path(probe_cache).write_text(json.dumps(_PROBED))


def _inventory(assets: Path, cfg: Config, synthetic_dir: Optional[Path], debian_root: Path) -> List[Source]:
    assets = Path(assets).resolve()   # absolute paths: they are part of the feature cache's keys
    rw = assets / REALWORLD
    lim = cfg.max_files_per_source
    out: List[Source] = []

    def add(src: Source, files: list, group_of, cut_long: bool = True) -> None:
        if not files:
            raise FileNotFoundError(f"source {src.name}: no audio files in {src.origin}")
        n = lim if src.trainable else min(x for x in (lim, cfg.evaluation_only_max_files, len(files)) if x is not None)
        for f in _every(files, n):
            g = group_of(f)
            if cut_long:
                src.clips.extend(cut(src.name, g, f, cfg.max_clips_per_file))
            else:
                src.clips.append(Clip(src.name, g, f, 0.0, 0.0))
        out.append(src)

    donate = assets / "data/donateacry"
    per_install: dict = {}
    for f in sorted(_audio(donate), key=lambda f: Path(f).name.lower()):
        per_install.setdefault(Path(f).name[:36].lower(), []).append(f)
    installs = list(per_install.values())[:cfg.donateacry_installs]
    dfiles = [f for fs in installs for f in fs[:cfg.donateacry_per_install]]
    add(Source("donateacry", 1, "infant_cry", "ODbL 1.0 / DbCL 1.0 (Donate-a-cry corpus)", True, str(donate)),
        dfiles, lambda f: Path(f).name[:36].lower(), cut_long=False)
    add(Source("esc50/crying_baby", 1, "infant_cry", ESC50_LICENCE, True, str(rw / "esc50/crying_baby")),
        _audio(rw / "esc50/crying_baby"), lambda f: Path(f).stem.split("-")[1], cut_long=False)
    for cls, cat in ESC50_NEG.items():
        add(Source(f"esc50/{cls}", 0, cat, ESC50_LICENCE, True, str(rw / "esc50" / cls)),
            _audio(rw / "esc50" / cls), lambda f: Path(f).stem.split("-")[1], cut_long=False)
    for cls, cat in AMBIENCE.items():
        add(Source(f"household_ambience/{cls}", 0, cat, "Pixabay Content License or CC0 (moodist)", True,
                   str(rw / "household_ambience" / cls)), _audio(rw / "household_ambience" / cls), lambda f: Path(f).stem)
    for d in sorted((rw / "appliances").iterdir()):
        if d.is_dir():
            add(Source(f"appliances/{d.name}", 0, "household", "CC0 (self-recorded or Freesound CC0)", True, str(d)),
                _audio(d), lambda f: Path(f).stem)
    for cls, (cat, lic) in SPEECH_MUSIC.items():
        add(Source(f"speech_music/{cls}", 0, cat, lic, True, str(rw / "speech_music" / cls)),
            _audio(rw / "speech_music" / cls), lambda f: Path(f).stem)
    for d in sorted((rw / "gcompris").iterdir()):
        if d.is_dir():
            cls, lic = d.name.rsplit("_", 1)
            add(Source(f"gcompris/{cls}", 0, GCOMPRIS_CATEGORY.get(cls, "household"),
                       {"FAL": "Free Art License", "GPL3": "GPL-3+"}.get(lic, lic) + " (Debian gcompris-qt-data)", True,
                       str(d)), _audio(d), lambda f: Path(f).stem)
    for d in sorted((rw / "adult_nonverbal").iterdir()):
        if d.is_dir():
            cat = "adult_crying" if d.name == "adult_crying" else "adult_nonverbal"
            add(Source(f"adult_nonverbal/{d.name}", 0, cat,
                       "CC BY-NC-ND 4.0 (Deeply Inc. Nonverbal Vocalization Dataset): evaluation only", False, str(d)),
                _audio(d), lambda f: Path(f).name[:4], cut_long=False)
    ast = debian_root / "asterisk/sounds/en_US_f_Allison"
    prompts = _every(_audio(ast), cfg.asterisk_prompts)
    add(Source("debian/asterisk-core-sounds", 0, "speech", "CC BY-SA 3.0 (Debian asterisk-core-sounds-en-wav)", True,
               str(ast)), prompts, lambda f: Path(f).stem, cut_long=False)
    moh = debian_root / "asterisk/moh"
    add(Source("debian/asterisk-moh", 0, "music", "CC BY-SA 3.0 (Debian asterisk-moh-opsound-wav)", True, str(moh)),
        _audio(moh), lambda f: Path(f).stem)
    kl = debian_root / "klettres"
    letters = []
    for lang in sorted(p for p in kl.iterdir() if p.is_dir() and p.name not in ("icons", "pics")):
        letters += _every(_audio(lang), cfg.klettres_per_language)
    add(Source("debian/klettres", 0, "speech", "GPL-2+ (Debian klettres-data)", True, str(kl)),
        letters, lambda f: Path(f).relative_to(kl).parts[0], cut_long=False)
    if synthetic_dir is not None:
        from .negatives import generate
        synthetic_dir = Path(synthetic_dir).resolve()
        made = generate(Path(synthetic_dir), cfg.synthetic_clips_per_group)
        src = Source("synthetic", 0, "synthetic", "generated by the project (espeak-ng, sox)", True, str(synthetic_dir))
        src.clips = [Clip("synthetic", g, str(Path(synthetic_dir) / rel), 0.0, 0.0) for rel, g in made]
        out.append(src)
    names = [s.name for s in out]
    assert len(set(names)) == len(names), names
    return out


def decode_clip(clip: Clip, rate: int) -> np.ndarray:
    return decode(clip.path, rate, clip.start, clip.seconds)


def native_rate(path: str) -> int:
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=sample_rate",
                          "-of", "csv=p=0", path], check=True, capture_output=True, text=True).stdout.strip()
    return int(out.split()[0])
