// Round trip of examples/bench_dsv3_decode_down_g256_n7168_k2048_dynamic.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_dsv3_decode_down_g256_n7168_k2048_dynamic.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_dsv3_decode_down_g256_n7168_k2048_dynamic.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_dsv3_decode_down_g256_n7168_k2048_dynamic(
// CHECK: ggemm.grouped_matmul rows<contiguous> scales<row_major>
// CHECK-SAME: a(%{{.*}} : memref<?x2048xf4E2M1FN>)
// CHECK-SAME: b(%{{.*}} : memref<256x7168x2048xf4E2M1FN>)
// CHECK-SAME: c(%{{.*}} : memref<?x7168xf16>)
// CHECK-SAME: group_sizes(%{{.*}} : memref<256xi32>)
// CHECK-NEXT: return
