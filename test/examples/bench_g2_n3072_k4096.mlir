// Round trip of examples/bench_g2_n3072_k4096.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_g2_n3072_k4096.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_g2_n3072_k4096.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_g2_n3072_k4096(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<192x4096xf4E2M1FN>, memref<320x4096xf4E2M1FN>)
// CHECK-SAME: : memref<192x3072xf16>, memref<320x3072xf16>)
// CHECK-NEXT: return
