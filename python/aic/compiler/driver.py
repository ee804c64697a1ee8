"""Run a target's stage table on a model: import, lower level by level, dump, stop on request.

``compile_module(model, CompileOptions) -> CompileResult`` returns the module at the requested
level plus the model's interface (input/output names, shapes, dtypes) read from ``@main``.
Failures raise ``AicError`` subclasses with one-line, located messages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from aic import diagnostics, targets, timing
from aic.compiler import cuda_support, openmp
from aic.compiler.stages import StageTable, stage_table
from aic.compiler.weights import print_options
from aic.errors import AicError
from aic.mlir_api import ir
from aic.pipeline import run_pipeline_on
from aic.compiler.mlir_input import detect_level, parse_file
from aic.dsl.dtypes import mlir_type_name, numpy_dtype, tensor_spec


@dataclass
class TensorInfo:
    """One input or output of a model: ``shape`` has -1 for a dynamic dim; ``dim_names`` (empty,
    or one per dim) the ONNX ``dim_param`` of each dynamic dim ("" for a static or unnamed one):
    two input dims of one name must be equal at run time (issue 10)."""

    name: str
    shape: tuple[int, ...]
    dtype: object  # numpy dtype
    dim_names: tuple[str, ...] = ()

    def __post_init__(self):
        self.shape = tuple(-1 if d < 0 else int(d) for d in self.shape)
        self.dim_names = tuple(self.dim_names)

    @property
    def is_dynamic(self) -> bool:
        return -1 in self.shape

    def dim_name(self, d: int) -> str:
        return self.dim_names[d] if d < len(self.dim_names) else ""

    def describe(self) -> str:
        dims = [self.dim_name(d) or "?" if n < 0 else str(n) for d, n in enumerate(self.shape)]
        return f"{self.name}: {'x'.join(dims) or 'scalar'} {self.dtype}"


@dataclass
class CompileOptions:
    target: str = "cpu"
    input_shapes: dict[str, list[int]] | None = None
    constants: dict | None = None
    dump_dir: str | None = None
    emit: str = "llvm"
    passes: dict | None = None  # {"before:<level>"|"after:<level>": [pass, ...]}
    start: str | None = None  # the level of an MLIR input (None: recognised from its ops)
    threads: int | None = None  # None: $AIC_NUM_THREADS, else every core (compiler.openmp)
    gpu_arch: str | None = None  # CUDA: sm_80 (default), sm_86, sm_89, sm_90
    emulate: bool = False  # CUDA: run the CUDA mapping on the CPU (the llvm level and after)
    gpu_precision: str | None = None  # CUDA f32 matmuls: tf32 (default, tensor cores) or f32
    keep_weights: bool = False  # print large constants in dumps (default: elided, weights.py)

    def __post_init__(self):
        """``cuda`` + ``gpu_arch`` become the preset's name (``cuda-sm90``)."""
        if self.target == "cuda" or self.target.startswith("cuda-"):
            try:
                self.target = targets.cuda.target_name(self.target, self.gpu_arch)
            except ValueError as e:
                raise AicError(str(e)) from None
            self.gpu_arch = None
        elif self.gpu_arch or self.emulate or self.gpu_precision:
            raise AicError("--gpu-arch, --gpu-precision and --emulate apply to --target cuda")

    def table(self) -> StageTable:
        return stage_table(self.target, openmp.thread_count(self.threads),
                           emulate=self.emulate,
                           gpu_precision=self.gpu_precision).extended(self.passes)


@dataclass
class CompileResult:
    module: ir.Module
    level: str
    inputs: list[TensorInfo]
    outputs: list[TensorInfo]
    dumps: list[str] = field(default_factory=list)

    @property
    def threads(self) -> int:
        """The cores of the module's CPU ``hw.target`` (0 before it is set, or not a CPU)."""
        from aic.dialects.hw import get_target

        with self.module.context:
            target = get_target(self.module.operation)
        return target.cores if target is not None and target.kind == "cpu" else 0


def parse_shape(text: str) -> tuple[str, list[int]]:
    """``name=1x3x224x224`` -> ("name", [1, 3, 224, 224])."""
    name, eq, dims = text.rpartition("=")
    try:
        if not eq or not name:
            raise ValueError
        return name, [int(d) for d in dims.lower().split("x")] if dims else []
    except ValueError:
        raise AicError(f"bad --input-shape '{text}': expected NAME=D0xD1x...") from None


