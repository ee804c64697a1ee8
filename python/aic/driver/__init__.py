"""What the command-line tools are made of (the top layer, beside ``aic.tools``).

``cli`` (one ``tool_main`` for every CLI: one-line errors, the crash guard), ``crash_guard``
(work in a child process so an abort inside MLIR becomes one line), ``opt_driver`` (all of
``aic-opt`` but flag parsing), ``source`` (input splitting and locations), ``listing``
(``--list-passes``, ``--emit-irdl``) and ``expected_diagnostics`` (``--verify-diagnostics``).
"""
