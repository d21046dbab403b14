// Round trip of examples/test_02.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/test_02.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/test_02.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @test_02(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<128x128xf4E2M1FN>, memref<128x512xf4E2M1FN>)
// CHECK-SAME: : memref<128x128xf16>, memref<128x256xf16>)
// CHECK-NEXT: return
