"""Expected failures of the ONNX node conformance run: case name -> reason.

Every entry says why aic's answer differs; an entry whose case starts passing is reported as
``xpassed`` (and fails the run) so this list cannot go stale.
"""

XFAIL: dict[str, str] = {}
