// rows<offsets> kernels of rows-layouts.test: cumulative end rows (torch's
// offs), A of any rows, alpha; and 20 groups of one N (the kernels'
// tile-space cursors walk the groups in a loop).
func.func @offs(%a: memref<?x256xf4E2M1FN>, %sa: memref<?x16xf8E4M3FN>,
    %b: memref<5x128x256xf4E2M1FN>, %sb: memref<5x128x16xf8E4M3FN>,
    %c: memref<?x128xf16>, %offs: memref<5xi32>, %alpha: memref<5xf32>) {
  ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : memref<?x256xf4E2M1FN>) sfa(%sa : memref<?x16xf8E4M3FN>)
      b(%b : memref<5x128x256xf4E2M1FN>) sfb(%sb : memref<5x128x16xf8E4M3FN>)
      c(%c : memref<?x128xf16>)
      group_offsets(%offs : memref<5xi32>) alpha(%alpha : memref<5xf32>)
  return
}

func.func @offs_many(%a: memref<?x128xf4E2M1FN>, %sa: memref<?x8xf8E4M3FN>,
    %b: memref<20x64x128xf4E2M1FN>, %sb: memref<20x64x8xf8E4M3FN>,
    %c: memref<?x64xf16>, %offs: memref<20xi32>) {
  ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : memref<?x128xf4E2M1FN>) sfa(%sa : memref<?x8xf8E4M3FN>)
      b(%b : memref<20x64x128xf4E2M1FN>) sfb(%sb : memref<20x64x8xf8E4M3FN>)
      c(%c : memref<?x64xf16>) group_offsets(%offs : memref<20xi32>)
  return
}
