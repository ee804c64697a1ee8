"""End to end on the CPU: the vector code of `aic-hw-vectorize` (through aic-convert-hw-to-scf).

Each case runs the tiling chain (cpu-avx512 preset), checks that the tile really became vector
code (micro-kernels marked for the register-tile functions, vector reads, vector.reduction)
and compares the JIT result with numpy, on shapes
that exercise ragged register tiles, broadcasts, constants in bodies, i1 intermediates,
integer element types and each reduction combiner.
"""

from __future__ import annotations

import numpy as np
import pytest

from test_tiled_chain import batch_matmul, compile_chain, matmul_bias_relu, rand

from aic.runtime.jit import run_mlir

ID2 = "affine_map<(d0, d1) -> (d0, d1)>"
COL = "affine_map<(d0, d1) -> (d0)>"


def run(text, inputs):
    module, stages = compile_chain(text)
    return run_mlir(module, "f", inputs)[0], stages["aic-convert-hw-to-scf"]


@pytest.mark.parametrize("m,k,n", [(13, 7, 80), (64, 512, 96), (8, 3, 5), (64, 72, 196),
                                   (32, 40, 49)])
def test_matmul_register_tiles(m, k, n):
    a, b, bias = rand(m, k), rand(k, n, seed=1), rand(n, seed=2)
    out, scf = run(matmul_bias_relu(m, k, n), [a, b, bias])
    assert "aic.microkernel" in scf and "linalg.matmul" not in scf
    np.testing.assert_allclose(out, np.maximum(a @ b + bias, 0), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("m,k,n", [(13, 7, 80), (64, 600, 96), (32, 40, 49)])
def test_shared_register_tile_functions(m, k, n, monkeypatch):
    """The shared register-tile functions (what a module with many micro-kernels gets:
    dynamic strides, A's rows copied into the scratch, k in chunks of 512 past it) compute
    what the in-place tiles do."""
    from aic.compiler import stages
    from aic.runtime import jit

    monkeypatch.setattr(jit, "TO_LLVM", stages.TO_LLVM.replace(
        "aic-memref-lower-microkernels", "aic-memref-lower-microkernels{share-above=0}"))
    a, b, bias = rand(m, k), rand(k, n, seed=1), rand(n, seed=2)
    module, _ = compile_chain(matmul_bias_relu(m, k, n))
    with module.context:
        signature = jit.signature_of(module, "f")
        jit.lower_to_llvm(module, "f")
        assert "llvm.func internal @aic_microkernel_f32_" in str(module)
        out = jit.JitFunction(module, "f", signature)([a, b, bias])[0]
    np.testing.assert_allclose(out, np.maximum(a @ b + bias, 0), rtol=1e-4, atol=1e-4)


PACKED = """
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 16, d2, d1 mod 16)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @f(%a: memref<13x700xf32>, %p: memref<3x700x16xf32>, %c: memref<13x40xf32>) {
  linalg.generic {indexing_maps = [#a, #p, #c], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %p : memref<13x700xf32>, memref<3x700x16xf32>) outs(%c : memref<13x40xf32>) attrs = {aic.microkernel = 8 : i64} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  return
}"""


@pytest.mark.parametrize("share_above", [0, 96])
def test_register_tiles_past_the_scratch(share_above, monkeypatch):
    """k = 700 > SCRATCH_K: the shared function copies and computes A in two chunks, C read
    back between them; in place, one k loop. Ragged columns (40 of 3 panels of 16), 13 rows
    (groups of 6 and 7)."""
    from aic.compiler import stages
    from aic.runtime import jit

    monkeypatch.setattr(jit, "TO_LLVM", stages.TO_LLVM.replace(
        "aic-memref-lower-microkernels",
        f"aic-memref-lower-microkernels{{share-above={share_above}}}"))
    a, b, c = rand(13, 700), rand(700, 40, seed=1), rand(13, 40, seed=2)
    packed = np.zeros((3, 700, 16), np.float32)
    for j in range(3):
        packed[j, :, :min(16, 40 - 16 * j)] = b[:, 16 * j:16 * j + 16]
    out = c.copy()
    jit.run_mlir(PACKED, "f", [a, packed, out])
    np.testing.assert_allclose(out, c + a @ b, rtol=1e-4, atol=1e-3)


def test_batch_matmul_register_tiles():
    x, y = rand(2, 48, 40), rand(2, 40, 64, seed=1)
    out, scf = run(batch_matmul(2, 48, 40, 64), [x, y])
    np.testing.assert_allclose(out, x @ y, rtol=1e-4, atol=1e-4)


def clamp_select(m: int, n: int) -> str:
    t = f"tensor<{m}x{n}xf32>"
    return f"""
func.func @f(%x: {t}, %s: tensor<{m}xf32>) -> {t} {{
  %e = tensor.empty() : {t}
  %r = linalg.generic {{indexing_maps = [{ID2}, {COL}, {ID2}], iterator_types = ["parallel", "parallel"]}} ins(%x, %s : {t}, tensor<{m}xf32>) outs(%e : {t}) {{
  ^bb0(%a: f32, %b: f32, %o: f32):
    %half = arith.constant 0.5 : f32
    %d = arith.subf %a, %b : f32
    %c = arith.cmpf ogt, %d, %half : f32
    %x2 = arith.mulf %d, %d : f32
    %v = arith.select %c, %half, %x2 : f32
    linalg.yield %v : f32
  }} -> {t}
  return %r : {t}
}}"""


def test_elementwise_constant_select_broadcast():
    x, s = rand(24, 160), rand(24, seed=1)
    out, scf = run(clamp_select(24, 160), [x, s])
    assert "vector<16xi1>" in scf and "vector.broadcast" in scf
    d = x - s[:, None]
    np.testing.assert_allclose(out, np.where(d > 0.5, 0.5, d * d), rtol=1e-6, atol=1e-6)


def reduce_rows(m: int, n: int, element: str, body: str, init: str) -> str:
    t = f"tensor<{m}x{n}x{element}>"
    return f"""
func.func @f(%x: {t}) -> tensor<{m}x{element}> {{
  %i = arith.constant {init} : {element}
  %e = tensor.empty() : tensor<{m}x{element}>
  %f = linalg.fill ins(%i : {element}) outs(%e : tensor<{m}x{element}>) -> tensor<{m}x{element}>
  %r = linalg.generic {{indexing_maps = [{ID2}, {COL}], iterator_types = ["parallel", "reduction"]}} ins(%x : {t}) outs(%f : tensor<{m}x{element}>) {{
  ^bb0(%a: {element}, %o: {element}):
    {body}
  }} -> tensor<{m}x{element}>
  return %r : tensor<{m}x{element}>
}}"""


REDUCTIONS = {
    "sum_exp": ("f32", "%p = math.exp %a : f32\n    %s = arith.addf %p, %o : f32\n"
                "    linalg.yield %s : f32", "0.0", lambda x: np.exp(x).sum(1)),
    "max": ("f32", "%s = arith.maximumf %o, %a : f32\n    linalg.yield %s : f32",
            "0xFF800000", lambda x: x.max(1)),
    "min": ("f32", "%s = arith.minimumf %a, %o : f32\n    linalg.yield %s : f32",
            "0x7F800000", lambda x: x.min(1)),
    "sum_i32": ("i32", "%s = arith.addi %a, %o : i32\n    linalg.yield %s : i32", "0",
                lambda x: x.sum(1, dtype=np.int32)),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_row_reduction(name):
    element, body, init, ref = REDUCTIONS[name]
    x = rand(32, 192)
    if element == "i32":
        x = (x * 100).astype(np.int32)
    else:  # a NaN propagates to its row's result (and to no other row)
        x[3, 101] = np.nan
    out, scf = run(reduce_rows(32, 192, element, body, init), [x])
    # max and min: lanes combined by a butterfly of shuffles, the others by vector.reduction
    assert ("vector.shuffle" if name in ("max", "min") else "vector.reduction") in scf
    np.testing.assert_allclose(out, ref(x), rtol=1e-5, atol=1e-4)
    if element != "i32":
        assert np.isnan(out[3]) and not np.isnan(np.delete(out, 3)).any()


@pytest.mark.parametrize("m,k,n", [(13, 7, 80), (64, 512, 96), (37, 64, 200), (128, 96, 1000)])
def test_constant_weight_prepacked(m, k, n):
    """A constant B (a weight) is read from panels packed at compile time (ragged N: the last
    panel zero-padded), through the whole compiler, with the numbers of numpy."""
    import re

    import onnx
    from onnx import TensorProto, helper, numpy_helper

    import aic
    from aic.compiler.driver import CompileOptions, compile_module

    a, w = rand(m, k), rand(k, n, seed=1)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["a", "w"], ["y"])], "mm",
        [helper.make_tensor_value_info("a", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [m, n])],
        [numpy_helper.from_array(w, "w")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    hw = str(compile_module(model, CompileOptions("cpu-avx512", None, emit="hw")).module)
    assert re.search(rf"constant dense_resource<\w+> : tensor<\d+x{k}x(16|32)xf32>", hw)
    assert f"tensor<{k}x{n}xf32>" not in hw  # only the packed copy
    (out,) = aic.compile(model, "cpu-avx512", cache=False)(a)
    np.testing.assert_allclose(out, a @ w, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("m,k,n", [(768, 96, 100), (512, 64, 200)])
def test_runtime_b_packed_by_its_own_kernel(m, k, n):
    """A run-time B read by four or more row tiles is packed once per call by a kernel of its
    own (ragged N: the last panel zero-padded); the numbers are numpy's."""
    import aic
    from aic.compiler.driver import CompileOptions, compile_module
    from test_threads import _matmul

    a, b = rand(m, k), rand(k, n, seed=1)
    model = _matmul(m, k, n)
    hw = str(compile_module(model, CompileOptions("cpu-avx512", None, emit="hw")).module)
    assert f"x{k}x32xf32> to tensor<1x{k}x32xf32>" in hw  # the packing kernel's panel tile
    (out,) = aic.compile(model, "cpu-avx512", cache=False)(a, b)
    np.testing.assert_allclose(out, a @ b, rtol=1e-4, atol=1e-4)
