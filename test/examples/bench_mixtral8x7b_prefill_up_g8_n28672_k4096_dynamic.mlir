// Round trip of examples/bench_mixtral8x7b_prefill_up_g8_n28672_k4096_dynamic.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_mixtral8x7b_prefill_up_g8_n28672_k4096_dynamic.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_mixtral8x7b_prefill_up_g8_n28672_k4096_dynamic.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_mixtral8x7b_prefill_up_g8_n28672_k4096_dynamic(
// CHECK: ggemm.grouped_matmul rows<contiguous> scales<row_major>
// CHECK-SAME: a(%{{.*}} : memref<?x4096xf4E2M1FN>)
// CHECK-SAME: b(%{{.*}} : memref<8x28672x4096xf4E2M1FN>)
// CHECK-SAME: c(%{{.*}} : memref<?x28672xf16>)
// CHECK-SAME: group_sizes(%{{.*}} : memref<8xi32>)
// CHECK-NEXT: return
