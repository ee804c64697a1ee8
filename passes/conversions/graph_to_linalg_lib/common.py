"""Building blocks shared by the graph -> linalg lowerings.

Every function here builds IR at the current insertion point and location (the lowering
driver enters ``ir.InsertionPoint(op)`` and ``op.location`` before calling a lowering), on
ranked tensors; shapes are lists of ints and ``dims.Dim`` (dynamic extents). ``generic``
builds a ``linalg.generic`` whose body is a Python callback; ``map_elementwise`` builds one
with numpy-broadcasting indexing maps; ``per_item`` runs an op over a dynamic batch as a loop
of static items.

May import: the MLIR shim and aic.errors.
"""

from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from aic.errors import PassError
from aic.mlir_api import arith, ir, linalg, scf, tensor
from aic.passes.conversions.graph_to_linalg_lib import dims

PARALLEL = "parallel"
REDUCTION = "reduction"


# -- types ------------------------------------------------------------------------------------

shape_of = dims.shape_of
"""The shape of a value: ints, ``dims.Dim`` for a dynamic dim (see ``dims``)."""


def elem_of(value: ir.Value) -> ir.Type:
    return ir.RankedTensorType(value.type).element_type


def tensor_type(shape: Sequence, element: ir.Type) -> ir.Type:
    return ir.RankedTensorType.get(dims.static_shape(shape), element)


def is_float(t: ir.Type) -> bool:
    return isinstance(t.maybe_downcast(), ir.FloatType)


def wide(elem: ir.Type) -> ir.Type:
    """The type f16 and bf16 are computed in -- f32: products summed (as onnxruntime and
    numpy's ``ml_dtypes`` dot, hence ONNX's reference, do), softmax, normalisation
    statistics (ONNX's ``stash_type`` 1) -- and the type itself for every other type."""
    return ir.F32Type.get() if elem in (ir.F16Type.get(), ir.BF16Type.get()) else elem


def int_width(t: ir.Type) -> int:
    return ir.IntegerType(t).width


def is_unsigned_int(t: ir.Type) -> bool:
    return not is_float(t) and ir.IntegerType(t).is_unsigned


def check_ranked(op: ir.OpView) -> None:
    """Raise PassError unless every operand and result is a ranked tensor."""
    for v in list(op.operation.operands) + list(op.operation.results):
        t = v.type.maybe_downcast()
        if not isinstance(t, ir.RankedTensorType):
            raise PassError(f"expected ranked tensors, got {v.type}", op)


def norm_axis(axis: int, rank: int) -> int:
    return axis + rank if axis < 0 else axis


# -- constants and tensors --------------------------------------------------------------------

def scalar_attr(t: ir.Type, value: float | int | bool) -> ir.Attribute:
    if is_float(t):
        return ir.FloatAttr.get(t, float(value))
    if int_width(t) == 1:
        return ir.IntegerAttr.get(t, 1 if value else 0)
    if is_unsigned_int(t):  # the bindings take an int64: wrap to N bits, then to int64
        value = int(value) % (1 << int_width(t))
        return ir.IntegerAttr.get(t, value - (1 << 64) if value >= 1 << 63 else value)
    return ir.IntegerAttr.get(t, int(value))


def const(t: ir.Type, value: float | int | bool) -> ir.Value:
    """A scalar ``arith.constant`` of type ``t``."""
    return arith.ConstantOp(t, scalar_attr(t, value)).result


def const_index(value: int) -> ir.Value:
    return arith.ConstantOp.create_index(value).result


def lowest(t: ir.Type) -> ir.Value:
    """-inf for floats, the smallest value for integers (max-reduction identity)."""
    if is_float(t):
        return const(t, float("-inf"))
    w = int_width(t)
    return const(t, 0 if w == 1 or is_unsigned_int(t) else -(1 << (w - 1)))


def highest(t: ir.Type) -> ir.Value:
    """+inf for floats, the largest value for integers (min-reduction identity)."""
    if is_float(t):
        return const(t, float("inf"))
    w = int_width(t)
    if is_unsigned_int(t):
        return const(t, (1 << w) - 1)
    return const(t, 1 if w == 1 else (1 << (w - 1)) - 1)


