// Round trip of examples/bench_dsv3_dense_down_g1_n7168_k18432.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_dsv3_dense_down_g1_n7168_k18432.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_dsv3_dense_down_g1_n7168_k18432.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_dsv3_dense_down_g1_n7168_k18432(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<4096x18432xf4E2M1FN>)
// CHECK-SAME: : memref<4096x7168xf16>)
// CHECK-NEXT: return