def parse_pass_hooks(items: list[str]) -> dict[str, str]:
    """``["after:graph=aic-a,cse", "before:llvm=aic-b"]`` -> ``{"after:graph": "aic-a,cse", ...}``
    (the ``--passes`` flag; a repeated hook appends)."""
    hooks: dict[str, str] = {}
    for item in items:
        key, eq, pipeline = item.partition("=")
        if not eq or not key.strip() or not pipeline.strip():
            raise AicError(f"bad --passes '{item}': expected before:<level>=PASSES or "
                           f"after:<level>=PASSES")
        key = key.strip()
        hooks[key] = f"{hooks[key]},{pipeline.strip()}" if key in hooks else pipeline.strip()
    return hooks


class StageError(AicError):
    """A compile stage failed; the message holds the located diagnostics."""


def find_func(module: ir.Module, name: str):
    for op in module.body.operations:
        if op.operation.name == "func.func" and ir.StringAttr(op.attributes["sym_name"]).value == name:
            return op
    raise KeyError(f"no func.func @{name} in the module")


INTERFACE_ATTR = "aic.interface"
"""Module attribute recording @main's inputs and outputs (``{inputs = [{dtype, name, shape}],
outputs = [...]}``). Set on the first compile so every level -- the LLVM dialect too -- knows
the model's interface."""


def interface(module: ir.Module) -> tuple[list[TensorInfo], list[TensorInfo]]:
    """Inputs and outputs of ``@main``: from the module's ``aic.interface`` record, else from
    ``func.func @main`` and its ``aic.name`` attributes."""
    attrs = module.operation.attributes
    if INTERFACE_ATTR in attrs:
        record = ir.DictAttr(attrs[INTERFACE_ATTR])

        def info(t):
            t = ir.DictAttr(t)
            names = ([ir.StringAttr(n).value for n in ir.ArrayAttr(t["dim_names"])]
                     if "dim_names" in t else [])
            return TensorInfo(ir.StringAttr(t["name"]).value,
                              tuple(ir.DenseI64ArrayAttr(t["shape"])),
                              numpy_dtype(ir.StringAttr(t["dtype"]).value), tuple(names))

        return tuple([info(t) for t in ir.ArrayAttr(record[key])] for key in ("inputs", "outputs"))
    try:
        main = find_func(module, "main")
    except KeyError:
        raise AicError("the module has no func.func @main (and no aic.interface record)") from None
    ftype = ir.FunctionType(ir.TypeAttr(main.attributes["function_type"]).value)

    def names(attr_name: str, count: int, prefix: str) -> tuple[list[str], list[tuple]]:
        out, dims = [f"{prefix}{i}" for i in range(count)], [()] * count
        if attr_name in main.attributes:
            for i, d in enumerate(ir.ArrayAttr(main.attributes[attr_name])):
                d = ir.DictAttr(d)
                if "aic.name" in d:
                    out[i] = ir.StringAttr(d["aic.name"]).value
                if "aic.dims" in d:  # the importer's names of dynamic dims
                    dims[i] = tuple(ir.StringAttr(n).value for n in ir.ArrayAttr(d["aic.dims"]))
        return out, dims

    (ins, in_dims), (outs, out_dims) = (names("arg_attrs", len(ftype.inputs), "input"),
                                        names("res_attrs", len(ftype.results), "output"))
    return ([TensorInfo(n, *tensor_spec(t), dims)
             for n, t, dims in zip(ins, ftype.inputs, in_dims)],
            [TensorInfo(n, *tensor_spec(t), dims)
             for n, t, dims in zip(outs, ftype.results, out_dims)])


