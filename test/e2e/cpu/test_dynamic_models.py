"""Dynamic shapes end to end: models with dynamic axes compiled once (no input shapes) run at
several sizes and match onnxruntime; the compiled artifact is one, whatever the size."""

import numpy as np
import pytest

import aic
from aic.runner import onnxruntime_session
from aic.testing import dynamic_models, models

SIZES = [(1, 16), (2, 64), (3, 33)]  # (batch, seq)


def _tokens(batch, seq, rng, vocab=100):
    ids = rng.integers(0, vocab, (batch, seq)).astype(np.int64)
    mask = (rng.random((batch, seq)) > 0.2).astype(np.int64)
    mask[:, 0] = 1
    return ids, mask


def _check(model, compiled, feed, rtol=1e-4, atol=1e-5):
    session = onnxruntime_session(model.SerializeToString())
    want = session.run([o.name for o in session.get_outputs()], feed)
    got = compiled(**feed)
    for g, w in zip(got, want):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)


@pytest.fixture(scope="module")
def bert():
    model = dynamic_models.bert()
    return model, aic.compile(model, cache=False)


@pytest.fixture(scope="module")
def gpt2():
    model = dynamic_models.gpt2()
    return model, aic.compile(model, cache=False)


@pytest.mark.parametrize("batch, seq", SIZES)
def test_bert_any_batch_and_sequence(bert, batch, seq):
    model, compiled = bert
    ids, mask = _tokens(batch, seq, np.random.default_rng(batch * 100 + seq))
    _check(model, compiled, {"input_ids": ids, "attention_mask": mask})


@pytest.mark.parametrize("batch, seq", SIZES)
def test_gpt2_any_batch_and_sequence(gpt2, batch, seq):
    model, compiled = gpt2
    ids, _ = _tokens(batch, seq, np.random.default_rng(batch * 100 + seq))
    _check(model, compiled, {"input_ids": ids})


def test_bert_tokens_past_the_largest_chunk():
    """More tokens than the largest row chunk (128): full chunks of 128, of 32, then single
    rows (aic-linalg-chunk-dynamic); attention in chunks of heads (heads*batch)."""
    model = dynamic_models.bert(max_pos=256)
    compiled = aic.compile(model, cache=False)
    for batch, seq in ((1, 170), (2, 101)):  # 128 + 32 + 10 rows; 128 + 64 + 10 tokens
        ids, mask = _tokens(batch, seq, np.random.default_rng(batch * 100 + seq))
        _check(model, compiled, {"input_ids": ids, "attention_mask": mask})


def test_resnet_any_batch():
    model = dynamic_models.resnet()
    compiled = aic.compile(model, cache=False)
    rng = np.random.default_rng(0)
    for batch in (1, 4, 3):
        _check(model, compiled, {"image": rng.standard_normal((batch, 3, 32, 32), np.float32)})


def test_shape_subgraphs_on_symbolic_dims():
    """Reshape targets built from Shape -> Gather -> Concat of a dynamic input."""
    model = models.symbolic_attention()
    compiled = aic.compile(model, cache=False)
    rng = np.random.default_rng(1)
    for batch, seq in SIZES:
        _check(model, compiled, {"x": rng.standard_normal((batch, seq, 32), np.float32)})


def test_input_shapes_still_specialise():
    model = dynamic_models.bert(layers=1)
    compiled = aic.compile(model, cache=False,
                           input_shapes={"input_ids": [2, 16], "attention_mask": [2, 16]})
    assert [tuple(t.shape) for t in compiled.inputs] == [(2, 16), (2, 16)]
    ids, mask = _tokens(2, 16, np.random.default_rng(3))
    _check(model, compiled, {"input_ids": ids, "attention_mask": mask})


def _cli(*args):
    import subprocess
    import sys
    tool = {"aic-compile": "aic.tools.compile", "aic-run": "aic.tools.run"}[args[0]]
    done = subprocess.run([sys.executable, "-m", tool, *args[1:]], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done


@pytest.mark.parametrize("name, feeds", [
    ("bert", [dict(zip(("input_ids", "attention_mask"), _tokens(b, s, np.random.default_rng(s))))
              for b, s in SIZES]),
    ("resnet", [{"image": np.random.default_rng(b).standard_normal((b, 3, 32, 32), np.float32)}
                for b in (1, 4, 3)]),
])
def test_one_library_any_size_from_the_cli(tmp_path, name, feeds):
    """``aic-compile MODEL -o model.so`` (no --input-shape), then ``aic-run model.so --inputs``
    at three sizes: each matches onnxruntime."""
    import onnx
    model = {"bert": lambda: dynamic_models.bert(layers=1), "resnet": dynamic_models.resnet}[name]()
    onnx.save(model, tmp_path / "m.onnx")
    _cli("aic-compile", str(tmp_path / "m.onnx"), "-o", str(tmp_path / "m.so"), "--no-cache")
    session = onnxruntime_session(model.SerializeToString())
    for k, feed in enumerate(feeds):
        np.savez(tmp_path / f"in{k}.npz", **feed)
        _cli("aic-run", str(tmp_path / "m.so"), "--inputs", str(tmp_path / f"in{k}.npz"),
             "--output", str(tmp_path / f"out{k}.npz"))
        got = np.load(tmp_path / f"out{k}.npz")
        for o, want in zip(session.get_outputs(), session.run(None, feed)):
            np.testing.assert_allclose(got[o.name], want, rtol=1e-4, atol=1e-5)
