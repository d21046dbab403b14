// Round trip of examples/bench_qwen3_235b_decode_down_g128_n4096_k1536_dynamic.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_qwen3_235b_decode_down_g128_n4096_k1536_dynamic.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_qwen3_235b_decode_down_g128_n4096_k1536_dynamic.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_qwen3_235b_decode_down_g128_n4096_k1536_dynamic(
// CHECK: ggemm.grouped_matmul rows<contiguous> scales<row_major>
// CHECK-SAME: a(%{{.*}} : memref<?x1536xf4E2M1FN>)
// CHECK-SAME: b(%{{.*}} : memref<128x4096x1536xf4E2M1FN>)
// CHECK-SAME: c(%{{.*}} : memref<?x4096xf16>)
// CHECK-SAME: group_sizes(%{{.*}} : memref<128xi32>)
// CHECK-NEXT: return
