// RUN: aic-opt %s -p "aic-gpu-launches-to-calls" --verify-diagnostics

// A launch whose grid size is not a constant cannot be stood for by a declaration.
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%a: memref<4xf32>) kernel {
      gpu.return
    }
  }
  func.func @dynamic_grid(%a: memref<4xf32>, %n: index) {
    %c1 = arith.constant 1 : index
    // expected-error @+1 {{needs constant grid and block sizes}}
    gpu.launch_func @k::@k blocks in (%n, %c1, %c1) threads in (%c1, %c1, %c1) args(%a : memref<4xf32>)
    return
  }
}
