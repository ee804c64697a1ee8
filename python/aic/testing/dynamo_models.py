"""A BERT written the way ``torch.onnx.export(model, ..., dynamo=True)`` writes Hugging Face's
``BertModel`` (onnx.helper, seeded weights; PyTorch is not a dependency).

What makes the dynamo exporter's graphs differ from the TorchScript exporter's
(``dynamic_models.py``), and what this generator reproduces:

* opset 18, onnxscript's decompositions: values named ``val_<n>``, nodes ``node_<Op>_<n>``,
  weights named after the module's parameters (``encoder.layer.0.attention.self.query.weight``)
  and stored as ``[out, in]`` with a ``Transpose`` in the graph (``aten.linear`` ->
  ``Transpose`` + ``MatMul`` + ``Add``);
* symbolic sizes as ``Shape(x, start=i, end=i+1)`` (no ``Gather``), scalars via ``Squeeze``,
  target shapes built with ``Concat`` of 1-element tensors;
* the padding mask as transformers' ``sdpa_mask`` computes it: ``mask[batch_idx, kv_idx]``
  over ``arange`` index tensors (``aten.index`` -> ``Range``, ``Expand``, ``Concat``,
  ``GatherND``), then ``Where(allowed, 0, finfo.min)``;
* ``token_type_ids`` a registered buffer sliced to the sequence length and ``Expand``-ed to
  the batch; position ids a ``Slice`` of another buffer;
* ``aten.scaled_dot_product_attention``: Q and K^T each multiplied by ``sqrt(scale)`` with
  ``scale = 1 / sqrt(Shape(q)[-1])`` computed in the graph, ``MatMul``, ``Add`` of the mask,
  ``Softmax``, ``MatMul``;
* ``LayerNormalization`` ops (epsilon 1e-12), GELU as ``0.5 * x * (1 + Erf(x / sqrt(2)))``;
* the pooler's ``tanh(linear(hidden[:, 0]))`` (``aten.select`` -> ``Gather``).

``bert(...)``: ``input_ids``, ``attention_mask`` ``[s0, s1]`` (int64, dims named as dynamo
names them; ``shape=(batch, seq)``: static, the exporter's default) ->
``last_hidden_state [s0, s1, d]``, ``pooler_output [s0, d]``.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 18
FLOAT_MIN = np.float32(np.finfo(np.float32).min)


class _Dynamo:
    """Nodes named like the dynamo exporter's, seeded parameters under their torch names."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.count = 0

    def _next(self) -> int:
        self.count += 1
        return self.count

    def op(self, op_type: str, inputs: list[str], n_out: int = 1, **attrs):
        outs = [f"val_{self._next()}" for _ in range(n_out)]
        self.nodes.append(helper.make_node(op_type, inputs, outs,
                                           name=f"node_{op_type}_{self._next()}", **attrs))
        return outs[0] if n_out == 1 else outs

    def const(self, value, dtype=np.int64) -> str:
        name = f"val_{self._next()}"
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype), name))
        return name

    def param(self, name: str, array: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(array.astype(np.float32), name))
        return name

    def size(self, x: str, axis: int) -> str:
        """``x.size(axis)`` as a 1-element int64 tensor: ``Shape(start, end)``."""
        return self.op("Shape", [x], start=axis, end=axis + 1)

    def linear(self, x: str, prefix: str, n_in: int, n_out: int) -> str:
        w = self.param(f"{prefix}.weight", self.rng.standard_normal((n_out, n_in)) / np.sqrt(n_in))
        bias = self.param(f"{prefix}.bias", self.rng.uniform(-0.1, 0.1, n_out))
        return self.op("Add", [self.op("MatMul", [x, self.op("Transpose", [w], perm=[1, 0])]),
                               bias])

    def layer_norm(self, x: str, prefix: str, d: int) -> str:
        scale = self.param(f"{prefix}.weight", self.rng.uniform(0.5, 1.5, d))
        bias = self.param(f"{prefix}.bias", self.rng.uniform(-0.1, 0.1, d))
        return self.op("LayerNormalization", [x, scale, bias], axis=-1, epsilon=1e-12)


def _gelu(g: _Dynamo, x: str) -> str:
    erf = g.op("Erf", [g.op("Div", [x, g.const(np.sqrt(2.0), np.float32)])])
    return g.op("Mul", [g.op("Mul", [x, g.const(0.5, np.float32)]),
                        g.op("Add", [erf, g.const(1.0, np.float32)])])


def _embeddings(g: _Dynamo, d: int, vocab: int, max_pos: int) -> str:
    seq = g.size("input_ids", 1)
    words = g.param("embeddings.word_embeddings.weight", g.rng.standard_normal((vocab, d)) * .02)
    x = g.op("Gather", [words, "input_ids"])
    types = g.const(np.zeros((1, max_pos)))  # the token_type_ids buffer
    types = g.op("Expand", [g.op("Slice", [types, g.const([0]), seq, g.const([1])]),
                            g.op("Concat", [g.size("input_ids", 0), seq], axis=0)])
    table = g.param("embeddings.token_type_embeddings.weight", g.rng.standard_normal((2, d)) * .02)
    x = g.op("Add", [x, g.op("Gather", [table, types])])
    positions = g.op("Slice", [g.const(np.arange(max_pos).reshape(1, max_pos)), g.const([0]),
                               seq, g.const([1])])
    table = g.param("embeddings.position_embeddings.weight",
                    g.rng.standard_normal((max_pos, d)) * .02)
    x = g.op("Add", [x, g.op("Gather", [table, positions])])
    return g.layer_norm(x, "embeddings.LayerNorm", d)


