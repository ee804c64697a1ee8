"""CUDA libraries built here, run on a GPU machine that has no aic compiler (no MLIR).

    python -m benchmarks.cuda_prebuilt build DIR [--gpu-arch sm_90] [--only GLOB,...]
    python -m benchmarks.cuda_prebuilt run DIR [--runs N] [--json OUT]

``build`` (needs aic, its MLIR wheels and ``ptxas``) compiles each case to a CUDA model
library (``--target cuda --emit lib``: host code, cubin and weights in one ``.so``) and writes
``DIR/manifest.json``. ``run`` needs only numpy, onnx and onnxruntime (and PyTorch, if
installed, for cuBLAS figures): it loads each library with ``ctypes`` through its C entry
(``aic_signature`` / ``aic_run``), rebuilds the case's ONNX model from the same seeded
generator (so the weights need not travel twice), and per case prints:

* ``aic_ms``: median time of ``aic_run`` (inputs copied host -> device and outputs back
  included), after a warm-up call that uploads the weights;
* ``rel_err``: max |aic - ref| / max |ref| against onnxruntime on the CPU (TF32 tensor cores:
  about 1e-3);
* ``ort_ms``: onnxruntime with ``CUDAExecutionProvider`` where the installed onnxruntime has
  it, else ``-``; ``cpu_ms``: onnxruntime on this machine's CPU (all cores), for scale;
* ``torch_ms``: for the matmul cases, ``torch.matmul`` on the GPU (cuBLAS, TF32 allowed, the
  same host <-> device copies), else ``-``; ``cublas_ms`` (JSON only): the same product on
  tensors already on the GPU, timed with CUDA events (the kernel alone);
* ``TFLOP/s`` for the matmul and convolution cases (FLOPs counted from the case's sizes).

The GPU machines this project can borrow have no MLIR wheels and little room for files, so
this is how aic's CUDA target is checked on a real GPU (``docs/cuda.md``).
"""

from __future__ import annotations

import argparse
import ctypes
import fnmatch
import json
import os
import statistics
import sys
import time

import numpy as np

# name -> (module, function, kwargs, FLOPs or 0[, extra passes]). The generators are seeded:
# ``run`` rebuilds the very model that ``build`` compiled. The ``_mma_sync`` cases keep sm_90's
# large matmuls on the mma.sync kernel (the others get the warpgroup kernel there) so that one
# run compares the two.
SYNC = {"before:gpu": "aic-hw-lower-mma{warpgroup=false}"}
CASES = {
    "matmul_1024_constB": ("kernels", "matmul", {"m": 1024, "k": 1024, "n": 1024,
                                                 "constant_b": True}, 2 * 1024 ** 3),
    "matmul_2048": ("kernels", "matmul", {"m": 2048, "k": 2048, "n": 2048,
                                          "constant_b": False}, 2 * 2048 ** 3),
    "matmul_4096": ("kernels", "matmul", {"m": 4096, "k": 4096, "n": 4096,
                                          "constant_b": False}, 2 * 4096 ** 3),
    "matmul_2048_mma_sync": ("kernels", "matmul", {"m": 2048, "k": 2048, "n": 2048,
                                                   "constant_b": False}, 2 * 2048 ** 3, SYNC),
    "conv3x3_64to64_56": ("kernels", "conv", {"cin": 64, "cout": 64, "side": 56, "k": 3},
                          2 * 64 * 64 * 9 * 56 * 56),
    "conv3x3_256to256_56": ("kernels", "conv", {"cin": 256, "cout": 256, "side": 56, "k": 3},
                            2 * 256 * 256 * 9 * 56 * 56),
    "conv3x3_256to256_56_mma_sync": ("kernels", "conv", {"cin": 256, "cout": 256, "side": 56,
                                                         "k": 3}, 2 * 256 * 256 * 9 * 56 * 56,
                                     SYNC),
    "softmax_12x197x197": ("kernels", "softmax", {"shape": [12, 197, 197]}, 0),
    "layernorm_128x768": ("kernels", "layer_norm", {"rows": 128, "d": 768}, 0),
    "resnet18_224": ("models", "resnet", {"depth": 18, "image": 224}, 0),
    "mobilenetv2_224": ("models", "mobilenet_v2", {"image": 224}, 0),
    "bert_d256_2layers_seq128": ("models", "bert", {"layers": 2, "seq": 128, "d": 256,
                                                    "heads": 4, "ffn": 1024}, 0),
    "gpt2_d256_2layers_seq128": ("models", "gpt2", {"layers": 2, "seq": 128, "d": 256,
                                                    "heads": 4}, 0),
    "vit_d256_1layer_197tok": ("models", "vit", {"layers": 1, "image": 224, "d": 256,
                                                 "heads": 4}, 0),
    "unet_base16_128": ("models", "unet", {"image": 128, "base": 16}, 0),
    "lstm_1x256_seq32": ("models", "lstm", {"layers": 1, "seq": 32, "features": 128,
                                            "hidden": 256}, 0),
}

