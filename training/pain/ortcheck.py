"""Runs the exported pain models with ONNX Runtime's native library through its C API (ctypes) and compares with
the torch outputs stored in pain_check.json. There is no onnxruntime Python package here; the native library is the
one the C# build restores from Microsoft's Microsoft.ML.OnnxRuntime NuGet package (the version pinned in
Directory.Packages.props) into the NuGet cache ($NUGET_PACKAGES, else ~/.nuget/packages).

    /usr/bin/python3 -m pain.ortcheck [--models artifacts/models] [--lib path/to/libonnxruntime.so.1]

Only a handful of OrtApi entries are used; their indices are fixed by the C API's append-only ABI
(onnxruntime_c_api.h, struct OrtApi): 2 GetErrorMessage, 3 CreateEnv, 7 CreateSession, 9 Run,
10 CreateSessionOptions, 24 SetIntraOpNumThreads, 49 CreateTensorWithDataAsOrtValue, 51 GetTensorMutableData,
69 CreateCpuMemoryInfo. Handles are not released: this is a one-shot check process.
"""
from __future__ import annotations

import argparse
import ctypes as C
import json
import os
from pathlib import Path

import numpy as np

ORT_VERSION = "1.32.0"  # Directory.Packages.props pins Microsoft.ML.OnnxRuntime
API_VERSION = 13  # any version <= the library's is served
_P = C.c_void_p


def default_lib() -> Path:
    packages = os.environ.get("NUGET_PACKAGES") or os.path.expanduser("~/.nuget/packages")
    return Path(packages) / "microsoft.ml.onnxruntime" / ORT_VERSION / "runtimes" / "linux-x64" / "native" / "libonnxruntime.so"


class Ort:
    def __init__(self, lib_path: Path):
        self.lib = C.CDLL(str(lib_path))
        self.lib.OrtGetApiBase.restype = C.POINTER(_P)
        base = self.lib.OrtGetApiBase()
        get_api = C.CFUNCTYPE(_P, C.c_uint32)(base[0])
        api = get_api(API_VERSION)
        if not api:
            raise RuntimeError(f"{lib_path}: OrtGetApiBase()->GetApi({API_VERSION}) returned NULL")
        self.tab = C.cast(api, C.POINTER(_P))
        self._msg = C.CFUNCTYPE(C.c_char_p, _P)(self.tab[2])
        env = _P()
        self._call(3, [C.c_int, C.c_char_p, C.POINTER(_P)], 3, b"infantcry-pain-check", C.byref(env))
        self.env = env
        mem = _P()
        self._call(69, [C.c_int, C.c_int, C.POINTER(_P)], 0, 0, C.byref(mem))  # OrtDeviceAllocator, OrtMemTypeDefault
        self.mem = mem

    def _call(self, idx, argtypes, *args):
        fn = C.CFUNCTYPE(_P, *argtypes)(self.tab[idx])
        st = fn(*args)
        if st:
            raise RuntimeError(f"ONNX Runtime API #{idx} failed: {self._msg(st).decode()}")

    def session(self, path: Path):
        opts, sess = _P(), _P()
        self._call(10, [C.POINTER(_P)], C.byref(opts))
        self._call(24, [_P, C.c_int], opts, 1)
        self._call(7, [_P, C.c_char_p, _P, C.POINTER(_P)], self.env, str(path).encode(), opts, C.byref(sess))
        return sess

    def run(self, sess, inputs: dict, outputs: dict) -> dict:
        """inputs: name -> float32 array; outputs: name -> shape. Returns name -> float32 array."""
        keep, vals = [], []  # keep: the numpy buffers and shape arrays must outlive Run (ORT does not copy)
        for arr in inputs.values():
            a = np.ascontiguousarray(arr, np.float32)
            shape = (C.c_int64 * a.ndim)(*a.shape)
            v = _P()
            self._call(49, [_P, _P, C.c_size_t, C.POINTER(C.c_int64), C.c_size_t, C.c_int, C.POINTER(_P)],
                       self.mem, a.ctypes.data_as(_P), a.nbytes, shape, a.ndim, 1, C.byref(v))
            keep += [a, shape]
            vals.append(v)
        in_names = (C.c_char_p * len(inputs))(*[k.encode() for k in inputs])
        out_names = (C.c_char_p * len(outputs))(*[k.encode() for k in outputs])
        in_vals = (_P * len(vals))(*vals)
        out_vals = (_P * len(outputs))()
        self._call(9, [_P, _P, C.POINTER(C.c_char_p), C.POINTER(_P), C.c_size_t, C.POINTER(C.c_char_p), C.c_size_t,
                       C.POINTER(_P)], sess, None, in_names, in_vals, len(vals), out_names, len(outputs), out_vals)
        res = {}
        del keep  # safe now: outputs are ORT-owned
        for (name, shape), v in zip(outputs.items(), out_vals):
            ptr = _P()
            self._call(51, [_P, C.POINTER(_P)], v, C.byref(ptr))
            n = int(np.prod(shape))
            res[name] = np.ctypeslib.as_array(C.cast(ptr, C.POINTER(C.c_float)), (n,)).reshape(shape).copy()
        return res


def check(models_dir: Path, lib: Path) -> dict:
    """Returns {'encoder': max|diff|, 'crying': ..., 'pain': ..., 'tolerance': tol}."""
    chk = json.loads((Path(models_dir) / "pain_check.json").read_text())
    ort = Ort(lib)
    e = chk["encoder"]
    got = ort.run(ort.session(Path(models_dir) / e["file"]),
                  {e["input_name"]: np.array(e["input"], np.float32).reshape(e["input_shape"])},
                  {e["output_name"]: e["output_shape"]})[e["output_name"]]
    out = {"encoder": float(np.abs(got - np.array(e["output"]).reshape(e["output_shape"])).max())}
    s = chk["sequence"]
    outs = {k: v["shape"] for k, v in s["outputs"].items()}
    got = ort.run(ort.session(Path(models_dir) / s["file"]),
                  {s["input_name"]: np.array(s["input"], np.float32).reshape(s["input_shape"])}, outs)
    for k, v in s["outputs"].items():
        out[k] = float(np.abs(got[k] - np.array(v["values"]).reshape(v["shape"])).max())
    out["tolerance"] = chk["tolerance"]
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", default="artifacts/models")
    ap.add_argument("--lib", default=str(default_lib()))
    a = ap.parse_args(argv)
    r = check(Path(a.models), Path(a.lib))
    print(json.dumps(r))
    bad = [k for k in ("encoder", "crying", "pain") if not r[k] <= r["tolerance"]]
    raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
