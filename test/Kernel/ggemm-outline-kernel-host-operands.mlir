// ggemm-outline-kernel{host-operands=true} leaves a ggemm.launch_kernel
// where the ggemm op stood, on its operands, for ggemm-lower-launch; without
// the option there is none (ggemm's runtime launches from the manifest).
// RUN: gemm-opt %s -split-input-file --pass-pipeline='builtin.module(ggemm-tile,ggemm-fuse-persistent,ggemm-outline-kernel{host-operands=true})' | FileCheck %s
// RUN: gemm-opt %s -split-input-file --pass-pipeline='builtin.module(ggemm-tile,ggemm-fuse-persistent,ggemm-outline-kernel)' | FileCheck %s --check-prefix=DEFAULT
// ggemm-lower-launch takes the record right away, the kernel still a
// gpu.module whose signature matches the launch.
// RUN: gemm-opt %s -split-input-file --pass-pipeline='builtin.module(ggemm-tile,ggemm-fuse-persistent,ggemm-outline-kernel{host-operands=true},ggemm-lower-launch)' | FileCheck %s --check-prefix=LAUNCH

// Arguments in an order of their own: C first, the groups interleaved.
// CHECK-LABEL: func.func @list(
// CHECK-SAME: ggemm.launch = #ggemm.launch<
// CHECK: ggemm.launch_kernel @ggemm_list::@ggemm_list rows<list> scales<row_major> a(%arg1, %arg6 : {{.*}}) sfa(%arg2, %arg7 : {{.*}}) b(%arg3, %arg8 : {{.*}}) sfb(%arg4, %arg9 : {{.*}}) c(%arg0, %arg5 : memref<96x128xf16>, memref<128x256xf16>){{$}}
// CHECK-NEXT: return
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
