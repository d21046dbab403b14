// Edge M in rows<offsets>: five groups whose end rows are given at run time
// (bench/run_layouts.sh passes skewed ones: empty groups, one row, a group
// not starting at a multiple of the tile, one huge group, and bad ones).
func.func @edge_m_offsets(%a: memref<?x512xf4E2M1FN>, %sa: memref<?x32xf8E4M3FN>,
    %b: memref<5x256x512xf4E2M1FN>, %sb: memref<5x256x32xf8E4M3FN>,
    %c: memref<?x256xf16>, %offsets: memref<5xi32>, %alpha: memref<5xf32>) {
  ggemm.grouped_matmul rows<offsets> scales<row_major>
      a(%a : memref<?x512xf4E2M1FN>) sfa(%sa : memref<?x32xf8E4M3FN>)
      b(%b : memref<5x256x512xf4E2M1FN>) sfb(%sb : memref<5x256x32xf8E4M3FN>)
      c(%c : memref<?x256xf16>) group_offsets(%offsets : memref<5xi32>) alpha(%alpha : memref<5xf32>)
  return
}
