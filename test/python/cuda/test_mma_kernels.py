"""Tensor-core contraction kernels (issue 8, the `mma` side): ONNX models -> CUDA `hw` ->
`aic-hw-lower-mma` -> PTX with `mma.sync`, `ptxas -v` without spills, and the kernels run in
CPU emulation (``mma_lib.emulate``) against numpy.

No GPU is needed. The glue below (stage pipelines up to `tiled` with a CUDA target, then
tiled -> hw -> gpu) stands in for the CUDA stage table until it exists.

TF32 tolerance: the kernels round each input to 10 mantissa bits (``cvt.rna``: at most 2^-11
relative), so a product is within 2^-10 relative and ``|C - A @ B| <= 2^-10 * (|A| @ |B|)``
elementwise, plus f32 accumulation's ~K * 2^-24 (2^-13 allowed). Against numpy on the
TF32-rounded inputs the kernel must agree to f32 accumulation error (1e-5 relative to
``|A| @ |B|``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import aic
import numpy as np
import onnx
import pytest
from aic.compiler.stages import cpu_table
from aic.dialects.graph.constants import holder_array
from aic.mlir_api import gpu, ir
from aic.passes.hw.mma_lib.emulate import (EmulationError, mma_reference, run_kernel,
                                           tf32_bits, tf32_round)
from aic.pipeline import run_pipeline_on
from aic.verify import defining_op, walk
from onnx import TensorProto, helper, numpy_helper

TF32_BOUND = 2.0 ** -10 + 2.0 ** -13
PTX = {"sm_80": "cubin-chip=sm_80 cubin-features=+ptx76", "sm_90": "cubin-chip=sm_90a "
       "cubin-features=+ptx80"}


def matmul_model(m=1024, k=1024, n=1024, dtype=np.float32) -> onnx.ModelProto:
    """``x @ w`` with a seeded constant ``w`` (f16: the graph lowering accumulates in f32 and
    rounds in a kernel after)."""
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(rng.standard_normal((k, n)).astype(dtype), "w")
    elem = helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
    g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "mm",
                          [helper.make_tensor_value_info("x", elem, [m, k])],
                          [helper.make_tensor_value_info("y", elem, [m, n])], [w])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def conv_model(c=16, f=32, hw=32, k=3, stride=1, pad=1, dilation=1) -> onnx.ModelProto:
    """k x k conv + bias + relu: the bias and relu are the GEMM's fused epilogue."""
    rng = np.random.default_rng(1)
    inits = [numpy_helper.from_array(rng.standard_normal((f, c, k, k)).astype(np.float32), "w"),
             numpy_helper.from_array(rng.standard_normal((f,)).astype(np.float32), "b")]
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["z"], pads=[pad] * 4,
                              kernel_shape=[k, k], strides=[stride] * 2,
                              dilations=[dilation] * 2),
             helper.make_node("Relu", ["z"], ["y"])]
    out = conv_out(hw, k, stride, pad, dilation)
    g = helper.make_graph(nodes, "conv",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, c, hw, hw])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                                         [1, f, out, out])],
                          inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def conv_out(hw: int, k: int, stride: int, pad: int, dilation: int) -> int:
    return (hw + 2 * pad - dilation * (k - 1) - 1) // stride + 1


def batched_model(b=4, m=128, k=64, n=96) -> onnx.ModelProto:
    """A batched MatMul of two inputs (attention-style): linalg.batch_matmul."""
    g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "bmm",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [b, m, k]),
                           helper.make_tensor_value_info("w", TensorProto.FLOAT, [b, k, n])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [b, m, n])])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def to_gpu(model, ctx, target="cuda-sm80", precision="tf32") -> ir.Module:
    module = aic.import_onnx(model, context=ctx)
    table = cpu_table(target)
    for level in ("graph", "linalg", "tiled"):
        run_pipeline_on(table.stage(level).pipeline, module.operation, ctx)
    run_pipeline_on(f"aic-convert-tiled-to-hw{{gpu-precision={precision}}},aic-hw-lower-mma",
                    module.operation, ctx)
    return module


def kernels(module) -> list:
    return [op for op in module.body.operations if op.operation.name == "gpu.module"]


