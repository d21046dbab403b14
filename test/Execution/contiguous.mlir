// rows<contiguous>: group sizes read at run time, including empty groups and
// sizes that are not multiples of 128; rows past the sizes stay untouched.
// RUN: ggemm-cpu-run %s --group-sizes=5,0,130 | FileCheck %s --check-prefix=SIZES
// RUN: ggemm-cpu-run %s --group-sizes=0,1,0 | FileCheck %s --check-prefix=ONE
// RUN: ggemm-cpu-run %s --seed %seed | FileCheck %s --check-prefix=RANDOM
//
// The kernel checks the device buffer: a negative size or sizes past the
// rows of A stop the run with a message, never a wrong or out-of-bounds write.
// RUN: not --crash ggemm-cpu-run %s --group-sizes=1,2,3 --device-group-sizes=1,2,-3 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not --crash ggemm-cpu-run %s --group-sizes=1,2,3 --device-group-sizes=1,2,30 2>&1 | FileCheck %s --check-prefix=OVERFLOW

// SIZES: cont: 3 groups, M = [5, 0, 130], 17280 elements, f16 mismatches 0, untouched rows overwritten 0
// SIZES-NEXT: PASS
// ONE: cont: 3 groups, M = [0, 1, 0], 128 elements, f16 mismatches 0, untouched rows overwritten 0
// ONE-NEXT: PASS
// RANDOM: f16 mismatches 0, untouched rows overwritten 0
// RANDOM-NEXT: PASS
// NEGATIVE: ggemm.grouped_matmul: negative group size
// OVERFLOW: ggemm.grouped_matmul: group sizes exceed the rows of A

func.func @cont(%a: memref<?x256xf4E2M1FN>, %sa: memref<?x16xf8E4M3FN>,
    %b: memref<3x128x256xf4E2M1FN>, %sb: memref<3x128x16xf8E4M3FN>,
    %c: memref<?x128xf16>, %sizes: memref<3xi32>, %alpha: memref<3xf32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x256xf4E2M1FN>) sfa(%sa : memref<?x16xf8E4M3FN>)
      b(%b : memref<3x128x256xf4E2M1FN>) sfb(%sb : memref<3x128x16xf8E4M3FN>)
      c(%c : memref<?x128xf16>)
      group_sizes(%sizes : memref<3xi32>) alpha(%alpha : memref<3xf32>)
  return
}
