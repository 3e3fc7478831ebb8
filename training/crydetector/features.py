"""YAMNet outputs per item (one clip as recorded, one clip through a seeded recording chain, or a cry mixed into a
background), cached one file per item under <artifacts>/crydetector/cache so that every fold and every re-run
reuses them. An item's cache name is the sha1 of its key, which names the file, the cut, the chain seed and the mix."""
from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import torch

from yamnet.pipeline import patches_float64, run_patches

from . import chain
from .sources import Clip, decode_clip

CACHE_VERSION = "v1"


@dataclass(frozen=True)
class Item:
    kind: str                    # raw | chain | mix | emix
    clip: Clip                   # the clip (the cry for mixes)
    label: int
    seed: int = 0                # chain seed (chain, mix)
    bg: Optional[Clip] = None    # background clip (mix, emix)
    snr_db: float = 0.0
    bg_source: str = ""

    @property
    def key(self) -> str:
        k = f"{CACHE_VERSION}|{self.kind}|{self.clip.key}|{self.seed}"
        if self.bg is not None:
            k += f"|{self.bg.key}|{self.snr_db:g}"
        return k

    @property
    def source(self) -> str:
        return self.clip.source


def stable_seed(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def waveform16k(item: Item) -> np.ndarray:
    if item.kind == "raw":
        return decode_clip(item.clip, chain.OUT_RATE)
    if item.kind == "chain":
        y, _ = chain.apply_chain(decode_clip(item.clip, chain.WORK_RATE), item.seed)
        return y
    if item.kind == "mix":
        m = chain.mix_at_snr(decode_clip(item.clip, chain.WORK_RATE), decode_clip(item.bg, chain.WORK_RATE), item.snr_db)
        y, _ = chain.apply_chain(m, item.seed)
        return y
    if item.kind == "emix":
        return chain.mix_at_snr(decode_clip(item.clip, chain.OUT_RATE), decode_clip(item.bg, chain.OUT_RATE),
                                item.snr_db).astype(np.float32)
    raise ValueError(item.kind)


def yamnet_outputs(net, x16k: np.ndarray) -> tuple:
    """(embeddings [N,1024], scores [N,521]) float32 for a 16 kHz waveform (YAMNet's padding, 0.96 s / 0.48 s)."""
    return run_patches(net, patches_float64(np.asarray(x16k, dtype=np.float64)))


class FeatureCache:
    def __init__(self, folder: Path, net):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.net = net
        self.computed = 0

    def path(self, item: Item) -> Path:
        h = hashlib.sha1(item.key.encode("utf-8")).hexdigest()
        return self.folder / h[:2] / f"{h}.npz"

    def get(self, item: Item) -> tuple:
        p = self.path(item)
        if p.exists():
            with np.load(p) as z:
                return z["emb"], z["scores"]
        with torch.no_grad():
            emb, scores = yamnet_outputs(self.net, waveform16k(item))
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(".tmp.npz")
        np.savez(tmp, emb=emb.astype(np.float32), scores=scores.astype(np.float32))
        tmp.replace(p)
        self.computed += 1
        return emb, scores
