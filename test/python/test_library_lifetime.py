"""Library lifetime: a library is replaced by renaming a new file into place, and each
``aic.load`` opens a private copy, so a reload after a rebuild gives the new model and a loaded
model keeps working whatever happens to its file (issue 12)."""

import os
import shutil
import subprocess
import sys

import aic
import numpy as np
import onnx
import pytest
from aic.testing import models


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(1).standard_normal((4, 64)).astype(np.float32)


@pytest.fixture(scope="module")
def two_models(x):
    """Two models of the same interface and different weights, with their answers on ``x``."""
    a, b = aic.compile(models.mlp(seed=4)), aic.compile(models.mlp(seed=9))
    ra, rb = a(x)[0], b(x)[0]
    assert not np.allclose(ra, rb, atol=1e-3)
    return a, b, ra, rb


def test_save_over_a_loaded_library(tmp_path, x, two_models):
    a, b, ra, rb = two_models
    path = str(tmp_path / "model.so")
    a.save(path)
    loaded_a = aic.load(path)
    inode = os.stat(path).st_ino
    b.save(path)
    assert os.stat(path).st_ino != inode, "the library was overwritten in place"
    np.testing.assert_allclose(loaded_a(x)[0], ra, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(aic.load(path)(x)[0], rb, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(loaded_a(x)[0], ra, rtol=1e-5, atol=1e-6)
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".aic-")]


def test_loaded_model_survives_its_file_overwritten_in_place(tmp_path, x, two_models):
    a, b, ra, rb = two_models
    a.save(str(tmp_path / "a.so"))
    b.save(str(tmp_path / "b.so"))
    loaded_a = aic.load(str(tmp_path / "a.so"))
    shutil.copyfile(tmp_path / "b.so", tmp_path / "a.so")  # same inode, new bytes (cp does this)
    np.testing.assert_allclose(loaded_a(x)[0], ra, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(aic.load(str(tmp_path / "a.so"))(x)[0], rb, rtol=1e-5, atol=1e-6)


def test_reload_after_aic_compile_gives_the_new_model(tmp_path, x, two_models):
    a, _, ra, _ = two_models
    path = str(tmp_path / "model.so")
    a.save(path)
    np.testing.assert_allclose(aic.load(path)(x)[0], ra, rtol=1e-5, atol=1e-6)
    other = aic.compile(models.mlp(seed=11))
    onnx.save(models.mlp(seed=11), str(tmp_path / "other.onnx"))
    subprocess.run([sys.executable, "-m", "aic.tools.compile", str(tmp_path / "other.onnx"),
                    "-o", path], check=True, env=dict(os.environ, AIC_UNGUARDED="1"))
    np.testing.assert_allclose(aic.load(path)(x)[0], other(x)[0], rtol=1e-5, atol=1e-6)


def test_load_errors_name_the_users_file(tmp_path):
    with pytest.raises(aic.AicError, match="cannot load '.*missing.so': no such file"):
        aic.load(str(tmp_path / "missing.so"))
    with pytest.raises(aic.AicError, match="not a regular file"):
        aic.load(str(tmp_path))
    bogus = tmp_path / "bogus.so"
    bogus.write_bytes(b"\x7fELF" + b"\0" * 60)
    with pytest.raises(aic.AicError, match=r"'.*bogus.so' is not an aic model library: .*bogus.so"):
        aic.load(str(bogus))


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="reads /proc/self/maps")
def test_one_openmp_runtime_per_process(tmp_path, x, two_models):
    """The private copy must not pull in the libomp.so beside the library as a second OpenMP
    runtime next to the one the JIT loaded."""
    a, _, ra, _ = two_models
    a(x)
    np.testing.assert_allclose(aic.load(a.save(str(tmp_path / "m.so")))(x)[0], ra,
                               rtol=1e-5, atol=1e-6)
    with open("/proc/self/maps") as f:
        runtimes = {line.split()[-1] for line in f if line.rstrip().endswith("libomp.so")}
    assert len(runtimes) == 1, runtimes
