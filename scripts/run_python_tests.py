"""Runs the unittest suites under a folder and writes their counts as JSON for summarize_tests.py."""
import json
import sys
import unittest

folder, out = sys.argv[1], sys.argv[2]
suite = unittest.defaultTestLoader.discover(folder, top_level_dir=folder)
result = unittest.TextTestRunner(verbosity=1).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
skipped = len(result.skipped)
counts = {"passed": result.testsRun - failed - skipped, "failed": failed, "skipped": skipped}
with open(out, "w", encoding="utf-8") as f:
    json.dump(counts, f)
sys.exit(0 if failed == 0 else 1)
