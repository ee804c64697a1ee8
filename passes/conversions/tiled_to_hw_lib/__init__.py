"""Helpers of ``aic-convert-tiled-to-hw`` (``passes/conversions/tiled_to_hw.py``): the CPU
weight packing, the CUDA contraction mapping."""
