"""InfantCry pain pipeline (training side): synthetic infant faces, alignment, autoencoder + LSTM, ONNX export.

See training/pain/README.md. Modules: pngio (PNG/PGM I/O), raster + synth (procedural faces), align (the
study's 64x64 face alignment), dataset (folder layout reader), ssim, models, train, export.
"""
