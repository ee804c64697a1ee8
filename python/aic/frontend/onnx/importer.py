"""ONNX model -> ``graph`` dialect IR.

Contract (what the rest of aic relies on):

* ``import_onnx(model_or_path, input_shapes=None, *, context=None) -> ir.Module``: the module
  holds one ``func.func @main``. Arguments are the graph inputs that are not initializers (old
  exporters list weights as inputs too: those stay constants unless named in
  ``input_shapes``), in graph-input order; results are the graph outputs in order. Arguments and
  results carry ``aic.name = "<onnx name>"``. The module keeps its context alive.
* Types are ranked tensors of f32, f16, f64, i64, i32, i16, i8, i1 or
  ui8/ui16/ui32/ui64 (unsigned, kept at the graph level); anything
  else is ``UnsupportedError``. Symbolic input dims are specialised to ``input_shapes``; the
  others stay dynamic (``?``), named by ``aic.dims`` on the arguments, the results and the ops
  that produce dynamic values (``symbolic``, ``symbolic_dims``; docs/dynamic-shapes.md). In a
  model without dynamic dims, a dim unknown after ONNX shape inference (with data
  propagation) is ``ModelFormatError``.
* Constants (initializers, Constant nodes, anything computed from constants) are
  ``graph.constant``; more than 64 elements -> ``dense_resource`` named after the value.
* QDQ contractions (``DequantizeLinear -> Conv/MatMul/Gemm -> QuantizeLinear``) are first
  rewritten into integer ops on the ONNX graph (``qdq.py``).
* A node whose inputs are all known at import time is evaluated with
  ``onnx.reference.ReferenceEvaluator`` (shape subgraphs such as Shape -> Gather -> Concat ->
  Reshape fold away); other nodes go to their handler (``registry.py``), keyed by op type and
  the op version the model's opset selects.
* Every op's location is ``loc("<node name>(<OpType>)"("<file>":0:0))``; unnamed nodes are
  called ``<OpType>_<index>``.
* Errors: unknown op, attribute value or dtype -> ``UnsupportedError`` naming node, op and
  opset; unreadable or malformed model -> ``ModelFormatError``. Never a silent miscompile.
  A value needed at compile time (a shape, axes, k...) or an output shape ONNX cannot infer,
  when computed from graph inputs -> ``ValueNeededError`` naming those inputs (``values.py``).

Assumes: nodes are topologically sorted (the ONNX rule); only the default domain. Control
flow bodies (If branches, Scan bodies) import into the regions of ``scf`` ops through
``import_subgraph`` (``control.py``). May import: onnx, numpy, the
MLIR shim, the graph dialect, ``aic.errors``, ``aic.context``.
"""

from __future__ import annotations

import numpy as np
import onnx
import onnx.defs
import onnx.helper
import onnx.numpy_helper

from aic.errors import AicError, ModelFormatError, UnsupportedError
from aic.frontend.onnx import loader, qdq, registry, symbolic, values
from aic.frontend.onnx.node import SUPPORTED_HINT, NodeView
from aic.frontend.onnx.symbolic_dims import dims_of_result
from aic.frontend.onnx.tensors import (annotate_dims, element_type, elements_attr, onnx_to_np,
                                       resource_name, tensor_type)
from aic.mlir_api import func, ir

NO_FOLD = {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
           "Multinomial", "Bernoulli", "Dropout", "Constant", "Identity"}
FOLD_LIMIT = 1 << 24  # elements of input data evaluated at import time


def import_onnx(model_or_path, input_shapes: dict[str, list[int]] | None = None, *,
                context: ir.Context | None = None,
                constants: dict[str, np.ndarray] | None = None) -> ir.Module:
    """Import an ONNX model (path or ``ModelProto``) as a graph-level module (see above).

    ``constants`` freezes graph inputs to the given values (they become constants, and fold),
    e.g. the shape-like inputs of ONNX's node test cases.
    """
    model, source = loader.load_model(model_or_path)
    opset = loader.default_opset(model, source)
    model, runtime_inputs = loader.specialise(model, input_shapes, constants)
    model = qdq.fuse(model)
    types = loader.infer_types(model)
    if context is None:
        from aic.context import make_context
        context = make_context()
    return GraphImporter(model, runtime_inputs, types, opset, source, context).run()


