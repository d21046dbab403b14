// ggemm-tile with tile-m=0 / stages=0 asks the chip's cost model
// (ggemm/Target/CostModel.h) for the cheapest schedule of its family, and
// ggemm-print-schedule{candidates} lists them all with their predictions.
// RUN: gemm-opt %s --ggemm-tile="tile-m=0 stages=0" | FileCheck %s
// RUN: gemm-opt %s --ggemm-tile="tile-m=0 stages=0" --ggemm-print-schedule=candidates -o /dev/null | FileCheck %s --check-prefix=LIST
// A fixed tile M keeps it; the model still picks the ring depth. A fixed
// depth outside the family's list (9) is taken as given.
// RUN: gemm-opt %s --ggemm-tile="tile-m=128 stages=0" | FileCheck %s --check-prefix=FIXED
// RUN: gemm-opt %s --ggemm-tile="tile-m=0 stages=9" | FileCheck %s --check-prefix=DEPTH9
// A fixed depth no token tile fits gives the kernel's reason.
// RUN: not gemm-opt %s --ggemm-tile="tile-m=0 stages=16" 2>&1 | FileCheck %s --check-prefix=DEPTH16
// M known only at run time: the model assumes rows-hint rows per group.
// RUN: gemm-opt %S/../../examples/bench_g2_n3072_k4096_dynamic.mlir --ggemm-tile="tile-m=0 rows-hint=16" | FileCheck %s --check-prefix=HINT16
// RUN: gemm-opt %S/../../examples/bench_g2_n3072_k4096_dynamic.mlir --ggemm-tile="tile-m=0 rows-hint=1024" | FileCheck %s --check-prefix=HINT1024
// sm_100a has one tile M; its model has no decode.
// RUN: gemm-opt %s --ggemm-tile="chip=sm_100a tile-m=0 stages=0" --ggemm-print-schedule=candidates -o /dev/null | FileCheck %s --check-prefix=SM100

// Eight experts of 0-40 tokens: tiles of 128 tokens would leave most SMs
// idle and waste the MMA on rows that do not exist.
// CHECK-LABEL: func.func @decode
// CHECK: schedule <target = sm_90a, tile = [32, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>
// Two groups of 1024 and 2048 tokens: many waves; 256-token tiles decode
// each weight tile once per 256 tokens (their shared memory holds 2
// stages).
// CHECK-LABEL: func.func @prefill
// CHECK: schedule <target = sm_90a, tile = [256, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 2>

// LIST-LABEL: schedule of @decode: tile 32x128x256
// LIST: candidates on sm_90a (predicted us = max(compute, memory, feed) + split + launch):
// LIST-NEXT: tile 32x128x256 stages 4 split_k 1: {{[0-9.]+}} us (compute {{[0-9.]+}}, memory {{[0-9.]+}}, feed {{[0-9.]+}}, split 0.0, launch 0.7; compute-bound) <- this schedule
// Every tile M of the family appears, split-K too, and each split pays for
// its partials.
// LIST-DAG: tile 16x128x256 stages 10 split_k 1:
// LIST-DAG: tile 64x128x256 stages 7 split_k 1:
// LIST-DAG: tile 128x128x256 stages 5 split_k 1:
// LIST-DAG: tile 256x128x256 stages 2 split_k 1:
// LIST-DAG: tile 128x128x256 stages 2 split_k 4: {{[0-9.]+}} us ({{.*}} split {{[1-9][0-9.]*}},
// LIST-LABEL: schedule of @prefill: tile 256x128x256
// LIST-NEXT: group 0: M=1024 N=4096 K=2048
// LIST: candidates on sm_90a
// LIST-NEXT: tile 256x128x256 stages 2 split_k 1: {{.*}} <- this schedule
// LIST-NEXT: tile 128x128x256 stages 4 split_k 1:

// FIXED-LABEL: func.func @decode
// FIXED: tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>

// DEPTH9-LABEL: func.func @decode
// DEPTH9: tile = [32, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 9>
// DEPTH16: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: 16 stages of tile K 256 need {{[0-9]+}} bytes of shared memory; sm_90a has 232432

// HINT16: tile = [16, 128, 256]
// HINT1024: tile = [128, 128, 256]

