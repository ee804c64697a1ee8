"""Model frontends: turn a model file into ``graph`` dialect IR.

``aic.frontend.onnx`` imports ONNX models (``import_onnx``). Frontends produce one
``func.func @main`` of ``graph`` ops with static shapes; everything below the graph level is
frontend-agnostic.
"""
