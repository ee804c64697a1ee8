"""Passes on the upstream ``gpu`` level (CUDA-mapped code), one module per pass."""