def ptx_of(module, ctx, arch: str) -> str:
    text = "\n".join(str(k) for k in kernels(module))
    only = ir.Module.parse(f"module attributes {{gpu.container_module}} {{\n{text}\n}}", ctx)
    run_pipeline_on(f"gpu-lower-to-nvvm-pipeline{{{PTX[arch]} cubin-format=isa}}",
                    only.operation, ctx)
    binary = next(op for op in only.body.operations if op.operation.name == "gpu.binary")
    obj = gpu.ObjectAttr(ir.ArrayAttr(binary.attributes["objects"])[0]).object
    return obj.decode() if isinstance(obj, bytes) else obj


@pytest.fixture(scope="module")
def matmul_1024(ctx):
    return to_gpu(matmul_model(), ctx)


@pytest.fixture(scope="module")
def conv_3x3(ctx):
    return to_gpu(conv_model(), ctx)


@pytest.fixture(scope="module")
def batched(ctx):
    return to_gpu(batched_model(), ctx)


def test_matmul_1024_gives_tensor_core_ptx(matmul_1024, ctx):
    assert len(kernels(matmul_1024)) == 1
    ptx = ptx_of(matmul_1024, ctx, "sm_80")
    assert "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32" in ptx
    assert re.search(r"cp\.async\.cg\.shared\.global\s.*16, 16;", ptx)
    assert re.search(r"cp\.async\.wait_group\s+1;", ptx) and re.search(r"bar\.sync\s+0;", ptx)
    assert "cvt.rna.tf32.f32" in ptx  # fragments rounded to TF32, not truncated


def test_tf32_rounding_is_ptxs_cvt_rna():
    """The emulation's ``cvt.rna.tf32.f32``: to nearest on 10 mantissa bits, ties away from
    zero; infinities kept, NaN canonical; values near the f32 maximum round to infinity."""
    x = np.array([1 + 2.0 ** -11, 1 + 2.0 ** -11 - 2.0 ** -23, -(1 + 3 * 2.0 ** -11), np.inf,
                  -np.inf, np.nan, np.finfo(np.float32).max, 0.0, -0.0], np.float32)
    want = np.array([1 + 2.0 ** -10, 1.0, -(1 + 2 * 2.0 ** -10), np.inf, -np.inf, np.nan,
                     np.inf, 0.0, -0.0], np.float32)
    got = tf32_round(x)
    assert np.array_equal(got, want, equal_nan=True)
    assert np.array_equal(np.signbit(got), np.signbit(want))
    assert tf32_bits(np.float32(np.nan)) == 0x7FFFFFFF


def test_conv_3x3_gives_tensor_core_ptx(conv_3x3, ctx):
    assert len(kernels(conv_3x3)) == 1  # the implicit GEMM; no patch copy is left
    ptx = ptx_of(conv_3x3, ctx, "sm_80")
    assert "mma.sync.aligned.m16n8k8" in ptx
    assert re.search(r"max(\.NaN)?\.f32", ptx)  # the relu, fused
    # B gathered from the image: 4-byte copies whose source size is 0 in the padding
    assert re.search(r"cp\.async\.ca\.shared\.global\s.*4, %r\d+;", ptx)


def test_f16_matmul_runs_on_f16_tensor_cores(ctx):
    """An f16 model's matmul (f16 inputs, the f32 accumulator of the graph lowering) is an
    m16n8k16 kernel storing f32 (the rounding to f16 is the next kernel's); emulated against
    numpy's f16-input, f32-accumulated product."""
    model = matmul_model(256, 64, 256, np.float16)
    module = to_gpu(model, ctx)
    assert len(kernels(module)) == 1
    func = kernels(module)[0].regions[0].blocks[0].operations[0]
    args = [str(a.type) for a in func.regions[0].blocks[0].arguments[:3]]
    assert args == ["memref<256x64xf16>", "memref<64x256xf16>", "memref<256x256xf32>"]
    assert "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32" in ptx_of(module, ctx, "sm_80")
    w = numpy_helper.to_array(model.graph.initializer[0])
    x = np.random.default_rng(8).standard_normal((256, 64)).astype(np.float16)
    out = emulate(module, [x, w], (256, 256))
    scale = np.abs(x).astype(np.float64) @ np.abs(w).astype(np.float64)
    assert np.all(np.abs(out - mma_reference(x, w, "f16")) <= 1e-5 * scale)


