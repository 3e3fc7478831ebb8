"""The exported pain models under ONNX Runtime (native library via ctypes) agree with torch within 1e-4."""
import json
import unittest
from pathlib import Path

import numpy as np

import _pain_path
from pain import ortcheck

MODELS = Path(_pain_path.ARTIFACTS) / "models"


class OnnxRuntimeAgreementTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        lib = ortcheck.default_lib()
        if not lib.exists():
            raise AssertionError(f"{lib} is missing: scripts/setup.sh restores Microsoft.ML.OnnxRuntime {ortcheck.ORT_VERSION} (dotnet restore)")
        if not (MODELS / "pain_check.json").exists():
            raise AssertionError(f"{MODELS}/pain_check.json is missing: it is produced by scripts/setup.d/40-pain.sh")
        cls.lib = lib
        cls.chk = json.loads((MODELS / "pain_check.json").read_text())

    def test_check_file_outputs_within_tolerance(self):
        r = ortcheck.check(MODELS, self.lib)
        for k in ("encoder", "crying", "pain"):
            self.assertLessEqual(r[k], self.chk["tolerance"], k)  # 1e-4: float32 kernels, different op order

    def test_single_frame_and_single_window_batches(self):
        # the SDK runs one frame / one window at a time: dynamic batch 1 must give the same rows
        ort = ortcheck.Ort(self.lib)
        e, s = self.chk["encoder"], self.chk["sequence"]
        x = np.array(e["input"], np.float32).reshape(e["input_shape"])[1:2]
        want = np.array(e["output"], np.float32).reshape(e["output_shape"])[1:2]
        got = ort.run(ort.session(MODELS / e["file"]), {"frames": x}, {"latent": [1, 640]})["latent"]
        self.assertLessEqual(float(np.abs(got - want).max()), self.chk["tolerance"])
        seq = np.array(s["input"], np.float32).reshape(s["input_shape"])[2:3]
        got = ort.run(ort.session(MODELS / s["file"]), {"latents": seq}, {"crying": [1, 2], "pain": [1, 3]})
        for k, n in (("crying", 2), ("pain", 3)):
            want = np.array(s["outputs"][k]["values"], np.float32).reshape(-1, n)[2:3]
            self.assertLessEqual(float(np.abs(got[k] - want).max()), self.chk["tolerance"], k)


if __name__ == "__main__":
    unittest.main()
