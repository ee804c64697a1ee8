"""The stage tables: the whole compiler, one ordered table per target.

A stage is a level name and how to get there: an MLIR level is a pass pipeline (aic and
upstream passes in one text) run on the module of the MLIR level before it; an artifact level
(LLVM IR, assembly, object, shared library) is a function of an earlier stage's output
(``source``). ``--emit=<level>`` runs the stages on the way to that level and stops;
``--dump-dir`` writes each of them; ``aic-stage-<level>`` names each MLIR stage's pipeline
for ``aic-opt``; the level lists in ``--help`` and ``docs/levels.md`` are generated from here.

CPU:  graph -> linalg -> tiled -> hw -> vector -> llvm -> llvmir -> obj -> lib
                                                          llvmir -> asm
CUDA: graph -> linalg -> tiled -> hw -> gpu -> nvvm -> ptx -> cubin
      emulated on the CPU:       hw -> gpu -> llvm -> llvmir -> obj -> lib (llvmir -> asm)
The kernels' parallel loops run on ``hw.target``'s cores (OpenMP: ``aic-convert-scf-to-openmp``
in TO_LLVM; ``threads`` > 0 replaces the target's cores).

A compile is extended by inserting passes before or after a named stage
(``StageTable.extended({"after:graph": ["aic-my-pass"]})``); the table itself never changes.

May import the pass framework, the passes and the target descriptions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

from aic import targets
from aic.compiler import cpu_backend as cpu
from aic.compiler import cuda_backend as cuda
from aic.compiler import cuda_library
from aic.errors import AicError, UnsupportedError

# aic-tensor-concat-in-place: a concatenation's inputs are computed in its slices; the copies
# that leaves (same memory, views whose unit dims' strides differ) aic-memref-erase-self-copies
# erases.
# canonicalize before buffer-results-to-out-params: a result that is a reshape of a kernel's
# output (a convolution's expand_shape of its matmul) folds back to the alloc, which is then
# replaced by the caller's buffer -- no per-call output allocation and copy.
BUFFERIZE = (
    "aic-tensor-concat-in-place,"
    "one-shot-bufferize{bufferize-function-boundaries allow-return-allocs-from-loops "
    "function-boundary-type-conversion=identity-layout-map},canonicalize,"
    "aic-memref-erase-self-copies,aic-memref-results-to-out-params,"
    "buffer-deallocation-pipeline,convert-bufferization-to-memref"
)
# aic-memref-lower-microkernels: the CPU micro-kernels (marked packed contractions) -> calls of
# register-tile functions shared by every kernel.
# aic-scf-outline-loops: each top-level loop nest (a kernel) a private function called from
# @main, so that mlir-translate's OpenMP outlining and LLVM's per-function work stay linear.
# aic-convert-scf-to-openmp: outermost parallel loops -> OpenMP on hw.target's cores; its
# memref.alloca_scope regions need finalize-memref-to-llvm before convert-scf-to-cf.
# aic-math-approximate: exp/log/tanh/erf as inline polynomials (docs/fast-math.md).
# finalize-memref-to-llvm{use-generic-functions}: buffers come from aic's buffer cache
# (aic.compiler.native.BUFFER_CACHE), which keeps a model's large buffers between calls.
TO_LLVM = (
    "aic-memref-lower-microkernels,convert-vector-to-scf{full-unroll=true},convert-linalg-to-parallel-loops,"
    "aic-scf-outline-loops,aic-convert-scf-to-openmp,"
    "aic-memref-widen-i1,aic-arith-expand-small-floats,lower-affine,"
    "aic-math-approximate,convert-math-to-llvm,convert-math-to-libm,"
    "convert-vector-to-llvm{reassociate-fp-reductions},expand-strided-metadata,lower-affine,"
    "finalize-memref-to-llvm{use-generic-functions=true},convert-scf-to-cf,convert-arith-to-llvm,convert-cf-to-llvm,"
    "convert-func-to-llvm,convert-openmp-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts"
)

GRAPH_OPTIMIZE = (
    "aic-graph-infer-shapes,aic-graph-fold-constants,aic-graph-simplify,"
    "aic-graph-fold-batch-norm,aic-graph-fold-constants,aic-graph-dce,aic-verify"
)


@dataclass(frozen=True)
class Stage:
    """One level of a target's table.

    MLIR stages have a ``pipeline``; artifact stages a ``produce(value, job) -> str | bytes``
    taking the output of stage ``source`` (``job`` carries the model's interface).
    """

    level: str
    summary: str
    pipeline: str = ""
    produce: Callable | None = None
    source: str = ""
    suffix: str = ".mlir"

    @property
    def is_mlir(self) -> bool:
        return self.produce is None


@dataclass(frozen=True)
class StageTable:
    target: str
    stages: tuple[Stage, ...]

    @property
    def levels(self) -> list[str]:
        return [s.level for s in self.stages]

    @property
    def mlir_levels(self) -> list[str]:
        return [s.level for s in self.stages if s.is_mlir]

    def stage(self, level: str) -> Stage:
        for s in self.stages:
            if s.level == level:
                return s
        raise AicError(f"unknown level '{level}' for target '{self.target}' "
                       f"(levels: {', '.join(self.levels)})")

    def path_to(self, level: str) -> list[Stage]:
        """The stages that produce ``level``, in order: every MLIR stage up to the last one
        needed, then the artifact stages on the way (following ``source``)."""
        artifacts = []
        stage = self.stage(level)
        while not stage.is_mlir:
            artifacts.insert(0, stage)
            stage = self.stage(stage.source)
        last = self.mlir_levels.index(stage.level)
        return [s for s in self.stages if s.is_mlir][: last + 1] + artifacts

    def extended(self, passes: dict[str, list[str] | str] | None) -> "StageTable":
        """A table with extra passes ``{"before:<level>"|"after:<level>": [pass, ...]}`` run
        just before or after an MLIR stage's own pipeline."""
        if not passes:
            return self
        stages = {s.level: s for s in self.stages}
        for key, extra in passes.items():
            where, _, level = key.partition(":")
            if where not in ("before", "after") or not level:
                raise AicError(f"bad pass hook '{key}': expected before:<level> or "
                               f"after:<level> (levels: {', '.join(self.mlir_levels)})")
            stage = self.stage(level)
            if not stage.is_mlir:
                raise AicError(f"passes can only be inserted around MLIR levels "
                               f"({', '.join(self.mlir_levels)}), not '{level}'")
            text = extra if isinstance(extra, str) else ",".join(extra)
            if not text:
                continue
            parts = [text, stage.pipeline] if where == "before" else [stage.pipeline, text]
            stages[level] = dataclasses.replace(stage, pipeline=",".join(p for p in parts if p))
        return StageTable(self.target, tuple(stages[s.level] for s in self.stages))

    def markdown(self) -> str:
        """The table as Markdown (for docs/levels.md)."""
        rows = ["| level | from | what it is | how |", "| --- | --- | --- | --- |"]
        previous = ""
        for s in self.stages:
            how = f"`{s.pipeline}`" if s.is_mlir else f"`{s.produce.__module__}.{s.produce.__name__}`"
            rows.append(f"| `{s.level}` | {s.source or previous or 'import'} | {s.summary} | {how} |")
            if s.is_mlir:
                previous = s.level
        return "\n".join(rows) + "\n"


def cpu_table(target: str = "cpu", threads: int = 0) -> StageTable:
    """``threads`` > 0 replaces the target's cores: the code runs on that many threads."""
    set_target = f"target={target}" + (f" threads={threads}" if threads else "")
    return StageTable(target, (
        Stage("graph", "model-level ops after shape inference, folding, simplification",
              GRAPH_OPTIMIZE),
        Stage("linalg", "upstream linalg on tensors",
              "aic-convert-graph-to-linalg,canonicalize,cse,aic-linalg-fuse-elementwise,"
              "aic-linalg-chunk-dynamic,canonicalize"),
        Stage("tiled", "tile programs: kernels with iteration spaces, tile sizes, fused bodies",
              f"aic-hw-set-target{{{set_target}}},aic-convert-linalg-to-tiled"),
        Stage("hw", "target mapping: parallel over cores, micro-kernels",
              "aic-convert-tiled-to-hw"),
        Stage("vector", "hw tiles as vector code: packed micro-kernel contractions, vector elementwise/reductions",
              "aic-hw-vectorize"),
        Stage("llvm", "bufferized, lowered to the LLVM dialect",
              "aic-convert-hw-to-scf{vectorize=false},canonicalize,"
              f"func.func(llvm-request-c-wrappers),{BUFFERIZE},{TO_LLVM}"),
        Stage("llvmir", "LLVM IR", produce=cpu.llvmir_stage, source="llvm", suffix=".ll"),
        Stage("asm", "assembly for the target CPU", produce=cpu.asm_stage, source="llvmir",
              suffix=".s"),
        Stage("obj", "object file", produce=cpu.obj_stage, source="llvmir", suffix=".o"),
        Stage("lib", "shared library exporting aic_run/aic_signature (+ a C header)",
              produce=cpu.lib_stage, source="obj", suffix=".so"),
    ))


# The CUDA `gpu` stage: row reductions split into block-level tree stages
# (aic-hw-split-reductions), hw -> scf.forall (blocks) + linalg on tiles, bufferized, linalg
# ops as scf.parallel loops, then blocks/threads/shared memory (aic-convert-loops-to-gpu).
TO_GPU = (
    "aic-hw-split-reductions,aic-convert-hw-to-scf{vectorize=false},canonicalize,"
    f"{BUFFERIZE},convert-linalg-to-parallel-loops,canonicalize,"
    "aic-convert-loops-to-gpu,canonicalize,cse"
)
# With tensor-core blocks (aic-hw-lower-mma: gpu.launch_func on the host, which declares no
# memory effects, so MLIR's buffer-deallocation-pipeline would refuse the function), the
# launches are calls while that pipeline runs.
TO_GPU_MMA = "aic-hw-lower-mma," + TO_GPU.replace(
    ",buffer-deallocation-pipeline,",
    ",aic-gpu-launches-to-calls,buffer-deallocation-pipeline,aic-gpu-calls-to-launches,")
# CPU emulation of the `gpu` level: sequential block and thread loops, then the CPU lowering
# on one thread (the emulation is about the CUDA mapping's numbers, not speed).
EMULATE = ("aic-gpu-emulate,canonicalize,func.func(llvm-request-c-wrappers),"
           + TO_LLVM.replace("aic-convert-scf-to-openmp", "aic-convert-scf-to-openmp{num-threads=1}"))


def _nvvm(chip: str, features: str) -> str:
    """MLIR's gpu-lower-to-nvvm-pipeline without its last step (gpu-module-to-binary, the
    `ptx` stage): kernels outlined into one gpu.module, device code in NVVM/LLVM, host code
    in LLVM calling the mgpu* runtime functions (mgpuModuleLoad, mgpuLaunchKernel, ...:
    aic.compiler.cuda_host), its launches chained on streams (gpu-async-region), its buffers
    on the GPU, made on the first call (aic-gpu-host-buffers).
    exp/log/tanh/erf become polynomials first (no libdevice needed), i1 buffers bytes."""
    return (
        "func.func(llvm-request-c-wrappers),"
        "aic-math-approximate,aic-memref-widen-i1,convert-nvgpu-to-nvvm,"
        "gpu-kernel-outlining,aic-gpu-merge-kernels,func.func(gpu-async-region),"
        "aic-gpu-host-buffers,"
        "convert-vector-to-scf,convert-scf-to-cf,convert-nvvm-to-llvm,convert-func-to-llvm,"
        f"expand-strided-metadata,nvvm-attach-target{{chip={chip} features={features} O=3}},"
        "lower-affine,convert-arith-to-llvm,convert-index-to-llvm,canonicalize,cse,"
        "gpu.module(convert-gpu-to-nvvm,canonicalize,cse,reconcile-unrealized-casts),"
        "gpu-to-llvm,convert-math-to-llvm,canonicalize,cse,reconcile-unrealized-casts"
    )


def cuda_table(target: str = "cuda-sm80", emulate: bool = False,
               precision: str = "tf32") -> StageTable:
    """The CUDA table for preset ``target``; ``emulate``: the `gpu` level runs on the CPU
    (``aic-gpu-emulate``) and the CPU artifacts follow instead of PTX and cubin;
    ``precision``: f32 matmuls on TF32 tensor cores (``tf32``) or in full f32 FMAs (``f32``)."""
    description = targets.resolve(target)
    chip, features = targets.cuda.ptx_arch(description)
    front = cpu_table(target).stages[:3]
    if precision == "f32":  # no tensor cores: no matmul padded to their tiles
        tiled = front[2]
        front = front[:2] + (dataclasses.replace(tiled, pipeline=tiled.pipeline.replace(
            "aic-convert-linalg-to-tiled", "aic-convert-linalg-to-tiled{gpu-precision=f32}")),)
    hw = (Stage("hw", "CUDA mapping: hw.parallel over blocks (block_x), tiles as linalg; "
                "matmuls on tensor cores (blocks x warps of hw.microkernel mma tiles)",
                f"aic-convert-tiled-to-hw{{gpu-precision={precision}}}"),
          Stage("gpu", "gpu.launch kernels: blocks x threads, thread phases between "
                "gpu.barrier, tile buffers in shared memory; tensor-core blocks as nvgpu "
                "kernels (cp.async, ldmatrix, mma.sync; wgmma on sm_90)",
                "aic-hw-emulate-mma," + TO_GPU if emulate else TO_GPU_MMA))
    if emulate:
        tail = (Stage("llvm", "the gpu level emulated on the CPU (block and thread loops), "
                      "lowered to the LLVM dialect", EMULATE),
                *cpu_table(target).stages[6:])
    else:
        tail = (Stage("nvvm", "kernels outlined into one gpu.module in NVVM/LLVM; host code "
                      "calling the mgpu* runtime, buffers made once", _nvvm(chip, features)),
                Stage("ptx", f"PTX for {chip}", produce=cuda.ptx_stage, source="nvvm",
                      suffix=".ptx"),
                Stage("cubin", f"cubin for {chip} (ptxas)", produce=cuda.cubin_stage,
                      source="ptx", suffix=".cubin"),
                Stage("lib", f"shared library exporting aic_run/aic_signature (+ a C header): "
                      f"the host code, the {chip} cubin embedded, aic's CUDA runtime",
                      produce=cuda_library.lib_stage, source="nvvm", suffix=".so"))
    return StageTable(target, front + hw + tail)


def stage_table(target: str = "cpu", threads: int = 0, *, emulate: bool = False,
                gpu_arch: str | None = None, gpu_precision: str | None = None) -> StageTable:
    """The table for ``target`` (a name ``aic.targets.resolve`` knows, or ``cuda``);
    ``gpu_arch`` (sm_80 ...) picks the CUDA preset, ``emulate`` the CPU emulation of it."""
    try:
        if target == "cuda" or target.startswith("cuda-"):
            target = targets.cuda.target_name(target, gpu_arch)
        description = targets.resolve(target)
    except ValueError as e:
        raise AicError(str(e)) from None
    if isinstance(description, targets.CpuTarget):
        if emulate or gpu_arch or gpu_precision:
            raise AicError("--emulate, --gpu-arch and --gpu-precision apply to --target cuda")
        return cpu_table(target, threads)
    if isinstance(description, targets.CudaTarget):
        if gpu_precision not in (None, "tf32", "f32"):
            raise AicError(f"--gpu-precision must be tf32 or f32, got '{gpu_precision}'")
        return cuda_table(target, emulate, gpu_precision or "tf32")
    raise UnsupportedError(f"target '{target}' is not supported")


def _register_stage_pipelines() -> None:
    """``aic-stage-<level>``: one CPU MLIR stage as a named pipeline, so ``aic-opt`` can resume
    a compile from any saved level (``aic-opt 02-linalg.mlir -p aic-stage-tiled,aic-stage-hw``)."""
    from aic.pipeline import register_pipeline

    for stage in cpu_table().stages:
        if stage.is_mlir:
            register_pipeline(f"aic-stage-{stage.level}", stage.pipeline,
                              f"CPU stage '{stage.level}': {stage.summary}")
    for stage in cuda_table().stages[4:]:
        if stage.is_mlir:
            register_pipeline(f"aic-stage-cuda-{stage.level}", stage.pipeline,
                              f"CUDA stage '{stage.level}': {stage.summary}")
    register_pipeline("aic-stage-cuda-emulate", EMULATE,
                      "CUDA stage 'llvm' of the CPU emulation: the gpu level run on the CPU")


_register_stage_pipelines()
