"""aic passes, one module per pass; importing this package registers them all."""

from aic.passes import verify  # noqa: F401
from aic.passes.conversions import graph_to_linalg  # noqa: F401
from aic.passes.graph import dce, fold_batch_norm, fold_constants, simplify  # noqa: F401
from aic.passes.graph import infer_shapes  # noqa: F401
from aic.passes.conversions import hw_to_scf, linalg_to_tiled, tiled_to_hw  # noqa: F401
from aic.passes.hw import set_target, verify_target  # noqa: F401
from aic.passes.hw import vectorize  # noqa: F401
from aic.passes.memref import widen_i1  # noqa: F401
from aic.passes.conversions import scf_to_openmp  # noqa: F401
