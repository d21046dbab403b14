// Edge M in rows<gathered>: five groups whose end rows among the routed
// rows are given at run time, each routed row reading a token row through
// row_indices (bench/run_layouts.sh passes skewed offsets, repeated and bad
// indices).
func.func @edge_m_gathered(%a: memref<?x512xf4E2M1FN>, %sa: memref<?x32xf8E4M3FN>,
    %b: memref<5x256x512xf4E2M1FN>, %sb: memref<5x256x32xf8E4M3FN>,
    %c: memref<?x256xf16>, %offsets: memref<5xi32>, %indices: memref<?xi32>,
    %alpha: memref<5xf32>) {
  ggemm.grouped_matmul rows<gathered> scales<row_major>
      a(%a : memref<?x512xf4E2M1FN>) sfa(%sa : memref<?x32xf8E4M3FN>)
      b(%b : memref<5x256x512xf4E2M1FN>) sfb(%sb : memref<5x256x32xf8E4M3FN>)
      c(%c : memref<?x256xf16>) group_offsets(%offsets : memref<5xi32>)
      row_indices(%indices : memref<?xi32>) alpha(%alpha : memref<5xf32>)
  return
}
