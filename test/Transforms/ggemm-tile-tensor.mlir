// ggemm-tile and ggemm-split-k read only shapes: they schedule the tensor
// form as they do the memref form (one-shot-bufferize keeps the schedule).
// RUN: gemm-opt %s --ggemm-tile --ggemm-split-k | FileCheck %s

// CHECK-LABEL: func.func @f
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
// CHECK-SAME: -> tensor<128x64xf16>
func.func @f(%a: tensor<128x256xf4E2M1FN>, %sa: tensor<128x16xf8E4M3FN>,
    %b: tensor<64x256xf4E2M1FN>, %sb: tensor<64x16xf8E4M3FN>, %c: tensor<128x64xf16>)
    -> tensor<128x64xf16> {
  %r = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : tensor<128x256xf4E2M1FN>) sfa(%sa : tensor<128x16xf8E4M3FN>)
      b(%b : tensor<64x256xf4E2M1FN>) sfb(%sb : tensor<64x16xf8E4M3FN>)
      c(%c : tensor<128x64xf16>) -> tensor<128x64xf16>
  return %r : tensor<128x64xf16>
}
