"""The committed golden models of InfantCry.Onnx.Tests are what training/onnx_fixtures/make_tiny_models.py makes."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "training", "onnx_fixtures", "make_tiny_models.py")
GOLDEN = os.path.join(ROOT, "tests", "InfantCry.Onnx.Tests", "Golden")

# Regenerated reference outputs are torch float64 results rounded to float32; a different BLAS or CPU may change
# the float64 sums in their last bits, which after rounding to float32 moves a value by at most one float32 ulp
# (6e-8 relative to values of order 1). 1e-6 absolute allows that with margin and still catches any stale file.
REGENERATION_ATOL = 1e-6


def load(directory, tensor):
    dtype = "<f4" if tensor["type"] == "float32" else "<i8"
    return np.fromfile(os.path.join(directory, tensor["file"]), dtype=dtype).reshape(tensor["shape"])


class GoldenModelsAreReproducible(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        subprocess.run([sys.executable, SCRIPT, "--out", cls.tmp.name], check=True, capture_output=True)
        with open(os.path.join(cls.tmp.name, "manifest.json")) as f:
            cls.fresh = json.load(f)
        with open(os.path.join(GOLDEN, "manifest.json")) as f:
            cls.committed = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_same_models_and_signatures(self):
        strip = lambda m: [(t["name"], t["type"], t["shape"], t["symbolic"]) for t in m["inputs"] + m["outputs"]]
        self.assertEqual([m["name"] for m in self.fresh["models"]], [m["name"] for m in self.committed["models"]])
        for fresh, committed in zip(self.fresh["models"], self.committed["models"]):
            self.assertEqual(strip(fresh), strip(committed), fresh["name"])

    def test_same_inputs_and_golden_outputs(self):
        for fresh, committed in zip(self.fresh["models"], self.committed["models"]):
            for a, b in zip(fresh["inputs"] + fresh["outputs"], committed["inputs"] + committed["outputs"]):
                x, y = load(self.tmp.name, a), load(GOLDEN, b)
                if a["type"] == "int64":
                    np.testing.assert_array_equal(x, y, err_msg=f"{fresh['name']}.{a['name']}")
                else:
                    np.testing.assert_allclose(x, y, rtol=0, atol=REGENERATION_ATOL, err_msg=f"{fresh['name']}.{a['name']}")

    def test_committed_models_are_valid_onnx(self):
        import onnx
        for model in self.committed["models"]:
            onnx.checker.check_model(onnx.load(os.path.join(GOLDEN, model["file"])))


if __name__ == "__main__":
    unittest.main()
