"""YAMNet (tensorflow/models research/audioset/yamnet/yamnet.py) in torch, with weights from Google's TF Lite file.

Architecture as in yamnet.py / params.py: a 3x3 stride-2 conv with 32 filters, then 13 depthwise(3x3) +
pointwise(1x1) pairs per ``_YAMNET_LAYER_DEFS``, each conv followed by batch norm (center only, no scale) and ReLU,
TF "SAME" padding; global average pool -> 1024-d embedding; dense 521 + sigmoid. In the TF Lite file the batch
norms are already folded into the conv kernels and a per-channel bias (tensors ``layerN/.../bn/FusedBatchNormV3``),
so every conv here has a bias and no separate batch norm.

Weights are found by the TF Lite tensor names (see ``_kernel_key`` / ``_bias_key``) and checked against the graph:
every layer must find exactly one kernel and one bias, every constant tensor of the classifier part must be used,
and each TF Lite operator must consume the tensors we mapped to its layer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .tflite_reader import Model, SubGraph, Tensor, dequantize, read_model

# (kind, kernel, stride, filters) per yamnet.py's _YAMNET_LAYER_DEFS; layer i+1 is named 'layer{i+1}'.
LAYER_DEFS: List[Tuple[str, int, int, int]] = [
    ("conv", 3, 2, 32),
    ("separable", 3, 1, 64),
    ("separable", 3, 2, 128),
    ("separable", 3, 1, 128),
    ("separable", 3, 2, 256),
    ("separable", 3, 1, 256),
    ("separable", 3, 2, 512),
    ("separable", 3, 1, 512),
    ("separable", 3, 1, 512),
    ("separable", 3, 1, 512),
    ("separable", 3, 1, 512),
    ("separable", 3, 1, 512),
    ("separable", 3, 2, 1024),
    ("separable", 3, 1, 1024),
]
PATCH_FRAMES = 96
PATCH_BANDS = 64
EMBEDDING_SIZE = 1024
NUM_CLASSES = 521

_PREFIX = "yamnet_frames/"
_KERNEL_RE = re.compile(r"^yamnet_frames/(layer\d+/(?:conv|depthwise_conv|pointwise_conv))/(?:Conv2D|depthwise)$")
_BIAS_RE = re.compile(r"^yamnet_frames/(layer\d+/(?:conv|depthwise_conv|pointwise_conv))/bn/FusedBatchNormV3$")
DENSE_KERNEL = "yamnet_frames/dense/MatMul"
DENSE_BIAS = "yamnet_frames/dense/BiasAdd/ReadVariableOp/resource"


def same_padding(size: int, kernel: int, stride: int) -> Tuple[int, int]:
    """TF "SAME" padding (before, after) along one axis: output = ceil(size / stride); the odd extra pixel goes
    after (bottom/right), which makes stride-2 layers on even sizes pad only at the end."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class SamePadConv(nn.Module):
    """A conv (regular or depthwise) with TF "SAME" padding for a fixed input size ``in_hw`` (YAMNet's patch size
    is fixed, so the padding is a constant and the exported graph has a constant Pad, no shape arithmetic)."""

    def __init__(self, in_ch: int, out_ch: int, kernel: int, stride: int, in_hw: Tuple[int, int], groups: int = 1):
        super().__init__()
        self.kernel, self.stride, self.in_hw = kernel, stride, tuple(in_hw)
        top, bottom = same_padding(in_hw[0], kernel, stride)
        left, right = same_padding(in_hw[1], kernel, stride)
        self.out_hw = (-(-in_hw[0] // stride), -(-in_hw[1] // stride))
        symmetric = left == right and top == bottom
        # Symmetric padding goes into the conv itself; the asymmetric stride-2 case needs an explicit Pad.
        self.pad = None if symmetric else (left, right, top, bottom)
        self.conv = nn.Conv2d(in_ch, out_ch, kernel, stride=stride, padding=(top, left) if symmetric else 0,
                              groups=groups, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.pad is not None:
            x = F.pad(x, self.pad)
        return self.conv(x)


class Yamnet(nn.Module):
    """Log-mel patches [N, 96, 64] -> (embeddings [N, 1024], scores [N, 521])."""

    def __init__(self):
        super().__init__()
        layers: Dict[str, nn.Module] = {}
        in_ch, hw = 1, (PATCH_FRAMES, PATCH_BANDS)
        for i, (kind, k, s, filters) in enumerate(LAYER_DEFS):
            name = f"layer{i + 1}"
            if kind == "conv":
                conv = layers[f"{name}_conv"] = SamePadConv(in_ch, filters, k, s, hw)
            else:
                dw = layers[f"{name}_depthwise_conv"] = SamePadConv(in_ch, in_ch, k, s, hw, groups=in_ch)
                conv = layers[f"{name}_pointwise_conv"] = SamePadConv(in_ch, filters, 1, 1, dw.out_hw)
            in_ch, hw = filters, conv.out_hw
        self.convs = nn.ModuleDict(layers)
        self.dense = nn.Linear(EMBEDDING_SIZE, NUM_CLASSES)

    def forward(self, patches: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        # yamnet.py reshapes [N, 96, 64] to NHWC [N, 96, 64, 1]: frames are the height, mel bands the width.
        if not torch.jit.is_tracing() and tuple(patches.shape[1:]) != (PATCH_FRAMES, PATCH_BANDS):
            raise ValueError(f"patches must be [N, {PATCH_FRAMES}, {PATCH_BANDS}], got {tuple(patches.shape)}")
        x = patches.unsqueeze(1)
        for conv in self.convs.values():
            x = F.relu(conv(x))
        embeddings = x.mean(dim=(2, 3))
        scores = torch.sigmoid(self.dense(embeddings))
        return embeddings, scores


@dataclass
class ImportReport:
    """What the weight mapping used: torch parameter -> (tflite tensor index, tflite name, tflite shape)."""
    mapping: Dict[str, Tuple[int, str, tuple]]
    other_constants: List[int]  # frontend constants and shape/axis operands


def _kernel_key(t: Tensor) -> str | None:
    """The layer a kernel tensor belongs to. TF Lite joins the names of fused nodes with ';' and the first
    kernel-like component is the tensor's own (later ones name the consumers it was fused with)."""
    if len(t.shape) != 4:
        return None
    for part in t.name.split(";"):
        m = _KERNEL_RE.match(part)
        if m:
            return m.group(1)
    return None


def _bias_key(t: Tensor) -> str | None:
    if len(t.shape) != 1:
        return None
    m = _BIAS_RE.match(t.name)
    return m.group(1) if m else None


def _constant_tensors(sg: SubGraph) -> List[Tensor]:
    return [t for t in sg.tensors if t.data is not None]


def classifier_constants(sg: SubGraph) -> Tuple[Dict[str, Tensor], Dict[str, Tensor], List[int]]:
    """(kernels by layer key, biases by layer key, indices of the frontend's constants). Fails on duplicates."""
    kernels: Dict[str, Tensor] = {}
    biases: Dict[str, Tensor] = {}
    frontend: List[int] = []
    for t in _constant_tensors(sg):
        if "/layer" not in t.name and not t.name.startswith(_PREFIX + "dense/"):
            frontend.append(t.index)
            continue
        for key, table in ((_kernel_key(t), kernels), (_bias_key(t), biases)):
            if key is not None:
                if key in table:
                    raise ValueError(f"two tensors map to {key}: '{table[key].name}' and '{t.name}'")
                table[key] = t
    return kernels, biases, frontend


def load_from_tflite(model: Model) -> Tuple[Yamnet, ImportReport]:
    """Builds the torch YAMNet and fills it from the TF Lite model's dequantized tensors."""
    sg = model.subgraphs[0]
    kernels, biases, frontend = classifier_constants(sg)
    by_name = {t.name: t for t in _constant_tensors(sg)}
    net = Yamnet()
    mapping: Dict[str, Tuple[int, str, tuple]] = {}
    used: set = set()

    def take(t: Tensor) -> np.ndarray:
        used.add(t.index)
        return dequantize(t)

    with torch.no_grad():
        for module_name, module in net.convs.items():
            key = module_name.replace("_", "/", 1)  # layer3_depthwise_conv -> layer3/depthwise_conv
            if key not in kernels or key not in biases:
                raise KeyError(f"TF Lite file has no {'kernel' if key not in kernels else 'bias'} tensor for {key}")
            kt, bt = kernels[key], biases[key]
            w = take(kt)
            conv = module.conv
            if conv.groups == 1:
                # CONV_2D filter layout is OHWI: [out, kh, kw, in] -> torch OIHW.
                w = w.transpose(0, 3, 1, 2)
            else:
                # DEPTHWISE_CONV_2D filter layout is [1, kh, kw, in * depth_multiplier] -> torch [C, 1, kh, kw].
                w = w.transpose(3, 0, 1, 2)
            if tuple(w.shape) != tuple(conv.weight.shape):
                raise ValueError(f"{key}: TF Lite kernel '{kt.name}' {kt.shape} does not fit {tuple(conv.weight.shape)}")
            b = take(bt)
            if b.shape != tuple(conv.bias.shape):
                raise ValueError(f"{key}: TF Lite bias '{bt.name}' {bt.shape} does not fit {tuple(conv.bias.shape)}")
            conv.weight.copy_(torch.from_numpy(w))
            conv.bias.copy_(torch.from_numpy(b))
            mapping[f"convs.{module_name}.conv.weight"] = (kt.index, kt.name, kt.shape)
            mapping[f"convs.{module_name}.conv.bias"] = (bt.index, bt.name, bt.shape)
        for pname, tname in (("dense.weight", DENSE_KERNEL), ("dense.bias", DENSE_BIAS)):
            if tname not in by_name:
                raise KeyError(f"TF Lite file has no tensor '{tname}'")
            t = by_name[tname]
            v = take(t)  # FULLY_CONNECTED weights are [out, in], as torch's Linear
            param = net.get_parameter(pname)
            if v.shape != tuple(param.shape):
                raise ValueError(f"'{tname}' {t.shape} does not fit {pname} {tuple(param.shape)}")
            param.copy_(torch.from_numpy(v))
            mapping[pname] = (t.index, t.name, t.shape)

    unused = [t for t in _constant_tensors(sg) if t.index not in used and t.index not in frontend]
    if unused:
        raise ValueError("classifier constants not used by the torch model: " + ", ".join(
            f"{t.index}:'{t.name}'{t.shape}" for t in unused))
    _check_against_graph(sg, net, mapping)
    return net.eval(), ImportReport(mapping=mapping, other_constants=sorted(frontend))


def _check_against_graph(sg: SubGraph, net: Yamnet, mapping: Dict[str, Tuple[int, str, tuple]]) -> None:
    """Each conv operator of the TF Lite graph, in order, must use the kernel and bias we mapped to the matching
    torch layer (through a DEQUANTIZE op where the file has one), with the stride, padding and ReLU we build."""
    producer = {o: op for op in sg.operators for o in op.outputs}

    def source(i: int) -> int:
        op = producer.get(i)
        return op.inputs[0] if op is not None and op.op == "DEQUANTIZE" else i

    conv_ops = [op for op in sg.operators if op.op in ("CONV_2D", "DEPTHWISE_CONV_2D")]
    modules = list(net.convs.items())
    if len(conv_ops) != len(modules):
        raise ValueError(f"graph has {len(conv_ops)} conv operators, the torch model {len(modules)}")
    for op, (name, module) in zip(conv_ops, modules):
        depthwise = op.op == "DEPTHWISE_CONV_2D"
        o = op.options
        expect = (module.conv.groups > 1, module.stride, module.stride, "SAME", "RELU", 1, 1)
        got = (depthwise, o["stride_h"], o["stride_w"], o["padding"], o["activation"], o["dilation_h"], o["dilation_w"])
        if got != expect:
            raise ValueError(f"operator {op.index} ({op.op} {o}) does not match torch layer {name}")
        if depthwise and o["depth_multiplier"] != 1:
            raise ValueError(f"operator {op.index}: depth_multiplier {o['depth_multiplier']}, yamnet.py uses 1")
        kernel = mapping[f"convs.{name}.conv.weight"][0]
        bias = mapping[f"convs.{name}.conv.bias"][0]
        if source(op.inputs[1]) != kernel or op.inputs[2] != bias:
            raise ValueError(f"operator {op.index} uses tensors {op.inputs[1:]} but names mapped {name} to "
                             f"{kernel}, {bias}")


def load_yamnet(tflite_bytes: bytes) -> Tuple[Yamnet, ImportReport, Model]:
    model = read_model(tflite_bytes)
    net, report = load_from_tflite(model)
    return net, report, model
