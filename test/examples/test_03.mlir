// Round trip of examples/test_03.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/test_03.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/test_03.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @test_03(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<80x256xf4E2M1FN>, memref<128x512xf4E2M1FN>, memref<256x128xf4E2M1FN>)
// CHECK-SAME: : memref<80x384xf16>, memref<128x256xf16>, memref<256x128xf16>)
// CHECK-NEXT: return
