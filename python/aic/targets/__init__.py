"""Target descriptions: what passes need to know about a machine.

A target is a frozen dataclass (``CpuTarget`` or ``CudaTarget``); ``to_attr`` writes it as the
dictionary that the ``hw.target`` module attribute holds, ``from_attr`` reads one back and
``check_attr`` lists what is wrong with a hand-written one. ``resolve(name)`` gives a target
from a name: ``cpu`` (this machine), presets ``cpu-avx512``, ``cpu-avx2``, ``cpu-generic``,
``cuda-sm80``, ``cuda-sm90``. Presets are deterministic; tests use them (or
``cpu.host(overrides)``) so they do not depend on the machine they run on.

May import only the MLIR shim and the standard library.
"""

from __future__ import annotations

import dataclasses
from typing import Union

from aic.mlir_api import ir
from aic.targets import cpu
from aic.targets.cpu import CPU_PRESETS, CpuTarget, host
from aic.targets.cuda import CUDA_PRESETS, CudaTarget

Target = Union[CpuTarget, CudaTarget]
KINDS = {"cpu": CpuTarget, "cuda": CudaTarget}


def preset_names() -> list[str]:
    return ["cpu", *CPU_PRESETS, *CUDA_PRESETS]


def resolve(name: str) -> Target:
    """The target called ``name`` (``cpu`` = the host); ValueError listing names otherwise."""
    if name == "cpu":
        return host()
    if name in CPU_PRESETS:
        return CPU_PRESETS[name]
    if name in CUDA_PRESETS:
        return CUDA_PRESETS[name]
    raise ValueError(f"unknown target '{name}' (known: {', '.join(preset_names())})")


def with_cores(target: Target, cores: int) -> Target:
    """``target`` running on ``cores`` cores (a CPU's peak scales with them)."""
    if not isinstance(target, CpuTarget):
        raise ValueError(f"threads apply to CPU targets, not '{target.kind}'")
    if cores < 1:
        raise ValueError(f"threads must be >= 1, got {cores}")
    peak = cpu.peak_gflops(cores, target.freq_ghz, target.fma_units, target.vector_bits)
    return dataclasses.replace(target, cores=cores, peak_gflops=peak)


def _attr(value) -> ir.Attribute:
    if isinstance(value, bool):
        return ir.BoolAttr.get(value)
    if isinstance(value, int):
        return ir.IntegerAttr.get(ir.IntegerType.get_signless(64), value)
    if isinstance(value, float):
        return ir.FloatAttr.get_f64(value)
    if isinstance(value, str):
        return ir.StringAttr.get(value)
    if isinstance(value, tuple):
        return ir.DenseI64ArrayAttr.get(list(value))
    raise TypeError(f"cannot store {value!r} in hw.target")


def to_attr(target: Target) -> ir.DictAttr:
    fields = {"kind": target.kind}
    fields.update({f.name: getattr(target, f.name) for f in dataclasses.fields(target)})
    return ir.DictAttr.get({k: _attr(v) for k, v in fields.items()})


def _python_value(attr: ir.Attribute, want: type):
    a = attr.maybe_downcast()
    if want is str and isinstance(a, ir.StringAttr):
        return a.value
    if want is int and isinstance(a, ir.IntegerAttr) and not isinstance(a, ir.BoolAttr):
        return a.value
    if want is float and isinstance(a, (ir.FloatAttr, ir.IntegerAttr)):
        return float(a.value)
    if want is tuple and isinstance(a, ir.DenseI64ArrayAttr):
        return tuple(a)
    raise ValueError(f"expected {want.__name__}, got {attr}")


def check_attr(attr: ir.Attribute) -> list[str]:
    """Problems with a ``hw.target`` dictionary (empty list: valid)."""
    if not isinstance(attr.maybe_downcast(), ir.DictAttr):
        return [f"hw.target must be a dictionary, got {attr}"]
    d = ir.DictAttr(attr)
    if "kind" not in d or not isinstance(d["kind"].maybe_downcast(), ir.StringAttr):
        return ["hw.target needs a string 'kind' (cpu or cuda)"]
    kind = ir.StringAttr(d["kind"]).value
    cls = KINDS.get(kind)
    if cls is None:
        return [f"unknown target kind '{kind}' (cpu or cuda)"]
    errors, values = [], {}
    known = {f.name: f.type for f in dataclasses.fields(cls)}
    for name, typ in known.items():
        want = {"int": int, "float": float, "str": str}.get(typ, tuple)
        if name not in d:
            errors.append(f"hw.target ({kind}) is missing '{name}'")
            continue
        try:
            values[name] = _python_value(d[name], want)
        except ValueError as e:
            errors.append(f"hw.target field '{name}': {e}")
    for i in range(len(d)):
        name = d[i].name
        if name != "kind" and name not in known:
            errors.append(f"hw.target ({kind}) has unknown field '{name}'")
    if not errors:
        errors += cls(**values).problems()
    return errors


def from_attr(attr: ir.Attribute) -> Target:
    """The target described by a valid ``hw.target`` dictionary (ValueError otherwise)."""
    errors = check_attr(attr)
    if errors:
        raise ValueError("; ".join(errors))
    d = ir.DictAttr(attr)
    cls = KINDS[ir.StringAttr(d["kind"]).value]
    values = {}
    for f in dataclasses.fields(cls):
        want = {"int": int, "float": float, "str": str}.get(f.type, tuple)
        values[f.name] = _python_value(d[f.name], want)
    return cls(**values)


__all__ = ["CpuTarget", "CudaTarget", "Target", "resolve", "to_attr", "from_attr",
           "check_attr", "preset_names", "host", "with_cores"]
