"""End-to-end tests of the recurrent ops (LSTM, GRU, RNN) against onnxruntime: every attribute
aic supports, single nodes through ``aic.compile`` (JIT), and PyTorch-style stacked models
(``nn.LSTM``/``nn.GRU`` exports: seq 16 and 128, hidden 64, bidirectional, 2 layers) through
the JIT and a shared library. The time loop keeps one copy of the cell: the graph-level IR
does not grow with the sequence length."""

import aic
import numpy as np
import onnx
import pytest
from aic.runner import onnxruntime_session
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

F = TensorProto.FLOAT
GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}


def rnd(rng, *shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def model(nodes, inputs, outputs, opset=14, inits=()):
    graph = helper.make_graph(
        nodes, "t", [helper.make_tensor_value_info(n, F, s) for n, s in inputs],
        [helper.make_tensor_value_info(n, F, s) for n, s in outputs],
        initializer=[numpy_helper.from_array(a, n) for n, a in inits])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=9)


def reference(m, feed, ort=True):
    if ort:
        session = onnxruntime_session(m.SerializeToString())
        return session.run([o.name for o in session.get_outputs()], feed)
    return ReferenceEvaluator(m).run(None, feed)


def check(got, want, rtol=1e-4, atol=1e-5):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


def single(op, direction="forward", layout=0, with_b=True, with_init=True, seq=4, batch=2,
           inp=3, hid=5, peepholes=False, seed=0, **attrs):
    """One LSTM/GRU/RNN node with all of its outputs, and a feed."""
    rng = np.random.default_rng(seed)
    gates, dirs = GATES[op], (2 if direction == "bidirectional" else 1)
    inits = [("W", rnd(rng, dirs, gates * hid, inp)), ("R", rnd(rng, dirs, gates * hid, hid))]
    names = ["X", "W", "R", "B" if with_b else ""]
    if with_b:
        inits.append(("B", rnd(rng, dirs, 2 * gates * hid)))
    state = [batch, dirs, hid] if layout else [dirs, batch, hid]
    feed = {"X": rnd(rng, *([batch, seq, inp] if layout else [seq, batch, inp]))}
    n_state = 2 if op == "LSTM" else 1
    names += ["", "h0" if with_init else ""] + (["c0" if with_init else ""] if n_state == 2 else [])
    if with_init:
        feed["h0"] = rnd(rng, *state)
        if n_state == 2:
            feed["c0"] = rnd(rng, *state)
    if peepholes:
        names.append("P")
        inits.append(("P", rnd(rng, dirs, 3 * hid)))
    y = [batch, seq, dirs, hid] if layout else [seq, dirs, batch, hid]
    outs = [("Y", y), ("Y_h", state)] + ([("Y_c", state)] if n_state == 2 else [])
    node = helper.make_node(op, names, [o[0] for o in outs], hidden_size=hid,
                            direction=direction, layout=layout, **attrs)
    ins = [(k, list(v.shape)) for k, v in feed.items()]
    return model([node], ins, outs, inits=inits), feed


def check_single(m, feed, ort=True):
    check(aic.compile(m, cache=False)(**feed), reference(m, feed, ort))


# -- single nodes: directions, layouts, optional inputs -----------------------------------------

