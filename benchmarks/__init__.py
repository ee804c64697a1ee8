"""aic vs onnxruntime benchmarks (``python -m benchmarks.run``)."""
