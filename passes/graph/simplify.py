"""``aic-graph-simplify``: algebraic identities on graph ops, as a rule table.

Every rule keeps the replaced value's type exactly (the driver checks). Rules that drop an
operand against a constant (``x * 1``) fire only when the constant cannot grow ``x`` by
broadcasting: its rank is at most ``x``'s and each of its dims is 1 or the same static size as
``x``'s. ``x * 0`` is never folded (NaN and infinity times zero are NaN).
"""

from __future__ import annotations

from aic.dialects.graph import (AddOp, CastOp, ConvOp, ConvTransposeOp, DenseOp, DivOp,
                                ExpandOp, MaxOp, MinOp, MulOp, PadOp, PowOp, ReshapeOp, SliceOp,
                                SubOp, TileOp, TransposeOp, UnaryOp, WhereOp)
from aic.mlir_api import ir
from aic.pass_base import Pass, option, register_pass
from aic.rewriting import (Rule, apply_rules, constant_value, make_constant,
                           splat_value)


def _shape(value: ir.Value) -> list[int]:
    return list(ir.ShapedType(value.type).shape)


def _absorbs(x: ir.Value, c: ir.Value) -> bool:
    """Broadcasting ``c`` against ``x`` leaves ``x``'s shape (and type) unchanged."""
    xs, cs = _shape(x), _shape(c)
    if len(cs) > len(xs):
        return False
    for xd, cd in zip(reversed(xs), reversed(cs)):
        if cd != 1 and (cd != xd or ir.ShapedType.is_dynamic_size(xd)):
            return False
    return True


def _is(value: ir.Value, scalar) -> bool:
    s = splat_value(value)
    return s is not None and bool(s == scalar)


def _identity_operand(op, keep: ir.Value, other: ir.Value, scalar):
    """``keep`` when ``other`` is a splat of ``scalar`` that broadcasting does not widen."""
    if keep.type == op.out.type and _absorbs(keep, other) and _is(other, scalar):
        return [keep]
    return None


def _same_type(op, x: ir.Value):
    return [x] if x.type == op.out.type else None


def _either_side(scalar):
    def fn(op, rw):
        return (_identity_operand(op, op.lhs, op.rhs, scalar)
                or _identity_operand(op, op.rhs, op.lhs, scalar))
    return fn


def _right_side(scalar):
    return lambda op, rw: _identity_operand(op, op.lhs, op.rhs, scalar)


def _small_power(op, rw):
    """``x ** 2`` / ``x ** 3`` (a float splat exponent that broadcasting does not widen) as
    products: one libm ``powf`` per element otherwise (GPT-2's GELU, ``x ** 3``, took 10% of
    the model)."""
    x = op.lhs
    if x.type != op.out.type or not _absorbs(x, op.rhs) or \
            not isinstance(ir.ShapedType(x.type).element_type, (ir.F32Type, ir.F16Type,
                                                                 ir.BF16Type, ir.F64Type)):
        return None
    for power in (2, 3):
        if _is(op.rhs, power):
            square = MulOp(lhs=x, rhs=x, out_type=op.out.type).result
            return [square if power == 2 else
                    MulOp(lhs=square, rhs=x, out_type=op.out.type).result]
    return None


def _compose_transposes(op, rw):
    inner = op.x.owner
    if not isinstance(inner, TransposeOp):
        return None
    p, q = inner.perm, op.perm
    perm = [p[i] for i in q]
    if perm == list(range(len(perm))) and inner.x.type == op.out.type:
        return [inner.x]
    return [TransposeOp(x=inner.x, perm=perm, out_type=op.out.type).result]


def _identity_transpose(op, rw):
    return _same_type(op, op.x) if op.perm == list(range(len(op.perm))) else None


def _reshape_reshape(op, rw):
    inner = op.x.owner
    return [ReshapeOp(x=inner.x, out_type=op.out.type).result] if isinstance(inner, ReshapeOp) else None


