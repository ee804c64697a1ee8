"""Data-dependent indices at run time (issue 12): an index out of range never reads out of
bounds and becomes ``aic.InputError`` naming the ONNX node and the index -- through the JIT
and through a library loaded with ``aic.load``; in-range negative indices still pick the
right rows (against onnxruntime); OneHot keeps ONNX's all-``off`` rows for out-of-range
indices (no error: ONNX defines them)."""

import threading

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper

import aic
from aic.runner import onnxruntime_session

F, I64, I32 = TensorProto.FLOAT, TensorProto.INT64, TensorProto.INT32
TABLE = np.arange(100 * 16, dtype=np.float32).reshape(100, 16)


def model(nodes, inputs, outputs, inits=(), opset=17):
    graph = helper.make_graph(
        nodes, "t", [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(n, t, s) for n, t, s in outputs],
        initializer=[numpy_helper.from_array(a, n) for n, a in inits])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], ir_version=9)


def embedding(dtype=I64):
    return model([helper.make_node("Gather", ["table", "ids"], ["y"], axis=0, name="embed")],
                 [("ids", dtype, [2, 4])], [("y", F, [2, 4, 16])], [("table", TABLE)])


def ort(m, feed):
    session = onnxruntime_session(m.SerializeToString())
    return session.run(None, feed)


@pytest.fixture(scope="module")
def jit():
    return aic.compile(embedding())


@pytest.fixture(scope="module")
def library(jit, tmp_path_factory):
    path = tmp_path_factory.mktemp("lib") / "embed.so"
    jit.save(str(path))
    return aic.load(str(path))


IDS = np.array([[0, 1, -1, -100], [99, 5, -50, 7]], np.int64)


@pytest.mark.parametrize("which", ["jit", "library"])
@pytest.mark.parametrize("bad", [10**9, -10**6, 100, -101, 2**63 - 1, -2**63])
def test_gather_index_out_of_range_is_an_input_error(request, which, bad):
    m = request.getfixturevalue(which)
    ids = IDS.copy()
    ids[1, 2] = bad
    lo, hi = -100, 100
    with pytest.raises(aic.InputError, match=rf"^invalid model input: index {bad} is out of "
                                             rf"range \[{lo}, {hi}\) for Gather node 'embed'$"):
        m(ids)
    (y,) = m(IDS)  # the model keeps working after a refused call
    np.testing.assert_array_equal(y, TABLE[IDS])


@pytest.mark.parametrize("which", ["jit", "library"])
def test_in_range_negative_indices_give_the_right_rows(request, which):
    (y,) = request.getfixturevalue(which)(IDS)
    np.testing.assert_array_equal(y, ort(embedding(), {"ids": IDS})[0])
    np.testing.assert_array_equal(y[0, 2], TABLE[99])
    np.testing.assert_array_equal(y[0, 3], TABLE[0])


def test_int32_indices_are_checked():
    m = aic.compile(embedding(I32))
    ids = IDS.astype(np.int32)
    np.testing.assert_array_equal(m(ids)[0], TABLE[IDS])
    ids[0, 0] = -2**31
    with pytest.raises(aic.InputError, match=r"index -2147483648 is out of range"):
        m(ids)


def test_scalar_index_from_an_input():
    m = aic.compile(model([helper.make_node("Gather", ["table", "i"], ["y"], axis=1, name="col")],
                          [("i", I64, [])], [("y", F, [100])], [("table", TABLE)]))
    np.testing.assert_array_equal(m(np.array(-1, np.int64))[0], TABLE[:, 15])
    with pytest.raises(aic.InputError, match=r"index 16 is out of range \[-16, 16\) for Gather "
                                             r"node 'col'"):
        m(np.array(16, np.int64))


def test_gather_elements_out_of_range():
    m_onnx = model([helper.make_node("GatherElements", ["x", "i"], ["y"], axis=1, name="ge")],
                   [("x", F, [3, 4]), ("i", I64, [3, 2])], [("y", F, [3, 2])])
    m = aic.compile(m_onnx)
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    good = np.array([[0, -1], [3, -4], [1, 2]], np.int64)
    np.testing.assert_array_equal(m(x, good)[0], ort(m_onnx, {"x": x, "i": good})[0])
    for bad in (4, -5, 10**12):
        i = good.copy()
        i[2, 1] = bad
        with pytest.raises(aic.InputError, match=rf"index {bad} is out of range \[-4, 4\) for "
                                                 r"GatherElements node 'ge'"):
            m(x, i)


