"""The ``hw`` dialect object (ops in ``ops.py``; the module target attribute in ``target.py``)."""

from aic.dsl import Dialect

hw = Dialect(
    "hw",
    "Targets: descriptions that passes read, and target-level ops.",
    """
    A module compiled for a target carries `hw.target`, a dictionary describing the machine
    (see `aic.targets`): for CPUs the ISA, vector width, cores, cache sizes and peak GFLOP/s;
    for CUDA the sm version, shared memory, warp size and tensor-core (mma) shape. Passes read
    it to choose tile sizes and register tiles. The ops are the target-level constructs the
    final lowering needs: a loop parallel over cores (or blocks/threads), shared-memory
    buffers, barriers and the register-tile multiply-accumulate micro-kernel.
    """,
)
