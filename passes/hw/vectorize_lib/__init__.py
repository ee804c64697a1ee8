"""Private helpers of ``aic-hw-vectorize`` (``passes/hw/vectorize.py``): elementwise,
innermost-reduction and window (depthwise convolution, pooling) tiles as vector code."""
