"""A BERT as ``torch.onnx.export(dynamo=True)`` writes it (``aic.testing.dynamo_models``):
opset 18, onnxscript's decompositions, a ``GatherND`` padding mask over ``Range`` index
tensors, ``LayerNormalization`` ops, weights in an external data file -- compiled by aic and
compared with onnxruntime on the same inputs."""

import numpy as np
import onnx
import pytest

import aic
from aic.runner import onnxruntime_session
from aic.testing import dynamo_models


def _feed(batch, seq, seed):
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, 200, (batch, seq)).astype(np.int64)
    mask = (rng.random((batch, seq)) > 0.3).astype(np.int64)
    mask[:, 0] = 1
    mask[-1, seq // 2:] = 0  # a padded sequence
    return {"input_ids": ids, "attention_mask": mask}


def _check(model, compiled, feed):
    want = onnxruntime_session(model.SerializeToString()).run(None, feed)
    got = compiled(**feed)
    assert [g.shape for g in got] == [w.shape for w in want]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)


def _save_external(model, folder) -> str:
    """As the exporter saves a large model: the weights in ``model.onnx.data``."""
    path, copy = str(folder / "model.onnx"), onnx.ModelProto()
    copy.CopyFrom(model)  # saving moves the tensors' bytes out of the proto it is given
    onnx.save_model(copy, path, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="model.onnx.data", size_threshold=1024)
    return path


def test_static_export_from_external_data(tmp_path):
    model = dynamo_models.bert(shape=(2, 16))
    path = _save_external(model, tmp_path)
    assert (tmp_path / "model.onnx.data").stat().st_size > 100_000
    _check(model, aic.compile(path, cache=False), _feed(2, 16, 0))


@pytest.mark.parametrize("batch, seq", [(1, 8), (3, 33)])
def test_dynamic_export_at_given_sizes(batch, seq):
    model = dynamo_models.bert()
    compiled = aic.compile(model, cache=False, input_shapes={"input_ids": [batch, seq],
                                                             "attention_mask": [batch, seq]})
    _check(model, compiled, _feed(batch, seq, seq))


@pytest.mark.xfail(strict=True, raises=aic.UnsupportedError,
                   reason="Range with a limit computed from a dynamic dim (torch.arange(batch)) "
                          "needs a constant: one artifact for every size is the dynamic-shapes "
                          "issue's work; give input_shapes")
def test_dynamic_export_without_sizes():
    model = dynamo_models.bert()
    _check(model, aic.compile(model, cache=False), _feed(2, 16, 1))
