"""Real models (aic.testing.models) compiled for the CPU match onnxruntime."""

import numpy as np
import onnx
import pytest

import aic
from aic.runner import onnxruntime_session, random_input
from aic.testing import models

RTOL, ATOL = 1e-4, 1e-5


def _reference(model: onnx.ModelProto, feed: dict) -> list[np.ndarray]:
    session = onnxruntime_session(model.SerializeToString())
    names = [o.name for o in session.get_outputs()]
    return session.run(names, feed)


def _feed(compiled, seed=0) -> dict:
    rng = np.random.default_rng(seed)
    return {t.name: random_input(t.shape, t.dtype, rng) for t in compiled.inputs}


@pytest.mark.parametrize("name", ["resnet_cnn", "mobilenet_block", "transformer_encoder",
                                  "gpt_decoder", "mlp", "old_exporter_cnn"])
def test_model_matches_onnxruntime(name):
    model = models.ALL[name]()
    compiled = aic.compile(model)
    feed = _feed(compiled)
    got = compiled(**feed)
    want = _reference(model, feed)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)


def test_old_exporter_weights_are_constants():
    compiled = aic.compile(models.old_exporter_cnn())
    assert compiled.input_names == ["data"]


def test_symbolic_batch_is_dynamic_or_takes_shapes():
    model = models.symbolic_encoder()
    dynamic = aic.compile(model)  # no shapes: the batch stays dynamic (docs/dynamic-shapes.md)
    assert [t.shape for t in dynamic.inputs] == [(-1, 64)]
    for batch in (1, 5):
        feed = {"x": np.random.default_rng(batch).standard_normal((batch, 64), np.float32)}
        np.testing.assert_allclose(dynamic(**feed)[0], _reference(model, feed)[0],
                                   rtol=RTOL, atol=ATOL)
    compiled = aic.compile(model, input_shapes={"x": [3, 64]})
    feed = _feed(compiled)
    (got,) = compiled(**feed)
    (want,) = _reference(model, feed)
    assert got.shape == (3, 10)
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


def test_symbolic_batch_and_sequence_fold_shape_subgraphs():
    model = models.symbolic_attention()
    compiled = aic.compile(model, input_shapes={"x": [2, 5, 32]})
    graph = str(aic.import_onnx(model, input_shapes={"x": [2, 5, 32]}))
    assert "Shape" not in graph and "graph.concat" not in graph  # the shape math folded away
    feed = _feed(compiled)
    (got,) = compiled(**feed)
    (want,) = _reference(model, feed)
    assert got.shape == (2, 5, 32)
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)
