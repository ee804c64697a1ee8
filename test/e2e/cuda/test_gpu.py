"""Models run on a real GPU (the `cuda` marker: skipped with the driver's reason elsewhere)
and match onnxruntime. Tolerance as in test_emulation.py (f32 FMA kernels)."""

import aic
import numpy as np
import pytest
from aic.runner import onnxruntime_session, random_input
from cuda_models import build

RTOL, ATOL = 1e-4, 1e-5


@pytest.mark.cuda
@pytest.mark.parametrize("name", ["mlp_small", "transformer_encoder", "resnet_cnn",
                                  "gpt_decoder"])
def test_model_on_the_gpu_matches_onnxruntime(name):
    from aic.testing import models

    model = models.mlp() if name == "mlp_small" else build(name)
    compiled = aic.compile(model, target="cuda")
    rng = np.random.default_rng(0)
    feed = {t.name: random_input(t.shape, t.dtype, rng) for t in compiled.inputs}
    got = compiled(**feed)
    session = onnxruntime_session(model.SerializeToString())
    want = session.run([o.name for o in session.get_outputs()], feed)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)
