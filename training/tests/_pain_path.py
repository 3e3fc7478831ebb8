"""Puts training/ on sys.path so the tests can import the `pain` package."""
import os
import sys

TRAINING = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.environ.get("INFANTCRY_ROOT", os.path.dirname(TRAINING))
ARTIFACTS = os.environ.get("INFANTCRY_ARTIFACTS", os.path.join(ROOT, "artifacts"))
if TRAINING not in sys.path:
    sys.path.insert(0, TRAINING)
