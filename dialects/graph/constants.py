"""Reading and building ``graph.constant`` values as numpy arrays.

* ``constant_value(value)``: the numpy array behind a ``graph.constant`` result (``dense`` or
  ``dense_resource``), or ``None`` (``holder_array(op, type)``: the same for any op with a
  ``value`` attribute, e.g. ``arith.constant``); ``splat_value`` the single value a constant repeats.
* ``make_constant(array, type, loc)`` builds a ``graph.constant`` at the current insertion
  point (``dense_resource`` above 64 elements, named after a hash of the content so output is
  deterministic); ``elements_attr`` builds just the attribute.
* ``erase_if_unused(value)`` drops a constant nothing uses any more.
* ``resource_attr(array, name, type)`` builds a ``dense_resource`` attribute and remembers its
  array (per context), so ``constant_value`` reads it back without printing the blob as hex
  text -- the bindings have no getter for a resource's bytes.

May import numpy, the MLIR shim, the IR layer and the graph dialect's op classes.
"""

from __future__ import annotations

import hashlib
import re
import weakref

import numpy as np

from aic.dialects.graph.ops_elementwise import ConstantOp
from aic.dsl import dtypes
from aic.dsl.constraints import isa, static_shape
from aic.mlir_api import ir

RESOURCE_THRESHOLD = 64
"""Constants with more elements than this are stored as ``dense_resource`` blobs."""


