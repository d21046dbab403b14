// ggemm-cpu-pipeline ends in the LLVM dialect alone, ready for translation.
// RUN: gemm-opt %S/../../examples/test_00.mlir --ggemm-cpu-pipeline | FileCheck %s --implicit-check-not=ggemm. --implicit-check-not=scf. --implicit-check-not=memref. --implicit-check-not=arith. --implicit-check-not=cf. --implicit-check-not=func.
// RUN: gemm-opt %S/../../examples/test_00.mlir --ggemm-cpu-pipeline | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR
// CHECK: llvm.mlir.global private constant @__ggemm_e2m1_to_f32
// CHECK: llvm.func @test_00(
// CHECK: llvm.fptrunc %{{.*}} : f32 to f16
// LLVMIR: define void @test_00(
// LLVMIR: fptrunc float %{{.*}} to half
