// RUN: aic-opt %s --split-input-file -p 'aic-convert-linalg-to-tiled{tile-sizes=64,64,32}' | FileCheck %s
// RUN: aic-opt %s --split-input-file -p 'aic-hw-set-target{target=cpu-avx512},aic-convert-linalg-to-tiled' | FileCheck %s --check-prefix=TARGET
// RUN: not aic-opt %s --split-input-file -p aic-convert-linalg-to-tiled 2>&1 | FileCheck %s --check-prefix=NOTARGET

// matmul + bias + relu becomes one kernel tiled 64x64x32, bias and relu in its epilogue.
// CHECK-LABEL: func.func @matmul_bias_relu
// CHECK-SAME: (%[[A:.*]]: tensor<256x128xf32>, %[[B:.*]]: tensor<128x192xf32>, %[[BIAS:.*]]: tensor<192xf32>)
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK-NOT: linalg.matmul
// CHECK: %[[K:.*]] = "tiled.kernel"(%[[INIT]]) ({
// CHECK-NEXT: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index, %[[R:.*]]: index, %[[ACC:.*]]: tensor<64x64xf32>):
// CHECK-NEXT: %[[TA:.*]] = "tiled.load"(%[[A]], %[[I]], %[[R]]) {sizes = array<i64: 64, 32>}
// CHECK-NEXT: %[[TB:.*]] = "tiled.load"(%[[B]], %[[R]], %[[J]]) {sizes = array<i64: 32, 64>}
// CHECK-NEXT: %[[M:.*]] = linalg.matmul ins(%[[TA]], %[[TB]] : tensor<64x32xf32>, tensor<32x64xf32>) outs(%[[ACC]] : tensor<64x64xf32>)
// CHECK-NEXT: gpu.yield %[[M]]
// CHECK: }, {
// CHECK-NEXT: ^bb0(%[[EI:.*]]: index, %[[EJ:.*]]: index, %[[EACC:.*]]: tensor<64x64xf32>):
// CHECK-NEXT: %[[TBIAS:.*]] = "tiled.load"(%[[BIAS]], %[[EJ]]) {sizes = array<i64: 64>}
// CHECK-NEXT: %[[ADD:.*]] = linalg.generic {{.*}} ins(%[[EACC]], %[[TBIAS]] : tensor<64x64xf32>, tensor<64xf32>) outs(%[[EACC]] : tensor<64x64xf32>)
// CHECK: arith.addf
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[ADD]] : tensor<64x64xf32>) outs(%[[ADD]] : tensor<64x64xf32>)
// CHECK: arith.maximumf
// CHECK: gpu.yield %[[RELU]]
// CHECK: }) {iterators = ["parallel", "parallel", "reduction"], kind = "matmul+generic+generic", outs_indexing = array<i64: 0, 1>, space = array<i64: 256, 192, 128>, tile_sizes = array<i64: 64, 64, 32>}
// CHECK: return %[[K]]
// With a target: B is an argument (a run-time B, packed in every micro-kernel call), so its
// 256 rows are one row tile (tiling.runtime_b_rows): B is packed once per call.
// TARGET-LABEL: func.func @matmul_bias_relu
// TARGET: "tiled.kernel"
// TARGET: tile_sizes = array<i64: 256, 96, 128>
// NOTARGET: error: aic-convert-linalg-to-tiled: no hw.target on the module: run aic-hw-set-target first or give tile-sizes
func.func @matmul_bias_relu(%a: tensor<256x128xf32>, %b: tensor<128x192xf32>, %bias: tensor<192xf32>) -> tensor<256x192xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x192xf32>
  %init = linalg.fill ins(%z : f32) outs(%e : tensor<256x192xf32>) -> tensor<256x192xf32>
  %mm = linalg.matmul ins(%a, %b : tensor<256x128xf32>, tensor<128x192xf32>) outs(%init : tensor<256x192xf32>) -> tensor<256x192xf32>
  %add = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm, %bias : tensor<256x192xf32>, tensor<192xf32>) outs(%e : tensor<256x192xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<256x192xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%add : tensor<256x192xf32>) outs(%e : tensor<256x192xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %z : f32
    linalg.yield %r : f32
  } -> tensor<256x192xf32>
  return %relu : tensor<256x192xf32>
}

