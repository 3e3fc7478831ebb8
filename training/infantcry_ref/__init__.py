"""InfantCry float64 numpy references: YAMNet's log-mel frontend and a high-quality resampler.

These are the independent oracles the C# code is golden-tested against (see training/golden/).
They favour clarity and float64 accuracy over speed.
"""
