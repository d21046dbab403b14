// Round trip of examples/bench_g8_n4096_k7168.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_g8_n4096_k7168.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_g8_n4096_k7168.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_g8_n4096_k7168(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<80x7168xf4E2M1FN>, memref<176x7168xf4E2M1FN>, memref<128x7168xf4E2M1FN>, memref<72x7168xf4E2M1FN>, memref<64x7168xf4E2M1FN>, memref<248x7168xf4E2M1FN>, memref<96x7168xf4E2M1FN>, memref<160x7168xf4E2M1FN>)
// CHECK-SAME: : memref<80x4096xf16>, memref<176x4096xf16>, memref<128x4096xf16>, memref<72x4096xf16>, memref<64x4096xf16>, memref<248x4096xf16>, memref<96x4096xf16>, memref<160x4096xf16>)
// CHECK-NEXT: return