DTYPES = {1: np.float32, 2: np.uint8, 3: np.int8, 6: np.int32, 7: np.int64, 9: np.bool_,
          10: np.float16, 11: np.float64}
COLUMNS = "{:<26} {:>9} {:>9} {:>9} {:>9} {:>8} {:>9}"


def make_model(name: str):
    module, function, kwargs = CASES[name][:3]
    if module == "kernels":
        from benchmarks import kernels as source
    else:
        from benchmarks import models as source
    return getattr(source, function)(**kwargs)


def chosen(only: str | None) -> list[str]:
    return [n for n in CASES if not only or any(fnmatch.fnmatch(n, g) for g in only.split(","))]


def build(directory: str, arch: str, only: str | None) -> int:
    import tempfile

    import onnx
    from aic.compiler.emit import emit

    os.makedirs(directory, exist_ok=True)
    manifest = {"gpu_arch": arch, "cases": {}}
    for name in chosen(only):
        start = time.perf_counter()
        path = os.path.join(directory, f"{name}.so")
        try:
            with tempfile.TemporaryDirectory(prefix="aic-") as tmp:
                model = os.path.join(tmp, f"{name}.onnx")
                onnx.save(make_model(name), model)
                emit(model, "lib", path, target="cuda", gpu_arch=arch, cache=False,
                     passes=CASES[name][4] if len(CASES[name]) > 4 else None)
        except Exception as e:  # noqa: BLE001 - report the case, build the others
            manifest["cases"][name] = {"error": f"{type(e).__name__}: {e}".splitlines()[0]}
            print(f"{name}: {manifest['cases'][name]['error']}")
            continue
        manifest["cases"][name] = {"library": f"{name}.so",
                                   "compile_s": round(time.perf_counter() - start, 2)}
        print(f"{name}: {os.path.getsize(path) / 1e6:.1f} MB, "
              f"{manifest['cases'][name]['compile_s']} s")
    with open(os.path.join(directory, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    return 0


class _Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("bytes", ctypes.c_size_t),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("rank", ctypes.c_int32),
                ("dtype", ctypes.c_int32)]


class Library:
    """A model library called through its C entry: numpy arrays in, numpy arrays out."""

    def __init__(self, path: str):
        self.lib = ctypes.CDLL(os.path.abspath(path))
        self.lib.aic_signature.restype = ctypes.c_char_p
        self.lib.aic_last_error.restype = ctypes.c_char_p
        self.signature = json.loads(self.lib.aic_signature().decode())
        self.outputs = [np.empty(o["shape"], DTYPES[o["dtype_code"]])
                        for o in self.signature["outputs"]]
        self._keep = []

    def _tensors(self, arrays) -> ctypes.Array:
        tensors = (_Tensor * len(arrays))()
        for t, a in zip(tensors, arrays):
            shape = (ctypes.c_int64 * max(a.ndim, 1))(*a.shape)
            self._keep.append(shape)
            code = next(c for c, d in DTYPES.items() if np.dtype(d) == a.dtype)
            t.data, t.bytes, t.shape, t.rank, t.dtype = (a.ctypes.data, a.nbytes, shape,
                                                         a.ndim, code)
        return tensors

    def bind(self, inputs: list[np.ndarray]):
        """A no-argument call that runs the model on ``inputs`` into ``self.outputs``."""
        ins, outs = self._tensors(inputs), self._tensors(self.outputs)

        def call():
            if self.lib.aic_run(ins, len(inputs), outs, len(self.outputs)) != 0:
                raise RuntimeError(self.lib.aic_last_error().decode())
        return call


def random_inputs(signature: dict) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    out = []
    for t in signature["inputs"]:
        dtype = DTYPES[t["dtype_code"]]
        if np.issubdtype(dtype, np.floating):
            out.append(rng.standard_normal(t["shape"]).astype(dtype))
        else:
            out.append(rng.integers(0, 2 if dtype == np.bool_ else 10, t["shape"]).astype(dtype))
    return out


def median_ms(call, runs: int) -> float:
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def _ort(model, feed: dict, runs: int, row: dict) -> list:
    """onnxruntime's outputs on the CPU (the reference); its CPU and CUDA times into ``row``."""
    import onnxruntime as ort

    cpu = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    reference = cpu.run(None, feed)
    row["cpu_ms"] = median_ms(lambda: cpu.run(None, feed), max(runs // 4, 3))
    row["ort_ms"] = None
    if "CUDAExecutionProvider" in ort.get_available_providers():
        gpu = ort.InferenceSession(model.SerializeToString(),
                                   providers=["CUDAExecutionProvider"])
        row["ort_ms"] = median_ms(lambda: gpu.run(None, feed), runs)
    return reference


def _torch_matmul(inputs: list[np.ndarray], model, runs: int, row: dict) -> None:
    """``torch_ms`` (host arrays in and out, as aic_run) and ``cublas_ms`` (device tensors,
    CUDA events) into ``row``, where PyTorch sees a GPU."""
    try:
        import torch
    except ImportError:
        return
    if not torch.cuda.is_available():
        return
    from onnx import numpy_helper

    torch.backends.cuda.matmul.allow_tf32 = True
    b = (numpy_helper.to_array(model.graph.initializer[0]) if model.graph.initializer
         else inputs[1])
    a_host, b_dev = torch.from_numpy(inputs[0].copy()), torch.from_numpy(b.copy()).cuda()

    def call():
        (a_host.cuda() @ b_dev).cpu()
    row["torch_ms"] = median_ms(call, runs)
    a_dev = a_host.cuda()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    times = []
    for _ in range(runs + 1):
        start.record()
        a_dev @ b_dev
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    row["cublas_ms"] = statistics.median(times[1:])


def run_case(directory: str, name: str, entry: dict, runs: int) -> dict:
    row = {"name": name}
    if "error" in entry:
        row["error"] = "build: " + entry["error"]
        return row
    try:
        lib = Library(os.path.join(directory, entry["library"]))
        inputs = random_inputs(lib.signature)
        call = lib.bind(inputs)
        call()
        ours = [o.copy() for o in lib.outputs]
        row["aic_ms"] = median_ms(call, runs)
        model = make_model(name)
        feed = {t["name"]: a for t, a in zip(lib.signature["inputs"], inputs)}
        reference = _ort(model, feed, runs, row)
        row["rel_err"] = max(float(np.max(np.abs(a.astype(np.float64) - r)) /
                                   max(float(np.max(np.abs(r))), 1e-30))
                             for a, r in zip(ours, reference))
        flops = CASES[name][3]
        if flops:
            row["tflops"] = flops / row["aic_ms"] / 1e9
        if name.startswith("matmul"):
            _torch_matmul(inputs, model, runs, row)
    except Exception as e:  # noqa: BLE001 - one failing case must not end the run
        row["error"] = f"{type(e).__name__}: {e}".splitlines()[0]
    return row


def _fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def run(directory: str, runs: int, json_out: str | None, only: str | None) -> int:
    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    print(f"prebuilt CUDA libraries for {manifest['gpu_arch']}, {runs} timed calls each")
    print(COLUMNS.format("case", "aic_ms", "ort_ms", "cpu_ms", "torch_ms", "TFLOP/s", "rel_err"))
    rows = []
    for name, entry in manifest["cases"].items():
        if only and not any(fnmatch.fnmatch(name, g) for g in only.split(",")):
            continue
        rows.append(run_case(directory, name, entry, runs))
        r = rows[-1]
        if "error" in r:
            print(f"{name:<26} error: {r['error']}")
        else:
            print(COLUMNS.format(name, *(_fmt(r.get(k), ".3f") for k in
                                         ("aic_ms", "ort_ms", "cpu_ms", "torch_ms")),
                                 _fmt(r.get("tflops"), ".2f"), _fmt(r.get("rel_err"), ".1e")))
        sys.stdout.flush()
    if json_out:
        with open(json_out, "w") as f:
            json.dump({"gpu_arch": manifest["gpu_arch"], "rows": rows}, f, indent=1)
    return 1 if any("error" in r for r in rows) else 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.cuda_prebuilt",
                                description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="compile the cases to CUDA libraries in DIR")
    b.add_argument("directory", metavar="DIR")
    b.add_argument("--gpu-arch", default="sm_90", help="the GPU's sm_XY (default sm_90)")
    b.add_argument("--only", metavar="GLOB,...")
    r = sub.add_parser("run", help="run the libraries in DIR on this machine's GPU")
    r.add_argument("directory", metavar="DIR")
    r.add_argument("--runs", type=int, default=20, help="timed calls per case (default 20)")
    r.add_argument("--json", metavar="OUT")
    r.add_argument("--only", metavar="GLOB,...")
    args = p.parse_args(argv)
    if args.command == "build":
        return build(args.directory, args.gpu_arch, args.only)
    return run(args.directory, args.runs, args.json, args.only)


if __name__ == "__main__":
    sys.exit(main())
