"""Minimal PNG/PGM reading and writing with numpy + zlib only (no PIL, no OpenCV required).

`write_png` writes 8-bit grayscale (H,W) or RGB (H,W,3) images, filter type 0 on every row, so the files are
plain, portable PNGs. `read_image` reads any 8-bit non-interlaced PNG (all five row filters), binary PGM/PPM
(P5/P6), and falls back to PIL for other formats (JPEG ...) when PIL happens to be installed.
"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

_SIG = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(img: np.ndarray, level: int = 6) -> bytes:
    """Encodes a uint8 (H,W) or (H,W,3) or (H,W,4) array as PNG bytes."""
    a = np.ascontiguousarray(img)
    if a.dtype != np.uint8:
        raise ValueError(f"encode_png: expected uint8 pixels, got {a.dtype}")
    if a.ndim == 2:
        ctype, ch = 0, 1
    elif a.ndim == 3 and a.shape[2] in (3, 4):
        ctype, ch = (2 if a.shape[2] == 3 else 6), a.shape[2]
    else:
        raise ValueError(f"encode_png: expected (H,W), (H,W,3) or (H,W,4), got {a.shape}")
    h, w = a.shape[:2]
    raw = np.zeros((h, 1 + w * ch), np.uint8)
    raw[:, 1:] = a.reshape(h, w * ch)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, ctype, 0, 0, 0)
    return _SIG + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(raw.tobytes(), level)) + _chunk(b"IEND", b"")


def write_png(path, img: np.ndarray, level: int = 6) -> None:
    Path(path).write_bytes(encode_png(img, level))


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode_png(data: bytes) -> np.ndarray:
    """Decodes an 8-bit, non-interlaced PNG (gray, gray+alpha, RGB, RGBA) to a uint8 array."""
    if data[:8] != _SIG:
        raise ValueError("decode_png: not a PNG (bad signature)")
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if hdr is None:
        raise ValueError("decode_png: missing IHDR")
    w, h, depth, ctype, _, _, interlace = hdr
    ch = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or ch is None or interlace != 0:
        raise ValueError(f"decode_png: only 8-bit non-interlaced gray/RGB(A) PNGs are supported "
                         f"(depth {depth}, colour type {ctype}, interlace {interlace})")
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), np.uint8).reshape(h, 1 + w * ch)
    filt, rows = raw[:, 0], raw[:, 1:].astype(np.int32)
    out = np.zeros((h, w * ch), np.int32)
    prev = np.zeros(w * ch, np.int32)
    for y in range(h):
        f, r = int(filt[y]), rows[y]
        if f == 0:
            cur = r
        elif f == 1:  # Sub: running sum per channel
            cur = np.cumsum(r.reshape(w, ch), axis=0).reshape(-1) & 0xFF
        elif f == 2:  # Up
            cur = (r + prev) & 0xFF
        else:  # Average / Paeth: sequential along the row
            cur = np.zeros_like(r)
            for i in range(w * ch):
                a = int(cur[i - ch]) if i >= ch else 0
                b = int(prev[i])
                if f == 3:
                    cur[i] = (int(r[i]) + ((a + b) >> 1)) & 0xFF
                elif f == 4:
                    c = int(prev[i - ch]) if i >= ch else 0
                    cur[i] = (int(r[i]) + _paeth(a, b, c)) & 0xFF
                else:
                    raise ValueError(f"decode_png: bad filter type {f} on row {y}")
        out[y] = cur
        prev = cur
    img = out.astype(np.uint8).reshape(h, w, ch)
    return img[:, :, 0] if ch == 1 else img


def write_pgm(path, img: np.ndarray) -> None:
    a = np.ascontiguousarray(img, dtype=np.uint8)
    magic = b"P5" if a.ndim == 2 else b"P6"
    Path(path).write_bytes(magic + f"\n{a.shape[1]} {a.shape[0]}\n255\n".encode() + a.tobytes())


def _decode_pnm(data: bytes) -> np.ndarray:
    parts, pos = [], 2
    while len(parts) < 3:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        parts.append(int(data[start:pos]))
    pos += 1
    w, h, maxv = parts
    if maxv != 255:
        raise ValueError("read_image: only 8-bit PGM/PPM supported")
    ch = 1 if data[:2] == b"P5" else 3
    a = np.frombuffer(data, np.uint8, w * h * ch, pos)
    return a.reshape(h, w) if ch == 1 else a.reshape(h, w, 3)


def read_image(path) -> np.ndarray:
    """Reads an image file as uint8 (H,W) or (H,W,C)."""
    data = Path(path).read_bytes()
    if data[:8] == _SIG:
        try:
            return decode_png(data)
        except ValueError:
            pass  # e.g. 16-bit or interlaced: let PIL try
    elif data[:2] in (b"P5", b"P6"):
        return _decode_pnm(data)
    try:
        from PIL import Image  # optional
    except ImportError as e:
        raise ValueError(f"read_image: cannot decode '{path}' without PIL (use 8-bit PNG or PGM/PPM)") from e
    with Image.open(path) as im:
        im = im.convert("RGB") if im.mode not in ("L", "RGB") else im
        return np.asarray(im).copy()
