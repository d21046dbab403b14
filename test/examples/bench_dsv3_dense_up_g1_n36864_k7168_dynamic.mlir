// Round trip of examples/bench_dsv3_dense_up_g1_n36864_k7168_dynamic.mlir: parse, verify, print, reparse.
// RUN: gemm-opt %S/../../examples/bench_dsv3_dense_up_g1_n36864_k7168_dynamic.mlir | gemm-opt | FileCheck %s
// RUN: gemm-opt %S/../../examples/bench_dsv3_dense_up_g1_n36864_k7168_dynamic.mlir --mlir-print-op-generic | gemm-opt | FileCheck %s

// CHECK-LABEL: func.func @bench_dsv3_dense_up_g1_n36864_k7168_dynamic(
// CHECK: ggemm.grouped_matmul rows<contiguous> scales<row_major>
// CHECK-SAME: a(%{{.*}} : memref<?x7168xf4E2M1FN>)
// CHECK-SAME: b(%{{.*}} : memref<1x36864x7168xf4E2M1FN>)
// CHECK-SAME: c(%{{.*}} : memref<?x36864xf16>)
// CHECK-SAME: group_sizes(%{{.*}} : memref<1xi32>)
// CHECK-NEXT: return
