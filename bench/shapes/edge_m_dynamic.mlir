// Run-time group sizes (gemm-run --group-sizes=0,1,127,129,300).
func.func @edge_m_dynamic(%a: memref<?x512xf4E2M1FN>, %sa: memref<?x32xf8E4M3FN>,
    %b: memref<5x256x512xf4E2M1FN>, %sb: memref<5x256x32xf8E4M3FN>,
    %c: memref<?x256xf16>, %sizes: memref<5xi32>, %alpha: memref<5xf32>) {
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x512xf4E2M1FN>) sfa(%sa : memref<?x32xf8E4M3FN>)
      b(%b : memref<5x256x512xf4E2M1FN>) sfb(%sb : memref<5x256x32xf8E4M3FN>)
      c(%c : memref<?x256xf16>) group_sizes(%sizes : memref<5xi32>) alpha(%alpha : memref<5xf32>)
  return
}