// -----

// Ragged extents with user tile sizes: each tile size is the largest divisor <= the
// requested one (no peeling).
// CHECK-LABEL: func.func @ragged
// CHECK: "tiled.kernel"
// CHECK: tile_sizes = array<i64: 50, 45, 14>
func.func @ragged(%a: tensor<100x70xf32>, %b: tensor<70x45xf32>, %c: tensor<100x45xf32>) -> tensor<100x45xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<100x70xf32>, tensor<70x45xf32>) outs(%c : tensor<100x45xf32>) -> tensor<100x45xf32>
  return %r : tensor<100x45xf32>
}

// -----

// A contraction row extent with no good divisor (197 tokens, prime) is peeled: the full
// 64-row tiles and the 5-row remainder form two kernels on slices, each with the fused
// epilogue; the epilogue's bias (not indexed by rows) is used whole, and its position read
// with linalg.index is shifted by the remainder's origin.
// TARGET-LABEL: func.func @peel_rows
// TARGET-SAME: (%[[A:.*]]: tensor<197x64xf32>, %[[B:.*]]: tensor<64x64xf32>, %[[C:.*]]: tensor<197x64xf32>, %[[BIAS:.*]]: tensor<64xf32>)
// TARGET-DAG: %[[A_LO:.*]] = tensor.extract_slice %[[A]][0, 0] [192, 64] [1, 1]
// TARGET-DAG: %[[C_LO:.*]] = tensor.extract_slice %[[C]][0, 0] [192, 64] [1, 1]
// TARGET: %[[LO:.*]] = "tiled.kernel"(%[[C_LO]])
// TARGET: kind = "matmul+generic", outs_indexing = array<i64: 0, 1>, space = array<i64: 192, 64, 64>, tile_sizes = array<i64: 64, 64, 64>
// TARGET: %[[HALF:.*]] = tensor.insert_slice %[[LO]] into %[[C]][0, 0] [192, 64] [1, 1]
// TARGET-DAG: %[[A_HI:.*]] = tensor.extract_slice %[[A]][192, 0] [5, 64] [1, 1]
// TARGET-DAG: %[[C_HI:.*]] = tensor.extract_slice %[[HALF]][192, 0] [5, 64] [1, 1]
// TARGET: %[[HI:.*]] = "tiled.kernel"(%[[C_HI]])
// TARGET: linalg.index 0 : index
// TARGET: %[[ROW:.*]] = arith.addi
// TARGET: %[[ORIGIN:.*]] = arith.constant 192 : index
// TARGET: arith.addi %[[ROW]], %[[ORIGIN]] : index
// TARGET: kind = "matmul+generic", outs_indexing = array<i64: 0, 1>, space = array<i64: 5, 64, 64>, tile_sizes = array<i64: 5, 64, 64>
// TARGET: %[[ALL:.*]] = tensor.insert_slice %[[HI]] into %[[HALF]][192, 0] [5, 64] [1, 1]
// TARGET: return %[[ALL]]
func.func @peel_rows(%a: tensor<197x64xf32>, %b: tensor<64x64xf32>, %c: tensor<197x64xf32>, %bias: tensor<64xf32>) -> tensor<197x64xf32> {
  %mm = linalg.matmul ins(%a, %b : tensor<197x64xf32>, tensor<64x64xf32>) outs(%c : tensor<197x64xf32>) -> tensor<197x64xf32>
  %e = tensor.empty() : tensor<197x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm, %bias : tensor<197x64xf32>, tensor<64xf32>) outs(%e : tensor<197x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %row = linalg.index 0 : index
    %i = arith.index_cast %row : index to i64
    %f = arith.sitofp %i : i64 to f32
    %s = arith.addf %x, %y : f32
    %t = arith.addf %s, %f : f32
    linalg.yield %t : f32
  } -> tensor<197x64xf32>
  return %r : tensor<197x64xf32>
}

// -----

