"""``NodeView``: what an ONNX op handler sees of one node.

A handler reads attributes (``attr``), inputs as import-time constants (``const``,
``need_const``) or as IR values (``value``; constants are materialised as ``graph.constant``),
input/output shapes and element types (outputs typed by ONNX shape inference), and builds graph
ops at the node's location (``op``, ``build``). ``unsupported(reason)`` makes the error that
names the node, its op type and opset version; ``warn(message)`` reports a warning the same
way (``model.onnx: warning: node 'n' (Op, opset v): message``, through ``aic.diagnostics``).
Dims are static, or dynamic (``?``, named by ``dim_names``); inputs computed from dynamic
dims at import time (``symbolic``) are not ``const``: ``need_const`` of one fails with
``UnsupportedError``.
"""

from __future__ import annotations

import numpy as np
import onnx
import onnx.helper

from aic import diagnostics
from aic.errors import UnsupportedError
from aic.frontend.onnx import symbolic
from aic.frontend.onnx.tensors import element_type, np_dtype, tensor_type
from aic.mlir_api import ir

SUPPORTED_HINT = "see aic.frontend.onnx.supported_ops()"


class NodeView:
    def __init__(self, importer, proto: onnx.NodeProto, index: int, version: int, loc):
        self.imp = importer
        self.proto = proto
        self.op_type = proto.op_type
        self.name = proto.name or f"{proto.op_type}_{index}"
        self.version = version
        self.loc = loc
        self._attrs = {a.name: a for a in proto.attribute}

    def __str__(self) -> str:
        return f"node '{self.name}' ({self.op_type}, opset {self.version})"

    def unsupported(self, reason: str) -> UnsupportedError:
        return UnsupportedError(f"{self}: {reason}")

    def warn(self, message: str) -> None:
        diagnostics.emit(self.imp.file_loc, "warning", f"{self}: {message}")

    # -- attributes --------------------------------------------------------------------------

    def attr(self, key: str, default=None):
        a = self._attrs.get(key)
        if a is None:
            return default
        value = onnx.helper.get_attribute_value(a)
        if isinstance(value, bytes):
            return value.decode()
        if isinstance(value, list) and value and isinstance(value[0], bytes):
            return [v.decode() for v in value]
        return value

    def has_attr(self, key: str) -> bool:
        return key in self._attrs

    # -- inputs ------------------------------------------------------------------------------

    @property
    def n_inputs(self) -> int:
        return len(self.proto.input)

    def has(self, i: int) -> bool:
        return i < len(self.proto.input) and self.proto.input[i] != ""

    def input_name(self, i: int) -> str:
        return self.proto.input[i]

    def const(self, i: int) -> np.ndarray | None:
        """Input ``i`` as an array if it is known at import time, else None."""
        v = self.imp.env[self.proto.input[i]] if self.has(i) else None
        return v if isinstance(v, np.ndarray) and v.dtype != object else None

    def need_const(self, i: int, what: str) -> np.ndarray:
        c = self.const(i)
        if c is None and self.has(i) and symbolic.is_symbolic(self.imp.env[self.proto.input[i]]):
            raise symbolic_needed(self, i, what)
        if c is None:
            from aic.frontend.onnx.values import value_needed
            raise value_needed(self.imp, self, [i], f"{self}: {what} (input {i}, "
                               f"'{self.proto.input[i]}') must be known at compile time (a "
                               "constant or computed from constants)")
        return c

    def value(self, i: int) -> ir.Value:
        return self.imp.as_value(self.proto.input[i], self.loc)

    def values(self) -> list[ir.Value | None]:
        return [self.value(i) if self.has(i) else None for i in range(self.n_inputs)]

    def sym_const(self, i: int, what: str) -> np.ndarray:
        """Input ``i`` known at import time: constant, or symbolic (``symbolic``)."""
        v = self.imp.env[self.proto.input[i]] if self.has(i) else None
        if isinstance(v, np.ndarray) and v.dtype == object:
            return v
        return self.need_const(i, what)

    def sym_dims(self, i: int) -> list:
        """Input ``i``'s dims: ints, ``symbolic.Sym`` for dynamic ones, None if unknown."""
        v = self.imp.env[self.proto.input[i]]
        return list(v.shape) if isinstance(v, np.ndarray) else self.imp.value_dims(v)

    def dim_names(self, i: int) -> list[str]:
        """ONNX's names of input ``i``'s dims (``""`` for a static or unnamed one)."""
        return self.imp.dim_names(self.proto.input[i])

    def shape(self, i: int) -> list[int]:
        v = self.imp.env[self.proto.input[i]]
        return list(v.shape) if isinstance(v, np.ndarray) else list(v.type.shape)

    def rank(self, i: int) -> int:
        return len(self.shape(i))

    def dtype(self, i: int) -> np.dtype:
        v = self.imp.env[self.proto.input[i]]
        if isinstance(v, np.ndarray):
            return v.dtype
        return np_dtype(ir.RankedTensorType(v.type).element_type)

    def elem(self, i: int) -> ir.Type:
        return element_type(self.dtype(i), f"{self} input '{self.proto.input[i]}'")

    # -- outputs -----------------------------------------------------------------------------

    @property
    def n_outputs(self) -> int:
        return len(self.proto.output)

    def has_output(self, i: int) -> bool:
        return i < len(self.proto.output) and self.proto.output[i] != ""

    def out_type(self, i: int = 0, like: int | None = None) -> ir.RankedTensorType:
        """The ONNX-inferred type of output ``i``; where ONNX cannot infer it, the type of
        input ``like`` (for ops whose output type equals that input's) if given."""
        return self.imp.output_type(self, i, like)

    def out_shape(self, i: int = 0) -> list[int]:
        return list(self.out_type(i).shape)

    # -- building ----------------------------------------------------------------------------

    def build(self, cls, result_types: list, **kwargs):
        """Build ``cls`` with ``result_types`` (one per result field, a list for variadic)."""
        for field, t in zip(cls.DEF.results, result_types):
            kwargs[f"{field.name}_types" if field.variadic else f"{field.name}_type"] = t
        return cls(**kwargs, loc=self.loc)

    def op(self, cls, result_type, **kwargs) -> ir.Value:
        """Build a single-result op and return its value."""
        return self.build(cls, [result_type], **kwargs).result

    def constant(self, array: np.ndarray) -> ir.Value:
        return self.imp.materialize(np.asarray(array), None, self.loc)

    def scalar(self, value, elem: ir.Type) -> ir.Value:
        """A rank-0 constant of element type ``elem``."""
        return self.constant(np.array(value, dtype=np_dtype(elem)))

    def ttype(self, shape, elem: ir.Type) -> ir.RankedTensorType:
        return tensor_type(shape, elem)


def symbolic_needed(view: NodeView, i: int, what: str) -> UnsupportedError:
    value = view.imp.env[view.proto.input[i]]
    return view.unsupported(f"{what} (input {i}, '{view.proto.input[i]}') is computed from "
                            f"dynamic dims ({symbolic.show(value)}), which this op needs as a "
                            "constant; give the input shapes (--input-shape / input_shapes=) "
                            "to compile it")
