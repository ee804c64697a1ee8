"""The model-zoo CNNs shipped inside the onnx package, with weights to compute with.

``onnx/backend/test/data/light/light_<name>.onnx`` are the classic model-zoo architectures
(AlexNet, DenseNet-121, Inception v1/v2, ResNet-50, ShuffleNet, SqueezeNet, VGG-19, ZFNet-512;
exported at opset 7-8, stored at opset 9) with every weight replaced by
``ConstantOfShape(shape)`` filled with 0.02. ``light_model(name, seed)`` turns each such
weight into an initializer of seeded random values of its shape, so outputs are not all equal
and a wrong kernel shows: conv/gemm weights uniform with variance 1/fan_in (activations keep
their scale through the depth), 1-D tensors (biases, batch-norm scale, mean and variance) in
[0.5, 1.5] (variances positive). Deterministic: the same name and seed give the same bytes.
"""

from __future__ import annotations

import os

import numpy as np
import onnx
from onnx import numpy_helper

LIGHT_MODELS = ("bvlc_alexnet", "densenet121", "inception_v1", "inception_v2", "resnet50",
                "shufflenet", "squeezenet", "vgg19", "zfnet512")


def light_path(name: str) -> str:
    return os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "light",
                        f"light_{name}.onnx")


def light_model(name: str, seed: int = 0) -> onnx.ModelProto:
    """``light_<name>.onnx`` with its ``ConstantOfShape`` weights as seeded random initializers."""
    model = onnx.load(light_path(name))
    graph = model.graph
    shapes = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    rng = np.random.default_rng(seed)
    kept, weights = [], []
    for node in graph.node:
        if node.op_type == "ConstantOfShape" and node.input[0] in shapes:
            weights.append(numpy_helper.from_array(_random(rng, shapes[node.input[0]]),
                                                   node.output[0]))
        else:
            kept.append(node)
    used = {i for n in kept for i in n.input}
    inits = [t for t in graph.initializer if t.name in used] + weights
    names = {t.name for t in graph.initializer}
    inputs = [i for i in graph.input if i.name not in names or i.name in used]
    # IR version 3 lists every initializer as a graph input, as old exporters did
    inputs += [onnx.helper.make_tensor_value_info(t.name, t.data_type, list(t.dims))
               for t in weights]
    for field, values in ((graph.node, kept), (graph.initializer, inits), (graph.input, inputs)):
        del field[:]
        field.extend(values)
    return model


def _random(rng: np.random.Generator, shape: np.ndarray) -> np.ndarray:
    shape = [int(d) for d in shape.reshape(-1)]
    if len(shape) >= 2:
        bound = np.sqrt(3.0 / max(1, int(np.prod(shape[1:]))))
        return rng.uniform(-bound, bound, shape).astype(np.float32)
    return rng.uniform(0.5, 1.5, shape).astype(np.float32)
