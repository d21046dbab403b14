// Edge M in rows<masked>: five groups of room for 320 rows each, how many
// are real given at run time (bench/run_layouts.sh passes skewed counts:
// 0, 1, a partial tile, a full group, and bad ones).
func.func @edge_m_masked(%a: memref<5x320x512xf4E2M1FN>, %sa: memref<5x320x32xf8E4M3FN>,
    %b: memref<5x256x512xf4E2M1FN>, %sb: memref<5x256x32xf8E4M3FN>,
    %c: memref<5x320x256xf16>, %counts: memref<5xi32>, %alpha: memref<5xf32>) {
  ggemm.grouped_matmul rows<masked> scales<row_major>
      a(%a : memref<5x320x512xf4E2M1FN>) sfa(%sa : memref<5x320x32xf8E4M3FN>)
      b(%b : memref<5x256x512xf4E2M1FN>) sfb(%sb : memref<5x256x32xf8E4M3FN>)
      c(%c : memref<5x320x256xf16>) group_counts(%counts : memref<5xi32>) alpha(%alpha : memref<5xf32>)
  return
}