def record_interface(module: ir.Module, inputs, outputs) -> None:
    """Dynamic dims are -1 in ``shape``; ``dim_names`` (where some dim is named) gives each
    dim's ONNX name, from ``@main``'s ``aic.dims`` attributes ("" when static/unnamed)."""
    with module.context:
        def describe(t):
            entry = {"name": ir.StringAttr.get(t.name),
                     "shape": ir.DenseI64ArrayAttr.get(list(t.shape)),
                     "dtype": ir.StringAttr.get(mlir_type_name(t.dtype))}
            if any(getattr(t, "dim_names", ())):
                entry["dim_names"] = ir.ArrayAttr.get([ir.StringAttr.get(n)
                                                       for n in t.dim_names])
            return ir.DictAttr.get(entry)

        module.operation.attributes[INTERFACE_ATTR] = ir.DictAttr.get({
            "inputs": ir.ArrayAttr.get([describe(t) for t in inputs]),
            "outputs": ir.ArrayAttr.get([describe(t) for t in outputs])})


def run_pipeline(module: ir.Module, pipeline: str, what: str) -> None:
    """Run ``pipeline`` on ``module``; any error becomes ``StageError`` naming ``what``."""
    ctx = module.context
    with ctx, ir.Location.unknown(), diagnostics.collect(ctx) as diags:
        try:
            run_pipeline_on(f"builtin.module({pipeline})", module.operation, ctx)
        except ir.MLIRError as e:
            found = diags + diagnostics.from_mlir_error(e)
            errors = [d.render() for d in found if d.severity == "error"] or [str(e)]
            raise StageError(f"{what} failed: " + "; ".join(dict.fromkeys(errors))) from None


def import_model(model, options: CompileOptions) -> ir.Module:
    from aic.frontend.onnx import import_onnx

    return import_onnx(model, input_shapes=options.input_shapes, constants=options.constants)


def load_source(model, options: CompileOptions, levels: list[str]) -> tuple[ir.Module, str]:
    """The module to compile and the level it is at (``import`` for a fresh ONNX import)."""
    if isinstance(model, ir.Module):
        return model, options.start or detect_level(model, levels)
    if isinstance(model, (str, os.PathLike)) and str(model).endswith(".mlir"):
        module = parse_file(str(model))
        return module, options.start or detect_level(module, levels)
    return import_model(model, options), "import"


def compile_module(model, options: CompileOptions) -> CompileResult:
    """Lower ``model`` (an ONNX path/ModelProto, an ``.mlir`` file or an ``ir.Module`` at any
    MLIR level) to the MLIR level ``options.emit``, running the target table's stages after
    the level the model is at."""
    table = options.table()
    if options.emit not in table.mlir_levels:
        raise AicError(f"unknown level '{options.emit}' (MLIR levels: "
                       f"{', '.join(table.mlir_levels)})")
    if options.start is not None and options.start not in table.mlir_levels:
        raise AicError(f"unknown level '{options.start}' for --from (MLIR levels: "
                       f"{', '.join(table.mlir_levels)})")
    with timing.span("import"):
        module, start = load_source(model, options, table.mlir_levels)
    inputs, outputs = interface(module)
    record_interface(module, inputs, outputs)
    stages = table.path_to(options.emit)
    if start not in ("import", "graph"):
        done = table.mlir_levels.index(start)
        if table.mlir_levels.index(options.emit) < done:
            raise AicError(f"the input is at level '{start}', past the requested '{options.emit}'")
        stages = stages[done + 1:]
    result = CompileResult(module, start, inputs, outputs)
    if options.dump_dir:
        os.makedirs(options.dump_dir, exist_ok=True)
        _dump(result, options, 0, start)
    for stage in stages:
        if result.level == "graph" and targets.resolve(options.target).kind == "cuda":
            cuda_support.check_graph(module, options.target)
        with timing.span(f"stage {stage.level}"):
            run_pipeline(module, stage.pipeline, f"stage '{stage.level}'")
        result.level = stage.level
        if options.dump_dir:
            with timing.span(f"dump {stage.level}"):
                _dump(result, options, table.levels.index(stage.level) + 1, stage.level)
    return result


def _dump(result: CompileResult, options: CompileOptions, index: int, level: str) -> None:
    """Write level ``level``'s module into the dump folder (weights elided unless kept)."""
    path = os.path.join(options.dump_dir, f"{index:02d}-{level}.mlir")
    with open(path, "w", encoding="utf-8") as f:
        f.write(result.module.operation.get_asm(enable_debug_info=True,
                                                **print_options(options.keep_weights)))
    result.dumps.append(path)
