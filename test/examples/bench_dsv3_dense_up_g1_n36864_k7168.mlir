// Round trip of examples/bench_dsv3_dense_up_g1_n36864_k7168.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_dsv3_dense_up_g1_n36864_k7168.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_dsv3_dense_up_g1_n36864_k7168.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_dsv3_dense_up_g1_n36864_k7168(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<4096x7168xf4E2M1FN>)
// CHECK-SAME: : memref<4096x36864xf16>)
// CHECK-NEXT: return
