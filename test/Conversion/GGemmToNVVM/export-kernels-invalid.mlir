// What ggemm-export-kernels refuses.
// RUN: rm -rf %t
// RUN: gemm-opt %s -split-input-file --ggemm-export-kernels=dir=%t -verify-diagnostics
// RUN: not gemm-opt %s --ggemm-export-kernels 2>&1 | FileCheck %s --check-prefix=NODIR
// NODIR: error: ggemm-export-kernels needs dir=<output directory>

// A kernel that was never assembled: the binary is missing.
// expected-error @+1 {{has kernel "ggemm_f" but no gpu.binary of it; run gpu-module-to-binary first}}
func.func @f() attributes {ggemm.kernel = @ggemm_f::@ggemm_f, ggemm.manifest = "{}"} {
  return
}

// -----

// A malformed manifest is refused rather than written.
gpu.binary @ggemm_g [#gpu.object<#nvvm.target, bin = "abc">]
// expected-error @+1 {{has a malformed ggemm.manifest}}
func.func @g() attributes {ggemm.kernel = @ggemm_g::@ggemm_g, ggemm.manifest = "{not json"} {
  return
}

// -----

// Fat binaries are for the MLIR runtime; the ggemm runtime loads a cubin or PTX.
gpu.binary @ggemm_h [#gpu.object<#nvvm.target, "abc">]
// expected-error @+1 {{exports format bin (cubin) or isa (PTX) only}}
func.func @h() attributes {ggemm.kernel = @ggemm_h::@ggemm_h, ggemm.manifest = "{}"} {
  return
}
