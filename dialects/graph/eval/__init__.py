"""numpy semantics of graph ops: ``evaluate(op, inputs) -> list[np.ndarray] | None``.

``inputs`` are numpy arrays, one per operand present on ``op`` in operand order (absent
optional operands are skipped). The result arrays have the dtypes and shapes of ``op``'s result
types. ``None`` means "cannot evaluate": the op kind or element type is not supported here, a
result type is not static, or the inputs make the op undefined (integer division by zero,
out-of-range indices). Semantics follow the op docstrings (ONNX normalised); floating-point
results are computed in the operands' precision, so they match onnxruntime closely, not
bit-exactly. Used by constant folding, and by tests as a reference.

Unsupported today: conv_transpose, pool, resize, lrn, grid_sample, fused.

Handlers register with ``@handles(OpClass, ...)`` in the family modules (``elementwise``,
``nn``, ``shape``, ``index``), which this package imports; the registry itself is ``registry``.

May import numpy, the MLIR shim, the IR layer and the graph dialect (op classes, constants).
"""

from aic.dialects.graph.eval import elementwise, index, nn, shape  # noqa: F401  (handlers)
from aic.dialects.graph.eval.registry import Unevaluable, evaluate, supported  # noqa: F401
