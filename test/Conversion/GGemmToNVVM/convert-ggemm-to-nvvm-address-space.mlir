// Memrefs in a gpu.module whose integer memory space is not an LLVM
// address space (24 bits: 0 to 2^24 - 1) are refused before the upstream
// lowering, which would turn them into pointers that crash LLVM IR
// translation (found by ggemm-fuzz: `memref<1xi64,- 1>` parses as memory
// space -1). The largest address space still compiles to PTX.
// RUN: gemm-opt %s -split-input-file --convert-ggemm-to-nvvm -verify-diagnostics
// RUN: not gemm-opt %s -split-input-file --ggemm-pipeline="chip=sm_90a format=isa" -o /dev/null 2>&1 | FileCheck %s
// RUN: not gemm-opt %s -split-input-file --ggemm-pipeline="chip=sm_100a format=isa" -o /dev/null 2>&1 | FileCheck %s

// CHECK: error: 'gpu.func' op uses 'memref<1xi64, -1>', whose memory space is not an LLVM address space (0 to 2^24 - 1); the GPU lowering cannot translate it
// CHECK: error: 'memref.alloca' op uses 'memref<4xi32, 16777216>', whose memory space is not an LLVM address space (0 to 2^24 - 1); the GPU lowering cannot translate it

module attributes {gpu.container_module} {
  gpu.module @k {
    // expected-error @+1 {{'gpu.func' op uses 'memref<1xi64, -1>', whose memory space is not an LLVM address space (0 to 2^24 - 1); the GPU lowering cannot translate it}}
    gpu.func @k(%a: memref<2x128xi8, 1>, %c: memref<1xi64, -1>) kernel {
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%i: index) kernel {
      // expected-error @+1 {{'memref.alloca' op uses 'memref<4xi32, 16777216>', whose memory space is not an LLVM address space (0 to 2^24 - 1); the GPU lowering cannot translate it}}
      %m = memref.alloca() : memref<4xi32, 16777216>
      %v = memref.load %m[%i] : memref<4xi32, 16777216>
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%a: memref<1xi64, 16777215>) kernel {
      gpu.return
    }
  }
}