// Peeling a contraction whose init is a fill of zeros: each part fills an init of its own
// (tiled-to-hw then fills tile by tile) and both land in a new tensor -- no fill of the
// whole 197 rows, which CSE would share with other ops and bufferization copy.
// TARGET-LABEL: func.func @peel_filled_init
// TARGET-SAME: (%[[A:.*]]: tensor<197x64xf32>, %[[B:.*]]: tensor<64x64xf32>)
// TARGET-NOT: linalg.fill {{.*}} -> tensor<197x64xf32>
// TARGET: %[[E_LO:.*]] = tensor.empty() : tensor<192x64xf32>
// TARGET: %[[F_LO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E_LO]] : tensor<192x64xf32>)
// TARGET: %[[LO:.*]] = "tiled.kernel"(%[[F_LO]])
// TARGET: %[[HALF:.*]] = tensor.insert_slice %[[LO]] into %{{[a-z0-9_]+}}[0, 0] [192, 64] [1, 1]
// TARGET: %[[E_HI:.*]] = tensor.empty() : tensor<5x64xf32>
// TARGET: %[[F_HI:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E_HI]] : tensor<5x64xf32>)
// TARGET: %[[HI:.*]] = "tiled.kernel"(%[[F_HI]])
// TARGET: %[[ALL:.*]] = tensor.insert_slice %[[HI]] into %[[HALF]][192, 0] [5, 64] [1, 1]
// TARGET: return %[[ALL]]
func.func @peel_filled_init(%a: tensor<197x64xf32>, %b: tensor<64x64xf32>) -> tensor<197x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<197x64xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<197x64xf32>) -> tensor<197x64xf32>
  %mm = linalg.matmul ins(%a, %b : tensor<197x64xf32>, tensor<64x64xf32>) outs(%c : tensor<197x64xf32>) -> tensor<197x64xf32>
  return %mm : tensor<197x64xf32>
}

// -----

// batch_matmul: batch tile 1, rank-reduced 2-D tiles.
// CHECK-LABEL: func.func @batch
// CHECK: "tiled.kernel"
// CHECK: ^bb0(%{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %[[ACC:.*]]: tensor<64x64xf32>):
// CHECK: "tiled.load"({{.*}}) {sizes = array<i64: 1, 64, 32>} : (tensor<4x128x96xf32>, index, index, index) -> tensor<64x32xf32>
// CHECK: linalg.matmul
// CHECK: iterators = ["parallel", "parallel", "parallel", "reduction"], kind = "batch_matmul", outs_indexing = array<i64: 0, 1, 2>, space = array<i64: 4, 128, 64, 96>, tile_sizes = array<i64: 1, 64, 64, 32>
func.func @batch(%a: tensor<4x128x96xf32>, %b: tensor<4x96x64xf32>, %c: tensor<4x128x64xf32>) -> tensor<4x128x64xf32> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<4x128x96xf32>, tensor<4x96x64xf32>) outs(%c : tensor<4x128x64xf32>) -> tensor<4x128x64xf32>
  return %r : tensor<4x128x64xf32>
}

// -----

// A standalone elementwise generic becomes a parallel-only kernel with an empty epilogue.
// CHECK-LABEL: func.func @elementwise
// CHECK: "tiled.kernel"
// CHECK: linalg.generic
// CHECK: }, {
// CHECK-NEXT: }) {iterators = ["parallel", "parallel"], kind = "generic", outs_indexing = array<i64: 0, 1>, space = array<i64: 128, 256>, tile_sizes = array<i64: 64, 32>}
func.func @elementwise(%x: tensor<128x256xf32>, %o: tensor<128x256xf32>) -> tensor<128x256xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<128x256xf32>) outs(%o : tensor<128x256xf32>) {
  ^bb0(%a: f32, %b: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  } -> tensor<128x256xf32>
  return %r : tensor<128x256xf32>
}

// -----

