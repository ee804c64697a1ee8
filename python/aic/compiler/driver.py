"""Run a target's stage table on a model: import, lower level by level, dump, stop on request.

``compile_module(model, CompileOptions) -> CompileResult`` returns the module at the requested
level plus the model's interface (input/output names, shapes, dtypes) read from ``@main``.
Failures raise ``AicError`` subclasses with one-line, located messages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from aic import diagnostics
from aic.compiler import openmp
from aic.compiler.stages import MLIR_LEVELS, cpu_stages
from aic.errors import AicError, UnsupportedError
from aic.mlir_api import ir
from aic.pipeline import build_pass_manager
from aic.runtime.dtypes import tensor_spec


@dataclass
class TensorInfo:
    name: str
    shape: tuple[int, ...]
    dtype: object  # numpy dtype

    def describe(self) -> str:
        return f"{self.name}: {'x'.join(map(str, self.shape)) or 'scalar'} {self.dtype}"


@dataclass
class CompileOptions:
    target: str = "cpu"
    input_shapes: dict[str, list[int]] | None = None
    constants: dict | None = None
    dump_dir: str | None = None
    emit: str = "llvm"
    threads: int | None = None  # None: $AIC_NUM_THREADS, else every core (compiler.openmp)


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


class StageError(AicError):
    """A compile stage failed; the message holds the located diagnostics."""


def stages_for(target: str, threads: int | None = None):
    if target.startswith("cpu"):
        return cpu_stages(target, openmp.thread_count(threads))
    raise UnsupportedError(f"target '{target}' is not supported yet (supported: cpu)")


def interface(module: ir.Module) -> tuple[list[TensorInfo], list[TensorInfo]]:
    """Inputs and outputs of ``@main`` with their ``aic.name`` attributes."""
    from aic.runtime.jit import find_func

    main = find_func(module, "main")
    ftype = ir.FunctionType(ir.TypeAttr(main.attributes["function_type"]).value)

    def names(attr_name: str, count: int, prefix: str) -> list[str]:
        out = [f"{prefix}{i}" for i in range(count)]
        if attr_name in main.attributes:
            for i, d in enumerate(ir.ArrayAttr(main.attributes[attr_name])):
                d = ir.DictAttr(d)
                if "aic.name" in d:
                    out[i] = ir.StringAttr(d["aic.name"]).value
        return out

    ins = names("arg_attrs", len(ftype.inputs), "input")
    outs = names("res_attrs", len(ftype.results), "output")
    return ([TensorInfo(n, *tensor_spec(t)) for n, t in zip(ins, ftype.inputs)],
            [TensorInfo(n, *tensor_spec(t)) for n, t in zip(outs, ftype.results)])


def run_pipeline(module: ir.Module, pipeline: str, what: str) -> None:
    """Run ``pipeline`` on ``module``; any error becomes ``StageError`` naming ``what``."""
    ctx = module.context
    with ctx, ir.Location.unknown(), diagnostics.collect(ctx) as diags:
        pm = build_pass_manager(f"builtin.module({pipeline})", ctx)
        try:
            pm.run(module.operation)
        except ir.MLIRError as e:
            found = diags + diagnostics.from_mlir_error(e)
            errors = [d.render() for d in found if d.severity == "error"] or [str(e)]
            raise StageError(f"{what} failed: " + "; ".join(dict.fromkeys(errors))) from None


def import_model(model, options: CompileOptions) -> ir.Module:
    from aic.frontend.onnx import import_onnx

    return import_onnx(model, input_shapes=options.input_shapes, constants=options.constants)


def compile_module(model, options: CompileOptions) -> CompileResult:
    """Lower ``model`` (ONNX path/ModelProto or a graph-level ``ir.Module``) to ``emit``."""
    if options.emit not in MLIR_LEVELS:
        raise AicError(f"unknown level '{options.emit}' (levels: {', '.join(MLIR_LEVELS)})")
    module = model if isinstance(model, ir.Module) else import_model(model, options)
    inputs, outputs = interface(module)
    result = CompileResult(module, "import", inputs, outputs)
    if options.dump_dir:
        os.makedirs(options.dump_dir, exist_ok=True)
        _dump(result, options.dump_dir, 0, "import")
    for index, stage in enumerate(stages_for(options.target, options.threads), start=1):
        run_pipeline(module, stage.pipeline, f"stage '{stage.level}'")
        result.level = stage.level
        if options.dump_dir:
            _dump(result, options.dump_dir, index, stage.level)
        if stage.level == options.emit:
            break
    return result


def _dump(result: CompileResult, folder: str, index: int, level: str) -> None:
    path = os.path.join(folder, f"{index:02d}-{level}.mlir")
    with open(path, "w", encoding="utf-8") as f:
        f.write(result.module.operation.get_asm(enable_debug_info=True))
    result.dumps.append(path)
