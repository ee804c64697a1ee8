irdl.dialect @graph {
  irdl.operation @constant {
    %c0 = irdl.any
    %c1 = irdl.base "!builtin.tensor"
    irdl.attributes {"value" = %c0}
    irdl.results(out: %c1)
  }
  irdl.operation @add {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %c0, rhs: %c1)
    irdl.results(out: %c2)
  }
  irdl.operation @sub {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %c0, rhs: %c1)
    irdl.results(out: %c2)
  }
  irdl.operation @mul {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %c0, rhs: %c1)
    irdl.results(out: %c2)
  }
  irdl.operation @div {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %c0, rhs: %c1)
    irdl.results(out: %c2)
  }
  irdl.operation @pow {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %c0, rhs: %c1)
    irdl.results(out: %c2)
  }
  irdl.operation @max {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %c0, rhs: %c1)
    irdl.results(out: %c2)
  }
  irdl.operation @min {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %c0, rhs: %c1)
    irdl.results(out: %c2)
  }
  irdl.operation @mod {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "#builtin.integer"
    %c3 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %c0, rhs: %c1)
    irdl.attributes {"fmod" = %c2}
    irdl.results(out: %c3)
  }
  irdl.operation @compare {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.is "eq"
    %c3 = irdl.is "ne"
    %c4 = irdl.is "lt"
    %c5 = irdl.is "le"
    %c6 = irdl.is "gt"
    %c7 = irdl.is "ge"
    %c8 = irdl.any_of(%c2, %c3, %c4, %c5, %c6, %c7)
    %c9 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %c0, rhs: %c1)
    irdl.attributes {"predicate" = %c8}
    irdl.results(out: %c9)
  }
  irdl.operation @logical {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.is "and"
    %c3 = irdl.is "or"
    %c4 = irdl.is "xor"
    %c5 = irdl.any_of(%c2, %c3, %c4)
    %c6 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %c0, rhs: %c1)
    irdl.attributes {"kind" = %c5}
    irdl.results(out: %c6)
  }
  irdl.operation @unary {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.is "neg"
    %c2 = irdl.is "abs"
    %c3 = irdl.is "sqrt"
    %c4 = irdl.is "rsqrt"
    %c5 = irdl.is "reciprocal"
    %c6 = irdl.is "exp"
    %c7 = irdl.is "log"
    %c8 = irdl.is "floor"
    %c9 = irdl.is "ceil"
    %c10 = irdl.is "round"
    %c11 = irdl.is "sign"
    %c12 = irdl.is "erf"
    %c13 = irdl.is "tanh"
    %c14 = irdl.is "sigmoid"
    %c15 = irdl.is "sin"
    %c16 = irdl.is "cos"
    %c17 = irdl.is "tan"
    %c18 = irdl.is "asin"
    %c19 = irdl.is "acos"
    %c20 = irdl.is "atan"
    %c21 = irdl.is "sinh"
    %c22 = irdl.is "cosh"
    %c23 = irdl.is "asinh"
    %c24 = irdl.is "acosh"
    %c25 = irdl.is "atanh"
    %c26 = irdl.is "relu"
    %c27 = irdl.is "leaky_relu"
    %c28 = irdl.is "elu"
    %c29 = irdl.is "selu"
    %c30 = irdl.is "celu"
    %c31 = irdl.is "gelu"
    %c32 = irdl.is "gelu_tanh"
    %c33 = irdl.is "softplus"
    %c34 = irdl.is "softsign"
    %c35 = irdl.is "hard_sigmoid"
    %c36 = irdl.is "hard_swish"
    %c37 = irdl.is "mish"
    %c38 = irdl.is "thresholded_relu"
    %c39 = irdl.is "silu"
    %c40 = irdl.is "not"
    %c41 = irdl.is "isnan"
    %c42 = irdl.is "isinf"
    %c43 = irdl.is "isposinf"
    %c44 = irdl.is "isneginf"
    %c45 = irdl.any_of(%c1, %c2, %c3, %c4, %c5, %c6, %c7, %c8, %c9, %c10, %c11, %c12, %c13, %c14, %c15, %c16, %c17, %c18, %c19, %c20, %c21, %c22, %c23, %c24, %c25, %c26, %c27, %c28, %c29, %c30, %c31, %c32, %c33, %c34, %c35, %c36, %c37, %c38, %c39, %c40, %c41, %c42, %c43, %c44)
    %c46 = irdl.base "#builtin.float"
    %c47 = irdl.base "#builtin.float"
    %c48 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"fn" = %c45, "alpha" = %c46, "beta" = %c47}
    irdl.results(out: %c48)
  }
  irdl.operation @clip {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    %c3 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0, min: optional %c1, max: optional %c2)
    irdl.results(out: %c3)
  }
  irdl.operation @where {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    %c3 = irdl.base "!builtin.tensor"
    irdl.operands(cond: %c0, x: %c1, y: %c2)
    irdl.results(out: %c3)
  }
  irdl.operation @cast {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.results(out: %c1)
  }
  irdl.operation @bitwise {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.is "and"
    %c3 = irdl.is "or"
    %c4 = irdl.is "xor"
    %c5 = irdl.is "shl"
    %c6 = irdl.is "shr"
    %c7 = irdl.any_of(%c2, %c3, %c4, %c5, %c6)
    %c8 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %c0, rhs: %c1)
    irdl.attributes {"kind" = %c7}
    irdl.results(out: %c8)
  }
  irdl.operation @bitcast {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.results(out: %c1)
  }
  irdl.operation @gather_nd {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "#builtin.integer"
    %c3 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0, indices: %c1)
    irdl.attributes {"batch_dims" = %c2}
    irdl.results(out: %c3)
  }
  irdl.operation @scatter_nd {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    %c3 = irdl.is "none"
    %c4 = irdl.is "add"
    %c5 = irdl.is "mul"
    %c6 = irdl.is "max"
    %c7 = irdl.is "min"
    %c8 = irdl.any_of(%c3, %c4, %c5, %c6, %c7)
    %c9 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0, indices: %c1, updates: %c2)
    irdl.attributes {"reduction" = %c8}
    irdl.results(out: %c9)
  }
  irdl.operation @scatter_elements {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    %c3 = irdl.base "#builtin.integer"
    %c4 = irdl.is "none"
    %c5 = irdl.is "add"
    %c6 = irdl.is "mul"
    %c7 = irdl.is "max"
    %c8 = irdl.is "min"
    %c9 = irdl.any_of(%c4, %c5, %c6, %c7, %c8)
    %c10 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0, indices: %c1, updates: %c2)
    irdl.attributes {"axis" = %c3, "reduction" = %c9}
    irdl.results(out: %c10)
  }
  irdl.operation @grid_sample {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.is "linear"
    %c3 = irdl.is "nearest"
    %c4 = irdl.is "cubic"
    %c5 = irdl.any_of(%c2, %c3, %c4)
    %c6 = irdl.is "zeros"
    %c7 = irdl.is "border"
    %c8 = irdl.is "reflection"
    %c9 = irdl.any_of(%c6, %c7, %c8)
    %c10 = irdl.base "#builtin.integer"
    %c11 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0, grid: %c1)
    irdl.attributes {"mode" = %c5, "padding_mode" = %c9, "align_corners" = %c10}
    irdl.results(out: %c11)
  }
  irdl.operation @non_max_suppression {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    %c3 = irdl.base "!builtin.tensor"
    %c4 = irdl.base "!builtin.tensor"
    %c5 = irdl.base "#builtin.integer"
    %c6 = irdl.base "!builtin.tensor"
    irdl.operands(boxes: %c0, scores: %c1, max_output: %c2, iou_threshold: %c3, score_threshold: optional %c4)
    irdl.attributes {"center_point_box" = %c5}
    irdl.results(selected: %c6)
  }
  irdl.operation @unique {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "#builtin.integer"
    %c2 = irdl.base "#builtin.integer"
    %c3 = irdl.base "!builtin.tensor"
    %c4 = irdl.base "!builtin.tensor"
    %c5 = irdl.base "!builtin.tensor"
    %c6 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"axis" = %c1, "sorted" = %c2}
    irdl.results(y: %c3, indices: %c4, inverse: %c5, counts: %c6)
  }
  irdl.operation @nonzero {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.results(out: %c1)
  }
  irdl.operation @matmul {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    irdl.operands(a: %c0, b: %c1)
    irdl.results(out: %c2)
  }
  irdl.operation @dense {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    %c3 = irdl.base "#builtin.float"
    %c4 = irdl.base "#builtin.float"
    %c5 = irdl.base "#builtin.integer"
    %c6 = irdl.base "#builtin.integer"
    %c7 = irdl.base "!builtin.tensor"
    irdl.operands(a: %c0, b: %c1, c: optional %c2)
    irdl.attributes {"alpha" = %c3, "beta" = %c4, "trans_a" = %c5, "trans_b" = %c6}
    irdl.results(out: %c7)
  }
  irdl.operation @conv {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    %c3 = irdl.base "#builtin.dense_array"
    %c4 = irdl.base "#builtin.dense_array"
    %c5 = irdl.base "#builtin.dense_array"
    %c6 = irdl.base "#builtin.integer"
    %c7 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0, w: %c1, bias: optional %c2)
    irdl.attributes {"strides" = %c3, "pads" = %c4, "dilations" = %c5, "group" = %c6}
    irdl.results(out: %c7)
  }
  irdl.operation @conv_transpose {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    %c3 = irdl.base "#builtin.dense_array"
    %c4 = irdl.base "#builtin.dense_array"
    %c5 = irdl.base "#builtin.dense_array"
    %c6 = irdl.base "#builtin.dense_array"
    %c7 = irdl.base "#builtin.integer"
    %c8 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0, w: %c1, bias: optional %c2)
    irdl.attributes {"strides" = %c3, "pads" = %c4, "dilations" = %c5, "output_padding" = %c6, "group" = %c7}
    irdl.results(out: %c8)
  }
  irdl.operation @pool {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.is "max"
    %c2 = irdl.is "avg"
    %c3 = irdl.any_of(%c1, %c2)
    %c4 = irdl.base "#builtin.dense_array"
    %c5 = irdl.base "#builtin.dense_array"
    %c6 = irdl.base "#builtin.dense_array"
    %c7 = irdl.base "#builtin.dense_array"
    %c8 = irdl.base "#builtin.integer"
    %c9 = irdl.base "#builtin.integer"
    %c10 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"kind" = %c3, "kernel" = %c4, "strides" = %c5, "pads" = %c6, "dilations" = %c7, "ceil_mode" = %c8, "count_include_pad" = %c9}
    irdl.results(out: %c10)
  }
  irdl.operation @global_pool {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.is "max"
    %c2 = irdl.is "avg"
    %c3 = irdl.any_of(%c1, %c2)
    %c4 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"kind" = %c3}
    irdl.results(out: %c4)
  }
  irdl.operation @batch_norm {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    %c3 = irdl.base "!builtin.tensor"
    %c4 = irdl.base "!builtin.tensor"
    %c5 = irdl.base "#builtin.float"
    %c6 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0, scale: %c1, bias: %c2, mean: %c3, var: %c4)
    irdl.attributes {"epsilon" = %c5}
    irdl.results(out: %c6)
  }
  irdl.operation @layer_norm {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    %c3 = irdl.base "#builtin.integer"
    %c4 = irdl.base "#builtin.float"
    %c5 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0, scale: %c1, bias: optional %c2)
    irdl.attributes {"axis" = %c3, "epsilon" = %c4}
    irdl.results(out: %c5)
  }
  irdl.operation @group_norm {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "!builtin.tensor"
    %c3 = irdl.base "#builtin.integer"
    %c4 = irdl.base "#builtin.float"
    %c5 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0, scale: %c1, bias: %c2)
    irdl.attributes {"num_groups" = %c3, "epsilon" = %c4}
    irdl.results(out: %c5)
  }
  irdl.operation @lrn {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "#builtin.integer"
    %c2 = irdl.base "#builtin.float"
    %c3 = irdl.base "#builtin.float"
    %c4 = irdl.base "#builtin.float"
    %c5 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"size" = %c1, "alpha" = %c2, "beta" = %c3, "bias" = %c4}
    irdl.results(out: %c5)
  }
  irdl.operation @softmax {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "#builtin.integer"
    %c2 = irdl.base "#builtin.integer"
    %c3 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"axis" = %c1, "log" = %c2}
    irdl.results(out: %c3)
  }
  irdl.operation @reduce {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.is "sum"
    %c2 = irdl.is "mean"
    %c3 = irdl.is "max"
    %c4 = irdl.is "min"
    %c5 = irdl.is "prod"
    %c6 = irdl.is "l1"
    %c7 = irdl.is "l2"
    %c8 = irdl.is "sum_square"
    %c9 = irdl.is "log_sum"
    %c10 = irdl.is "log_sum_exp"
    %c11 = irdl.any_of(%c1, %c2, %c3, %c4, %c5, %c6, %c7, %c8, %c9, %c10)
    %c12 = irdl.base "#builtin.dense_array"
    %c13 = irdl.base "#builtin.integer"
    %c14 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"kind" = %c11, "axes" = %c12, "keepdims" = %c13}
    irdl.results(out: %c14)
  }
  irdl.operation @arg_reduce {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.is "max"
    %c2 = irdl.is "min"
    %c3 = irdl.any_of(%c1, %c2)
    %c4 = irdl.base "#builtin.integer"
    %c5 = irdl.base "#builtin.integer"
    %c6 = irdl.base "#builtin.integer"
    %c7 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"kind" = %c3, "axis" = %c4, "keepdims" = %c5, "select_last_index" = %c6}
    irdl.results(out: %c7)
  }
  irdl.operation @cumsum {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "#builtin.integer"
    %c2 = irdl.base "#builtin.integer"
    %c3 = irdl.base "#builtin.integer"
    %c4 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"axis" = %c1, "exclusive" = %c2, "reverse" = %c3}
    irdl.results(out: %c4)
  }
  irdl.operation @topk {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "#builtin.integer"
    %c2 = irdl.base "#builtin.integer"
    %c3 = irdl.base "#builtin.integer"
    %c4 = irdl.base "!builtin.tensor"
    %c5 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"k" = %c1, "axis" = %c2, "largest" = %c3}
    irdl.results(values: %c4, indices: %c5)
  }
  irdl.operation @reshape {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.results(out: %c1)
  }
  irdl.operation @transpose {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "#builtin.dense_array"
    %c2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"perm" = %c1}
    irdl.results(out: %c2)
  }
  irdl.operation @concat {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "#builtin.integer"
    %c3 = irdl.base "!builtin.tensor"
    irdl.operands(lhs: %c0, rhs: %c1)
    irdl.attributes {"axis" = %c2}
    irdl.results(out: %c3)
  }
  irdl.operation @slice {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "#builtin.dense_array"
    %c2 = irdl.base "#builtin.dense_array"
    %c3 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"starts" = %c1, "steps" = %c2}
    irdl.results(out: %c3)
  }
  irdl.operation @gather {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "#builtin.integer"
    %c3 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0, indices: %c1)
    irdl.attributes {"axis" = %c2}
    irdl.results(out: %c3)
  }
  irdl.operation @gather_elements {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.base "#builtin.integer"
    %c3 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0, indices: %c1)
    irdl.attributes {"axis" = %c2}
    irdl.results(out: %c3)
  }
  irdl.operation @pad {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "#builtin.dense_array"
    %c2 = irdl.is "constant"
    %c3 = irdl.is "reflect"
    %c4 = irdl.is "edge"
    %c5 = irdl.is "wrap"
    %c6 = irdl.any_of(%c2, %c3, %c4, %c5)
    %c7 = irdl.base "#builtin.float"
    %c8 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"pads" = %c1, "mode" = %c6, "value" = %c7}
    irdl.results(out: %c8)
  }
  irdl.operation @resize {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.is "nearest"
    %c2 = irdl.is "linear"
    %c3 = irdl.is "cubic"
    %c4 = irdl.any_of(%c1, %c2, %c3)
    %c5 = irdl.is "half_pixel"
    %c6 = irdl.is "half_pixel_symmetric"
    %c7 = irdl.is "asymmetric"
    %c8 = irdl.is "align_corners"
    %c9 = irdl.is "pytorch_half_pixel"
    %c10 = irdl.is "tf_crop_and_resize"
    %c11 = irdl.any_of(%c5, %c6, %c7, %c8, %c9, %c10)
    %c12 = irdl.is "round_prefer_floor"
    %c13 = irdl.is "round_prefer_ceil"
    %c14 = irdl.is "floor"
    %c15 = irdl.is "ceil"
    %c16 = irdl.any_of(%c12, %c13, %c14, %c15)
    %c17 = irdl.base "#builtin.float"
    %c18 = irdl.base "#builtin.dense_array"
    %c19 = irdl.base "#builtin.integer"
    %c20 = irdl.base "#builtin.float"
    %c21 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"mode" = %c4, "coordinate_mode" = %c11, "nearest_mode" = %c16, "cubic_coeff" = %c17, "scales" = %c18, "exclude_outside" = %c19, "extrapolation_value" = %c20}
    irdl.results(out: %c21)
  }
  irdl.operation @expand {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.results(out: %c1)
  }
  irdl.operation @tile {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "#builtin.dense_array"
    %c2 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"repeats" = %c1}
    irdl.results(out: %c2)
  }
  irdl.operation @trilu {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "#builtin.integer"
    %c2 = irdl.base "#builtin.integer"
    %c3 = irdl.base "!builtin.tensor"
    irdl.operands(x: %c0)
    irdl.attributes {"upper" = %c1, "k" = %c2}
    irdl.results(out: %c3)
  }
  irdl.operation @one_hot {
    %c0 = irdl.base "!builtin.tensor"
    %c1 = irdl.base "#builtin.integer"
    %c2 = irdl.base "#builtin.integer"
    %c3 = irdl.base "#builtin.float"
    %c4 = irdl.base "#builtin.float"
    %c5 = irdl.base "!builtin.tensor"
    irdl.operands(indices: %c0)
    irdl.attributes {"depth" = %c1, "axis" = %c2, "on_value" = %c3, "off_value" = %c4}
    irdl.results(out: %c5)
  }
  irdl.operation @fused {
    %c0 = irdl.base "#builtin.string"
    %c1 = irdl.base "!builtin.tensor"
    %c2 = irdl.region
    irdl.attributes {"kind" = %c0}
    irdl.regions(body: %c2)
    irdl.results(out: %c1)
  }
}