@pytest.mark.parametrize("op", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("direction,layout,with_b,with_init", [
    ("forward", 0, False, False), ("reverse", 0, True, True), ("bidirectional", 1, True, True),
    ("bidirectional", 0, True, False)])
def test_matches_onnxruntime(op, direction, layout, with_b, with_init):
    m, feed = single(op, direction, layout, with_b, with_init)
    check_single(m, feed, ort=layout == 0)  # onnxruntime: layout 0 only


def test_lstm_peepholes():
    check_single(*single("LSTM", "bidirectional", peepholes=True))


@pytest.mark.parametrize("with_b", [True, False])
def test_gru_linear_before_reset(with_b):
    check_single(*single("GRU", "bidirectional", with_b=with_b, linear_before_reset=1))


@pytest.mark.parametrize("op", ["LSTM", "GRU", "RNN"])
def test_clip(op):
    check_single(*single(op, "bidirectional", clip=0.5))


def test_lstm_input_forget():
    check_single(*single("LSTM", "reverse", peepholes=True, input_forget=1))


@pytest.mark.parametrize("op,acts,alpha,beta", [
    ("LSTM", ["HardSigmoid", "LeakyRelu", "Softsign"], [0.3, 0.2], [0.4]),
    ("GRU", ["Sigmoid", "Relu", "HardSigmoid", "Tanh"], [0.25], [0.45]),
    ("RNN", ["Softplus"], [], []),
])
def test_activations_with_alpha_beta(op, acts, alpha, beta):
    direction = "bidirectional" if len(acts) > {"LSTM": 3, "GRU": 2, "RNN": 1}[op] else "forward"
    attrs = {"activations": acts}
    if alpha:
        attrs["activation_alpha"] = alpha
    if beta:
        attrs["activation_beta"] = beta
    check_single(*single(op, direction, **attrs))


@pytest.mark.parametrize("act,alpha,beta", [("Affine", 0.5, 0.25), ("ScaledTanh", 1.5, 0.5),
                                            ("ThresholdedRelu", 0.2, None), ("Elu", 0.7, None)])
def test_rnn_activations_reference_evaluator(act, alpha, beta):
    attrs = {"activations": [act], "activation_alpha": [alpha]}
    if beta is not None:
        attrs["activation_beta"] = [beta]
    m, feed = single("RNN", **attrs)
    got = aic.compile(m, cache=False)(**feed)
    np.testing.assert_allclose(got[0], _rnn_numpy(m, feed, act, alpha, beta), rtol=1e-4,
                               atol=1e-5)


def _rnn_numpy(m, feed, act, alpha, beta):
    """A forward ONNX RNN in numpy (onnxruntime lacks Affine/ScaledTanh), Y [seq, 1, B, H]."""
    w, r, b = (numpy_helper.to_array(t)[0] for t in m.graph.initializer)
    fn = {"Affine": lambda v: alpha * v + beta,
          "ScaledTanh": lambda v: alpha * np.tanh(beta * v),
          "ThresholdedRelu": lambda v: np.where(v > alpha, v, 0),
          "Elu": lambda v: np.where(v >= 0, v, alpha * (np.exp(v) - 1))}[act]
    h, ys = feed["h0"][0], []
    hid = r.shape[1]
    for x_t in feed["X"]:
        h = fn(x_t @ w.T + h @ r.T + b[:hid] + b[hid:])
        ys.append(h)
    return np.stack(ys)[:, None]


def test_refuses_unknown_activation_and_short_sequence_lens():
    m, _ = single("LSTM", activations=["Relu", "Tanh", "Gelu"])
    with pytest.raises(aic.UnsupportedError, match="Gelu"):
        aic.compile(m, cache=False)
    m, _ = single("GRU", with_init=False)
    m.graph.node[0].input[4] = "lens"
    m.graph.initializer.append(numpy_helper.from_array(np.array([4, 2], np.int32), "lens"))
    with pytest.raises(aic.UnsupportedError, match="sequence_lens"):
        aic.compile(m, cache=False)


def test_graph_ir_does_not_grow_with_the_sequence():
    sizes = [len(str(aic.import_onnx(single("LSTM", "bidirectional", seq=s)[0])).splitlines())
             for s in (4, 64)]
    assert sizes[0] == sizes[1]
    assert "scf.for" in str(aic.import_onnx(single("GRU", seq=8)[0]))


# -- PyTorch-style models: stacked layers, as nn.LSTM / nn.GRU export them ------------------------

def stacked(op, seq, layers=2, bidirectional=False, hidden=64, features=32, batch=1, seed=3):
    """``nn.LSTM/GRU(features, hidden, layers, bidirectional)``'s export: per layer one node
    (initial states from inputs), then Transpose + Reshape of Y to [seq, batch, dirs*H]."""
    rng = np.random.default_rng(seed)
    dirs = 2 if bidirectional else 1
    g, nodes, inits, x, n_in = GATES[op], [], [], "x", features
    state = [layers * dirs, batch, hidden]
    for k in range(layers):
        inits += [(f"W{k}", rnd(rng, dirs, g * hidden, n_in, scale=0.2)),
                  (f"R{k}", rnd(rng, dirs, g * hidden, hidden, scale=0.2)),
                  (f"B{k}", rnd(rng, dirs, 2 * g * hidden, scale=0.1)),
                  (f"s{k}", np.array([dirs * k, 0, 0], np.int64)),
                  (f"e{k}", np.array([dirs * (k + 1), batch, hidden], np.int64)),
                  (f"shape{k}", np.array([seq, batch, dirs * hidden], np.int64))]
        states = ["h0"] + (["c0"] if op == "LSTM" else [])
        for s in states:
            nodes.append(helper.make_node("Slice", [s, f"s{k}", f"e{k}"], [f"{s}_{k}"]))
        outs = [f"y{k}", f"yh{k}"] + ([f"yc{k}"] if op == "LSTM" else [])
        ins = [x, f"W{k}", f"R{k}", f"B{k}", ""] + [f"{s}_{k}" for s in states]
        nodes.append(helper.make_node(op, ins, outs, hidden_size=hidden,
                                      direction="bidirectional" if bidirectional else "forward"))
        nodes.append(helper.make_node("Transpose", [f"y{k}"], [f"t{k}"], perm=[0, 2, 1, 3]))
        nodes.append(helper.make_node("Reshape", [f"t{k}", f"shape{k}"], [f"out{k}"]))
        x, n_in = f"out{k}", dirs * hidden
    nodes.append(helper.make_node("Concat", [f"yh{k}" for k in range(layers)], ["h_n"], axis=0))
    feed = {"x": rnd(rng, seq, batch, features), "h0": rnd(rng, *state, scale=0.5)}
    inputs = [("x", [seq, batch, features]), ("h0", state)]
    if op == "LSTM":
        feed["c0"] = rnd(rng, *state, scale=0.5)
        inputs.append(("c0", state))
    m = model(nodes, inputs, [(x, [seq, batch, dirs * hidden]), ("h_n", state)], inits=inits)
    return m, feed


@pytest.mark.parametrize("op", ["LSTM", "GRU"])
@pytest.mark.parametrize("seq,bidirectional", [(16, False), (16, True), (128, True)])
def test_pytorch_style_models_jit(op, seq, bidirectional):
    m, feed = stacked(op, seq, bidirectional=bidirectional)
    check(aic.compile(m, cache=False)(**feed), reference(m, feed), rtol=1e-4, atol=2e-5)


@pytest.mark.parametrize("op", ["LSTM", "GRU"])
def test_pytorch_style_model_library(op, tmp_path):
    m, feed = stacked(op, 128, bidirectional=True)
    path = tmp_path / "model.onnx"
    onnx.save(m, path)
    lib = aic.compile(str(path), cache=False).save(str(tmp_path / "model.so"))
    check(aic.load(lib)(**feed), reference(m, feed), rtol=1e-4, atol=2e-5)