def _mask(g: _Dynamo) -> str:
    """transformers' ``sdpa_mask`` of a padding mask, without vmap: ``mask[batch_idx, kv_idx]``
    with ``batch_idx = arange(batch)[:, None, None, None]``, ``kv_idx = arange(seq)[None, None,
    None, :]`` (``aten.index`` with two index tensors: broadcast, stack, ``GatherND``), then
    ``where(allowed, 0, finfo.min)``."""
    batch, seq = g.size("attention_mask", 0), g.size("attention_mask", 1)
    rows = g.op("Range", [g.const(0), g.op("Squeeze", [batch]), g.const(1)])
    cols = g.op("Range", [g.const(0), g.op("Squeeze", [seq]), g.const(1)])
    rows = g.op("Reshape", [rows, g.const([-1, 1, 1, 1])])
    cols = g.op("Reshape", [cols, g.const([1, 1, 1, -1])])
    shape = g.op("Concat", [batch, g.const([1, 1]), seq], axis=0)
    index = g.op("Concat", [g.op("Unsqueeze", [g.op("Expand", [t, shape]), g.const([-1])])
                            for t in (rows, cols)], axis=-1)
    allowed = g.op("Cast", [g.op("GatherND", ["attention_mask", index])], to=TensorProto.BOOL)
    return g.op("Where", [allowed, g.const(0.0, np.float32), g.const(FLOAT_MIN, np.float32)])


def _heads(g: _Dynamo, t: str, batch: str, heads: int, hd: int) -> str:
    """``t.view(batch, -1, heads, hd).transpose(1, 2)``."""
    shape = g.op("Concat", [batch, g.const([-1]), g.const([heads]), g.const([hd])], axis=0)
    return g.op("Transpose", [g.op("Reshape", [t, shape])], perm=[0, 2, 1, 3])


def _sdpa(g: _Dynamo, q: str, k: str, v: str, mask: str) -> str:
    """onnxscript's ``aten_scaled_dot_product_attention`` with an additive float mask."""
    depth = g.op("Cast", [g.op("Shape", [q], start=-1)], to=TensorProto.FLOAT)
    scale = g.op("Div", [g.const(1.0, np.float32), g.op("Sqrt", [depth])])
    root = g.op("Sqrt", [scale])
    kt = g.op("Transpose", [k], perm=[0, 1, 3, 2])
    w = g.op("MatMul", [g.op("Mul", [q, root]), g.op("Mul", [kt, root])])
    w = g.op("Softmax", [g.op("Add", [w, mask])], axis=-1)
    return g.op("MatMul", [w, v])


def _layer(g: _Dynamo, x: str, mask: str, i: int, d: int, heads: int, ffn: int) -> str:
    p, hd = f"encoder.layer.{i}", d // heads
    batch = g.size(x, 0)
    q, k, v = (_heads(g, g.linear(x, f"{p}.attention.self.{n}", d, d), batch, heads, hd)
               for n in ("query", "key", "value"))
    o = g.op("Transpose", [_sdpa(g, q, k, v, mask)], perm=[0, 2, 1, 3])
    o = g.op("Reshape", [o, g.op("Concat", [batch, g.size(x, 1), g.const([d])], axis=0)])
    o = g.linear(o, f"{p}.attention.output.dense", d, d)
    x = g.layer_norm(g.op("Add", [o, x]), f"{p}.attention.output.LayerNorm", d)
    h = _gelu(g, g.linear(x, f"{p}.intermediate.dense", d, ffn))
    h = g.linear(h, f"{p}.output.dense", ffn, d)
    return g.layer_norm(g.op("Add", [h, x]), f"{p}.output.LayerNorm", d)


def _pooler(g: _Dynamo, x: str, d: int) -> str:
    """``tanh(dense(x[:, 0]))`` (``aten.select`` -> ``Gather`` of a scalar index)."""
    first = g.op("Gather", [x, g.const(0)], axis=1)
    return g.op("Tanh", [g.linear(first, "pooler.dense", d, d)])


def bert(layers: int = 2, d: int = 64, heads: int = 4, ffn: int = 128, vocab: int = 200,
         max_pos: int = 64, seed: int = 40, shape: tuple[int, int] | None = None
         ) -> onnx.ModelProto:
    """A BERT encoder with pooler as the dynamo exporter writes it (see the module doc):
    with ``dynamic_shapes`` (dims ``s0``, ``s1``), or for one input ``shape`` (batch, seq) --
    the exporter's default, sizes still computed with ``Shape`` in the graph."""
    g = _Dynamo(seed)
    mask = _mask(g)
    x = _embeddings(g, d, vocab, max_pos)
    for i in range(layers):
        x = _layer(g, x, mask, i, d, heads, ffn)
    pooled = _pooler(g, x, d)
    g.nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"], name="node_Identity"))
    g.nodes.append(helper.make_node("Identity", [pooled], ["pooler_output"],
                                    name="node_Identity_1"))
    dims = list(shape) if shape else ["s0", "s1"]
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, dims)
              for n in ("input_ids", "attention_mask")]
    outputs = [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, dims + [d]),
               helper.make_tensor_value_info("pooler_output", TensorProto.FLOAT, [dims[0], d])]
    graph = helper.make_graph(g.nodes, "main_graph", inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="pytorch", producer_version="2.6.0")
    model.ir_version = 10
    onnx.checker.check_model(model)
    return model
