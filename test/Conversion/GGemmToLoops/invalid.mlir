// What convert-ggemm-to-loops refuses, each with a located diagnostic.
// RUN: gemm-opt %s -split-input-file --convert-ggemm-to-loops -verify-diagnostics

// A packed f4 row needs an even number of elements.
// expected-error @+1 {{'func.func' op uses 'memref<4x3xf4E2M1FN>', which has no packed byte storage: f4E2M1FN memrefs need the identity layout and a static, even innermost dimension}}
func.func @odd_inner(%a: memref<4x3xf4E2M1FN>) {
  return
}

// -----

// expected-error @+1 {{'func.func' op uses 'memref<4x?xf4E2M1FN>', which has no packed byte storage}}
func.func @dynamic_inner(%a: memref<4x?xf4E2M1FN>) {
  return
}

// -----

// expected-error @+1 {{'func.func' op uses 'memref<4x8xf4E2M1FN, strided<[16, 1]>>', which has no packed byte storage}}
func.func @strided(%a: memref<4x8xf4E2M1FN, strided<[16, 1]>>) {
  return
}

// -----

// Ops the storage rewrite has no rule for are refused rather than silently
// reinterpreted (a subview's offsets would count codes, not bytes).
func.func @other_op(%a: memref<4x8xf8E4M3FN>) {
  // expected-error @+1 {{'memref.subview' op carries an f4E2M1FN/f8E4M3FN memref that convert-ggemm-to-loops cannot rewrite to ggemm's packed storage (two e2m1 codes per byte): it rewrites loads, stores, constant-index dims, reshapes of the leading dimensions, allocations, copies, casts, functions, calls, scf loops and GPU launches (docs/whole-program.md)}}
  %0 = memref.subview %a[0, 0] [2, 8] [1, 1] : memref<4x8xf8E4M3FN> to memref<2x8xf8E4M3FN, strided<[8, 1]>>
  return
}

// -----

// GPU memory is not what the host loops can read.
func.func @gpu_memory(%a: memref<128x256xf4E2M1FN, #gpu.address_space<global>>, %sa: memref<128x16xf8E4M3FN>,
    %b: memref<128x256xf4E2M1FN>, %sb: memref<128x16xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{'ggemm.grouped_matmul' op has an operand in memory space #gpu.address_space<global>; convert-ggemm-to-loops runs on the host and takes memrefs in the default memory space}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x256xf4E2M1FN, #gpu.address_space<global>>) sfa(%sa : memref<128x16xf8E4M3FN>)
      b(%b : memref<128x256xf4E2M1FN>) sfb(%sb : memref<128x16xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
  return
}
