"""The shipped cry detector (artifacts/models/crydetector.json, and its head when it is the default) must call
silence, room tone, white and pink noise "not a cry" at every sample rate and gain: a detector that learned the
recording chain instead of crying fails here. Runs YAMNet from ../shared's TF Lite file and the exported detector
(onnxruntime when installed, else the head's linear layer read from the ONNX file)."""
import json
import os
import sys
import unittest
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from yamnet import assets as A  # noqa: E402
from yamnet.model import load_yamnet  # noqa: E402
from crydetector import export  # noqa: E402
from crydetector.features import yamnet_outputs  # noqa: E402

MODELS = A.default_artifacts() / "models"
STEP = "scripts/setup.d/25-crydetector.sh (run scripts/setup.sh)"
RATES = (8000, 11025, 16000, 22050, 44100, 48000)
GAINS_DB = (-20.0, -10.0, 0.0, 10.0, 20.0)
SECONDS = 2.0


class ShortcutTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        path = MODELS / export.JSON_NAME
        if not path.exists():
            raise AssertionError(f"{path} is missing: it is produced by {STEP}")
        cls.detector = json.loads(path.read_text())
        torch.set_num_threads(1)
        cls.net = load_yamnet(A.read_verified_tflite(A.default_assets()))[0].eval()

    def test_json_describes_a_complete_detector(self):
        d = self.detector
        self.assertIn(d["mode"], ("zero-shot", "head"))
        self.assertEqual(d["pooling"], "mean")
        self.assertEqual(d["class_indices"], [19, 20, 21, 22])
        self.assertTrue(0.0 < d["threshold"] < 1.0)
        self.assertIn("non-commercial", d["provenance"]["non_commercial"])
        self.assertTrue(d["reliability"].startswith("Tested leave-one-source-out"))
        self.assertTrue(all(not s["name"].startswith("adult_nonverbal") for s in d["provenance"]["training_sources"]))

    def test_heads_match_their_check_vectors(self):
        self.assertEqual(set(self.detector["heads"]), {"head-embedding", "head-embedding+scores"})
        for kind, h in self.detector["heads"].items():
            n = len(h["check"]["cry"])
            got = export.head_patch_scores(MODELS / h["file"], np.array(h["check"]["embeddings"], np.float32).reshape(n, 1024),
                                           np.array(h["check"]["scores"], np.float32).reshape(n, 521))
            # float32 ONNX/numpy evaluation of the same linear layer; sigmoid outputs agree to float32 rounding
            np.testing.assert_allclose(got, h["check"]["cry"], rtol=0, atol=1e-5, err_msg=kind)

    def test_silence_room_tone_and_noise_are_not_cries_at_any_rate_and_gain(self):
        worst = (0.0, None)
        for kind in export.SHORTCUT_SIGNALS:
            for rate in RATES:
                for g in GAINS_DB:
                    x = export.to_16k(export.shortcut_signal(kind, rate, g, seconds=SECONDS, seed=1), rate)
                    with torch.no_grad():
                        emb, sc = yamnet_outputs(self.net, x)
                    s = export.clip_score(self.detector, MODELS, emb, sc)
                    if s >= worst[0]:
                        worst = (s, (kind, rate, g))
                    with self.subTest(signal=kind, rate=rate, gain_db=g):
                        self.assertLess(s, self.detector["threshold"])
        print(f"\nshortcut: highest clip score {worst[0]:.4g} at {worst[1]}, threshold {self.detector['threshold']:.4g}")


if __name__ == "__main__":
    unittest.main()
