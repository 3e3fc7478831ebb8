"""Puts training/ on sys.path so that the cryreason package and infantcry_ref import from the tests."""
import os
import sys

TRAINING = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
if TRAINING not in sys.path:
    sys.path.insert(0, TRAINING)
ROOT = os.path.abspath(os.path.join(TRAINING, ".."))
ASSETS = os.environ.get("INFANTCRY_ASSETS", os.path.join(ROOT, "..", "shared"))
