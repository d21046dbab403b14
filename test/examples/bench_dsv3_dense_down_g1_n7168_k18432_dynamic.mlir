// Round trip of examples/bench_dsv3_dense_down_g1_n7168_k18432_dynamic.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_dsv3_dense_down_g1_n7168_k18432_dynamic.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_dsv3_dense_down_g1_n7168_k18432_dynamic.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_dsv3_dense_down_g1_n7168_k18432_dynamic(
// CHECK: ggemm.grouped_matmul rows<contiguous> scales<row_major>
// CHECK-SAME: a(%{{.*}} : memref<?x18432xf4E2M1FN>)
// CHECK-SAME: b(%{{.*}} : memref<1x7168x18432xf4E2M1FN>)
// CHECK-SAME: c(%{{.*}} : memref<?x7168xf16>)
// CHECK-SAME: group_sizes(%{{.*}} : memref<1xi32>)
// CHECK-NEXT: return
