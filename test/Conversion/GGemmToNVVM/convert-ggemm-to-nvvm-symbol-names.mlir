// A symbol in a gpu.module that is not a PTX identifier is refused with its
// location before the NVPTX backend, which would abort on it ("LLVM ERROR:
// Symbol name with unsupported characters"; found by ggemm-fuzz with a
// kernel-level module whose gpu.func was named @"a\"b"). `$` is a PTX
// identifier character: such a kernel still compiles for both chips.
// RUN: gemm-opt %s -split-input-file --convert-ggemm-to-nvvm -verify-diagnostics
// RUN: not gemm-opt %s -split-input-file --ggemm-pipeline="chip=sm_90a format=isa" -o /dev/null 2>&1 | FileCheck %s
// RUN: not gemm-opt %s -split-input-file --ggemm-pipeline="chip=sm_100a format=isa" -o /dev/null 2>&1 | FileCheck %s

// CHECK: error: 'gpu.func' op is named 'a"b', which is not a PTX identifier (letters, digits, '_' and '$', not starting with a digit): the NVPTX backend cannot print it
// CHECK: error: 'memref.global' op is named 'table.0', which is not a PTX identifier
// CHECK: error: 'gpu.func' op is named '0k', which is not a PTX identifier

module attributes {gpu.container_module} {
  gpu.module @k {
    // expected-error @+1 {{'gpu.func' op is named 'a"b', which is not a PTX identifier (letters, digits, '_' and '$', not starting with a digit): the NVPTX backend cannot print it; rename it (ggemm-outline-kernel names kernels ggemm_<function>, other characters made '_')}}
    gpu.func @"a\"b"(%c: memref<1xi32, 1>) kernel {
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k {
    // expected-error @+1 {{'memref.global' op is named 'table.0', which is not a PTX identifier}}
    memref.global "private" constant @"table.0" : memref<2xi32> = dense<[1, 2]>
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k {
    // expected-error @+1 {{'gpu.func' op is named '0k', which is not a PTX identifier}}
    gpu.func @"0k"(%c: memref<1xi32, 1>) kernel {
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @"k$1"(%c: memref<1xi32, 1>) kernel {
      gpu.return
    }
  }
}
