// RUN: gemm-opt %s --ggemm-split-k -verify-diagnostics -split-input-file
// RUN: not gemm-opt %s --ggemm-tile=chip=sm_100a --ggemm-split-k=split=65 2>&1 | FileCheck %s --check-prefix=RANGE
// RANGE: error: 'ggemm.grouped_matmul' op split-K factor 65 is outside [1, 64]

func.func @unscheduled(%a: memref<128x256xf4E2M1FN>, %sa: memref<128x16xf8E4M3FN>,
    %b: memref<128x256xf4E2M1FN>, %sb: memref<128x16xf8E4M3FN>, %c: memref<128x128xf16>) {
  // expected-error @+1 {{has no schedule; run ggemm-tile before ggemm-split-k}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x256xf4E2M1FN>) sfa(%sa : memref<128x16xf8E4M3FN>)
      b(%b : memref<128x256xf4E2M1FN>) sfb(%sb : memref<128x16xf8E4M3FN>)
      c(%c : memref<128x128xf16>)
  return
}
