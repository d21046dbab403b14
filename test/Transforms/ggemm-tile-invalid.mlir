// Tiles and problems a chip's kernel cannot take are refused at the op, by
// the same target description the lowerings read.
// RUN: gemm-opt %s --ggemm-tile="tile-m=256" -verify-diagnostics -split-input-file
// RUN: not gemm-opt %s --ggemm-tile="chip=sm_100a tile-m=256" 2>&1 | FileCheck %s --check-prefix=M100
// RUN: not gemm-opt %s --ggemm-tile="chip=sm_100a tile-n=24" 2>&1 | FileCheck %s --check-prefix=N100
// RUN: not gemm-opt %s --ggemm-tile="chip=sm_100a tile-n=48" 2>&1 | FileCheck %s --check-prefix=N100-48
// RUN: not gemm-opt %s --ggemm-tile="chip=sm_100a tile-n=208" 2>&1 | FileCheck %s --check-prefix=N100-208
// RUN: not gemm-opt %s --ggemm-tile="tile-n=64" 2>&1 | FileCheck %s --check-prefix=N90
// RUN: not gemm-opt %s --ggemm-tile="tile-m=0 stages=0 tile-n=64" 2>&1 | FileCheck %s --check-prefix=N90
// RUN: not gemm-opt %s --ggemm-tile="chip=sm_100a tile-k=128" 2>&1 | FileCheck %s --check-prefix=K100
// RUN: not gemm-opt %s --ggemm-tile="tile-k=512" 2>&1 | FileCheck %s --check-prefix=K90
// RUN: not gemm-opt %s --ggemm-tile="tile-k=128" 2>&1 | FileCheck %s --check-prefix=K90-128
// RUN: not gemm-opt %s --ggemm-tile="chip=sm_80" 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not gemm-opt %s --ggemm-tile="raster=diagonal" 2>&1 | FileCheck %s --check-prefix=RASTER
// RUN: not gemm-opt %s --ggemm-tile="stages=17" 2>&1 | FileCheck %s --check-prefix=STAGES
// RUN: not gemm-opt %s --ggemm-tile="grid=-5" 2>&1 | FileCheck %s --check-prefix=GRID
// Checked before the cost model runs (it sizes its per-CTA loads by grid):
// RUN: not gemm-opt %s --ggemm-tile="tile-m=0 grid=2000000000" 2>&1 | FileCheck %s --check-prefix=GRID-HUGE
// RUN: not gemm-opt %s --ggemm-tile="tile-m=0 rows-hint=-5" 2>&1 | FileCheck %s --check-prefix=HINT
// RUN: not gemm-opt %s --ggemm-tile="tile-m=128 rows-hint=0" --ggemm-print-schedule="rows-hint=-1" 2>&1 | FileCheck %s --check-prefix=HINT-PRINT
// Tile sizes the chip takes, but a problem its kernel cannot:
// RUN: not gemm-opt %s --ggemm-tile="stages=6" 2>&1 | FileCheck %s --check-prefix=SMEM90
// RUN: not gemm-opt %s --ggemm-tile="chip=sm_100a tile-n=256 stages=8" 2>&1 | FileCheck %s --check-prefix=TMEM100
// A grid above the SM count keeps several CTAs on each SM, which must fit
// together (a grid of 65535 CTAs is 497 per SM):
// RUN: not gemm-opt %s --ggemm-tile="tile-m=128 grid=264" 2>&1 | FileCheck %s --check-prefix=RESIDENT-SMEM
// RUN: not gemm-opt %s --ggemm-tile="tile-m=16 stages=2 grid=65535" 2>&1 | FileCheck %s --check-prefix=RESIDENT-MANY
// RUN: not gemm-opt %s --ggemm-tile="chip=sm_100a tile-n=128 stages=2 grid=296" 2>&1 | FileCheck %s --check-prefix=RESIDENT-100
// RUN: not gemm-opt %s --ggemm-tile="tile-m=256 stages=1 grid=264" 2>&1 | FileCheck %s --check-prefix=RESIDENT-256

