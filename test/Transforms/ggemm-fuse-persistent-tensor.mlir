// ggemm-fuse-persistent builds buffer-level tile ops: it refuses the tensor
// form and says to bufferize first.
// RUN: gemm-opt %s --ggemm-tile --ggemm-fuse-persistent -verify-diagnostics

func.func @f(%a: tensor<128x256xf4E2M1FN>, %sa: tensor<128x16xf8E4M3FN>,
    %b: tensor<64x256xf4E2M1FN>, %sb: tensor<64x16xf8E4M3FN>, %c: tensor<128x64xf16>)
    -> tensor<128x64xf16> {
  // expected-error @+1 {{is in tensor form; bufferize it (one-shot-bufferize) before ggemm-fuse-persistent}}
  %r = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : tensor<128x256xf4E2M1FN>) sfa(%sa : tensor<128x16xf8E4M3FN>)
      b(%b : tensor<64x256xf4E2M1FN>) sfb(%sb : tensor<64x16xf8E4M3FN>)
      c(%c : tensor<128x64xf16>) -> tensor<128x64xf16>
  return %r : tensor<128x64xf16>
}
