"""Passes on the ``tiled`` level (tile programs), one module per pass."""
