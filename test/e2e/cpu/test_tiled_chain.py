"""End to end on the CPU: linalg -> tiled -> hw -> scf, then upstream lowering and the JIT.

Each case builds a linalg-on-tensors function, runs aic's tiling chain (target cpu-avx512
preset, so tile choices do not depend on the machine), checks which levels the IR passed
through, lowers with ``aic.runtime.jit`` and compares with numpy.
"""

from __future__ import annotations

import numpy as np
import pytest

from aic.context import make_context
from aic.mlir_api import ir
from aic.pipeline import build_pass_manager
from aic.runtime.jit import run_mlir

CHAIN = ("aic-hw-set-target{target=cpu-avx512},aic-convert-linalg-to-tiled,aic-verify,"
         "aic-hw-verify-target,aic-convert-tiled-to-hw,aic-verify,aic-convert-hw-to-scf")
ID2 = "affine_map<(d0, d1) -> (d0, d1)>"
ROW = "affine_map<(d0, d1) -> (d1)>"


def matmul_bias_relu(m: int, k: int, n: int) -> str:
    t, a, b = f"tensor<{m}x{n}xf32>", f"tensor<{m}x{k}xf32>", f"tensor<{k}x{n}xf32>"
    return f"""
func.func @f(%a: {a}, %b: {b}, %bias: tensor<{n}xf32>) -> {t} {{
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : {t}
  %init = linalg.fill ins(%z : f32) outs(%e : {t}) -> {t}
  %mm = linalg.matmul ins(%a, %b : {a}, {b}) outs(%init : {t}) -> {t}
  %add = linalg.generic {{indexing_maps = [{ID2}, {ROW}, {ID2}], iterator_types = ["parallel", "parallel"]}} ins(%mm, %bias : {t}, tensor<{n}xf32>) outs(%e : {t}) {{
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  }} -> {t}
  %relu = linalg.generic {{indexing_maps = [{ID2}, {ID2}], iterator_types = ["parallel", "parallel"]}} ins(%add : {t}) outs(%e : {t}) {{
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %z : f32
    linalg.yield %r : f32
  }} -> {t}
  return %relu : {t}
}}"""


def batch_matmul(b: int, m: int, k: int, n: int) -> str:
    t, x, y = f"tensor<{b}x{m}x{n}xf32>", f"tensor<{b}x{m}x{k}xf32>", f"tensor<{b}x{k}x{n}xf32>"
    return f"""
func.func @f(%x: {x}, %y: {y}) -> {t} {{
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : {t}
  %init = linalg.fill ins(%z : f32) outs(%e : {t}) -> {t}
  %r = linalg.batch_matmul ins(%x, %y : {x}, {y}) outs(%init : {t}) -> {t}
  return %r : {t}
}}"""


def elementwise(m: int, n: int) -> str:
    t = f"tensor<{m}x{n}xf32>"
    return f"""
func.func @f(%x: {t}, %y: {t}) -> {t} {{
  %e = tensor.empty() : {t}
  %r = linalg.generic {{indexing_maps = [{ID2}, {ID2}, {ID2}], iterator_types = ["parallel", "parallel"]}} ins(%x, %y : {t}, {t}) outs(%e : {t}) {{
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.subf %p, %a : f32
    linalg.yield %s : f32
  }} -> {t}
  return %r : {t}
}}"""


def conv() -> str:
    x, w, t = "tensor<1x10x10x3xf32>", "tensor<3x3x3x4xf32>", "tensor<1x8x8x4xf32>"
    return f"""
func.func @f(%x: {x}, %w: {w}) -> {t} {{
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : {t}
  %init = linalg.fill ins(%z : f32) outs(%e : {t}) -> {t}
  %r = linalg.conv_2d_nhwc_hwcf ins(%x, %w : {x}, {w}) outs(%init : {t}) -> {t}
  return %r : {t}
}}"""


def compile_chain(text: str, pipeline: str = CHAIN) -> tuple[ir.Module, dict[str, str]]:
    """Run the chain one pass at a time; return the module and the IR after each level."""
    ctx = make_context()
    stages = {}
    with ctx, ir.Location.unknown():
        module = ir.Module.parse(text)
        for step in pipeline.split(",aic-"):
            step = step if step.startswith("aic-") else "aic-" + step
            build_pass_manager(f"builtin.module({step})", ctx).run(module.operation)
            stages[step.split("{")[0]] = str(module)
    return module, stages


def run(text: str, inputs: list[np.ndarray]) -> tuple[np.ndarray, dict[str, str]]:
    module, stages = compile_chain(text)
    return run_mlir(module, "f", inputs)[0], stages


def rand(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed + sum(shape)).standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("m,k,n", [(256, 128, 192), (100, 70, 45), (17, 33, 13)])
def test_matmul_bias_relu(m, k, n):
    a, b, bias = rand(m, k), rand(k, n, seed=1), rand(n, seed=2)
    out, stages = run(matmul_bias_relu(m, k, n), [a, b, bias])
    tiled = stages["aic-convert-linalg-to-tiled"]
    assert tiled.count('"tiled.kernel"') == 1 and 'kind = "matmul+generic+generic"' in tiled
    assert '"hw.parallel"' in stages["aic-convert-tiled-to-hw"]
    assert '"hw.microkernel"' in stages["aic-convert-tiled-to-hw"]
    assert "scf.forall" in stages["aic-convert-hw-to-scf"]
    np.testing.assert_allclose(out, np.maximum(a @ b + bias, 0), rtol=1e-4, atol=1e-4)


def test_matmul_bias_relu_64x64x32():
    pipeline = CHAIN.replace("aic-convert-linalg-to-tiled",
                             "aic-convert-linalg-to-tiled{tile-sizes=64,64,32}")
    module, stages = compile_chain(matmul_bias_relu(256, 128, 192), pipeline)
    assert "tile_sizes = array<i64: 64, 64, 32>" in stages["aic-convert-linalg-to-tiled"]
    a, b, bias = rand(256, 128), rand(128, 192, seed=1), rand(192, seed=2)
    out = run_mlir(module, "f", [a, b, bias])[0]
    np.testing.assert_allclose(out, np.maximum(a @ b + bias, 0), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("b,m,k,n", [(3, 64, 48, 80), (2, 31, 7, 9)])
def test_batch_matmul(b, m, k, n):
    x, y = rand(b, m, k), rand(b, k, n, seed=1)
    out, stages = run(batch_matmul(b, m, k, n), [x, y])
    assert '"tiled.kernel"' in stages["aic-convert-linalg-to-tiled"]
    np.testing.assert_allclose(out, x @ y, rtol=1e-4, atol=1e-4)


def test_elementwise():
    x, y = rand(40, 300), rand(40, 300, seed=1)
    out, stages = run(elementwise(40, 300), [x, y])
    assert 'iterators = ["parallel", "parallel"]' in stages["aic-convert-linalg-to-tiled"]
    np.testing.assert_allclose(out, x * y - x, rtol=1e-5, atol=1e-5)


def test_conv_stays_linalg():
    x, w = rand(1, 10, 10, 3), rand(3, 3, 3, 4, seed=1)
    out, stages = run(conv(), [x, w])
    assert '"tiled.kernel"' not in stages["aic-convert-linalg-to-tiled"]
    assert "linalg.conv_2d_nhwc_hwcf" in stages["aic-convert-hw-to-scf"]
    ref = np.zeros((1, 8, 8, 4), np.float32)
    for i in range(3):
        for j in range(3):
            ref += np.einsum("nhwc,cf->nhwf", x[:, i:i + 8, j:j + 8, :], w[i, j])
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-4)
