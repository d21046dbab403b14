// Round trip of examples/test_06.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/test_06.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/test_06.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @test_06(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<128x768xf4E2M1FN>, memref<128x128xf4E2M1FN>, memref<64x768xf4E2M1FN>)
// CHECK-SAME: : memref<128x256xf16>, memref<128x512xf16>, memref<64x512xf16>)
// CHECK-NEXT: return
