// Round trip of examples/test_04.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/test_04.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/test_04.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @test_04(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<64x384xf4E2M1FN>, memref<72x512xf4E2M1FN>, memref<96x128xf4E2M1FN>)
// CHECK-SAME: : memref<64x128xf16>, memref<72x384xf16>, memref<96x512xf16>)
// CHECK-NEXT: return
