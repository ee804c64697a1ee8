"""The nine model-zoo CNNs shipped inside the onnx package (``light_*.onnx``: AlexNet,
DenseNet-121, Inception v1/v2, ResNet-50, ShuffleNet, SqueezeNet, VGG-19, ZFNet-512; opset
7-9 forms such as Dropout-7 with its mask output), weights filled with seeded random values
(``aic.testing.zoo``), compiled and compared with onnxruntime.

Compile times on a busy 2-core machine (one at a time, no compile cache): SqueezeNet 24 s,
AlexNet 55 s, ZFNet 61 s, the others 50-140 s -- SqueezeNet and ShuffleNet run in the default
suite, the rest are marked ``slow`` (``pytest -m slow``) to keep CI time down.
"""

import numpy as np
import onnxruntime as ort
import pytest

import aic
from aic.testing.zoo import LIGHT_MODELS, light_model

DEFAULT = {"squeezenet", "shufflenet"}


@pytest.mark.parametrize("name", [n if n in DEFAULT else pytest.param(n, marks=pytest.mark.slow)
                                  for n in LIGHT_MODELS])
def test_light_model_matches_onnxruntime(name):
    model = light_model(name, seed=0)
    x = np.random.default_rng(1).standard_normal((1, 3, 224, 224)).astype(np.float32)
    (got,) = aic.compile(model)(x)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    (want,) = session.run(None, {session.get_inputs()[0].name: x})
    assert got.shape == want.shape
    assert want.max() - want.min() > 1e-3, "random weights should make the classes differ"
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-5)
    assert got.argmax() == want.argmax()


def test_light_model_weights_are_deterministic():
    a, b = light_model("squeezenet", seed=0), light_model("squeezenet", seed=0)
    assert a.SerializeToString() == b.SerializeToString()
    assert light_model("squeezenet", seed=1).SerializeToString() != a.SerializeToString()
