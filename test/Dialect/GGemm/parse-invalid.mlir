// Malformed IR: what the parser of ggemm.grouped_matmul refuses, each with
// a located error (no verifier runs on IR that does not parse).
// RUN: gemm-opt %s -split-input-file -verify-diagnostics

func.func @unknown_rows(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+2 {{expected ::mlir::ggemm::RowsKind to be one of: list, contiguous}}
  // expected-error @+1 {{failed to parse GGemm_RowsAttr parameter 'value'}}
  ggemm.grouped_matmul rows<diagonal> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @unknown_scales(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+2 {{expected ::mlir::ggemm::ScaleLayout to be one of: row_major, blocked_128x4}}
  // expected-error @+1 {{failed to parse GGemm_ScaleLayoutAttr parameter 'value'}}
  ggemm.grouped_matmul rows<list> scales<column_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @missing_c(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
  // expected-error @+1 {{custom op 'ggemm.grouped_matmul' expected 'c'}}
  return
}

// -----

// An operand spelled with another type than its definition.
// expected-note @+1 {{prior use here}}
func.func @retyped(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      // expected-error @+1 {{use of value '%a' expects different type than prior uses: 'memref<64x64xf4E2M1FN>' vs 'memref<128x64xf4E2M1FN>'}}
      a(%a : memref<64x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @truncated(%a: memref<128x64xf4E2M1FN>) {
  ggemm.grouped_matmul rows<list> scales<row_major>
      // expected-error @+1 {{expected ')'}}
      a(%a : memref<128x64xf4E2M1FN>
