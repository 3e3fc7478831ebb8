"""A float64 numpy evaluator for the few ONNX operators the exported heads use, so that the tests check the exported
file itself (no ONNX Runtime for Python here). Unsupported operators raise."""
from __future__ import annotations

import numpy as np
import onnx
from onnx import numpy_helper


def _attr(node, name, default=None):
    for a in node.attribute:
        if a.name == name:
            return onnx.helper.get_attribute_value(a)
    return default


def evaluate(model: onnx.ModelProto, feeds: dict) -> dict:
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) if numpy_helper.to_array(t).dtype.kind == "f"
           else numpy_helper.to_array(t) for t in model.graph.initializer}
    env.update({k: np.asarray(v, np.float64) for k, v in feeds.items()})
    for node in model.graph.node:
        x = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Constant":
            v = numpy_helper.to_array(_attr(node, "value"))
            out = v.astype(np.float64) if v.dtype.kind == "f" else v
        elif op == "Abs":
            out = np.abs(x[0])
        elif op in ("Add", "Sub", "Mul", "Div", "Pow"):
            f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide, "Pow": np.power}[op]
            out = f(x[0], x[1])
        elif op == "Greater":
            out = x[0] > x[1]
        elif op == "Cast":
            to = _attr(node, "to")
            out = x[0].astype(np.float64) if to in (onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE) else x[0]
        elif op == "Clip":
            lo = x[1] if len(x) > 1 and x[1] is not None else -np.inf
            hi = x[2] if len(x) > 2 and x[2] is not None else np.inf
            out = np.clip(x[0], lo, hi)
        elif op == "ReduceSum":
            axes = tuple(int(a) for a in x[1]) if len(x) > 1 and x[1] is not None else None
            out = np.sum(x[0], axis=axes, keepdims=bool(_attr(node, "keepdims", 1)))
        elif op == "Unsqueeze":
            out = x[0]
            for a in sorted(int(a) for a in x[1]):
                out = np.expand_dims(out, a)
        elif op == "Concat":
            out = np.concatenate(x, axis=_attr(node, "axis"))
        elif op == "MatMul":
            out = x[0] @ x[1]
        elif op == "Sqrt":
            out = np.sqrt(x[0])
        elif op == "Softmax":
            axis = _attr(node, "axis", -1)
            e = np.exp(x[0] - x[0].max(axis=axis, keepdims=True))
            out = e / e.sum(axis=axis, keepdims=True)
        elif op == "Transpose":
            out = np.transpose(x[0], _attr(node, "perm"))
        elif op == "Relu":
            out = np.maximum(x[0], 0)
        else:
            raise NotImplementedError(f"onnx_eval: operator {op} (node {node.name}) is not supported")
        env[node.output[0]] = out
    return {o.name: env[o.name] for o in model.graph.output}