def dense_const(array: np.ndarray, element: ir.Type) -> ir.Value:
    """A tensor ``arith.constant`` holding ``array`` converted to ``element``."""
    ttype = tensor_type(array.shape, element)
    if is_float(element):
        values = [ir.FloatAttr.get(element, float(x)) for x in array.flat]
    else:
        values = [scalar_attr(element, int(x)) for x in array.flat]
    return arith.ConstantOp(ttype, ir.DenseElementsAttr.get(values, type=ttype)).result


def empty(shape: Sequence, element: ir.Type) -> ir.Value:
    return dims.remember(tensor.EmptyOp(dims.mixed(shape), element).result, shape)


def filled(shape: Sequence[int], element: ir.Type, scalar: ir.Value) -> ir.Value:
    """``linalg.fill`` of a fresh tensor with ``scalar``."""
    return dims.remember(linalg.fill(scalar, outs=[empty(shape, element)]), shape)


# -- linalg.generic ---------------------------------------------------------------------------

def affine_map(n_dims: int, exprs: Sequence) -> ir.AffineMap:
    """A map over ``n_dims`` dims; ``exprs`` items are dim numbers, 0-constants or AffineExprs."""
    out = []
    for e in exprs:
        if isinstance(e, int):
            out.append(ir.AffineDimExpr.get(e))
        elif e is None:
            out.append(ir.AffineConstantExpr.get(0))
        else:
            out.append(e)
    return ir.AffineMap.get(n_dims, 0, out)


def dim(i: int) -> ir.AffineExpr:
    return ir.AffineDimExpr.get(i)


def generic(inputs: Sequence[ir.Value], inits: Sequence[ir.Value], maps: Sequence[ir.AffineMap],
            iterators: Sequence[str], body: Callable[..., Sequence[ir.Value] | ir.Value]
            ) -> list[ir.Value]:
    """A ``linalg.generic``; ``body(*input_scalars, *init_scalars)`` returns the yielded values."""
    result_types = [v.type for v in inits]
    op = linalg.GenericOp(
        result_types, list(inputs), list(inits),
        ir.ArrayAttr.get([ir.AffineMapAttr.get(m) for m in maps]),
        ir.ArrayAttr.get([ir.Attribute.parse(f"#linalg.iterator_type<{it}>")
                          for it in iterators]))
    block = op.regions[0].blocks.append(*[elem_of(v) for v in list(inputs) + list(inits)])
    with ir.InsertionPoint(block):
        yielded = body(*block.arguments)
        if isinstance(yielded, ir.Value):
            yielded = [yielded]
        linalg.YieldOp(list(yielded))
    return [dims.remember(r, shape_of(init)) if not _static(init) else r
            for r, init in zip(op.results, inits)]


def _static(value: ir.Value) -> bool:
    return ir.RankedTensorType(value.type).has_static_shape



def indexed_generic(inputs: Sequence[ir.Value], inits: Sequence[ir.Value],
                    maps: Sequence[ir.AffineMap], iterators: Sequence[str],
                    loops: dict[int, int], body: Callable[..., Sequence[ir.Value] | ir.Value]
                    ) -> list[ir.Value]:
    """``generic`` whose body also gets the global position of the loops in ``loops`` (loop ->
    trip count): ``body(pos, *input_scalars, *init_scalars)``, ``pos[d]`` an ``index`` value.

    Positions come from constant iota inputs (``[0, n)``, i64) read along each loop, not from
    ``linalg.index``: a tiled generic's ``linalg.index`` counts from the tile origin.
    """
    n_loops = len(iterators)
    static = sorted(d for d in loops if not dims.is_dim(loops[d]))
    dynamic = sorted(d for d in loops if dims.is_dim(loops[d]))  # no constant iota: linalg.index
    i64 = ir.IntegerType.get_signless(64)
    iotas = [arith.ConstantOp(tensor_type([loops[d]], i64), ir.DenseElementsAttr.get(
        np.arange(loops[d], dtype=np.int64))).result for d in static]
    iota_maps = [affine_map(n_loops, [d]) for d in static]
    n_in = len(inputs)

    def wrapped(*args):
        pos = {d: arith.index_cast(ir.IndexType.get(), a)
               for d, a in zip(static, args[n_in:n_in + len(static)])}
        pos.update({d: linalg.IndexOp(d).result for d in dynamic})
        return body(pos, *args[:n_in], *args[n_in + len(static):])
    return generic(list(inputs) + iotas, inits, list(maps[:n_in]) + iota_maps + list(maps[n_in:]),
                   iterators, wrapped)


