"""Passes on tensors before bufferization."""
