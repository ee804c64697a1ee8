"""Helpers of ``aic-convert-loops-to-gpu`` (iteration spaces, shared-memory promotion)."""
