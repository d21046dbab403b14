// Round trip of examples/bench_mixtral8x7b_prefill_down_g8_n4096_k14336.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_mixtral8x7b_prefill_down_g8_n4096_k14336.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_mixtral8x7b_prefill_down_g8_n4096_k14336.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_mixtral8x7b_prefill_down_g8_n4096_k14336(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<631x14336xf4E2M1FN>, memref<1113x14336xf4E2M1FN>, memref<1707x14336xf4E2M1FN>, memref<441x14336xf4E2M1FN>, memref<496x14336xf4E2M1FN>, memref<814x14336xf4E2M1FN>, memref<572x14336xf4E2M1FN>, memref<370x14336xf4E2M1FN>)
// CHECK-SAME: : memref<631x4096xf16>, memref<1113x4096xf16>, memref<1707x4096xf16>, memref<441x4096xf16>, memref<496x4096xf16>, memref<814x4096xf16>, memref<572x4096xf16>, memref<370x4096xf16>)
// CHECK-NEXT: return
