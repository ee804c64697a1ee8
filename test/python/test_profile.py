"""Per-kernel profiling from Python: aic.compile(profile=True) and model.profiler."""

import numpy as np

import aic
from aic.frontend.onnx.flops import node_flops
from aic.runtime.profile import format_report
from aic.testing import models


def test_profiled_model_times_its_kernels_and_still_matches():
    onnx_model = models.mlp()
    plain = aic.compile(onnx_model)
    profiled = aic.compile(onnx_model, profile=True)
    assert plain.profiler is None and profiled.profiler is not None
    x = np.random.default_rng(0).standard_normal((4, 64)).astype(np.float32)
    np.testing.assert_allclose(profiled(x)[0], plain(x)[0], rtol=1e-6, atol=1e-7)
    profiled.profiler.reset()
    for _ in range(3):
        profiled(x)
    rows = profiled.profiler.report(3, node_flops(onnx_model), peak_gflops=100.0)
    assert rows and all(r.ms >= 0 and r.calls >= 3 for r in rows)
    assert abs(sum(r.percent for r in rows) - 100.0) < 1e-6
    contraction = [r for r in rows if "MatMul" in r.name and "+" in r.name]
    assert contraction and all(r.gflops is not None for r in contraction)  # FLOPs known
    table = format_report(rows, 3)
    assert table.splitlines()[0] == ("profile over 3 call(s): time per kernel (named after its "
                                     "ONNX nodes)")


def test_reset_starts_a_new_window():
    model = aic.compile(models.mlp(), profile=True)
    x = np.zeros((4, 64), np.float32)
    model(x)
    model.profiler.reset()
    assert all(r.ms == 0 for r in model.profiler.report(0))
