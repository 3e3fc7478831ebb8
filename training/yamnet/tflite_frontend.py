"""YAMNet's own frontend as stored in Google's TF Lite graph, run in numpy with the dequantized constants.

The TF Lite file computes the log-mel spectrogram of one 15600-sample (0.975 s) window inside the graph
(features.py with ``tflite_compatible=True``): frames of 400 samples at hop 160 (a GATHER over 80-sample
chunks), times a periodic Hann window, zero-padded 56 + 56 to 512, real and imaginary DFT as two
FULLY_CONNECTED ops with int8 [257, 512] matrices, magnitude, a FULLY_CONNECTED with the int8 [64, 257] mel
matrix whose bias holds the log offset 0.001, LOG. Then the 96 x 64 log-mel is reshaped into the [1, 96, 64, 1]
patch the convs read.

``run_graph_frontend`` interprets exactly those operators of the graph (everything before the first CONV_2D).
``FrontendConstants`` + ``log_mel`` apply the same constants frame by frame to a waveform of any length (a
frame depends only on its own 400 samples, so this equals the graph on every 0.975 s window).

``hybrid=True`` additionally emulates TF Lite's hybrid (dynamic-range) FULLY_CONNECTED kernel, which is what
the TF Lite runtime does with float inputs and int8 weights: each input row is quantized symmetrically to int8
(scale = max|row| / 127), multiplied in integers with the int8 weights, and rescaled. With ``hybrid=False`` the
int8 weights are dequantized and the products are float64.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

import numpy as np

from . import tflite_interpreter as interpreter
from .tflite_interpreter import fully_connected
from .tflite_reader import Model, SubGraph, Tensor, dequantize

SAMPLE_RATE = 16000
WINDOW_SAMPLES = 15600  # the TF Lite graph's input: 0.975 s
FRAME_LENGTH = 400
FRAME_HOP = 160
FFT_LENGTH = 512
MEL_BANDS = 64
LOG_MEL_OUTPUT = "Identity_1"  # the graph output that carries the [96, 64] log-mel


def _first_conv_index(sg: SubGraph) -> int:
    for op in sg.operators:
        if op.op in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            return op.index
    raise ValueError("graph has no convolution: not YAMNet")


def frontend_operators(sg: SubGraph):
    return sg.operators[:_first_conv_index(sg)]


def run_graph_frontend(model: Model, waveform: np.ndarray, hybrid: bool = False) -> Dict[str, np.ndarray]:
    """Runs the graph's frontend operators on one [15600] window. Returns {'log_mel': [96, 64],
    'patch': the input of the first conv [1, 96, 64, 1]} in float64."""
    sg = model.subgraphs[0]
    x = np.asarray(waveform, dtype=np.float64).reshape(1, WINDOW_SAMPLES)
    ops = frontend_operators(sg)
    values = interpreter.run(model, {sg.inputs[0]: x}, hybrid=hybrid, stop_before=len(ops))
    by_name = {t.name: t.index for t in sg.tensors}
    return {"log_mel": values[by_name[LOG_MEL_OUTPUT]], "patch": values[ops[-1].outputs[0]]}


@dataclass
class FrontendConstants:
    """The frontend's constants, dequantized, as found by their operators in the graph."""
    window: np.ndarray        # [400] periodic Hann (float32 in the file)
    pad_before: int           # zeros before each 400-sample frame inside the 512-point DFT (56)
    pad_after: int            # zeros after (56)
    dft_real: Tensor          # [257, 512] int8: cos(2 pi k n / 512)
    dft_imag: Tensor          # [257, 512] int8: sin(2 pi k n / 512)
    mel: Tensor               # [64, 257] int8 mel weights
    mel_bias: np.ndarray      # [64]: the log offset (0.001) folded in as the FC bias

    @staticmethod
    def from_model(model: Model) -> "FrontendConstants":
        sg = model.subgraphs[0]
        ops = frontend_operators(sg)
        by_op: Dict[str, List] = {}
        for op in ops:
            by_op.setdefault(op.op, []).append(op)
        muls = [op for op in by_op["MUL"] if sg.tensors[op.inputs[1]].data is not None]
        fcs = by_op["FULLY_CONNECTED"]
        if len(muls) != 1 or len(by_op["PAD"]) != 1 or len(fcs) != 3:
            raise ValueError("frontend does not have the expected window MUL, PAD and 3 FULLY_CONNECTED ops")
        pads = sg.tensors[by_op["PAD"][0].inputs[1]].raw_array()
        fc_re, fc_im, fc_mel = fcs
        if fc_re.inputs[0] != fc_im.inputs[0]:
            raise ValueError("the two DFT FULLY_CONNECTED ops must read the same padded frames")
        return FrontendConstants(
            window=sg.tensors[muls[0].inputs[1]].raw_array().astype(np.float64).reshape(-1),
            pad_before=int(pads[1][0]), pad_after=int(pads[1][1]),
            dft_real=sg.tensors[fc_re.inputs[1]], dft_imag=sg.tensors[fc_im.inputs[1]],
            mel=sg.tensors[fc_mel.inputs[1]], mel_bias=dequantize(sg.tensors[fc_mel.inputs[2]]))

    def dequantized(self) -> Dict[str, np.ndarray]:
        return {"window": self.window, "dft_real": dequantize(self.dft_real), "dft_imag": dequantize(self.dft_imag),
                "mel": dequantize(self.mel), "mel_bias": self.mel_bias}


def log_mel(consts: FrontendConstants, waveform: np.ndarray, hybrid: bool = False) -> np.ndarray:
    """Log-mel [frames, 64] of a 16 kHz waveform with the graph's constants: frames of 400 at hop 160 (only
    complete frames, as tf.signal.frame), no padding of the waveform (pad it first as YAMNet's pad_waveform)."""
    x = np.asarray(waveform, dtype=np.float64)
    n_frames = 1 + (x.size - FRAME_LENGTH) // FRAME_HOP if x.size >= FRAME_LENGTH else 0
    idx = np.arange(n_frames)[:, None] * FRAME_HOP + np.arange(FRAME_LENGTH)[None, :]
    frames = x[idx] * consts.window[None, :]
    frames = np.pad(frames, [(0, 0), (consts.pad_before, consts.pad_after)])
    re = fully_connected(frames, consts.dft_real, None, hybrid)
    im = fully_connected(frames, consts.dft_imag, None, hybrid)
    mag = np.sqrt(re * re + im * im)
    return np.log(fully_connected(mag, consts.mel, consts.mel_bias, hybrid))
