// Round trip of examples/test_09.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/test_09.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/test_09.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @test_09(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<512x512xf4E2M1FN>, memref<384x128xf4E2M1FN>, memref<256x512xf4E2M1FN>, memref<128x128xf4E2M1FN>)
// CHECK-SAME: : memref<512x256xf16>, memref<384x256xf16>, memref<256x256xf16>, memref<128x256xf16>)
// CHECK-NEXT: return
