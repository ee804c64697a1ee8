"""The opset-23 transformer ops (issue 9) in models, against onnxruntime: a decoder block with
RMSNormalization, RotaryEmbedding (position ids at run time) and grouped-query causal
Attention; Attention with a run-time boolean mask, past key/value and a fully masked row;
a classifier head that picks tokens with GatherND (as dynamo-exported BERTs do); bf16 and f16
Attention with and without ``softmax_precision`` against ONNX's reference."""

import ml_dtypes
import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx.reference import ReferenceEvaluator

import aic
from aic.runner import onnxruntime_session

F, I64, B = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
RNG = np.random.default_rng(23)
S, D, HQ, HKV, HD = 16, 64, 4, 2, 16


def make(nodes, inputs, outputs, inits, opset=23):
    graph = helper.make_graph(
        nodes, "t", [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs],
        initializer=[numpy_helper.from_array(a, n) for n, a in inits.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=10)


def compare(m, feed, rtol=1e-4, atol=1e-5):
    got = aic.compile(m)(**feed)
    want = onnxruntime_session(m.SerializeToString()).run(None, feed)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)
    return got


def w(*shape, s=0.1):
    return (RNG.standard_normal(shape) * s).astype(np.float32)


def decoder_block():
    nh = helper.make_node
    inv = 1.0 / 10000 ** (np.arange(0, HD, 2) / HD)
    angles = np.arange(64)[:, None] * inv[None, :]
    inits = {"g1": 1 + w(D), "g2": 1 + w(D), "wq": w(D, HQ * HD), "wk": w(D, HKV * HD),
             "wv": w(D, HKV * HD), "wo": w(HQ * HD, D), "w1": w(D, 4 * D), "w2": w(4 * D, D),
             "cos": np.cos(angles).astype(np.float32), "sin": np.sin(angles).astype(np.float32),
             "q_shape": np.array([1, S, HQ, HD], np.int64),
             "kv_shape": np.array([1, S, HKV, HD], np.int64),
             "flat": np.array([1, S, HQ * HD], np.int64)}
    nodes = [nh("RMSNormalization", ["x", "g1"], ["n1"], epsilon=1e-6)]
    for name, shape, heads in (("q", "q_shape", HQ), ("k", "kv_shape", HKV),
                               ("v", "kv_shape", HKV)):
        nodes += [nh("MatMul", ["n1", f"w{name}"], [f"{name}2"]),
                  nh("Reshape", [f"{name}2", shape], [f"{name}3"]),
                  nh("Transpose", [f"{name}3"], [f"{name}4"], perm=[0, 2, 1, 3])]
    nodes += [nh("RotaryEmbedding", ["q4", "cos", "sin", "pos"], ["qr"]),
              nh("RotaryEmbedding", ["k4", "cos", "sin", "pos"], ["kr"]),
              nh("Attention", ["qr", "kr", "v4"], ["att"], is_causal=1),
              nh("Transpose", ["att"], ["att2"], perm=[0, 2, 1, 3]),
              nh("Reshape", ["att2", "flat"], ["att3"]),
              nh("MatMul", ["att3", "wo"], ["proj"]), nh("Add", ["x", "proj"], ["h"]),
              nh("RMSNormalization", ["h", "g2"], ["n2"], epsilon=1e-6),
              nh("MatMul", ["n2", "w1"], ["up"]), nh("Sigmoid", ["up"], ["gate"]),
              nh("Mul", ["up", "gate"], ["act"]), nh("MatMul", ["act", "w2"], ["down"]),
              nh("Add", ["h", "down"], ["y"])]
    return make(nodes, [("x", F, [1, S, D]), ("pos", I64, [1, S])], [("y", F, [1, S, D])],
                inits)


