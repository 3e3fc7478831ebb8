"""Contact sheet of a dataset: full frames with their landmarks and labels, plus the aligned 64x64 crops.

    /usr/bin/python3 -m pain.samples --data DIR --out artifacts/reports/pain-synthetic-samples.png
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np


def contact_sheet(data, out, clips: int = 6, frames: int = 4) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from . import align, dataset, pngio

    table = dataset.read_labels(data)
    lms = dataset.read_landmarks(data, table)
    # one clip per (pain level, crying) combination where available, else the first clips
    chosen, seen = [], set()
    for c in dict.fromkeys(table.clip):
        rows = table.clip == c
        key = (int(table.pain[rows].max()), int(table.cry[rows].max()))
        if key not in seen:
            seen.add(key)
            chosen.append(c)
    for c in dict.fromkeys(table.clip):
        if len(chosen) >= clips:
            break
        if c not in chosen:
            chosen.append(c)
    chosen = chosen[:clips]
    fig, axs = plt.subplots(len(chosen), 2 * frames, figsize=(2.2 * 2 * frames, 1.9 * len(chosen)),
                            gridspec_kw={"width_ratios": [4 / 3] * frames + [1] * frames})
    axs = np.atleast_2d(axs)
    for r, c in enumerate(chosen):
        idx = np.nonzero(table.clip == c)[0]
        pick = idx[np.linspace(0, len(idx) - 1, frames).round().astype(int)]
        for k, i in enumerate(pick):
            img = pngio.read_image(dataset.frame_path(data, c, int(table.frame[i])))
            ax = axs[r, k]
            ax.imshow(img)
            if lms is not None:
                ax.plot(lms[i][:, 0], lms[i][:, 1], ".", color="lime", ms=1.5)
            ax.set_title(f"{c} f{table.frame[i]} cry={table.cry[i]} {dataset.PAIN_LEVELS[table.pain[i]]}", fontsize=6)
            ax.axis("off")
            crop = align.align_face(img, lms[i]) if lms is not None else align.to_gray(img)
            axs[r, frames + k].imshow(crop, cmap="gray", vmin=0, vmax=1)
            axs[r, frames + k].set_title("aligned 64x64", fontsize=6)
            axs[r, frames + k].axis("off")
    fig.suptitle("Synthetic infant faces (NOT real infants; not a clinical model): frames with ground-truth "
                 "landmarks, and the aligned crops", fontsize=8)
    fig.tight_layout()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)
    plt.close(fig)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    contact_sheet(a.data, a.out)


if __name__ == "__main__":
    main()
