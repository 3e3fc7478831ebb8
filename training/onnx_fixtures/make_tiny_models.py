#!/usr/bin/env python3
"""Export the tiny ONNX models that InfantCry.Onnx's tests run, with golden outputs from torch.

    /usr/bin/python3 training/onnx_fixtures/make_tiny_models.py [--out tests/InfantCry.Onnx.Tests/Golden]

Every model has fixed random weights (torch.manual_seed) and a synthetic input. The golden output of each model is
computed by torch in float64 on the same float32 weights and inputs, then rounded to float32, so it is an
independent reference that ONNX Runtime's float32 kernels must match within the tests' tolerance.

Files written into --out:
  <model>.onnx                  the model (opset 13)
  <model>.<tensor>.bin          inputs and golden outputs, little-endian float32 or int64, row-major
  manifest.json                 names, element types, shapes, symbolic dimensions and file of every tensor
Nothing here is derived from third-party assets: weights are random and inputs synthetic.
"""
import argparse
import copy
import json
import os
import sys

import numpy as np
import torch
from torch import nn

OPSET = 13


class Gemm(nn.Module):
    """y = x W^T + b, exported as a single Gemm node."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(8, 4)

    def forward(self, x):
        return self.linear(x)


class ConvRelu(nn.Module):
    """3x3 convolution with padding and ReLU: Conv + Relu."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, kernel_size=3, padding=1)

    def forward(self, image):
        return torch.relu(self.conv(image))


class Lstm(nn.Module):
    """One-layer LSTM over a sequence; returns every hidden state and the last one (two outputs)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=5, hidden_size=6)

    def forward(self, sequence):
        states, (last, _) = self.lstm(sequence)
        return states, last


class EmbedArgmax(nn.Module):
    """int64 token ids in; float32 embeddings and an int64 argmax out."""

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(10, 4)

    def forward(self, tokens):
        embedded = self.embedding(tokens)
        return embedded, torch.argmax(embedded, dim=-1)


class MlpBatch(nn.Module):
    """Linear-Tanh-Linear over a symbolic batch dimension 'batch'."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(8, 16)
        self.out = nn.Linear(16, 3)

    def forward(self, x):
        return self.out(torch.tanh(self.hidden(x)))


class Chain(nn.Module):
    """The same 64x64 layer applied CHAIN_DEPTH times (one shared weight, many nodes): a model whose run takes long
    enough at a large batch for cancellation to land between nodes, while the file stays tiny."""

    def __init__(self, depth):
        super().__init__()
        self.depth = depth
        self.layer = nn.Linear(64, 64)

    def forward(self, x):
        for _ in range(self.depth):
            x = torch.tanh(self.layer(x))
        return x


CHAIN_DEPTH = 200


class ManyTensors(nn.Module):
    """MANY_TENSORS inputs and as many outputs (y_i = x_i + sum of all x): more tensors than a session keeps on the
    stack, to exercise the heap path of Run."""

    def forward(self, *xs):
        total = xs[0]
        for x in xs[1:]:
            total = total + x
        return tuple(x + total for x in xs)


MANY_TENSORS = 18


def save(array, path):
    dtype = np.dtype("<f4") if array.dtype == np.float32 else np.dtype("<i8")
    np.ascontiguousarray(array.astype(dtype)).tofile(path)


def type_name(array):
    return "float32" if array.dtype == np.float32 else "int64"


def export(out, name, model, inputs, input_names, output_names, dynamic_axes=None):
    model.eval()
    path = os.path.join(out, name + ".onnx")
    with torch.no_grad():
        torch.onnx.export(model, tuple(inputs), path, opset_version=OPSET, input_names=input_names,
                          output_names=output_names, dynamic_axes=dynamic_axes or {}, do_constant_folding=True)
        reference = copy.deepcopy(model).double()
        ref_inputs = [t.double() if t.is_floating_point() else t for t in inputs]
        outputs = reference(*ref_inputs)
    if not isinstance(outputs, tuple):
        outputs = (outputs,)
    entry = {"name": name, "file": name + ".onnx", "inputs": [], "outputs": []}
    symbolic = dynamic_axes or {}
    for tensor_name, tensor in zip(input_names, inputs):
        array = tensor.numpy()
        file = f"{name}.{tensor_name}.bin"
        save(array, os.path.join(out, file))
        entry["inputs"].append({"name": tensor_name, "type": type_name(array), "shape": list(array.shape),
                                "symbolic": {str(k): v for k, v in symbolic.get(tensor_name, {}).items()},
                                "file": file})
    for tensor_name, tensor in zip(output_names, outputs):
        array = tensor.numpy()
        array = array.astype(np.float32) if array.dtype in (np.float64, np.float32) else array.astype(np.int64)
        file = f"{name}.{tensor_name}.bin"
        save(array, os.path.join(out, file))
        entry["outputs"].append({"name": tensor_name, "type": type_name(array), "shape": list(array.shape),
                                 "symbolic": {str(k): v for k, v in symbolic.get(tensor_name, {}).items()},
                                 "file": file})
    return entry


def main(argv=None):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(root, "tests", "InfantCry.Onnx.Tests", "Golden"))
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(20261121)
    generator = torch.Generator().manual_seed(7)

    def randn(*shape):
        return torch.randn(*shape, generator=generator)

    models = [
        export(args.out, "gemm", Gemm(), [randn(1, 8)], ["x"], ["y"]),
        export(args.out, "conv", ConvRelu(), [randn(1, 3, 8, 8)], ["image"], ["features"]),
        export(args.out, "lstm", Lstm(), [randn(7, 1, 5)], ["sequence"], ["states", "last"]),
        export(args.out, "embed", EmbedArgmax(), [torch.tensor([[0, 3, 9, 3, 1, 7]], dtype=torch.int64)],
               ["tokens"], ["embedded", "argmax"]),
        export(args.out, "mlp_batch", MlpBatch(), [randn(5, 8)], ["x"], ["y"],
               dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}),
        export(args.out, "chain", Chain(CHAIN_DEPTH), [randn(2, 64)], ["x"], ["y"],
               dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}),
        export(args.out, "many", ManyTensors(), [randn(1, 2) for _ in range(MANY_TENSORS)],
               [f"x{i}" for i in range(MANY_TENSORS)], [f"y{i}" for i in range(MANY_TENSORS)]),
    ]
    manifest = {
        "generator": "training/onnx_fixtures/make_tiny_models.py",
        "torch": torch.__version__,
        "opset": OPSET,
        "reference": "torch float64 forward on the float32 weights and inputs, rounded to float32",
        "chain_depth": CHAIN_DEPTH,
        "models": models,
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(f"wrote {len(models)} models to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
