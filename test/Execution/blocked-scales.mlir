// scales<blocked_128x4>: an empty group, M and N that are not multiples of
// 128 (padded atoms), and K/16 = 20 scale columns (5 atoms of 4).
// RUN: ggemm-cpu-run %s --seed %seed | FileCheck %s
// CHECK: blk: 2 groups, M = [0, 200], 27200 elements, f16 mismatches 0, untouched rows overwritten 0
// CHECK-NEXT: PASS

func.func @blk(%a0: memref<0x320xf4E2M1FN>, %a1: memref<200x320xf4E2M1FN>,
    %sa0: memref<0x5x32x16xf8E4M3FN>, %sa1: memref<2x5x32x16xf8E4M3FN>,
    %b0: memref<64x320xf4E2M1FN>, %b1: memref<136x320xf4E2M1FN>,
    %sb0: memref<1x5x32x16xf8E4M3FN>, %sb1: memref<2x5x32x16xf8E4M3FN>,
    %c0: memref<0x64xf16>, %c1: memref<200x136xf16>) {
  ggemm.grouped_matmul rows<list> scales<blocked_128x4>
      a(%a0, %a1 : memref<0x320xf4E2M1FN>, memref<200x320xf4E2M1FN>)
      sfa(%sa0, %sa1 : memref<0x5x32x16xf8E4M3FN>, memref<2x5x32x16xf8E4M3FN>)
      b(%b0, %b1 : memref<64x320xf4E2M1FN>, memref<136x320xf4E2M1FN>)
      sfb(%sb0, %sb1 : memref<1x5x32x16xf8E4M3FN>, memref<2x5x32x16xf8E4M3FN>)
      c(%c0, %c1 : memref<0x64xf16>, memref<200x136xf16>)
  return
}
