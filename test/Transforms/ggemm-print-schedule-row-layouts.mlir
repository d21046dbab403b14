// The schedule report of the run-time row layouts: offsets read M at run
// time like group sizes; masked groups hold at most max_m rows.
// RUN: gemm-opt %s --ggemm-tile="chip=sm_90a tile-m=128 stages=4" --ggemm-print-schedule -o /dev/null | FileCheck %s
// The cost model prices a masked group at max_m rows, or at rows-hint when
// that is smaller: with 8 of 512 rows, a smaller token tile wins.
// RUN: gemm-opt %s --ggemm-tile="chip=sm_90a tile-m=0 stages=0" -o - | FileCheck %s --check-prefix=FULL
// RUN: gemm-opt %s --ggemm-tile="chip=sm_90a tile-m=0 stages=0 rows-hint=8" -o - | FileCheck %s --check-prefix=HINT

// CHECK-LABEL: schedule of @offs:
// CHECK: group 0: M=? N=64 K=128 -> tiles ceil(M/128) x 1, 1 K tiles each
// CHECK: M is read at run time (group_offsets)
// CHECK-LABEL: schedule of @masked:
// CHECK: group 0: M<=512 N=256 K=1024 -> tiles ceil(M/128) x 2, 4 K tiles each
// CHECK: M is read at run time (group_counts)

// FULL-LABEL: func.func @masked(
// FULL: schedule <target = sm_90a, tile = [64,
// HINT-LABEL: func.func @masked(
// HINT: schedule <target = sm_90a, tile = [16,

func.func @offs(%a: memref<?x128xf4E2M1FN>, %sa: memref<?x8xf8E4M3FN>, %b: memref<4x64x128xf4E2M1FN>, %sb: memref<4x64x8xf8E4M3FN>, %c: memref<?x64xf16>, %o: memref<4xi32>) {
  ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : memref<?x128xf4E2M1FN>) sfa(%sa : memref<?x8xf8E4M3FN>)
      b(%b : memref<4x64x128xf4E2M1FN>) sfb(%sb : memref<4x64x8xf8E4M3FN>)
      c(%c : memref<?x64xf16>) group_offsets(%o : memref<4xi32>)
  return
}

func.func @masked(%a: memref<8x512x1024xf4E2M1FN>, %sa: memref<8x512x64xf8E4M3FN>, %b: memref<8x256x1024xf4E2M1FN>, %sb: memref<8x256x64xf8E4M3FN>, %c: memref<8x512x256xf16>, %n: memref<8xi32>) {
  ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : memref<8x512x1024xf4E2M1FN>) sfa(%sa : memref<8x512x64xf8E4M3FN>)
      b(%b : memref<8x256x1024xf4E2M1FN>) sfb(%sb : memref<8x256x64xf8E4M3FN>)
      c(%c : memref<8x512x256xf16>) group_counts(%n : memref<8xi32>)
  return
}
