// Round trip of examples/bench_dsv3_decode_up_g256_n4096_k7168_dynamic.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_dsv3_decode_up_g256_n4096_k7168_dynamic.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_dsv3_decode_up_g256_n4096_k7168_dynamic.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_dsv3_decode_up_g256_n4096_k7168_dynamic(
// CHECK: ggemm.grouped_matmul rows<contiguous> scales<row_major>
// CHECK-SAME: a(%{{.*}} : memref<?x7168xf4E2M1FN>)
// CHECK-SAME: b(%{{.*}} : memref<256x4096x7168xf4E2M1FN>)
// CHECK-SAME: c(%{{.*}} : memref<?x4096xf16>)
// CHECK-SAME: group_sizes(%{{.*}} : memref<256xi32>)
// CHECK-NEXT: return
