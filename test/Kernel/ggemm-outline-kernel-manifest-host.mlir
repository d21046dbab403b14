// Without host-operands (ggemm-pipeline's host=manifest) ggemm's runtime
// launches the kernel from the manifest, not the function: a function that
// computes anything besides its ggemm op is refused at that op, instead of
// compiling into code that runs without the product. With host-operands
// (host=launch) the same function outlines; ggemm-lower-launch decides
// whether it can launch from it.
// RUN: gemm-opt %s -split-input-file --ggemm-tile --ggemm-fuse-persistent --ggemm-outline-kernel -verify-diagnostics
// RUN: gemm-opt %s -split-input-file --ggemm-tile --ggemm-fuse-persistent --ggemm-outline-kernel=host-operands=true | FileCheck %s --check-prefix=LAUNCH

// LAUNCH-LABEL: func.func @scaled_output(
// LAUNCH: ggemm.launch_kernel {{.*}} {launch = #ggemm.launch<
// LAUNCH: memref.store
func.func @scaled_output(%a: memref<8x64xf4E2M1FN>, %sa: memref<8x4xf8E4M3FN>,
    %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<8x8xf16>,
    %flag: memref<1xi32>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<8x64xf4E2M1FN>) sfa(%sa : memref<8x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<8x8xf16>)
  %one = arith.constant 1 : i32
  %i = arith.constant 0 : index
  // expected-error @+1 {{'memref.store' op is in @scaled_output, whose ggemm op became a kernel that ggemm's runtime launches from the manifest (host=manifest): the function must hold only the ggemm op}}
  memref.store %one, %flag[%i] : memref<1xi32>
  return
}

// -----

// Only the ggemm op: outlined.
// LAUNCH-LABEL: func.func @alone(
func.func @alone(%a: memref<8x64xf4E2M1FN>, %sa: memref<8x4xf8E4M3FN>,
    %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<8x8xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<8x64xf4E2M1FN>) sfa(%sa : memref<8x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<8x8xf16>)
  return
}
