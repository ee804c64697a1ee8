"""``aic-convert-graph-to-linalg``: lower every graph op to linalg on tensors.

Recipe:

* Preconditions: graph ops live in ``func.func`` bodies (or nested regions) and have ranked
  tensor operands and results (run shape inference first). Dynamic dims (``?``) resolve
  through the ``aic.dims`` names of ``@main``'s arguments and of the ops (``lib/dims.py``,
  ``lib/result_dims.py``); a lowering that needs a dynamic dim's value fails with a located
  error; element types f32, f16,
  f64, i64, i32, i16, i8, i1 and the unsigned ui64, ui32, ui16, ui8. The graph ops must be
  semantically valid (``aic.verify``); the pass checks each before it lowers any, so IR that
  skipped the verifier (``aic-opt --no-verify-aic``) fails with a located error.
* ``graph.fused`` groups are inlined first (their body is spliced before them).
* Then each graph op, in program order, is replaced by its lowering from
  ``graph_to_linalg_lib.LOWERINGS`` (upstream named linalg ops where they exist, otherwise
  ``linalg.generic``, plus tensor/arith/math ops). New ops carry the graph op's location.
* Afterwards the whole ``graph`` dialect is illegal: any graph op left (one without a
  lowering) fails the pass with a located error naming the op. ``graph.constant`` becomes
  ``arith.constant`` with the same attribute.
* Unsigned element types: lowerings build on the ``ui`` values (picking unsigned arith ops
  from the type), then every ``uiN`` in the module — function signatures included — becomes
  the signless ``iN`` of the same bits (``graph_to_linalg_lib.signless``). Signed/signless
  functions are unchanged. The graph-level signature stays the interface's truth (the
  runtime reads it before this pass).
* Data-sized results (non_max_suppression, unique, nonzero: a ``?`` dim with no name):
  ``scf.for`` loops of scalar code fill a buffer of the largest possible size while counting;
  the result is its first ``count`` rows (``graph_to_linalg_lib.selection``). Their users
  read such a dim with ``tensor.dim``.
* Data-dependent indices (gather, gather_elements): positions wrap once and are clamped, so
  no read is out of bounds; with ``check-indices`` (default) each function with non-constant
  indices gets one extra, last result -- its status ``tensor<2Kxi64>`` (min and max of each
  checked index tensor) -- described by the module attribute ``aic.index_checks``
  (``graph_to_linalg_lib.index_checks``). Constant indices out of range fail the pass.
"""

from __future__ import annotations

from aic.dialects.graph import DIALECT, FusedOp
from aic.dialects.graph.ops_structure import TERMINATOR
from aic.errors import PassError
from aic.mlir_api import ir
from aic.pass_base import Pass, option, register_pass
from aic.passes.conversions.graph_to_linalg_lib import LOWERINGS
from aic.passes.conversions.graph_to_linalg_lib import dims
from aic.passes.conversions.graph_to_linalg_lib.common import check_ranked
from aic.passes.conversions.graph_to_linalg_lib.result_dims import result_dims
from aic.passes.conversions.graph_to_linalg_lib.im2col import CONV_IM2COL
from aic.passes.conversions.graph_to_linalg_lib.index_checks import CHECKS, attach_status
from aic.passes.conversions.graph_to_linalg_lib.signless import (make_signless,
                                                                 signless_graph_constants)
from aic.verify import require_valid, walk

_GRAPH_OPS = tuple(DIALECT.ops)


def inline_fused(fused: FusedOp) -> None:
    """Splice the body of ``fused`` before it and replace its results by the yielded values."""
    block = fused.operation.regions[0].blocks[0]
    ops = list(block.operations)
    if not ops or ops[-1].operation.name != TERMINATOR:
        raise PassError("graph.fused body has no terminator", fused)
    terminator = ops[-1]
    for op in ops[:-1]:
        op.operation.move_before(fused.operation)
    for result, value in zip(fused.operation.results, terminator.operation.operands):
        result.replace_all_uses_with(value)
    fused.operation.erase()


def lower_op(op: ir.OpView) -> None:
    """Replace one graph op by its linalg lowering."""
    lowering = LOWERINGS.get(type(op))
    if lowering is None:
        supported = ", ".join(sorted(cls.OPERATION_NAME for cls in LOWERINGS))
        raise PassError(f"no lowering to linalg for '{op.operation.name}' "
                        f"(supported: {supported})", op)
    check_ranked(op)
    with ir.InsertionPoint(op), op.location:
        shapes = result_dims(op)
        token = dims.RESULT_DIMS.set(shapes)
        try:
            new_values = lowering(op)
        except dims.DynamicDimError as e:
            raise PassError(f"dynamic dims are not supported by this lowering ({e}); give "
                            "the model's input shapes (--input-shape) to compile it", op) from None
        finally:
            dims.RESULT_DIMS.reset(token)
    results = list(op.operation.results)
    if len(new_values) != len(results):
        raise PassError(f"internal: lowering gave {len(new_values)} values for "
                        f"{len(results)} results", op)
    for old, new in zip(results, new_values):
        if old.type != new.type:
            raise PassError(f"internal: lowering produced {new.type}, expected {old.type}", op)
        if old in shapes:
            dims.annotate(new, shapes[old])  # the users' lowerings read the names
        old.replace_all_uses_with(new)
    op.operation.erase()


@register_pass
class ConvertGraphToLinalg(Pass):
    """Lower graph ops to linalg on tensors (named ops, linalg.generic, tensor, arith, math).

    Options: `conv-im2col` (default true): group-1 2-D convs become im2col + linalg.matmul
    (false: linalg.conv_2d_nchw_fchw); `check-indices` (default true): functions reading at
    data-dependent indices return a status result flagging indices out of range (the
    module's `aic.index_checks` describes it; false: indices are only clamped). Fails with a
    located error on a dynamic dim a lowering cannot handle, an op without a lowering, or a
    graph op that fails aic's semantic verifier.
    """

    NAME = "aic-convert-graph-to-linalg"
    conv_im2col: bool = option(True, "group-1 2-D convs as im2col + linalg.matmul")
    check_indices: bool = option(True, "return a status result flagging data-dependent "
                                       "indices out of range")

    def run(self, op):
        checks = [] if self.check_indices else None
        token, checks_token = CONV_IM2COL.set(self.conv_im2col), CHECKS.set(checks)
        try:
            self._lower(op)
            if checks:
                attach_status(op, checks)
        finally:
            CONV_IM2COL.reset(token)
            CHECKS.reset(checks_token)

    def _lower(self, op):
        while True:
            fused = [o for o in walk(op) if isinstance(o, FusedOp)]
            if not fused:
                break
            inline_fused(fused[-1])  # any order works: a nested group ends up in its parent
        signless_graph_constants(op)
        graph_ops = [o for o in walk(op) if isinstance(o, _GRAPH_OPS)]
        for graph_op in graph_ops:
            require_valid(graph_op)
        for graph_op in graph_ops:
            lower_op(graph_op)
        for o in walk(op):  # names were for the lowering; types keep the ? dims
            if o.operation.name != "func.func" and dims.DIMS_ATTR in o.operation.attributes:
                del o.operation.attributes[dims.DIMS_ATTR]
        make_signless(op)
