"""The Python API: inputs by position or name, checks before native code, save/load."""

import numpy as np
import pytest

import aic
from aic.testing import models


@pytest.fixture(scope="module")
def mlp():
    return aic.compile(models.mlp())


def test_names(mlp):
    assert mlp.input_names == ["x"]
    assert mlp.output_names == ["probs"]


def test_positional_and_named_agree(mlp):
    x = np.random.default_rng(0).standard_normal((4, 64)).astype(np.float32)
    (a,) = mlp(x)
    (b,) = mlp(x=x)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a.sum(axis=-1), np.ones(4), rtol=1e-5)


@pytest.mark.parametrize("args, kwargs, message", [
    ((np.zeros((4, 64), np.float64),), {}, "dtype float64, expected float32"),
    ((np.zeros((5, 64), np.float32),), {}, r"shape \(5, 64\), expected \(4, 64\)"),
    ((), {}, "expected 1 input"),
    ((), {"y": np.zeros((4, 64), np.float32)}, "unknown input"),
])
def test_bad_inputs_raise_before_running(mlp, args, kwargs, message):
    with pytest.raises(aic.InputError, match=message):
        mlp(*args, **kwargs)


def test_save_and_load_library(mlp, tmp_path):
    path = mlp.save(str(tmp_path / "mlp.so"))
    assert (tmp_path / "mlp.h").read_text().count("aic_run") >= 1
    loaded = aic.load(path)
    assert loaded.input_names == ["x"] and loaded.output_names == ["probs"]
    x = np.random.default_rng(1).standard_normal((4, 64)).astype(np.float32)
    np.testing.assert_allclose(loaded(x)[0], mlp(x)[0], rtol=1e-6, atol=1e-7)


def test_load_rejects_non_library(tmp_path):
    bogus = tmp_path / "x.so"
    bogus.write_text("not a library")
    with pytest.raises(aic.AicError, match="not an aic model library"):
        aic.load(str(bogus))