// Convolutions stay linalg (their maps are not projected permutations).
// CHECK-LABEL: func.func @negative_conv
// CHECK-NOT: tiled.kernel
// CHECK: linalg.conv_2d_nhwc_hwcf
func.func @negative_conv(%x: tensor<1x10x10x3xf32>, %w: tensor<3x3x3x4xf32>, %o: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  %r = linalg.conv_2d_nhwc_hwcf ins(%x, %w : tensor<1x10x10x3xf32>, tensor<3x3x3x4xf32>) outs(%o : tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  return %r : tensor<1x8x8x4xf32>
}

// -----

// A consumer whose payload reads its output is not fused into the epilogue.
// CHECK-LABEL: func.func @negative_fuse_reads_output
// CHECK: "tiled.kernel"
// CHECK: kind = "matmul"
// CHECK: "tiled.kernel"
// CHECK: kind = "generic"
func.func @negative_fuse_reads_output(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %mm = linalg.matmul ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>) outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%mm : tensor<64x64xf32>) outs(%c : tensor<64x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %x, %o : f32
    linalg.yield %s : f32
  } -> tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}

// -----

// Positions read with linalg.index inside a tile are shifted by the tile's origin.
// CHECK-LABEL: func.func @index_is_global
// CHECK: "tiled.kernel"
// CHECK-NEXT: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index, %{{.*}}: tensor<4x8xf32>):
// CHECK: linalg.generic
// CHECK: %[[LJ:.*]] = linalg.index 1 : index
// CHECK-NEXT: %[[GJ:.*]] = arith.addi %[[LJ]], %[[J]] : index
// CHECK-NEXT: arith.index_cast %[[GJ]]
func.func @index_is_global(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %j = linalg.index 1 : index
    %ji = arith.index_cast %j : index to i64
    %jf = arith.sitofp %ji : i64 to f32
    %s = arith.addf %in, %jf : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
// -----

// Depthwise conv (bias init, spatially padded input), stride 2: one kernel over the output
// (n, c, oh, ow), a tile is one channel's whole output plane; the tile loads its unpadded
// input plane and pads it itself (the pad value filled into the four border strips only, the
// plane copied into the interior by a generic: vector rows, not a strided memrefCopy), and the
// bias broadcast moves into the body.
// TARGET-LABEL: func.func @depthwise_bias_pad
// TARGET-SAME: (%[[X:.*]]: tensor<1x4x10x13xf32>, %[[W:.*]]: tensor<4x3x3xf32>, %[[B:.*]]: tensor<4xf32>)
// TARGET-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// TARGET-DAG: %[[E:.*]] = tensor.empty() : tensor<1x4x5x7xf32>
// TARGET-NOT: tensor.pad
// TARGET: %[[K:.*]] = "tiled.kernel"(%[[E]]) ({
// TARGET-NEXT: ^bb0(%[[N:.*]]: index, %[[C:.*]]: index, %{{.*}}: index, %{{.*}}: index, %[[ACC:.*]]: tensor<1x1x5x7xf32>):
// TARGET: %[[XT:.*]] = "tiled.load"(%[[X]], %[[N]], %[[C]], %{{.*}}, %{{.*}}) {sizes = array<i64: 1, 1, 10, 13>}
// TARGET-NEXT: %[[XE:.*]] = tensor.empty() : tensor<1x1x12x15xf32>
// TARGET-NEXT: %[[TOP:.*]] = tensor.extract_slice %[[XE]][0, 0, 0, 0] [1, 1, 1, 15] [1, 1, 1, 1]
// TARGET-NEXT: %[[TOPF:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[TOP]] : tensor<1x1x1x15xf32>)
// TARGET-NEXT: %[[X1:.*]] = tensor.insert_slice %[[TOPF]] into %[[XE]][0, 0, 0, 0] [1, 1, 1, 15] [1, 1, 1, 1]
// TARGET-NEXT: %[[BOT:.*]] = tensor.extract_slice %[[X1]][0, 0, 11, 0] [1, 1, 1, 15] [1, 1, 1, 1]
// TARGET-NEXT: %[[BOTF:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[BOT]] : tensor<1x1x1x15xf32>)
// TARGET-NEXT: %[[X2:.*]] = tensor.insert_slice %[[BOTF]] into %[[X1]][0, 0, 11, 0] [1, 1, 1, 15] [1, 1, 1, 1]
// TARGET-NEXT: %[[LEFT:.*]] = tensor.extract_slice %[[X2]][0, 0, 1, 0] [1, 1, 10, 1] [1, 1, 1, 1]
// TARGET-NEXT: %[[LEFTF:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[LEFT]] : tensor<1x1x10x1xf32>)
// TARGET-NEXT: %[[X3:.*]] = tensor.insert_slice %[[LEFTF]] into %[[X2]][0, 0, 1, 0] [1, 1, 10, 1] [1, 1, 1, 1]
// TARGET-NEXT: %[[RIGHT:.*]] = tensor.extract_slice %[[X3]][0, 0, 1, 14] [1, 1, 10, 1] [1, 1, 1, 1]
// TARGET-NEXT: %[[RIGHTF:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[RIGHT]] : tensor<1x1x10x1xf32>)
// TARGET-NEXT: %[[XF:.*]] = tensor.insert_slice %[[RIGHTF]] into %[[X3]][0, 0, 1, 14] [1, 1, 10, 1] [1, 1, 1, 1]
// TARGET-NEXT: %[[IN:.*]] = tensor.extract_slice %[[XF]][0, 0, 1, 1] [1, 1, 10, 13] [1, 1, 1, 1]
// TARGET-NEXT: %[[COPY:.*]] = linalg.generic {{.*}} ins(%[[XT]] : tensor<1x1x10x13xf32>) outs(%[[IN]] : tensor<1x1x10x13xf32>)
// TARGET: %[[XP:.*]] = tensor.insert_slice %[[COPY]] into %[[XF]][0, 0, 1, 1] [1, 1, 10, 13] [1, 1, 1, 1]
// TARGET: %[[WT:.*]] = "tiled.load"(%[[W]], %[[C]], %{{.*}}, %{{.*}}) {sizes = array<i64: 1, 3, 3>}
// TARGET: %[[BT:.*]] = "tiled.load"(%[[B]], %[[C]]) {sizes = array<i64: 1>}
// TARGET-NEXT: %[[INIT:.*]] = linalg.broadcast ins(%[[BT]] : tensor<1xf32>) outs(%[[ACC]] : tensor<1x1x5x7xf32>) dimensions = [0, 2, 3]
// TARGET-NEXT: %[[R:.*]] = linalg.depthwise_conv_2d_nchw_chw {{.*}}strides = dense<2> : tensor<2xi64>} ins(%[[XP]], %[[WT]] : tensor<1x1x12x15xf32>, tensor<1x3x3xf32>) outs(%[[INIT]] : tensor<1x1x5x7xf32>)
// TARGET-NEXT: gpu.yield %[[R]]
// TARGET: kind = "depthwise_conv_2d_nchw_chw", outs_indexing = array<i64: 0, 1, 2, 3>, space = array<i64: 1, 4, 5, 7>, tile_sizes = array<i64: 1, 1, 5, 7>}
// TARGET: return %[[K]]
func.func @depthwise_bias_pad(%x: tensor<1x4x10x13xf32>, %w: tensor<4x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x5x7xf32> {
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %z : f32
  } : tensor<1x4x10x13xf32> to tensor<1x4x12x15xf32>
  %e = tensor.empty() : tensor<1x4x5x7xf32>
  %init = linalg.broadcast ins(%b : tensor<4xf32>) outs(%e : tensor<1x4x5x7xf32>) dimensions = [0, 2, 3]
  %r = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %w : tensor<1x4x12x15xf32>, tensor<4x3x3xf32>) outs(%init : tensor<1x4x5x7xf32>) -> tensor<1x4x5x7xf32>
  return %r : tensor<1x4x5x7xf32>
}

