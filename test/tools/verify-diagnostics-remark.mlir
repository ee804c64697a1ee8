// --verify-diagnostics matches remarks emitted by upstream passes (here the transform
// interpreter) too.
// RUN: aic-opt %s --verify-diagnostics -p transform-interpreter -o %t

func.func @remark_from_transform(%a: tensor<2xf32>) -> tensor<2xf32> {
  // expected-remark @below {{found the add}}
  %0 = arith.addf %a, %a : tensor<2xf32>
  return %0 : tensor<2xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %ops = transform.structured.match ops{["arith.addf"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.debug.emit_remark_at %ops, "found the add" : !transform.any_op
    transform.yield
  }
}