def _zero_pad(op, rw):
    return _same_type(op, op.x) if not any(op.pads) else None


def _full_slice(op, rw):
    if any(op.starts) or any(s != 1 for s in op.steps):
        return None
    return _same_type(op, op.x)


def _unit_tile(op, rw):
    return _same_type(op, op.x) if all(r == 1 for r in op.repeats) else None


def _involution(fn):
    """f(f(x)) -> x."""
    def rule(op, rw):
        inner = op.x.owner
        if op.fn == fn and isinstance(inner, UnaryOp) and inner.fn == fn:
            return _same_type(op, inner.x)
        return None
    return rule


def _idempotent(fns):
    """f(f(x)) -> f(x)."""
    def rule(op, rw):
        inner = op.x.owner
        if op.fn in fns and isinstance(inner, UnaryOp) and inner.fn == op.fn:
            return _same_type(op, inner.out)
        return None
    return rule


def _pretransposed_weight(op, rw):
    """Gemm's ``trans_b`` on a constant weight (every PyTorch ``Linear``): transpose the data
    once here, in numpy (at any size: it does not grow), instead of on every call."""
    if not op.trans_b:
        return None
    weight = constant_value(op.b)
    if weight is None:
        return None
    shape = list(ir.ShapedType(op.b.type).shape)
    element = ir.ShapedType(op.b.type).element_type
    b = make_constant(weight.T, ir.RankedTensorType.get(shape[::-1], element))
    out = DenseOp(a=op.a, b=b, c=op.c, alpha=op.alpha, beta=op.beta, trans_a=op.trans_a,
                  trans_b=False, out_type=op.out.type).result
    return [out]


def _tensor(shape, like: ir.Value) -> ir.RankedTensorType:
    return ir.RankedTensorType.get(shape, ir.ShapedType(like.type).element_type)


def _non_overlapping_conv_transpose(op, rw):
    """A transposed conv whose kernel equals its stride (UNet's 2x2 stride-2 up-convolution)
    writes each output pixel from exactly one input pixel: it is a 1x1 conv to M*K1*..*Kn
    channels, each input pixel's K1 x .. x Kn block of outputs, followed by a pixel shuffle
    (a transpose) that moves the blocks into place; the bias, repeated over each block, is
    the 1x1 conv's (added in its tiles, not in a pass over the output). The zero-interleaved
    conv it replaces does K1*..*Kn times the multiplications, most of them by zeros."""
    x, w = op.x, op.w
    xs, ws = _shape(x), _shape(w)
    ns, kernel = len(xs) - 2, ws[2:]
    if (op.group != 1 or list(op.strides) != kernel or any(op.pads) or any(op.output_padding)
            or any(d != 1 for d in op.dilations) or any(ir.ShapedType.is_dynamic_size(d)
                                                       for d in xs + ws)):
        return None
    c, m, blocks = ws[0], ws[1], 1
    for k in kernel:
        blocks *= k
    # W: C x M x K.. -> (M*K..) x C x 1.. (constant weights fold in aic-graph-fold-constants)
    flat = ReshapeOp(x=w, out_type=_tensor([c, m * blocks], w)).result
    rows = TransposeOp(x=flat, perm=[1, 0], out_type=_tensor([m * blocks, c], w)).result
    w1 = ReshapeOp(x=rows, out_type=_tensor([m * blocks, c] + [1] * ns, w)).result
    bias = None
    if op.bias is not None:  # each channel's bias repeated over its K1 x .. x Kn block
        column = ReshapeOp(x=op.bias, out_type=_tensor([m, 1], op.bias)).result
        block = ExpandOp(x=column, out_type=_tensor([m, blocks], op.bias)).result
        bias = ReshapeOp(x=block, out_type=_tensor([m * blocks], op.bias)).result
    y = ConvOp(x=x, w=w1, bias=bias, strides=[1] * ns, pads=[0] * (2 * ns),
               dilations=[1] * ns, group=1,
               out_type=_tensor([xs[0], m * blocks] + xs[2:], op.out)).result
    y = ReshapeOp(x=y, out_type=_tensor([xs[0], m] + kernel + xs[2:], op.out)).result
    perm = [0, 1] + [d for i in range(ns) for d in (2 + ns + i, 2 + i)]
    spread = [d for i in range(ns) for d in (xs[2 + i], kernel[i])]
    y = TransposeOp(x=y, perm=perm, out_type=_tensor([xs[0], m] + spread, op.out)).result
    return [ReshapeOp(x=y, out_type=op.out.type).result]


