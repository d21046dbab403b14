// Round trip of examples/test_01.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/test_01.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/test_01.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @test_01(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<256x256xf4E2M1FN>, memref<72x256xf4E2M1FN>)
// CHECK-SAME: : memref<256x512xf16>, memref<72x384xf16>)
// CHECK-NEXT: return
