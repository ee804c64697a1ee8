"""Shape rules of the graph dialect (dialects/graph/shapes.py), checked against numpy where
numpy has the same operation, and against hand-computed ONNX sizes elsewhere."""

import numpy as np
import pytest

from aic.dialects.graph import shapes
from aic.dialects.graph.shapes import DYN, ShapeError

Q = DYN  # an unknown dim


@pytest.mark.parametrize("a, b", [((2, 3), (3,)), ((4, 1, 5), (3, 1)), ((), (2, 2)),
                                  ((1,), (7, 1, 1)), ((2, 1), (1, 2))])
def test_broadcast_matches_numpy(a, b):
    assert shapes.broadcast(a, b) == list(np.broadcast_shapes(a, b))


def test_broadcast_unknown_dims():
    assert shapes.broadcast([Q, 3], [3]) == [Q, 3]
    assert shapes.broadcast([Q], [4]) == [4]     # ? must be 1 or 4: the result is 4
    assert shapes.broadcast([Q], [1]) == [Q]
    assert shapes.broadcast([-1, 2], [1, 2]) == [Q, 2]  # -1 is accepted as unknown


def test_broadcast_incompatible():
    with pytest.raises(ShapeError, match="broadcast-compatible shapes, got 2x3, 4"):
        shapes.broadcast([2, 3], [4])


@pytest.mark.parametrize("a, b", [((3,), (3,)), ((3,), (3, 4)), ((2, 3), (3,)),
                                  ((5, 2, 3), (3, 4)), ((1, 2, 3), (6, 3, 4)),
                                  ((7, 1, 2, 3), (5, 3, 4))])
def test_matmul_matches_numpy(a, b):
    assert shapes.matmul(a, b) == list(np.matmul(np.zeros(a), np.zeros(b)).shape)


def test_matmul_errors_and_unknowns():
    with pytest.raises(ShapeError, match="matching contraction dims, got 2x3 and 4x5"):
        shapes.matmul([2, 3], [4, 5])
    assert shapes.matmul([Q, 3], [Q, 4]) == [Q, 4]


def test_dense():
    assert shapes.dense([4, 8], [16, 8], [16], False, True) == [4, 16]
    assert shapes.dense([8, 4], [8, 16], None, True, False) == [4, 16]
    with pytest.raises(ShapeError, match="'c' of shape 5 to broadcast to 4x16"):
        shapes.dense([4, 8], [8, 16], [5], False, False)


def test_conv():
    assert shapes.conv([1, 3, 8, 8], [4, 3, 3, 3], [4], [1, 1], [1, 1, 1, 1], [1, 1], 1) \
        == [1, 4, 8, 8]
    # stride 2, dilation 2, asymmetric pads: (9 + 1 + 0 - 5) // 2 + 1 = 3
    assert shapes.conv([2, 4, 9], [6, 2, 3], None, [2], [1, 0], [2], 2) == [2, 6, 3]
    assert shapes.conv([Q, 3, Q, 8], [4, 3, 3, 3], None, [1, 1], [0] * 4, [1, 1], 1) \
        == [Q, 4, Q, 6]


@pytest.mark.parametrize("kwargs, message", [
    (dict(pads=[1, 1]), "expects 4 pads for 2 spatial dims, got 2"),
    (dict(strides=[1]), "expects 2 strides for 2 spatial dims, got 1"),
    (dict(group=2), r"expects input channels \(3\) = weight dim 1 \(3\) \* group \(2\)"),
    (dict(w=[4, 3, 3]), "expects weight rank 4"),
    (dict(bias=[5]), "expects bias of shape 4, got 5"),
])
def test_conv_errors(kwargs, message):
    args = dict(x=[1, 3, 8, 8], w=[4, 3, 3, 3], bias=None, strides=[1, 1], pads=[0] * 4,
                dilations=[1, 1], group=1)
    args.update(kwargs)
    with pytest.raises(ShapeError, match=message):
        shapes.conv(**args)


def test_conv_transpose():
    # 2 * (4 - 1) + 0 + (2 - 1) * 1 + 1 - 0 - 0 = 8
    assert shapes.conv_transpose([1, 4, 4, 4], [4, 2, 2, 2], None, [2, 2], [0] * 4, [1, 1],
                                 [0, 0], 1) == [1, 2, 8, 8]
    # group 2: output channels = w[1] * group; output_padding and pads shift the size
    assert shapes.conv_transpose([1, 4, 5], [4, 3, 3], [6], [2], [1, 1], [1], [1], 2) \
        == [1, 6, 10]


@pytest.mark.parametrize("size, k, s, pads, ceil, expected", [
    (8, 2, 2, (0, 0), False, 4),
    (5, 2, 2, (0, 0), False, 2),
    (5, 2, 2, (0, 0), True, 3),    # ceil: a partial last window
    (4, 3, 2, (0, 0), True, 2),
    (6, 3, 2, (1, 1), True, 4),    # ceil output 4 (= ceil(5/2)+1), last window starts at 6
    (5, 3, 2, (1, 1), True, 3),
    (5, 3, 3, (1, 1), True, 2),    # ceil gives 3, but window 3 would start in end padding
])
def test_pool_sizes(size, k, s, pads, ceil, expected):
    out = shapes.pool([1, 1, size], [k], [s], list(pads), [1], ceil)
    assert out == [1, 1, expected]


