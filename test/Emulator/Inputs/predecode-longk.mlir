// Two groups with long K (8 and 5 K tiles) and M over a 256-token tile:
// on one CTA the ring's stages and the token ring's slots go round many
// times across tiles (test/Emulator/sm90-predecode.test).
func.func @longk(
    %a0: memref<300x2048xf4E2M1FN>, %a1: memref<70x1280xf4E2M1FN>,
    %sfa0: memref<300x128xf8E4M3FN>, %sfa1: memref<70x80xf8E4M3FN>,
    %b0: memref<256x2048xf4E2M1FN>, %b1: memref<128x1280xf4E2M1FN>,
    %sfb0: memref<256x128xf8E4M3FN>, %sfb1: memref<128x80xf8E4M3FN>,
    %c0: memref<300x256xf16>, %c1: memref<70x128xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a0, %a1 : memref<300x2048xf4E2M1FN>, memref<70x1280xf4E2M1FN>)
      sfa(%sfa0, %sfa1 : memref<300x128xf8E4M3FN>, memref<70x80xf8E4M3FN>)
      b(%b0, %b1 : memref<256x2048xf4E2M1FN>, memref<128x1280xf4E2M1FN>)
      sfb(%sfb0, %sfb1 : memref<256x128xf8E4M3FN>, memref<128x80xf8E4M3FN>)
      c(%c0, %c1 : memref<300x256xf16>, memref<70x128xf16>)
  return
}
