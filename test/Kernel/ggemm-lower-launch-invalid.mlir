// ggemm-lower-launch refuses, with the reason, what it cannot build a
// launch for.
// RUN: gemm-opt %s -split-input-file --ggemm-lower-launch -verify-diagnostics

// A function carrying #ggemm.launch: the manifest's host (ggemm's runtime
// launches its kernel), not an in-place launch.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{carries a ggemm.launch: its kernel is launched by ggemm's runtime from the manifest (host=manifest). ggemm-lower-launch lowers the ggemm.launch_kernel ops that ggemm-outline-kernel{host-operands=true} leaves (host=launch or host=stream)}}
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) attributes {ggemm.launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>} {
    return
  }
}

// -----

// The kernel is not in the module.
module attributes {gpu.container_module} {
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{launches @ggemm_f::@ggemm_f, but the module has no gpu.module or gpu.binary named @ggemm_f}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// A cluster launch.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{has a cluster launch (cluster = [2, 1, 1]); ggemm-lower-launch launches without clusters}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [2, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// A launch of another kernel than its function's ggemm.launch.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{launches @ggemm_g::@ggemm_g, but its launch describes @ggemm_f::@ggemm_f}}
    ggemm.launch_kernel @ggemm_g::@ggemm_g rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// Two A operands for one group.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{has 2 A operands but 1 SFA operands; rows<list> needs one of each per group}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a, %b : memref<96x128xf4E2M1FN>, memref<128x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// An operand of the wrong element type (SFA where C belongs).
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{C of group 0 has element type 'f8E4M3FN'; expected 'f16'}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%sfa : memref<96x8xf8E4M3FN>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// An operand of the right type but the wrong shape (A where B belongs).
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{SFB of group 0 has shape 128x8; expected 96x8 (N x K/16 with K = 128)}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%a : memref<96x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// An operand in another memory space.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16, 1>) {
    // expected-error @below {{'c' of set 0 has type 'memref<96x128xf16, 1>'; expected a memref of 'f16' with an identity layout in the default memory space (the kernel takes each operand's base address)}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16, 1>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// A group-sizes buffer for a list-form problem.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{takes group_sizes only with rows<contiguous>, rows<offsets>, rows<masked> or rows<gathered>; rows<list> has static group sizes}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) group_sizes(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// Three tensor maps for one operand set.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{has 3 tensor maps for 1 operand set(s); expected 2 or 4 per set}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// A tensor map of an operand that has none.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{tensor map 1 is of operand 'c'; expected a, b, sfa or sfb}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "c", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// A tensor map of a group the problem does not have.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{tensor map 1 is of group 1; the problem has 1 operand set(s)}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 1, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// A tensor map whose rows are not dense.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{tensor map 0 is not a dense rank-2 byte map (dims = [64, 96], strides = [128])}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [128], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// A swizzle TMA has but the kernels do not use.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{tensor map 0 has swizzle '64B'; expected 128B or none}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "64B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// A grid of two sizes.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{has grid = [132, 1] in its #ggemm.launch; expected three sizes from 1 to 2^31 - 1}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// A plan edited by hand (more dynamic shared memory than a launch can ask
// for): refused before anything is built from it.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{has a ggemm.launch whose plan is not its chip's: its plan has shared_memory = 4294967296; the sm_90a kernel of its problem has 198656}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 4294967296, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// Rows known at run time in a list-form problem.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{tensor map 1 has -1 rows; only A and SFA of rows<contiguous> have rows known at run time (-1)}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, -1], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// A box larger than TMA takes.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{tensor map 0 has box = [128, 300]; TMA boxes are 1 to 256 elements a side}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 300], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// A gpu.module without the kernel.
module attributes {gpu.container_module} {
  gpu.module @ggemm_f {
  }
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{launches @ggemm_f::@ggemm_f, but gpu.module @ggemm_f has no gpu.func @ggemm_f}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
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
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{launches @ggemm_f::@ggemm_f, which takes ('memref<2x128xi8, 1>'); the launch's problem gives ('memref<2x128xi8, 1>', 'memref<1xi64, 1>', 'memref<2xi64, 1>', 'memref<1xi32, 1>', 'memref<1xf32, 1>', 'memref<2xi32, 1>')}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// A split-K kernel: its CTAs meet at a grid barrier, which needs a
// cooperative launch.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x512xf4E2M1FN>, %sfa: memref<96x32xf8E4M3FN>, %b: memref<128x512xf4E2M1FN>, %sfb: memref<128x32xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{launches a split-K kernel (split_k = 2): its CTAs meet at a grid barrier, so it needs a cooperative launch, which gpu.launch_func cannot ask for; use the manifest and ggemm's runtime (host=manifest)}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x512xf4E2M1FN>) sfa(%sfa : memref<96x32xf8E4M3FN>) b(%b : memref<128x512xf4E2M1FN>) sfb(%sfb : memref<128x32xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 8], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 512], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 2, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [256, 96], strides = [256], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [256, 128], strides = [256], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----
// C on the host stack (a memref.alloca): the kernel cannot address it.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>) {
    %c = memref.alloca() : memref<96x128xf16>
    // expected-error @below {{'c' of set 0 is a memref.alloca: host memory, which the kernel cannot address. Allocate it on the device (gpu.alloc) or pass a device buffer in as an argument}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}


// -----

// A host allocation that something else than memref.dealloc may free cannot
// become managed memory (gpu.alloc host_shared): refused, saying so.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>) {
    %c = memref.alloc() : memref<96x128xf16>
    // expected-error @below {{'c' of set 0 is a memref.alloc: host memory, which the kernel cannot address. It would become managed memory (gpu.alloc host_shared), but bufferization.dealloc may free it; free it with memref.dealloc}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    %true = arith.constant true
    bufferization.dealloc (%c : memref<96x128xf16>) if (%true)
    return
  }
}


// -----

// The kernel is still in its gpu.module, without the setup kernel that
// writes its parameter block.
module attributes {gpu.container_module} {
  gpu.module @ggemm_f {
    gpu.func @ggemm_f(%maps: memref<2x128xi8, 1>, %c: memref<1xi64, 1>, %s: memref<2xi64, 1>, %g: memref<1xi32, 1>, %al: memref<1xf32, 1>, %st: memref<2xi32, 1>) kernel {
      gpu.return
    }
  }
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{launches @ggemm_f::@ggemm_f, but gpu.module @ggemm_f has no setup kernel @ggemm_f_setup taking 38 parameters (ggemm-outline-kernel{host-operands=true} makes it)}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// Predecoded tokens: the kernel reads A through a "tokens" map, not an "a" map.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{tensor map 0 is of operand 'a'; expected tokens, b, sfa or sfb (the schedule predecodes the tokens)}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 384, shared_memory = 150528, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 4, max_registers = 40>, <consumer, first_warp = 0, num_warps = 8, max_registers = 232>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [64, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4, predecode = true>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 64], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// A "tokens" map whose rows are not what the decode kernel writes (2 x 256 bytes for K = 128).
module attributes {gpu.container_module} {
  gpu.binary @ggemm_f [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @f(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>, %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>, %c: memref<96x128xf16>) {
    // expected-error @below {{tensor map 0 (tokens) has rows of 256 bytes; the decode kernel writes 512 (K = 128 rounded up to the K tile, as f16)}}
    ggemm.launch_kernel @ggemm_f::@ggemm_f rows<list> scales<row_major> a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>) b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>) c(%c : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_f::@ggemm_f, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 384, shared_memory = 150528, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 4, max_registers = 40>, <consumer, first_warp = 0, num_warps = 8, max_registers = 232>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [64, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4, predecode = true>>, tensor_maps = [<group = 0, operand = "tokens", dims = [256, 96], strides = [256], box = [128, 64], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}