def test_global_pool_and_window_errors():
    assert shapes.global_pool([2, 3, 7, 5]) == [2, 3, 1, 1]
    with pytest.raises(ShapeError, match="rank >= 3"):
        shapes.global_pool([2, 3])
    with pytest.raises(ShapeError, match="window extent 5 to fit the padded input size 4"):
        shapes.pool([1, 1, 4], [5], [1], [0, 0], [1], False)


@pytest.mark.parametrize("axes, keepdims", [([1], True), ([0, 2], False), ([], True),
                                            ([], False), ([-1], False)])
def test_reduce_matches_numpy(axes, keepdims):
    x = np.zeros((2, 3, 4))
    expected = np.sum(x, axis=tuple(axes) or None, keepdims=keepdims).shape
    assert shapes.reduce(x.shape, axes, keepdims) == list(expected)


def test_reduce_errors():
    with pytest.raises(ShapeError, match=r"axes in \[-3, 3\) for rank 3, got 3"):
        shapes.reduce([2, 3, 4], [3], True)
    with pytest.raises(ShapeError, match="distinct axes"):
        shapes.reduce([2, 3, 4], [1, -2], True)


def test_arg_reduce_and_topk():
    assert shapes.arg_reduce([2, 8], 1, False) == [2]
    assert shapes.arg_reduce([2, 8], -1, True) == [2, 1]
    assert shapes.topk([3, 4], 2, -1) == [3, 2]
    with pytest.raises(ShapeError, match=r"k \(5\) <= size of dim 1 \(4\)"):
        shapes.topk([3, 4], 5, 1)


def test_transpose_matches_numpy():
    assert shapes.transpose([2, 3, 4], [2, 0, 1]) == list(np.zeros((2, 3, 4)).transpose(2, 0, 1).shape)
    with pytest.raises(ShapeError, match="permutation of 0..2, got"):
        shapes.transpose([2, 3, 4], [0, 0, 1])


def test_concat_and_split():
    assert shapes.concat([[2, 3], [2, 5]], 1) == [2, 8]
    assert shapes.concat([[Q, 3], [2, Q]], 0) == [Q, 3]
    with pytest.raises(ShapeError, match="agree on dim 0"):
        shapes.concat([[2, 3], [4, 5]], 1)
    with pytest.raises(ShapeError, match=r"axis < rank \(2\), got 2"):
        shapes.concat([[2, 3]], 2)
    assert shapes.split([2, 8], 1, [3, 5]) == [[2, 3], [2, 5]]
    with pytest.raises(ShapeError, match=r"sizes \[3, 4\] to sum to dim 1 \(8\), got 7"):
        shapes.split([2, 8], 1, [3, 4])


def test_gather_matches_numpy():
    x, i = np.zeros((10, 4, 5)), np.zeros((2, 3), dtype=np.int64)
    assert shapes.gather(x.shape, i.shape, 1) == list(np.take(x, i, axis=1).shape)
    ge = np.take_along_axis(x, np.zeros((10, 2, 5), dtype=np.int64), axis=1)
    assert shapes.gather_elements(x.shape, [10, 2, 5], 1) == list(ge.shape)
    with pytest.raises(ShapeError, match="indices of rank 3"):
        shapes.gather_elements(x.shape, [10, 2], 1)


def test_pad_tile_one_hot():
    assert shapes.pad([2, 3], [0, 1, 0, 1]) == [2, 5]
    with pytest.raises(ShapeError, match="expects 4 pads for rank 2, got 2"):
        shapes.pad([2, 3], [1, 1])
    assert shapes.tile([2, 3], [2, 1]) == list(np.tile(np.zeros((2, 3)), (2, 1)).shape)
    assert shapes.one_hot([3], 4, 1) == [3, 4]
    assert shapes.one_hot([2, 3], 4, 0) == [4, 2, 3]


def test_slice_checks():
    shapes.slice_([2, 8], [2, 4], [0, 1], [1, 2])       # indices 1, 3, 5, 7
    shapes.slice_([8], [8], [7], [-1])                   # reversed
    with pytest.raises(ShapeError, match="dim 1 indices 1..9"):
        shapes.slice_([2, 8], [2, 5], [0, 1], [1, 2])
    with pytest.raises(ShapeError, match="non-zero steps"):
        shapes.slice_([2], [1], [0], [0])


def test_compatible_and_refine():
    assert shapes.compatible([Q, 3], [2, 3]) and not shapes.compatible([2, 3], [2, 4])
    assert shapes.refine([Q, 3], [2, Q]) == [2, 3]
    with pytest.raises(ShapeError):
        shapes.refine([2, 3], [2, 4])
