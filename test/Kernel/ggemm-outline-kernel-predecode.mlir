// ggemm-outline-kernel with predecoded tokens (the schedule's predecode):
// the kernel's module also holds its decode kernel, `<kernel>_tokens`, a
// gpu.func of 256 threads a block over a table of one entry an operand set
// (token workspace, A, SFA, and rows | K << 32 as 64-bit words): CTA row y
// reads entry y and runs ggemm.decode_tokens on it at the schedule's tile
// K; each operand
// set's A map is the "tokens" map of the token workspace (rows of 2 Kp
// bytes, Kp = K rounded up to 256; a box of one decode step, 128B
// swizzle). Without predecode there is no decode kernel.
// RUN: gemm-opt %s --pass-pipeline='builtin.module(ggemm-tile{chip=sm_90a tile-m=256 stages=3 predecode=true},ggemm-fuse-persistent,ggemm-outline-kernel)' | FileCheck %s
// RUN: gemm-opt %s --pass-pipeline='builtin.module(ggemm-tile{chip=sm_90a tile-m=256 stages=2},ggemm-fuse-persistent,ggemm-outline-kernel)' | FileCheck %s --check-prefix=PLAIN

// CHECK: tensor_maps = [<group = 0, operand = "tokens", dims = [1024, 80], strides = [1024], box = [128, 256], swizzle = "128B">, <group = 0, operand = "b", dims = [192, 384], strides = [192], box = [128, 128], swizzle = "128B">, <group = 1, operand = "tokens", dims = [1024, 128], strides = [1024], box = [128, 256], swizzle = "128B">
// CHECK: gpu.func @ggemm_two_tokens(%[[TABLE:.*]]: memref<2x4xi64, 1>) kernel attributes {known_block_size = array<i32: 256, 1, 1>}
// CHECK-NEXT: %[[SET:.*]] = gpu.block_id y
// CHECK: %[[DST:.*]] = memref.load %[[TABLE]][%[[SET]], %c0{{.*}}]
// CHECK: %[[A:.*]] = memref.load %[[TABLE]][%[[SET]], %c1{{.*}}]
// CHECK: %[[SFA:.*]] = memref.load %[[TABLE]][%[[SET]], %c2{{.*}}]
// CHECK: %[[SIZES:.*]] = memref.load %[[TABLE]][%[[SET]], %c3{{.*}}]
// CHECK-NEXT: %[[ROWS:.*]] = arith.trunci %[[SIZES]] : i64 to i32
// CHECK-NEXT: %[[C32:.*]] = arith.constant 32 : i64
// CHECK-NEXT: %[[HIGH:.*]] = arith.shrui %[[SIZES]], %[[C32]] : i64
// CHECK-NEXT: %[[K:.*]] = arith.trunci %[[HIGH]] : i64 to i32
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
