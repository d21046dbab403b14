// RUN: gemm-opt %s --ggemm-fuse-persistent -verify-diagnostics -split-input-file
// RUN: not gemm-opt %s --ggemm-tile=chip=sm_100a --ggemm-fuse-persistent=grid=70000 2>&1 | FileCheck %s --check-prefix=GRID
// GRID: error: ggemm-fuse-persistent: grid = 70000 must be in [0, 65535]

func.func @unscheduled(%a: memref<128x256xf4E2M1FN>, %sa: memref<128x16xf8E4M3FN>,
    %b: memref<128x256xf4E2M1FN>, %sb: memref<128x16xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{has no schedule; run ggemm-tile before ggemm-fuse-persistent}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x256xf4E2M1FN>) sfa(%sa : memref<128x16xf8E4M3FN>)
      b(%b : memref<128x256xf4E2M1FN>) sfb(%sb : memref<128x16xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
  return
}
