"""The artifacts of scripts/setup.d/50-cryreason.sh: reliability record, fold manifest, ONNX head vs parity file."""
import json
import os
import re
import unittest
import warnings

import numpy as np

import _cryreason_path as P
from cryreason import LABELS, data, features, onnx_eval

MODELS = os.path.join(os.environ.get("INFANTCRY_ARTIFACTS", os.path.join(P.ROOT, "artifacts")), "models")
STEP = "scripts/setup.d/50-cryreason.sh (run scripts/setup.sh)"
# the parity file holds float32 torch outputs; the ONNX file evaluated in float64 numpy on a fresh float32 YAMNet
# embedding differs only by float32 rounding (~1e-6); 1e-4 is 10x tighter than the C# parity target of 1e-3
PARITY_PYTHON = 1e-4


def _read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def _load(name):
    path = os.path.join(MODELS, name)
    if not os.path.exists(path):
        raise AssertionError(f"{path} is missing: it is produced by {STEP}")
    return path


class EnumOrderTests(unittest.TestCase):
    def test_labels_match_the_csharp_enum(self):
        cs = _read(os.path.join(P.ROOT, "src", "InfantCry.Abstractions", "Reasons", "CryReason.cs"))
        members = re.findall(r"^\s*(\w+)\s*=\s*(\d+),", cs, re.M)
        self.assertEqual([int(v) for _, v in members], list(range(5)))
        self.assertEqual([m.lower() for m, _ in members], [l.replace("_", "") for l in LABELS])


class ArtifactTests(unittest.TestCase):
    def test_reliability_record_fields(self):
        r = json.loads(_read(_load("cryreason_reliability.json")))
        for key, typ in (("Protocol", str), ("MacroF1", float), ("MacroRocAuc", float), ("BaselineMacroF1", float),
                         ("PermutationPValue", float), ("BetterThanChance", bool), ("Summary", str)):
            self.assertIsInstance(r[key], typ, key)
        self.assertEqual(r["BetterThanChance"], r["PermutationPValue"] < 0.05)
        self.assertTrue(0 < r["PermutationPValue"] <= 1)

    def test_manifest_grouped_folds_cover_each_clip_once_per_seed_without_straddling(self):
        m = json.loads(_read(_load(os.path.join("cryreason_folds", "manifest.json"))))
        self.assertEqual(m["labels"], list(LABELS))
        clips = {c.name: c for c in data.list_clips(P.ASSETS)}
        folds = m["protocols"]["grouped"]["folds"]
        for seed in sorted({f["seed_index"] for f in folds}):
            tested = [n for f in folds if f["seed_index"] == seed for n in f["test_files"]]
            self.assertEqual(sorted(tested), sorted(clips))
            for f in folds:
                if f["seed_index"] != seed:
                    continue
                test_groups = {clips[n].group for n in f["test_files"]}
                train_groups = {c.group for n, c in clips.items() if n not in set(f["test_files"])}
                self.assertFalse(test_groups & train_groups)
                self.assertTrue(os.path.exists(os.path.join(MODELS, "cryreason_folds", f["onnx"])))
                self.assertEqual(f["test_labels"], [LABELS[clips[n].label] for n in f["test_files"]])

    def test_onnx_head_reproduces_the_parity_file_from_the_wav(self):
        import onnx

        parity = json.loads(_read(_load("cryreason_parity.json")))
        self.assertEqual(len(parity["clips"]), 20)
        model = onnx.load(_load("cryreason_head.onnx"))
        raw_model = onnx.load(_load("cryreason_head_uncalibrated.onnx"))
        src = features.YamnetSource.from_assets(P.ASSETS)
        for row in parity["clips"][:2] + parity["clips"][-1:]:
            x, rate = data.read_wav(os.path.join(data.corpus_dir(P.ASSETS), row["file"]))
            emb = src.embed(data.to_16k(x, rate).astype(np.float32))
            self.assertEqual(len(emb), row["patches"])
            X, _ = features.to_sequences([emb])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = onnx_eval.evaluate(model, {"embeddings": X})["probabilities"][0]
                raw = onnx_eval.evaluate(raw_model, {"embeddings": X})["probabilities"][0]
            np.testing.assert_allclose(out, row["probabilities"], atol=PARITY_PYTHON)
            np.testing.assert_allclose(raw, row["probabilities_uncalibrated"], atol=PARITY_PYTHON)
            np.testing.assert_allclose(emb.mean(0)[:8], row["embedding_mean_first8"], atol=PARITY_PYTHON)


if __name__ == "__main__":
    unittest.main()
