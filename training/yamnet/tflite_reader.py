"""A small, read-only FlatBuffers reader for TF Lite model files (pure Python, ``struct`` only).

It follows TensorFlow Lite's ``tensorflow/lite/schema/schema.fbs`` (schema version 3) for the parts the YAMNet
import needs: Model, SubGraph, Tensor (with QuantizationParameters), Buffer, Operator and OperatorCode, and the
builtin options of the operators YAMNet's graph uses. Unknown options are kept as the raw union type so that a
caller can fail loudly on an operator it does not understand.

FlatBuffers layout (little-endian): the file starts with a uoffset (uint32) to the root table. A table starts
with a soffset (int32) that, subtracted from the table position, gives its vtable. A vtable is
``[vtable_size:u16, table_size:u16, field_offset:u16 ...]``; a field offset of 0 (or a field index beyond the
vtable) means "absent, use the schema default". Reference fields (tables, vectors, strings) hold a uoffset
relative to the field's own position; vectors and strings start with a uint32 element count.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Callable, List, Optional

import numpy as np

FILE_IDENTIFIER = b"TFL3"

# enum TensorType : byte
TENSOR_TYPES = {
    0: ("FLOAT32", np.float32), 1: ("FLOAT16", np.float16), 2: ("INT32", np.int32), 3: ("UINT8", np.uint8),
    4: ("INT64", np.int64), 5: ("STRING", None), 6: ("BOOL", np.bool_), 7: ("INT16", np.int16),
    8: ("COMPLEX64", np.complex64), 9: ("INT8", np.int8), 10: ("FLOAT64", np.float64),
    11: ("COMPLEX128", np.complex128), 12: ("UINT64", np.uint64), 14: ("UINT32", np.uint32),
    15: ("UINT16", np.uint16),
}

# enum BuiltinOperator (the subset whose names we print; any other code is reported by number)
BUILTIN_OPERATORS = {
    0: "ADD", 1: "AVERAGE_POOL_2D", 2: "CONCATENATION", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D", 6: "DEQUANTIZE",
    9: "FULLY_CONNECTED", 14: "LOGISTIC", 17: "MAX_POOL_2D", 18: "MUL", 19: "RELU", 21: "RELU6", 22: "RESHAPE",
    25: "SOFTMAX", 32: "CUSTOM", 34: "PAD", 36: "GATHER", 39: "TRANSPOSE", 40: "MEAN", 41: "SUB", 42: "DIV", 43: "SQUEEZE",
    45: "STRIDED_SLICE", 49: "SPLIT", 53: "CAST", 55: "MAXIMUM", 57: "MINIMUM", 60: "PADV2", 65: "SLICE",
    70: "EXPAND_DIMS", 73: "LOG", 74: "SUM", 75: "SQRT", 76: "RSQRT", 77: "SHAPE", 83: "PACK", 88: "UNPACK",
    92: "SQUARE", 96: "RANGE", 114: "QUANTIZE", 126: "BATCH_MATMUL",
}
PLACEHOLDER_FOR_GREATER_OP_CODES = 127

# enum Padding : byte; enum ActivationFunctionType : byte
PADDINGS = {0: "SAME", 1: "VALID"}
ACTIVATIONS = {0: "NONE", 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH", 5: "SIGN_BIT"}


class TfliteFormatError(ValueError):
    """The bytes are not a TF Lite flatbuffer this reader understands."""


class _Table:
    """One FlatBuffers table at absolute position ``pos`` of ``buf``."""

    __slots__ = ("buf", "pos", "vt", "vt_len")

    def __init__(self, buf: bytes, pos: int):
        if pos < 0 or pos + 4 > len(buf):
            raise TfliteFormatError(f"table offset {pos} outside the {len(buf)}-byte file")
        self.buf = buf
        self.pos = pos
        self.vt = pos - struct.unpack_from("<i", buf, pos)[0]
        if self.vt < 0 or self.vt + 4 > len(buf):
            raise TfliteFormatError(f"vtable offset {self.vt} of table at {pos} outside the file")
        self.vt_len = struct.unpack_from("<H", buf, self.vt)[0]

    def _field_pos(self, index: int) -> Optional[int]:
        slot = 4 + 2 * index
        if slot + 2 > self.vt_len:
            return None
        off = struct.unpack_from("<H", self.buf, self.vt + slot)[0]
        return None if off == 0 else self.pos + off

    def scalar(self, index: int, fmt: str, default):
        p = self._field_pos(index)
        return default if p is None else struct.unpack_from("<" + fmt, self.buf, p)[0]

    def _deref(self, index: int) -> Optional[int]:
        p = self._field_pos(index)
        return None if p is None else p + struct.unpack_from("<I", self.buf, p)[0]

    def table(self, index: int) -> Optional["_Table"]:
        p = self._deref(index)
        return None if p is None else _Table(self.buf, p)

    def string(self, index: int) -> Optional[str]:
        p = self._deref(index)
        if p is None:
            return None
        n = struct.unpack_from("<I", self.buf, p)[0]
        return self.buf[p + 4:p + 4 + n].decode("utf-8")

    def vector_bytes(self, index: int, elem_size: int) -> Optional[memoryview]:
        """Raw bytes of a vector of scalars (None when absent)."""
        p = self._deref(index)
        if p is None:
            return None
        n = struct.unpack_from("<I", self.buf, p)[0]
        end = p + 4 + n * elem_size
        if end > len(self.buf):
            raise TfliteFormatError(f"vector at {p} with {n} elements runs past the end of the file")
        return memoryview(self.buf)[p + 4:end]

    def vector(self, index: int, dtype) -> Optional[np.ndarray]:
        dt = np.dtype(dtype).newbyteorder("<")
        raw = self.vector_bytes(index, dt.itemsize)
        return None if raw is None else np.frombuffer(raw, dtype=dt)

    def tables(self, index: int) -> List["_Table"]:
        p = self._deref(index)
        if p is None:
            return []
        n = struct.unpack_from("<I", self.buf, p)[0]
        out = []
        for i in range(n):
            q = p + 4 + 4 * i
            out.append(_Table(self.buf, q + struct.unpack_from("<I", self.buf, q)[0]))
        return out


@dataclass
class Quantization:
    """QuantizationParameters: ``f = scale * (q - zero_point)`` along ``quantized_dimension``."""
    scale: Optional[np.ndarray]
    zero_point: Optional[np.ndarray]
    quantized_dimension: int
    min: Optional[np.ndarray] = None
    max: Optional[np.ndarray] = None


@dataclass
class Tensor:
    index: int
    name: str
    shape: tuple
    type: str
    buffer: int
    quantization: Optional[Quantization]
    is_variable: bool
    data: Optional[bytes] = None  # constant data from the model's buffer table (None for activations)

    def raw_array(self) -> np.ndarray:
        """The constant data in its stored type and shape (no dequantization)."""
        if self.data is None:
            raise TfliteFormatError(f"tensor {self.index} '{self.name}' has no constant data")
        np_type = TENSOR_TYPES[_TYPE_CODE[self.type]][1]
        arr = np.frombuffer(self.data, dtype=np.dtype(np_type).newbyteorder("<"))
        count = int(np.prod(self.shape)) if len(self.shape) else 1
        if arr.size != count:
            raise TfliteFormatError(
                f"tensor '{self.name}': buffer holds {arr.size} {self.type} values, shape {self.shape} needs {count}")
        return arr.reshape(self.shape)


_TYPE_CODE = {name: code for code, (name, _) in TENSOR_TYPES.items()}


@dataclass
class OperatorCode:
    builtin_code: int
    name: str
    custom_code: Optional[str]
    version: int


@dataclass
class Operator:
    index: int
    opcode: OperatorCode
    inputs: List[int]
    outputs: List[int]
    options_type: int
    options: dict = field(default_factory=dict)

    @property
    def op(self) -> str:
        return self.opcode.name


@dataclass
class SubGraph:
    name: Optional[str]
    tensors: List[Tensor]
    inputs: List[int]
    outputs: List[int]
    operators: List[Operator]


@dataclass
class Model:
    version: int
    description: Optional[str]
    operator_codes: List[OperatorCode]
    subgraphs: List[SubGraph]
    buffers: List[Optional[bytes]]


# union BuiltinOptions: type index -> (name, parser of the options table). Indices follow the union's order in
# schema.fbs (NONE = 0). Only the option tables YAMNet's graph uses are decoded field by field.
def _conv2d(t: _Table) -> dict:
    return {"padding": PADDINGS[t.scalar(0, "b", 0)], "stride_w": t.scalar(1, "i", 0),
            "stride_h": t.scalar(2, "i", 0), "activation": ACTIVATIONS[t.scalar(3, "b", 0)],
            "dilation_w": t.scalar(4, "i", 1), "dilation_h": t.scalar(5, "i", 1)}


def _depthwise(t: _Table) -> dict:
    return {"padding": PADDINGS[t.scalar(0, "b", 0)], "stride_w": t.scalar(1, "i", 0),
            "stride_h": t.scalar(2, "i", 0), "depth_multiplier": t.scalar(3, "i", 0),
            "activation": ACTIVATIONS[t.scalar(4, "b", 0)],
            "dilation_w": t.scalar(5, "i", 1), "dilation_h": t.scalar(6, "i", 1)}


def _pool2d(t: _Table) -> dict:
    return {"padding": PADDINGS[t.scalar(0, "b", 0)], "stride_w": t.scalar(1, "i", 0),
            "stride_h": t.scalar(2, "i", 0), "filter_w": t.scalar(3, "i", 0), "filter_h": t.scalar(4, "i", 0),
            "activation": ACTIVATIONS[t.scalar(5, "b", 0)]}


def _fully_connected(t: _Table) -> dict:
    return {"activation": ACTIVATIONS[t.scalar(0, "b", 0)], "weights_format": t.scalar(1, "b", 0),
            "keep_num_dims": bool(t.scalar(2, "B", 0)), "asymmetric_quantize_inputs": bool(t.scalar(3, "B", 0))}


def _activation_only(t: _Table) -> dict:
    return {"activation": ACTIVATIONS[t.scalar(0, "b", 0)]}


def _reshape(t: _Table) -> dict:
    v = t.vector(0, np.int32)
    return {"new_shape": None if v is None else v.tolist()}


def _reducer(t: _Table) -> dict:
    return {"keep_dims": bool(t.scalar(0, "B", 0))}


def _squeeze(t: _Table) -> dict:
    v = t.vector(0, np.int32)
    return {"squeeze_dims": [] if v is None else v.tolist()}


def _strided_slice(t: _Table) -> dict:
    return {"begin_mask": t.scalar(0, "i", 0), "end_mask": t.scalar(1, "i", 0), "ellipsis_mask": t.scalar(2, "i", 0),
            "new_axis_mask": t.scalar(3, "i", 0), "shrink_axis_mask": t.scalar(4, "i", 0)}


def _concatenation(t: _Table) -> dict:
    return {"axis": t.scalar(0, "i", 0), "activation": ACTIVATIONS[t.scalar(1, "b", 0)]}


def _split(t: _Table) -> dict:
    return {"num_splits": t.scalar(0, "i", 0)}


def _pack(t: _Table) -> dict:
    return {"values_count": t.scalar(0, "i", 0), "axis": t.scalar(1, "i", 0)}


def _gather(t: _Table) -> dict:
    return {"axis": t.scalar(0, "i", 0), "batch_dims": t.scalar(1, "i", 0)}


def _empty(_: _Table) -> dict:
    return {}


BUILTIN_OPTIONS: dict = {
    1: ("Conv2DOptions", _conv2d), 2: ("DepthwiseConv2DOptions", _depthwise), 5: ("Pool2DOptions", _pool2d),
    8: ("FullyConnectedOptions", _fully_connected), 10: ("ConcatenationOptions", _concatenation),
    11: ("AddOptions", _activation_only), 17: ("ReshapeOptions", _reshape), 21: ("MulOptions", _activation_only),
    22: ("PadOptions", _empty), 23: ("GatherOptions", _gather), 26: ("TransposeOptions", _empty), 27: ("ReducerOptions", _reducer),
    28: ("SubOptions", _activation_only), 29: ("DivOptions", _activation_only), 30: ("SqueezeOptions", _squeeze),
    32: ("StridedSliceOptions", _strided_slice), 35: ("SplitOptions", _split), 38: ("DequantizeOptions", _empty),
    43: ("PadV2Options", _empty), 48: ("SliceOptions", _empty), 52: ("ExpandDimsOptions", _empty),
    55: ("ShapeOptions", _empty), 59: ("PackOptions", _pack),
}


def _read_quantization(t: Optional[_Table]) -> Optional[Quantization]:
    if t is None:
        return None
    scale = t.vector(2, np.float32)
    zero_point = t.vector(3, np.int64)
    details_type = t.scalar(4, "B", 0)
    if details_type != 0:
        raise TfliteFormatError(f"custom quantization details (union type {details_type}) are not supported")
    if scale is None and zero_point is None and t.vector(0, np.float32) is None:
        return None
    return Quantization(scale=scale, zero_point=zero_point, quantized_dimension=t.scalar(6, "i", 0),
                        min=t.vector(0, np.float32), max=t.vector(1, np.float32))


def _read_opcode(t: _Table) -> OperatorCode:
    # Schema >= 2.4: builtin_code (int32, field 3) supersedes deprecated_builtin_code (byte, field 0); older files
    # only set the byte. TF Lite's own reader takes the larger of the two, which covers both cases.
    deprecated = t.scalar(0, "b", 0)
    extended = t.scalar(3, "i", 0)
    code = max(deprecated, extended)
    if extended == 0 and deprecated == PLACEHOLDER_FOR_GREATER_OP_CODES:
        raise TfliteFormatError("operator code uses the >127 placeholder but has no extended builtin_code")
    custom = t.string(1)
    name = BUILTIN_OPERATORS.get(code, f"BUILTIN_{code}")
    if code == 32 and custom:
        name = f"CUSTOM:{custom}"
    return OperatorCode(builtin_code=code, name=name, custom_code=custom, version=t.scalar(2, "i", 1))


def _read_buffer(buf: bytes, t: _Table) -> Optional[bytes]:
    data = t.vector_bytes(0, 1)
    if data is not None and len(data) > 0:
        return bytes(data)
    offset, size = t.scalar(1, "Q", 0), t.scalar(2, "Q", 0)
    if offset > 1:  # schema >= 2.12: data stored after the flatbuffer (files > 2 GB); offset is from file start
        if offset + size > len(buf):
            raise TfliteFormatError(f"buffer at file offset {offset} with {size} bytes runs past the end")
        return bytes(buf[offset:offset + size])
    return None


def read_model(data: bytes) -> Model:
    """Parses a TF Lite flatbuffer (the bytes of a ``.tflite`` file)."""
    if len(data) < 8:
        raise TfliteFormatError(f"{len(data)} bytes is too short for a flatbuffer")
    ident = data[4:8]
    if ident != FILE_IDENTIFIER:
        raise TfliteFormatError(f"file identifier is {ident!r}, expected {FILE_IDENTIFIER!r} (not a TF Lite model)")
    root = _Table(data, struct.unpack_from("<I", data, 0)[0])
    version = root.scalar(0, "I", 0)
    if version != 3:
        raise TfliteFormatError(f"schema version {version}; this reader follows schema version 3")
    opcodes = [_read_opcode(t) for t in root.tables(1)]
    buffers = [_read_buffer(data, t) for t in root.tables(4)]
    subgraphs = []
    for sg in root.tables(2):
        tensors = []
        for i, t in enumerate(sg.tables(0)):
            shape = t.vector(0, np.int32)
            type_code = t.scalar(1, "b", 0)
            if type_code not in TENSOR_TYPES:
                raise TfliteFormatError(f"tensor {i}: unknown TensorType {type_code}")
            buffer_index = t.scalar(2, "I", 0)
            if buffer_index >= len(buffers):
                raise TfliteFormatError(f"tensor {i}: buffer index {buffer_index} >= {len(buffers)} buffers")
            tensors.append(Tensor(
                index=i, name=t.string(3) or "", shape=tuple(int(d) for d in (shape if shape is not None else [])),
                type=TENSOR_TYPES[type_code][0], buffer=buffer_index, quantization=_read_quantization(t.table(4)),
                is_variable=bool(t.scalar(5, "B", 0)), data=buffers[buffer_index]))
        operators = []
        for i, o in enumerate(sg.tables(3)):
            opcode_index = o.scalar(0, "I", 0)
            if opcode_index >= len(opcodes):
                raise TfliteFormatError(f"operator {i}: opcode index {opcode_index} >= {len(opcodes)} codes")
            inputs = o.vector(1, np.int32)
            outputs = o.vector(2, np.int32)
            options_type = o.scalar(3, "B", 0)
            options_table = o.table(4)
            options: dict = {}
            if options_type != 0 and options_table is not None:
                entry = BUILTIN_OPTIONS.get(options_type)
                options = {"_unparsed_union_type": options_type} if entry is None else entry[1](options_table)
            operators.append(Operator(
                index=i, opcode=opcodes[opcode_index], inputs=[] if inputs is None else inputs.tolist(),
                outputs=[] if outputs is None else outputs.tolist(), options_type=options_type, options=options))
        ins, outs = sg.vector(1, np.int32), sg.vector(2, np.int32)
        subgraphs.append(SubGraph(name=sg.string(4), tensors=tensors,
                                  inputs=[] if ins is None else ins.tolist(),
                                  outputs=[] if outs is None else outs.tolist(), operators=operators))
    return Model(version=version, description=root.string(3), operator_codes=opcodes, subgraphs=subgraphs,
                 buffers=buffers)


def dequantize(tensor: Tensor) -> np.ndarray:
    """Float64 values of a constant tensor: float types as stored; int8/uint8/int16/int32 via
    ``scale * (q - zero_point)`` with per-channel scales broadcast along ``quantized_dimension``."""
    raw = tensor.raw_array()
    if tensor.type in ("FLOAT32", "FLOAT16", "FLOAT64"):
        return raw.astype(np.float64)
    q = tensor.quantization
    if q is None or q.scale is None or q.scale.size == 0:
        raise TfliteFormatError(f"tensor '{tensor.name}' is {tensor.type} without quantization scales")
    scale = q.scale.astype(np.float64)
    zero = np.zeros_like(scale) if q.zero_point is None or q.zero_point.size == 0 else q.zero_point.astype(np.float64)
    if scale.size == 1:
        return (raw.astype(np.float64) - zero[0]) * scale[0]
    axis = q.quantized_dimension
    if raw.ndim <= axis or raw.shape[axis] != scale.size:
        raise TfliteFormatError(
            f"tensor '{tensor.name}': {scale.size} scales do not match dimension {axis} of shape {raw.shape}")
    bshape = [1] * raw.ndim
    bshape[axis] = scale.size
    return (raw.astype(np.float64) - zero.reshape(bshape)) * scale.reshape(bshape)


def describe(model: Model, printer: Callable[[str], None] = print) -> None:
    """Prints the operators of every subgraph with their tensors (a debugging aid)."""
    for s, sg in enumerate(model.subgraphs):
        printer(f"subgraph {s} '{sg.name}': {len(sg.tensors)} tensors, {len(sg.operators)} operators, "
                f"inputs {sg.inputs}, outputs {sg.outputs}")
        for op in sg.operators:
            def fmt(i):
                if i < 0:
                    return "-"
                t = sg.tensors[i]
                const = "C" if t.data is not None else ""
                qd = ""
                if t.quantization is not None and t.quantization.scale is not None:
                    qd = f" q[{t.quantization.scale.size}@{t.quantization.quantized_dimension}]"
                return f"{i}{const}:{t.name}{list(t.shape)}{t.type}{qd}"
            printer(f"  {op.index:3d} {op.op} {op.options}")
            printer(f"       in  " + ", ".join(fmt(i) for i in op.inputs))
            printer(f"       out " + ", ".join(fmt(i) for i in op.outputs))