// SM100-LABEL: schedule of @decode: tile 128x128x256
// SM100: candidates on sm_100a
// SM100-NOT: tile 64x
// SM100: <- this schedule
func.func @decode(%a0: memref<8x1024xf4E2M1FN>, %a1: memref<0x1024xf4E2M1FN>, %a2: memref<24x1024xf4E2M1FN>, %a3: memref<40x1024xf4E2M1FN>, %a4: memref<3x1024xf4E2M1FN>, %a5: memref<16x1024xf4E2M1FN>, %a6: memref<31x1024xf4E2M1FN>, %a7: memref<12x1024xf4E2M1FN>, %sfa0: memref<8x64xf8E4M3FN>, %sfa1: memref<0x64xf8E4M3FN>, %sfa2: memref<24x64xf8E4M3FN>, %sfa3: memref<40x64xf8E4M3FN>, %sfa4: memref<3x64xf8E4M3FN>, %sfa5: memref<16x64xf8E4M3FN>, %sfa6: memref<31x64xf8E4M3FN>, %sfa7: memref<12x64xf8E4M3FN>, %b0: memref<2048x1024xf4E2M1FN>, %b1: memref<2048x1024xf4E2M1FN>, %b2: memref<2048x1024xf4E2M1FN>, %b3: memref<2048x1024xf4E2M1FN>, %b4: memref<2048x1024xf4E2M1FN>, %b5: memref<2048x1024xf4E2M1FN>, %b6: memref<2048x1024xf4E2M1FN>, %b7: memref<2048x1024xf4E2M1FN>, %sfb0: memref<2048x64xf8E4M3FN>, %sfb1: memref<2048x64xf8E4M3FN>, %sfb2: memref<2048x64xf8E4M3FN>, %sfb3: memref<2048x64xf8E4M3FN>, %sfb4: memref<2048x64xf8E4M3FN>, %sfb5: memref<2048x64xf8E4M3FN>, %sfb6: memref<2048x64xf8E4M3FN>, %sfb7: memref<2048x64xf8E4M3FN>, %c0: memref<8x2048xf16>, %c1: memref<0x2048xf16>, %c2: memref<24x2048xf16>, %c3: memref<40x2048xf16>, %c4: memref<3x2048xf16>, %c5: memref<16x2048xf16>, %c6: memref<31x2048xf16>, %c7: memref<12x2048xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a0, %a1, %a2, %a3, %a4, %a5, %a6, %a7 : memref<8x1024xf4E2M1FN>, memref<0x1024xf4E2M1FN>, memref<24x1024xf4E2M1FN>, memref<40x1024xf4E2M1FN>, memref<3x1024xf4E2M1FN>, memref<16x1024xf4E2M1FN>, memref<31x1024xf4E2M1FN>, memref<12x1024xf4E2M1FN>)
      sfa(%sfa0, %sfa1, %sfa2, %sfa3, %sfa4, %sfa5, %sfa6, %sfa7 : memref<8x64xf8E4M3FN>, memref<0x64xf8E4M3FN>, memref<24x64xf8E4M3FN>, memref<40x64xf8E4M3FN>, memref<3x64xf8E4M3FN>, memref<16x64xf8E4M3FN>, memref<31x64xf8E4M3FN>, memref<12x64xf8E4M3FN>)
      b(%b0, %b1, %b2, %b3, %b4, %b5, %b6, %b7 : memref<2048x1024xf4E2M1FN>, memref<2048x1024xf4E2M1FN>, memref<2048x1024xf4E2M1FN>, memref<2048x1024xf4E2M1FN>, memref<2048x1024xf4E2M1FN>, memref<2048x1024xf4E2M1FN>, memref<2048x1024xf4E2M1FN>, memref<2048x1024xf4E2M1FN>)
      sfb(%sfb0, %sfb1, %sfb2, %sfb3, %sfb4, %sfb5, %sfb6, %sfb7 : memref<2048x64xf8E4M3FN>, memref<2048x64xf8E4M3FN>, memref<2048x64xf8E4M3FN>, memref<2048x64xf8E4M3FN>, memref<2048x64xf8E4M3FN>, memref<2048x64xf8E4M3FN>, memref<2048x64xf8E4M3FN>, memref<2048x64xf8E4M3FN>)
      c(%c0, %c1, %c2, %c3, %c4, %c5, %c6, %c7 : memref<8x2048xf16>, memref<0x2048xf16>, memref<24x2048xf16>, memref<40x2048xf16>, memref<3x2048xf16>, memref<16x2048xf16>, memref<31x2048xf16>, memref<12x2048xf16>)
  return
}

func.func @prefill(%a0: memref<1024x2048xf4E2M1FN>, %a1: memref<2048x2048xf4E2M1FN>, %sfa0: memref<1024x128xf8E4M3FN>, %sfa1: memref<2048x128xf8E4M3FN>, %b0: memref<4096x2048xf4E2M1FN>, %b1: memref<4096x2048xf4E2M1FN>, %sfb0: memref<4096x128xf8E4M3FN>, %sfb1: memref<4096x128xf8E4M3FN>, %c0: memref<1024x4096xf16>, %c1: memref<2048x4096xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a0, %a1 : memref<1024x2048xf4E2M1FN>, memref<2048x2048xf4E2M1FN>)
      sfa(%sfa0, %sfa1 : memref<1024x128xf8E4M3FN>, memref<2048x128xf8E4M3FN>)
      b(%b0, %b1 : memref<4096x2048xf4E2M1FN>, memref<4096x2048xf4E2M1FN>)
      sfb(%sfb0, %sfb1 : memref<4096x128xf8E4M3FN>, memref<4096x128xf8E4M3FN>)
      c(%c0, %c1 : memref<1024x4096xf16>, memref<2048x4096xf16>)
  return
}


// rows<contiguous> with A's rows static: the model assumes 64 / 8 = 8 rows
// per group (no rows-hint given), and a hint overrides that.
// CHECK-LABEL: func.func @contiguous_static_rows
// CHECK: tile = [16, 128, 256]
// LIST-LABEL: schedule of @contiguous_static_rows
// LIST: candidates on sm_90a (predicted us = max(compute, memory, feed) + split + launch; rows per group assumed: 8):
// RUN: gemm-opt %s --ggemm-tile="tile-m=0 rows-hint=512" | FileCheck %s --check-prefix=OVERRIDE
// OVERRIDE-LABEL: func.func @contiguous_static_rows
// OVERRIDE: tile = [128, 128, 256]
func.func @contiguous_static_rows(%a: memref<64x1024xf4E2M1FN>,
    %sfa: memref<64x64xf8E4M3FN>, %b: memref<8x2048x1024xf4E2M1FN>,
    %sfb: memref<8x2048x64xf8E4M3FN>, %c: memref<64x2048xf16>,
    %sizes: memref<8xi32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<64x1024xf4E2M1FN>) sfa(%sfa : memref<64x64xf8E4M3FN>)
      b(%b : memref<8x2048x1024xf4E2M1FN>)
      sfb(%sfb : memref<8x2048x64xf8E4M3FN>)
      c(%c : memref<64x2048xf16>) group_sizes(%sizes : memref<8xi32>)
  return
}
