"""Cry detector (issue 4): a small head on YAMNet embeddings, trained on donateacry cries against a synthetic
negative set, and compared with the zero-shot crying-family score."""
