// Round trip of examples/bench_mixtral8x7b_prefill_up_g8_n28672_k4096.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_mixtral8x7b_prefill_up_g8_n28672_k4096.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_mixtral8x7b_prefill_up_g8_n28672_k4096.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_mixtral8x7b_prefill_up_g8_n28672_k4096(
// CHECK: ggemm.grouped_matmul rows<list> scales<row_major>
// CHECK-SAME: : memref<631x4096xf4E2M1FN>, memref<1113x4096xf4E2M1FN>, memref<1707x4096xf4E2M1FN>, memref<441x4096xf4E2M1FN>, memref<496x4096xf4E2M1FN>, memref<814x4096xf4E2M1FN>, memref<572x4096xf4E2M1FN>, memref<370x4096xf4E2M1FN>)
// CHECK-SAME: : memref<631x28672xf16>, memref<1113x28672xf16>, memref<1707x28672xf16>, memref<441x28672xf16>, memref<496x28672xf16>, memref<814x28672xf16>, memref<572x28672xf16>, memref<370x28672xf16>)
// CHECK-NEXT: return
