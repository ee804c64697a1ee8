"""Tensor-core contraction kernels for CUDA targets: the plan (tile sizes from the
``CudaTarget``), the kernel generator (gpu + nvgpu), and the emulation numerics."""
