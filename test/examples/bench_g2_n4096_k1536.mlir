// Round trip of examples/bench_g2_n4096_k1536.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_g2_n4096_k1536.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_g2_n4096_k1536.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_g2_n4096_k1536(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<128x1536xf4E2M1FN>, memref<384x1536xf4E2M1FN>)
// CHECK-SAME: : memref<128x4096xf16>, memref<384x4096xf16>)
// CHECK-NEXT: return
