"""Conversion passes between aic levels (graph -> linalg, ...), one module per pass."""
