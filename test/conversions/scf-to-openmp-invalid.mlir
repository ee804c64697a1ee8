// RUN: aic-opt %s -p aic-convert-scf-to-openmp --verify-diagnostics

// A forall on tensors (shared_outs) has not been bufferized yet.
func.func @negative_tensors(%out: tensor<8xf32>) -> tensor<8xf32> {
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{aic-convert-scf-to-openmp: scf.forall with shared_outs: bufferize first}}
  %r = scf.forall (%i) in (8) shared_outs(%o = %out) -> (tensor<8xf32>) {
    %t = tensor.from_elements %zero : tensor<1xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %t into %o[%i] [1] [1] : tensor<1xf32> into tensor<8xf32>
    }
  }
  return %r : tensor<8xf32>
}