_BLOBS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""context -> {printed ``dense_resource`` attribute: the array behind its blob}; an entry goes
with its context (the blob holds the array, zero-copy, for as long as the context lives)."""


BLOB_ALIGNMENT = 64
"""Blobs start on a 64-byte boundary: the JIT binds a weight global to its blob's memory
(``aic.compiler.weights``), and code may load it with aligned (AVX-512) vector loads."""


def aligned(array: np.ndarray, alignment: int = BLOB_ALIGNMENT) -> np.ndarray:
    """``array`` (C-contiguous) itself if its data starts on an ``alignment`` boundary, else
    a copy that does."""
    if array.ctypes.data % alignment == 0:
        return array
    buffer = np.empty(array.nbytes + alignment, np.uint8)
    start = -buffer.ctypes.data % alignment
    copy = buffer[start: start + array.nbytes].view(array.dtype).reshape(array.shape)
    copy[...] = array
    return copy


def resource_attr(array: np.ndarray, name: str, type_: ir.Type) -> ir.Attribute:
    """``dense_resource<name>`` of ``type_`` backed by ``array`` (C-contiguous, the element
    type's dtype; copied if it is not 64-byte aligned), readable again by ``constant_value``
    without a round trip through text."""
    array = aligned(array)
    # (the blob's declared alignment stays the element's: MLIR bytecode holding a blob
    # declared 64-aligned can only be read from a 64-aligned buffer, not from a pipe)
    attr = ir.DenseResourceElementsAttr.get_from_buffer(array, name, type_)
    _BLOBS.setdefault(attr.context, {})[str(attr)] = array
    return attr


def erase_if_unused(value: ir.Value) -> None:
    """Erase the producer of ``value`` when it is a ``graph.constant`` nothing uses any more."""
    owner = value.owner
    if isinstance(owner, ConstantOp) and not list(owner.result.uses):
        owner.operation.erase()


# -- types --------------------------------------------------------------------------------------

def numpy_dtype(element_type: ir.Type) -> np.dtype | None:
    """The numpy dtype of an MLIR element type (None for bf16 and other types numpy lacks)."""
    try:
        return dtypes.numpy_dtype(element_type)
    except TypeError:
        return None


# -- reading constants --------------------------------------------------------------------------

def constant_attr(value: ir.Value) -> ir.Attribute | None:
    """The ``value`` attribute of the ``graph.constant`` producing ``value``, or None."""
    owner = value.owner
    if not isinstance(owner, ConstantOp):
        return None
    return owner.operation.attributes["value"]


def constant_value(value: ir.Value, max_elements: int | None = None) -> np.ndarray | None:
    """The data of the ``graph.constant`` producing ``value`` as a numpy array, or None.

    None when ``value`` is not a constant, its element type has no numpy dtype, or it holds
    more than ``max_elements`` elements (when given).
    """
    attr = constant_attr(value)
    if attr is None:
        return None
    return holder_array(value.owner, value.type, max_elements)


def holder_array(op, type_: ir.Type, max_elements: int | None = None) -> np.ndarray | None:
    """The data of the ``value`` attribute (``dense`` or ``dense_resource``) of ``op`` -- a
    ``graph.constant``, an ``arith.constant`` -- as a numpy array of ``type_``'s shape, or
    None (see ``constant_value``)."""
    attr = op.attributes["value"]
    shape = static_shape(type_)
    dtype = numpy_dtype(ir.ShapedType(type_).element_type)
    if shape is None or dtype is None:
        return None
    if max_elements is not None and int(np.prod(shape)) > max_elements:
        return None
    if isa(ir.DenseElementsAttr, attr):
        array = dtypes.dense_array(attr)
    else:
        array = resource_array(op, dtype)
    if array is None or array.dtype == object or array.size != int(np.prod(shape)):
        return None
    return array.astype(dtype, copy=False).reshape(shape)


_BLOB_RE = re.compile(r'dialect_resources:\s*\{\s*builtin:\s*\{\s*[^:]+:\s*"0x([0-9A-Fa-f]*)"')


def resource_array(const_op: ir.OpView, dtype: np.dtype, copy: bool = True,
                   key: str = "value") -> np.ndarray | None:
    """Read the ``dense_resource`` blob of ``const_op``'s ``value`` attribute (any op holding
    one: ``graph.constant``, ``llvm.mlir.global``) as a flat array of ``dtype``: the array
    ``resource_attr`` made it from (a copy, or with ``copy=False`` a view of the very memory the
    blob holds); else (a blob parsed from text) print a one-op module holding it and decode the
    hex -- the printed blob is a 4-byte little-endian alignment followed by the raw data.
    ``key`` names the attribute (``initial_value`` for a ``memref.global``).
    """
    const_op = const_op.operation
    attr = const_op.attributes[key]
    known = _BLOBS.get(attr.context, {}).get(str(attr))
    if known is not None:  # the blob's bytes, as the constant's element type
        raw = known.reshape(-1).view(np.uint8)
        view = raw.view(np.uint8 if dtype == np.bool_ else dtype)
        return view.astype(dtype) if copy else view
    with const_op.context, ir.Location.unknown():
        holder = ir.Module.create()
        const_op.clone(ip=ir.InsertionPoint(holder.body))
        text = holder.operation.get_asm()
    match = _BLOB_RE.search(text)
    if match is None:
        return None
    data = bytes.fromhex(match.group(1))[4:]
    return np.frombuffer(data, dtype=np.uint8 if dtype == np.bool_ else dtype).astype(dtype)


def splat_value(value: ir.Value, max_elements: int = 4096):
    """The single value all elements of a constant share, as a numpy scalar, or None.

    Splat ``dense`` attributes are read without expanding them; other constants only when they
    hold at most ``max_elements`` elements.
    """
    attr = constant_attr(value)
    if attr is not None and isa(ir.DenseElementsAttr, attr) and ir.DenseElementsAttr(attr).is_splat:
        element = ir.ShapedType(value.type).element_type
        if numpy_dtype(element) is None or numpy_dtype(element) == np.bool_:
            return None
        one = ir.DenseElementsAttr.get_splat(ir.RankedTensorType.get([1], element),
                                             ir.DenseElementsAttr(attr).get_splat_value())
        return dtypes.dense_array(one).astype(numpy_dtype(element))[0]
    array = constant_value(value, max_elements)
    if array is None or array.size == 0 or not np.all(array == array.flat[0]):
        return None
    return array.flat[0]


# -- building constants -------------------------------------------------------------------------

def elements_attr(array: np.ndarray, type_: ir.Type) -> ir.Attribute:
    """``dense`` (small) or ``dense_resource`` (large) attribute of ``type_`` holding ``array``."""
    shaped = ir.ShapedType(type_)
    element = shaped.element_type
    dtype = numpy_dtype(element)
    if dtype is None:
        raise ValueError(f"cannot build a constant of element type {element}")
    # np.require, not np.ascontiguousarray: the latter turns a 0-d array into shape (1,)
    array = np.asarray(array, dtype=dtype).reshape(list(shaped.shape))
    array = np.require(array, requirements="C")
    if dtype == np.bool_:
        packed = np.packbits(array, axis=None, bitorder="little")
        return ir.DenseElementsAttr.get(packed, type=element, shape=list(array.shape))
    if array.size <= RESOURCE_THRESHOLD:
        return dtypes.dense_attr(array, ir.RankedTensorType.get(list(array.shape), element))
    digest = hashlib.sha256(str(type_).encode() + array.tobytes()).hexdigest()[:16]
    return resource_attr(array, f"aic_{digest}", type_)


def make_constant(array: np.ndarray, type_: ir.Type, loc: ir.Location | None = None) -> ir.Value:
    """Build a ``graph.constant`` of ``type_`` holding ``array`` at the current insertion point."""
    return ConstantOp(out_type=type_, value=elements_attr(array, type_), loc=loc).result
