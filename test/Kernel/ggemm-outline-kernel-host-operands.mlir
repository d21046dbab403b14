// ggemm-outline-kernel{host-operands=true} leaves a ggemm.launch_kernel
// where the ggemm op stood, on its operands, for ggemm-lower-launch; without
// the option there is none (ggemm's runtime launches from the manifest).
// RUN: gemm-opt %s -split-input-file --pass-pipeline='builtin.module(ggemm-tile,ggemm-fuse-persistent,ggemm-outline-kernel{host-operands=true})' | FileCheck %s
// RUN: awk '/^\/\/ -----/{n++} n<2' %s | gemm-opt -split-input-file --pass-pipeline='builtin.module(ggemm-tile,ggemm-fuse-persistent,ggemm-outline-kernel)' | FileCheck %s --check-prefix=DEFAULT
// (The manifest's host takes one ggemm op per function: the last case is
// refused there, ggemm-outline-kernel-one-per-function.mlir.)
// ggemm-lower-launch takes the record right away, the kernel still a
// gpu.module whose signature matches the launch.
// RUN: gemm-opt %s -split-input-file --pass-pipeline='builtin.module(ggemm-tile,ggemm-fuse-persistent,ggemm-outline-kernel{host-operands=true},ggemm-lower-launch)' | FileCheck %s --check-prefix=LAUNCH

// Arguments in an order of their own: C first, the groups interleaved.
// The launch is on the op, not the function. The kernel's module also holds
// its setup kernel: one thread stores the rows and 0 into the status pair
// and each of the 70 words (4 maps of 16, 2 C pointers, 4 scale pointers)
// into the block.
// CHECK-LABEL: func.func @list(
// CHECK-SAME: {{\) \{$}}
// CHECK: ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%arg1, %arg6 : {{.*}}) sfa(%arg2, %arg7 : {{.*}}) b(%arg3, %arg8 : {{.*}}) sfb(%arg4, %arg9 : {{.*}}) c(%arg0, %arg5 : memref<96x128xf16>, memref<128x256xf16>) {launch = #ggemm.launch<kernel = @ggemm_list::@ggemm_list, grid = [132, 1, 1], {{.*}}problem = <rows = list, {{.*}}groups = [96, 128, 128, 128, 256, 512]{{.*}}tensor_maps = [<group = 0, operand = "a"{{.*}}<group = 1, operand = "b", dims = [256, 256]{{.*}}>]>}
// CHECK-NEXT: return
// CHECK: gpu.module @ggemm_list
// CHECK: gpu.func @ggemm_list(
// CHECK: gpu.func @ggemm_list_setup(%[[DST:.*]]: memref<70xi64, 1>, %[[STATUS:.*]]: memref<2xi32, 1>, %[[ROWS:[^:]*]]: i32, %[[W0:[^:]*]]: i64, {{.*}}, %[[W69:[^:]*]]: i64) kernel attributes {known_block_size = array<i32: 1, 1, 1>} {
// CHECK: memref.store %[[ROWS]], %[[STATUS]][%c0{{.*}}] : memref<2xi32, 1>
// CHECK: memref.store %c0_i32, %[[STATUS]][%c1{{.*}}] : memref<2xi32, 1>
// CHECK: memref.store %[[W0]], %[[DST]][%c0{{.*}}] : memref<70xi64, 1>
// CHECK: memref.store %[[W69]], %[[DST]][%c69] : memref<70xi64, 1>
// CHECK-NEXT: gpu.return
// LAUNCH-LABEL: func.func @list(
// LAUNCH-NOT: ggemm.launch
// LAUNCH: gpu.launch_func async [%{{.*}}] @ggemm_list::@ggemm_list {{.*}} args(%{{.*}} : memref<4x128xi8, 1>, %{{.*}} : memref<2xi64, 1>, %{{.*}} : memref<4xi64, 1>, %{{.*}} : memref<2xi32, 1>, %{{.*}} : memref<2xf32, 1>, %{{.*}} : memref<2xi32, 1>)
// LAUNCH: gpu.module @ggemm_list
// DEFAULT-LABEL: func.func @list(
// DEFAULT-NOT: ggemm.launch_kernel
// DEFAULT: return
func.func @list(%c0: memref<96x128xf16>, %a0: memref<96x128xf4E2M1FN>,
                %sfa0: memref<96x8xf8E4M3FN>, %b0: memref<128x128xf4E2M1FN>,
                %sfb0: memref<128x8xf8E4M3FN>,
                %c1: memref<128x256xf16>, %a1: memref<128x512xf4E2M1FN>,
                %sfa1: memref<128x32xf8E4M3FN>, %b1: memref<256x512xf4E2M1FN>,
                %sfb1: memref<256x32xf8E4M3FN>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a0, %a1 : memref<96x128xf4E2M1FN>, memref<128x512xf4E2M1FN>)
      sfa(%sfa0, %sfa1 : memref<96x8xf8E4M3FN>, memref<128x32xf8E4M3FN>)
      b(%b0, %b1 : memref<128x128xf4E2M1FN>, memref<256x512xf4E2M1FN>)
      sfb(%sfb0, %sfb1 : memref<128x8xf8E4M3FN>, memref<256x32xf8E4M3FN>)
      c(%c0, %c1 : memref<96x128xf16>, memref<128x256xf16>)
  return
}

