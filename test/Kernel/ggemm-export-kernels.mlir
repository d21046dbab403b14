// ggemm-export-kernels writes <func>.ptx (or .cubin) and <func>.json, the
// manifest written from #ggemm.launch. A function name with characters
// that are not letters, digits or '_' (here '/' and '.') still writes
// inside dir=.
// RUN: rm -rf %t && mkdir -p %t/out
// RUN: gemm-opt %s --ggemm-export-kernels=dir=%t/out -o /dev/null
// RUN: ls %t | FileCheck %s --check-prefix=TOP
// RUN: ls %t/out | FileCheck %s --check-prefix=FILES
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/out/___up_two.json
// RUN: FileCheck %s --check-prefix=IMAGE < %t/out/___up_two.ptx

// TOP-NOT: up_two
// FILES: ___up_two.json
// FILES-NEXT: ___up_two.ptx
// MANIFEST: "alignment": {
// MANIFEST-NEXT: "a": 16,
// MANIFEST-NEXT: "b": 16,
// MANIFEST-NEXT: "c": 16,
// MANIFEST-NEXT: "sfa": 8,
// MANIFEST-NEXT: "sfb": 8
// MANIFEST-NEXT: },
// MANIFEST: "alpha": false,
// MANIFEST: "block": [
// MANIFEST-NEXT: 288,
// MANIFEST: "chip": "sm_90a",
// MANIFEST: "cubin": "___up_two.ptx",
// MANIFEST: "dynamic_shared_memory": 198656,
// MANIFEST: "groups": [
// MANIFEST-NEXT: {
// MANIFEST-NEXT: "k": 256,
// MANIFEST-NEXT: "m": 80,
// MANIFEST-NEXT: "n": 384
// MANIFEST: "kernel": "ggemm_two_groups",
// MANIFEST: "tensor_maps": [
// MANIFEST-NEXT: {
// MANIFEST-NEXT: "box": [
// MANIFEST-NEXT: 128,
// MANIFEST-NEXT: 128
// MANIFEST-NEXT: ],
// MANIFEST-NEXT: "dims": [
// MANIFEST-NEXT: 128,
// MANIFEST-NEXT: 80
// MANIFEST: "operand": "a",
// IMAGE: .entry ggemm_two_groups

module attributes {gpu.container_module} {
  gpu.binary @ggemm_two_groups [#gpu.object<#nvvm.target, assembly = ".entry ggemm_two_groups">]
  func.func @"../up.two"() attributes {ggemm.launch = #ggemm.launch<kernel = @ggemm_two_groups::@ggemm_two_groups, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [80, 384, 256, 256, 256, 512], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [128, 80], strides = [128], box = [128, 128], swizzle = "none">, <group = 0, operand = "b", dims = [128, 384], strides = [128], box = [128, 128], swizzle = "none">, <group = 1, operand = "a", dims = [256, 256], strides = [256], box = [128, 128], swizzle = "none">, <group = 1, operand = "b", dims = [256, 256], strides = [256], box = [128, 128], swizzle = "none">]>} {
    return
  }
}
