// Round trip of the tensor form of ggemm.grouped_matmul: every form prints
// and parses back, also from the generic form.
// RUN: gemm-opt %s -split-input-file | gemm-opt -split-input-file | FileCheck %s
// RUN: gemm-opt %s -split-input-file --mlir-print-op-generic | gemm-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @list_two_groups
// CHECK: %[[R:.*]]:2 = ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: a(%{{.*}}, %{{.*}} : tensor<96x128xf4E2M1FN>, tensor<128x512xf4E2M1FN>)
// CHECK-SAME: sfa(%{{.*}}, %{{.*}} : tensor<96x8xf8E4M3FN>, tensor<128x32xf8E4M3FN>)
// CHECK-SAME: b(%{{.*}}, %{{.*}} : tensor<128x128xf4E2M1FN>, tensor<256x512xf4E2M1FN>)
// CHECK-SAME: sfb(%{{.*}}, %{{.*}} : tensor<128x8xf8E4M3FN>, tensor<256x32xf8E4M3FN>)
// CHECK-SAME: c(%{{.*}}, %{{.*}} : tensor<96x128xf16>, tensor<128x256xf16>)
// CHECK-SAME: alpha(%{{.*}} : tensor<2xf32>)
// CHECK-SAME: -> tensor<96x128xf16>, tensor<128x256xf16>
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @list_two_groups(%a0: tensor<96x128xf4E2M1FN>, %a1: tensor<128x512xf4E2M1FN>,
    %sa0: tensor<96x8xf8E4M3FN>, %sa1: tensor<128x32xf8E4M3FN>,
    %b0: tensor<128x128xf4E2M1FN>, %b1: tensor<256x512xf4E2M1FN>,
    %sb0: tensor<128x8xf8E4M3FN>, %sb1: tensor<256x32xf8E4M3FN>,
    %c0: tensor<96x128xf16>, %c1: tensor<128x256xf16>, %alpha: tensor<2xf32>)
    -> (tensor<96x128xf16>, tensor<128x256xf16>) {
  %r:2 = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a0, %a1 : tensor<96x128xf4E2M1FN>, tensor<128x512xf4E2M1FN>)
      sfa(%sa0, %sa1 : tensor<96x8xf8E4M3FN>, tensor<128x32xf8E4M3FN>)
      b(%b0, %b1 : tensor<128x128xf4E2M1FN>, tensor<256x512xf4E2M1FN>)
      sfb(%sb0, %sb1 : tensor<128x8xf8E4M3FN>, tensor<256x32xf8E4M3FN>)
      c(%c0, %c1 : tensor<96x128xf16>, tensor<128x256xf16>)
      alpha(%alpha : tensor<2xf32>) -> tensor<96x128xf16>, tensor<128x256xf16>
  return %r#0, %r#1 : tensor<96x128xf16>, tensor<128x256xf16>
}

// -----

// Blocked scales, an empty group and a schedule (ggemm-tile may run on the
// tensor form; bufferization keeps the schedule).
// CHECK-LABEL: func.func @list_blocked_scheduled
// CHECK: ggemm.grouped_matmul rows<list> scales<blocked_128x4>
// CHECK-SAME: sfa(%{{.*}}, %{{.*}} : tensor<0x5x32x16xf8E4M3FN>, tensor<2x5x32x16xf8E4M3FN>)
// CHECK-SAME: schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
// CHECK-SAME: -> tensor<0x64xf16>, tensor<200x64xf16>
func.func @list_blocked_scheduled(%a0: tensor<0x320xf4E2M1FN>, %a1: tensor<200x320xf4E2M1FN>,
    %sa0: tensor<0x5x32x16xf8E4M3FN>, %sa1: tensor<2x5x32x16xf8E4M3FN>,
    %b0: tensor<64x320xf4E2M1FN>, %b1: tensor<64x320xf4E2M1FN>,
    %sb0: tensor<1x5x32x16xf8E4M3FN>, %sb1: tensor<1x5x32x16xf8E4M3FN>,
    %c0: tensor<0x64xf16>, %c1: tensor<200x64xf16>) -> (tensor<0x64xf16>, tensor<200x64xf16>) {
  %r:2 = ggemm.grouped_matmul rows<list> scales<blocked_128x4>
      a(%a0, %a1 : tensor<0x320xf4E2M1FN>, tensor<200x320xf4E2M1FN>)
      sfa(%sa0, %sa1 : tensor<0x5x32x16xf8E4M3FN>, tensor<2x5x32x16xf8E4M3FN>)
      b(%b0, %b1 : tensor<64x320xf4E2M1FN>, tensor<64x320xf4E2M1FN>)
      sfb(%sb0, %sb1 : tensor<1x5x32x16xf8E4M3FN>, tensor<1x5x32x16xf8E4M3FN>)
      c(%c0, %c1 : tensor<0x64xf16>, tensor<200x64xf16>)
      schedule <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
      -> tensor<0x64xf16>, tensor<200x64xf16>
  return %r#0, %r#1 : tensor<0x64xf16>, tensor<200x64xf16>
}

// -----

// rows<contiguous> with a dynamic row count: one result.
// CHECK-LABEL: func.func @contiguous
// CHECK: %[[R:.*]] = ggemm.grouped_matmul rows<contiguous> scales<row_major>
// CHECK-SAME: a(%{{.*}} : tensor<?x4096xf4E2M1FN>)
// CHECK-SAME: c(%{{.*}} : tensor<?x3072xf16>) group_sizes(%{{.*}} : tensor<2xi32>)
// CHECK-SAME: -> tensor<?x3072xf16>
// CHECK: return %[[R]]
func.func @contiguous(%a: tensor<?x4096xf4E2M1FN>, %sa: tensor<?x256xf8E4M3FN>,
    %b: tensor<2x3072x4096xf4E2M1FN>, %sb: tensor<2x3072x256xf8E4M3FN>,
    %c: tensor<?x3072xf16>, %sizes: tensor<2xi32>) -> tensor<?x3072xf16> {
  %r = ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : tensor<?x4096xf4E2M1FN>) sfa(%sa : tensor<?x256xf8E4M3FN>)
      b(%b : tensor<2x3072x4096xf4E2M1FN>) sfb(%sb : tensor<2x3072x256xf8E4M3FN>)
      c(%c : tensor<?x3072xf16>) group_sizes(%sizes : tensor<2xi32>)
      -> tensor<?x3072xf16>
  return %r : tensor<?x3072xf16>
}

// -----

// The tensor form has no side effects: without users it folds away.
// RUN: gemm-opt %s -split-input-file --canonicalize | FileCheck %s --check-prefix=DCE
// DCE-LABEL: func.func @unused
// DCE-NOT: ggemm.grouped_matmul
// DCE: return
func.func @unused(%a: tensor<64x64xf4E2M1FN>, %sa: tensor<64x4xf8E4M3FN>,
    %b: tensor<64x64xf4E2M1FN>, %sb: tensor<64x4xf8E4M3FN>, %c: tensor<64x64xf16>) {
  %r = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : tensor<64x64xf4E2M1FN>) sfa(%sa : tensor<64x4xf8E4M3FN>)
      b(%b : tensor<64x64xf4E2M1FN>) sfb(%sb : tensor<64x4xf8E4M3FN>)
      c(%c : tensor<64x64xf16>) -> tensor<64x64xf16>
  return
}
