"""Command-line tools: thin flag parsers over the aic library (``aic-opt``, ``aic-compile``,
``aic-run``)."""
