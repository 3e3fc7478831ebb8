"""Post-export clean-up of the ONNX graph and a small numpy evaluator for the node types it contains.

torch 1.13 exports ``F.pad`` as a Pad whose pads come from a ten-node shape subgraph. ONNX Conv takes asymmetric
``pads`` itself, so ``fold_pads_into_convs`` moves each stride-2 layer's TF "SAME" padding into its Conv and drops
the dead subgraph. ``evaluate`` runs the resulting graph in float64 numpy (Conv, Relu, ReduceMean, Gemm,
Sigmoid, Unsqueeze, Constant) so the Python tests check the exported file itself, not only the torch model.
"""
from __future__ import annotations

from typing import Dict, List

import numpy as np
import onnx
from onnx import helper, numpy_helper

from .model import Yamnet


def fold_pads_into_convs(model: onnx.ModelProto, net: Yamnet) -> onnx.ModelProto:
    g = model.graph
    producer = {o: n for n in g.node for o in n.output}
    modules = dict(net.convs.items())
    folded = 0
    for node in g.node:
        if node.op_type != "Conv":
            continue
        weight = node.input[1]
        if not (weight.startswith("convs.") and weight.endswith(".conv.weight")):
            raise ValueError(f"Conv node {node.name} reads unexpected weight '{weight}'")
        module = modules[weight[len("convs."):-len(".conv.weight")]]
        src = producer.get(node.input[0])
        if src is None or src.op_type != "Pad":
            if module.pad is not None:
                raise ValueError(f"{weight}: module pads {module.pad} but the Conv has no Pad input")
            continue
        if module.pad is None:
            raise ValueError(f"{weight}: Conv reads a Pad but the module has symmetric padding")
        left, right, top, bottom = module.pad
        old = [a for a in node.attribute if a.name == "pads"]
        if old and any(old[0].ints):
            raise ValueError(f"{weight}: Conv already has pads {list(old[0].ints)}")
        for a in old:
            node.attribute.remove(a)
        node.attribute.append(helper.make_attribute("pads", [top, left, bottom, right]))
        node.input[0] = src.input[0]
        folded += 1
    if folded != sum(m.pad is not None for m in modules.values()):
        raise ValueError(f"folded {folded} Pad nodes, expected one per stride-2 layer")
    _remove_dead_nodes(model)
    return model


def _remove_dead_nodes(model: onnx.ModelProto) -> None:
    g = model.graph
    needed = {o.name for o in g.output}
    keep: List[onnx.NodeProto] = []
    for node in reversed(list(g.node)):
        if any(o in needed for o in node.output):
            keep.append(node)
            needed.update(i for i in node.input if i)
    keep.reverse()
    del g.node[:]
    g.node.extend(keep)
    used = {i for n in g.node for i in n.input}
    dead = [i for i in g.initializer if i.name not in used]
    for i in dead:
        g.initializer.remove(i)


def _attrs(node: onnx.NodeProto) -> dict:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _conv_nchw(x, w, b, a) -> np.ndarray:
    group = a.get("group", 1)
    sh, sw = a.get("strides", [1, 1])
    if any(d != 1 for d in a.get("dilations", [1, 1])) or a.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise ValueError("evaluator supports explicit pads without dilation only")
    pt, pl, pb, pr = a.get("pads", [0, 0, 0, 0])
    xp = np.pad(x, [(0, 0), (0, 0), (pt, pb), (pl, pr)])
    n, cin, h, wd = xp.shape
    cout, cin_g, kh, kw = w.shape
    oh, ow = (h - kh) // sh + 1, (wd - kw) // sw + 1
    out = np.zeros((n, cout, oh, ow))
    cout_g = cout // group
    for ky in range(kh):
        for kx in range(kw):
            patch = xp[:, :, ky:ky + sh * (oh - 1) + 1:sh, kx:kx + sw * (ow - 1) + 1:sw]
            if group == 1:
                out += np.einsum("nchw,oc->nohw", patch, w[:, :, ky, kx])
            elif cin_g == 1 and cout_g == 1:
                out += patch * w[:, 0, ky, kx][None, :, None, None]
            else:
                raise ValueError("evaluator supports group 1 or depthwise convolutions")
    return out + (0.0 if b is None else b[None, :, None, None])


def evaluate(model: onnx.ModelProto, feeds: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
    g = model.graph
    v: Dict[str, np.ndarray] = {i.name: numpy_helper.to_array(i).astype(np.float64) for i in g.initializer}
    v.update({k: np.asarray(x, dtype=np.float64) for k, x in feeds.items()})
    for node in g.node:
        a = _attrs(node)
        x = [v[i] if i else None for i in node.input]
        t = node.op_type
        if t == "Constant":
            out = numpy_helper.to_array(a["value"])
        elif t == "Unsqueeze":
            out = x[0]
            for ax in sorted(int(i) for i in np.atleast_1d(x[1])):
                out = np.expand_dims(out, ax)
        elif t == "Conv":
            out = _conv_nchw(x[0], x[1], x[2] if len(x) > 2 else None, a)
        elif t == "Relu":
            out = np.maximum(x[0], 0.0)
        elif t == "ReduceMean":
            out = x[0].mean(axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1)))
        elif t == "Gemm":
            A, B = x[0].T if a.get("transA", 0) else x[0], x[1].T if a.get("transB", 0) else x[1]
            out = a.get("alpha", 1.0) * (A @ B) + (a.get("beta", 1.0) * x[2] if len(x) > 2 else 0.0)
        elif t == "Sigmoid":
            out = 1.0 / (1.0 + np.exp(-x[0]))
        else:
            raise ValueError(f"evaluator does not support {t}")
        v[node.output[0]] = out
    return {o.name: v[o.name] for o in g.output}
