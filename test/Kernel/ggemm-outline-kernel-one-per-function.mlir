// With the manifest's host (ggemm's runtime launches a function's one
// kernel), the GPU pipeline compiles one ggemm op per function; a second op
// is refused at its location, saying what to do. (With host-operands each
// op gets a kernel and a launch of its own:
// ggemm-outline-kernel-host-operands.mlir.)
// RUN: gemm-opt %s --ggemm-tile=chip=sm_90a --ggemm-fuse-persistent --ggemm-outline-kernel -verify-diagnostics

func.func @two(%a: memref<8x64xf4E2M1FN>, %sa: memref<8x4xf8E4M3FN>,
    %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<8x8xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<8x64xf4E2M1FN>) sfa(%sa : memref<8x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<8x8xf16>)
  // expected-error @+1 {{is the second ggemm op in @two; with the manifest's host (host=manifest) a function compiles to one kernel. Split the function, or use ggemm-pipeline{host=launch}, which launches each kernel in place}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<8x64xf4E2M1FN>) sfa(%sa : memref<8x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<8x8xf16>)
  return
}
