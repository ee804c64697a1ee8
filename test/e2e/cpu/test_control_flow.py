"""End-to-end tests of ONNX control flow (If -> scf.if, Scan -> scf.for) against onnxruntime,
through the JIT and a shared library; bodies read the enclosing graph's values and hold
kernels (matmul, elementwise) of their own."""

import aic
import numpy as np
import pytest
from aic.runner import onnxruntime_session
from onnx import TensorProto, helper, numpy_helper

F, B = TensorProto.FLOAT, TensorProto.BOOL
RNG = np.random.default_rng(7)


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def model(nodes, inputs, outputs, inits=(), opset=17):
    graph = helper.make_graph(nodes, "cf", inputs, outputs,
                              initializer=[numpy_helper.from_array(a, n) for n, a in inits])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=9)


def check(m, feed, tmp_path=None):
    session = onnxruntime_session(m.SerializeToString())
    want = session.run(None, feed)
    compiled = aic.compile(m, cache=False)
    runs = [compiled]
    if tmp_path is not None:
        runs.append(aic.load(compiled.save(str(tmp_path / "cf.so"))))
    for run in runs:
        got = run(**feed)
        for g, w in zip(got, want):
            assert g.shape == w.shape and g.dtype == w.dtype
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)


# -- If ---------------------------------------------------------------------------------------

def if_model():
    """y = cond ? relu(x @ w) : x * 2 - 1 (the branches read x, w, two and one of the outer
    graph), z = y + one: a constant first used inside a branch is used after the If too."""
    then = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["m"]), helper.make_node("Relu", ["m"], ["t"])],
        "then", [], [vi("t", F, [4, 8])])
    other = helper.make_graph(
        [helper.make_node("Mul", ["x", "two"], ["d"]), helper.make_node("Sub", ["d", "one"], ["e"])],
        "else", [], [vi("e", F, [4, 8])])
    node = helper.make_node("If", ["cond"], ["y"], then_branch=then, else_branch=other)
    after = helper.make_node("Add", ["y", "one"], ["z"])
    inits = [("w", RNG.standard_normal((8, 8)).astype(np.float32)),
             ("two", np.array(2, np.float32)), ("one", np.array(1, np.float32))]
    return model([node, after], [vi("cond", B, []), vi("x", F, [4, 8])],
                 [vi("y", F, [4, 8]), vi("z", F, [4, 8])], inits)


@pytest.mark.parametrize("cond", [True, False])
def test_if_runtime_condition(cond, tmp_path):
    x = RNG.standard_normal((4, 8)).astype(np.float32)
    check(if_model(), {"cond": np.array(cond), "x": x}, tmp_path)


def test_if_lowers_to_scf_if_and_a_known_condition_to_one_branch():
    m = if_model()
    assert "scf.if" in str(aic.import_onnx(m))
    folded = str(aic.import_onnx(m, constants={"cond": np.array(False)}))
    assert "scf.if" not in folded and "graph.matmul" not in folded and "graph.mul" in folded


def test_if_branches_of_different_shapes_are_refused():
    then = helper.make_graph([helper.make_node("Identity", ["x"], ["t"])], "then", [],
                             [vi("t", F, [4, 8])])
    other = helper.make_graph([helper.make_node("Transpose", ["x"], ["e"])], "else", [],
                              [vi("e", F, [8, 4])])
    node = helper.make_node("If", ["cond"], ["y"], then_branch=then, else_branch=other)
    m = model([node], [vi("cond", B, []), vi("x", F, [4, 8])], [vi("y", F, None)])
    with pytest.raises((aic.UnsupportedError, aic.ModelFormatError)):
        aic.compile(m, cache=False)


# -- Scan -------------------------------------------------------------------------------------

def scan_rnn(reverse: int, out_axis: int):
    """An Elman RNN written as Scan: h' = tanh(x_t @ W + h @ R), scanned over axis 1 of x
    [2, 5, 3], every h' written to the scan output (on ``out_axis``), plus a running sum."""
    body = helper.make_graph(
        [helper.make_node("MatMul", ["x_t", "W"], ["xw"]),
         helper.make_node("MatMul", ["h", "R"], ["hr"]),
         helper.make_node("Add", ["xw", "hr"], ["pre"]),
         helper.make_node("Tanh", ["pre"], ["h_next"]),
         helper.make_node("Add", ["acc", "h_next"], ["acc_next"]),
         helper.make_node("Identity", ["h_next"], ["h_out"])],
        "body", [vi("h", F, [2, 4]), vi("acc", F, [2, 4]), vi("x_t", F, [2, 3])],
        [vi("h_next", F, [2, 4]), vi("acc_next", F, [2, 4]), vi("h_out", F, [2, 4])])
    node = helper.make_node("Scan", ["h0", "acc0", "x"], ["h_n", "acc_n", "ys"], body=body,
                            num_scan_inputs=1, scan_input_axes=[1],
                            scan_input_directions=[reverse], scan_output_axes=[out_axis])
    ys = [[5, 2, 4], [2, 5, 4], [2, 4, 5]][out_axis]
    inits = [("W", RNG.standard_normal((3, 4)).astype(np.float32)),
             ("R", RNG.standard_normal((4, 4)).astype(np.float32) * 0.5)]
    return model([node], [vi("h0", F, [2, 4]), vi("acc0", F, [2, 4]), vi("x", F, [2, 5, 3])],
                 [vi("h_n", F, [2, 4]), vi("acc_n", F, [2, 4]), vi("ys", F, ys)], inits)