def test_one_hot_out_of_range_gives_off_rows_as_onnx_says():
    depth, values = np.array(5, np.int64), np.array([0.0, 1.0], np.float32)
    m_onnx = model([helper.make_node("OneHot", ["i", "d", "v"], ["y"], axis=-1)],
                   [("i", I64, [6])], [("y", F, [6, 5])], [("d", depth), ("v", values)])
    i = np.array([0, -1, 5, -6, 10**9, -10**9], np.int64)
    (y,) = aic.compile(m_onnx)(i)
    np.testing.assert_array_equal(y, ort(m_onnx, {"i": i})[0])
    assert y[2:].sum() == 0 and y[1, 4] == 1


def bert_like(vocab=50, seq=8, d=32):
    """A BERT front end as torch.onnx.export writes it: word embeddings (Gather on
    input_ids) + position embeddings, LayerNormalization, then a Linear (MatMul + Add) with
    Erf-GELU and a Softmax over the hidden dim."""
    rng = np.random.default_rng(0)
    w = {"words": rng.standard_normal((vocab, d)), "pos": rng.standard_normal((1, seq, d)),
         "gamma": np.ones(d), "beta": np.zeros(d), "w": rng.standard_normal((d, d)) / 6,
         "b": rng.standard_normal(d), "half": np.array(0.5), "one": np.array(1.0),
         "sqrt2": np.array(np.sqrt(2.0))}
    nodes = [helper.make_node("Gather", ["words", "input_ids"], ["e"], axis=0, name="word_emb"),
             helper.make_node("Add", ["e", "pos"], ["x"]),
             helper.make_node("LayerNormalization", ["x", "gamma", "beta"], ["n"], axis=-1),
             helper.make_node("MatMul", ["n", "w"], ["m"]),
             helper.make_node("Add", ["m", "b"], ["h"]),
             helper.make_node("Div", ["h", "sqrt2"], ["s"]),
             helper.make_node("Erf", ["s"], ["erf"]),
             helper.make_node("Add", ["erf", "one"], ["e1"]),
             helper.make_node("Mul", ["h", "e1"], ["g"]),
             helper.make_node("Mul", ["g", "half"], ["gelu"]),
             helper.make_node("Softmax", ["gelu"], ["probs"], axis=-1)]
    return model(nodes, [("input_ids", I64, [1, seq])], [("probs", F, [1, seq, d])],
                 [(k, v.astype(np.float32)) for k, v in w.items()])


def test_input_ids_past_the_vocabulary_of_a_bert_like_model():
    m_onnx = bert_like()
    m = aic.compile(m_onnx)
    ids = np.arange(8, dtype=np.int64).reshape(1, 8) * 7  # 0..49: in range
    (got,) = m(ids)
    np.testing.assert_allclose(got, ort(m_onnx, {"input_ids": ids})[0], rtol=1e-4, atol=1e-5)
    ids[0, 5] = 50
    with pytest.raises(aic.InputError, match=r"index 50 is out of range \[-50, 50\) for Gather "
                                             r"node 'word_emb'"):
        m(ids)


def test_threads_see_their_own_errors(library):
    """The C entry's error message is per thread: a bad call in one thread does not show up
    as (or hide) an error in another."""
    bad = IDS.copy()
    bad[0, 0] = 1000
    errors, wrong = [], []

    def work(ids, expect_error):
        for _ in range(50):
            try:
                (y,) = library(ids)
                if expect_error or not np.array_equal(y, TABLE[IDS]):
                    wrong.append("no error" if expect_error else "wrong rows")
            except aic.InputError as e:
                errors.append(str(e)) if expect_error else wrong.append(str(e))
    threads = [threading.Thread(target=work, args=a) for a in ((IDS, False), (bad, True))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not wrong
    message = ("invalid model input: index 1000 is out of range [-100, 100) for Gather node "
               "'embed'")
    assert set(errors) == {message}
