"""Dynamic shapes at run time (issue 10): one compile of a module with ``?`` dims runs at any
conforming size, through the JIT (``aic.compile``) and through a library (``save`` /
``aic.load``), compared with numpy; wrong shapes are refused with ``InputError`` before native
code runs; the compile cache and ``save``/``load`` keep working. The modules are hand-written
at the linalg level (test/tools/Inputs/dyn-*.linalg.mlir)."""

import gc
import resource
from pathlib import Path

import aic
import numpy as np
import pytest
from aic.errors import InputError

INPUTS = Path(__file__).resolve().parents[1] / "tools" / "Inputs"
W = np.arange(16, dtype=np.float32).reshape(4, 4) / 10
TABLE = np.arange(40, dtype=np.float32).reshape(10, 4)
RNG = np.random.default_rng(0)


def _rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _ewd(n):  # matmul with a dynamic M, then relu + residual
    x = _rand(n, 4)
    return [x], [np.maximum(x @ W, 0) + x]


def _reduce(n):  # row sums (dynamic output), column sums (static output)
    x = _rand(n, 3)
    return [x], [x.sum(1), x.sum(0)]


def _colsum(n):  # a dynamic input, a static (caller-allocated) output
    x = _rand(n, 3)
    return [x], [x.sum(0)]


def _concat(n):  # y's dim is the sum of two input dims; z and w are one returned buffer
    a, b, c = _rand(n, 4), _rand(n + 2, 4), _rand(n, 4)
    return [a, b, c], [np.concatenate([a, b]), a + c, a + c]


def _gather(n):  # a dynamic output beside the index status result (index checks)
    ids = RNG.integers(-10, 10, n)
    return [ids], [TABLE[ids]]


CASES = {"dyn-ewd": _ewd, "dyn-reduce": _reduce, "dyn-colsum": _colsum,
         "dyn-concat": _concat, "dyn-gather": _gather}


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """name -> (JIT model, the same model saved and loaded back)."""
    folder = tmp_path_factory.mktemp("dyn")
    out = {}
    for name in CASES:
        jit = aic.compile(str(INPUTS / f"{name}.linalg.mlir"), cache=False)
        out[name] = jit, aic.load(jit.save(str(folder / f"{name}.so")))
    return out


@pytest.mark.parametrize("how", ["jit", "library"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_one_compile_runs_at_several_sizes(models, name, how):
    model = models[name][how == "library"]
    for n in (1, 5, 33):
        inputs, expected = CASES[name](n)
        got = model(*inputs)
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            assert g.shape == e.shape and g.dtype == e.dtype
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("how", ["jit", "library"])
def test_a_zero_size_dim_gives_empty_outputs(models, how):
    (y,) = models["dyn-ewd"][how == "library"](np.zeros((0, 4), np.float32))
    assert y.shape == (0, 4)


@pytest.mark.parametrize("how", ["jit", "library"])
def test_outputs_are_separate_arrays_that_outlive_the_call(models, how):
    model = models["dyn-concat"][how == "library"]
    inputs, expected = _concat(3)
    _, z, w = model(*inputs)
    z[:] = 0  # z and w came from one buffer: each output is an array of its own
    np.testing.assert_allclose(w, expected[2], rtol=1e-6)
    model(*_concat(4)[0])
    gc.collect()
    np.testing.assert_allclose(w, expected[2], rtol=1e-6)


@pytest.mark.parametrize("how", ["jit", "library"])
def test_returned_buffers_are_freed(models, how):
    model = models["dyn-ewd"][how == "library"]
    x = np.ones((1 << 16, 4), np.float32)  # 1 MiB out per call
    for _ in range(20):
        model(x)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(200):  # 200 MiB if the buffers leaked
        model(x)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 64 * 1024


@pytest.mark.parametrize("how", ["jit", "library"])
@pytest.mark.parametrize("name, arrays, message", [
    ("dyn-ewd", [np.ones((3, 5), np.float32)], "input 'x' has shape (3, 5), expected (batch, 4)"),
    ("dyn-ewd", [np.ones(4, np.float32)], "input 'x' has shape (4,), expected (batch, 4)"),
    ("dyn-ewd", [np.ones((3, 4), np.float64)], "input 'x' has dtype float64, expected float32"),
    ("dyn-reduce", [np.ones((2, 2), np.float32)],
     "input 'x' has shape (2, 2), expected (rows, 3)"),
    ("dyn-concat", [np.ones((2, 4), np.float32), np.ones((1, 4), np.float32),
                    np.ones((3, 4), np.float32)],
     "input 'c' has size 3 in dim 0 ('batch'), but input 'a' has 2 in dim 0 ('batch')"),
    ("dyn-gather", [np.array([1, 10])],
     "invalid model input: index 10 is out of range [-10, 10) for Gather node 'embed'"),
])
def test_wrong_shapes_are_refused_with_one_message(models, name, arrays, message, how):
    with pytest.raises(InputError) as e:
        models[name][how == "library"](*arrays)
    assert str(e.value) == message


def test_the_interface_keeps_dim_names(models):
    jit, lib = models["dyn-concat"]
    for model in (jit, lib):
        assert [t.shape for t in model.inputs] == [(-1, 4)] * 3
        assert model.inputs[0].dim_names == ("batch", "")
        assert [t.describe() for t in model.outputs][:2] == ["y: ?x4 float32",
                                                             "z: batchx4 float32"]


def test_the_compile_cache_serves_a_dynamic_model(tmp_path, monkeypatch):
    monkeypatch.setenv("AIC_CACHE_DIR", str(tmp_path / "cache"))
    path = str(INPUTS / "dyn-concat.linalg.mlir")
    # first: JIT (stores object code); second: links it; third: loads the library
    for model in (aic.compile(path), aic.compile(path), aic.compile(path)):
        for n in (2, 6):
            inputs, expected = _concat(n)
            for g, e in zip(model(*inputs), expected):
                np.testing.assert_allclose(g, e, rtol=1e-6)
    assert model.library_path is not None
    assert model.inputs[0].dim_names == ("batch", "")


@pytest.mark.parametrize("how", ["jit", "library"])
def test_results_aliasing_an_input_or_a_constant_are_copies(tmp_path, how):
    model = aic.compile(str(INPUTS / "dyn-alias.linalg.mlir"), cache=False)
    if how == "library":
        model = aic.load(model.save(str(tmp_path / "alias.so")))
    for n in (2, 5):
        x = _rand(n, 4)
        same, table = model(x)
        np.testing.assert_array_equal(same, x)
        np.testing.assert_array_equal(table, [1.5, 2.5])
        same[:] = 0
        table[:] = 0
        assert x.any()
    assert model(x)[1].tolist() == [1.5, 2.5]  # the constant itself was not written


def test_random_inputs_take_sizes_from_shapes_and_from_named_dims(models):
    from aic import runner

    model = models["dyn-concat"][0]
    a = _rand(3, 4)
    inputs = runner.make_inputs(model, {"a": a}, shapes={"b": [2, 4]})
    assert [inputs[k].shape for k in "abc"] == [(3, 4), (2, 4), (3, 4)]  # c: 'batch' of a
    assert len(model(**inputs)) == 3
    with pytest.raises(InputError, match=r"input 'b' has dynamic dims \(b: otherx4 float32\)"):
        runner.make_inputs(model, {"a": a})
    with pytest.raises(InputError, match=r"--input-shape for unknown input\(s\) \['q'\]"):
        runner.make_inputs(model, {"a": a}, shapes={"q": [1]})