@pytest.mark.parametrize("reverse,out_axis", [(0, 0), (1, 1), (0, 2)])
def test_scan_rnn_matches_onnxruntime(reverse, out_axis, tmp_path):
    feed = {"h0": RNG.standard_normal((2, 4)).astype(np.float32),
            "acc0": np.zeros((2, 4), np.float32),
            "x": RNG.standard_normal((2, 5, 3)).astype(np.float32)}
    check(scan_rnn(reverse, out_axis), feed, tmp_path if out_axis == 1 else None)


def test_scan_is_one_loop():
    text = str(aic.import_onnx(scan_rnn(0, 0)))
    assert text.count("scf.for") == 1 and text.count("graph.matmul") == 2


# -- Loop -------------------------------------------------------------------------------------

def loop_model(trips: int, cond_out: str = "c"):
    """v' = tanh(v @ R + iteration_num * 0.1); every v' also scanned out (``cond_out``: the
    body's condition output, its input ``c`` or a value computed at run time)."""
    nodes = [helper.make_node("MatMul", ["v", "R"], ["vr"]),
             helper.make_node("Cast", ["i"], ["fi"], to=F),
             helper.make_node("Mul", ["fi", "tenth"], ["step"]),
             helper.make_node("Add", ["vr", "step"], ["pre"]),
             helper.make_node("Tanh", ["pre"], ["v_out"]),
             helper.make_node("Identity", ["v_out"], ["scan_v"]),
             helper.make_node("ReduceSum", ["v_out"], ["total"], keepdims=0),
             helper.make_node("Less", ["total", "tenth"], ["going"]),
             helper.make_node("Identity", [cond_out], ["c_out"])]
    body = helper.make_graph(nodes, "body", [vi("i", TensorProto.INT64, []), vi("c", B, []),
                                             vi("v", F, [2, 4])],
                             [vi("c_out", B, []), vi("v_out", F, [2, 4]),
                              vi("scan_v", F, [2, 4])])
    node = helper.make_node("Loop", ["M", "cond", "v0"], ["v_n", "vs"], body=body)
    inits = [("M", np.array(trips, np.int64)), ("cond", np.array(True)),
             ("R", (RNG.standard_normal((4, 4)) * 0.5).astype(np.float32)),
             ("tenth", np.array(0.1, np.float32))]
    return model([node], [vi("v0", F, [2, 4])],
                 [vi("v_n", F, [2, 4]), vi("vs", F, [trips, 2, 4])], inits)


def test_loop_with_a_known_trip_count(tmp_path):
    feed = {"v0": RNG.standard_normal((2, 4)).astype(np.float32)}
    check(loop_model(6), feed, tmp_path)
    assert str(aic.import_onnx(loop_model(6))).count("scf.for") == 1


def test_loop_that_may_stop_early_is_refused():
    with pytest.raises(aic.UnsupportedError, match="stop early"):
        aic.compile(loop_model(6, cond_out="going"), cache=False)


def counter_slice_loop(trips: int):
    """v' = v + x[i : i + 2] @ R: the body's slice start is its iteration number, a shape
    position that changes every iteration -- such a Loop is unrolled (up to MAX_UNROLL)."""
    nodes = [helper.make_node("Unsqueeze", ["i", "zero"], ["start"]),
             helper.make_node("Add", ["start", "two"], ["end"]),
             helper.make_node("Slice", ["x", "start", "end"], ["rows"]),
             helper.make_node("MatMul", ["rows", "R"], ["m"]),
             helper.make_node("Add", ["v", "m"], ["v_out"]),
             helper.make_node("Identity", ["rows"], ["scan_rows"]),
             helper.make_node("Identity", ["c"], ["c_out"])]
    body = helper.make_graph(nodes, "body", [vi("i", TensorProto.INT64, []), vi("c", B, []),
                                             vi("v", F, [2, 3])],
                             [vi("c_out", B, []), vi("v_out", F, [2, 3]),
                              vi("scan_rows", F, [None, 4])])
    node = helper.make_node("Loop", ["M", "cond", "v0"], ["v_n", "rows"], body=body)
    inits = [("M", np.array(trips, np.int64)), ("cond", np.array(True)),
             ("R", RNG.standard_normal((4, 3)).astype(np.float32)),
             ("zero", np.array([0], np.int64)), ("two", np.array([2], np.int64))]
    return model([node], [vi("v0", F, [2, 3]), vi("x", F, [trips + 1, 4])],
                 [vi("v_n", F, [2, 3]), vi("rows", F, [trips, 2, 4])], inits)


def test_loop_needing_its_counter_at_compile_time_is_unrolled(tmp_path):
    feed = {"v0": RNG.standard_normal((2, 3)).astype(np.float32),
            "x": RNG.standard_normal((6, 4)).astype(np.float32)}
    check(counter_slice_loop(5), feed, tmp_path)
    assert "scf.for" not in str(aic.import_onnx(counter_slice_loop(5)))
    with pytest.raises(aic.UnsupportedError, match="starts .* must be known at compile time"):
        aic.compile(counter_slice_loop(17), cache=False)  # more than MAX_UNROLL iterations
