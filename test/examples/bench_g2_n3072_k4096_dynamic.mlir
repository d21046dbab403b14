// Round trip of examples/bench_g2_n3072_k4096_dynamic.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_g2_n3072_k4096_dynamic.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_g2_n3072_k4096_dynamic.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_g2_n3072_k4096_dynamic(
// CHECK: ggemm.grouped_matmul rows<contiguous> scales<row_major>
// CHECK-SAME: a(%{{.*}} : memref<?x4096xf4E2M1FN>)
// CHECK-SAME: b(%{{.*}} : memref<2x3072x4096xf4E2M1FN>)
// CHECK-SAME: c(%{{.*}} : memref<?x3072xf16>)
// CHECK-SAME: group_sizes(%{{.*}} : memref<2xi32>)
// CHECK-NEXT: return
