// ggemm-outline-kernel with predecoded tokens (the schedule's predecode):
// the kernel's module also holds its decode kernel, `<kernel>_tokens`, a
// gpu.func of 256 threads a block over (token workspace, A, SFA, rows, K)
// whose body is ggemm.decode_tokens at the schedule's tile K; each operand
// set's A map is the "tokens" map of the token workspace (rows of 2 Kp
// bytes, Kp = K rounded up to 256; a box of one decode step, 128B
// swizzle). Without predecode there is no decode kernel.
// RUN: gemm-opt %s --pass-pipeline='builtin.module(ggemm-tile{chip=sm_90a tile-m=256 stages=3 predecode=true},ggemm-fuse-persistent,ggemm-outline-kernel)' | FileCheck %s
// RUN: gemm-opt %s --pass-pipeline='builtin.module(ggemm-tile{chip=sm_90a tile-m=256 stages=2},ggemm-fuse-persistent,ggemm-outline-kernel)' | FileCheck %s --check-prefix=PLAIN

// CHECK: tensor_maps = [<group = 0, operand = "tokens", dims = [1024, 80], strides = [1024], box = [128, 256], swizzle = "128B">, <group = 0, operand = "b", dims = [192, 384], strides = [192], box = [128, 128], swizzle = "128B">, <group = 1, operand = "tokens", dims = [1024, 128], strides = [1024], box = [128, 256], swizzle = "128B">
// CHECK: gpu.func @ggemm_two_tokens(%[[DST:.*]]: i64, %[[A:.*]]: i64, %[[SFA:.*]]: i64, %[[ROWS:.*]]: i32, %[[K:.*]]: i32) kernel attributes {known_block_size = array<i32: 256, 1, 1>}
// CHECK-NEXT: ggemm.decode_tokens %[[DST]], %[[A]], %[[SFA]], %[[ROWS]], %[[K]] {tile_k = 256 : i64}
// CHECK-NEXT: gpu.return
// PLAIN-NOT: _tokens
// PLAIN-NOT: decode_tokens

// Two groups of K 384 (Kp 512) and 512.
func.func @two(%a0: memref<80x384xf4E2M1FN>, %a1: memref<128x512xf4E2M1FN>,
    %sfa0: memref<80x24xf8E4M3FN>, %sfa1: memref<128x32xf8E4M3FN>,
    %b0: memref<384x384xf4E2M1FN>, %b1: memref<256x512xf4E2M1FN>,
    %sfb0: memref<384x24xf8E4M3FN>, %sfb1: memref<256x32xf8E4M3FN>,
    %c0: memref<80x384xf16>, %c1: memref<128x256xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a0, %a1 : memref<80x384xf4E2M1FN>, memref<128x512xf4E2M1FN>)
      sfa(%sfa0, %sfa1 : memref<80x24xf8E4M3FN>, memref<128x32xf8E4M3FN>)
      b(%b0, %b1 : memref<384x384xf4E2M1FN>, memref<256x512xf4E2M1FN>)
      sfb(%sfb0, %sfb1 : memref<384x24xf8E4M3FN>, memref<256x32xf8E4M3FN>)
      c(%c0, %c1 : memref<80x384xf16>, memref<128x256xf16>)
  return
}
