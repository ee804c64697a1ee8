"""ONNX frontend: ``import_onnx(model_or_path, input_shapes=None)`` -> graph-level module.

``supported_ops()`` lists the ONNX op types the importer claims (its handler registry); see
``importer.py`` for the contract.
"""

from aic.frontend.onnx.importer import import_onnx  # noqa: F401
from aic.frontend.onnx.registry import supported_ops  # noqa: F401
