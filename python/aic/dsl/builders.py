"""Op builders: ``Cls(<result types>, <operands>, *, <attributes>, loc=None, ip=None)``.

``make_builder`` gives an op class (declared with ``aic.dsl.opdef``) its ``__init__``. A
misused builder (wrong arity, an op or type where a value belongs, an attribute that cannot be
built) raises one ``TypeError`` naming the op, the expected signature and the caller's
``file:line``. Also the grouping of flat operand/result lists by declared field.

May import the MLIR shim only (``opdef`` imports this module): the ``OpDef`` and field
objects (``Operand``, ``Result``, ``Attr``) it takes are duck-typed.
"""

from __future__ import annotations

import inspect

from aic.mlir_api import ir


def segments(fields: list) -> bool:
    """Whether segment sizes must be stored (more than one optional/variadic group)."""
    return sum(1 for f in fields if not f.single) > 1


def group(values: list, fields: list, sizes: list[int] | None) -> list:
    """Split a flat value list into one entry per field (value, None or list)."""
    if sizes is None:
        n_single = sum(1 for f in fields if f.single)
        rest = len(values) - n_single
        sizes = [1 if f.single else rest for f in fields]
    out, pos = [], 0
    for f, n in zip(fields, sizes):
        chunk = values[pos:pos + n]
        pos += n
        if f.single:
            out.append(chunk[0])
        elif f.optional:
            out.append(chunk[0] if chunk else None)
        else:
            out.append(list(chunk))
    return out


def flatten(values: list, fields: list) -> tuple[list, list[int]]:
    flat, sizes = [], []
    for f, v in zip(fields, values):
        if f.variadic:
            items = list(v or [])
        elif f.optional:
            items = [] if v is None else [v]
        else:
            if v is None:
                raise TypeError(f"'{f.name}' is required")
            items = [v]
        flat.extend(items)
        sizes.append(len(items))
    return flat, sizes


def _builder_signature(opdef, can_infer: bool) -> inspect.Signature:
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for r in opdef.results:
        default = None if (can_infer or r.optional) else inspect.Parameter.empty
        params.append(inspect.Parameter(_result_param(r), inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                        default=default))
    for o in opdef.operands:
        default = inspect.Parameter.empty if o.single else None
        params.append(inspect.Parameter(o.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                        default=default))
    if can_infer:  # inferred results are trailing optional parameters: move them after operands
        params = [params[0]] + params[1 + len(opdef.results):] + params[1:1 + len(opdef.results)]
    for a in opdef.attributes:
        default = a.default if a.has_default else (None if a.optional else inspect.Parameter.empty)
        params.append(inspect.Parameter(a.name, inspect.Parameter.KEYWORD_ONLY, default=default))
    params += [inspect.Parameter("loc", inspect.Parameter.KEYWORD_ONLY, default=None),
               inspect.Parameter("ip", inspect.Parameter.KEYWORD_ONLY, default=None)]
    return inspect.Signature(params)


def _result_param(r) -> str:
    return f"{r.name}_types" if r.variadic else f"{r.name}_type"


def make_builder(cls, opdef, can_infer: bool) -> None:
    """Give ``cls`` its builder ``__init__`` (``can_infer``: it overrides ``infer_result_types``)."""
    signature = _builder_signature(opdef, can_infer)
    shown = opdef.cls_name + str(signature).replace("(self, ", "(", 1).replace("(self)", "()", 1)

    def __init__(self, *args, **kwargs):
        try:
            try:
                bound = signature.bind(self, *args, **kwargs)
            except TypeError as e:  # wrong arity or keywords
                raise BuilderMisuse(str(e)) from None
            bound.apply_defaults()
            op = _build(type(self), opdef, bound.arguments)
        except BuilderMisuse as e:
            raise TypeError(f"{opdef.full_name}: {e}; expected {shown} "
                            f"(called at {_caller()})") from None
        ir.OpView.__init__(self, op)

    __init__.__signature__ = signature
    __init__.__doc__ = f"Build a {opdef.full_name} op: {shown}."
    cls.__init__ = __init__


