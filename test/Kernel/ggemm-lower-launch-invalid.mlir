// ggemm-lower-launch refuses, with the reason, what it cannot build a
// launch for.
// RUN: gemm-opt %s -split-input-file --ggemm-lower-launch -verify-diagnostics

// No record of which argument is which operand.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{has a ggemm.launch but no 'ggemm.launch_operands' dictionary saying which argument is which operand; run ggemm-outline-kernel{host-operands=true}}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>} {
    return
  }
}

// -----

// The kernel is not in the module.
module attributes {gpu.container_module} {
  // expected-error @below {{launches @ggemm_f::@ggemm_f, but the module has no gpu.module or gpu.binary named @ggemm_f}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// A cluster launch.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{has a cluster launch (cluster = [2, 1, 1]); ggemm-lower-launch launches without clusters}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [2, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// Other operations in the function: the launch would have no place.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{holds operations besides its return; the launch replaces the ggemm op, whose place among them is gone after outlining: keep the ggemm op in a function of its own and call that}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    %z = arith.constant 0 : index
    return
  }
}

// -----

// An operand missing from the record.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{'ggemm.launch_operands' has no array<i64> 'sfb'}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// The record names more arguments than the problem has groups.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{'ggemm.launch_operands' names 2 argument(s) for 'a'; the kernel's problem needs 1}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0, 2>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// An argument number past the function's arguments.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{'ggemm.launch_operands' names argument 7 for 'c'; @f has 5}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 7>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// An argument of the wrong element type for its operand.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{argument 1 (c) has type 'memref<96x8xf8E4M3FN>'; expected a memref of 'f16' with an identity layout in the default memory space}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 1>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// An argument of the right type but the wrong shape (A where B belongs).
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{argument 0 (b of set 0) has type 'memref<96x128xf4E2M1FN>'; the kernel's problem has shape [128, 128]}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 0>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// An operand in another memory space.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{argument 4 (c) has type 'memref<96x128xf16, 1>'; expected a memref of 'f16' with an identity layout in the default memory space}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16, 1>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// A group-sizes buffer for a list-form problem.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{'ggemm.launch_operands' names 1 argument(s) for 'group_sizes'; the kernel's problem needs 0}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64: 4>, alpha = array<i64>}} {
    return
  }
}

// -----

// Three tensor maps for one operand set.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{has 3 tensor maps for 1 operand set(s); expected 2 or 4 per set}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// A tensor map of an operand that has none.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{tensor map 1 is of operand 'c'; expected a, b, sfa or sfb}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "c", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// A tensor map of a group the problem does not have.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{tensor map 1 is of group 1; the problem has 1 operand set(s)}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 1, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// A tensor map whose rows are not dense.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{tensor map 0 is not a dense rank-2 byte map (dims = [64, 96], strides = [128])}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [128], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// A swizzle TMA has but the kernels do not use.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{tensor map 0 has swizzle '64B'; expected 128B or none}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "64B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// A declaration: no body to launch from.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{carries a ggemm.launch but has no body to launch from}}
  func.func private @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}}
}

// -----

// A grid of two sizes.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{has grid = [132, 1] in its ggemm.launch; expected three sizes from 1 to 2^31 - 1}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// A plan edited by hand (more dynamic shared memory than a launch can ask
// for): refused before anything is built from it.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{has a ggemm.launch whose plan is not its chip's: its plan has shared_memory = 4294967296; the sm_90a kernel of its problem has 198656}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 4294967296, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// Rows known at run time in a list-form problem.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{tensor map 1 has -1 rows; only A and SFA of rows<contiguous> have rows known at run time (-1)}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, -1], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// A box larger than TMA takes.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{tensor map 0 has box = [128, 300]; TMA boxes are 1 to 256 elements a side}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 300], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// A gpu.module without the kernel.
module attributes {gpu.container_module} {
  gpu.module @ggemm_f {
  }
  // expected-error @below {{launches @ggemm_f::@ggemm_f, but gpu.module @ggemm_f has no gpu.func @ggemm_f}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// A kernel whose parameters are not the ones the problem gives.
module attributes {gpu.container_module} {
  gpu.module @ggemm_f {
    gpu.func @ggemm_f(%maps: memref<2x128xi8, 1>) kernel {
      gpu.return
    }
  }
  // expected-error @below {{launches @ggemm_f::@ggemm_f, which takes ('memref<2x128xi8, 1>'); the launch's problem gives ('memref<2x128xi8, 1>', 'memref<1xi64, 1>', 'memref<2xi64, 1>', 'memref<1xi32, 1>', 'memref<1xf32, 1>', 'memref<2xi32, 1>')}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}

// -----

// A split-K kernel: its CTAs meet at a grid barrier, which needs a
// cooperative launch.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{launches a split-K kernel (split_k = 2): its CTAs meet at a grid barrier, so it needs a cooperative launch, which gpu.launch_func cannot ask for; use the manifest and ggemm's runtime (host=manifest)}}
  func.func @f(%a: memref<96x512xf4E2M1FN>, %sfa: memref<96x32xf8E4M3FN>, %b: memref<128x512xf4E2M1FN>, %sfb: memref<128x32xf8E4M3FN>, %c: memref<96x128xf16>) attributes {
      ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 8], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 512], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [256, 96], strides = [256], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [256, 128], strides = [256], box = [128, 128], swizzle = "128B">]>,
      ggemm.launch_operands = {a = array<i64: 0>, sfa = array<i64: 1>, b = array<i64: 2>, sfb = array<i64: 3>, c = array<i64: 4>, group_sizes = array<i64>, alpha = array<i64>}} {
    return
  }
}
