"""The C entry of a library with dynamic dims (issue 10), called as a C program would (ctypes,
no aic runtime): ``aic_signature`` reports -1 and the dim names; input dims are checked
(static ones, sizes >= 0, equal sizes for one name) before the model runs; output shapes are
written; a buffer too small is ``AIC_ERROR_BUFFER`` after the shapes are written; an output
passed as NULL/0 bytes comes back allocated by the library (``aic_free``)."""

import ctypes
import json
import shutil
import subprocess
from pathlib import Path

import aic
import numpy as np
import pytest
from test_c_abi import ARGUMENT, BUFFER, INPUT, OK, Tensor, tensor

INPUTS = Path(__file__).resolve().parents[1] / "tools" / "Inputs"
AIC_F32, AIC_I64 = 1, 7


def _open(path):
    lib = ctypes.CDLL(str(path))
    lib.aic_run.argtypes = [ctypes.POINTER(Tensor), ctypes.c_size_t, ctypes.POINTER(Tensor),
                            ctypes.c_size_t]
    lib.aic_last_error.restype = ctypes.c_char_p
    lib.aic_signature.restype = ctypes.c_char_p
    lib.aic_free.argtypes = [ctypes.c_void_p]
    return lib


@pytest.fixture(scope="module")
def libs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cdyn")
    return {name: _open(aic.compile(str(INPUTS / f"{name}.linalg.mlir"), cache=False)
                        .save(str(folder / f"{name}.so")))
            for name in ("dyn-concat", "dyn-gather", "dyn-colsum")}


def call(lib, ins, outs):
    """``aic_run``; what it wrote into the output array (data, bytes) is copied back to outs."""
    out_arr = (Tensor * len(outs))(*outs)
    rc = lib.aic_run((Tensor * len(ins))(*ins), len(ins), out_arr, len(outs))
    for o, written in zip(outs, out_arr):
        o.data, o.bytes = written.data, written.bytes
    return rc, lib.aic_last_error().decode()


def out(rows, cols=4, bytes_=None, data=True):
    """An output tensor: a buffer of rows x cols floats (or none: NULL, 0 bytes)."""
    array = np.zeros((rows, cols), np.float32)
    t = tensor(array, AIC_F32, [-7, -7])
    if not data:
        t.data, t.bytes = None, 0
    elif bytes_ is not None:
        t.bytes = bytes_
    return t


def concat_inputs(na=2, nb=3, nc=2):
    a, b, c = (np.arange(n * 4, dtype=np.float32).reshape(n, 4) + k * 100
               for k, n in enumerate((na, nb, nc)))
    return [tensor(x, AIC_F32) for x in (a, b, c)], (a, b, c)


def test_the_signature_reports_dynamic_dims_and_their_names(libs):
    meta = json.loads(libs["dyn-concat"].aic_signature())
    a, b, _ = meta["inputs"]
    assert (a["shape"], a["dim_names"]) == ([-1, 4], ["batch", ""])
    assert b["dim_names"] == ["other", ""]
    assert [o["shape"] for o in meta["outputs"]] == [[-1, 4]] * 3
    colsum = json.loads(libs["dyn-colsum"].aic_signature())
    assert "dim_names" not in colsum["outputs"][0]  # static


@pytest.mark.parametrize("sizes", [(2, 3, 2), (5, 1, 5)])
def test_outputs_are_copied_into_caller_buffers_and_their_shapes_written(libs, sizes):
    ins, (a, b, c) = concat_inputs(*sizes)
    outs = [out(20), out(20), out(20)]
    assert call(libs["dyn-concat"], ins, outs) == (OK, "")
    n = sizes[0] + sizes[1]
    assert list(outs[0].shape[:2]) == [n, 4] and list(outs[1].shape[:2]) == [sizes[0], 4]
    np.testing.assert_array_equal(outs[0]._keep[0].reshape(-1)[: n * 4],
                                  np.concatenate([a, b]).reshape(-1))
    for k in (1, 2):
        np.testing.assert_array_equal(outs[k]._keep[0].reshape(-1)[: sizes[0] * 4],
                                      (a + c).reshape(-1))


def test_a_small_buffer_is_refused_after_the_shapes_are_written(libs):
    ins, _ = concat_inputs(2, 3, 2)
    outs = [out(4), out(20), out(20)]
    assert call(libs["dyn-concat"], ins, outs) == (
        BUFFER, "output 'y' has a buffer of 64 bytes, needs 80")
    assert [list(o.shape[:2]) for o in outs] == [[5, 4], [2, 4], [2, 4]]
    assert not any(o._keep[0].any() for o in outs)  # nothing delivered


