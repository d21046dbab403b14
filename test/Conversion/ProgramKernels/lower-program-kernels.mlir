// ggemm-lower-program-kernels: a program's own GPU kernels (as upstream's
// gpu-kernel-outlining leaves them) lowered beside ggemm's, for the chip of
// the pipeline, with upstream's memref convention and ggemm's packed NVFP4
// storage.
// RUN: gemm-opt %s --ggemm-lower-program-kernels | FileCheck %s
// RUN: gemm-opt %s --ggemm-lower-program-kernels=chip=sm_100a | FileCheck %s --check-prefix=SM100

module attributes {gpu.container_module} {
  // A quantization kernel: reads f32 and an e4m3 scale, stores e2m1 codes.
  // CHECK-LABEL: gpu.module @quantize [#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx{{[0-9]+}}">]
  // SM100-LABEL: gpu.module @quantize [#nvvm.target<O = 3, chip = "sm_100a"
  // Descriptors (upstream's default convention): the e2m1 memref is its
  // byte storage, i8, its innermost size halved by the host's rewrite.
  // CHECK: llvm.func @quantize(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64
  // CHECK-SAME: nvvm.kernel
  // The scale's e4m3 -> f32 as integer arithmetic, no f8 left.
  // CHECK-NOT: f8E4M3FN
  // CHECK-NOT: f4E2M1FN
  // A code's store: one atomic update of its byte (the other nibble may be
  // another thread's).
  // CHECK: llvm.cmpxchg %{{.*}}, %{{.*}}, %{{.*}} acq_rel monotonic : !llvm.ptr, i8
  // CHECK-NOT: llvm.store {{.*}} : i8, !llvm.ptr
  gpu.module @quantize {
    gpu.func @quantize(%v: memref<?x16xf32>, %s: memref<?xf8E4M3FN>, %q: memref<?x16xf4E2M1FN>) kernel {
      %r = gpu.block_id x
      %c = gpu.thread_id x
      %x = memref.load %v[%r, %c] : memref<?x16xf32>
      %s8 = memref.load %s[%r] : memref<?xf8E4M3FN>
      %sf = arith.extf %s8 : f8E4M3FN to f32
      %d = arith.divf %x, %sf : f32
      %code = arith.truncf %d : f32 to f4E2M1FN
      memref.store %code, %q[%r, %c] : memref<?x16xf4E2M1FN>
      gpu.return
    }
  }

  // Math functions become libdevice calls (gpu-module-to-binary links
  // libdevice); affine index arithmetic is lowered.
  // CHECK-LABEL: gpu.module @silu
  // CHECK: llvm.func @__nv_expf(f32) -> f32
  // CHECK: llvm.func @silu(
  // CHECK: llvm.call @__nv_expf
  gpu.module @silu {
    gpu.func @silu(%a: memref<?xf32>, %step: index, %base: index) kernel {
      %b = gpu.block_id x
      %i = affine.apply affine_map<(d0)[s0, s1] -> (d0 * s0 + s1)>(%b)[%step, %base]
      %x = memref.load %a[%i] : memref<?xf32>
      %n = arith.negf %x : f32
      %e = math.exp %n : f32
      %one = arith.constant 1.0 : f32
      %d = arith.addf %one, %e : f32
      %y = arith.divf %x, %d : f32
      memref.store %y, %a[%i] : memref<?xf32>
      gpu.return
    }
  }

  // A module that names its target keeps it.
  // CHECK-LABEL: gpu.module @own_target [#nvvm.target<chip = "sm_90">]
  // CHECK: llvm.func @own_target(
  gpu.module @own_target [#nvvm.target<chip = "sm_90">] {
    gpu.func @own_target(%a: memref<4xf32>) kernel {
      gpu.return
    }
  }

  // One lowered already (no gpu.func) is left as it is.
  // CHECK-LABEL: gpu.module @lowered {
  // CHECK-NEXT: llvm.func @lowered() attributes {gpu.kernel, nvvm.kernel}
  gpu.module @lowered {
    llvm.func @lowered() attributes {gpu.kernel, nvvm.kernel} {
      llvm.return
    }
  }
}
