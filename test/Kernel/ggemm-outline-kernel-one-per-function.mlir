// The GPU pipeline compiles one ggemm op per function into one kernel; a
// second op is refused at its location instead of clashing symbols.
// RUN: gemm-opt %s --ggemm-tile=chip=sm_90a --ggemm-fuse-persistent --ggemm-outline-kernel -verify-diagnostics

func.func @two(%a: memref<8x64xf4E2M1FN>, %sa: memref<8x4xf8E4M3FN>,
    %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<8x8xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<8x64xf4E2M1FN>) sfa(%sa : memref<8x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<8x8xf16>)
  // expected-error @+1 {{is the second ggemm op in @two; a function compiles to one kernel (split the function)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<8x64xf4E2M1FN>) sfa(%sa : memref<8x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<8x8xf16>)
  return
}