// -----

// One channel on two cores: the output rows split in two tiles; the tile then loads its
// rows of the padded input (offset oh * stride), and the pad stays outside the kernel.
// TARGET-LABEL: func.func @max_pool_rows_split
// TARGET-SAME: (%[[X:.*]]: tensor<1x1x16x16xf32>)
// TARGET: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// TARGET: %[[WIN:.*]] = tensor.empty() : tensor<3x3xf32>
// TARGET: "tiled.kernel"
// TARGET-NEXT: ^bb0(%[[N:.*]]: index, %[[C:.*]]: index, %[[OH:.*]]: index, %[[OW:.*]]: index, %[[ACC:.*]]: tensor<1x1x4x8xf32>):
// TARGET-DAG: %[[IH:.*]] = arith.muli %[[OH]], %{{.*}} : index
// TARGET-DAG: %[[IW:.*]] = arith.muli %[[OW]], %{{.*}} : index
// TARGET: %[[XT:.*]] = "tiled.load"(%[[P]], %[[N]], %[[C]], %[[IH]], %[[IW]]) {sizes = array<i64: 1, 1, 9, 17>}
// TARGET: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[ACC]] : tensor<1x1x4x8xf32>)
// TARGET-NEXT: linalg.pooling_nchw_max {{.*}} ins(%[[XT]], %[[WIN]] : tensor<1x1x9x17xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x1x4x8xf32>)
// TARGET: kind = "pooling_nchw_max", {{.*}}tile_sizes = array<i64: 1, 1, 4, 8>}
func.func @max_pool_rows_split(%x: tensor<1x1x16x16xf32>) -> tensor<1x1x8x8xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x1x16x16xf32> to tensor<1x1x18x18xf32>
  %e = tensor.empty() : tensor<1x1x8x8xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  %win = tensor.empty() : tensor<3x3xf32>
  %r = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %win : tensor<1x1x18x18xf32>, tensor<3x3xf32>) outs(%init : tensor<1x1x8x8xf32>) -> tensor<1x1x8x8xf32>
  return %r : tensor<1x1x8x8xf32>
}

