"""aic: an MLIR-based multi-level AI compiler toolkit.

    import aic
    model = aic.compile("model.onnx")          # CPU, in-process JIT
    outputs = model(x)                          # numpy in, numpy out
    module = aic.import_onnx("model.onnx")     # graph-level MLIR module
    report = aic.bisect("model.onnx")          # first level and node diverging from onnxruntime

Heavier modules load lazily so ``import aic`` stays cheap.
"""

from aic.errors import (AicError, InputError, ModelFormatError, PassError,  # noqa: F401
                        PipelineError, UnsupportedError)

__version__ = "0.1.0"


def compile(model, target: str = "cpu", **options):
    """Compile an ONNX model for ``target``; see ``aic.api.compile``."""
    from aic.api import compile as _compile

    return _compile(model, target, **options)


def load(path: str):
    """Load a compiled model library; see ``aic.api.load``."""
    from aic.api import load as _load

    return _load(path)


def load_plugin(path: str):
    """Load a researcher's plugin file (dialects and passes); see ``aic.plugins.load_plugin``."""
    from aic.plugins import load_plugin as _load_plugin

    return _load_plugin(path)


def import_onnx(model, input_shapes=None, **kwargs):
    """Import an ONNX model to a graph-level MLIR module; see ``aic.api.import_onnx``."""
    from aic.api import import_onnx as _import_onnx

    return _import_onnx(model, input_shapes=input_shapes, **kwargs)


def bisect(model, inputs=None, **options):
    """Compare every ONNX node's output with onnxruntime's at every level and name the first
    divergence; see ``aic.testing.bisect.bisect``."""
    from aic.testing.bisect import bisect as _bisect

    return _bisect(model, inputs, **options)
