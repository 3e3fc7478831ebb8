"""A small numpy interpreter for the operators of YAMNet's TF Lite graph, in float64 with dequantized weights.

It executes the graph as stored (NHWC activations, OHWI conv kernels, [1, kh, kw, C] depthwise kernels, TF Lite's
SAME padding rule, fused activations), independently of the torch model's layouts, so it serves as an oracle for
the torch conversion (tests compare the two) and runs the graph's own frontend (see tflite_frontend).

``hybrid=True`` emulates TF Lite's hybrid (dynamic-range) FULLY_CONNECTED kernel for int8 weights with float
inputs: each input row is quantized symmetrically to int8 (scale = max|row| / 127) before the integer product.
"""
from __future__ import annotations

from typing import Dict, Optional

import numpy as np

from .tflite_reader import Model, Tensor, dequantize


def same_pad(size: int, kernel: int, stride: int, dilation: int = 1):
    """TF Lite's SAME padding (before, after): output ceil(size / stride), the odd pixel after."""
    eff = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + eff - size, 0)
    return total // 2, total - total // 2


def _activation(x: np.ndarray, name: str) -> np.ndarray:
    if name == "NONE":
        return x
    if name == "RELU":
        return np.maximum(x, 0.0)
    if name == "RELU6":
        return np.clip(x, 0.0, 6.0)
    raise ValueError(f"fused activation {name} not supported")


def _conv_nhwc(x: np.ndarray, w: np.ndarray, bias: Optional[np.ndarray], o: dict, depthwise: bool) -> np.ndarray:
    """x [N, H, W, Cin]; CONV_2D w [Cout, kh, kw, Cin]; DEPTHWISE_CONV_2D w [1, kh, kw, Cin * m]."""
    if o["dilation_h"] != 1 or o["dilation_w"] != 1:
        raise ValueError("dilated convolutions are not supported")
    n, h, wd, cin = x.shape
    kh, kw = w.shape[1], w.shape[2]
    sh, sw = o["stride_h"], o["stride_w"]
    if o["padding"] == "SAME":
        (pt, pb), (pl, pr) = same_pad(h, kh, sh), same_pad(wd, kw, sw)
    else:
        pt = pb = pl = pr = 0
    xp = np.pad(x, [(0, 0), (pt, pb), (pl, pr), (0, 0)])
    oh = (h + pt + pb - kh) // sh + 1
    ow = (wd + pl + pr - kw) // sw + 1
    if depthwise:
        m = o["depth_multiplier"]
        cout = w.shape[3]
        if cout != cin * m:
            raise ValueError(f"depthwise kernel {w.shape} does not fit {cin} channels x multiplier {m}")
    else:
        cout = w.shape[0]
    out = np.zeros((n, oh, ow, cout))
    for ky in range(kh):
        for kx in range(kw):
            patch = xp[:, ky:ky + sh * (oh - 1) + 1:sh, kx:kx + sw * (ow - 1) + 1:sw, :]
            if depthwise:
                # output channel c * m + j reads input channel c (TF's depthwise channel order)
                out += np.repeat(patch, o["depth_multiplier"], axis=3) * w[0, ky, kx, :]
            else:
                out += patch @ w[:, ky, kx, :].T
    if bias is not None:
        out += bias
    return _activation(out, o["activation"])


def _quantize_rows_symmetric(x: np.ndarray):
    amax = np.abs(x).max(axis=1, keepdims=True)
    scale = np.where(amax > 0, amax / 127.0, 1.0)
    return np.clip(np.round(x / scale), -127, 127), scale


