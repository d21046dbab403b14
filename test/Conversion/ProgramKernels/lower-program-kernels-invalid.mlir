// What ggemm-lower-program-kernels refuses, with the op named.
// RUN: gemm-opt %s -split-input-file --ggemm-lower-program-kernels -verify-diagnostics
// RUN: not gemm-opt %s -split-input-file --ggemm-lower-program-kernels=chip=sm_80 2>&1 | FileCheck %s --check-prefix=CHIP

// CHIP: error: 'gpu.module' op cannot be compiled for chip 'sm_80': {{.*}}sm_90a{{.*}}

// An e2m1 memref with an odd innermost size has no packed byte storage.
module attributes {gpu.container_module} {
  gpu.module @odd {
    // expected-error @below {{uses 'memref<?x3xf4E2M1FN>', which has no packed byte storage: f4E2M1FN memrefs need the identity layout and a static, even innermost dimension}}
    gpu.func @odd(%q: memref<?x3xf4E2M1FN>) kernel {
      gpu.return
    }
  }
}

// -----

// An op the storage rewrite has no rule for, carrying an e2m1 memref.
module attributes {gpu.container_module} {
  gpu.module @view {
    gpu.func @view(%q: memref<8x16xf4E2M1FN>, %shape: memref<2xindex>) kernel {
      // expected-error @below {{carries an f4E2M1FN/f8E4M3FN memref that ggemm-lower-program-kernels cannot rewrite to ggemm's packed storage}}
      %s = memref.reshape %q(%shape) : (memref<8x16xf4E2M1FN>, memref<2xindex>) -> memref<16x8xf4E2M1FN>
      gpu.return
    }
  }
}

// -----

// A memory space that is no LLVM address space would crash the lowering.
module attributes {gpu.container_module} {
  gpu.module @space {
    // expected-error @below {{uses 'memref<4xf32, -1>', whose memory space is not an LLVM address space (0 to 2^24 - 1); the GPU lowering cannot translate it}}
    gpu.func @space(%a: memref<4xf32, -1>) kernel {
      gpu.return
    }
  }
}