def broadcast_map(in_shape: Sequence[int], out_shape: Sequence[int]) -> ir.AffineMap:
    """numpy broadcasting of ``in_shape`` against ``out_shape`` as an indexing map."""
    offset = len(out_shape) - len(in_shape)
    if offset < 0:
        raise ValueError(f"cannot broadcast {list(in_shape)} to {list(out_shape)}")
    exprs = []
    for i, size in enumerate(in_shape):
        if size == out_shape[i + offset]:
            exprs.append(i + offset)
        elif dims.is_dim(size) and dims.is_dim(out_shape[i + offset]):
            raise dims.DynamicDimError(f"broadcasts dynamic dim {size.key} against "
                                       f"{out_shape[i + offset].key}, which may differ")
        elif size == 1:
            exprs.append(None)
        else:
            raise ValueError(f"cannot broadcast {list(in_shape)} to {list(out_shape)}")
    return affine_map(len(out_shape), exprs)


def map_elementwise(out_shape: Sequence[int], out_elem: ir.Type, inputs: Sequence[ir.Value],
                    body: Callable[..., ir.Value]) -> ir.Value:
    """Elementwise ``body(*scalars)`` over ``inputs`` broadcast (numpy) to ``out_shape``."""
    rank = len(out_shape)
    maps = [broadcast_map(shape_of(v), out_shape) for v in inputs]
    maps.append(ir.AffineMap.get_identity(rank))
    return generic(inputs, [empty(out_shape, out_elem)], maps, [PARALLEL] * rank,
                   lambda *args: body(*args[:len(inputs)]))[0]


def reduce_dims(x: ir.Value, dims: Sequence[int], init: ir.Value,
                combine: Callable[[ir.Value, ir.Value], ir.Value],
                pre: Callable[[ir.Value], ir.Value] | None = None) -> ir.Value:
    """Reduce ``x`` over ``dims`` (dropped from the result) starting from filled ``init``.

    ``pre`` maps each element before it is combined (e.g. ``abs`` for an L1 norm).
    """
    shape = shape_of(x)
    rank = len(shape)
    kept = [d for d in range(rank) if d not in dims]
    out_shape = [shape[d] for d in kept]
    acc = filled(out_shape, init.type, init)
    iters = [REDUCTION if d in dims else PARALLEL for d in range(rank)]
    maps = [ir.AffineMap.get_identity(rank), affine_map(rank, kept)]

    def body(a, acc_):
        return combine(pre(a) if pre else a, acc_)
    return generic([x], [acc], maps, iters, body)[0]


def per_item(x: ir.Value, out_shape: Sequence, element: ir.Type,
             body: Callable[[ir.Value, list], ir.Value]) -> ir.Value:
    """An op over a batch (dim 0 of ``x`` and of the result, static or dynamic) as a loop over
    its items: ``body(x_item, item_out_shape)`` lowers one item, static when only the batch was
    dynamic, so the batch-1 lowering (and the kernels it feeds) applies unchanged."""
    sx = shape_of(x)
    result = empty(out_shape, element)
    one = dims.index(1)
    count = out_shape[0].value if dims.is_dim(out_shape[0]) else dims.index(out_shape[0])
    loop = scf.ForOp(dims.index(0), count, one, [result])
    with ir.InsertionPoint(loop.body):
        n, acc = loop.induction_variable, loop.inner_iter_args[0]
        at = [ir.ShapedType.get_dynamic_size()] + [0] * (len(sx) - 1)  # [n, 0, 0, ...]
        dyn_sizes, sizes = dims.split([1] + sx[1:])
        item = tensor.extract_slice(tensor_type([1] + sx[1:], elem_of(x)), x, [n], dyn_sizes,
                                    [], at, sizes, [1] * len(sx))
        y = body(item, [1] + list(out_shape[1:]))
        dyn_out, out_sizes = dims.split([1] + list(out_shape[1:]))
        scf.YieldOp([tensor.insert_slice(y, acc, [n], dyn_out, [], at, out_sizes,
                                         [1] * len(sx))])
    return dims.remember(loop.results[0], out_shape) if dims.is_dim(out_shape[0]) \
        else loop.results[0]


