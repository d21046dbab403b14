// What ggemm-insert-tma-prefetch refuses: a negative distance, at the
// kernel module it was asked to work on.
// RUN: gemm-opt %s --pass-pipeline='builtin.module(gpu.module(ggemm-insert-tma-prefetch{distance=-2}))' -verify-diagnostics

module attributes {gpu.container_module} {
  // expected-error @+1 {{ggemm-insert-tma-prefetch: distance = -2 must be >= 0}}
  gpu.module @ggemm_k {
  }
}
