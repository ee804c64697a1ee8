"""Semantics of the importer's normalisations: the imported graph IR, evaluated with aic's numpy
evaluator of graph ops (``aic.dialects.graph.eval``), matches ONNX's reference evaluator. Covers the
opset migrations (attributes that became inputs) and the ops built from other graph ops."""

import numpy as np
import pytest
from conftest import make_model
from onnx import TensorProto, helper
from onnx.reference import ReferenceEvaluator

from aic.dialects.graph import eval as graph_eval
from aic.frontend.onnx import import_onnx

F, I64 = TensorProto.FLOAT, TensorProto.INT64
RNG = np.random.RandomState(0)


def run_graph(module, inputs):
    block = module.body.operations[0].regions[0].blocks[0]
    env = dict(zip(block.arguments, inputs))
    for op in block.operations:
        if op.operation.name == "func.return":
            return [env[v] for v in op.operation.operands]
        outs = graph_eval.evaluate(op, [env[v] for v in op.operation.operands])
        assert outs is not None, f"graph_eval cannot evaluate {op.operation.name}"
        env.update(zip(op.operation.results, outs))


def check(node, inputs: dict, out_shapes, opset, consts=None, out_types=None, expect=None):
    consts = consts or {}
    ins = [(n, helper.np_dtype_to_tensor_dtype(a.dtype), list(a.shape)) for n, a in inputs.items()]
    outs = [(f"y{i}", (out_types or [F] * len(out_shapes))[i], s)
            for i, s in enumerate(out_shapes)]
    node.output[:] = [n for n, _, _ in outs]
    model = make_model([node], ins, outs, consts, opset=opset)
    if expect is not None:  # the reference evaluator ignores some old-opset semantics
        want = expect(**inputs, **consts)
    else:
        want = ReferenceEvaluator(model).run(None, inputs)
    module = import_onnx(model)
    with module.context:
        got = run_graph(module, list(inputs.values()))
    for g, w in zip(got, want):
        assert g.shape == np.asarray(w).shape
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)


def x(*shape):
    return RNG.randn(*shape).astype(np.float32)


def i64(*values):
    return np.array(values, np.int64)


