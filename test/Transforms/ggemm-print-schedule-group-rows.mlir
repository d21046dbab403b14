// ggemm-print-schedule{group-rows}: the tiles of one run-time row array,
// read as the kernels read it. An empty group gets no tile; a group's M
// tail costs one partial tile; offsets out of order give empty groups and
// counts are clamped to max_m, which the report says.
// RUN: gemm-opt %s -split-input-file --ggemm-tile="chip=sm_90a tile-m=128 stages=4" --ggemm-print-schedule="group-rows=0,130,100,400" -o /dev/null | FileCheck %s --check-prefix=OFFS
// RUN: gemm-opt %s -split-input-file --ggemm-tile="chip=sm_90a tile-m=128 stages=4" --ggemm-print-schedule="group-rows=0,130,600,-2" -o /dev/null | FileCheck %s --check-prefix=MASKED
// RUN: not gemm-opt %s -split-input-file --ggemm-tile="chip=sm_90a tile-m=128 stages=4" --ggemm-print-schedule="group-rows=1,2" -o /dev/null 2>&1 | FileCheck %s --check-prefix=COUNT

// OFFS-LABEL: schedule of @offs:
// OFFS-NEXT: group 0: M=0 (rows [0, 0)) N=64 K=128 -> tiles 0 x 1 = 0, 1 K tiles each
// OFFS-NEXT: group 1: M=130 (rows [0, 130)) N=64 K=128 -> tiles 2 x 1 = 2, 1 K tiles each
// OFFS-NEXT: group 2: M=0 (rows [130, 130)) N=64 K=128 -> tiles 0 x 1 = 0, 1 K tiles each
// OFFS-NEXT: group 3: M=270 (rows [130, 400)) N=64 K=128 -> tiles 3 x 1 = 3, 1 K tiles each
// OFFS-NEXT: the array has entries the kernel clamps
// OFFS-NEXT: total: 5 output tiles, 5 work items
// COUNT: error: ggemm-print-schedule: group-rows needs one i32 per group of an op with run-time rows (this one has 4 groups); got 2 values
func.func @offs(%a: memref<?x128xf4E2M1FN>, %sa: memref<?x8xf8E4M3FN>, %b: memref<4x64x128xf4E2M1FN>, %sb: memref<4x64x8xf8E4M3FN>, %c: memref<?x64xf16>, %o: memref<4xi32>) {
  ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : memref<?x128xf4E2M1FN>) sfa(%sa : memref<?x8xf8E4M3FN>)
      b(%b : memref<4x64x128xf4E2M1FN>) sfb(%sb : memref<4x64x8xf8E4M3FN>)
      c(%c : memref<?x64xf16>) group_offsets(%o : memref<4xi32>)
  return
}

// -----

// MASKED-LABEL: schedule of @masked:
// MASKED-NEXT: group 0: M=0 (rows [0, 0)) N=256 K=1024 -> tiles 0 x 2 = 0, 4 K tiles each
// MASKED-NEXT: group 1: M=130 (rows [512, 642)) N=256 K=1024 -> tiles 2 x 2 = 4, 4 K tiles each
// MASKED-NEXT: group 2: M=512 (rows [1024, 1536)) N=256 K=1024 -> tiles 4 x 2 = 8, 4 K tiles each
// MASKED-NEXT: group 3: M=0 (rows [1536, 1536)) N=256 K=1024 -> tiles 0 x 2 = 0, 4 K tiles each
// MASKED-NEXT: the array has entries the kernel clamps
// MASKED-NEXT: total: 12 output tiles, 12 work items
func.func @masked(%a: memref<4x512x1024xf4E2M1FN>, %sa: memref<4x512x64xf8E4M3FN>, %b: memref<4x256x1024xf4E2M1FN>, %sb: memref<4x256x64xf8E4M3FN>, %c: memref<4x512x256xf16>, %n: memref<4xi32>) {
  ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : memref<4x512x1024xf4E2M1FN>) sfa(%sa : memref<4x512x64xf8E4M3FN>)
      b(%b : memref<4x256x1024xf4E2M1FN>) sfb(%sb : memref<4x256x64xf8E4M3FN>)
      c(%c : memref<4x512x256xf16>) group_counts(%n : memref<4xi32>)
  return
}