def two_input_matmul_model(m, k, n) -> onnx.ModelProto:
    g = helper.make_graph([helper.make_node("MatMul", ["x", "w"], ["y"])], "mm2",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [m, k]),
                           helper.make_tensor_value_info("w", TensorProto.FLOAT, [k, n])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def test_constant_operands_are_rounded_at_compile_time(ctx):
    """A constant B (a weight) reaches the kernel rounded to TF32 already (``cvt.rna``'s
    rounding, by numpy at compile time): the kernel rounds A's fragments only, half the
    ``cvt`` of a matmul whose B is a run-time input."""
    model = matmul_model(256, 64, 256)
    w = numpy_helper.to_array(model.graph.initializer[0])
    module = to_gpu(model, ctx)
    constants = host_constants(module)
    assert list(constants) == [1]
    assert np.array_equal(constants[1].view(np.uint32), tf32_bits(w))
    runtime = to_gpu(two_input_matmul_model(256, 64, 256), ctx)
    assert host_constants(runtime) == {}
    cvt = [str(kernels(m)[0]).count("nvvm.convert.float.to.tf32") for m in (module, runtime)]
    assert 0 < cvt[0] < cvt[1]
    x = np.random.default_rng(9).standard_normal((256, 64)).astype(np.float32)
    check_tf32(emulate(module, [x, w], (256, 256)), x, w)


def test_full_f32_precision_keeps_plain_kernels(ctx):
    module = to_gpu(matmul_model(64, 64, 64), ctx, precision="f32")
    assert kernels(module) == []


@pytest.mark.skipif(shutil.which("ptxas") is None, reason="needs ptxas (CUDA toolkit or the "
                    "nvidia-cuda-nvcc wheel) on PATH")
