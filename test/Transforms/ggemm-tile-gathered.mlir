// rows<gathered> is refused for sm_100a at tiling, with the reason and what
// to do instead; sm_90a takes it.
// RUN: gemm-opt %s --ggemm-tile="chip=sm_100a" -verify-diagnostics
// RUN: not gemm-opt %s --ggemm-tile="chip=sm_100a" 2>&1 | FileCheck %s --check-prefix=WHY
// WHY: Blackwell's TMA gather4 mode could load one; the sm_90a kernel copies each row); permute the rows into rows<offsets> form, or compile for sm_90a
// RUN: gemm-opt %s --ggemm-tile="chip=sm_90a" | FileCheck %s
// CHECK: ggemm.grouped_matmul rows<gathered> {{.*}} row_indices({{.*}}) schedule <target = sm_90a,

func.func @sm100_refused(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x128x64xf4E2M1FN>, %sb: memref<2x128x4xf8E4M3FN>, %c: memref<?x128xf16>, %o: memref<2xi32>, %i: memref<?xi32>) {
  // expected-error @+1 {{cannot be tiled for sm_100a: rows<gathered> is not lowered for sm_100a yet: its kernel loads A in whole tiles of 128 rows}}
  ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>)
      b(%b : memref<2x128x64xf4E2M1FN>) sfb(%sb : memref<2x128x4xf8E4M3FN>)
      c(%c : memref<?x128xf16>) group_offsets(%o : memref<2xi32>) row_indices(%i : memref<?xi32>)
  return
}