def test_null_outputs_receive_library_buffers(libs):
    ins, (a, b, c) = concat_inputs(3, 1, 3)
    outs = [out(0, data=False) for _ in range(3)]
    assert call(libs["dyn-concat"], ins, outs) == (OK, "")
    got = []
    for o in outs:
        n = o.shape[0] * o.shape[1]
        assert o.data and o.bytes == n * 4
        got.append(np.ctypeslib.as_array(ctypes.cast(o.data, ctypes.POINTER(ctypes.c_float)),
                                         (n,)).reshape(o.shape[0], 4).copy())
    assert outs[1].data != outs[2].data  # one returned buffer, two outputs
    for o in outs:
        libs["dyn-concat"].aic_free(o.data)
    np.testing.assert_array_equal(got[0], np.concatenate([a, b]))
    np.testing.assert_array_equal(got[2], a + c)


@pytest.mark.parametrize("change, message", [
    (lambda ins: ins[2].shape.__setitem__(0, 3),
     "input 'c' has size 3 in dim 0 ('batch'), but input 'a' has 2 in dim 0 ('batch')"),
    (lambda ins: ins[1].shape.__setitem__(1, 5), "input 'b' has size 5 in dim 1, expected 4"),
    (lambda ins: ins[0].shape.__setitem__(0, -1), "input 'a' has size -1 in dim 0"),
    (lambda ins: setattr(ins[1], "rank", 1), "input 'b' has rank 1, expected 2"),
])
def test_wrong_input_shapes_are_argument_errors(libs, change, message):
    ins, _ = concat_inputs(2, 3, 2)
    change(ins)
    outs = [out(20), out(20), out(20)]
    assert call(libs["dyn-concat"], ins, outs) == (ARGUMENT, message)
    assert not any(o._keep[0].any() for o in outs)


def test_an_input_buffer_is_checked_against_its_own_shape(libs):
    ins, _ = concat_inputs(2, 3, 2)
    ins[1].bytes = 3 * 4 * 4 - 1
    assert call(libs["dyn-concat"], ins, [out(20)] * 3) == (
        BUFFER, "input 'b' has a buffer of 47 bytes, needs 48")


def test_a_null_output_with_bytes_is_refused(libs):
    ins, _ = concat_inputs()
    outs = [out(20), out(20), out(20)]
    outs[0].data = None
    assert call(libs["dyn-concat"], ins, outs) == (
        ARGUMENT, "output 'y' has a NULL data pointer and 320 bytes (0 bytes: aic_run allocates it)")


def test_an_index_error_of_a_dynamic_model(libs):
    ids = np.array([0, 10, 1], np.int64)
    outs = [out(0, data=False)]
    assert call(libs["dyn-gather"], [tensor(ids, AIC_I64)], outs) == (
        INPUT, "invalid model input: index 10 is out of range [-10, 10) for Gather node 'embed'")
    assert not outs[0].data  # nothing handed over


def test_a_dynamic_input_with_a_static_output(libs):
    for rows in (1, 6):
        x = np.arange(rows * 3, dtype=np.float32).reshape(rows, 3)
        o = tensor(np.zeros(3, np.float32), AIC_F32, [-7])
        assert call(libs["dyn-colsum"], [tensor(x, AIC_F32)], [o]) == (OK, "")
        assert list(o.shape[:1]) == [3]
        np.testing.assert_array_equal(o._keep[0], x.sum(0))


@pytest.mark.parametrize("checks", [0, 1])
def test_the_dynamic_entry_compiles_without_warnings(tmp_path, checks):
    from aic.compiler.c_entry import wrapper_source
    from aic.compiler.driver import TensorInfo
    from aic.compiler.index_checks import IndexCheck

    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    inputs = [TensorInfo("ids", (-1, 8), np.dtype(np.int64), ("batch", "")),
              TensorInfo("mask", (-1, -1), np.dtype(np.bool_), ("batch", "seq")),
              TensorInfo("scale", (), np.dtype(np.float32))]
    outputs = [TensorInfo("y", (-1, 8, 16), np.dtype(np.float16), ("batch", "", "")),
               TensorInfo("n", (), np.dtype(np.int64))]
    found = [IndexCheck("Gather node 'e'", 100)] * checks
    src = tmp_path / "entry.c"
    src.write_text(wrapper_source(inputs, outputs, 1, found))
    proc = subprocess.run([cc, "-Wall", "-Wextra", "-Werror", "-c", str(src), "-o",
                           str(tmp_path / "entry.o")], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr
