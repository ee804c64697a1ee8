"""Neural-network graph ops: contractions, convolutions, pooling, normalisation, softmax."""

from aic.dsl import (FLOAT_TYPES, Attr, BoolAttr, EnumAttr, FloatAttr, IntArrayAttr,
                     IntAttr, Operand, Result, Tensor)
from aic.dialects.graph import shapes
from aic.dialects.graph.dialect import graph
from aic.dialects.graph.inference import InferredOp, ShapeError, same_element
from aic.mlir_api import ir

_F = Tensor(FLOAT_TYPES)
_POOLED = Tensor(FLOAT_TYPES + ("i8", "ui8"))  # ONNX MaxPool also takes (u)int8
_CONV = Tensor(FLOAT_TYPES + ("i32",))  # i32: integer convs (ConvInteger, QLinearConv)


@graph.op(pure=True)
class MatMulOp(InferredOp):
    """Matrix product with numpy `matmul` semantics: batch dimensions broadcast, a rank-1
    operand is promoted (and the added dimension removed from the result).

    ```mlir
    %r = "graph.matmul"(%a, %b) : (tensor<8x16x32xf32>, tensor<32x64xf32>) -> tensor<8x16x64xf32>
    ```
    """
    NAME = "matmul"
    a = Operand(Tensor())
    b = Operand(Tensor())
    out = Result(Tensor())

    @staticmethod
    def infer(ins, attrs):
        a, b = ins
        return [(shapes.matmul(a.shape, b.shape), same_element(a, b))]


@graph.op(pure=True)
class DenseOp(InferredOp):
    """Gemm: `alpha * op(a) @ op(b) + beta * c` on 2-D operands, `op` transposing when
    `trans_a`/`trans_b`; `c` (optional) broadcasts to the result.

    ```mlir
    %r = "graph.dense"(%x, %w, %b) {alpha = 1.0 : f32, beta = 1.0 : f32, trans_a = false, trans_b = true} : (tensor<4x8xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<4x16xf32>
    ```
    """
    NAME = "dense"
    a = Operand(Tensor(rank=2))
    b = Operand(Tensor(rank=2))
    c = Operand(Tensor(), optional=True)
    alpha = Attr(FloatAttr(), default=1.0)
    beta = Attr(FloatAttr(), default=1.0)
    trans_a = Attr(BoolAttr(), default=False)
    trans_b = Attr(BoolAttr(), default=False)
    out = Result(Tensor(rank=2))

    @staticmethod
    def infer(ins, attrs):
        a, b, c = ins
        shape = shapes.dense(a.shape, b.shape, c and c.shape, attrs["trans_a"], attrs["trans_b"])
        return [(shape, same_element(a, b, c))]


@graph.op(pure=True)
class ConvOp(InferredOp):
    """N-d convolution (NCHW-style layout): `x` is N x C x D1..Dn, `w` is M x C/group x K1..Kn,
    optional `bias` of M. `pads` lists all begin pads then all end pads. On `i32` operands
    the products accumulate exactly in `i32` (integer convolutions of quantized models).

    ```mlir
    %r = "graph.conv"(%x, %w, %b) {dilations = array<i64: 1, 1>, group = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    ```
    """
    NAME = "conv"
    x = Operand(_CONV)
    w = Operand(_CONV)
    bias = Operand(_CONV, optional=True)
    strides = Attr(IntArrayAttr(min=1))
    pads = Attr(IntArrayAttr(min=0))
    dilations = Attr(IntArrayAttr(min=1))
    group = Attr(IntAttr(min=1), default=1)
    out = Result(_CONV)

    @staticmethod
    def infer(ins, attrs):
        x, w, b = ins
        shape = shapes.conv(x.shape, w.shape, b and b.shape, attrs["strides"], attrs["pads"],
                            attrs["dilations"], attrs["group"])
        return [(shape, same_element(x, w, b))]


@graph.op(pure=True)
class ConvTransposeOp(InferredOp):
    """N-d transposed convolution: `w` is C x M/group x K1..Kn; output size per spatial dim is
    `stride*(in-1) + output_padding + (k-1)*dilation + 1 - pad_begin - pad_end`.

    ```mlir
    %r = "graph.conv_transpose"(%x, %w) {dilations = array<i64: 1, 1>, group = 1 : i64, output_padding = array<i64: 0, 0>, pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>, tensor<4x2x2x2xf32>) -> tensor<1x2x8x8xf32>
    ```
    """
    NAME = "conv_transpose"
    x = Operand(_F)
    w = Operand(_F)
    bias = Operand(_F, optional=True)
    strides = Attr(IntArrayAttr(min=1))
    pads = Attr(IntArrayAttr(min=0))
    dilations = Attr(IntArrayAttr(min=1))
    output_padding = Attr(IntArrayAttr(min=0))
    group = Attr(IntAttr(min=1), default=1)
    out = Result(_F)

    @staticmethod
    def infer(ins, attrs):
        x, w, b = ins
        shape = shapes.conv_transpose(x.shape, w.shape, b and b.shape, attrs["strides"],
                                      attrs["pads"], attrs["dilations"],
                                      attrs["output_padding"], attrs["group"])
        return [(shape, same_element(x, w, b))]


@graph.op(pure=True)
class PoolOp(InferredOp):
    """Max or average pooling over the spatial dims of N x C x D1..Dn. For `avg`,
    `count_include_pad` says whether padded cells count in the divisor; `ceil_mode` rounds
    the output size up. `max` also takes i8/ui8 tensors; `avg` needs floats.

    ```mlir
    %r = "graph.pool"(%x) {ceil_mode = false, count_include_pad = false, dilations = array<i64: 1, 1>, kernel = array<i64: 2, 2>, kind = "max", pads = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32>
    ```
    """
    NAME = "pool"
    x = Operand(_POOLED)
    kind = Attr(EnumAttr("max", "avg"))
    kernel = Attr(IntArrayAttr(min=1))
    strides = Attr(IntArrayAttr(min=1))
    pads = Attr(IntArrayAttr(min=0))
    dilations = Attr(IntArrayAttr(min=1))
    ceil_mode = Attr(BoolAttr(), default=False)
    count_include_pad = Attr(BoolAttr(), default=False)
    out = Result(_POOLED)

    def verify(self) -> str | None:
        element = str(ir.RankedTensorType(self.x.type).element_type) \
            if isinstance(self.x.type.maybe_downcast(), ir.RankedTensorType) else None
        if self.kind == "avg" and element in ("i8", "ui8"):
            return f"avg pooling needs a float element type, got {element}"
        return super().verify()

    @staticmethod
    def infer(ins, attrs):
        shape = shapes.pool(ins[0].shape, attrs["kernel"], attrs["strides"], attrs["pads"],
                            attrs["dilations"], attrs["ceil_mode"])
        return [(shape, ins[0].element)]


@graph.op(pure=True)
class GlobalPoolOp(InferredOp):
    """Max or average over all spatial dims of N x C x D1..Dn, keeping them as size 1.

    ```mlir
    %r = "graph.global_pool"(%x) {kind = "avg"} : (tensor<1x4x8x8xf32>) -> tensor<1x4x1x1xf32>
    ```
    """
    NAME = "global_pool"
    x = Operand(_F)
    kind = Attr(EnumAttr("max", "avg"))
    out = Result(_F)

    @staticmethod
    def infer(ins, attrs):
        return [(shapes.global_pool(ins[0].shape), ins[0].element)]


@graph.op(pure=True)
class BatchNormOp(InferredOp):
    """Inference batch normalisation over dim 1: `(x - mean) / sqrt(var + epsilon) * scale +
    bias`, all four parameters of size C.

    ```mlir
    %r = "graph.batch_norm"(%x, %s, %b, %m, %v) {epsilon = 1.0e-05 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    ```
    """
    NAME = "batch_norm"
    x = Operand(_F)
    scale = Operand(_F)
    bias = Operand(_F)
    mean = Operand(_F)
    var = Operand(_F)
    epsilon = Attr(FloatAttr(), default=1e-5)
    out = Result(_F)

    @staticmethod
    def infer(ins, attrs):
        x = ins[0]
        if len(x.shape) < 2:
            raise ShapeError(f"expects input of rank >= 2, got rank {len(x.shape)}")
        _per_channel(x.shape[1], zip(("scale", "bias", "mean", "var"), ins[1:]))
        return [(x.shape, same_element(*ins))]


@graph.op(pure=True)
class LayerNormOp(InferredOp):
    """Normalise over dims `axis..rank-1`: `(x - mean) / sqrt(var + epsilon) * scale + bias`;
    `scale`/`bias` broadcast to those dims.

    ```mlir
    %r = "graph.layer_norm"(%x, %g, %b) {axis = -1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x8x16xf32>
    ```
    """
    NAME = "layer_norm"
    x = Operand(_F)
    scale = Operand(_F)
    bias = Operand(_F, optional=True)
    axis = Attr(IntAttr(), default=-1)
    epsilon = Attr(FloatAttr(), default=1e-5)
    out = Result(_F)

    @staticmethod
    def infer(ins, attrs):
        x = ins[0]
        norm = x.shape[shapes.normalize_axis(attrs["axis"], len(x.shape)):]
        for name, p in zip(("scale", "bias"), ins[1:]):
            if p is not None and not shapes.broadcasts_to(p.shape, norm):
                raise ShapeError(f"expects {name} of shape {shapes.fmt(p.shape)} to broadcast "
                                 f"to the normalised dims {shapes.fmt(norm)}")
        return [(x.shape, same_element(*ins))]


@graph.op(pure=True)
class GroupNormOp(InferredOp):
    """Group normalisation of N x C x D1..Dn: channels split into `num_groups` groups, each
    normalised over its channels and spatial dims, then `scale`/`bias` per channel (size C).
    InstanceNormalization is the case `num_groups = C`.

    ```mlir
    %r = "graph.group_norm"(%x, %s, %b) {epsilon = 1.0e-05 : f32, num_groups = 2 : i64} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
    ```
    """
    NAME = "group_norm"
    x = Operand(_F)
    scale = Operand(_F)
    bias = Operand(_F)
    num_groups = Attr(IntAttr(min=1))
    epsilon = Attr(FloatAttr(), default=1e-5)
    out = Result(_F)

    @staticmethod
    def infer(ins, attrs):
        x, groups = ins[0], attrs["num_groups"]
        if len(x.shape) < 2:
            raise ShapeError(f"expects input of rank >= 2, got rank {len(x.shape)}")
        if not shapes.is_dyn(x.shape[1]) and x.shape[1] % groups:
            raise ShapeError(f"expects channels ({x.shape[1]}) divisible by num_groups "
                             f"({groups})")
        _per_channel(x.shape[1], zip(("scale", "bias"), ins[1:]))
        return [(x.shape, same_element(*ins))]


@graph.op(pure=True)
class LrnOp(InferredOp):
    """Local response normalisation across channels (ONNX LRN):
    `x / (bias + alpha/size * sum(x^2 over size neighbouring channels)) ^ beta`.

    ```mlir
    %r = "graph.lrn"(%x) {alpha = 1.0e-04 : f32, beta = 7.5e-01 : f32, bias = 1.0 : f32, size = 3 : i64} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
    ```
    """
    NAME = "lrn"
    x = Operand(_F)
    size = Attr(IntAttr(min=1))
    alpha = Attr(FloatAttr(), default=1e-4)
    beta = Attr(FloatAttr(), default=0.75)
    bias = Attr(FloatAttr(), default=1.0)
    out = Result(_F)

    @staticmethod
    def infer(ins, attrs):
        if len(ins[0].shape) < 2:
            raise ShapeError(f"expects input of rank >= 2, got rank {len(ins[0].shape)}")
        return [(ins[0].shape, ins[0].element)]


@graph.op(pure=True)
class SoftmaxOp(InferredOp):
    """Softmax (or log-softmax when `log`) along `axis`.

    ```mlir
    %r = "graph.softmax"(%x) {axis = -1 : i64, log = false} : (tensor<2x8xf32>) -> tensor<2x8xf32>
    ```
    """
    NAME = "softmax"
    x = Operand(_F)
    axis = Attr(IntAttr(), default=-1)
    log = Attr(BoolAttr(), default=False)
    out = Result(_F)

    @staticmethod
    def infer(ins, attrs):
        shapes.normalize_axis(attrs["axis"], len(ins[0].shape))
        return [(ins[0].shape, ins[0].element)]


def _per_channel(channels: int, params) -> None:
    """Raise unless every ``(name, info)`` in ``params`` is a vector of ``channels``."""
    for name, p in params:
        if len(p.shape) != 1 or not shapes.compatible(p.shape, [channels]):
            raise ShapeError(f"expects {name} of shape {shapes.fmt([channels])}, got "
                             f"{shapes.fmt(p.shape)}")
