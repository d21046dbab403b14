// A host program compiled ahead of time (docs/aot-host.md): two grouped
// NVFP4 matmuls, each in a function of its own that ggemm-pipeline{host=launch}
// compiles into a kernel and a launch in upstream ops, and the entry points
// the C++ driver (driver.cpp) calls. The inputs arrive in device memory;
// the entry points allocate C on the device, poison it (f16 NaN 0xFFFF),
// run the matmul, copy C back into the caller's host buffer and free it.

// test_00's shapes, one buffer per group: M = [96, 128], N = [128, 256],
// K = [128, 512].
func.func @grouped_list(
    %a0: memref<96x128xf4E2M1FN>, %a1: memref<128x512xf4E2M1FN>,
    %sfa0: memref<96x8xf8E4M3FN>, %sfa1: memref<128x32xf8E4M3FN>,
    %b0: memref<128x128xf4E2M1FN>, %b1: memref<256x512xf4E2M1FN>,
    %sfb0: memref<128x8xf8E4M3FN>, %sfb1: memref<256x32xf8E4M3FN>,
    %c0: memref<96x128xf16>, %c1: memref<128x256xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a0, %a1 : memref<96x128xf4E2M1FN>, memref<128x512xf4E2M1FN>)
      sfa(%sfa0, %sfa1 : memref<96x8xf8E4M3FN>, memref<128x32xf8E4M3FN>)
      b(%b0, %b1 : memref<128x128xf4E2M1FN>, memref<256x512xf4E2M1FN>)
      sfb(%sfb0, %sfb1 : memref<128x8xf8E4M3FN>, memref<256x32xf8E4M3FN>)
      c(%c0, %c1 : memref<96x128xf16>, memref<128x256xf16>)
  return
}

// A MoE layer's form: 3 experts, N = 256, K = 512, the rows of all groups
// back to back in A and C, the group sizes and alpha in device buffers.
func.func @grouped_moe(
    %a: memref<?x512xf4E2M1FN>, %sfa: memref<?x32xf8E4M3FN>,
    %b: memref<3x256x512xf4E2M1FN>, %sfb: memref<3x256x32xf8E4M3FN>,
    %c: memref<?x256xf16>, %sizes: memref<3xi32>, %alpha: memref<3xf32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x512xf4E2M1FN>)
      sfa(%sfa : memref<?x32xf8E4M3FN>)
      b(%b : memref<3x256x512xf4E2M1FN>)
      sfb(%sfb : memref<3x256x32xf8E4M3FN>)
      c(%c : memref<?x256xf16>)
      group_sizes(%sizes : memref<3xi32>)
      alpha(%alpha : memref<3xf32>)
  return
}

func.func @run_list(
    %a0: memref<96x128xf4E2M1FN>, %a1: memref<128x512xf4E2M1FN>,
    %sfa0: memref<96x8xf8E4M3FN>, %sfa1: memref<128x32xf8E4M3FN>,
    %b0: memref<128x128xf4E2M1FN>, %b1: memref<256x512xf4E2M1FN>,
    %sfb0: memref<128x8xf8E4M3FN>, %sfb1: memref<256x32xf8E4M3FN>,
    %out0: memref<96x128xf16>, %out1: memref<128x256xf16>)
    attributes {llvm.emit_c_interface} {
  %poison = arith.constant 0xFFFF : f16
  %t0 = gpu.wait async
  %c0, %t1 = gpu.alloc async [%t0] () : memref<96x128xf16>
  %c1, %t2 = gpu.alloc async [%t1] () : memref<128x256xf16>
  %t3 = gpu.memset async [%t2] %c0, %poison : memref<96x128xf16>, f16
  %t4 = gpu.memset async [%t3] %c1, %poison : memref<128x256xf16>, f16
  gpu.wait [%t4]
  func.call @grouped_list(%a0, %a1, %sfa0, %sfa1, %b0, %b1, %sfb0, %sfb1, %c0, %c1)
      : (memref<96x128xf4E2M1FN>, memref<128x512xf4E2M1FN>,
         memref<96x8xf8E4M3FN>, memref<128x32xf8E4M3FN>,
         memref<128x128xf4E2M1FN>, memref<256x512xf4E2M1FN>,
         memref<128x8xf8E4M3FN>, memref<256x32xf8E4M3FN>,
         memref<96x128xf16>, memref<128x256xf16>) -> ()
  %t5 = gpu.wait async
  %t6 = gpu.memcpy async [%t5] %out0, %c0 : memref<96x128xf16>, memref<96x128xf16>
  %t7 = gpu.memcpy async [%t6] %out1, %c1 : memref<128x256xf16>, memref<128x256xf16>
  %t8 = gpu.dealloc async [%t7] %c0 : memref<96x128xf16>
  %t9 = gpu.dealloc async [%t8] %c1 : memref<128x256xf16>
  gpu.wait [%t9]
  return
}

func.func @run_moe(
    %a: memref<?x512xf4E2M1FN>, %sfa: memref<?x32xf8E4M3FN>,
    %b: memref<3x256x512xf4E2M1FN>, %sfb: memref<3x256x32xf8E4M3FN>,
    %sizes: memref<3xi32>, %alpha: memref<3xf32>, %out: memref<?x256xf16>)
    attributes {llvm.emit_c_interface} {
  %poison = arith.constant 0xFFFF : f16
  %zero = arith.constant 0 : index
  %rows = memref.dim %out, %zero : memref<?x256xf16>
  %t0 = gpu.wait async
  %c, %t1 = gpu.alloc async [%t0] (%rows) : memref<?x256xf16>
  %t2 = gpu.memset async [%t1] %c, %poison : memref<?x256xf16>, f16
  gpu.wait [%t2]
  func.call @grouped_moe(%a, %sfa, %b, %sfb, %c, %sizes, %alpha)
      : (memref<?x512xf4E2M1FN>, memref<?x32xf8E4M3FN>,
         memref<3x256x512xf4E2M1FN>, memref<3x256x32xf8E4M3FN>,
         memref<?x256xf16>, memref<3xi32>, memref<3xf32>) -> ()
  %t3 = gpu.wait async
  %t4 = gpu.memcpy async [%t3] %out, %c : memref<?x256xf16>, memref<?x256xf16>
  %t5 = gpu.dealloc async [%t4] %c : memref<?x256xf16>
  gpu.wait [%t5]
  return
}
