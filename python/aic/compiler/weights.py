"""Weights out of the LLVM-dialect module: large constants stay binary up to the artifact.

Bufferization turns every tensor constant into a ``memref.global ... constant`` and
``finalize-memref-to-llvm`` into an ``llvm.mlir.global`` whose ``value`` is the same attribute
-- for the importer's weights a ``dense_resource`` blob backed by the ONNX file's array. Printed
as LLVM IR those are ``[N x float] [float 0x..., ...]`` text that ``mlir-translate``, ``opt``
and ``llc`` parse and print again (98% of a library compile, docs/compile-time.md).

``externalize(module)`` replaces each constant global of at least ``THRESHOLD`` bytes by an
external declaration of the same symbol (same type, alignment) and returns its data as
``Weight``s, sorted by symbol name (deterministic). The data is the array the blob holds
(no copy) when aic built the blob, else read once from the attribute. Then:

* a library links ``weights_object(weights)``: an ELF object assembled by ``llvm-mc`` from
  ``.incbin`` directives (no text round trip of the values), one read-only 64-byte aligned
  section ``.rodata.aic_weights``, byte-identical for the same weights;
* the JIT (``aic.runtime.jit``) binds each symbol to its array's address: one copy at run time.

Splat constants (``dense<0.0>``) stay in the module: LLVM prints them as one value. Element
types without a plain byte layout (``i1``, anything numpy lacks) stay too.

May import the shim, the IR layer and the graph dialect's constant helpers.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

import numpy as np

from aic import timing
from aic.dialects.graph.constants import aligned, numpy_dtype, resource_array
from aic.dsl.constraints import isa
from aic.dsl.dtypes import dense_array
from aic.errors import AicError
from aic.mlir_api import ir, tool_path

THRESHOLD = 4096
"""Constants of at least this many bytes leave the module (4 KiB: below it a constant's text
costs the LLVM tools less than a symbol and a relocation are worth)."""

ELIDE_ELEMENTS = 1024
"""MLIR printed for people (``--emit <mlir level>``, ``--dump-dir``, ``aic-opt``) elides
elements attributes with more elements than this (4 KiB of f32), like
``--mlir-elide-elementsattrs-if-larger``, and ``dense_resource`` blobs above ``THRESHOLD``
bytes; ``--keep-weights`` prints them."""

ALIGNMENT = 64
SECTION = ".rodata.aic_weights"
GLOBAL = "llvm.mlir.global"  # (the LLVM dialect has no Python op class in aic.mlir_api)


@dataclass(frozen=True)
class Weight:
    """One external constant: its symbol and its bytes (a flat array, C-contiguous, 64-byte
    aligned: the code may use aligned vector loads on it)."""

    name: str
    data: np.ndarray

    @property
    def nbytes(self) -> int:
        return self.data.nbytes

    @property
    def address(self) -> int:
        return self.data.ctypes.data


def print_options(keep_weights: bool = False) -> dict:
    """``get_asm`` keyword arguments that elide weights (nothing with ``keep_weights``)."""
    if keep_weights:
        return {}
    return {"large_elements_limit": ELIDE_ELEMENTS, "large_resource_limit": 2 * THRESHOLD}


def externalize(module: ir.Module, threshold: int = THRESHOLD) -> list[Weight]:
    """Turn each constant ``llvm.mlir.global`` of ``module`` holding ``threshold`` bytes or
    more into an external declaration; return their data in symbol order."""
    weights = []
    with module.context, timing.span("externalize weights"):
        external = ir.Attribute.parse("#llvm.linkage<external>")
        for op in module.body.operations:
            data = _large_constant(op, threshold)
            if data is None:
                continue
            weights.append(Weight(ir.StringAttr(op.attributes["sym_name"]).value, data))
            del op.attributes["value"]
            op.attributes["linkage"] = external
    return sorted(weights, key=lambda w: w.name)


def _large_constant(op, threshold: int) -> np.ndarray | None:
    """The bytes of a constant global of at least ``threshold`` bytes (None: keep it)."""
    if op.operation.name != GLOBAL or "constant" not in op.attributes \
            or "value" not in op.attributes:
        return None
    attr = op.attributes["value"]
    if not isa(ir.ShapedType, attr.type) or not ir.ShapedType(attr.type).has_static_shape:
        return None
    shaped = ir.ShapedType(attr.type)
    dtype = numpy_dtype(shaped.element_type)
    if dtype is None or dtype == np.bool_:  # i1: no byte-per-element layout to rely on
        return None
    count = int(np.prod(shaped.shape))
    if count * np.dtype(dtype).itemsize < threshold:
        return None
    if isa(ir.DenseElementsAttr, attr):
        dense = ir.DenseElementsAttr(attr)
        if dense.is_splat:
            return None
        data = np.ascontiguousarray(dense_array(dense), dtype=dtype).reshape(-1)
    elif _is_resource(attr):
        data = resource_array(op, dtype, copy=False)
    else:
        return None
    return aligned(data) if data is not None and data.size == count else None


def _is_resource(attr: ir.Attribute) -> bool:
    """Whether ``attr`` is a ``dense_resource`` (the bindings neither downcast to it nor know
    its type id: the cast constructor is the test)."""
    try:
        ir.DenseResourceElementsAttr(attr)
    except ValueError:
        return False
    return True


def total_bytes(weights: list[Weight]) -> int:
    return sum(w.nbytes for w in weights)


def weights_assembly(weights: list[Weight]) -> str:
    """The assembler file ``weights_object`` assembles: weight ``i`` is ``.incbin "<i>.bin"``."""
    lines = [f'\t.section\t{SECTION},"a",@progbits']
    for i, w in enumerate(weights):
        name = f'"{w.name}"'
        lines += [f"\t.p2align\t{ALIGNMENT.bit_length() - 1}", f"\t.globl\t{name}",
                  f"\t.type\t{name},@object", f"\t.size\t{name}, {w.nbytes}", f"{name}:",
                  f'\t.incbin\t"{i}.bin"']
    lines.append('\t.section\t.note.GNU-stack,"",@progbits')
    return "\n".join(lines) + "\n"


def weights_object(weights: list[Weight], path: str, folder: str) -> str:
    """Assemble ``weights`` into the ELF object ``path``, using ``folder`` (empty, temporary)
    for the raw ``.bin`` files; returns ``path``."""
    with timing.span("weights object"):
        for i, w in enumerate(weights):
            w.data.tofile(os.path.join(folder, f"{i}.bin"))
        with open(os.path.join(folder, "weights.s"), "w") as f:
            f.write(weights_assembly(weights))
        proc = subprocess.run([tool_path("llvm-mc"), "-filetype=obj", "-triple=x86_64-unknown-linux-gnu",
                               "-o", os.path.abspath(path), "weights.s"],
                              cwd=folder, capture_output=True, text=True, check=False)
        for i in range(len(weights)):
            os.remove(os.path.join(folder, f"{i}.bin"))
    if proc.returncode != 0:
        first = (proc.stderr.strip().splitlines() or ["(no message)"])[0]
        raise AicError(f"llvm-mc (weights object) failed: {first}")
    return path
