// ggemm-lower-launch{caller-stream=true} refuses, with the reason, what it
// cannot give the caller's stream and workspace to.
// RUN: gemm-opt %s -split-input-file --ggemm-lower-launch=caller-stream=true -verify-diagnostics

// A function called in the module: its callers would not pass the two new
// arguments.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_list [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{is called in the module; with a caller's stream (caller-stream, host=stream) its launches take the stream and a workspace as two new arguments, which its callers do not pass. Call it from outside the module, or inline it into its callers first}}
  func.func @layer(%c0: memref<96x128xf16>, %a0: memref<96x128xf4E2M1FN>, %sfa0: memref<96x8xf8E4M3FN>, %b0: memref<128x128xf4E2M1FN>, %sfb0: memref<128x8xf8E4M3FN>) {
    ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%a0 : memref<96x128xf4E2M1FN>) sfa(%sfa0 : memref<96x8xf8E4M3FN>) b(%b0 : memref<128x128xf4E2M1FN>) sfb(%sfb0 : memref<128x8xf8E4M3FN>) c(%c0 : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
  func.func @model(%c0: memref<96x128xf16>, %a0: memref<96x128xf4E2M1FN>, %sfa0: memref<96x8xf8E4M3FN>, %b0: memref<128x128xf4E2M1FN>, %sfb0: memref<128x8xf8E4M3FN>) {
    call @layer(%c0, %a0, %sfa0, %b0, %sfb0) : (memref<96x128xf16>, memref<96x128xf4E2M1FN>, memref<96x8xf8E4M3FN>, memref<128x128xf4E2M1FN>, memref<128x8xf8E4M3FN>) -> ()
    return
  }
}

// -----

// The name of the workspace-size function is taken.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_list [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @layer(%c0: memref<96x128xf16>, %a0: memref<96x128xf4E2M1FN>, %sfa0: memref<96x8xf8E4M3FN>, %b0: memref<128x128xf4E2M1FN>, %sfb0: memref<128x8xf8E4M3FN>) {
    ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%a0 : memref<96x128xf4E2M1FN>) sfa(%sfa0 : memref<96x8xf8E4M3FN>) b(%b0 : memref<128x128xf4E2M1FN>) sfb(%sfb0 : memref<128x8xf8E4M3FN>) c(%c0 : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
  // expected-error @below {{is named @layer_workspace_bytes, the function ggemm-lower-launch makes to give the workspace size of @layer; rename it}}
  func.func @layer_workspace_bytes() -> i64 {
    %z = arith.constant 0 : i64
    return %z : i64
  }
}

// -----

// A symbol of the module has the name of the encoding function.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_list [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  // expected-error @below {{is named @ggemmTensorMapEncode, the function of libGGemmMGPU that ggemm-lower-launch calls to encode tensor maps (an external llvm.func of type '!llvm.func<i32 (ptr, ptr, i64, i64, i64, i64, i64, i32)>'); rename it}}
  func.func @ggemmTensorMapEncode() {
    return
  }
  func.func @layer(%c0: memref<96x128xf16>, %a0: memref<96x128xf4E2M1FN>, %sfa0: memref<96x8xf8E4M3FN>, %b0: memref<128x128xf4E2M1FN>, %sfb0: memref<128x8xf8E4M3FN>) {
    ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%a0 : memref<96x128xf4E2M1FN>) sfa(%sfa0 : memref<96x8xf8E4M3FN>) b(%b0 : memref<128x128xf4E2M1FN>) sfb(%sfb0 : memref<128x8xf8E4M3FN>) c(%c0 : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// A host allocation of the function that host code reads: with the
// caller's stream nothing waits for the kernel, so it cannot be managed
// memory read after the launch; stream-ordered device memory would do, but
// the host reads it.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_list [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @layer(%a0: memref<96x128xf4E2M1FN>, %sfa0: memref<96x8xf8E4M3FN>, %b0: memref<128x128xf4E2M1FN>, %sfb0: memref<128x8xf8E4M3FN>, %i: index) -> f16 {
    %c0 = memref.alloc() : memref<96x128xf16>
    // expected-error @below {{'c' of set 0 is a memref.alloc: host memory, which the kernel cannot address. With host=stream it would be stream-ordered device memory (gpu.alloc async on the caller's stream), but memref.load uses it on the host}}
    ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%a0 : memref<96x128xf4E2M1FN>) sfa(%sfa0 : memref<96x8xf8E4M3FN>) b(%b0 : memref<128x128xf4E2M1FN>) sfb(%sfb0 : memref<128x8xf8E4M3FN>) c(%c0 : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    // expected-note @below {{here}}
    %v = memref.load %c0[%i, %i] : memref<96x128xf16>
    return %v : f16
  }
}

