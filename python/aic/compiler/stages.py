"""The stage tables: ``level name -> how to get there from the previous level``.

A compile runs the stages of its target in order; ``--emit=<level>`` stops after that level
and ``--dump-dir`` writes each level's IR (every IR level re-parses with ``aic-opt``).
MLIR levels are pass pipelines (aic passes and upstream passes in one pipeline text);
the later levels (LLVM IR text, assembly, object, shared library) are produced by
``aic.compiler.cpu_backend``.

CPU:  graph -> linalg -> tiled -> hw -> llvm  (-> llvmir -> asm | obj -> lib); the kernels'
parallel loops run on ``hw.target``'s cores (OpenMP, ``aic-convert-scf-to-openmp`` in TO_LLVM).
"""

from __future__ import annotations

from dataclasses import dataclass

from aic.runtime.jit import BUFFERIZE, TO_LLVM

GRAPH_OPTIMIZE = (
    "aic-graph-infer-shapes,aic-graph-fold-constants,aic-graph-simplify,"
    "aic-graph-fold-batch-norm,aic-graph-fold-constants,aic-graph-dce,aic-verify"
)


@dataclass(frozen=True)
class Stage:
    level: str
    pipeline: str  # runs on the previous level's module to produce this level
    summary: str


def cpu_stages(target: str = "cpu", threads: int = 0) -> list[Stage]:
    """``threads`` > 0 replaces the target's cores: the code runs on that many threads."""
    set_target = f"target={target}" + (f" threads={threads}" if threads else "")
    return [
        Stage("graph", GRAPH_OPTIMIZE,
              "model-level ops after shape inference, folding, simplification"),
        Stage("linalg", "aic-convert-graph-to-linalg,canonicalize,cse",
              "upstream linalg on tensors"),
        Stage("tiled", f"aic-hw-set-target{{{set_target}}},aic-convert-linalg-to-tiled",
              "tile programs: kernels with iteration spaces, tile sizes, fused bodies"),
        Stage("hw", "aic-convert-tiled-to-hw",
              "target mapping: parallel over cores, micro-kernels"),
        Stage("llvm", f"aic-convert-hw-to-scf,canonicalize,func.func(llvm-request-c-wrappers),"
                      f"{BUFFERIZE},{TO_LLVM}",
              "LLVM dialect"),
    ]


MLIR_LEVELS = ("graph", "linalg", "tiled", "hw", "llvm")


def _register_stage_pipelines() -> None:
    """``aic-stage-<level>``: one CPU stage as a named pipeline, so ``aic-opt`` can resume a
    compile from any saved level (``aic-opt 02-linalg.mlir -p aic-stage-tiled,aic-stage-hw``)."""
    from aic.pipeline import register_pipeline

    for stage in cpu_stages():
        register_pipeline(f"aic-stage-{stage.level}", stage.pipeline,
                          f"CPU stage '{stage.level}': {stage.summary}")


_register_stage_pipelines()
