// Run-time group sizes read from device memory (rows<contiguous>): both GPU
// kernels clamp a negative size to an empty group and or bit 1 into
// status[1] (no trap: a framework's context survives bad device data), and
// clamp a group's rows to those of A left after its first row (status[0],
// the rows of A), or'ing bit 0 in when a size passes them
// (docs/kernel-abi.md): device data never makes a kernel read or write past
// its buffers. gemm-run --overrun-device-sizes runs it on the GPU
// (bench/run_gpu.sh, under compute-sanitizer too).
// RUN: gemm-opt %s --ggemm-tile=chip=sm_90a --ggemm-fuse-persistent --ggemm-outline-kernel \
// RUN:   | gemm-opt --pass-pipeline='builtin.module(gpu.module(ggemm-pipeline-loads,ggemm-warp-specialize))' \
// RUN:   | gemm-opt --convert-ggemm-to-nvvm \
// RUN:   | FileCheck %s
// RUN: gemm-opt %s --ggemm-tile=chip=sm_100a --ggemm-fuse-persistent --ggemm-outline-kernel \
// RUN:   | gemm-opt --pass-pipeline='builtin.module(gpu.module(ggemm-pipeline-loads,ggemm-warp-specialize))' \
// RUN:   | gemm-opt --convert-ggemm-to-nvvm \
// RUN:   | FileCheck %s

// CHECK: gpu.func @ggemm_cont({{.*}}, %[[SIZES:[^ ,)]*]]: memref<3xi32, 1>, %{{[^ ,)]*}}: memref<3xf32, 1>, %[[STATUS:[^ ,)]*]]: memref<2xi32, 1>) kernel
// CHECK-NOT: cf.assert
// CHECK-NOT: negative group size
// num_tiles: max(size, 0), and bit 1 when a size was negative.
// CHECK: %[[S32:.*]] = memref.load %[[SIZES]][
// CHECK: %[[S:.*]] = arith.index_cast %[[S32]] : i32 to index
// CHECK-DAG: arith.cmpi slt, %[[S]], %c0{{.*}} : index
// CHECK-DAG: arith.maxsi %[[S]], %c0{{.*}} : index
// CHECK: memref.atomic_rmw ori %c2_i32{{.*}}, %[[STATUS]][%c1{{.*}}] : (i32, memref<2xi32, 1>) -> i32
// Each tile's group facts: the size, the rows of A left after the group's
// first row, the flag when the size passes them, the clamped size.
// CHECK: %[[ROWS32:.*]] = memref.load %[[STATUS]][%c0{{.*}}] : memref<2xi32, 1>
// CHECK: %[[ROWS:.*]] = arith.index_cast %[[ROWS32]]
// CHECK-DAG: %[[DIFF:.*]] = arith.subi %[[ROWS]], %[[BASE:[^ ]*]]
// CHECK-DAG: %[[LEFT:.*]] = arith.cmpi ugt, %[[ROWS]], %[[BASE]]
// CHECK: %[[ROOM:.*]] = arith.select %[[LEFT]], %[[DIFF]], %c0
// CHECK: %[[OVER:.*]] = arith.cmpi ugt, %[[SIZE:[^ ,]*]], %[[ROOM]]
// CHECK: scf.if %[[OVER]] {
// CHECK: memref.atomic_rmw ori %c1_i32{{.*}}, %[[STATUS]][%c1{{.*}}] : (i32, memref<2xi32, 1>) -> i32
// CHECK: arith.select %[[OVER]], %[[ROOM]], %[[SIZE]]
// CHECK-NOT: cf.assert

func.func @cont(%a: memref<?x256xf4E2M1FN>, %sa: memref<?x16xf8E4M3FN>,
    %b: memref<3x128x256xf4E2M1FN>, %sb: memref<3x128x16xf8E4M3FN>,
    %c: memref<?x128xf16>, %sizes: memref<3xi32>, %alpha: memref<3xf32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x256xf4E2M1FN>) sfa(%sa : memref<?x16xf8E4M3FN>)
      b(%b : memref<3x128x256xf4E2M1FN>) sfb(%sb : memref<3x128x16xf8E4M3FN>)
      c(%c : memref<?x128xf16>)
      group_sizes(%sizes : memref<3xi32>) alpha(%alpha : memref<3xf32>)
  return
}
