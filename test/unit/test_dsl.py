"""The dialect-definition layer, on a throwaway dialect declared here (``dsltest``).

Dialect names are global to the process, so this file uses a name no other test uses.
"""

import pytest

from aic.context import make_context
from aic.dsl import (DIALECTS, AicOp, Attr, Dialect, EnumAttr, IntArrayAttr, IntAttr, Operand, Region,
                     Result, StrAttr, Tensor)
from aic.mlir_api import ir
from aic.verify import verify_semantics

dsltest = Dialect("dsltest", "Ops for the unit tests of aic.dsl.")


@dsltest.op
class MixOp(AicOp):
    """An op with every kind of operand group.

    ```mlir
    %r = "dsltest.mix"(%a, %b) {operandSegmentSizes = array<i32: 1, 0, 1>, k = 1 : i64,
        mode = "fast"} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    ```
    """

    NAME = "mix"
    x = Operand(Tensor(("f32",), rank=1))
    bias = Operand(Tensor(("f32",)), optional=True)
    extras = Operand(Tensor(), variadic=True)
    k = Attr(IntAttr(min=0, max=8), default=1)
    mode = Attr(EnumAttr("fast", "exact"), default="fast")
    tag = Attr(StrAttr(), optional=True)
    out = Result(Tensor(("f32",)))


@dsltest.op
class InferOp(AicOp):
    """An op whose result type is inferred, with a verify() hook and a region."""

    NAME = "infer"
    x = Operand(Tensor())
    perm = Attr(IntArrayAttr(min=0))
    body = Region(doc="a body")
    out = Result(Tensor())

    @classmethod
    def infer_result_types(cls, operands, attributes):
        return [operands[0].type]

    def verify(self):
        return None if len(self.perm) == ir.ShapedType(self.x.type).rank else "perm length"


@pytest.fixture
def fn():
    """(ctx, insertion point, [arg0, arg1, arg2]) inside a fresh function."""
    ctx = make_context()
    with ctx, ir.Location.unknown():
        module = ir.Module.create()
        t = ir.RankedTensorType.get([2], ir.F32Type.get())
        with ir.InsertionPoint(module.body):
            f = ir.Operation.create("func.func", regions=1, attributes={
                "sym_name": ir.StringAttr.get("f"),
                "function_type": ir.TypeAttr.get(ir.FunctionType.get([t, t, t], []))})
        block = f.regions[0].blocks.append(t, t, t)
        with ir.InsertionPoint(block):
            yield module, list(block.arguments), t


def test_builder_groups_and_segment_sizes(fn):
    module, (a, b, c), t = fn
    op = MixOp(t, a, None, [b, c], k=3, tag="hi")
    assert op.OPERATION_NAME == "dsltest.mix"
    assert op.x == a and op.bias is None and op.extras == [b, c]
    assert (op.k, op.mode, op.tag) == (3, "fast", "hi")
    sizes = list(ir.DenseI32ArrayAttr(op.operation.attributes["operandSegmentSizes"]))
    assert sizes == [1, 0, 2]
    with_bias = MixOp(t, a, b)
    assert with_bias.bias == b and with_bias.extras == [] and with_bias.tag is None
    assert op.operation.verify() and with_bias.operation.verify()


def test_ops_come_back_as_their_class(fn):
    module, (a, _, _), t = fn
    MixOp(t, a)
    ops = module.body.operations[0].regions[0].blocks[0].operations
    assert isinstance(ops[0], MixOp) and ops[0].k == 1


def test_builder_errors(fn):
    _, (a, _, _), t = fn
    with pytest.raises(TypeError):
        MixOp(t)  # missing required operand
    with pytest.raises(TypeError):
        MixOp(t, a, nonsense=1)


def test_inferred_result_and_region(fn):
    _, (a, _, _), t = fn
    op = InferOp(a, perm=[0])
    assert op.out.type == t
    assert len(op.body.blocks) == 0
    assert InferOp(a, t, perm=[0]).out.type == t


