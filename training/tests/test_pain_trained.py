"""Checks the small run of scripts/setup.d/40-pain.sh: split, metrics vs. a trivial baseline, exported files."""
import hashlib
import json
import math
import os
import unittest

import _pain_path

REPORT = os.path.join(_pain_path.ARTIFACTS, "reports", "pain-metrics-small.json")
MODELS = os.path.join(_pain_path.ARTIFACTS, "models")
STEP = "scripts/setup.d/40-pain.sh (run scripts/setup.sh or that step)"


def _load(path):
    if not os.path.exists(path):
        raise AssertionError(f"{path} is missing: it is produced by {STEP}")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class TrainedSmallRunTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.m = _load(REPORT)

    def test_split_is_by_subject_and_clip(self):
        self.assertTrue(self.m["test_subjects"])
        self.assertFalse(set(self.m["train_subjects"]) & set(self.m["test_subjects"]))
        self.assertFalse(set(self.m["train_clips"]) & set(self.m["test_clips"]))
        for c in self.m["test_clips"]:
            self.assertIn(c.split("_")[0], self.m["test_subjects"])  # synthetic clip ids start with the subject

    def test_model_beats_majority_baseline_on_held_out_subjects(self):
        s, b = self.m["sequence"], self.m["baseline_majority"]
        self.assertGreater(s["n"], 0)
        self.assertGreater(s["cry_accuracy"], b["cry_accuracy"])
        self.assertGreater(s["pain_accuracy"], b["pain_accuracy"])
        self.assertGreater(s["pain_f1_weighted"], b["pain_f1_weighted"])
        self.assertGreater(s["pain_f1_mean"], b["pain_f1_mean"])

    def test_confusion_matrices_match_counts_and_accuracy(self):
        s = self.m["sequence"]
        pc, cc = s["pain_confusion"], s["cry_confusion"]
        self.assertEqual(sum(map(sum, pc)), s["n"])
        self.assertEqual(sum(map(sum, cc)), s["n"])
        self.assertAlmostEqual(sum(pc[i][i] for i in range(3)) / s["n"], s["pain_accuracy"], places=12)

    def test_autoencoder_reconstructs(self):
        q = self.m["autoencoder"]["test"]
        # a constant mid-gray image scores far below this on faces; the trained AE must reconstruct structure
        self.assertGreater(q["ssim"], 0.5)
        self.assertLess(q["mse"], 0.02)

    def test_exported_models_match_manifest(self):
        man = _load(os.path.join(MODELS, "pain_models.json"))
        for key in ("encoder", "sequence"):
            path = os.path.join(MODELS, man[key]["file"])
            with open(path, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).hexdigest(), man[key]["sha256"])
        import onnx
        enc = onnx.load(os.path.join(MODELS, man["encoder"]["file"]))
        self.assertEqual([i.name for i in enc.graph.input], ["frames"])
        self.assertEqual([o.name for o in enc.graph.output], ["latent"])
        seq = onnx.load(os.path.join(MODELS, man["sequence"]["file"]))
        self.assertEqual([i.name for i in seq.graph.input], ["latents"])
        self.assertEqual([o.name for o in seq.graph.output], ["crying", "pain"])
        self.assertEqual(man["opset"], 17)

    def test_check_file_is_consistent(self):
        chk = _load(os.path.join(MODELS, "pain_check.json"))
        e, s = chk["encoder"], chk["sequence"]
        prod = math.prod
        self.assertEqual(len(e["input"]), prod(e["input_shape"]))
        self.assertEqual(len(e["output"]), prod(e["output_shape"]))
        self.assertEqual(e["output_shape"][1], 640)
        self.assertEqual(len(s["input"]), prod(s["input_shape"]))
        for name, k in (("crying", 2), ("pain", 3)):
            vals = s["outputs"][name]["values"]
            rows = [vals[i:i + k] for i in range(0, len(vals), k)]
            for r in rows:
                self.assertAlmostEqual(sum(r), 1.0, places=5)

    def test_alignment_check_file_reproduces(self):
        import numpy as np
        from pain import align, pngio
        chk = _load(os.path.join(MODELS, "pain_align_check.json"))
        img = pngio.read_image(os.path.join(MODELS, chk["image"]))
        crop = align.align_face(img, np.array(chk["landmarks"]))
        # same code, same input: only float32 storage of the expected values
        np.testing.assert_allclose(crop.reshape(-1), chk["crop"], atol=1e-7)
        np.testing.assert_allclose(align.alignment_transform(np.array(chk["landmarks"])),
                                   chk["matrix_output_to_source"], atol=1e-9)


if __name__ == "__main__":
    unittest.main()