def fully_connected(x: np.ndarray, w: Tensor, b: Optional[np.ndarray], hybrid: bool = False) -> np.ndarray:
    """y = x w^T + b with w [out, in] as stored; int8 weights dequantized, or hybrid-quantized inputs."""
    if w.type == "INT8" and hybrid:
        qp = w.quantization
        if qp.scale.size != 1 or (qp.zero_point is not None and np.any(qp.zero_point != 0)):
            raise ValueError(f"'{w.name}': hybrid emulation expects one symmetric scale")
        q, s_in = _quantize_rows_symmetric(x)
        # exact integers in float64: the product equals TF Lite's int32 accumulator
        y = (q @ w.raw_array().astype(np.float64).T) * s_in * float(qp.scale[0])
    else:
        y = x @ dequantize(w).T
    return y if b is None else y + b


def run(model: Model, inputs: Dict[int, np.ndarray], hybrid: bool = False, stop_before: Optional[int] = None,
        subgraph: int = 0) -> Dict[int, np.ndarray]:
    """Runs operators 0 .. stop_before-1 (all by default). Returns every computed tensor by index."""
    sg = model.subgraphs[subgraph]
    values: Dict[int, np.ndarray] = {i: np.asarray(v, dtype=np.float64) for i, v in inputs.items()}

    def val(i: int) -> np.ndarray:
        if i in values:
            return values[i]
        t = sg.tensors[i]
        if t.data is None:
            raise ValueError(f"tensor {i} '{t.name}' is neither computed nor constant")
        return dequantize(t) if t.type in ("FLOAT32", "INT8", "UINT8", "FLOAT16") else t.raw_array()

    ops = sg.operators if stop_before is None else sg.operators[:stop_before]
    for op in ops:
        a = [val(i) if i >= 0 else None for i in op.inputs]
        o = op.options
        name = op.op
        if name == "RESHAPE":
            out = a[0].reshape([int(d) for d in a[1]])
        elif name == "SLICE":
            begin, size = [int(v) for v in a[1]], [int(v) for v in a[2]]
            out = a[0][tuple(slice(b, None if s < 0 else b + s) for b, s in zip(begin, size))]
        elif name == "GATHER":
            if o.get("batch_dims", 0) != 0:
                raise ValueError(f"operator {op.index}: GATHER with batch_dims is not supported")
            out = np.take(a[0], a[1].astype(np.int64), axis=o.get("axis", 0))
        elif name == "MUL":
            out = _activation(a[0] * a[1], o.get("activation", "NONE"))
        elif name == "ADD":
            out = _activation(a[0] + a[1], o.get("activation", "NONE"))
        elif name == "PAD":
            out = np.pad(a[0], [tuple(int(v) for v in row) for row in a[1]])
        elif name == "FULLY_CONNECTED":
            if o.get("keep_num_dims"):
                raise ValueError(f"operator {op.index}: keep_num_dims is not supported")
            y = fully_connected(a[0].reshape(-1, a[0].shape[-1]), sg.tensors[op.inputs[1]], a[2], hybrid)
            out = _activation(y, o.get("activation", "NONE"))
        elif name == "SQRT":
            out = np.sqrt(a[0])
        elif name == "LOG":
            out = np.log(a[0])
        elif name == "LOGISTIC":
            out = 1.0 / (1.0 + np.exp(-a[0]))
        elif name == "STRIDED_SLICE":
            if any(o[k] for k in ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")):
                raise ValueError(f"operator {op.index}: STRIDED_SLICE masks {o} not supported")
            out = a[0][tuple(slice(int(b), int(e), int(s)) for b, e, s in zip(a[1], a[2], a[3]))]
        elif name == "DEQUANTIZE":
            out = a[0]  # val() already dequantized the constant
        elif name in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            out = _conv_nhwc(a[0], a[1], a[2], o, depthwise=name == "DEPTHWISE_CONV_2D")
        elif name == "MEAN":
            out = a[0].mean(axis=tuple(int(v) for v in np.atleast_1d(a[1])), keepdims=o.get("keep_dims", False))
        else:
            raise ValueError(f"operator {op.index}: {name} is not supported by this interpreter")
        values[op.outputs[0]] = out
    return values
