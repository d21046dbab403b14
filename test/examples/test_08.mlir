// Round trip of examples/test_08.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/test_08.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/test_08.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @test_08(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<40x256xf4E2M1FN>, memref<56x256xf4E2M1FN>, memref<384x256xf4E2M1FN>, memref<512x256xf4E2M1FN>)
// CHECK-SAME: : memref<40x512xf16>, memref<56x384xf16>, memref<384x256xf16>, memref<512x128xf16>)
// CHECK-NEXT: return
