// The report's CTA-load figures are computed per residue class, not per
// tile: a problem of 2.8e14 tiles (sizes just under 2^31) reports at once.
// RUN: timeout 60 gemm-opt %s --ggemm-tile=chip=sm_100a --ggemm-print-schedule -o /dev/null | FileCheck %s
// RUN: not ggemm-cpu-run %s 2>&1 | FileCheck %s --check-prefix=CPU
// The cost model prices split-K's partial sums of 2.8e14 tiles without
// overflowing (found by ggemm-fuzz's seed replay: tiles x split x tile M x
// tile N passed 2^63 in int64_t).
// RUN: gemm-opt %s --ggemm-tile=chip=sm_90a --ggemm-print-schedule=candidates=true -o /dev/null | FileCheck %s --check-prefix=SPLIT
// SPLIT: tile 128x128x256 stages 4 split_k 2: {{.*}} split 10189318313459.8, launch
// CHECK: total: 281474943156225 output tiles, 281474943156225 work items, 1901857724028.55 waves over 148 CTAs
// CHECK-NEXT: CTA load (K tiles): max 1901857724029, min 1901857724028, mean 1901857724028.5, imbalance max/mean 1.00, idle CTAs 0
// CPU: ggemm-cpu-run: the problem needs about {{[0-9]+}} GiB of host memory; ggemm-cpu-run takes at most 8 GiB
func.func @huge(%a: memref<2147483520x64xf4E2M1FN>, %sa: memref<2147483520x4xf8E4M3FN>,
    %b: memref<2147483520x64xf4E2M1FN>, %sb: memref<2147483520x4xf8E4M3FN>, %c: memref<2147483520x2147483520xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<2147483520x64xf4E2M1FN>) sfa(%sa : memref<2147483520x4xf8E4M3FN>)
      b(%b : memref<2147483520x64xf4E2M1FN>) sfb(%sb : memref<2147483520x4xf8E4M3FN>)
      c(%c : memref<2147483520x2147483520xf16>)
  return
}
