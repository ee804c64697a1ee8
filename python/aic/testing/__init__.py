"""Test and example helpers: model generators (``models``), ONNX conformance
(``conformance``), numeric bisection of a compile level by level (``bisect``)."""