@pytest.mark.parametrize("arch", ["sm_80", "sm_90"])
@pytest.mark.parametrize("which", ["matmul_1024", "conv_3x3", "batched"])
def test_ptxas_accepts_without_spills(which, arch, request, ctx, tmp_path):
    ptx = tmp_path / "k.ptx"
    ptx.write_text(ptx_of(request.getfixturevalue(which), ctx, arch))
    chip = "sm_90a" if arch == "sm_90" else arch
    run = subprocess.run(["ptxas", "-v", f"-arch={chip}", str(ptx), "-o", str(tmp_path / "k")],
                         check=False,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    spills = re.findall(r"(\d+) bytes spill stores, (\d+) bytes spill loads", run.stderr)
    assert spills and all(s == ("0", "0") for s in spills), run.stderr


def host_constants(module) -> dict[int, np.ndarray]:
    """The arguments of the module's (first) kernel launch that the host code passes as
    constants -- constant A and B operands, rounded to TF32 at compile time (B transposed for
    the warpgroup kernel) -- by position."""
    launch = next(op for op in walk(module.operation) if op.operation.name == "gpu.launch_func")
    func = kernels(module)[0].regions[0].blocks[0].operations[0]
    count = len(func.regions[0].blocks[0].arguments) - 2  # without the workgroup buffers
    found = {}
    for i, value in enumerate(list(launch.operation.operands)[-count:]):
        buffer = defining_op(value)
        const = defining_op(buffer.operands[0]) if buffer is not None \
            and buffer.name == "bufferization.to_buffer" else None
        if const is not None and const.name == "arith.constant":
            found[i] = holder_array(const, const.results[0].type)
    return found


def emulate(module, inputs: list[np.ndarray], shape) -> np.ndarray:
    """Run the module's one generated kernel on the CPU: inputs A, B, then the epilogue's,
    each zero-padded to the kernel's argument shape as the host code pads it (a matmul
    padded to whole tiles) -- A or B as the host code's constant where it is one; returns
    the ``shape`` corner of C."""
    func = kernels(module)[0].regions[0].blocks[0].operations[0]
    attrs = func.attributes
    grid = list(ir.DenseI32ArrayAttr(attrs["known_grid_size"]))
    threads = list(ir.DenseI32ArrayAttr(attrs["known_block_size"]))[0]
    shapes = [ir.MemRefType(a.type).shape for a in func.regions[0].blocks[0].arguments]
    constants = host_constants(module)
    inputs = [constants.get(i, x) for i, x in enumerate(inputs[:2])] + list(inputs[2:])
    args = [np.pad(x, [(0, s - d) for s, d in zip(want, x.shape)])
            for x, want in zip(inputs[:2], shapes)]
    args += [np.pad(x, [(0, s - d) for s, d in zip(want, x.shape)])
             for x, want in zip(inputs[2:], shapes[3:])]
    out = np.full(shapes[2], np.nan, np.float32)
    run_kernel(func, grid, threads, [args[0], args[1], out, *args[2:]])
    return out[tuple(slice(0, d) for d in shape)]


def check_tf32(c, a, b):
    scale = np.abs(a).astype(np.float64) @ np.abs(b).astype(np.float64)
    exact = a.astype(np.float64) @ b.astype(np.float64)
    assert np.all(np.abs(c - exact) <= TF32_BOUND * scale)
    assert np.all(np.abs(c - mma_reference(a, b)) <= 1e-5 * scale)


def test_emulated_matmul_1024_matches_numpy(matmul_1024):
    model = matmul_model()
    w = numpy_helper.to_array(model.graph.initializer[0])
    x = np.random.default_rng(2).standard_normal((1024, 1024)).astype(np.float32)
    check_tf32(emulate(matmul_1024, [x, w], (1024, 1024)), x, w)


def im2col(x: np.ndarray, k=3, stride=1, pad=1, dilation=1) -> np.ndarray:
    c, h = x.shape[1:3]
    out = conv_out(h, k, stride, pad, dilation)
    padded = np.pad(x[0], ((0, 0), (pad, pad), (pad, pad)))
    span = stride * (out - 1) + 1
    cols = [padded[:, kh * dilation:kh * dilation + span:stride,
                   kw * dilation:kw * dilation + span:stride]
            for kh in range(k) for kw in range(k)]
    return np.stack(cols, 1).reshape(c * k * k, out * out)


def test_conv_3x3_reads_the_image(conv_3x3):
    """Implicit GEMM: the patch copy is gone and the kernel's B is the image itself,
    gathered by 4-byte cp.async (zero bytes read in the padding)."""
    ops = [op.operation.name for op in conv_3x3.body.operations]
    assert ops == ["func.func", "gpu.module"]
    assert "hw.parallel" not in str(conv_3x3)
    func = kernels(conv_3x3)[0].regions[0].blocks[0].operations[0]
    assert str(func.regions[0].blocks[0].arguments[1].type) == "memref<1x16x32x32xf32>"
    text = str(func)
    assert text.count(", 1, %") >= 1 and "arith.cmpi slt" in text


# (channels, filters, image, kernel, stride, pad, dilation): the 3x3 same conv, a strided
# 3x3, a dilated 3x3, a 1x1 stride-2 downsample, an unpadded 5x5, and a 3x3 whose patch copy
# is tiled in row bands (it read a padded copy of the image; the kernel reads through the pad)
CONVS = {"3x3": (16, 32, 32, 3, 1, 1, 1), "3x3_s2": (16, 64, 32, 3, 2, 1, 1),
         "3x3_d2": (8, 32, 20, 3, 1, 2, 2), "1x1_s2": (32, 64, 32, 1, 2, 0, 1),
         "5x5_nopad": (8, 16, 20, 5, 1, 0, 1), "3x3_bands": (16, 32, 112, 3, 1, 1, 1),
         # padded to whole tiles: N = 196 -> 224, N = 49 -> 56, K = 147 -> 152, M = 24 -> 32
         "3x3_14": (32, 64, 14, 3, 1, 1, 1), "3x3_7": (32, 64, 7, 3, 1, 1, 1),
         "stem_7x7_s2": (3, 64, 64, 7, 2, 3, 1), "24_filters": (8, 24, 16, 3, 1, 1, 1)}


def test_every_resnet18_conv_runs_on_tensor_cores(ctx):
    """ResNet-18 at 112 px: 20 convs, 20 tensor-core launches (the 14x14 and 7x7 maps and the
    stem padded to whole tiles), each reading its image (no patch copy left); repeated layers
    share kernels."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from benchmarks import models as bm
    module = to_gpu(bm.resnet(depth=18, image=112, classes=10), ctx)
    text = str(module)
    assert text.count("gpu.launch_func") == 20 and "aic.im2col" not in text
    assert len(kernels(module)) < 20


@pytest.mark.parametrize("case", list(CONVS))
def test_emulated_conv_matches_numpy(case, conv_3x3, ctx):
    c, f, hw, k, stride, pad, dilation = CONVS[case]
    model = conv_model(c, f, hw, k, stride, pad, dilation)
    module = conv_3x3 if case == "3x3" else to_gpu(model, ctx)
    assert len(kernels(module)) == 1 and "hw.parallel" not in str(module)
    func = kernels(module)[0].regions[0].blocks[0].operations[0]
    image = func.regions[0].blocks[0].arguments[1].type
    assert ir.MemRefType(image).shape == [1, c, hw, hw]  # B: the image, neither copied nor padded
    check_conv(module, model, CONVS[case])


def check_conv(module, model, case) -> None:
    """The emulated conv + bias + relu kernel of ``module`` against numpy, within TF32."""
    c, f, hw, k, stride, pad, dilation = case
    w, bias = (numpy_helper.to_array(t) for t in model.graph.initializer)
    x = np.random.default_rng(3).standard_normal((1, c, hw, hw)).astype(np.float32)
    a, b = w.reshape(f, -1), im2col(x, k, stride, pad, dilation)
    out = emulate(module, [a, x, bias], (f, b.shape[1]))
    exact = a.astype(np.float64) @ b + bias[:, None]
    scale = np.abs(a).astype(np.float64) @ np.abs(b)
    assert np.all(np.abs(out - np.maximum(exact, 0)) <= TF32_BOUND * scale + 1e-6)


def test_batched_matmul_runs_on_tensor_cores(batched, ctx):
    module = batched
    assert "mma.sync.aligned.m16n8k8" in ptx_of(module, ctx, "sm_80")
    rng = np.random.default_rng(7)
    x, w = (rng.standard_normal(s).astype(np.float32) for s in ((4, 128, 64), (4, 64, 96)))
    out = emulate(module, [x, w], (4, 128, 96))
    for i in range(4):
        check_tf32(out[i], x[i], w[i])


def _without(module, ctx, pattern: str) -> ir.Module:
    text = "\n".join(line for line in str(module).splitlines() if not re.search(pattern, line))
    return ir.Module.parse(text, ctx)


@pytest.mark.parametrize("pattern,error", [
    (r"^\s*gpu\.barrier$", "race"),  # no barrier phases: a thread reads another's copies
    (r"nvgpu.device_async_wait", None),  # no wait: the copies never land -> wrong numbers
])
def test_emulation_catches_a_broken_kernel(ctx, pattern, error):
    module = to_gpu(two_input_matmul_model(64, 64, 64), ctx)
    x, w = (np.random.default_rng(i).standard_normal((64, 64)).astype(np.float32)
            for i in (4, 5))
    assert np.allclose(emulate(module, [x, w], (64, 64)), mma_reference(x, w), atol=1e-4)
    broken = _without(module, ctx, pattern)
    if error:
        with pytest.raises(EmulationError, match=error):
            emulate(broken, [x, w], (64, 64))
    else:
        assert not np.allclose(emulate(broken, [x, w], (64, 64)), mma_reference(x, w),
                               atol=1e-2)


def run_hw_on_cpu(model, ctx, tmp_path, precision="tf32"):
    """The CUDA `hw` program with ``aic-hw-emulate-mma``, run by the CPU path (blocks, warps
    made sequential loops): the stand-in for the CUDA emulation pipeline."""
    module = aic.import_onnx(model, context=ctx)
    table = cpu_table("cuda-sm80")
    for level in ("graph", "linalg", "tiled"):
        run_pipeline_on(table.stage(level).pipeline, module.operation, ctx)
    run_pipeline_on(f"aic-convert-tiled-to-hw{{gpu-precision={precision}}},aic-hw-emulate-mma,"
                    "aic-hw-set-target{target=cpu-generic}", module.operation, ctx)
    path = tmp_path / "k.hw.mlir"
    path.write_text(re.sub(r'"(block|thread)_[xyz]"', '"sequential"', str(module)))
    return aic.compile(str(path), from_level="hw", cache=False)


@pytest.mark.parametrize("precision", ["tf32", "f32"])
def test_hw_level_emulation_has_the_tensor_core_numerics(ctx, tmp_path, precision):
    model = matmul_model(128, 64, 96)
    w = numpy_helper.to_array(model.graph.initializer[0])
    x = np.random.default_rng(6).standard_normal((128, 64)).astype(np.float32)
    y = np.asarray(run_hw_on_cpu(model, ctx, tmp_path, precision)(x))
    y = y.reshape(128, 96)
    scale = np.abs(x).astype(np.float64) @ np.abs(w)
    want = mma_reference(x, w) if precision == "tf32" else x @ w
    assert np.all(np.abs(y - want) <= 1e-5 * scale)
    if precision == "tf32":  # visibly not plain f32
        assert np.abs(y - x @ w).max() > 1e-4
