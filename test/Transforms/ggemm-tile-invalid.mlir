// Tile shapes a chip's MMA cannot do are refused at the op.
// RUN: gemm-opt %s --ggemm-tile="tile-m=64" -verify-diagnostics -split-input-file
// RUN: not gemm-opt %s --ggemm-tile="chip=sm_90a tile-m=256" 2>&1 | FileCheck %s --check-prefix=M90
// RUN: not gemm-opt %s --ggemm-tile="tile-n=24" 2>&1 | FileCheck %s --check-prefix=N100
// RUN: not gemm-opt %s --ggemm-tile="chip=sm_90a tile-n=12" 2>&1 | FileCheck %s --check-prefix=N90
// RUN: not gemm-opt %s --ggemm-tile="tile-k=64" 2>&1 | FileCheck %s --check-prefix=K100
// RUN: not gemm-opt %s --ggemm-tile="chip=sm_80" 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not gemm-opt %s --ggemm-tile="raster=diagonal" 2>&1 | FileCheck %s --check-prefix=RASTER
// RUN: not gemm-opt %s --ggemm-tile="stages=0" 2>&1 | FileCheck %s --check-prefix=STAGES
// RUN: not gemm-opt %s --ggemm-tile="grid=-5" 2>&1 | FileCheck %s --check-prefix=GRID

// M90: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: tile M = 256 is not an MMA row count (64, 128)
// N100: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_100a: tile N = 24 must be a multiple of 16 in [16, 256]
// N90: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: tile N = 12 must be a multiple of 8 in [8, 256]
// K100: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_100a: tile K = 64 is not a supported pipeline step (128, 256)
// CHIP: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_80: unknown chip (expected sm_100a or sm_90a)
// RASTER: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_100a: unknown raster 'diagonal' (expected along_m or along_n)
// STAGES: error: 'ggemm.grouped_matmul' op stages = 0 must be in [1, 16]
// GRID: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_100a: grid = -5 must be in [0, 65535] (0: the chip's SM count)

func.func @one(%a: memref<128x256xf4E2M1FN>, %sa: memref<128x16xf8E4M3FN>,
    %b: memref<128x256xf4E2M1FN>, %sb: memref<128x16xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{'ggemm.grouped_matmul' op cannot be tiled for sm_100a: tile M = 64 is not an MMA row count (128)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x256xf4E2M1FN>) sfa(%sa : memref<128x16xf8E4M3FN>)
      b(%b : memref<128x256xf4E2M1FN>) sfb(%sb : memref<128x16xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
  return
}