// M100: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_100a: the sm_100a kernel takes tile M in {128}; got 256
// tcgen05.mma takes N = 8..256 in steps of 8, but the kernel takes only the
// widths whose scale-factor placement in Tensor Memory is confirmed (48,
// 144 and 208, which it took before, are refused; docs/sm100-encodings.md).
// N100: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_100a: the sm_100a kernel takes tile N in {64, 128, 192, 256} (the widths whose tcgen05 scale-factor layout in Tensor Memory is confirmed; docs/sm100-encodings.md); got 24
// N100-48: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_100a: the sm_100a kernel takes tile N in {64, 128, 192, 256} (the widths whose tcgen05 scale-factor layout in Tensor Memory is confirmed; docs/sm100-encodings.md); got 48
// N100-208: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_100a: the sm_100a kernel takes tile N in {64, 128, 192, 256} (the widths whose tcgen05 scale-factor layout in Tensor Memory is confirmed; docs/sm100-encodings.md); got 208
// N90: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: the sm_90a kernel takes tile N in {128}; got 64
// K100: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_100a: the sm_100a kernel takes tile K in {256}; got 128
// K90: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: the sm_90a kernel takes tile K in {256}; got 512
// The wgmma kernel reads one 128-byte swizzled row of packed e2m1 per K
// tile: K 128 (and 64), which the mma.sync kernel took, is refused.
// K90-128: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: the sm_90a kernel takes tile K in {256}; got 128
// CHIP: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_80: unknown chip 'sm_80' (known: sm_90a, sm_100a)
// RASTER: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: unknown raster 'diagonal' (expected along_m or along_n)
// STAGES: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: stages = 17 must be in [0, 16] (0: chosen by the cost model)
// GRID: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: grid = -5 must be in [0, 65535] (0: the chip's SM count)
// GRID-HUGE: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: grid = 2000000000 must be in [0, 65535] (0: the chip's SM count)
// HINT: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: rows-hint = -5 must be at least 0 (0: no hint)
// HINT-PRINT: error: ggemm-print-schedule: rows-hint = -1 must be at least 0 (0: no hint)
// RESIDENT-SMEM: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: 2 CTAs on each SM (a grid of more than the 132 SMs of sm_90a) need 399360 bytes of shared memory (198656 + 1024 reserved each); an SM has 233472: use fewer stages or a smaller tile
// RESIDENT-MANY: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: 497 CTAs on each SM (a grid of more than the 132 SMs of sm_90a) need
// RESIDENT-256: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: the 256-token kernel runs one CTA per SM (its consumers take 240 registers a thread with setmaxnreg); the schedule's grid of 264 puts 2 on each SM
// RESIDENT-100: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_100a: 2 CTAs on each SM (a grid of more than the 148 SMs of sm_100a) need
// 128 x 128 x 256: the ring starts at 66560 (barriers, two f16 decode
// buffers), each stage (128 + 128) * 256 / 2 = 32768 bytes: 6 stages, the
// fewest that do not fit, need 66560 + 6 * 32768 (5 need 230400 and fit).
// SMEM90: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_90a: 6 stages of tile K 256 need 264192 bytes of shared memory; sm_90a has 232432
// TMEM100: error: 'ggemm.grouped_matmul' op cannot be tiled for sm_100a: needs {{[0-9]+}} Tensor Memory columns

func.func @one(%a: memref<128x256xf4E2M1FN>, %sa: memref<128x16xf8E4M3FN>,
    %b: memref<128x256xf4E2M1FN>, %sb: memref<128x16xf8E4M3FN>, %c: memref<128x128xf16>) {
  // 256 tokens: two decode buffers of (256 + 128) rows x 64 f16 (98304
  // bytes, the ring at 99328) and stages of (256 + 128) x 128 bytes leave
  // room for 2 stages; the default 4 need 99328 + 4 x 49152 + 1024.
  // expected-error @+1 {{'ggemm.grouped_matmul' op cannot be tiled for sm_90a: 4 stages of tile K 256 need 296960 bytes of shared memory; sm_90a has 232432}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x256xf4E2M1FN>) sfa(%sa : memref<128x16xf8E4M3FN>)
      b(%b : memref<128x256xf4E2M1FN>) sfb(%sb : memref<128x16xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
  return
}
