// M_g at the edges of the tile: 0, 1, 127, 129, 300; N and K vary per group.
func.func @edge_m(
    %a0: memref<0x256xf4E2M1FN>, %a1: memref<1x512xf4E2M1FN>, %a2: memref<127x128xf4E2M1FN>,
    %a3: memref<129x320xf4E2M1FN>, %a4: memref<300x1024xf4E2M1FN>,
    %sa0: memref<0x16xf8E4M3FN>, %sa1: memref<1x32xf8E4M3FN>, %sa2: memref<127x8xf8E4M3FN>,
    %sa3: memref<129x20xf8E4M3FN>, %sa4: memref<300x64xf8E4M3FN>,
    %b0: memref<256x256xf4E2M1FN>, %b1: memref<128x512xf4E2M1FN>, %b2: memref<136x128xf4E2M1FN>,
    %b3: memref<64x320xf4E2M1FN>, %b4: memref<512x1024xf4E2M1FN>,
    %sb0: memref<256x16xf8E4M3FN>, %sb1: memref<128x32xf8E4M3FN>, %sb2: memref<136x8xf8E4M3FN>,
    %sb3: memref<64x20xf8E4M3FN>, %sb4: memref<512x64xf8E4M3FN>,
    %c0: memref<0x256xf16>, %c1: memref<1x128xf16>, %c2: memref<127x136xf16>,
    %c3: memref<129x64xf16>, %c4: memref<300x512xf16>, %alpha: memref<5xf32>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a0, %a1, %a2, %a3, %a4 : memref<0x256xf4E2M1FN>, memref<1x512xf4E2M1FN>, memref<127x128xf4E2M1FN>, memref<129x320xf4E2M1FN>, memref<300x1024xf4E2M1FN>)
      sfa(%sa0, %sa1, %sa2, %sa3, %sa4 : memref<0x16xf8E4M3FN>, memref<1x32xf8E4M3FN>, memref<127x8xf8E4M3FN>, memref<129x20xf8E4M3FN>, memref<300x64xf8E4M3FN>)
      b(%b0, %b1, %b2, %b3, %b4 : memref<256x256xf4E2M1FN>, memref<128x512xf4E2M1FN>, memref<136x128xf4E2M1FN>, memref<64x320xf4E2M1FN>, memref<512x1024xf4E2M1FN>)
      sfb(%sb0, %sb1, %sb2, %sb3, %sb4 : memref<256x16xf8E4M3FN>, memref<128x32xf8E4M3FN>, memref<136x8xf8E4M3FN>, memref<64x20xf8E4M3FN>, memref<512x64xf8E4M3FN>)
      c(%c0, %c1, %c2, %c3, %c4 : memref<0x256xf16>, memref<1x128xf16>, memref<127x136xf16>, memref<129x64xf16>, memref<300x512xf16>)
      alpha(%alpha : memref<5xf32>)
  return
}