class GraphImporter:
    def __init__(self, model, runtime_inputs, types, opset, source, context):
        self.model = model
        self.graph = model.graph
        self.runtime_inputs = runtime_inputs
        self.types = types
        self.opset = opset
        self.source = source
        self.context = context
        self.env: dict[str, object] = {}  # onnx name -> ir.Value | np.ndarray
        self.materialized: dict[str, ir.Value] = {}
        self.const_loc: dict[str, ir.Location] = {}
        self.blob_names: set[str] = set()
        self.vdims: dict = {}  # ir.Value -> dims (ints, symbolic.Sym, None where unknown)
        self.input_dim_names = {d.dim_param for v in runtime_inputs
                                for d in v.type.tensor_type.shape.dim if d.dim_param}

    def run(self) -> ir.Module:
        with self.context:
            self.file_loc = ir.Location.file(self.source, 0, 0)
            with self.file_loc:
                return self._build()

    def _build(self) -> ir.Module:
        module = ir.Module.create()
        arg_types = [self._input_type(v) for v in self.runtime_inputs]
        with ir.InsertionPoint(module.body):
            fn = func.FuncOp("main", ir.FunctionType.get(arg_types, []))
        fn.arg_attrs = ir.ArrayAttr.get([_name_attr(v.name, self.dim_names(v.name))
                                         for v in self.runtime_inputs])
        block = fn.add_entry_block()
        for v, arg in zip(self.runtime_inputs, block.arguments):
            self.env[v.name] = arg
            self.vdims[arg] = [symbolic.Sym.parse(n) if n else d for n, d in
                               zip(self.dim_names(v.name), ir.RankedTensorType(arg.type).shape)]
        for t in self.graph.initializer:
            if t.name not in self.env:
                self.env[t.name] = _to_array(t)
                self.const_loc[t.name] = ir.Location.name(t.name, childLoc=self.file_loc)
        with ir.InsertionPoint(block):
            for index, node in enumerate(self.graph.node):
                self._import_node(node, index)
            results = [self.as_value(o.name, self.file_loc) for o in self.graph.output]
            func.ReturnOp(results)
        fn.attributes["function_type"] = ir.TypeAttr.get(
            ir.FunctionType.get(arg_types, [r.type for r in results]))
        fn.res_attrs = ir.ArrayAttr.get([
            _name_attr(o.name, _names_of(r.type, self.dim_names(o.name)))
            for o, r in zip(self.graph.output, results)])
        return module

    def _input_type(self, value: onnx.ValueInfoProto) -> ir.Type:
        t, what = value.type.tensor_type, f"graph input '{value.name}'"
        elem = element_type(onnx_to_np(t.elem_type, what), what)
        return tensor_type([d.dim_value if d.HasField("dim_value") else -1 for d in t.shape.dim],
                           elem)

    def dim_names(self, name: str) -> list[str]:
        """ONNX's names of the dims of value ``name`` (``""`` for static or unknown ones)."""
        info = self.types.get(name)
        if info is None or info[1] is None:
            return []
        return [d if isinstance(d, str) else "" for d in info[1]]

    # -- values ------------------------------------------------------------------------------

    def as_value(self, name: str, loc: ir.Location) -> ir.Value:
        if name not in self.env:
            raise ModelFormatError(f"value '{name}' is used before it is defined")
        v = self.env[name]
        if not isinstance(v, np.ndarray):
            return v
        if symbolic.is_symbolic(v):
            raise UnsupportedError(f"value '{name}' = {symbolic.show(v)} is computed from dynamic "
                                   "dims and used as data at run time, which is not supported; "
                                   "give the input shapes (--input-shape / input_shapes=)")
        if name not in self.materialized:
            self.materialized[name] = self.materialize(v, name, self.const_loc.get(name, loc))
        return self.materialized[name]

    def materialize(self, array: np.ndarray, hint: str | None, loc: ir.Location) -> ir.Value:
        from aic.dialects.graph import ConstantOp
        elem = element_type(array.dtype, f"constant '{hint or 'computed'}'")
        type_ = tensor_type(array.shape, elem)
        name = resource_name(hint or "cst", self.blob_names) if array.size > 64 else None
        return ConstantOp(out_type=type_, value=elements_attr(array, type_, name), loc=loc).result

    def output_type(self, node: NodeView, i: int, like: int | None) -> ir.RankedTensorType:
        """ONNX's type of output ``i``. A dim counts as known when it is static or named after
        an input's dynamic dim; in a model with dynamic inputs, dims ONNX cannot tell
        (``unk__3``) are dynamic too (``symbolic_dims`` names them), as they are downstream of
        a data-sized result (NonZero, Unique...); elsewhere in a static model an unknown dim is
        an error."""
        name = node.proto.output[i]
        info = self.types.get(name)
        if self._unknown(info):
            self._infer_locally(node.proto)
            info = self.types.get(name)
        if self._unknown(info) and like is not None:
            return tensor_type(node.shape(like), node.elem(like))
        dynamic = self.input_dim_names or self._reads_data_sized(node)
        if self._unknown(info) and not (dynamic and info and info[1] is not None):
            raise values.value_needed(self, node, values.shape_deciding(node),
                                      f"{node}: the shape of output '{name}' is unknown after "
                                      f"shape inference ({info[1] if info else 'no type'})",
                                      unknown_shape=True)
        what = f"{node} output '{name}'"
        shape = [-1 if d is None or isinstance(d, str) else d for d in info[1]]
        return tensor_type(shape, element_type(onnx_to_np(info[0], what), what))

    def _reads_data_sized(self, node: NodeView) -> bool:
        """Whether an input of ``node`` has a dim known only at run time."""
        for i in range(node.n_inputs):
            v = self.env.get(node.proto.input[i]) if node.has(i) else None
            if isinstance(v, ir.Value) and not ir.RankedTensorType(v.type).has_static_shape:
                return True
        return False

    def _unknown(self, info) -> bool:
        return info is None or info[1] is None or any(
            d is None or (isinstance(d, str) and d not in self.input_dim_names) for d in info[1])

    def _infer_locally(self, node: onnx.NodeProto) -> None:
        """Shape inference of one node with its constant inputs known (after folding)."""
        model = self._one_node_model(node, with_constants=True)
        try:
            inferred = onnx.shape_inference.infer_shapes(model, strict_mode=False, data_prop=True)
        except Exception:  # noqa: BLE001 - inference failures surface as unknown shapes
            return
        self.types.update(loader.value_types(inferred.graph.output))

    def _one_node_model(self, node: onnx.NodeProto, with_constants: bool) -> onnx.ModelProto:
        inputs, inits, seen = [], [], set()
        for name in node.input:
            if not name or name in seen:
                continue
            seen.add(name)
            v = self.env[name]
            if symbolic.is_symbolic(v):  # a shape computed from dynamic dims: a typed input
                dtype, shape = np.dtype(np.int64), v.shape
            elif isinstance(v, np.ndarray):
                dtype, shape = v.dtype, v.shape
                if with_constants:
                    inits.append(onnx.numpy_helper.from_array(v, name))
            else:
                from aic.frontend.onnx.tensors import np_dtype
                t = ir.RankedTensorType(v.type)
                dtype = np_dtype(t.element_type)
                shape = [d if d >= 0 else _dim_param(x)
                         for d, x in zip(t.shape, self.value_dims(v))]
            elem = onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
            inputs.append(onnx.helper.make_tensor_value_info(name, elem, list(shape)))
        outputs = [onnx.helper.make_empty_tensor_value_info(o) for o in node.output if o]
        graph = onnx.helper.make_graph([node], "node", inputs, outputs, initializer=inits)
        return onnx.helper.make_model(graph, opset_imports=self.model.opset_import,
                                      ir_version=self.model.ir_version)

    # -- subgraphs (If branches, Scan bodies) -------------------------------------------------

    def import_subgraph(self, graph: onnx.GraphProto, bindings: dict[str, object],
                        what: str, inline: bool = False) -> list:
        """Import the nodes of ``graph`` (a control-flow op's body) at the current insertion
        point, its formal inputs bound to ``bindings`` (values or arrays) and the enclosing
        scopes' values visible; returns its outputs as values (``inline``: as they are, an
        output known at import time stays an array). Names defined inside, and constants
        materialised inside, do not leak out."""
        env, materialized = dict(self.env), dict(self.materialized)
        try:
            for formal in graph.input:
                if formal.name not in bindings:
                    raise UnsupportedError(f"{what}: body input '{formal.name}' is not bound")
                self.env[formal.name] = bindings[formal.name]
            for t in graph.initializer:
                self.env[t.name] = _to_array(t)
            for index, node in enumerate(graph.node):
                self._import_node(node, index)
            if inline:
                return [self.env[o.name] for o in graph.output]
            return [self.as_value(o.name, self.file_loc) for o in graph.output]
        finally:
            self.env, self.materialized = env, materialized

    # -- nodes -------------------------------------------------------------------------------

    def _import_node(self, node: onnx.NodeProto, index: int) -> None:
        name = node.name or f"{node.op_type}_{index}"
        loc = ir.Location.name(f"{name}({node.op_type})", childLoc=self.file_loc)
        version = self._op_version(node, name)
        view = NodeView(self, node, index, version, loc)
        for i in range(view.n_inputs):
            if view.has(i) and node.input[i] not in self.env:
                raise ModelFormatError(f"{view}: input '{node.input[i]}' is not defined before "
                                       "use (nodes must be topologically sorted)")
        outputs = self._fold(view)
        if outputs is None:
            outputs = self._convert(view)
        self._bind(view, outputs)

    def _op_version(self, node: onnx.NodeProto, name: str) -> int:
        if node.domain not in ("", "ai.onnx"):
            raise UnsupportedError(f"node '{name}' ({node.op_type}): op domain '{node.domain}' is "
                                   f"not supported, only the default ONNX domain; "
                                   f"{SUPPORTED_HINT}")
        try:
            return onnx.defs.get_schema(node.op_type, self.opset).since_version
        except onnx.defs.SchemaError:
            raise UnsupportedError(f"node '{name}' ({node.op_type}, opset {self.opset}): unknown "
                                   f"op type; {SUPPORTED_HINT}") from None

    def _convert(self, view: NodeView) -> list:
        h = registry.lookup(view.op_type, view.version)
        if h is None:
            supported = ", ".join(registry.supported_ops())
            raise UnsupportedError(f"{view}: op is not supported; aic supports: {supported}")
        extra = sorted({a.name for a in view.proto.attribute} - h.attrs)
        if extra:
            raise view.unsupported(f"attribute(s) {', '.join(extra)} not supported")
        try:
            with view.loc:
                result = h.fn(view)
        except AicError:
            raise
        except Exception as e:  # a handler bug must not escape as a raw traceback
            raise UnsupportedError(f"{view}: import failed: {type(e).__name__}: {e}") from e
        return list(result) if isinstance(result, (list, tuple)) else [result]

    def _bind(self, view: NodeView, outputs: list) -> None:
        for i, name in enumerate(view.proto.output):
            if not name:
                continue
            if i >= len(outputs) or outputs[i] is None:
                raise view.unsupported(f"output {i} ('{name}') is not supported")
            value = outputs[i]
            self.env[name] = value
            if isinstance(value, np.ndarray):
                self.const_loc[name] = view.loc
            else:
                self._record_dims(value, name)

    # -- symbolic dims ------------------------------------------------------------------------

    def value_dims(self, value: ir.Value) -> list:
        """The dims of a runtime value: ints, ``symbolic.Sym`` for a dynamic dim, None where
        no name is known."""
        t = ir.RankedTensorType(value.type)
        if t.has_static_shape:
            return list(t.shape)
        if value in self.vdims:
            return self.vdims[value]
        return [None if t.is_dynamic_dim(i) else t.shape[i] for i in range(t.rank)]

    def _record_dims(self, value: ir.Value, onnx_name: str) -> None:
        """Work out the symbolic dims of a node's output and record them (``aic.dims``)."""
        dims = dims_of_result(value, self.value_dims)
        known = {n for v in self.runtime_inputs for n in self.dim_names(v.name) if n}
        onnx_names = self.dim_names(onnx_name)
        for i, d in enumerate(dims):
            if d is None and i < len(onnx_names) and onnx_names[i] in known:
                dims[i] = symbolic.Sym.dim(onnx_names[i])
        self.vdims[value] = dims
        annotate_dims(value, [d.name() if isinstance(d, symbolic.Sym) else "" for d in dims])

    def _fold_symbolic(self, view: NodeView, arrays: list) -> list | None:
        """Evaluate a shape op on symbolic arrays (``symbolic``); None: the handler decides
        (it reads them with ``sym_const``, or fails naming the node)."""
        if view.op_type not in symbolic.SHAPE_OPS:
            return None
        if not all(a is None or isinstance(a, np.ndarray) for a in arrays):
            return None
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in view.proto.attribute}
        try:
            return [symbolic.evaluate(view.op_type, arrays, attrs)]
        except (symbolic.NotSymbolic, ValueError, IndexError, TypeError):
            return None

    def _fold(self, view: NodeView) -> list | None:
        """Evaluate ``view`` with the ONNX reference evaluator if all its inputs are known."""
        proto = view.proto
        if view.op_type in NO_FOLD or not any(view.has(i) for i in range(view.n_inputs)):
            return None
        arrays = [self.env[proto.input[i]] if view.has(i) else None
                  for i in range(view.n_inputs)]
        if any(symbolic.is_symbolic(a) for a in arrays):
            return self._fold_symbolic(view, arrays)
        arrays = [a for a in arrays if a is not None]
        if (any(not isinstance(a, np.ndarray) for a in arrays)
                or sum(a.size for a in arrays) > FOLD_LIMIT):
            return None
        if any(a.type == onnx.AttributeProto.GRAPH for a in proto.attribute):
            return None
        from onnx.reference import ReferenceEvaluator
        feeds = {n: self.env[n] for n in proto.input if n}
        try:
            results = ReferenceEvaluator(self._one_node_model(proto, False)).run(None, feeds)
        except Exception:  # noqa: BLE001 - the handler gets its chance (or reports the error)
            return None
        outputs, names = [], [o for o in proto.output if o]
        for name, r in zip(names, results):
            r = np.asarray(r)
            info = self.types.get(name)
            if info is not None and info[0]:
                r = r.astype(onnx_to_np(info[0]), copy=False)
            outputs.append(r)
        by_name = dict(zip(names, outputs))
        return [by_name.get(o) for o in proto.output]


def _dim_param(d) -> str | None:
    """A dynamic dim for ``make_tensor_value_info``: its name, or None (unknown)."""
    return d.name() if isinstance(d, symbolic.Sym) and d.name() else None


def _names_of(t: ir.Type, names: list[str]) -> list[str]:
    return names if names and not ir.RankedTensorType(t).has_static_shape else []


def _to_array(t: onnx.TensorProto) -> np.ndarray:
    try:
        return np.asarray(onnx.numpy_helper.to_array(t))
    except Exception as e:  # noqa: BLE001
        raise ModelFormatError(f"initializer '{t.name}' cannot be read: {e}") from None


def _name_attr(name: str, dims: list[str] | None = None) -> ir.DictAttr:
    """``aic.name`` and, for a value with named dynamic dims, ``aic.dims``."""
    attrs = {"aic.name": ir.StringAttr.get(name)}
    if dims and any(dims):
        attrs["aic.dims"] = ir.ArrayAttr.get([ir.StringAttr.get(n) for n in dims])
    return ir.DictAttr.get(attrs)