// -----

// Average pooling: the division by the window counts fuses into the epilogue.
// TARGET-LABEL: func.func @avg_pool_epilogue
// TARGET-SAME: (%[[X:.*]]: tensor<1x8x6x6xf32>, %[[CNT:.*]]: tensor<5x5xf32>)
// TARGET: "tiled.kernel"
// TARGET: linalg.pooling_nchw_sum
// TARGET: }, {
// TARGET-NEXT: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[OH:.*]]: index, %[[OW:.*]]: index, %[[ACC:.*]]: tensor<1x1x5x5xf32>):
// TARGET-NEXT: %[[CT:.*]] = "tiled.load"(%[[CNT]], %[[OH]], %[[OW]]) {sizes = array<i64: 5, 5>}
// TARGET-NEXT: linalg.generic {{.*}} ins(%[[ACC]], %[[CT]] : tensor<1x1x5x5xf32>, tensor<5x5xf32>) outs(%[[ACC]] : tensor<1x1x5x5xf32>)
// TARGET: arith.divf
// TARGET: kind = "pooling_nchw_sum+generic"
// TARGET-NOT: linalg.generic
func.func @avg_pool_epilogue(%x: tensor<1x8x6x6xf32>, %cnt: tensor<5x5xf32>) -> tensor<1x8x5x5xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x5x5xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x5x5xf32>) -> tensor<1x8x5x5xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %win : tensor<1x8x6x6xf32>, tensor<2x2xf32>) outs(%init : tensor<1x8x5x5xf32>) -> tensor<1x8x5x5xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %cnt : tensor<1x8x5x5xf32>, tensor<5x5xf32>) outs(%e : tensor<1x8x5x5xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %d = arith.divf %a, %c : f32
    linalg.yield %d : f32
  } -> tensor<1x8x5x5xf32>
  return %r : tensor<1x8x5x5xf32>
}

// -----

