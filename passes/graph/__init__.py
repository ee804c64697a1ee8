"""Passes on the ``graph`` dialect, one module per pass."""
