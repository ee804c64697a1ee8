"""``aic-hw-set-target``: attach a target description (`hw.target`) to the module."""

from aic import targets
from aic.dialects.hw import set_target
from aic.errors import PassError
from aic.pass_base import Pass, option, register_pass


@register_pass
class SetTarget(Pass):
    """Attach `hw.target` (the host CPU or a named preset) to the module.

    Options: `target` — `cpu` (this machine, read from /proc and /sys), or a preset:
    `cpu-avx512`, `cpu-avx2`, `cpu-generic`, `cuda-sm80`, `cuda-sm86`, `cuda-sm89`,
    `cuda-sm90`. `threads` — the CPU
    cores the code runs on (its `cores` field, and the peak recomputed; default 0: the
    target's own, for `cpu` every core this process may use). Replaces an existing
    `hw.target`.
    """

    NAME = "aic-hw-set-target"
    target: str = option("cpu", "cpu (the host) or a preset name")
    threads: int = option(0, "CPU cores to run on (0: the target's own)")

    def run(self, op):
        try:
            desc = targets.resolve(self.target)
            if self.threads:
                desc = targets.with_cores(desc, self.threads)
        except ValueError as e:
            raise PassError(str(e), op) from None
        set_target(op, desc)