// The im2col patch copy (n, c, kh, kw, oh, ow) <- x[n, c, oh*2 + kh, ow*2 + kw] of a padded
// input: one channel's whole window per tile; the tile loads the unpadded plane, pads it, and
// copies each (kh, kw) strided slice with an identity generic in a loop over (kh, kw); the
// global pad is gone.
// TARGET-LABEL: func.func @patches_of_padded
// TARGET-SAME: (%[[X:.*]]: tensor<1x2x5x5xf32>)
// TARGET-NOT: tensor.pad %[[X]]
// TARGET: "tiled.kernel"
// TARGET: %[[PLANE:.*]] = "tiled.load"(%[[X]], {{.*}}) {sizes = array<i64: 1, 1, 5, 5>}
// TARGET-COUNT-4: linalg.fill
// TARGET: %[[FILLED:.*]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 1, 6] [1, 1, 5, 1] [1, 1, 1, 1]
// TARGET: %[[INTERIOR:.*]] = tensor.extract_slice %[[FILLED]][0, 0, 1, 1] [1, 1, 5, 5] [1, 1, 1, 1]
// TARGET: %[[COPY:.*]] = linalg.generic {{.*}} ins(%[[PLANE]] : tensor<1x1x5x5xf32>) outs(%[[INTERIOR]] : tensor<1x1x5x5xf32>)
// TARGET: %[[PADDED:.*]] = tensor.insert_slice %[[COPY]] into %[[FILLED]][0, 0, 1, 1] [1, 1, 5, 5] [1, 1, 1, 1]
// TARGET: scf.for %[[KH:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}})
// TARGET: scf.for %[[KW:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}})
// TARGET: %[[SRC:.*]] = tensor.extract_slice %[[PADDED]][0, 0, %[[KH]], %[[KW]]] [1, 1, 3, 3] [1, 1, 2, 2]
// TARGET: %[[DST:.*]] = tensor.extract_slice %[[ACC]][0, 0, %[[KH]], %[[KW]], 0, 0] [1, 1, 1, 1, 3, 3]
// TARGET: %[[COPY2:.*]] = linalg.generic {{.*}} ins(%[[SRC]] : tensor<1x1x3x3xf32>) outs(%[[DST]] : tensor<1x1x3x3xf32>)
// TARGET: tensor.insert_slice %[[COPY2]] into %[[ACC]][0, 0, %[[KH]], %[[KW]], 0, 0]
// TARGET: kind = "generic", outs_indexing = array<i64: 0, 1, 2, 3, 4, 5>, space = array<i64: 1, 2, 3, 3, 3, 3>, tile_sizes = array<i64: 1, 1, 3, 3, 3, 3>
func.func @patches_of_padded(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3x3x3xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x5x5xf32> to tensor<1x2x7x7xf32>
  %e = tensor.empty() : tensor<1x2x3x3x3x3xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2, d5 * 2 + d3)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%p : tensor<1x2x7x7xf32>) outs(%e : tensor<1x2x3x3x3x3xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x2x3x3x3x3xf32>
  return %r : tensor<1x2x3x3x3x3xf32>
}

// -----