CASES = {
    "clip6_attrs": (helper.make_node("Clip", ["x"], [], min=-0.5, max=0.5),
                    {"x": x(3, 4)}, [[3, 4]], 6, {}),
    "clip11_inputs": (helper.make_node("Clip", ["x", "", "hi"], []), {"x": x(3, 4)}, [[3, 4]], 13,
                      {"hi": np.array(0.2, np.float32)}),
    "split11_attr": (helper.make_node("Split", ["x"], [], axis=1, split=[1, 3]),
                     {"x": x(2, 4)}, [[2, 1], [2, 3]], 11, {}),
    "split13_input": (helper.make_node("Split", ["x", "s"], [], axis=-1),
                      {"x": x(2, 4)}, [[2, 3], [2, 1]], 13, {"s": i64(3, 1)}),
    "split18_num_outputs": (helper.make_node("Split", ["x"], [], axis=0, num_outputs=2),
                            {"x": x(4, 2)}, [[2, 2], [2, 2]], 18, {}),
    "reducesum11_attr": (helper.make_node("ReduceSum", ["x"], [], axes=[-1], keepdims=0),
                         {"x": x(2, 3, 4)}, [[2, 3]], 11, {}),
    "reducesum13_input": (helper.make_node("ReduceSum", ["x", "a"], []), {"x": x(2, 3, 4)},
                          [[1, 3, 1]], 13, {"a": i64(0, 2)}),
    "reducemean18_noop": (helper.make_node("ReduceMean", ["x"], [], noop_with_empty_axes=1),
                          {"x": x(2, 3)}, [[2, 3]], 18, {}),
    "reducel2_all": (helper.make_node("ReduceL2", ["x"], []), {"x": x(2, 3)}, [[1, 1]], 18, {}),
    "squeeze11_attr": (helper.make_node("Squeeze", ["x"], [], axes=[1]), {"x": x(2, 1, 3)},
                       [[2, 3]], 11, {}),
    "unsqueeze13_input": (helper.make_node("Unsqueeze", ["x", "a"], []), {"x": x(2, 3)},
                          [[2, 1, 3, 1]], 13, {"a": i64(1, -1)}),
    "softmax11_coerced": (helper.make_node("Softmax", ["x"], [], axis=1), {"x": x(2, 3, 4)},
                          [[2, 3, 4]], 11, {}, lambda x: [_softmax_2d(x, 1)]),
    "logsoftmax13": (helper.make_node("LogSoftmax", ["x"], [], axis=1), {"x": x(2, 3, 4)},
                     [[2, 3, 4]], 13, {}),
    "pad2_attrs": (helper.make_node("Pad", ["x"], [], pads=[0, 1, 1, 0], value=2.0),
                   {"x": x(2, 3)}, [[3, 4]], 2, {}),
    "pad18_axes_reflect": (helper.make_node("Pad", ["x", "p", "", "a"], [], mode="reflect"),
                           {"x": x(3, 4)}, [[3, 7]], 18, {"p": i64(1, 2), "a": i64(-1)}),
    "topk1_attr": (helper.make_node("TopK", ["x"], [], k=2, axis=1), {"x": x(3, 5)},
                   [[3, 2], [3, 2]], 9, {}),
    "topk11_smallest": (helper.make_node("TopK", ["x", "k"], [], largest=0), {"x": x(3, 5)},
                        [[3, 3], [3, 3]], 11, {"k": i64(3)}),
    "prelu": (helper.make_node("PRelu", ["x", "s"], []), {"x": x(2, 3, 4)}, [[2, 3, 4]], 16,
              {"s": x(3, 1)}),
    "mean3": (helper.make_node("Mean", ["x", "a", "b"], []), {"x": x(2, 3)}, [[2, 3]], 13,
              {"a": x(3), "b": x(1, 3)}),
    "max3": (helper.make_node("Max", ["x", "a", "b"], []), {"x": x(2, 3)}, [[2, 3]], 13,
             {"a": x(3), "b": x(1, 3)}),
    "einsum_attention": (helper.make_node("Einsum", ["q", "k"], [], equation="bhqd,bhkd->bhqk"),
                         {"q": x(2, 3, 4, 5), "k": x(2, 3, 6, 5)}, [[2, 3, 4, 6]], 12, {}),
    "einsum_implicit": (helper.make_node("Einsum", ["a", "b"], [], equation="ij,jk"),
                        {"a": x(2, 3), "b": x(3, 4)}, [[2, 4]], 12, {}),
    "einsum_ellipsis_sum": (helper.make_node("Einsum", ["a"], [], equation="...ij->...j"),
                            {"a": x(2, 3, 4)}, [[2, 4]], 12, {}),
    "depth_to_space_dcr": (helper.make_node("DepthToSpace", ["x"], [], blocksize=2),
                           {"x": x(1, 8, 2, 3)}, [[1, 2, 4, 6]], 13, {}),
    "depth_to_space_crd": (helper.make_node("DepthToSpace", ["x"], [], blocksize=2, mode="CRD"),
                           {"x": x(1, 8, 2, 3)}, [[1, 2, 4, 6]], 13, {}),
    "space_to_depth": (helper.make_node("SpaceToDepth", ["x"], [], blocksize=2),
                       {"x": x(1, 2, 4, 6)}, [[1, 8, 2, 3]], 13, {}),
    "gemm7": (helper.make_node("Gemm", ["a", "b", "c"], [], alpha=0.5, beta=2.0, transB=1),
              {"a": x(2, 3)}, [[2, 4]], 7, {"b": x(4, 3), "c": x(4)}),
    "batchnorm9": (helper.make_node("BatchNormalization", ["x", "s", "b", "m", "v"], []),
                   {"x": x(2, 3, 4)}, [[2, 3, 4]], 9,
                   {"s": x(3), "b": x(3), "m": x(3), "v": np.abs(x(3)) + 0.5},
                   lambda x, s, b, m, v: [(x - m[:, None]) / np.sqrt(v[:, None] + 1e-5)
                                          * s[:, None] + b[:, None]]),
    "instancenorm": (helper.make_node("InstanceNormalization", ["x", "s", "b"], []),
                     {"x": x(2, 3, 4, 5)}, [[2, 3, 4, 5]], 13, {"s": x(3), "b": x(3)}),
    "groupnorm18_per_group": (helper.make_node("GroupNormalization", ["x", "s", "b"], [],
                                               num_groups=2),
                              {"x": x(2, 4, 3)}, [[2, 4, 3]], 18, {"s": x(2), "b": x(2)}),
    "layernorm_stats": (helper.make_node("LayerNormalization", ["x", "s"], [], axis=1),
                        {"x": x(2, 3, 4)}, [[2, 3, 4], [2, 1, 1], [2, 1, 1]], 17,
                        {"s": x(3, 4)}),
    "conv_same_lower": (helper.make_node("Conv", ["x", "w"], [], auto_pad="SAME_LOWER",
                                         strides=[2, 2]),
                        {"x": x(1, 2, 7, 7)}, [[1, 3, 4, 4]], 11, {"w": x(3, 2, 3, 3)}),
    "mod_fmod0_float": (helper.make_node("Mod", ["a", "b"], []),
                        {"a": x(3, 4)}, [[3, 4]], 13, {"b": np.float32(0.7) + np.abs(x(4))}),
    "hard_swish": (helper.make_node("HardSwish", ["x"], []), {"x": 4 * x(3, 4)}, [[3, 4]], 14,
                   {}),
    "selu": (helper.make_node("Selu", ["x"], []), {"x": x(3, 4)}, [[3, 4]], 6, {}),
    "gelu_tanh": (helper.make_node("Gelu", ["x"], [], approximate="tanh"), {"x": x(3, 4)},
                  [[3, 4]], 20, {}),
    "flatten0": (helper.make_node("Flatten", ["x"], [], axis=0), {"x": x(2, 3)}, [[1, 6]], 13,
                 {}),
    "dropout7": (helper.make_node("Dropout", ["x"], [], ratio=0.3), {"x": x(2, 3)}, [[2, 3]],
                 7, {}),
    "gather_negative": (helper.make_node("Gather", ["x", "i"], [], axis=1), {"x": x(3, 4)},
                        [[3, 2]], 13, {"i": i64(-1, 0)}),
    "tile": (helper.make_node("Tile", ["x", "r"], []), {"x": x(2, 3)}, [[4, 3]], 13,
             {"r": i64(2, 1)}),
    "expand": (helper.make_node("Expand", ["x", "s"], []), {"x": x(3, 1)}, [[2, 3, 4]], 13,
               {"s": i64(2, 1, 4)}),
    "trilu_lower": (helper.make_node("Trilu", ["x", "k"], [], upper=0), {"x": x(4, 4)},
                    [[4, 4]], 14, {"k": i64(1)}),
    "cumsum_exclusive_reverse": (helper.make_node("CumSum", ["x", "a"], [], exclusive=1,
                                                  reverse=1),
                                 {"x": x(3, 4)}, [[3, 4]], 14, {"a": np.array(1, np.int64)}),
}


def _softmax_2d(x, axis):
    flat = x.reshape(int(np.prod(x.shape[:axis])), -1)
    e = np.exp(flat - flat.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).reshape(x.shape)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_onnx_reference(name):
    node, inputs, out_shapes, opset, consts, *expect = CASES[name]
    out_types = [I64 if name.startswith("topk") and i == 1 else F
                 for i in range(len(out_shapes))]
    check(node, inputs, out_shapes, opset, consts, out_types, *expect)
