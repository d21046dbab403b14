// Round trip of examples/bench_g128_n2048_k1024_dynamic.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_g128_n2048_k1024_dynamic.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_g128_n2048_k1024_dynamic.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_g128_n2048_k1024_dynamic(
// CHECK: ggemm.grouped_matmul rows<contiguous> scales<row_major>
// CHECK-SAME: a(%{{.*}} : memref<?x1024xf4E2M1FN>)
// CHECK-SAME: b(%{{.*}} : memref<128x2048x1024xf4E2M1FN>)
// CHECK-SAME: c(%{{.*}} : memref<?x2048xf16>)
// CHECK-SAME: group_sizes(%{{.*}} : memref<128xi32>)
// CHECK-NEXT: return