// -----

// The program's own launch, asynchronous already: with host=stream its
// order on the caller's stream comes from the program order, not tokens.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_list [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  gpu.binary @own [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @layer(%a0: memref<96x128xf4E2M1FN>, %sfa0: memref<96x8xf8E4M3FN>, %b0: memref<128x128xf4E2M1FN>, %sfb0: memref<128x8xf8E4M3FN>, %c0: memref<96x128xf16>) {
    %one = arith.constant 1 : index
    %t = gpu.wait async
    // expected-error @below {{is asynchronous; with host=stream ggemm-lower-launch puts the function's launches on the caller's stream, in program order: give it no async token or dependencies (do not run gpu-async-region first)}}
    %t2 = gpu.launch_func async [%t] @own::@own blocks in (%one, %one, %one) threads in (%one, %one, %one) args(%c0 : memref<96x128xf16>)
    ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%a0 : memref<96x128xf4E2M1FN>) sfa(%sfa0 : memref<96x8xf8E4M3FN>) b(%b0 : memref<128x128xf4E2M1FN>) sfb(%sfb0 : memref<128x8xf8E4M3FN>) c(%c0 : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}

// -----

// The program's own launch on a buffer of the host's stack.
module attributes {gpu.container_module} {
  gpu.binary @ggemm_list [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  gpu.binary @own [#gpu.object<#nvvm.target<chip = "sm_90a">, "">]
  func.func @layer(%a0: memref<96x128xf4E2M1FN>, %sfa0: memref<96x8xf8E4M3FN>, %b0: memref<128x128xf4E2M1FN>, %sfb0: memref<128x8xf8E4M3FN>, %c0: memref<96x128xf16>) {
    %one = arith.constant 1 : index
    %s = memref.alloca() : memref<16xf32>
    // expected-error @below {{operand 0 is a memref.alloca: host memory, which the kernel cannot address. Allocate it on the device (gpu.alloc) or pass a device buffer in as an argument}}
    gpu.launch_func @own::@own blocks in (%one, %one, %one) threads in (%one, %one, %one) args(%s : memref<16xf32>)
    ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%a0 : memref<96x128xf4E2M1FN>) sfa(%sfa0 : memref<96x8xf8E4M3FN>) b(%b0 : memref<128x128xf4E2M1FN>) sfb(%sfb0 : memref<128x8xf8E4M3FN>) c(%c0 : memref<96x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], cluster = [1, 1, 1], plan = <threads = 288, shared_memory = 198656, tensor_memory_columns = 0, swizzle = "128B", scale_maps = false, alignment = [16, 16, 8, 8, 16], roles = [<producer, first_warp = 8, num_warps = 1, max_registers = 0>, <consumer, first_warp = 0, num_warps = 8, max_registers = 0>]>, problem = <rows = list, scales = row_major, alpha = false, groups = [96, 128, 128], schedule = <target = sm_90a, tile = [128, 128, 256], raster = along_m, split_k = 1, grid = 132, stages = 4>>, tensor_maps = [<group = 0, operand = "a", dims = [64, 96], strides = [64], box = [128, 128], swizzle = "128B">, <group = 0, operand = "b", dims = [64, 128], strides = [64], box = [128, 128], swizzle = "128B">]>}
    return
  }
}
