// Round trip of examples/bench_mixtral8x7b_prefill_down_g8_n4096_k14336_dynamic.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_mixtral8x7b_prefill_down_g8_n4096_k14336_dynamic.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_mixtral8x7b_prefill_down_g8_n4096_k14336_dynamic.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_mixtral8x7b_prefill_down_g8_n4096_k14336_dynamic(
// CHECK: ggemm.grouped_matmul rows<contiguous> scales<row_major>
// CHECK-SAME: a(%{{.*}} : memref<?x14336xf4E2M1FN>)
// CHECK-SAME: b(%{{.*}} : memref<8x4096x14336xf4E2M1FN>)
// CHECK-SAME: c(%{{.*}} : memref<?x4096xf16>)
// CHECK-SAME: group_sizes(%{{.*}} : memref<8xi32>)
// CHECK-NEXT: return
