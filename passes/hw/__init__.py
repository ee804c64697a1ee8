"""Passes on the ``hw`` level (targets), one module per pass."""
