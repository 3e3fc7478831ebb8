"""Cry-reason training and evaluation for InfantCry (donateacry corpus, YAMNet study reproduction).

Modules:
    data         corpus listing, install-id groups, WAV loading, 8 -> 16 kHz resampling (reference resampler)
    splits       the study's stratified random split and our stratified group k-fold
    metrics      confusion matrix, macro precision/recall/F1, one-vs-rest ROC AUC, bootstrap, chance baselines
    features     pluggable clip representations: YAMNet patch embeddings, log-mel patch statistics, acoustic features
    models       torch heads (the study's Conv1D head, the raw-waveform baseline CNN, fast batched linear heads)
    permutation  label-permutation tests with labels shuffled inside the training folds
    report       plots (PNG), metrics JSON and the markdown report
    export       ONNX heads, per-fold manifest, reliability JSON, parity file
    finetune     variant: fine-tune YAMNet's layer13+14 + a linear head on cached layer12 activations
    run          command line: ``python -m cryreason.run --config small|full``
"""

LABELS = ("hungry", "discomfort", "tired", "belly_pain", "burping")
"""Class order; must match ``InfantCry.CryReason.CryReason`` (Hungry=0 ... Burping=4)."""
