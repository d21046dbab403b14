// Managed memory through an ahead-of-time program (AOT/aot-emu.test): C is
// the function's own allocation, which ggemm-pipeline{host=launch} makes
// managed memory (gpu.alloc host_shared, mgpuMemAlloc(..., true)) since the
// launch writes it, and returns to the caller, who reads it through its
// pointer and frees it. The caller passes A and SFA in managed memory it
// wrote through their pointers, B and SFB in device memory. test_00's
// first group: M = 96, N = 128, K = 128.
func.func @managed(%a: memref<96x128xf4E2M1FN>, %sfa: memref<96x8xf8E4M3FN>,
                   %b: memref<128x128xf4E2M1FN>, %sfb: memref<128x8xf8E4M3FN>)
    -> memref<96x128xf16> attributes {llvm.emit_c_interface} {
  %c = memref.alloc() : memref<96x128xf16>
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<96x128xf4E2M1FN>) sfa(%sfa : memref<96x8xf8E4M3FN>)
      b(%b : memref<128x128xf4E2M1FN>) sfb(%sfb : memref<128x8xf8E4M3FN>)
      c(%c : memref<96x128xf16>)
  return %c : memref<96x128xf16>
}
