// Functions that ggemm-cpu-run cannot call: it says why, with the source
// location, and exits with 2; it never crashes (`not`, not `not --crash`).
// RUN: rm -rf %t && split-file %s %t
// RUN: not ggemm-cpu-run %t/gpu-func.mlir 2>&1 | FileCheck %s --check-prefix=GPU-FUNC
// RUN: not ggemm-cpu-run %t/returns.mlir 2>&1 | FileCheck %s --check-prefix=RETURNS
// RUN: not ggemm-cpu-run %t/local-c.mlir 2>&1 | FileCheck %s --check-prefix=LOCAL-C
// RUN: not ggemm-cpu-run %t/two-ops.mlir 2>&1 | FileCheck %s --check-prefix=TWO-OPS
// RUN: not ggemm-cpu-run %t/nested.mlir 2>&1 | FileCheck %s --check-prefix=NESTED
// RUN: not ggemm-cpu-run %t/nested.mlir --func=absent 2>&1 | FileCheck %s --check-prefix=ABSENT

// GPU-FUNC: gpu-func.mlir:8:7: error: is not inside a func.func; ggemm-cpu-run calls the function that holds the op
// RETURNS: returns.mlir:2:1: error: returns values; ggemm-cpu-run calls functions that return nothing
// LOCAL-C: local-c.mlir:5:3: error: operand #4 is not an argument of @local_c; ggemm-cpu-run passes every operand as a host buffer and checks the outputs it wrote
// TWO-OPS: two-ops.mlir:2:1: error: holds 2 ggemm.grouped_matmul ops; ggemm-cpu-run checks a function with one
// NESTED: nested.mlir:4:5: error: holds the ggemm op but is not a top-level function of the module; ggemm-cpu-run calls top-level functions
// ABSENT: ggemm-cpu-run: no function with a ggemm.grouped_matmul named absent

//--- gpu-func.mlir
// The op in a gpu.func, not a func.func (it once segfaulted on the null
// parent function).
module attributes {gpu.container_module} {
  gpu.module @kernels {
    gpu.func @k(%a: memref<16x64xf4E2M1FN>, %sa: memref<16x4xf8E4M3FN>,
        %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>,
        %c: memref<16x8xf16>) kernel {
      ggemm.grouped_matmul rows<list> scales<row_major>
          a(%a : memref<16x64xf4E2M1FN>) sfa(%sa : memref<16x4xf8E4M3FN>)
          b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
          c(%c : memref<16x8xf16>)
      gpu.return
    }
  }
}

//--- returns.mlir
// A function returning a value.
func.func @returns(%a: memref<16x64xf4E2M1FN>, %sa: memref<16x4xf8E4M3FN>,
    %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>,
    %c: memref<16x8xf16>) -> i32 {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<16x64xf4E2M1FN>) sfa(%sa : memref<16x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<16x8xf16>)
  %zero = arith.constant 0 : i32
  return %zero : i32
}

//--- local-c.mlir
// C allocated inside: nothing would be checked.
func.func @local_c(%a: memref<16x64xf4E2M1FN>, %sa: memref<16x4xf8E4M3FN>,
    %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>) {
  %c = memref.alloc() : memref<16x8xf16>
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<16x64xf4E2M1FN>) sfa(%sa : memref<16x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<16x8xf16>)
  return
}

//--- two-ops.mlir
// Two ops in one function.
func.func @two(%a: memref<16x64xf4E2M1FN>, %sa: memref<16x4xf8E4M3FN>,
    %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>,
    %c: memref<16x8xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<16x64xf4E2M1FN>) sfa(%sa : memref<16x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<16x8xf16>)
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<16x64xf4E2M1FN>) sfa(%sa : memref<16x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<16x8xf16>)
  return
}

//--- nested.mlir
// A function inside a nested module.
module {
  module @inner {
    func.func @nested(%a: memref<16x64xf4E2M1FN>, %sa: memref<16x4xf8E4M3FN>,
        %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>,
        %c: memref<16x8xf16>) {
      ggemm.grouped_matmul rows<list> scales<row_major>
          a(%a : memref<16x64xf4E2M1FN>) sfa(%sa : memref<16x4xf8E4M3FN>)
          b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
          c(%c : memref<16x8xf16>)
      return
    }
  }
}
