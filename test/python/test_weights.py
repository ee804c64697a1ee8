"""Weights out of the module (aic.compiler.weights): constants of 4 KiB or more never reach
LLVM IR text; the library and the JIT still compute the model; dumps elide them unless kept;
the weights object is deterministic."""

import subprocess

import aic
import numpy as np
import onnx
import pytest
from aic.compiler import weights
from aic.compiler.emit import emit
from aic.context import make_context
from aic.mlir_api import ir, tool_path
from aic.testing import models

X = np.random.default_rng(0).standard_normal((4, 64)).astype(np.float32)


@pytest.fixture(scope="module")
def mlp(tmp_path_factory):
    path = tmp_path_factory.mktemp("weights") / "mlp.onnx"
    model = models.mlp()
    onnx.save(model, str(path))
    arrays = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    return str(path), arrays


def _reference(arrays, x):
    """The mlp with numpy: (MatMul + Add, Relu) x 2, MatMul + Add, softmax."""
    names = list(arrays)
    for i in range(0, len(names), 2):
        x = x @ arrays[names[i]] + arrays[names[i + 1]]
        if i + 2 < len(names):
            x = np.maximum(x, 0)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _big(arrays):
    return [a for a in arrays.values() if a.nbytes >= weights.THRESHOLD]


def _read(path: str) -> str:
    with open(path) as f:
        return f.read()


def _float_literals(array, count=8):
    """How LLVM IR prints the first ``count`` values of ``array`` (``float 0x3F...``)."""
    return [f"0x{np.float64(v).view(np.uint64):016X}" for v in array.reshape(-1)[:count]]


def test_llvm_ir_and_asm_hold_no_weight_values(mlp, tmp_path):
    path, arrays = mlp
    assert len(_big(arrays)) == 3  # the three MatMul weights (32, 64 and 5 KiB)
    llvm_ir = _read(emit(path, "llvmir", str(tmp_path / "m.ll"), cache=False))
    asm = _read(emit(path, "asm", str(tmp_path / "m.s"), cache=False))
    assert llvm_ir.count("= external constant [") == 3
    for array in _big(arrays):
        for literal in _float_literals(array):
            assert literal not in llvm_ir
    assert ".incbin" not in asm and ".rodata.aic_weights" not in asm
    assert len(asm) < 200_000  # the code only: the weights alone are 101 KiB as bytes


