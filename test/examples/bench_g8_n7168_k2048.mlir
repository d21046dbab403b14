// Round trip of examples/bench_g8_n7168_k2048.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_g8_n7168_k2048.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_g8_n7168_k2048.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_g8_n7168_k2048(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<40x2048xf4E2M1FN>, memref<76x2048xf4E2M1FN>, memref<168x2048xf4E2M1FN>, memref<72x2048xf4E2M1FN>, memref<164x2048xf4E2M1FN>, memref<148x2048xf4E2M1FN>, memref<196x2048xf4E2M1FN>, memref<160x2048xf4E2M1FN>)
// CHECK-SAME: : memref<40x7168xf16>, memref<76x7168xf16>, memref<168x7168xf16>, memref<72x7168xf16>, memref<164x7168xf16>, memref<148x7168xf16>, memref<196x7168xf16>, memref<160x7168xf16>)
// CHECK-NEXT: return
