"""The onnxruntime side of ``aic-bisect``: probes, inputs, reference values, the probed model.

A *probe* is one output of one ONNX node, in the graph's (topological) node order. The
reference is onnxruntime's value of every probe, got by adding every node output to a copy of
the model as a graph output. ``probed_model`` is the copy aic compiles: the model's own outputs
first, then every other probe, each typed from onnxruntime's value (dtype and static shape),
so ``@main`` returns every probe at every level.

onnxruntime is a test/benchmark extra: it is imported here, lazily, with a clear error when
it is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnx
from onnx import helper

from aic.errors import AicError, InputError


@dataclass(frozen=True)
class Probe:
    """Output ``output`` of ONNX node ``node`` (op type ``op_type``)."""

    output: str
    node: str
    op_type: str


def probes(model: onnx.ModelProto) -> list[Probe]:
    """Every node output of ``model``'s main graph, in node order. Node names default to
    ``<op_type>_<index>`` as the importer names them in MLIR locations."""
    found = []
    for index, node in enumerate(model.graph.node):
        name = node.name or f"{node.op_type}_{index}"
        found.extend(Probe(o, name, node.op_type) for o in node.output if o)
    return found


def runtime_inputs(model: onnx.ModelProto) -> list[onnx.ValueInfoProto]:
    """Graph inputs that are not initializers (what a caller feeds)."""
    weights = {t.name for t in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in weights]


def make_inputs(model: onnx.ModelProto, given: dict[str, np.ndarray],
                input_shapes: dict[str, list[int]] | None = None,
                seed: int = 0) -> dict[str, np.ndarray]:
    """``given`` completed with deterministic random data (seed 0, as ``aic-run``) for the
    missing inputs; symbolic dims of a missing input come from ``input_shapes``."""
    from aic.runner import random_input

    wanted = runtime_inputs(model)
    unknown = sorted(set(given) - {i.name for i in wanted})
    if unknown:
        raise InputError(f"unknown input(s) {unknown}; the model's inputs are "
                         f"{[i.name for i in wanted]}")
    rng = np.random.default_rng(seed)
    feed = {}
    for info in wanted:
        tensor = info.type.tensor_type
        dtype = helper.tensor_dtype_to_np_dtype(tensor.elem_type)
        if info.name in given:
            feed[info.name] = np.asarray(given[info.name]).astype(dtype, copy=False)
            continue
        shape = _shape(info, (input_shapes or {}).get(info.name))
        feed[info.name] = random_input(tuple(shape), dtype, rng)
    return feed


def _shape(info: onnx.ValueInfoProto, given: list[int] | None) -> list[int]:
    """The shape of random data for input ``info``: its static shape, or ``given``."""
    dims = [d.dim_value if d.HasField("dim_value") else None
            for d in info.type.tensor_type.shape.dim]
    if given is None and None in dims:
        raise InputError(f"input '{info.name}' has symbolic dims: give its data (--inputs) or "
                         f"its shape (--input-shape {info.name}=D0xD1...)")
    if given is not None and (len(given) != len(dims) or any(
            d is not None and d != g for d, g in zip(dims, given))):
        shown = "x".join("?" if d is None else str(d) for d in dims)
        raise InputError(f"--input-shape for '{info.name}' does not fit its shape {shown}")
    return dims if given is None else list(given)


def with_outputs(model: onnx.ModelProto, outputs: list[onnx.ValueInfoProto]) -> onnx.ModelProto:
    """A copy of ``model`` whose graph outputs are ``outputs``."""
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    del copy.graph.output[:]
    copy.graph.output.extend(outputs)
    return copy


def reference(model: onnx.ModelProto, found: list[Probe],
              feed: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """onnxruntime's value of every probe (and of the model's outputs) on ``feed``."""
    try:
        import onnxruntime as ort
    except ImportError:
        raise AicError("aic-bisect needs onnxruntime as its reference "
                       "(pip install onnxruntime, or pip install 'aic[test]')") from None
    listed = list(model.graph.output)
    names = {o.name for o in listed}
    listed += [helper.make_empty_tensor_value_info(p.output) for p in found
               if p.output not in names]
    options = ort.SessionOptions()
    options.log_severity_level = 3
    try:
        session = ort.InferenceSession(with_outputs(model, listed).SerializeToString(), options,
                                       providers=["CPUExecutionProvider"])
        wanted = [o.name for o in session.get_outputs()]
        values = session.run(wanted, feed)
    except Exception as e:  # noqa: BLE001  (onnxruntime's exceptions derive from Exception)
        raise AicError(f"onnxruntime cannot run the model: {str(e).strip().splitlines()[0]}") \
            from None
    return {name: np.asarray(v) for name, v in zip(wanted, values)}


def probed_model(model: onnx.ModelProto, found: list[Probe],
                 values: dict[str, np.ndarray]) -> onnx.ModelProto:
    """``model`` with every probe as a graph output, typed from its reference value."""
    listed = list(model.graph.output)
    names = {o.name for o in listed}
    for p in found:
        if p.output in names:
            continue
        names.add(p.output)
        value = values[p.output]
        listed.append(helper.make_tensor_value_info(
            p.output, helper.np_dtype_to_tensor_dtype(value.dtype), list(value.shape)))
    return with_outputs(model, listed)
