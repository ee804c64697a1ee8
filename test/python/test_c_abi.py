"""The C entry of a model library, called as a C program would (ctypes, no aic runtime):
counts, NULL pointers, ranks, dtypes, shapes and short buffers are refused with an error code
and a message from ``aic_last_error``; outputs report their shapes; an index out of range in
the input data is ``AIC_ERROR_INPUT`` (issue 12, Deliver 2)."""

import ctypes

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import aic

OK, ARGUMENT, BUFFER, INPUT = 0, 1, 2, 3
AIC_F32, AIC_I64 = 1, 7
TABLE = np.arange(10 * 4, dtype=np.float32).reshape(10, 4)


class Tensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("bytes", ctypes.c_size_t),
                ("shape", ctypes.POINTER(ctypes.c_int64)), ("rank", ctypes.c_int32),
                ("dtype", ctypes.c_int32)]


def tensor(array, dtype_code, shape=None):
    shape = list(array.shape if shape is None else shape)
    dims = (ctypes.c_int64 * max(1, len(shape)))(*shape)
    t = Tensor(array.ctypes.data, array.nbytes, dims, len(shape), dtype_code)
    t._keep = (array, dims)
    return t


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "ids"], ["y"], axis=0, name="embed")], "g",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, [3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 4])],
        initializer=[numpy_helper.from_array(TABLE, "table")])
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)
    path = tmp_path_factory.mktemp("abi") / "embed.so"
    aic.compile(m).save(str(path))
    lib = ctypes.CDLL(str(path))
    lib.aic_run.argtypes = [ctypes.POINTER(Tensor), ctypes.c_size_t, ctypes.POINTER(Tensor),
                            ctypes.c_size_t]
    lib.aic_last_error.restype = ctypes.c_char_p
    return lib


def call(lib, ins, outs, n_in=None, n_out=None):
    in_arr = (Tensor * max(1, len(ins)))(*ins) if ins is not None else None
    out_arr = (Tensor * max(1, len(outs)))(*outs) if outs is not None else None
    rc = lib.aic_run(in_arr, len(ins or []) if n_in is None else n_in, out_arr,
                     len(outs or []) if n_out is None else n_out)
    return rc, lib.aic_last_error().decode(), out_arr


def good(ids=(1, -1, 0)):
    return [tensor(np.array(ids, np.int64), AIC_I64)], [tensor(np.zeros((3, 4), np.float32),
                                                              AIC_F32, [0, 0])]


def test_a_good_call_runs_and_reports_the_output_shape(lib):
    ins, outs = good()
    rc, err, out_arr = call(lib, ins, outs)
    assert (rc, err) == (OK, "")
    assert list(out_arr[0].shape[:2]) == [3, 4]
    np.testing.assert_array_equal(outs[0]._keep[0], TABLE[[1, -1, 0]])


def _mutate(field, value, which=0):
    def apply(ins, outs):
        setattr((ins + outs)[which], field, value)
    return apply


@pytest.mark.parametrize("mutate, rc, message", [
    (_mutate("data", None), ARGUMENT, "input 'ids' has a NULL data pointer"),
    (_mutate("data", None, 1), ARGUMENT, "output 'y' has a NULL data pointer"),
    (_mutate("bytes", 23), BUFFER, "input 'ids' has a buffer of 23 bytes, needs 24"),
    (_mutate("bytes", 47, 1), BUFFER, "output 'y' has a buffer of 47 bytes, needs 48"),
    (_mutate("dtype", 6), ARGUMENT, "input 'ids' has dtype code 6, expected 7 (i64)"),
    (_mutate("rank", 2), ARGUMENT, "input 'ids' has rank 2, expected 1"),
    (_mutate("shape", None), ARGUMENT, "input 'ids' has a NULL shape"),
])
def test_bad_tensors_are_refused_before_the_model_runs(lib, mutate, rc, message):
    ins, outs = good()
    mutate(ins, outs)
    assert call(lib, ins, outs)[:2] == (rc, message)
    assert not outs[0]._keep[0].any()  # nothing was written


def test_wrong_input_shape(lib):
    ins, outs = good()
    ins[0].shape[0] = 4
    assert call(lib, ins, outs)[:2] == (ARGUMENT, "input 'ids' has size 4 in dim 0, expected 3")


def test_wrong_counts_and_null_arrays(lib):
    ins, outs = good()
    assert call(lib, ins, outs, n_in=2)[:2] == (
        ARGUMENT, "expected 1 inputs and 1 outputs, got 2 and 1")
    assert call(lib, None, outs, n_in=1)[:2] == (ARGUMENT, "NULL input array")
    assert call(lib, ins, None, n_out=1)[:2] == (ARGUMENT, "NULL output array")


@pytest.mark.parametrize("bad", [10, -11, 10**9, -10**6])
def test_an_index_out_of_range_is_an_input_error(lib, bad):
    ins, outs = good((0, bad, 1))
    rc, err, _ = call(lib, ins, outs)
    assert rc == INPUT
    assert err == (f"invalid model input: index {bad} is out of range [-10, 10) for Gather "
                   "node 'embed'")
    assert call(lib, *good())[:2] == (OK, "")  # the next good call clears the message


def test_a_library_with_the_old_unsized_entry_is_refused_clearly(tmp_path):
    """A library from before the sized ABI (``aic_run(const void *const *, void *const *)``,
    no ``aic_last_error``) is not called with the new arguments."""
    import shutil
    import subprocess

    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build the stand-in library")
    src = tmp_path / "old.c"
    src.write_text('const char *aic_signature(void) { return "{\\"inputs\\": [], '
                   '\\"outputs\\": [], \\"threads\\": 1}"; }\n'
                   "int aic_run(const void *const *in, void *const *out) { return 0; }\n")
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(tmp_path / "old.so"), str(src)], check=True)
    with pytest.raises(aic.AicError, match="built by an older aic .* compile it again"):
        aic.load(str(tmp_path / "old.so"))


@pytest.mark.parametrize("checks", [0, 2])
def test_the_generated_entry_compiles_without_warnings(tmp_path, checks):
    """The C wrapper, for a model with a scalar input, several ranks and dtypes, names that
    need escaping, with and without index checks: -Wall -Wextra -Werror clean."""
    import shutil
    import subprocess

    from aic.compiler.c_entry import wrapper_source
    from aic.compiler.driver import TensorInfo
    from aic.compiler.index_checks import IndexCheck

    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler")
    inputs = [TensorInfo('ids "0"\\?', (2, 8), np.dtype(np.int64)),
              TensorInfo("scale", (), np.dtype(np.float32))]
    outputs = [TensorInfo("y\u00e9", (2, 8, 16), np.dtype(np.float16))]
    found = [IndexCheck(f"Gather node 'e{k}'", 100 + k) for k in range(checks)]
    src = tmp_path / "entry.c"
    src.write_text(wrapper_source(inputs, outputs, 1, found))
    proc = subprocess.run([cc, "-Wall", "-Wextra", "-Werror", "-c", str(src), "-o",
                           str(tmp_path / "entry.o")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
