"""aic's buffer cache (aic.compiler.native.BUFFER_CACHE): the allocation functions of compiled
CPU code keep large freed blocks and hand them back, so a model's buffers are reused from one
call to the next instead of being mapped and faulted in again."""

import subprocess
import sys

import numpy as np
from onnx import TensorProto, helper

import aic
from aic.compiler.native import buffer_cache_library
from aic.runtime.library import load_library


_PROBE = """
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
alloc, free = lib._mlir_memref_to_llvm_alloc, lib._mlir_memref_to_llvm_free
alloc.restype, alloc.argtypes, free.argtypes = ctypes.c_void_p, [ctypes.c_size_t], [ctypes.c_void_p]
block = alloc(1 << 20); free(block)
again = alloc(1 << 20)               # the freed block comes back
other = alloc(1 << 20)               # it is taken: a new one
free(again); free(other)
big = alloc(8 << 20); free(big)
small = alloc(1 << 20)               # the 8 MiB block would be 7/8 wasted: not handed out
print(again == block, other not in (block, None), small != big, alloc(8 << 20) == big)
"""


def test_freed_large_blocks_are_reused_when_they_fit():
    """In a process of its own (the cache is process-wide): a freed 1 MiB block serves the
    next 1 MiB allocation, a freed 8 MiB block does not serve a 1 MiB one but the next 8 MiB."""
    out = subprocess.run([sys.executable, "-c", _PROBE, buffer_cache_library()],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True"] * 4, out


def _chain():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [512, 512])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [512, 512])
    nodes = [helper.make_node("Exp", ["x"], ["a"]), helper.make_node("Tanh", ["a"], ["b"]),
             helper.make_node("MatMul", ["b", "x"], ["c"]), helper.make_node("Relu", ["c"], ["y"])]
    return helper.make_model(helper.make_graph(nodes, "g", [x], [y]),
                             opset_imports=[helper.make_opsetid("", 17)])


def test_library_and_jit_allocate_through_the_cache(tmp_path):
    """Intermediate 1 MiB buffers: the library links the cache (its functions stay local) and
    gives the same numbers as the JIT, call after call."""
    model = _chain()
    x = np.random.RandomState(0).rand(512, 512).astype(np.float32)
    want = np.maximum(np.tanh(np.exp(x)) @ x, 0)
    jit = aic.compile(model)
    path = str(tmp_path / "chain.so")
    jit.save(path)
    lib = load_library(path)
    for _ in range(3):
        np.testing.assert_allclose(jit(x)[0], want, rtol=1e-4, atol=1e-3)
        np.testing.assert_allclose(lib(x)[0], want, rtol=1e-4, atol=1e-3)
    symbols = subprocess.run(["nm", "-D", "--defined-only", path], capture_output=True,
                             text=True, check=True).stdout
    assert "aic_run" in symbols and "_mlir_memref_to_llvm_alloc" not in symbols
