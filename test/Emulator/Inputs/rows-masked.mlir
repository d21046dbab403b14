// rows<masked> kernels of rows-layouts.test: A is G x max_m x K with
// max_m = 150 (no multiple of a tile: groups start off tile boundaries);
// and 18 groups of one N (the kernels' tile-space cursors walk the groups
// in a loop).
func.func @masked(%a: memref<4x150x256xf4E2M1FN>, %sa: memref<4x150x16xf8E4M3FN>,
    %b: memref<4x128x256xf4E2M1FN>, %sb: memref<4x128x16xf8E4M3FN>,
    %c: memref<4x150x128xf16>, %counts: memref<4xi32>) {
  ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : memref<4x150x256xf4E2M1FN>) sfa(%sa : memref<4x150x16xf8E4M3FN>)
      b(%b : memref<4x128x256xf4E2M1FN>) sfb(%sb : memref<4x128x16xf8E4M3FN>)
      c(%c : memref<4x150x128xf16>) group_counts(%counts : memref<4xi32>)
  return
}

func.func @masked_many(%a: memref<18x40x128xf4E2M1FN>, %sa: memref<18x40x8xf8E4M3FN>,
    %b: memref<18x64x128xf4E2M1FN>, %sb: memref<18x64x8xf8E4M3FN>,
    %c: memref<18x40x64xf16>, %counts: memref<18xi32>) {
  ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : memref<18x40x128xf4E2M1FN>) sfa(%sa : memref<18x40x8xf8E4M3FN>)
      b(%b : memref<18x64x128xf4E2M1FN>) sfb(%sb : memref<18x64x8xf8E4M3FN>)
      c(%c : memref<18x40x64xf16>) group_counts(%counts : memref<18xi32>)
  return
}
