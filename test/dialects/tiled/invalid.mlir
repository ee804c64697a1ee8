// Invalid tiled IR: one diagnostic per chunk.
// RUN: aic-opt %s --split-input-file --verify-diagnostics
func.func @tile_not_dividing(%x: tensor<128x64xf32>, %init: tensor<128x64xf32>) -> tensor<128x64xf32> {
  // expected-error@+1 {{tile size 48 does not divide extent 128 of dimension 0}}
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: index, %acc: tensor<48x16xf32>):
    
    "gpu.yield"(%acc) : (tensor<48x16xf32>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel"], kind = "", outs_indexing = array<i64: 0, 1>, space = array<i64: 128, 64>, tile_sizes = array<i64: 48, 16>} : (tensor<128x64xf32>) -> tensor<128x64xf32>
  return %r : tensor<128x64xf32>
}

// -----

func.func @length_mismatch(%x: tensor<128x64xf32>, %init: tensor<128x64xf32>) -> tensor<128x64xf32> {
  // expected-error@+1 {{space, tile_sizes and iterators must have one entry per dimension (got 2, 3, 2)}}
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: index, %acc: tensor<32x16xf32>):
    
    "gpu.yield"(%acc) : (tensor<32x16xf32>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel"], kind = "", outs_indexing = array<i64: 0, 1>, space = array<i64: 128, 64>, tile_sizes = array<i64: 32, 16, 1>} : (tensor<128x64xf32>) -> tensor<128x64xf32>
  return %r : tensor<128x64xf32>
}

// -----

func.func @bad_iterator(%x: tensor<128x64xf32>, %init: tensor<128x64xf32>) -> tensor<128x64xf32> {
  // expected-error@+1 {{attribute 'iterators': "window" is not one of parallel, reduction}}
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: index, %acc: tensor<32x16xf32>):
    
    "gpu.yield"(%acc) : (tensor<32x16xf32>) -> ()
  }, {
  }) {iterators = ["parallel", "window"], kind = "", outs_indexing = array<i64: 0, 1>, space = array<i64: 128, 64>, tile_sizes = array<i64: 32, 16>} : (tensor<128x64xf32>) -> tensor<128x64xf32>
  return %r : tensor<128x64xf32>
}

// -----

func.func @no_parallel(%x: tensor<128x64xf32>, %init: tensor<128x64xf32>) -> tensor<128x64xf32> {
  // expected-error@+1 {{needs at least one parallel dimension}}
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: index, %acc: tensor<32x16xf32>):
    
    "gpu.yield"(%acc) : (tensor<32x16xf32>) -> ()
  }, {
  }) {iterators = ["reduction", "reduction"], kind = "", outs_indexing = array<i64: 0, 1>, space = array<i64: 128, 64>, tile_sizes = array<i64: 32, 16>} : (tensor<128x64xf32>) -> tensor<128x64xf32>
  return %r : tensor<128x64xf32>
}

// -----

func.func @indexing_length(%x: tensor<128x64xf32>, %init: tensor<128x64xf32>) -> tensor<128x64xf32> {
  // expected-error@+1 {{outs_indexing has 1 entries, the inits have 2 dims}}
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: index, %acc: tensor<32x16xf32>):
    
    "gpu.yield"(%acc) : (tensor<32x16xf32>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel"], kind = "", outs_indexing = array<i64: 0>, space = array<i64: 128, 64>, tile_sizes = array<i64: 32, 16>} : (tensor<128x64xf32>) -> tensor<128x64xf32>
  return %r : tensor<128x64xf32>
}

// -----

func.func @indexing_extent(%x: tensor<128x64xf32>, %init: tensor<128x64xf32>) -> tensor<128x64xf32> {
  // expected-error@+1 {{init tensor<128x64xf32> dim of extent 128 != space[1] = 64}}
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: index, %acc: tensor<32x16xf32>):
    
    "gpu.yield"(%acc) : (tensor<32x16xf32>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel"], kind = "", outs_indexing = array<i64: 1, 0>, space = array<i64: 128, 64>, tile_sizes = array<i64: 32, 16>} : (tensor<128x64xf32>) -> tensor<128x64xf32>
  return %r : tensor<128x64xf32>
}

// -----

func.func @block_args(%x: tensor<128x64xf32>, %init: tensor<128x64xf32>) -> tensor<128x64xf32> {
  // expected-error@+1 {{the body block must have 3 arguments, got 2}}
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %acc: tensor<32x16xf32>):
    
    "gpu.yield"(%acc) : (tensor<32x16xf32>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel"], kind = "", outs_indexing = array<i64: 0, 1>, space = array<i64: 128, 64>, tile_sizes = array<i64: 32, 16>} : (tensor<128x64xf32>) -> tensor<128x64xf32>
  return %r : tensor<128x64xf32>
}

// -----

func.func @offset_type(%x: tensor<128x64xf32>, %init: tensor<128x64xf32>) -> tensor<128x64xf32> {
  // expected-error@+1 {{the body's first 2 arguments must be index}}
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: i32, %acc: tensor<32x16xf32>):
    
    "gpu.yield"(%acc) : (tensor<32x16xf32>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel"], kind = "", outs_indexing = array<i64: 0, 1>, space = array<i64: 128, 64>, tile_sizes = array<i64: 32, 16>} : (tensor<128x64xf32>) -> tensor<128x64xf32>
  return %r : tensor<128x64xf32>
}

