"""Private helpers of ``aic-convert-linalg-to-tiled``: which linalg ops form kernels
(``analysis``) and the window kernels of depthwise convolution and pooling (``window``)."""