def test_library_and_jit_compute_the_model(mlp, tmp_path):
    path, arrays = mlp
    expected = _reference(arrays, X)
    # (the JIT first: it loads the wheel's libomp, which the library then shares; a library's
    # own libomp.so copy loaded first makes the JIT's a second OpenMP runtime, which aborts)
    jit = aic.compile(path, cache=False)
    library = aic.load(emit(path, "lib", str(tmp_path / "m.so"), cache=False))
    np.testing.assert_allclose(library(X)[0], expected, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(jit(X)[0], expected, rtol=1e-4, atol=1e-6)
    saved = aic.load(jit.save(str(tmp_path / "saved.so")))
    np.testing.assert_allclose(saved(X)[0], expected, rtol=1e-4, atol=1e-6)


def test_the_weights_are_in_an_aligned_read_only_section(mlp, tmp_path):
    path, arrays = mlp
    lib = emit(path, "lib", str(tmp_path / "m.so"), cache=False)
    sections = subprocess.run([tool_path("llvm-readelf"), "-SW", lib], capture_output=True,
                              text=True, check=True).stdout
    rodata = next(line for line in sections.splitlines() if " .rodata " in line).split()
    assert "A" in rodata and "W" not in rodata[-4]  # allocated, not writable
    assert int(rodata[-1]) % 64 == 0
    assert int(rodata[rodata.index("PROGBITS") + 3], 16) >= sum(a.nbytes for a in _big(arrays))


def test_the_jit_binds_the_imported_arrays(mlp):
    """One copy at run time: the JIT's weight symbols point at the arrays the module's blobs
    hold (64-byte aligned, as the code may assume), kept alive by the model. The MatMul
    weights are bound as the micro-kernel's packed panels (aic-convert-tiled-to-hw packs
    constant B operands at compile time): each holds one imported array's values, permuted,
    plus zero padding up to a whole panel."""
    path, arrays = mlp
    model = aic.compile(path, cache=False)
    assert len(model.weights) == 3
    for w in model.weights:
        assert w.address % 64 == 0

    def values(data, dtype):
        flat = np.frombuffer(np.ascontiguousarray(data).tobytes(), dtype)
        return np.sort(flat[flat != 0])

    imported = [values(a, a.dtype) for a in _big(arrays)]
    for w in model.weights:
        assert any(np.array_equal(values(w.data, a.dtype), v)
                   for a, v in zip(_big(arrays), imported)), w


def test_the_weights_object_is_deterministic(tmp_path):
    ws = [weights.Weight("b", np.arange(3000, dtype=np.float32)),
          weights.Weight("a", np.arange(1500, dtype=np.int64))]
    objects = []
    for run in ("1", "2"):
        folder = tmp_path / run
        folder.mkdir()
        weights.weights_object(ws, str(folder / "w.o"), str(folder))
        objects.append((folder / "w.o").read_bytes())
        assert sorted(p.name for p in folder.iterdir()) == ["w.o", "weights.s"]
    assert objects[0] == objects[1]
    symbols = subprocess.run([tool_path("llvm-nm"), str(tmp_path / "1" / "w.o")],
                             capture_output=True, text=True, check=True).stdout
    assert "R a" in symbols and "R b" in symbols


LLVM_MODULE = """
llvm.mlir.global private constant @big(dense<{big}> : tensor<2048xf32>) {{addr_space = 0 : i32, alignment = 64 : i64}} : !llvm.array<2048 x f32>
llvm.mlir.global private constant @small(dense<{small}> : tensor<16xf32>) {{addr_space = 0 : i32, alignment = 64 : i64}} : !llvm.array<16 x f32>
llvm.mlir.global private constant @splat(dense<1.5> : tensor<4096xf32>) {{addr_space = 0 : i32, alignment = 64 : i64}} : !llvm.array<4096 x f32>
llvm.mlir.global private constant @blob(dense_resource<blob> : tensor<1024xi32>) {{addr_space = 0 : i32, alignment = 64 : i64}} : !llvm.array<1024 x i32>
llvm.mlir.global private @mutable(dense<{big}> : tensor<2048xf32>) {{addr_space = 0 : i32, alignment = 64 : i64}} : !llvm.array<2048 x f32>
{{-#
  dialect_resources: {{ builtin: {{ blob: "0x04000000{blob}" }} }}
#-}}
"""


def test_externalize_takes_large_non_splat_constants_only():
    """Dense and (text-parsed) dense_resource constants of >= 4 KiB leave the module; small
    ones, splats and mutable globals stay."""
    big = np.linspace(-1, 1, 2048, dtype=np.float32)
    blob = np.arange(1024, dtype=np.int32)
    text = LLVM_MODULE.format(big="[" + ", ".join(map(repr, big.tolist())) + "]",
                              small="[" + ", ".join(["2.0"] * 16) + "]",
                              blob=blob.tobytes().hex().upper())
    with make_context():
        module = ir.Module.parse(text)
        found = weights.externalize(module)
        printed = module.operation.get_asm()
    assert [w.name for w in found] == ["big", "blob"]
    np.testing.assert_array_equal(found[0].data, big)
    np.testing.assert_array_equal(found[1].data, blob)
    assert "llvm.mlir.global external constant @big()" in printed
    assert "llvm.mlir.global external constant @blob()" in printed
    assert "@small(dense<2.0" in printed and "@splat(dense<1.5" in printed
    assert "llvm.mlir.global private @mutable(dense<" in printed


def test_mlir_output_elides_weights_unless_kept(mlp, tmp_path):
    path, arrays = mlp
    elided = _read(emit(path, "graph", str(tmp_path / "e.mlir"), cache=False))
    kept = _read(emit(path, "graph", str(tmp_path / "k.mlir"), cache=False, keep_weights=True))
    hexes = [a.tobytes()[:64].hex().upper() for a in _big(arrays)]
    assert not any(h in elided for h in hexes)
    assert all(h in kept for h in hexes)
    assert len(elided) < 20_000 < len(kept)
