// What ggemm-pack-nvfp4-memrefs refuses: an NVFP4 memref it has no rule
// for, and an e2m1 memref without packed storage.
// RUN: gemm-opt %s -split-input-file --ggemm-pack-nvfp4-memrefs -verify-diagnostics

func.func @subview(%a: memref<4x16xf8E4M3FN>) {
  // expected-error @+1 {{'memref.subview' op carries an f4E2M1FN/f8E4M3FN memref that ggemm-pack-nvfp4-memrefs cannot rewrite to ggemm's packed storage (two e2m1 codes per byte)}}
  %0 = memref.subview %a[0, 1] [2, 8] [1, 1] : memref<4x16xf8E4M3FN> to memref<2x8xf8E4M3FN, strided<[16, 1], offset: 1>>
  return
}

// -----

// A view of e2m1 codes that starts mid-row has no packed storage of its own.
func.func @subview_codes(%a: memref<4x16xf4E2M1FN>) {
  // expected-error @+1 {{'memref.subview' op uses 'memref<2x8xf4E2M1FN, strided<[16, 1], offset: 1>>', which has no packed byte storage}}
  %0 = memref.subview %a[0, 1] [2, 8] [1, 1] : memref<4x16xf4E2M1FN> to memref<2x8xf4E2M1FN, strided<[16, 1], offset: 1>>
  return
}

// -----

// An odd innermost size: two codes would share a byte across rows.
// expected-error @+1 {{'func.func' op uses 'memref<4x7xf4E2M1FN>', which has no packed byte storage: f4E2M1FN memrefs need the identity layout and a static, even innermost dimension}}
func.func @odd(%a: memref<4x7xf4E2M1FN>) {
  return
}

// -----

// A dynamic innermost size.
func.func @dynamic_inner(%n: index) {
  // expected-error @+1 {{'memref.alloc' op uses 'memref<4x?xf4E2M1FN>', which has no packed byte storage}}
  %0 = memref.alloc(%n) : memref<4x?xf4E2M1FN>
  return
}

// -----

// A dimension index known only at run time.
func.func @dim(%a: memref<4x16xf4E2M1FN>, %i: index) -> index {
  // expected-error @+1 {{'memref.dim' op carries an f4E2M1FN/f8E4M3FN memref that ggemm-pack-nvfp4-memrefs cannot rewrite}}
  %d = memref.dim %a, %i : memref<4x16xf4E2M1FN>
  return %d : index
}

// -----

// ggemm ops are lowered first (ggemm-pipeline).
func.func @ggemm_op(%a: memref<128x256xf4E2M1FN>, %sa: memref<128x16xf8E4M3FN>, %b: memref<128x256xf4E2M1FN>, %sb: memref<128x16xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{'ggemm.grouped_matmul' op carries an f4E2M1FN/f8E4M3FN memref that ggemm-pack-nvfp4-memrefs cannot rewrite}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x256xf4E2M1FN>) sfa(%sa : memref<128x16xf8E4M3FN>)
      b(%b : memref<128x256xf4E2M1FN>) sfb(%sb : memref<128x16xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
  return
}
