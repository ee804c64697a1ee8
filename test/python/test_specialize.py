"""Inputs whose values decide shapes stay graph inputs: ``aic.compile`` specialises on their
values at the first call and keeps one variant per value set (``aic.runtime.specialize``).
Every result is compared with onnxruntime on the same inputs."""

import aic
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from aic.errors import InputError, ValueNeededError
from onnx import TensorProto, helper

F, I64 = TensorProto.FLOAT, TensorProto.INT64


def _model(nodes, inputs, outputs, opset=17):
    """``outputs``: (name, element type, rank); their dims are left unknown."""
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(*i) for i in inputs],
                              [helper.make_tensor_value_info(n, t, [None] * rank)
                               for n, t, rank in outputs])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def _check(model, *feeds):
    """Every feed through aic and onnxruntime; returns the compiled model."""
    compiled = aic.compile(model)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    for feed in feeds:
        got = compiled(**feed)
        want = session.run(None, feed)
        for g, w in zip(got, want):
            assert g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-6)
    return compiled


X = np.random.default_rng(0).standard_normal((4, 6)).astype(np.float32)


def _i(*v):
    return np.array(v, np.int64)


def _s(v):
    return np.array(v, np.int64)  # rank 0


CASES = {
    "reshape": (_model([helper.make_node("Reshape", ["x", "s"], ["y"])],
                       [("x", F, [4, 6]), ("s", I64, [3])], [("y", F, 3)]),
                [{"x": X, "s": _i(2, 3, 4)}, {"x": X, "s": _i(-1, 2, 2)}]),
    "slice": (_model([helper.make_node("Slice", ["x", "b", "e", "a", "st"], ["y"])],
                     [("x", F, [4, 6]), ("b", I64, [2]), ("e", I64, [2]), ("a", I64, [2]),
                      ("st", I64, [2])], [("y", F, 2)]),
              [{"x": X, "b": _i(0, 1), "e": _i(3, 6), "a": _i(0, 1), "st": _i(1, 2)},
               {"x": X, "b": _i(-1, 5), "e": _i(-5, 0), "a": _i(0, 1), "st": _i(-1, -2)}]),
    "topk": (_model([helper.make_node("TopK", ["x", "k"], ["v", "i"], axis=1)],
                    [("x", F, [4, 6]), ("k", I64, [1])], [("v", F, 2), ("i", I64, 2)]),
             [{"x": X, "k": _i(2)}, {"x": X, "k": _i(5)}]),
    "reduce_axes": (_model([helper.make_node("ReduceSum", ["x", "a"], ["y"], keepdims=0)],
                           [("x", F, [4, 6]), ("a", I64, [1])], [("y", F, 1)]),
                    [{"x": X, "a": _i(0)}, {"x": X, "a": _i(1)}]),
    "expand_range": (_model([helper.make_node("Range", ["s", "l", "d"], ["r"]),
                             helper.make_node("Expand", ["r", "sh"], ["y"])],
                            [("s", I64, []), ("l", I64, []), ("d", I64, []), ("sh", I64, [2])],
                            [("y", I64, 2)]),
                     [{"s": _s(1), "l": _s(7), "d": _s(2), "sh": _i(2, 1)},
                      {"s": _s(0), "l": _s(5), "d": _s(1), "sh": _i(3, 5)}]),
    "pad_onehot": (_model([helper.make_node("Pad", ["x", "p"], ["y"]),
                           helper.make_node("OneHot", ["ix", "depth", "vals"], ["z"])],
                          [("x", F, [4, 6]), ("p", I64, [4]), ("ix", I64, [3]),
                           ("depth", I64, [1]), ("vals", F, [2])],
                          [("y", F, 2), ("z", F, 2)]),
                   [{"x": X, "p": _i(1, 0, 0, 2), "ix": _i(0, 2, 1), "depth": _i(3),
                     "vals": np.array([0, 1], np.float32)}]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_at_run_time_match_onnxruntime(name):
    model, feeds = CASES[name]
    compiled = _check(model, *feeds)
    assert compiled.value_inputs, "the model should specialise on some input"
    distinct = {tuple(np.asarray(f[n]).tobytes() for n in compiled.value_inputs) for f in feeds}
    assert compiled.variant_count == len(distinct)


def test_variant_cache_is_guarded_and_bounded():
    model, _ = CASES["reshape"]
    compiled = aic.compile(model, max_variants=2)
    assert compiled.value_inputs == ["s"] and compiled.variant_count == 0
    shapes = [(2, 3, 4), (4, 3, 2), (2, 3, 4), (1, 1, 24), (2, 3, 4)]
    got = [compiled(X, _i(*s))[0].shape for s in shapes]
    assert got == shapes
    # (2,3,4) and (4,3,2) compiled; (2,3,4) again is a hit; (1,1,24) drops (4,3,2) -- the
    # least recently used -- and (2,3,4) is still held
    assert compiled.compiles == 3 and compiled.variant_count == 2
    np.testing.assert_array_equal(compiled(X, _i(24, 1, 1))[0], X.reshape(24, 1, 1))
    assert compiled.compiles == 4 and compiled.variant_count == 2


def test_value_inputs_found_through_later_compiles():
    """Tile's repeats are only asked for once the Reshape before it has a shape."""
    model = _model([helper.make_node("Reshape", ["x", "s"], ["r"]),
                    helper.make_node("Tile", ["r", "t"], ["y"])],
                   [("x", F, [4, 6]), ("s", I64, [2]), ("t", I64, [2])], [("y", F, 2)])
    compiled = _check(model, {"x": X, "s": _i(3, 8), "t": _i(1, 2)},
                      {"x": X, "s": _i(8, 3), "t": _i(2, 1)})
    assert compiled.value_inputs == ["s", "t"] and compiled.variant_count == 2


def test_value_computed_from_an_input():
    """The value is not the input itself: Concat(s, [-1]) -> Reshape's shape."""
    minus_one = helper.make_tensor("m", I64, [1], [-1])
    model = _model([helper.make_node("Concat", ["s", "m"], ["shape"], axis=0),
                    helper.make_node("Reshape", ["x", "shape"], ["y"])],
                   [("x", F, [4, 6]), ("s", I64, [1])], [("y", F, 2)])
    model.graph.initializer.append(minus_one)
    compiled = _check(model, {"x": X, "s": _i(3)}, {"x": X, "s": _i(12)})
    assert compiled.value_inputs == ["s"]


def test_value_computed_inside_a_branch():
    """An Expand inside an If branch whose shape comes from a graph input through the
    branches' outputs (AffineGrid's expanded form): the input is traced through the bodies."""
    def branch(name):
        return helper.make_graph([helper.make_node("Split", ["s"], [f"{name}_n", f"{name}_r"],
                                                   axis=0, num_outputs=2)], name, [],
                                 [helper.make_tensor_value_info(f"{name}_n", I64, [1])])
    shape_of_rest = helper.make_graph(
        [helper.make_node("Concat", ["n", "two"], ["shape"], axis=0),
         helper.make_node("Expand", ["x", "shape"], ["e"])], "then", [],
        [helper.make_tensor_value_info("e", F, None)])
    model = _model([helper.make_node("If", ["c"], ["n"], then_branch=branch("a"),
                                     else_branch=branch("b")),
                    helper.make_node("If", ["c"], ["y"], then_branch=shape_of_rest,
                                     else_branch=shape_of_rest)],
                   [("x", F, [1, 6]), ("s", I64, [2]), ("c", TensorProto.BOOL, [])],
                   [("y", F, 2)], opset=18)
    model.graph.initializer.append(helper.make_tensor("two", I64, [1], [6]))
    x, c = X[:1], np.array(True)
    compiled = _check(model, {"x": x, "s": _i(3, 9), "c": c}, {"x": x, "s": _i(5, 9), "c": c})
    assert "s" in compiled.value_inputs and compiled.variant_count == 2


def test_input_checks_and_no_library():
    model, _ = CASES["reshape"]
    compiled = aic.compile(model)
    with pytest.raises(InputError, match="input 's' has shape"):
        compiled(X, _i(2, 12))
    with pytest.raises(InputError, match=r"specialises on the values of input\(s\) 's'"):
        compiled.save("unused.so")


def test_specialize_false_names_the_input():
    model, _ = CASES["topk"]
    with pytest.raises(ValueNeededError, match=r"'k'.*--input-value k=") as info:
        aic.compile(model, specialize=False)
    assert info.value.inputs == ("k",)
    fixed = aic.compile(model, constants={"k": _i(3)}, specialize=False)
    assert fixed.variant_count == 1 and fixed(X)[0].shape == (4, 3)


def test_data_inputs_are_not_value_inputs():
    """A model whose shapes are all static does not specialise."""
    model = _model([helper.make_node("Relu", ["x"], ["y"])], [("x", F, [4, 6])], [("y", F, 2)])
    compiled = aic.compile(model)
    assert compiled.value_inputs == [] and compiled.variant_count == 1
    assert isinstance(model, onnx.ModelProto)
