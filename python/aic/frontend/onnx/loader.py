"""Reading and preparing ONNX models for the importer.

``load_model`` reads a path or takes a ``ModelProto`` and validates it (truncated, non-ONNX or
malformed files raise ``ModelFormatError``). ``specialise`` decides the runtime inputs (graph
inputs that are not initializers, plus initializers the caller overrides through
``input_shapes``) and fixes the dims given there; the other symbolic dims stay dynamic, each
with a name (its ``dim_param``, or ``<input>_<axis>``). ``infer_types`` runs ONNX shape
inference with data propagation and returns ``name -> (onnx elem type, shape)``: ints, the
name of a dynamic dim, None for an unknown one.
"""

from __future__ import annotations

import os

import onnx
import onnx.checker
import onnx.shape_inference
from google.protobuf.message import DecodeError

from aic.errors import ModelFormatError, UnsupportedError


def load_model(model_or_path) -> tuple[onnx.ModelProto, str]:
    """The model and its source name (the path, or ``"<model>"``)."""
    if isinstance(model_or_path, onnx.ModelProto):
        model, source = model_or_path, "<model>"
    elif isinstance(model_or_path, (str, os.PathLike)):
        source = os.fspath(model_or_path)
        model = _read(source)
    else:
        raise TypeError(f"expected an onnx.ModelProto or a path, got {type(model_or_path)}")
    if not model.HasField("graph") or not model.opset_import:
        raise ModelFormatError(f"{source}: not an ONNX model (no graph or no opset import)")
    _check_text(model.graph, source)
    _check_op_types(model, source)
    try:
        onnx.checker.check_model(model)
    except (onnx.checker.ValidationError, ValueError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        if "is deprecated in domain_version" in first:
            return model, source  # e.g. GroupNormalization-18: deprecated but well defined
        raise ModelFormatError(f"{source}: invalid ONNX model: {first}") from None
    return model, source


def _check_text(graph: onnx.GraphProto, source: str) -> None:
    """Names that are not valid UTF-8 (protobuf hands them over as bytes) are model errors."""
    values = [*graph.input, *graph.output, *graph.value_info, *graph.initializer]
    texts = [v.name for v in values]
    for node in graph.node:
        texts += [node.op_type, node.domain, node.name, *node.input, *node.output]
        for attr in node.attribute:
            texts.append(attr.name)
            for sub in ([attr.g] if attr.HasField("g") else []) + list(attr.graphs):
                _check_text(sub, source)
    bad = next((t for t in texts if not isinstance(t, str)), None)
    if bad is not None:
        raise ModelFormatError(f"{source}: a name or op type is not valid UTF-8: {bad[:40]!r}")


def _check_op_types(model: onnx.ModelProto, source: str) -> None:
    """Unknown op types and domains are unsupported ops (not malformed models)."""
    import onnx.defs
    opset = {o.domain or "": o.version for o in model.opset_import}
    default = opset.get("", opset.get("ai.onnx", 1))
    for index, node in enumerate(model.graph.node):
        name = node.name or f"{node.op_type}_{index}"
        if node.domain not in ("", "ai.onnx"):
            raise UnsupportedError(f"node '{name}' ({node.op_type}): op domain '{node.domain}' is "
                                   "not supported, only the default ONNX domain; "
                                   "see aic.frontend.onnx.supported_ops()")
        if not onnx.defs.has(node.op_type, default):
            raise UnsupportedError(f"node '{name}' ({node.op_type}, opset {default}): unknown op "
                                   "type; see aic.frontend.onnx.supported_ops()")


def _read(path: str) -> onnx.ModelProto:
    if not os.path.isfile(path):
        raise ModelFormatError(f"{path}: no such model file")
    try:
        return onnx.load(path)
    except DecodeError as e:
        raise ModelFormatError(f"{path}: not a valid ONNX file (truncated or not a protobuf "
                               f"model: {e})") from None
    except (OSError, ValueError, RuntimeError, onnx.checker.ValidationError) as e:
        # ValidationError: external data the model points to outside its folder
        raise ModelFormatError(f"{path}: cannot load ONNX model: {e}") from None


def default_opset(model: onnx.ModelProto, source: str) -> int:
    versions = [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")]
    if not versions:
        raise ModelFormatError(f"{source}: model imports no default-domain (ai.onnx) opset")
    return versions[0]


def _dims(value: onnx.ValueInfoProto) -> list | None:
    t = value.type.tensor_type
    if not t.HasField("shape"):
        return None
    return [d.dim_value if d.HasField("dim_value") else (d.dim_param or "?") for d in t.shape.dim]


def specialise(model: onnx.ModelProto, input_shapes: dict | None,
               constants: dict | None = None) -> tuple[onnx.ModelProto, list]:
    """A copy of ``model`` with static runtime inputs; also returns those inputs in order.
    Inputs named in ``constants`` become initializers holding the given arrays."""
    input_shapes = {k: [int(d) for d in v] for k, v in (input_shapes or {}).items()}
    constants = constants or {}
    m = onnx.ModelProto()
    m.CopyFrom(model)
    g = m.graph
    names = [i.name for i in g.input]
    for what, given in (("input_shapes", input_shapes), ("constants", constants)):
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise ModelFormatError(f"{what} names unknown input(s) {unknown}; the graph inputs "
                                   f"are {names}")
    _freeze(g, constants)
    inits = {t.name for t in g.initializer}
    overridden = inits & set(input_shapes)
    if overridden:
        kept = [t for t in g.initializer if t.name not in overridden]
        del g.initializer[:]
        g.initializer.extend(kept)
    runtime = [i for i in g.input if i.name not in inits or i.name in overridden]
    for value in runtime:
        _fix_shape(value, input_shapes.get(value.name))
    del g.value_info[:]
    for out in g.output:
        out.type.tensor_type.ClearField("shape")
    return m, runtime


def _freeze(g: onnx.GraphProto, constants: dict) -> None:
    import numpy as np
    import onnx.numpy_helper
    if not constants:
        return  # (rebuilding the initializer list copies every weight)
    kept = [t for t in g.initializer if t.name not in constants]
    del g.initializer[:]
    g.initializer.extend(kept)
    for name, value in sorted(constants.items()):
        g.initializer.append(onnx.numpy_helper.from_array(np.asarray(value), name))


def _fix_shape(value: onnx.ValueInfoProto, given: list[int] | None) -> None:
    if not value.type.HasField("tensor_type"):
        raise UnsupportedError(f"input '{value.name}' is not a tensor (sequences, maps and "
                               "optionals are not supported)")
    dims = _dims(value)
    shape = value.type.tensor_type.shape
    if given is not None:
        if any(g < 0 for g in given):
            raise ModelFormatError(f"input_shapes gives input '{value.name}' a negative dim "
                                   f"({given})")
        if dims is not None and len(dims) != len(given):
            raise ModelFormatError(f"input_shapes gives input '{value.name}' rank {len(given)}, "
                                   f"the model declares rank {len(dims)} ({dims})")
        for d, g in zip(dims or [], given):
            if isinstance(d, int) and d != g:
                raise ModelFormatError(f"input_shapes gives input '{value.name}' shape {given}, "
                                       f"the model declares {dims}")
        shape.ClearField("dim")
        for g in given:
            shape.dim.add().dim_value = g
        return
    hint = f"pass input_shapes={{'{value.name}': [...]}} or --input-shape {value.name}=1x3x224x224"
    negative = [d for d in dims or [] if isinstance(d, int) and d < 0]
    if negative:
        raise ModelFormatError(f"input '{value.name}' has a negative dim {negative[0]} ({dims})")
    if dims is None:
        raise ModelFormatError(f"input '{value.name}' has an unknown rank: {hint}")
    for axis, d in enumerate(shape.dim):  # dynamic dims stay dynamic, each with a name
        if not d.HasField("dim_value") and not d.dim_param:
            d.dim_param = f"{value.name}_{axis}"


SKELETON_BYTES = 4096
"""Shape inference sees initializers above this size without their data (``skeleton``)."""


def skeleton(model: onnx.ModelProto) -> onnx.ModelProto:
    """``model`` with every initializer of more than ``SKELETON_BYTES`` reduced to its name,
    element type and dims: what shape inference needs of a weight. ONNX's inference serializes
    the model and parses its result back, so a BERT-base model would cost two more copies of
    its 440 MB of weights (and seconds); shape-like initializers (small) keep their values for
    data propagation."""
    m = onnx.ModelProto()
    _copy_fields(model, m, skip="graph")
    _copy_fields(model.graph, m.graph, skip="initializer")
    for t in model.graph.initializer:
        if t.ByteSize() <= SKELETON_BYTES:
            m.graph.initializer.append(t)
        else:
            m.graph.initializer.add(name=t.name, data_type=t.data_type, dims=t.dims)
    return m


def _copy_fields(source, target, skip: str) -> None:
    """Copy every field of message ``source`` into the empty ``target`` except ``skip``."""
    for field, value in source.ListFields():
        if field.name == skip:
            continue
        if field.is_repeated:
            getattr(target, field.name).extend(value)
        elif field.message_type:
            getattr(target, field.name).CopyFrom(value)
        else:
            setattr(target, field.name, value)


def infer_types(model: onnx.ModelProto) -> dict[str, tuple[int, list | None]]:
    try:
        inferred = onnx.shape_inference.infer_shapes(skeleton(model), check_type=False,
                                                     strict_mode=False, data_prop=True)
    except (onnx.shape_inference.InferenceError, ValueError, RuntimeError) as e:
        raise ModelFormatError(f"ONNX shape inference failed: {e}") from None
    g = inferred.graph
    return value_types([*g.input, *g.value_info, *g.output])


def value_types(values) -> dict[str, tuple[int, list | None]]:
    out = {}
    for v in values:
        if v.type.HasField("tensor_type"):
            dims = _dims(v)
            if dims is not None:  # a name for a dynamic dim ONNX named, None if unknown
                dims = [None if d == "?" else d for d in dims]
            out[v.name] = (v.type.tensor_type.elem_type, dims)
    return out


def runtime_inputs(model_or_path, input_shapes: dict | None = None,
                   constants: dict | None = None) -> list[tuple[str, tuple[int, ...], object]]:
    """The model's runtime inputs as ``(name, shape, numpy dtype)`` (what ``@main`` will
    take), without importing it."""
    from aic.frontend.onnx.tensors import onnx_to_np

    model, _ = load_model(model_or_path)
    _, runtime = specialise(model, input_shapes, constants)
    return [(v.name, tuple(d.dim_value if d.HasField("dim_value") else -1
                           for d in v.type.tensor_type.shape.dim),
             onnx_to_np(v.type.tensor_type.elem_type, f"graph input '{v.name}'"))
            for v in runtime]
