"""Passes on linalg on tensors."""