// Softmax's four generics (max, exp(x - max), sum, divide) over the same rows form one row
// kernel: the tile is whole rows, x is loaded once, each reduction re-creates its fill on
// the tile, and nothing row-sized leaves the kernel. exp(x - max) is written into the
// accumulator tile, which the divide then overwrites in place (no tile-sized buffer).
// TARGET-LABEL: func.func @softmax_rows
// TARGET-SAME: (%[[X:.*]]: tensor<4x8x40xf32>)
// TARGET: %[[K:.*]] = "tiled.kernel"
// TARGET-NEXT: ^bb0(%[[I:.*]]: index, %[[J:.*]]: index, %[[L:.*]]: index, %[[ACC:.*]]: tensor<1x8x40xf32>):
// TARGET-NEXT: %[[XT:.*]] = "tiled.load"(%[[X]], %[[I]], %[[J]], %[[L]]) {sizes = array<i64: 1, 8, 40>}
// TARGET: %[[MAXI:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x8xf32>)
// TARGET: %[[MAX:.*]] = linalg.generic {{.*}} ins(%[[XT]] : tensor<1x8x40xf32>) outs(%[[MAXI]] : tensor<1x8xf32>)
// TARGET: %[[EXP:.*]] = linalg.generic {{.*}} ins(%[[XT]], %[[MAX]] : tensor<1x8x40xf32>, tensor<1x8xf32>) outs(%[[ACC]] : tensor<1x8x40xf32>)
// TARGET: %[[SUMI:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x8xf32>)
// TARGET: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[EXP]] : tensor<1x8x40xf32>) outs(%[[SUMI]] : tensor<1x8xf32>)
// TARGET: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[EXP]], %[[SUM]] : tensor<1x8x40xf32>, tensor<1x8xf32>) outs(%[[EXP]] : tensor<1x8x40xf32>)
// TARGET: gpu.yield %[[Y]]
// TARGET: kind = "rows:reduce+map+reduce+map", outs_indexing = array<i64: 0, 1, 2>, space = array<i64: 4, 8, 40>, tile_sizes = array<i64: 1, 8, 40>
// TARGET-NOT: "tiled.kernel"
// TARGET: return %[[K]]
#s3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#r3 = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @softmax_rows(%x: tensor<4x8x40xf32>) -> tensor<4x8x40xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<4x8xf32>
  %mi = linalg.fill ins(%ninf : f32) outs(%e2 : tensor<4x8xf32>) -> tensor<4x8xf32>
  %max = linalg.generic {indexing_maps = [#s3, #r3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x : tensor<4x8x40xf32>) outs(%mi : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %a, %o : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %e3 = tensor.empty() : tensor<4x8x40xf32>
  %ex = linalg.generic {indexing_maps = [#s3, #r3, #s3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %max : tensor<4x8x40xf32>, tensor<4x8xf32>) outs(%e3 : tensor<4x8x40xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    %r = math.exp %d : f32
    linalg.yield %r : f32
  } -> tensor<4x8x40xf32>
  %si = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x8xf32>) -> tensor<4x8xf32>
  %sum = linalg.generic {indexing_maps = [#s3, #r3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%ex : tensor<4x8x40xf32>) outs(%si : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %o : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [#s3, #r3, #s3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%ex, %sum : tensor<4x8x40xf32>, tensor<4x8xf32>) outs(%e3 : tensor<4x8x40xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %r = arith.divf %a, %s : f32
    linalg.yield %r : f32
  } -> tensor<4x8x40xf32>
  return %y : tensor<4x8x40xf32>
}

// -----

// A patch copy read only as a matmul's B (through its collapse to K x N) on a CPU target is
// left as it is: aic-convert-tiled-to-hw packs the micro-kernel's B panels straight from the
// image (implicit GEMM); only the matmul forms a kernel.
// TARGET-LABEL: func.func @patches_left_for_implicit_gemm
// TARGET-SAME: (%[[X:.*]]: tensor<1x2x6x6xf32>, %[[W:.*]]: tensor<8x18xf32>, %[[INIT:.*]]: tensor<8x36xf32>)
// TARGET: %[[PAD:.*]] = tensor.pad %[[X]]
// TARGET: %[[COPY:.*]] = linalg.generic {{.*}} ins(%[[PAD]] : tensor<1x2x8x8xf32>)
// TARGET: %[[P:.*]] = tensor.collapse_shape %[[COPY]]
// TARGET-NOT: kind = "generic"
// TARGET: "tiled.kernel"(%[[INIT]])
// TARGET: "tiled.load"(%[[P]], {{.*}})
// TARGET: kind = "matmul"
func.func @patches_left_for_implicit_gemm(%x: tensor<1x2x6x6xf32>, %w: tensor<8x18xf32>, %init: tensor<8x36xf32>) -> tensor<8x36xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x2x6x6xf32> to tensor<1x2x8x8xf32>
  %e = tensor.empty() : tensor<1x2x3x3x6x6xf32>
  %copy = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 + d2, d5 + d3)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%padded : tensor<1x2x8x8xf32>) outs(%e : tensor<1x2x3x3x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x2x3x3x6x6xf32>
  %p = tensor.collapse_shape %copy [[0, 1, 2, 3], [4, 5]] : tensor<1x2x3x3x6x6xf32> into tensor<18x36xf32>
  %r = linalg.matmul ins(%w, %p : tensor<8x18xf32>, tensor<18x36xf32>) outs(%init : tensor<8x36xf32>) -> tensor<8x36xf32>
  return %r : tensor<8x36xf32>
}

// -----

// negative: a constant B (packed at compile time) keeps the cache-sized row tiles.
// TARGET-LABEL: func.func @negative_runtime_b_rows_constant_b
// TARGET: "tiled.kernel"
// TARGET: kind = "matmul"
// TARGET-SAME: tile_sizes = array<i64: 64, 128, 256>
func.func @negative_runtime_b_rows_constant_b(%a: tensor<128x256xf32>) -> tensor<128x256xf32> {
  %b = arith.constant dense<1.0> : tensor<256x256xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<128x256xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<128x256xf32>) -> tensor<128x256xf32>
  %m = linalg.matmul ins(%a, %b : tensor<128x256xf32>, tensor<256x256xf32>) outs(%f : tensor<128x256xf32>) -> tensor<128x256xf32>
  return %m : tensor<128x256xf32>
}
