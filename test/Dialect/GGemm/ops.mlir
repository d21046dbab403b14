// Round trip of ggemm.grouped_matmul: every form prints and parses back, also
// from the generic form.
// RUN: gemm-opt %s -split-input-file | gemm-opt -split-input-file | FileCheck %s
// RUN: gemm-opt %s -split-input-file --mlir-print-op-generic | gemm-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @list_two_groups
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: a(%{{.*}}, %{{.*}} : memref<96x128xf4E2M1FN>, memref<128x512xf4E2M1FN>)
// CHECK-SAME: sfa(%{{.*}}, %{{.*}} : memref<96x8xf8E4M3FN>, memref<128x32xf8E4M3FN>)
// CHECK-SAME: b(%{{.*}}, %{{.*}} : memref<128x128xf4E2M1FN>, memref<256x512xf4E2M1FN>)
// CHECK-SAME: sfb(%{{.*}}, %{{.*}} : memref<128x8xf8E4M3FN>, memref<256x32xf8E4M3FN>)
// CHECK-SAME: c(%{{.*}}, %{{.*}} : memref<96x128xf16>, memref<128x256xf16>)
// CHECK-SAME: alpha(%{{.*}} : memref<2xf32>)
func.func @list_two_groups(%a0: memref<96x128xf4E2M1FN>, %a1: memref<128x512xf4E2M1FN>,
    %sa0: memref<96x8xf8E4M3FN>, %sa1: memref<128x32xf8E4M3FN>,
    %b0: memref<128x128xf4E2M1FN>, %b1: memref<256x512xf4E2M1FN>,
    %sb0: memref<128x8xf8E4M3FN>, %sb1: memref<256x32xf8E4M3FN>,
    %c0: memref<96x128xf16>, %c1: memref<128x256xf16>, %alpha: memref<2xf32>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a0, %a1 : memref<96x128xf4E2M1FN>, memref<128x512xf4E2M1FN>)
      sfa(%sa0, %sa1 : memref<96x8xf8E4M3FN>, memref<128x32xf8E4M3FN>)
      b(%b0, %b1 : memref<128x128xf4E2M1FN>, memref<256x512xf4E2M1FN>)
      sfb(%sb0, %sb1 : memref<128x8xf8E4M3FN>, memref<256x32xf8E4M3FN>)
      c(%c0, %c1 : memref<96x128xf16>, memref<128x256xf16>)
      alpha(%alpha : memref<2xf32>)
  return
}

// -----

// M = 0 is a valid group; blocked scales pad rows to 128 and scale columns
// to 4: M = 200, K = 320 -> ceil(200/128) x ceil(20/4) x 32 x 16.
// CHECK-LABEL: func.func @list_blocked_with_empty_group
// CHECK: ggemm.grouped_matmul rows<list> scales<blocked_128x4>
// CHECK-SAME: sfa(%{{.*}}, %{{.*}} : memref<0x5x32x16xf8E4M3FN>, memref<2x5x32x16xf8E4M3FN>)
func.func @list_blocked_with_empty_group(%a0: memref<0x320xf4E2M1FN>, %a1: memref<200x320xf4E2M1FN>,
    %sa0: memref<0x5x32x16xf8E4M3FN>, %sa1: memref<2x5x32x16xf8E4M3FN>,
    %b0: memref<64x320xf4E2M1FN>, %b1: memref<64x320xf4E2M1FN>,
    %sb0: memref<1x5x32x16xf8E4M3FN>, %sb1: memref<1x5x32x16xf8E4M3FN>,
    %c0: memref<0x64xf16>, %c1: memref<200x64xf16>) {
  ggemm.grouped_matmul rows<list> scales<blocked_128x4>
      a(%a0, %a1 : memref<0x320xf4E2M1FN>, memref<200x320xf4E2M1FN>)
      sfa(%sa0, %sa1 : memref<0x5x32x16xf8E4M3FN>, memref<2x5x32x16xf8E4M3FN>)
      b(%b0, %b1 : memref<64x320xf4E2M1FN>, memref<64x320xf4E2M1FN>)
      sfb(%sb0, %sb1 : memref<1x5x32x16xf8E4M3FN>, memref<1x5x32x16xf8E4M3FN>)
      c(%c0, %c1 : memref<0x64xf16>, memref<200x64xf16>)
  return
}

// -----

// CHECK-LABEL: func.func @contiguous_dynamic
// CHECK: ggemm.grouped_matmul rows<contiguous> scales<row_major>
// CHECK-SAME: a(%{{.*}} : memref<?x256xf4E2M1FN>)
// CHECK-SAME: b(%{{.*}} : memref<3x128x256xf4E2M1FN>)
// CHECK-SAME: sfb(%{{.*}} : memref<3x128x16xf8E4M3FN>)
// CHECK-SAME: group_sizes(%{{.*}} : memref<3xi32>)
// CHECK-SAME: alpha(%{{.*}} : memref<3xf32>)
func.func @contiguous_dynamic(%a: memref<?x256xf4E2M1FN>, %sa: memref<?x16xf8E4M3FN>,
    %b: memref<3x128x256xf4E2M1FN>, %sb: memref<3x128x16xf8E4M3FN>,
    %c: memref<?x128xf16>, %sizes: memref<3xi32>, %alpha: memref<3xf32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x256xf4E2M1FN>) sfa(%sa : memref<?x16xf8E4M3FN>)
      b(%b : memref<3x128x256xf4E2M1FN>) sfb(%sb : memref<3x128x16xf8E4M3FN>)
      c(%c : memref<?x128xf16>)
      group_sizes(%sizes : memref<3xi32>) alpha(%alpha : memref<3xf32>)
  return
}

// -----

// A static M_total capacity is valid too.
// CHECK-LABEL: func.func @contiguous_static_capacity
// CHECK: ggemm.grouped_matmul rows<contiguous> scales<row_major>
// CHECK-SAME: a(%{{.*}} : memref<512x64xf4E2M1FN>)
func.func @contiguous_static_capacity(%a: memref<512x64xf4E2M1FN>, %sa: memref<512x4xf8E4M3FN>,
    %b: memref<1x8x64xf4E2M1FN>, %sb: memref<1x8x4xf8E4M3FN>,
    %c: memref<512x8xf16>, %sizes: memref<1xi32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<512x64xf4E2M1FN>) sfa(%sa : memref<512x4xf8E4M3FN>)
      b(%b : memref<1x8x64xf4E2M1FN>) sfb(%sb : memref<1x8x4xf8E4M3FN>)
      c(%c : memref<512x8xf16>) group_sizes(%sizes : memref<1xi32>)
  return
}