def test_verify_semantics_messages(fn):
    module, (a, _, _), t = fn
    i32 = ir.RankedTensorType.get([2], ir.IntegerType.get_signless(32))
    assert MixOp(t, a).verify_semantics() == []
    bad = MixOp(i32, a, k=9, mode=ir.StringAttr.get("slow"))
    assert bad.verify_semantics() == [
        "result 'out': element type i32 is not one of f32",
        "attribute 'k': must be <= 8, got 9",
        'attribute \'mode\': "slow" is not one of "fast", "exact"',
    ]
    assert InferOp(a, perm=[0, 1]).verify_semantics() == ["perm length"]
    assert not verify_semantics(module.operation)


def test_irdl_text_is_deterministic_and_loads():
    text = dsltest.irdl()
    assert text == dsltest.irdl()
    assert text.startswith("irdl.dialect @dsltest {\n  irdl.operation @mix {")
    assert 'irdl.operands(x: %c0, bias: optional %c1, extras: variadic %c2)' in text
    assert '"k" = %c3, "mode" = %c6' in text  # optional 'tag' is not an IRDL attribute
    ctx = make_context()
    assert ctx.is_registered_operation("dsltest.mix")
    with ctx:
        m = ir.Module.parse(
            'func.func @g(%a: tensor<2xf32>) -> tensor<2xf32> {\n'
            '  %0 = "dsltest.mix"(%a) {operandSegmentSizes = array<i32: 1, 0, 0>, k = 1 : i64, '
            'mode = "fast"} : (tensor<2xf32>) -> tensor<2xf32>\n'
            '  return %0 : tensor<2xf32>\n}\n')
        assert m.operation.verify()


def test_markdown_lists_fields():
    md = dsltest.markdown_ops()
    assert "### `dsltest.mix` (MixOp)" in md
    assert "| operand | `bias` | tensor of f32 | optional |" in md
    assert "| attribute | `k` | i64 integer in [0, 8] | default 1 |" in md
    assert "| region | `body` | a body |  |" in md


def test_declaration_errors():
    with pytest.raises(ValueError, match="'dsltest' is already declared"):
        Dialect("dsltest", "again")
    with pytest.raises(ValueError, match="must be lower case"):
        Dialect("Bad-Name", "not an MLIR namespace")
    with pytest.raises(ValueError, match="field name 'fold' would hide the AicOp method"):
        @dsltest.op
        class FoldFieldOp(AicOp):
            """An attribute named like a hook."""

            NAME = "fold_field"
            fold = Attr(IntAttr())


@pytest.mark.parametrize("name", ["quant", "arith", "linalg", "gpu"])
def test_upstream_dialect_name_is_a_value_error_not_an_abort(name):
    # Loading an IRDL dialect named like an upstream one aborts MLIR ("a dialect with
    # namespace ... has already been registered"); the declaration must refuse it first.
    with pytest.raises(ValueError, match=f"'{name}' is taken by an upstream MLIR dialect"):
        Dialect(name, "clashes")
    assert name not in DIALECTS
    make_context()  # and nothing half-declared is left to abort a later context


def _raises_builder_error(call, *fragments):
    with pytest.raises(TypeError) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    assert f"(called at {__file__}:" in message, message


def test_builder_misuse_names_op_signature_and_caller(fn):
    module, (a, b, c), t = fn
    expected = "expected MixOp(out_type, x, bias=None, extras=None, *, k=1, mode='fast', tag=None"
    # result type and operand swapped: the type lands where a value belongs
    _raises_builder_error(lambda: MixOp(a, t), "dsltest.mix: operand 'x' must be an ir.Value, "
                          "got the type tensor<2xf32>", expected)
    _raises_builder_error(lambda: MixOp(t), "dsltest.mix: missing a required argument: 'x'",
                          expected)
    _raises_builder_error(lambda: MixOp(t, a, extras=b), "operand 'extras' takes a list")
    _raises_builder_error(lambda: MixOp(t, a, k="three"), "attribute 'k'")
    _raises_builder_error(lambda: MixOp(t, a, kk=1), "unexpected keyword argument 'kk'")
    _raises_builder_error(lambda: InferOp(t, perm=[0]), "dsltest.infer: operand 'x' must be "
                          "an ir.Value", "expected InferOp(x, out_type=None, *, perm, ")