// -----

// Run-time group sizes and alpha: one argument each.
// CHECK-LABEL: func.func @moe(
// CHECK: ggemm.launch_kernel @ggemm_moe::@ggemm_moe rows<contiguous> scales<row_major> a(%arg1 : {{.*}}) sfa(%arg2 : {{.*}}) b(%arg3 : {{.*}}) sfb(%arg4 : {{.*}}) c(%arg5 : {{.*}}) group_sizes(%arg6 : memref<3xi32>) alpha(%arg0 : memref<3xf32>)
// LAUNCH-LABEL: func.func @moe(
// LAUNCH: gpu.launch_func async [%{{.*}}] @ggemm_moe::@ggemm_moe {{.*}} args(%{{.*}} : memref<2x128xi8, 1>, %{{.*}} : memref<1xi64, 1>, %{{.*}} : memref<2xi64, 1>, %{{.*}} : memref<3xi32, 1>, %{{.*}} : memref<3xf32, 1>, %{{.*}} : memref<2xi32, 1>)
// DEFAULT-LABEL: func.func @moe(
// DEFAULT-NOT: ggemm.launch_kernel
// DEFAULT: return
func.func @moe(%alpha: memref<3xf32>, %a: memref<?x512xf4E2M1FN>,
               %sfa: memref<?x32xf8E4M3FN>, %b: memref<3x256x512xf4E2M1FN>,
               %sfb: memref<3x256x32xf8E4M3FN>, %c: memref<?x256xf16>,
               %sizes: memref<3xi32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x512xf4E2M1FN>) sfa(%sfa : memref<?x32xf8E4M3FN>)
      b(%b : memref<3x256x512xf4E2M1FN>) sfb(%sfb : memref<3x256x32xf8E4M3FN>)
      c(%c : memref<?x256xf16>) group_sizes(%sizes : memref<3xi32>)
      alpha(%alpha : memref<3xf32>)
  return
}

// -----

// Two ggemm ops in one function (up and down projection of an expert
// layer): two kernels, each launched where its op stood, with its own
// launch; the host work between them stays.
// CHECK-LABEL: func.func @two(
// CHECK: ggemm.launch_kernel @ggemm_two::@ggemm_two {{.*}} c(%[[H:.*]] : memref<128x256xf16>) {launch = #ggemm.launch<kernel = @ggemm_two::@ggemm_two,
// CHECK: memref.store
// CHECK: ggemm.launch_kernel @ggemm_two_1::@ggemm_two_1 {{.*}} c(%{{.*}} : memref<128x128xf16>) {launch = #ggemm.launch<kernel = @ggemm_two_1::@ggemm_two_1,
// CHECK: gpu.module @ggemm_two
// CHECK: gpu.func @ggemm_two_setup(
// CHECK: gpu.module @ggemm_two_1
// CHECK: gpu.func @ggemm_two_1_setup(
// LAUNCH-LABEL: func.func @two(
// LAUNCH: gpu.launch_func async [%{{.*}}] @ggemm_two::@ggemm_two_setup
// LAUNCH: gpu.launch_func async [%{{.*}}] @ggemm_two::@ggemm_two blocks
// LAUNCH: gpu.wait [
// LAUNCH: memref.store
// LAUNCH: gpu.launch_func async [%{{.*}}] @ggemm_two_1::@ggemm_two_1_setup
// LAUNCH: gpu.launch_func async [%{{.*}}] @ggemm_two_1::@ggemm_two_1 blocks
// LAUNCH: gpu.wait [
func.func @two(%a: memref<128x512xf4E2M1FN>, %sfa: memref<128x32xf8E4M3FN>,
               %b: memref<256x512xf4E2M1FN>, %sfb: memref<256x32xf8E4M3FN>,
               %h: memref<128x256xf16>, %a2: memref<128x256xf4E2M1FN>,
               %sfa2: memref<128x16xf8E4M3FN>, %b2: memref<128x256xf4E2M1FN>,
               %sfb2: memref<128x16xf8E4M3FN>, %y: memref<128x128xf16>,
               %flag: memref<1xi32>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x512xf4E2M1FN>) sfa(%sfa : memref<128x32xf8E4M3FN>)
      b(%b : memref<256x512xf4E2M1FN>) sfb(%sfb : memref<256x32xf8E4M3FN>)
      c(%h : memref<128x256xf16>)
  %i = arith.constant 0 : index
  %x = arith.constant 1 : i32
  memref.store %x, %flag[%i] : memref<1xi32>
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a2 : memref<128x256xf4E2M1FN>) sfa(%sfa2 : memref<128x16xf8E4M3FN>)
      b(%b2 : memref<128x256xf4E2M1FN>) sfb(%sfb2 : memref<128x16xf8E4M3FN>)
      c(%y : memref<128x128xf16>)
  return
}
