"""``aic.bisect``: node outputs at every level against onnxruntime, the first divergence named.

The model: MaxPool (no numpy semantics at the graph level: reported "not evaluable", its
onnxruntime value stands in), Sub of a per-channel constant, Relu. A deliberately wrong pass
swapping the subtraction's operands must be found at the level it runs at, at node 'sub'.
"""

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import aic
from aic.testing.bisect import report as rep

PLUGIN = str(Path(__file__).resolve().parents[1] / "tools" / "Inputs" / "wrong_sub_plugin.py")


@pytest.fixture(scope="module")
def model():
    c = numpy_helper.from_array(np.linspace(-1, 1, 4, dtype=np.float32).reshape(4, 1, 1), "c")
    nodes = [helper.make_node("MaxPool", ["x"], ["p"], name="pool", kernel_shape=[2, 2],
                              strides=[2, 2]),
             helper.make_node("Sub", ["p", "c"], ["d"], name="sub"),
             helper.make_node("Relu", ["d"], ["y"], name="relu")]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 6, 6])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 3, 3])], [c])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@pytest.fixture(scope="module")
def inputs():
    return {"x": np.random.default_rng(1).standard_normal((1, 4, 6, 6)).astype(np.float32)}


def statuses(level):
    return {p.node: p.status for p in level.probes}


def test_clean_compile_matches_at_every_level(model, inputs):
    report = aic.bisect(model, inputs)
    assert [lv.level for lv in report.levels] == ["graph", "linalg", "tiled", "hw", "vector",
                                                  "llvm"]
    assert not report.diverged and report.first is None
    graph = report.levels[0]
    assert statuses(graph) == {"pool": rep.NOT_EVALUABLE, "sub": rep.OK, "relu": rep.OK}
    assert "graph.pool" in graph.probes[0].detail
    for level in report.levels[1:]:
        assert set(statuses(level).values()) == {rep.OK}, level.level
    assert report.verdict().startswith("no divergence")


def test_wrong_linalg_pass_is_named(model, inputs):
    report = aic.bisect(model, inputs, passes={"after:linalg": "aic-test-swap-linalg-subf"},
                        plugins=[PLUGIN], levels=["graph", "linalg", "tiled"])
    level, probe = report.first
    assert (level.level, probe.node, probe.op_type, probe.output) == ("linalg", "sub", "Sub", "d")
    assert statuses(report.levels[0])["sub"] == rep.OK
    assert statuses(report.levels[2]) == {"pool": rep.OK, "sub": rep.DIVERGED,
                                          "relu": rep.DIVERGED}
    assert "arith.subf" in level.ops
    # d = p - c, swapped: c - p; the error is |2 (p - c)|.
    assert probe.max_abs > 0.5 and probe.detail.endswith("out of tolerance")


def test_wrong_graph_pass_is_caught_by_numpy_semantics(model, inputs):
    report = aic.bisect(model, inputs, passes={"after:graph": "aic-test-swap-graph-sub"},
                        plugins=[PLUGIN], levels=["graph"])
    level, probe = report.first
    assert (level.level, probe.node) == ("graph", "sub")
    assert level.ops == ["graph.sub"]


def test_outputs_only_compiles_the_model_as_it_is(model, inputs):
    report = aic.bisect(model, inputs, passes={"after:linalg": "aic-test-swap-linalg-subf"},
                        plugins=[PLUGIN], levels=["graph", "linalg"], outputs_only=True)
    assert [[p.output for p in lv.probes] for lv in report.levels] == [["y"], ["y"]]
    level, probe = report.first
    assert (level.level, probe.node) == ("linalg", "relu")


def test_unknown_level_and_missing_symbolic_shape(model):
    with pytest.raises(aic.AicError, match="unknown level"):
        aic.bisect(model, levels=["graph", "gpu"])
    symbolic = onnx.ModelProto()
    symbolic.CopyFrom(model)
    symbolic.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "n"
    with pytest.raises(aic.InputError, match="symbolic dims"):
        aic.bisect(symbolic)


@pytest.mark.parametrize("value, ref, status, max_abs", [
    ([1.0, 2.0], [1.0, 2.00001], rep.OK, 1e-5),
    ([1.0, 2.0], [1.0, 2.1], rep.DIVERGED, 0.1),
    ([np.nan, 1.0], [np.nan, 1.0], rep.OK, 0.0),
    ([np.nan, 1.0], [0.0, 1.0], rep.DIVERGED, np.inf),
    (np.array([3, 4], np.int64), np.array([3, 5], np.int64), rep.DIVERGED, 1.0),
    (np.array([True, False]), np.array([True, False]), rep.OK, 0.0),
    ([1.0, 2.0], [[1.0, 2.0]], rep.DIVERGED, np.inf),
])
def test_compare(value, ref, status, max_abs):
    got, abs_err, _, _ = rep.compare(np.asarray(value), np.asarray(ref), rtol=1e-4, atol=1e-5)
    assert got == status
    assert abs_err == pytest.approx(max_abs, rel=1e-3)
