// RUN: aic-opt %s --split-input-file -p aic-memref-erase-self-copies | FileCheck %s

// A slice computed in place, reached once through the slice and once through a collapse and
// an expand (whose batch dim, of size 1, gets another stride): the same memory, no copy.
// CHECK-LABEL: func.func @same_memory_unit_dim_stride
// CHECK-NOT: memref.copy
// CHECK: return
func.func @same_memory_unit_dim_stride(%buf: memref<1x4x2x3xf32>) {
  %s = memref.subview %buf[0, 2, 0, 0] [1, 2, 2, 3] [1, 1, 1, 1] : memref<1x4x2x3xf32> to memref<1x2x2x3xf32, strided<[24, 6, 3, 1], offset: 12>>
  %flat = memref.collapse_shape %s [[0, 1], [2, 3]] : memref<1x2x2x3xf32, strided<[24, 6, 3, 1], offset: 12>> into memref<2x6xf32, strided<[6, 1], offset: 12>>
  %back = memref.expand_shape %flat [[0, 1], [2, 3]] output_shape [1, 2, 2, 3] : memref<2x6xf32, strided<[6, 1], offset: 12>> into memref<1x2x2x3xf32, strided<[12, 6, 3, 1], offset: 12>>
  %t = memref.subview %buf[0, 2, 0, 0] [1, 2, 2, 3] [1, 1, 1, 1] : memref<1x4x2x3xf32> to memref<1x2x2x3xf32, strided<[24, 6, 3, 1], offset: 12>>
  memref.copy %back, %t : memref<1x2x2x3xf32, strided<[12, 6, 3, 1], offset: 12>> to memref<1x2x2x3xf32, strided<[24, 6, 3, 1], offset: 12>>
  return
}

// -----

// Another slice of the same buffer: a real copy, kept.
// CHECK-LABEL: func.func @negative_other_offset
// CHECK: memref.copy
func.func @negative_other_offset(%buf: memref<1x4x2x3xf32>) {
  %s = memref.subview %buf[0, 0, 0, 0] [1, 2, 2, 3] [1, 1, 1, 1] : memref<1x4x2x3xf32> to memref<1x2x2x3xf32, strided<[24, 6, 3, 1]>>
  %t = memref.subview %buf[0, 2, 0, 0] [1, 2, 2, 3] [1, 1, 1, 1] : memref<1x4x2x3xf32> to memref<1x2x2x3xf32, strided<[24, 6, 3, 1], offset: 12>>
  memref.copy %s, %t : memref<1x2x2x3xf32, strided<[24, 6, 3, 1]>> to memref<1x2x2x3xf32, strided<[24, 6, 3, 1], offset: 12>>
  return
}

// -----

// Two buffers with the same layout: kept.
// CHECK-LABEL: func.func @negative_other_buffer
// CHECK: memref.copy
func.func @negative_other_buffer(%a: memref<2x3xf32>, %b: memref<2x3xf32>) {
  memref.copy %a, %b : memref<2x3xf32> to memref<2x3xf32>
  return
}

// -----

// Dynamic offsets are not compared: kept.
// CHECK-LABEL: func.func @negative_dynamic_offset
// CHECK: memref.copy
func.func @negative_dynamic_offset(%buf: memref<8xf32>, %i: index, %j: index) {
  %s = memref.subview %buf[%i] [2] [1] : memref<8xf32> to memref<2xf32, strided<[1], offset: ?>>
  %t = memref.subview %buf[%j] [2] [1] : memref<8xf32> to memref<2xf32, strided<[1], offset: ?>>
  memref.copy %s, %t : memref<2xf32, strided<[1], offset: ?>> to memref<2xf32, strided<[1], offset: ?>>
  return
}
