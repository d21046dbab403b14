// What ggemm-outline-kernel refuses for sm_100a (the target's plan), each with a located
// diagnostic: resources over the sm_100a budgets (Tensor Memory columns,
// shared memory), tile shapes the kernel does not take (tile N outside the
// widths whose tcgen05 scale-factor layout is confirmed), and scale atoms a
// tile would cut. The schedules are written out so that each input tests
// one rule.
// RUN: gemm-opt %s -split-input-file --ggemm-fuse-persistent --ggemm-outline-kernel -verify-diagnostics
// RUN: not gemm-opt %s -split-input-file --ggemm-tile=chip=sm_100a --ggemm-split-k=split=2 --ggemm-fuse-persistent=grid=149 --ggemm-outline-kernel 2>&1 | FileCheck %s --check-prefix=SPLIT

// A split-K kernel's CTAs meet at a grid barrier: all must be resident.
// SPLIT: error: 'ggemm.persistent' op cannot be lowered for sm_100a: split_k = 2 makes the CTAs wait for each other at a grid barrier, so all of them must be resident: grid = 149 must be at most the 148 SMs of sm_100a

func.func @tmem_wide(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<256x512xf4E2M1FN>, %sb: memref<256x32xf8E4M3FN>, %c: memref<128x256xf16>) {
  // expected-error @+1 {{cannot be lowered for sm_100a: needs 560 Tensor Memory columns (2 accumulators of 256 + one slot of 48 scale-factor columns); sm_100a has 512}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<256x512xf4E2M1FN>) sfb(%sb : memref<256x32xf8E4M3FN>)
      c(%c : memref<128x256xf16>)
      schedule <target = sm_100a, tile = [128, 256, 256], raster = along_m, split_k = 1, grid = 148, stages = 1>
  return
}

// -----

func.func @smem(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<256x512xf4E2M1FN>, %sb: memref<256x32xf8E4M3FN>, %c: memref<128x256xf16>) {
  // expected-error @+1 {{cannot be lowered for sm_100a: 7 stages of 36864 bytes need 322776 bytes of shared memory; sm_100a has 232432}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<256x512xf4E2M1FN>) sfb(%sb : memref<256x32xf8E4M3FN>)
      c(%c : memref<128x256xf16>)
      schedule <target = sm_100a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 7>
  return
}

// -----

// The widest tile the kernel lowers, N = 192, fits the epilogue's
// registers (192 + about 40); N = 256 is refused for Tensor Memory (above)
// before its registers are counted, so the register rule has no case here.
// With 3 stages it is accepted: a scale-factor slot per stage would need
// 384 + 3 x 48 = 528 columns, so the kernel keeps 2 slots (480 columns).
func.func @widest(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<256x512xf4E2M1FN>, %sb: memref<256x32xf8E4M3FN>, %c: memref<128x256xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<256x512xf4E2M1FN>) sfb(%sb : memref<256x32xf8E4M3FN>)
      c(%c : memref<128x256xf16>)
      schedule <target = sm_100a, tile = [128, 192, 256], raster = along_m, split_k = 1, grid = 148, stages = 3>
  return
}

// -----

func.func @tile_m(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<256x512xf4E2M1FN>, %sb: memref<256x32xf8E4M3FN>, %c: memref<128x256xf16>) {
  // expected-error @+1 {{cannot be lowered for sm_100a: the sm_100a kernel takes tile M in {128}; got 64}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<256x512xf4E2M1FN>) sfb(%sb : memref<256x32xf8E4M3FN>)
      c(%c : memref<128x256xf16>)
      schedule <target = sm_100a, tile = [64, 128, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
  return
}

// -----

func.func @tile_k(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<256x512xf4E2M1FN>, %sb: memref<256x32xf8E4M3FN>, %c: memref<128x256xf16>) {
  // expected-error @+1 {{cannot be lowered for sm_100a: the sm_100a kernel takes tile K in {256}; got 128}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<256x512xf4E2M1FN>) sfb(%sb : memref<256x32xf8E4M3FN>)
      c(%c : memref<128x256xf16>)
      schedule <target = sm_100a, tile = [128, 128, 128], raster = along_m, split_k = 1, grid = 148, stages = 4>
  return
}

// -----

// N = 40: not one of the four widths.
func.func @tile_n(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<256x512xf4E2M1FN>, %sb: memref<256x32xf8E4M3FN>, %c: memref<128x256xf16>) {
  // expected-error @+1 {{cannot be lowered for sm_100a: the sm_100a kernel takes tile N in {64, 128, 192, 256} (the widths whose tcgen05 scale-factor layout in Tensor Memory is confirmed; docs/sm100-encodings.md); got 40}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<256x512xf4E2M1FN>) sfb(%sb : memref<256x32xf8E4M3FN>)
      c(%c : memref<128x256xf16>)
      schedule <target = sm_100a, tile = [128, 40, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
  return
}

// -----

// N = 48, 144 and 208 are valid tcgen05.mma shapes (N = 8..256, step 8)
// that the kernel took before, but no reference confirms where the scale
// factors of B sit in Tensor Memory for them (docs/sm100-encodings.md).
func.func @tile_n_48(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<256x512xf4E2M1FN>, %sb: memref<256x32xf8E4M3FN>, %c: memref<128x256xf16>) {
  // expected-error @+1 {{cannot be lowered for sm_100a: the sm_100a kernel takes tile N in {64, 128, 192, 256} (the widths whose tcgen05 scale-factor layout in Tensor Memory is confirmed; docs/sm100-encodings.md); got 48}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<256x512xf4E2M1FN>) sfb(%sb : memref<256x32xf8E4M3FN>)
      c(%c : memref<128x256xf16>)
      schedule <target = sm_100a, tile = [128, 48, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
  return
}

// -----

func.func @tile_n_208(%a: memref<128x512xf4E2M1FN>, %sa: memref<128x32xf8E4M3FN>,
    %b: memref<256x512xf4E2M1FN>, %sb: memref<256x32xf8E4M3FN>, %c: memref<128x256xf16>) {
  // expected-error @+1 {{cannot be lowered for sm_100a: the sm_100a kernel takes tile N in {64, 128, 192, 256} (the widths whose tcgen05 scale-factor layout in Tensor Memory is confirmed; docs/sm100-encodings.md); got 208}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<128x32xf8E4M3FN>)
      b(%b : memref<256x512xf4E2M1FN>) sfb(%sb : memref<256x32xf8E4M3FN>)
      c(%c : memref<128x256xf16>)
      schedule <target = sm_100a, tile = [128, 208, 256], raster = along_m, split_k = 1, grid = 148, stages = 1>
  return
}

// -----

func.func @blocked_narrow(%a: memref<128x512xf4E2M1FN>, %sa: memref<1x8x32x16xf8E4M3FN>,
    %b: memref<256x512xf4E2M1FN>, %sb: memref<2x8x32x16xf8E4M3FN>, %c: memref<128x256xf16>) {
  // expected-error @+1 {{cannot be lowered for sm_100a: blocked_128x4 scales are copied as one whole 128-row atom per tile and K step, so tile N must be 128; the schedule has 64}}
  ggemm.grouped_matmul rows<list> scales<blocked_128x4>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sa : memref<1x8x32x16xf8E4M3FN>)
      b(%b : memref<256x512xf4E2M1FN>) sfb(%sb : memref<2x8x32x16xf8E4M3FN>)
      c(%c : memref<128x256xf16>)
      schedule <target = sm_100a, tile = [128, 64, 256], raster = along_m, split_k = 1, grid = 148, stages = 4>
  return
}
