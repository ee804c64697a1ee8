"""A plugin whose linalg-level op only its own later pass lowers, for aic-bisect's test of a
level that the stock stages cannot lower (loaded with --plugin):

* ``aic-test-hide-subf`` (run ``after:linalg``): every ``arith.subf`` in a ``linalg.generic``
  body becomes ``tbisect.sub`` (the same subtraction, in the plugin's dialect);
* ``aic-test-lower-hidden-sub`` (run ``before:tiled``): ``tbisect.sub`` back to ``arith.subf``.

Nothing is wrong with the numbers; the stock lowering of the linalg level fails on
``tbisect.sub``, so aic-bisect lowers that level with the hooks and says so.
"""

from aic.dsl import AicOp, AnyType, Dialect, Operand, Result
from aic.mlir_api import arith, ir, linalg
from aic.pass_base import Pass, register_pass
from aic.verify import walk

tbisect = Dialect("tbisect", "aic-bisect's test dialect.", "One scalar op.")


@tbisect.op
class SubOp(AicOp):
    """`lhs - rhs` on scalars.

    ```mlir
    %d = "tbisect.sub"(%a, %b) : (f32, f32) -> f32
    ```
    """

    NAME = "sub"
    lhs = Operand(AnyType())
    rhs = Operand(AnyType())
    out = Result(AnyType())

    @classmethod
    def infer_result_types(cls, operands, attributes):
        return [operands[0].type]


def _replace(old, build) -> None:
    with ir.InsertionPoint(old), old.location:
        new = build(old.operation.operands[0], old.operation.operands[1])
    old.operation.results[0].replace_all_uses_with(new)
    old.operation.erase()


@register_pass
class HideSubf(Pass):
    """Turn arith.subf in linalg.generic bodies into tbisect.sub."""

    NAME = "aic-test-hide-subf"

    def run(self, op):
        for child in list(walk(op)):
            if isinstance(child, arith.SubFOp) and isinstance(child.operation.parent.opview,
                                                              linalg.GenericOp):
                _replace(child, lambda a, b: SubOp(a, b).result)


@register_pass
class LowerHiddenSub(Pass):
    """Turn tbisect.sub back into arith.subf."""

    NAME = "aic-test-lower-hidden-sub"

    def run(self, op):
        for child in list(walk(op)):
            if isinstance(child, SubOp):
                _replace(child, lambda a, b: arith.SubFOp(a, b).result)