# -- reshapes ---------------------------------------------------------------------------------

def reassociation(src: Sequence, dst: Sequence) -> list[list[int]] | None:
    """Groups of ``src`` dims that form each ``dst`` dim (``src`` has more dims), or None.
    Dynamic dims group by equal products (``batch*seq`` from ``batch`` and ``seq``)."""
    if len(dst) == 1:
        return [list(range(len(src)))]
    groups, i = [], 0
    for size in dst:
        if i >= len(src):
            return None
        group, prod = [i], src[i]
        i += 1
        if dims.is_dim(size) or dims.is_dim(prod):
            while prod != size and i < len(src):
                group.append(i)
                prod = prod * src[i]
                i += 1
        else:
            while prod < size and i < len(src) and not dims.is_dim(src[i]):
                group.append(i)
                prod *= src[i]
                i += 1
        if prod != size:
            return None
        groups.append(group)
    if i < len(src):
        if not groups or any(s != 1 for s in src[i:]):
            return None
        groups[-1].extend(range(i, len(src)))
    return groups


def reshape(x: ir.Value, out_shape: Sequence) -> ir.Value:
    """Reshape a tensor: expand/collapse_shape where possible, else through 1-D."""
    shape = shape_of(x)
    out_shape = list(out_shape)
    ttype = tensor_type(out_shape, elem_of(x))
    if shape == out_shape:
        return x
    if 0 in shape:  # no elements (and no reassociation may exist): a fresh empty tensor
        return empty(out_shape, elem_of(x))
    if not out_shape:
        return tensor.collapse_shape(ttype, x, ir.ArrayAttr.get([]))
    if not shape:
        return tensor.expand_shape(ttype, x, _reassoc_attr([]), [], dims.static_shape(out_shape))
    if len(shape) > len(out_shape):
        groups = reassociation(shape, out_shape)
        if groups is not None:
            return dims.remember(tensor.collapse_shape(ttype, x, _reassoc_attr(groups)),
                                 out_shape)
    elif len(shape) < len(out_shape):
        groups = reassociation(out_shape, shape)
        if groups is not None and any(sum(map(dims.is_dim, (out_shape[d] for d in g))) > 1
                                      for g in groups):
            return _reshape_dynamic(x, out_shape)  # expand_shape: one dynamic dim per group
        if groups is not None:
            return dims.remember(tensor.expand_shape(ttype, x, _reassoc_attr(groups),
                                                     dims.dynamic_values(out_shape),
                                                     dims.static_shape(out_shape)), out_shape)
    flat = reshape(x, [math.prod(shape)])
    return reshape(flat, out_shape)


def _reshape_dynamic(x: ir.Value, out_shape: list) -> ir.Value:
    """``tensor.reshape`` to a shape tensor: for dynamic shapes no expand_shape can state."""
    index = ir.IndexType.get()
    sizes = [d.value if dims.is_dim(d) else dims.index(d) for d in out_shape]
    shape = tensor.from_elements(ir.RankedTensorType.get([len(sizes)], index), sizes)
    return dims.remember(tensor.reshape(tensor_type(out_shape, elem_of(x)), x, shape), out_shape)


def _reassoc_attr(groups: list[list[int]]) -> ir.ArrayAttr:
    i64 = ir.IntegerType.get_signless(64)
    return ir.ArrayAttr.get([ir.ArrayAttr.get([ir.IntegerAttr.get(i64, d) for d in g])
                             for g in groups])
