"""The committed vision golden data (tests/InfantCry.Vision.Tests/Golden/vision) is what make_vision_golden.py writes."""
import filecmp
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "training", "golden", "make_vision_golden.py")
COMMITTED = os.path.join(ROOT, "tests", "InfantCry.Vision.Tests", "Golden", "vision")


class VisionGoldenTest(unittest.TestCase):
    def test_committed_files_match_a_fresh_run(self):
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([sys.executable, SCRIPT, out], check=True, capture_output=True)
            fresh = sorted(os.listdir(out))
            self.assertEqual(fresh, sorted(os.listdir(COMMITTED)), "same file list")
            _, mismatch, errors = filecmp.cmpfiles(out, COMMITTED, fresh, shallow=False)
            self.assertEqual(mismatch + errors, [], "files that differ from a fresh run of make_vision_golden.py")


if __name__ == "__main__":
    unittest.main()