def test_decoder_block_against_onnxruntime():
    x = RNG.standard_normal((1, S, D)).astype(np.float32)
    for start in (0, 40):  # the position ids are a run-time input
        pos = np.arange(start, start + S, dtype=np.int64)[None]
        compare(decoder_block(), {"x": x, "pos": pos}, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("gqa", [False, True])
def test_attention_with_mask_and_past_against_onnxruntime(gqa):
    q_heads, kv_heads, past, new = 4, (2 if gqa else 4), 5, 3
    node = helper.make_node("Attention", ["q", "k", "v", "mask", "pk", "pv"],
                            ["y", "present_k", "present_v", "qk"], qk_matmul_output_mode=3,
                            softcap=20.0)
    m = make([node], [("q", F, [2, q_heads, new, 8]), ("k", F, [2, kv_heads, new, 8]),
                      ("v", F, [2, kv_heads, new, 8]), ("mask", B, [2, 1, new, past + new]),
                      ("pk", F, [2, kv_heads, past, 8]), ("pv", F, [2, kv_heads, past, 8])],
             [("y", F, [2, q_heads, new, 8]), ("present_k", F, [2, kv_heads, past + new, 8]),
              ("present_v", F, [2, kv_heads, past + new, 8]),
              ("qk", F, [2, q_heads, new, past + new])], {})
    feed = {"q": w(2, q_heads, new, 8, s=1), "k": w(2, kv_heads, new, 8, s=1),
            "v": w(2, kv_heads, new, 8, s=1), "pk": w(2, kv_heads, past, 8, s=1),
            "pv": w(2, kv_heads, past, 8, s=1),
            "mask": RNG.random((2, 1, new, past + new)) > 0.3}
    feed["mask"][1, 0, 2, :] = False  # a fully masked row: zeros, not NaN
    y, *_ = compare(m, feed)
    np.testing.assert_array_equal(y[1, :, 2], 0)


def test_gather_nd_token_pick_against_onnxruntime():
    """BERT-style head: the hidden state of one token per sequence (GatherND, batch_dims=1)."""
    nodes = [helper.make_node("GatherND", ["h", "tok"], ["picked"], batch_dims=1),
             helper.make_node("MatMul", ["picked", "w"], ["logits"])]
    m = make(nodes, [("h", F, [3, 10, 32]), ("tok", I64, [3, 1])], [("logits", F, [3, 5])],
             {"w": w(32, 5)})
    h = RNG.standard_normal((3, 10, 32)).astype(np.float32)
    compare(m, {"h": h, "tok": np.array([[0], [9], [-1]], np.int64)})


@pytest.mark.parametrize("dtype, elem", [(ml_dtypes.bfloat16, TensorProto.BFLOAT16),
                                         (np.float16, TensorProto.FLOAT16)])
def test_half_attention_softmax_precision_as_the_spec_says(dtype, elem):
    """No ``softmax_precision``: the softmax runs in the element type, rounded step by step
    as ONNX's reference does -- over 40 keys a bf16 row sum (bf16 additions in key order)
    ends far from an f32 sum, so matching the reference bit for bit shows the order is kept
    (the same with ``softmax_precision`` naming the element type); ``softmax_precision = 1``
    gives an f32 softmax. A causal mask with a run-time boolean
    mask that hides all of one row (zeros, not NaN)."""
    b, heads, sq, skv, d = 2, 2, 3, 40, 8
    feed = {"q": RNG.standard_normal((b, heads, sq, d)).astype(dtype),
            "k": RNG.standard_normal((b, heads, skv, d)).astype(dtype),
            "v": RNG.standard_normal((b, heads, skv, d)).astype(dtype),
            "mask": RNG.random((b, 1, sq, skv)) > 0.2}
    feed["mask"][1, 0, 1] = False
    results = {}
    for precision in (None, elem, TensorProto.FLOAT):  # absent, the type itself, f32
        attrs = {} if precision is None else {"softmax_precision": precision}
        node = helper.make_node("Attention", ["q", "k", "v", "mask"], ["y"], **attrs)
        m = make([node], [("q", elem, [b, heads, sq, d]), ("k", elem, [b, heads, skv, d]),
                          ("v", elem, [b, heads, skv, d]), ("mask", B, [b, 1, sq, skv])],
                 [("y", elem, [b, heads, sq, d])], {})
        got = np.asarray(aic.compile(m)(**feed)[0]).astype(np.float32)
        want = ReferenceEvaluator(m).run(None, feed)[0].astype(np.float32)
        if precision != TensorProto.FLOAT:
            np.testing.assert_array_equal(got, want)
        else:  # an f32 softmax then one rounding: at most an ulp of the element type apart
            np.testing.assert_allclose(got, want, rtol=2 ** -7, atol=1e-3)
        np.testing.assert_array_equal(got[1, :, 1], 0)
        results[precision] = got
    assert not np.array_equal(results[None], results[TensorProto.FLOAT])


def test_bf16_attention_over_many_keys_warns(capfd):
    """A bf16 softmax whose row sum runs over more keys than bf16 can count gets a warning
    naming the node and the attribute that avoids it; with softmax_precision, none."""
    for attrs, warned in (({}, True), ({"softmax_precision": TensorProto.FLOAT}, False)):
        node = helper.make_node("Attention", ["q", "k", "v"], ["y"], name="attn", **attrs)
        m = make([node], [("q", TensorProto.BFLOAT16, [1, 1, 2, 8]),
                          ("k", TensorProto.BFLOAT16, [1, 1, 300, 8]),
                          ("v", TensorProto.BFLOAT16, [1, 1, 300, 8])],
                 [("y", TensorProto.BFLOAT16, [1, 1, 2, 8])], {})
        aic.compile(m)
        err = capfd.readouterr().err
        assert ("node 'attn' (Attention, opset 23): " in err and "warning:" in err
                and "over 300 keys" in err and "softmax_precision=1" in err) == warned, err
        if warned:
            assert len(err.strip().splitlines()) == 1, err


def _attention(q_dims, kv_dims, elem=F, **attrs):
    node = helper.make_node("Attention", ["q", "k", "v"], ["y"], name="attn", **attrs)
    return make([node], [("q", elem, q_dims), ("k", elem, kv_dims), ("v", elem, kv_dims)],
                [("y", elem, q_dims)], {})


@pytest.mark.parametrize("q_dims, kv_dims, attrs", [
    (["B", 4, 3, 8], ["B", 2, 5, 8], {"is_causal": 1}),          # grouped-query, causal
    (["B", 3, 16], ["B", 5, 16], {"q_num_heads": 2, "kv_num_heads": 2}),  # 3-D: heads split
    ([1, 2, "S", 8], [1, 2, "T", 8], {}),                          # sequence lengths
    (["B", "S", 16], ["B", "T", 16], {"q_num_heads": 2, "kv_num_heads": 2}),  # all of them
])
def test_attention_with_dynamic_dims_against_onnxruntime(q_dims, kv_dims, attrs):
    """One compile runs at every size: the decomposition's reshapes keep the names of the
    dims they keep (the batch), so the lowering can size them."""
    compiled = aic.compile(_attention(q_dims, kv_dims, **attrs))
    session = onnxruntime_session(_attention(q_dims, kv_dims, **attrs).SerializeToString())
    for size in (2, 3):
        sizes = {"B": size, "S": size, "T": size + 2}
        q_shape, kv_shape = ([sizes.get(d, d) for d in dims] for dims in (q_dims, kv_dims))
        feed = {"q": w(*q_shape, s=1), "k": w(*kv_shape, s=1), "v": w(*kv_shape, s=1)}
        np.testing.assert_allclose(compiled(**feed)[0], session.run(None, feed)[0],
                                   rtol=1e-5, atol=1e-6)


def test_attention_needing_static_sizes_says_so():
    with pytest.raises(aic.UnsupportedError, match=r"node 'attn' \(Attention, opset 23\): a "
                       r"causal, windowed or masked Attention needs static sequence lengths"):
        aic.compile(_attention([1, 2, "S", 8], [1, 2, "S", 8], is_causal=1))
    with pytest.raises(aic.UnsupportedError, match=r"a bf16 softmax without softmax_precision "
                       r"\(added in key order\) needs static shapes"):
        aic.compile(_attention(["B", 2, 3, 8], ["B", 2, 5, 8], elem=TensorProto.BFLOAT16))
