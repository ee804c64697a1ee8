"""``aic-hw-verify-target``: check the module's `hw.target` and the hw ops against it."""

from aic import targets
from aic.dialects.hw import TARGET_ATTR, MicrokernelOp, ParallelOp, SharedAllocOp
from aic.errors import AlreadyReported, PassError
from aic.mlir_api import ir
from aic.pass_base import Pass, option, register_pass
from aic.verify import walk


@register_pass
class VerifyTarget(Pass):
    """Check `hw.target` (fields, types, ranges) and that hw ops fit the target.

    Checks: every field of the target kind is present with the right type and range; on a CPU
    target no `hw.shared_alloc` and no block/thread mapping; on CUDA the shared buffers fit in
    `smem`. Option `required` (default false): fail when the module has no `hw.target`.
    """

    NAME = "aic-hw-verify-target"
    required: bool = option(False, "fail when the module has no hw.target")

    def run(self, op):
        attrs = op.operation.attributes
        if TARGET_ATTR not in attrs:
            if self.required:
                raise PassError("the module has no hw.target", op)
            return
        errors = targets.check_attr(attrs[TARGET_ATTR])
        if errors:
            raise PassError("invalid hw.target: " + "; ".join(errors), op)
        target = targets.from_attr(attrs[TARGET_ATTR])
        if not _check_ops(op, target):
            raise AlreadyReported()


def _check_ops(op, target) -> bool:
    ok, shared = True, 0
    for child in walk(op):
        message = None
        if isinstance(child, SharedAllocOp):
            t = ir.MemRefType(child.buffer.type)
            shared += t.element_type.width // 8 * _count(t.shape)
            if target.kind == "cpu":
                message = "hw.shared_alloc needs a cuda target"
            elif shared > target.smem:
                message = f"shared memory use {shared} B exceeds the target's {target.smem} B"
        elif isinstance(child, ParallelOp) and target.kind == "cpu":
            bad = [m for m in child.mapping if m not in ("core", "sequential")]
            if bad:
                message = f"mapping {bad[0]} needs a cuda target"
        elif isinstance(child, MicrokernelOp) and target.kind == "cuda":
            m, n, _ = target.mma
            if child.mr % m or child.nr % n:
                message = f"register tile {child.mr}x{child.nr} is not a multiple of mma {m}x{n}"
        if message:
            child.location.emit_error(f"aic-hw-verify-target: {message}")
            ok = False
    return ok


def _count(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n
