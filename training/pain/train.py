"""Trains the pain pipeline on a dataset folder (README.md "Dataset layout"): autoencoder on aligned 64x64 faces,
LSTM on encoder latents, subject-level split, study metrics, optional grid, ONNX export.

    /usr/bin/python3 -m pain.train --data DIR --config small|full [--grid] [--models DIR] [--reports DIR]
(run from training/). scripts/setup.d/40-pain.sh and scripts/train-pain.sh wrap it.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import time
from dataclasses import dataclass, asdict, replace
from pathlib import Path

import numpy as np
import torch
from torch import nn

from . import dataset, metrics
from .models import PainAutoencoder, PainSequenceModel
from .ssim import ssim, ssim_loss


AE_VERSION = 1  # bump when the autoencoder or its training changes (invalidates cached autoencoders)


@dataclass
class TrainConfig:
    name: str = "small"
    seed: int = 0
    test_fraction: float = 0.3
    ae_epochs: int = 12
    ae_batch: int = 32
    ae_lr: float = 2e-3
    seq_len: int = 4
    hidden: int = 128
    dropout: float = 0.3
    weight_decay: float = 1e-3   # L2 via Adam weight_decay (gradient += 1e-3 * w), all LSTM/head weights
    lstm_epochs: int = 20
    lstm_batch: int = 32
    lstm_lr: float = 1e-3
    threads: int = 1   # torch intra-op threads; 1 is fastest on a shared, busy 2-core machine


CONFIGS = {
    # CI / set-up: quick, smaller LSTM (hidden 128) on the small synthetic set
    "small": TrainConfig(),
    # the study's configuration: sequence 4, 1024 hidden units
    "full": TrainConfig(name="full", ae_epochs=40, hidden=1024, dropout=0.4, lstm_epochs=30),
}

# Tables II-III style grid: sequence length x hidden units at the base dropout, then dropout at T=4, H=1024.
# Ordered by cost (hidden units first) so that an interrupted run has the cheap rows.
GRID = ([(t, h, 0.4) for h in (512, 1024) for t in (3, 4, 5)]
        + [(4, 1024, d) for d in (0.0, 0.2, 0.6)]
        + [(t, 2048, 0.4) for t in (3, 4, 5)])


def train_autoencoder(x_train: np.ndarray, cfg: TrainConfig, log=print) -> PainAutoencoder:
    torch.manual_seed(cfg.seed)
    ae = PainAutoencoder()
    opt = torch.optim.Adam(ae.parameters(), lr=cfg.ae_lr)
    data = torch.from_numpy(x_train[:, None])
    g = torch.Generator().manual_seed(cfg.seed)
    for ep in range(cfg.ae_epochs):
        perm = torch.randperm(len(data), generator=g)
        tot = 0.0
        ae.train()
        for i in range(0, len(data), cfg.ae_batch):
            b = data[perm[i:i + cfg.ae_batch]]
            loss = ssim_loss(ae(b), b)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss) * len(b)
        if log and (ep % 10 == 9 or ep == cfg.ae_epochs - 1):
            log(f"  AE epoch {ep + 1}/{cfg.ae_epochs}: SSIM loss {tot / len(data):.4f}")
    ae.eval()
    return ae


@torch.no_grad()
def ae_quality(ae: PainAutoencoder, x: np.ndarray) -> dict:
    t = torch.from_numpy(x[:, None])
    r = torch.cat([ae(t[i:i + 256]) for i in range(0, len(t), 256)])
    s = torch.cat([ssim(r[i:i + 256], t[i:i + 256]) for i in range(0, len(t), 256)])
    return {"ssim": float(s.mean()), "ssim_loss": float(1 - s.mean()), "mse": float(((r - t) ** 2).mean())}


@torch.no_grad()
def encode(ae: PainAutoencoder, x: np.ndarray) -> np.ndarray:
    t = torch.from_numpy(x[:, None])
    return torch.cat([torch.flatten(ae.encode(t[i:i + 256]), 1) for i in range(0, len(t), 256)]).numpy()


def train_sequence(lat, win, cry, pain, cfg: TrainConfig, log=print) -> PainSequenceModel:
    torch.manual_seed(cfg.seed)
    model = PainSequenceModel(cfg.hidden, cfg.dropout, lat.shape[1])
    used = lat[np.unique(win)]
    model.mean.copy_(torch.from_numpy(used.mean(0)))
    model.std.copy_(torch.from_numpy(used.std(0) + 1e-3))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lstm_lr, weight_decay=cfg.weight_decay)
    xs = torch.from_numpy(lat[win])
    yc = torch.from_numpy(cry[win[:, -1]])
    yp = torch.from_numpy(pain[win[:, -1]])
    ce = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(cfg.seed)
    for ep in range(cfg.lstm_epochs):
        model.train()
        perm = torch.randperm(len(xs), generator=g)
        tot = 0.0
        for i in range(0, len(xs), cfg.lstm_batch):
            j = perm[i:i + cfg.lstm_batch]
            lc, lp = model(xs[j])
            loss = ce(lc, yc[j]) + ce(lp, yp[j])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss) * len(j)
        if log and (ep % 10 == 9 or ep == cfg.lstm_epochs - 1):
            log(f"  LSTM epoch {ep + 1}/{cfg.lstm_epochs}: loss {tot / len(xs):.4f}")
    model.eval()
    return model


@torch.no_grad()
def evaluate(model: PainSequenceModel, lat, win, cry, pain) -> dict:
    xs = torch.from_numpy(lat[win])
    outs = [model(xs[i:i + 512]) for i in range(0, len(xs), 512)]
    pc = torch.cat([o[0] for o in outs]).argmax(1).numpy()
    pp = torch.cat([o[1] for o in outs]).argmax(1).numpy()
    return metrics.summarize(cry[win[:, -1]], pc, pain[win[:, -1]], pp)


def majority_baseline(cry_tr, pain_tr, cry_te, pain_te) -> dict:
    mc, mp = np.bincount(cry_tr, minlength=2).argmax(), np.bincount(pain_tr, minlength=3).argmax()
    return metrics.summarize(cry_te, np.full_like(cry_te, mc), pain_te, np.full_like(pain_te, mp))


def _cm_md(cm, names) -> str:
    head = "| true \\ predicted | " + " | ".join(names) + " |\n|---|" + "---|" * len(names) + "\n"
    return head + "".join(f"| {n} | " + " | ".join(str(v) for v in row) + " |\n" for n, row in zip(names, cm))


def run(data: Path, cfg: TrainConfig, models_dir: Path, reports_dir: Path, cache_dir: Path, grid: bool,
        log=print) -> dict:
    torch.set_num_threads(cfg.threads)
    t0 = time.time()
    crops, table = dataset.load_crops(data, cache_dir, log)
    log(f"loaded {len(table)} frames, {len(set(table.clip))} clips, {len(set(table.subject))} subjects "
        f"({time.time() - t0:.1f} s)")
    tr_s, te_s = dataset.split_subjects(table.subject, cfg.test_fraction, cfg.seed)
    is_tr = np.isin(table.subject, tr_s)
    ttr, tte = table.take(np.nonzero(is_tr)[0]), table.take(np.nonzero(~is_tr)[0])
    xtr, xte = crops[is_tr], crops[~is_tr]
    log(f"split by subject: train {tr_s} ({len(ttr)} frames), test {te_s} ({len(tte)} frames)")

    t1 = time.time()
    ae_key = hashlib.sha256(json.dumps([dataset._fingerprint(data), tr_s, cfg.seed, cfg.ae_epochs, cfg.ae_batch,
                                        cfg.ae_lr, AE_VERSION]).encode()).hexdigest()[:16]
    ae_cache = cache_dir / f"pain-ae-{ae_key}.pt" if cache_dir is not None else None
    from_cache = ae_cache is not None and ae_cache.exists()
    if from_cache:
        ae = PainAutoencoder()
        ae.load_state_dict(torch.load(ae_cache))
        ae.eval()
        log(f"autoencoder loaded from cache {ae_cache}")
    else:
        ae = train_autoencoder(xtr, cfg, log)
        if ae_cache is not None:
            ae_cache.parent.mkdir(parents=True, exist_ok=True)
            torch.save(ae.state_dict(), ae_cache)
    ae_time = time.time() - t1
    q_tr, q_te = ae_quality(ae, xtr), ae_quality(ae, xte)
    log(f"autoencoder: test SSIM {q_te['ssim']:.4f} MSE {q_te['mse']:.5f} ({ae_time:.1f} s)")
    ltr, lte = encode(ae, xtr), encode(ae, xte)

    def fit_eval(c: TrainConfig):
        wtr, wte = dataset.make_windows(ttr, c.seq_len), dataset.make_windows(tte, c.seq_len)
        t = time.time()
        m = train_sequence(ltr, wtr, ttr.cry, ttr.pain, c, log)
        res = evaluate(m, lte, wte, tte.cry, tte.pain)
        res["train_seconds"] = round(time.time() - t, 1)
        res["train_windows"] = int(len(wtr))
        base = majority_baseline(ttr.cry[wtr[:, -1]], ttr.pain[wtr[:, -1]], tte.cry[wte[:, -1]], tte.pain[wte[:, -1]])
        return m, res, base, wte

    model, res, base, wte = fit_eval(cfg)
    log(f"sequence model (T={cfg.seq_len}, H={cfg.hidden}, dropout={cfg.dropout}): cry acc {res['cry_accuracy']:.3f} "
        f"F1 {res['cry_f1']:.3f}; pain acc {res['pain_accuracy']:.3f} F1 mean {res['pain_f1_mean']:.3f} "
        f"weighted {res['pain_f1_weighted']:.3f} (baseline pain acc {base['pain_accuracy']:.3f})")
    out = {
        "config": asdict(cfg), "data": str(data), "frames": int(len(table)),
        "train_subjects": tr_s, "test_subjects": te_s,
        "train_clips": sorted(set(ttr.clip)), "test_clips": sorted(set(tte.clip)),
        "autoencoder": {"train": q_tr, "test": q_te, "train_seconds": round(ae_time, 1),
                        "from_cache": bool(from_cache)},
        "sequence": res, "baseline_majority": base,
        "label_convention": "window of seq_len consecutive frames of one clip, labelled with its last frame",
    }
    reports_dir.mkdir(parents=True, exist_ok=True)
    if grid:
        rows = []
        for (t, h, d) in GRID:
            c = replace(cfg, seq_len=t, hidden=h, dropout=d)
            log(f"grid: T={t} H={h} dropout={d}")
            _, r, _, _ = fit_eval(c)
            rows.append({"seq_len": t, "hidden": h, "dropout": d, **r})
            log(f"  -> cry acc {r['cry_accuracy']:.3f} pain acc {r['pain_accuracy']:.3f} "
                f"weighted F1 {r['pain_f1_weighted']:.3f} ({r['train_seconds']} s)")
            write_grid_md(reports_dir / f"pain-grid-{cfg.name}.md", rows, out)  # rewritten after every row
        out["grid"] = rows
    (reports_dir / f"pain-metrics-{cfg.name}.json").write_text(json.dumps(out, indent=2))
    write_report_md(reports_dir / f"pain-report-{cfg.name}.md", out)
    from . import export, align, pngio
    lm_all = dataset.read_landmarks(data, table)
    if lm_all is not None:  # a reference frame + expected crop for other implementations of align.py
        i0 = int(np.nonzero(~is_tr)[0][0])
        img0 = pngio.read_image(dataset.frame_path(data, table.clip[i0], int(table.frame[i0])))
        align.write_check(img0, lm_all[i0], models_dir)
    export.export_all(ae, model, cfg, out, crops[~is_tr], lte[wte[:3]], models_dir, log)
    log(f"done in {time.time() - t0:.1f} s")
    return out


def write_report_md(path: Path, o: dict) -> None:
    c, s, b, q = o["config"], o["sequence"], o["baseline_majority"], o["autoencoder"]
    txt = (f"# Pain pipeline results ({c['name']} config, synthetic data unless stated)\n\n"
           f"Data: `{o['data']}`, {o['frames']} frames. Split by subject: train {', '.join(o['train_subjects'])}; "
           f"test {', '.join(o['test_subjects'])}. {o['label_convention']}.\n\n"
           f"## Autoencoder (3 conv + 3 deconv, LeakyReLU 0.2, SSIM loss)\n\n"
           f"| set | SSIM | SSIM loss | MSE |\n|---|---|---|---|\n"
           f"| train | {q['train']['ssim']:.4f} | {q['train']['ssim_loss']:.4f} | {q['train']['mse']:.5f} |\n"
           f"| test | {q['test']['ssim']:.4f} | {q['test']['ssim_loss']:.4f} | {q['test']['mse']:.5f} |\n\n"
           f"Study: autoencoder loss 0.037.\n\n"
           f"## LSTM (T={c['seq_len']}, hidden {c['hidden']}, dropout {c['dropout']}, L2 {c['weight_decay']}) on held-out subjects\n\n"
           f"| model | cry acc | cry F1 | pain acc | pain F1 mean | pain F1 weighted |\n|---|---|---|---|---|---|\n"
           f"| LSTM | {s['cry_accuracy']:.3f} | {s['cry_f1']:.3f} | {s['pain_accuracy']:.3f} | {s['pain_f1_mean']:.3f} | {s['pain_f1_weighted']:.3f} |\n"
           f"| majority baseline | {b['cry_accuracy']:.3f} | {b['cry_f1']:.3f} | {b['pain_accuracy']:.3f} | {b['pain_f1_mean']:.3f} | {b['pain_f1_weighted']:.3f} |\n"
           f"| study (IFPaLD, T=4, 1024) | 0.94 | - | 0.94-0.95 | - | 0.924-0.949 |\n\n"
           f"Crying confusion ({s['n']} windows):\n\n{_cm_md(s['cry_confusion'], ['not crying', 'crying'])}\n"
           f"Pain confusion:\n\n{_cm_md(s['pain_confusion'], ['none', 'moderate', 'severe'])}")
    path.write_text(txt)


def write_grid_md(path: Path, rows, o: dict) -> None:
    lines = [f"# Pain LSTM grid ({o['config']['name']} config; like the study's Tables II-III)", "",
             f"Data `{o['data']}` ({o['frames']} frames), one run (seed {o['config']['seed']}) per row, same "
             f"autoencoder and subject split (test subjects {', '.join(o['test_subjects'])}), "
             f"{o['config']['lstm_epochs']} epochs, L2 {o['config']['weight_decay']}. Synthetic data: not comparable "
             f"to the study's IFPaLD figures.", "",
             "| seq | hidden | dropout | cry acc | cry F1 | pain acc | pain F1 mean | pain F1 weighted | train s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['seq_len']} | {r['hidden']} | {r['dropout']} | {r['cry_accuracy']:.3f} | {r['cry_f1']:.3f} | "
                     f"{r['pain_accuracy']:.3f} | {r['pain_f1_mean']:.3f} | {r['pain_f1_weighted']:.3f} | {r['train_seconds']} |")
    path.write_text("\n".join(lines) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Train the pain autoencoder + LSTM (training/pain/README.md)")
    ap.add_argument("--data", required=True, help="dataset root in the documented layout")
    ap.add_argument("--config", default="small", choices=sorted(CONFIGS))
    ap.add_argument("--grid", action="store_true", help="also run the sequence/hidden/dropout grid")
    ap.add_argument("--models", default="artifacts/models")
    ap.add_argument("--reports", default="artifacts/reports")
    ap.add_argument("--cache", default="artifacts/cache")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--name", default=None, help="run name used in report file names (default: the config's)")
    ap.add_argument("--ae-epochs", type=int, default=None)
    ap.add_argument("--lstm-epochs", type=int, default=None)
    a = ap.parse_args(argv)
    cfg = CONFIGS[a.config]
    for key, val in (("threads", a.threads), ("name", a.name), ("ae_epochs", a.ae_epochs),
                     ("lstm_epochs", a.lstm_epochs)):
        if val is not None:
            cfg = replace(cfg, **{key: val})
    run(Path(a.data), cfg, Path(a.models), Path(a.reports), Path(a.cache), a.grid)


if __name__ == "__main__":
    main()
