"""A researcher's aic plugin in one file: the `toy` dialect, a simplification pass, a lowering.

Load it with ``aic-opt --plugin examples/plugin/toy_plugin.py ...``. It declares

* the dialect ``toy`` (``aic.dsl``): ``toy.constant``, ``toy.scale`` (multiply by a constant
  factor) and ``toy.add``, on ranked float tensors;
* every toy op is declared pure (``@toy.op(pure=True)``), with Python ``fold``/``canonicalize``
  hooks on ``toy.scale`` (``scale(x, 1.0) -> x``, ``scale(scale(x, a), b) -> scale(x, a*b)``)
  and ``toy.add`` (``add(x, x) -> scale(x, 2.0)``), so aic's ``aic-canonicalize`` folds them,
  erases unused toy ops and merges identical ones (upstream ``canonicalize``/``cse`` cannot:
  IRDL ops have no traits);
* ``aic-toy-simplify``: the same two scale rewrites as a rule table (the pattern for a
  dialect-specific pass), followed by erasing toy ops nothing uses;
* ``aic-convert-toy-to-arith``: every toy op becomes ``arith`` ops on tensors, so the result
  needs no aic dialect any more (stock ``mlir-opt`` reads it).

Everything here uses only aic's public layers (``aic.dsl``, ``aic.pass_base``,
``aic.rewriting``, ``aic.errors``) and the MLIR shim.
"""

from __future__ import annotations

from aic.dsl import FLOAT_TYPES, AicOp, Attr, Dialect, ElementsAttr, FloatAttr, Operand, Result
from aic.dsl import Tensor
from aic.errors import PassError
from aic.mlir_api import arith, ir
from aic.pass_base import Pass, option, register_pass
from aic.rewriting import Rule, apply_rules, ops_in

toy = Dialect(
    "toy",
    "A toy tensor dialect: the example of a researcher's plugin.",
    "Elementwise float tensor ops; every op is pure and keeps its operand's type.",
)

_FLOAT = Tensor(FLOAT_TYPES)


@toy.op(pure=True)
class ConstantOp(AicOp):
    """A constant tensor.

    ```mlir
    %c = "toy.constant"() {value = dense<2.0> : tensor<4xf32>} : () -> tensor<4xf32>
    ```
    """

    NAME = "constant"
    value = Attr(ElementsAttr())
    out = Result(_FLOAT)

    def verify(self):
        if self.operation.attributes["value"].type != self.out.type:
            return "value type must equal the result type"
        return None


@toy.op(pure=True)
class ScaleOp(AicOp):
    """Multiply every element of `x` by the constant `factor`.

    ```mlir
    %y = "toy.scale"(%x) {factor = 2.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
    ```
    """

    NAME = "scale"
    x = Operand(_FLOAT)
    factor = Attr(FloatAttr())
    out = Result(_FLOAT)

    @classmethod
    def infer_result_types(cls, operands, attributes):
        return [operands[0].type]

    def verify(self):
        return None if self.x.type == self.out.type else "result type must equal the operand type"

    def fold(self):  # aic-canonicalize: scale(x, 1.0) -> x
        return _scale_by_one(self, None)

    def canonicalize(self):  # aic-canonicalize: scale(scale(x, a), b) -> scale(x, a * b)
        return _scale_of_scale(self, None)


@toy.op(pure=True)
class AddOp(AicOp):
    """Elementwise `lhs + rhs` on tensors of one type (no broadcasting).

    ```mlir
    %s = "toy.add"(%a, %b) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ```
    """

    NAME = "add"
    lhs = Operand(_FLOAT)
    rhs = Operand(_FLOAT)
    out = Result(_FLOAT)

    @classmethod
    def infer_result_types(cls, operands, attributes):
        return [operands[0].type]

    def verify(self):
        if not self.lhs.type == self.rhs.type == self.out.type:
            return "operands and result must have the same type"
        return None

    def canonicalize(self):  # aic-canonicalize: add(x, x) -> scale(x, 2.0)
        return [ScaleOp(self.lhs, factor=2.0).result] if self.lhs == self.rhs else None


# -- aic-toy-simplify -----------------------------------------------------------------------------

def _scale_of_scale(op, rw):
    inner = op.x.owner
    if not isinstance(inner, ScaleOp):
        return None
    return [ScaleOp(inner.x, factor=inner.factor * op.factor).result]


def _scale_by_one(op, rw):
    return [op.x] if op.factor == 1.0 else None


RULES = [
    Rule(ScaleOp, _scale_of_scale, "scale(scale(x, a), b) -> scale(x, a * b)"),
    Rule(ScaleOp, _scale_by_one, "scale(x, 1.0) -> x"),
]


def erase_dead_toy_ops(root: ir.Operation) -> None:
    """Erase toy ops whose results are unused (toy ops have no side effects)."""
    for op in reversed(list(ops_in(root))):
        if op.operation.name.startswith("toy.") and not any(
                list(r.uses) for r in op.operation.results):
            op.operation.erase()


@register_pass
class ToySimplify(Pass):
    """Fold chains of toy.scale and drop scaling by 1.0, then erase unused toy ops.

    Options: `max-iterations` (rule sweeps before stopping).
    """

    NAME = "aic-toy-simplify"
    max_iterations: int = option(10, "rule sweeps before stopping")

    def run(self, op):
        apply_rules(op, RULES, self.max_iterations)
        erase_dead_toy_ops(op)


# -- aic-convert-toy-to-arith ---------------------------------------------------------------------

def _splat(type_: ir.Type, factor: float) -> ir.Value:
    shaped = ir.RankedTensorType(type_)
    if not shaped.has_static_shape:
        raise ValueError("dynamic")
    attr = ir.DenseElementsAttr.get_splat(
        shaped, ir.FloatAttr.get(shaped.element_type, factor))
    return arith.ConstantOp(shaped, attr).result


def _lower(op) -> ir.Value:
    """The arith value replacing ``op``'s result (insertion point: before ``op``)."""
    if isinstance(op, ConstantOp):
        return arith.ConstantOp(op.out.type, op.operation.attributes["value"]).result
    if isinstance(op, ScaleOp):
        try:
            factor = _splat(op.out.type, op.factor)
        except ValueError:
            raise PassError("toy.scale on a tensor with dynamic dimensions cannot be lowered "
                            "(the factor constant needs a static shape)", op) from None
        return arith.MulFOp(op.x, factor).result
    return arith.AddFOp(op.lhs, op.rhs).result


@register_pass
class ConvertToyToArith(Pass):
    """Lower every toy op to arith ops on tensors (toy.scale: a splat constant and arith.mulf).

    Precondition: toy.scale operands have static shapes. Afterwards no toy op is left.
    """

    NAME = "aic-convert-toy-to-arith"

    def run(self, op):
        for toy_op in list(ops_in(op)):
            if not isinstance(toy_op, (ConstantOp, ScaleOp, AddOp)):
                continue
            with ir.InsertionPoint(toy_op), toy_op.location:
                new = _lower(toy_op)
            toy_op.out.replace_all_uses_with(new)
            toy_op.operation.erase()