class BuilderMisuse(Exception):
    """An argument of an op builder has the wrong kind (reported as a ``TypeError``)."""


def _build(cls, opdef, arg: dict) -> ir.Operation:
    operands = [_check_operand(o, arg[o.name]) for o in opdef.operands]
    attributes = {a.name: _build_attr(a, arg[a.name])
                  for a in opdef.attributes if arg[a.name] is not None}
    result_values = [_check_result(r, arg[_result_param(r)]) for r in opdef.results]
    if any(v is None for r, v in zip(opdef.results, result_values) if not r.optional):
        inferred = cls.infer_result_types(operands, attributes)
        if inferred is None:
            raise BuilderMisuse("result types are required")
        result_values = group(list(inferred), opdef.results, None)
    flat_operands, operand_sizes = flatten(operands, opdef.operands)
    flat_results, result_sizes = flatten(result_values, opdef.results)
    if segments(opdef.operands):
        attributes["operandSegmentSizes"] = ir.DenseI32ArrayAttr.get(operand_sizes)
    if segments(opdef.results):
        attributes["resultSegmentSizes"] = ir.DenseI32ArrayAttr.get(result_sizes)
    if arg["loc"] is not None and not isinstance(arg["loc"], ir.Location):
        raise BuilderMisuse(f"'loc' must be an ir.Location, got {_kind(arg['loc'])}")
    if arg["ip"] is not None and not isinstance(arg["ip"], ir.InsertionPoint):
        raise BuilderMisuse(f"'ip' must be an ir.InsertionPoint, got {_kind(arg['ip'])}")
    return ir.Operation.create(opdef.full_name, results=flat_results, operands=flat_operands,
                               attributes=attributes, regions=len(opdef.regions),
                               loc=arg["loc"], ip=arg["ip"])


def _check_operand(f, v):
    """``v`` as the builder stores it (values, not ops); BuilderMisuse names a wrong kind."""
    if f.variadic:
        if not isinstance(v, (list, tuple)) and v is not None:
            raise BuilderMisuse(f"operand '{f.name}' takes a list of values, got {_kind(v)}")
        return [_value(f.name, x) for x in (v or [])]
    if v is None:
        if f.optional:
            return None
        raise BuilderMisuse(f"operand '{f.name}' is required")
    return _value(f.name, v)


def _value(name: str, v) -> ir.Value:
    if isinstance(v, (ir.OpView, ir.Operation)) and len(v.results) == 1:
        return v.results[0]
    if not isinstance(v, ir.Value):
        raise BuilderMisuse(f"operand '{name}' must be an ir.Value, got {_kind(v)}")
    return v


def _check_result(f, v):
    if f.variadic and v is not None and not isinstance(v, (list, tuple)):
        raise BuilderMisuse(f"'{_result_param(f)}' takes a list of ir.Type, got {_kind(v)}")
    items = v if f.variadic and v is not None else [] if v is None else [v]
    for t in items:
        if not isinstance(t, ir.Type):
            raise BuilderMisuse(f"'{_result_param(f)}' must be an ir.Type, got {_kind(t)}")
    return v


def _build_attr(a, value):
    try:
        return a.constraint.build(value)
    except (TypeError, ValueError, AttributeError) as e:
        raise BuilderMisuse(f"attribute '{a.name}' ({a.constraint.description}) cannot be "
                            f"built from {value!r}: {e}") from None


def _kind(v) -> str:
    """How an argument looks in an error: its type, and the MLIR type of a value."""
    if isinstance(v, ir.Value):
        return f"a value of type {v.type}"
    if isinstance(v, ir.Type):
        return f"the type {v}"
    return f"{type(v).__name__} {v!r}"[:120]


def _caller() -> str:
    """``file:line`` of the innermost frame outside this module (the builder's caller)."""
    frame = inspect.currentframe()
    while frame is not None and frame.f_code.co_filename == __file__:
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else "<unknown>"