def _same_operands(op, rw):
    return _same_type(op, op.lhs) if op.lhs == op.rhs else None


def _same_branches(op, rw):
    return _same_type(op, op.x) if op.x == op.y else None


RULES = [
    Rule(TransposeOp, _compose_transposes, "transpose(transpose(x, p), q) -> transpose(x, p∘q), x if p∘q = id"),
    Rule(TransposeOp, _identity_transpose, "transpose(x, id) -> x"),
    Rule(DenseOp, _pretransposed_weight, "dense(a, W, trans_b) -> dense(a, W^T)  (W constant)"),
    Rule(ConvTransposeOp, _non_overlapping_conv_transpose,
         "conv_transpose(x, W) with kernel = stride, no pads -> pixel shuffle of conv1x1(x, W')"),
    Rule(ReshapeOp, _reshape_reshape, "reshape(reshape(x)) -> reshape(x)"),
    Rule(ReshapeOp, lambda op, rw: _same_type(op, op.x), "reshape(x) : T -> T  -> x"),
    Rule(ExpandOp, lambda op, rw: _same_type(op, op.x), "expand(x) : T -> T  -> x"),
    Rule(CastOp, lambda op, rw: _same_type(op, op.x), "cast(x) : T -> T  -> x"),
    Rule(PadOp, _zero_pad, "pad(x, 0...) -> x"),
    Rule(SliceOp, _full_slice, "slice(x, starts=0, steps=1) : T -> T  -> x"),
    Rule(TileOp, _unit_tile, "tile(x, 1...) -> x"),
    Rule(MulOp, _either_side(1), "x * 1 -> x, 1 * x -> x"),
    Rule(AddOp, _either_side(0), "x + 0 -> x, 0 + x -> x  (-0.0 + 0.0 gives +0.0: sign of zero)"),
    Rule(SubOp, _right_side(0), "x - 0 -> x"),
    Rule(DivOp, _right_side(1), "x / 1 -> x"),
    Rule(PowOp, _right_side(1), "x ** 1 -> x"),
    Rule(PowOp, _small_power, "x ** 2 -> x * x, x ** 3 -> x * x * x (float x)"),
    Rule(MaxOp, _same_operands, "max(x, x) -> x"),
    Rule(MinOp, _same_operands, "min(x, x) -> x"),
    Rule(WhereOp, _same_branches, "where(c, x, x) -> x"),
    Rule(UnaryOp, _involution("neg"), "neg(neg(x)) -> x"),
    Rule(UnaryOp, _involution("not"), "not(not(x)) -> x"),
    Rule(UnaryOp, _idempotent(("relu", "abs", "floor", "ceil", "round", "sign")),
         "f(f(x)) -> f(x) for f in relu, abs, floor, ceil, round, sign"),
]


@register_pass
class GraphSimplify(Pass):
    """Algebraic simplification of graph ops (rule table in passes/graph/simplify.py).

    Options: `max-iterations` (sweeps over the IR before stopping, default 10). Leaves
    producers that became unused in place: run `aic-graph-dce` after.
    """

    NAME = "aic-graph-simplify"
    max_iterations: int = option(10, "rewrite sweeps before stopping")

    def run(self, op):
        apply_rules(op, RULES, self.max_iterations)

