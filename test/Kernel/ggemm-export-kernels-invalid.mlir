// What ggemm-export-kernels refuses.
// RUN: rm -rf %t
// RUN: gemm-opt %s -split-input-file --ggemm-export-kernels=dir=%t -verify-diagnostics
// RUN: not gemm-opt %s --ggemm-export-kernels 2>&1 | FileCheck %s --check-prefix=NODIR
// NODIR: error: ggemm-export-kernels needs dir=<output directory>

// A kernel that was never assembled: the binary is missing.
// expected-error @+1 {{has kernel "ggemm_two_groups" but no gpu.binary of it; run gpu-module-to-binary first}}
func.func @f() attributes {ggemm.launch = #ggemm.launch<kernel = @ggemm_two_groups::@ggemm_two_groups, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [80, 384, 256, 256, 256, 512], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [128, 80], strides = [128], box = [128, 128], swizzle = "none">, <group = 0, operand = "b", dims = [128, 384], strides = [128], box = [128, 128], swizzle = "none">, <group = 1, operand = "a", dims = [256, 256], strides = [256], box = [128, 128], swizzle = "none">, <group = 1, operand = "b", dims = [256, 256], strides = [256], box = [128, 128], swizzle = "none">]>} {
  return
}

// -----

// Fat binaries are for the MLIR runtime; the ggemm runtime loads a cubin or PTX.
gpu.binary @ggemm_two_groups [#gpu.object<#nvvm.target, "abc">]
// expected-error @+1 {{exports format bin (cubin) or isa (PTX) only}}
func.func @h() attributes {ggemm.launch = #ggemm.launch<kernel = @ggemm_two_groups::@ggemm_two_groups, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [80, 384, 256, 256, 256, 512], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [128, 80], strides = [128], box = [128, 128], swizzle = "none">, <group = 0, operand = "b", dims = [128, 384], strides = [128], box = [128, 128], swizzle = "none">, <group = 1, operand = "a", dims = [256, 256], strides = [256], box = [128, 128], swizzle = "none">, <group = 1, operand = "b", dims = [256, 256], strides = [256], box = [128, 128], swizzle = "none">]>} {
  return
}