// -----

func.func @acc_type(%x: tensor<128x64xf32>, %init: tensor<128x64xf32>) -> tensor<128x64xf32> {
  // expected-error@+1 {{body accumulator type tensor<16x16xf32> does not match tile sizes [32, 16]}}
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: index, %acc: tensor<16x16xf32>):
    
    "gpu.yield"(%acc) : (tensor<16x16xf32>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel"], kind = "", outs_indexing = array<i64: 0, 1>, space = array<i64: 128, 64>, tile_sizes = array<i64: 32, 16>} : (tensor<128x64xf32>) -> tensor<128x64xf32>
  return %r : tensor<128x64xf32>
}

// -----

func.func @acc_element(%x: tensor<128x64xf32>, %init: tensor<128x64xf32>) -> tensor<128x64xf32> {
  // expected-error@+1 {{body accumulator element type f16 != f32}}
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: index, %acc: tensor<32x16xf16>):
    
    "gpu.yield"(%acc) : (tensor<32x16xf16>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel"], kind = "", outs_indexing = array<i64: 0, 1>, space = array<i64: 128, 64>, tile_sizes = array<i64: 32, 16>} : (tensor<128x64xf32>) -> tensor<128x64xf32>
  return %r : tensor<128x64xf32>
}

// -----

func.func @yield_type(%x: tensor<128x64xf32>, %init: tensor<128x64xf32>) -> tensor<128x64xf32> {
  // expected-error@+1 {{the body yields ['tensor<32x16xf32>', 'tensor<32x16xf32>'], expected the accumulator types}}
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: index, %acc: tensor<32x16xf32>):
    
    "gpu.yield"(%acc, %acc) : (tensor<32x16xf32>, tensor<32x16xf32>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel"], kind = "", outs_indexing = array<i64: 0, 1>, space = array<i64: 128, 64>, tile_sizes = array<i64: 32, 16>} : (tensor<128x64xf32>) -> tensor<128x64xf32>
  return %r : tensor<128x64xf32>
}

// -----

func.func @dynamic_init(%x: tensor<128x64xf32>, %init: tensor<?x64xf32>) -> tensor<?x64xf32> {
  // expected-error@+1 {{init tensor<?x64xf32> must have a static shape}}
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %j: index, %acc: tensor<32x16xf32>):
    
    "gpu.yield"(%acc) : (tensor<32x16xf32>) -> ()
  }, {
  }) {iterators = ["parallel", "parallel"], kind = "", outs_indexing = array<i64: 0, 1>, space = array<i64: 128, 64>, tile_sizes = array<i64: 32, 16>} : (tensor<?x64xf32>) -> tensor<?x64xf32>
  return %r : tensor<?x64xf32>
}

// -----

func.func @epilogue_args(%init: tensor<128xf32>) -> tensor<128xf32> {
  // expected-error@+1 {{the epilogue block must have 2 arguments, got 3}}
  %r = "tiled.kernel"(%init) ({
  ^bb0(%i: index, %k: index, %acc: tensor<32xf32>):
    "gpu.yield"(%acc) : (tensor<32xf32>) -> ()
  }, {
  ^bb0(%i: index, %k: index, %acc: tensor<32xf32>):
    "gpu.yield"(%acc) : (tensor<32xf32>) -> ()
  }) {iterators = ["parallel", "reduction"], kind = "", outs_indexing = array<i64: 0>, space = array<i64: 128, 64>, tile_sizes = array<i64: 32, 16>} : (tensor<128xf32>) -> tensor<128xf32>
  return %r : tensor<128xf32>
}

// -----

func.func @load_count(%x: tensor<128x64xf32>, %i: index) -> tensor<32x16xf32> {
  // expected-error@+1 {{needs one offset and one size per source dim (2), got 1 offsets and 2 sizes}}
  %t = "tiled.load"(%x, %i) {sizes = array<i64: 32, 16>} : (tensor<128x64xf32>, index) -> tensor<32x16xf32>
  return %t : tensor<32x16xf32>
}

// -----

func.func @load_too_big(%x: tensor<128x64xf32>, %i: index) -> tensor<32x96xf32> {
  // expected-error@+1 {{size 96 exceeds source dim 1 of extent 64}}
  %t = "tiled.load"(%x, %i, %i) {sizes = array<i64: 32, 96>} : (tensor<128x64xf32>, index, index) -> tensor<32x96xf32>
  return %t : tensor<32x96xf32>
}

// -----

func.func @load_result(%x: tensor<128x64xf32>, %i: index) -> tensor<16x32xf32> {
  // expected-error@+1 {{result type tensor<16x32xf32> does not match tile sizes [32, 16]}}
  %t = "tiled.load"(%x, %i, %i) {sizes = array<i64: 32, 16>} : (tensor<128x64xf32>, index, index) -> tensor<16x32xf32>
  return %t : tensor<16x32xf32>
}
