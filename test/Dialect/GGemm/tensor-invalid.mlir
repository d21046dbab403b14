// The rules of the tensor form of ggemm.grouped_matmul, one failing input
// each: one kind of operand, one result per C of its type, plain tensors;
// the shape rules are those of the memref form.
// RUN: gemm-opt %s -split-input-file -verify-diagnostics

func.func @mixed_c_memref(%a: tensor<128x64xf4E2M1FN>, %sa: tensor<128x4xf8E4M3FN>,
    %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{mixes tensor and memref operands (A of group 0 is a tensor, C of group 0 a memref); the operands are all tensors (tensor form) or all memrefs (memref form)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : tensor<128x64xf4E2M1FN>) sfa(%sa : tensor<128x4xf8E4M3FN>)
      b(%b : tensor<8x64xf4E2M1FN>) sfb(%sb : tensor<8x4xf8E4M3FN>)
      c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @mixed_second_group(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>,
    %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>,
    %ta: tensor<128x64xf4E2M1FN>) {
  // expected-error @+1 {{mixes tensor and memref operands (A of group 1 is a tensor, A of group 0 a memref)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a, %ta : memref<128x64xf4E2M1FN>, tensor<128x64xf4E2M1FN>)
      sfa(%sa, %sa : memref<128x4xf8E4M3FN>, memref<128x4xf8E4M3FN>)
      b(%b, %b : memref<8x64xf4E2M1FN>, memref<8x64xf4E2M1FN>)
      sfb(%sb, %sb : memref<8x4xf8E4M3FN>, memref<8x4xf8E4M3FN>)
      c(%c, %c : memref<128x8xf16>, memref<128x8xf16>)
  return
}

// -----

func.func @mixed_group_sizes(%a: tensor<?x64xf4E2M1FN>, %sa: tensor<?x4xf8E4M3FN>,
    %b: tensor<2x8x64xf4E2M1FN>, %sb: tensor<2x8x4xf8E4M3FN>, %c: tensor<?x8xf16>,
    %s: memref<2xi32>) -> tensor<?x8xf16> {
  // expected-error @+1 {{mixes tensor and memref operands (A is a tensor, group_sizes a memref)}}
  %r = ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : tensor<?x64xf4E2M1FN>) sfa(%sa : tensor<?x4xf8E4M3FN>)
      b(%b : tensor<2x8x64xf4E2M1FN>) sfb(%sb : tensor<2x8x4xf8E4M3FN>)
      c(%c : tensor<?x8xf16>) group_sizes(%s : memref<2xi32>) -> tensor<?x8xf16>
  return %r : tensor<?x8xf16>
}

// -----

func.func @no_results(%a: tensor<128x64xf4E2M1FN>, %sa: tensor<128x4xf8E4M3FN>,
    %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>, %c: tensor<128x8xf16>) {
  // expected-error @+1 {{has 0 results; the tensor form returns one tensor per C operand (1)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : tensor<128x64xf4E2M1FN>) sfa(%sa : tensor<128x4xf8E4M3FN>)
      b(%b : tensor<8x64xf4E2M1FN>) sfb(%sb : tensor<8x4xf8E4M3FN>)
      c(%c : tensor<128x8xf16>)
  return
}

// -----

func.func @too_few_results(%a: tensor<128x64xf4E2M1FN>, %sa: tensor<128x4xf8E4M3FN>,
    %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>, %c: tensor<128x8xf16>) {
  // expected-error @+1 {{has 1 results; the tensor form returns one tensor per C operand (2)}}
  %r = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a, %a : tensor<128x64xf4E2M1FN>, tensor<128x64xf4E2M1FN>)
      sfa(%sa, %sa : tensor<128x4xf8E4M3FN>, tensor<128x4xf8E4M3FN>)
      b(%b, %b : tensor<8x64xf4E2M1FN>, tensor<8x64xf4E2M1FN>)
      sfb(%sb, %sb : tensor<8x4xf8E4M3FN>, tensor<8x4xf8E4M3FN>)
      c(%c, %c : tensor<128x8xf16>, tensor<128x8xf16>) -> tensor<128x8xf16>
  return
}

// -----

func.func @wrong_result_type(%a: tensor<128x64xf4E2M1FN>, %sa: tensor<128x4xf8E4M3FN>,
    %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>, %c: tensor<128x8xf16>) {
  // expected-error @+1 {{result #0 has type 'tensor<128x8xf32>'; expected 'tensor<128x8xf16>', the type of C of group 0 (its initial value)}}
  %r = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : tensor<128x64xf4E2M1FN>) sfa(%sa : tensor<128x4xf8E4M3FN>)
      b(%b : tensor<8x64xf4E2M1FN>) sfb(%sb : tensor<8x4xf8E4M3FN>)
      c(%c : tensor<128x8xf16>) -> tensor<128x8xf32>
  return
}

// -----

// The result must have the init's type exactly: a static result for a
// dynamic init is a cast, not an op result.
func.func @result_static_for_dynamic_init(%a: tensor<?x64xf4E2M1FN>, %sa: tensor<?x4xf8E4M3FN>,
    %b: tensor<1x8x64xf4E2M1FN>, %sb: tensor<1x8x4xf8E4M3FN>, %c: tensor<?x8xf16>,
    %s: tensor<1xi32>) {
  // expected-error @+1 {{result #0 has type 'tensor<16x8xf16>'; expected 'tensor<?x8xf16>', the type of C (its initial value)}}
  %r = ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : tensor<?x64xf4E2M1FN>) sfa(%sa : tensor<?x4xf8E4M3FN>)
      b(%b : tensor<1x8x64xf4E2M1FN>) sfb(%sb : tensor<1x8x4xf8E4M3FN>)
      c(%c : tensor<?x8xf16>) group_sizes(%s : tensor<1xi32>) -> tensor<16x8xf16>
  return
}

// -----

func.func @memref_form_with_results(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>,
    %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{has 1 results; the memref form writes C in place and returns nothing}}
  %r = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>)
      b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>)
      c(%c : memref<128x8xf16>) -> tensor<128x8xf16>
  return
}

// -----

#enc = {sparse = true}
func.func @encoding(%a: tensor<128x64xf4E2M1FN, #enc>, %sa: tensor<128x4xf8E4M3FN>,
    %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>, %c: tensor<128x8xf16>) {
  // expected-error @+1 {{A of group 0 has the tensor encoding {sparse = true}; the tensor form takes tensors without one}}
  %r = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : tensor<128x64xf4E2M1FN, #enc>) sfa(%sa : tensor<128x4xf8E4M3FN>)
      b(%b : tensor<8x64xf4E2M1FN>) sfb(%sb : tensor<8x4xf8E4M3FN>)
      c(%c : tensor<128x8xf16>) -> tensor<128x8xf16>
  return
}

// -----

func.func @unranked(%a: tensor<*xf4E2M1FN>, %sa: tensor<128x4xf8E4M3FN>,
    %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>, %c: tensor<128x8xf16>) {
  // expected-error @+1 {{operand #0 must be variadic of ranked tensor or memref}}
  %r = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : tensor<*xf4E2M1FN>) sfa(%sa : tensor<128x4xf8E4M3FN>)
      b(%b : tensor<8x64xf4E2M1FN>) sfb(%sb : tensor<8x4xf8E4M3FN>)
      c(%c : tensor<128x8xf16>) -> tensor<128x8xf16>
  return
}

// -----

// The shape rules apply to tensors as to memrefs.
func.func @tensor_k_not_multiple_of_64(%a: tensor<128x32xf4E2M1FN>, %sa: tensor<128x2xf8E4M3FN>,
    %b: tensor<8x32xf4E2M1FN>, %sb: tensor<8x2xf8E4M3FN>, %c: tensor<128x8xf16>) {
  // expected-error @+1 {{A of group 0 has K = 32; K must be a positive multiple of 64}}
  %r = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : tensor<128x32xf4E2M1FN>) sfa(%sa : tensor<128x2xf8E4M3FN>)
      b(%b : tensor<8x32xf4E2M1FN>) sfb(%sb : tensor<8x2xf8E4M3FN>)
      c(%c : tensor<128x8xf16>) -> tensor<128x8xf16>
  return
}

// -----

func.func @tensor_dynamic_list_rows(%a: tensor<?x64xf4E2M1FN>, %sa: tensor<?x4xf8E4M3FN>,
    %b: tensor<8x64xf4E2M1FN>, %sb: tensor<8x4xf8E4M3FN>, %c: tensor<?x8xf16>) {
  // expected-error @+1 {{A of group 0 has a dynamic dimension 0 (shape ?x64); it must be static; use rows<contiguous> for run-time group sizes}}
  %r = ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : tensor<?x64xf4E2M1FN>) sfa(%sa : tensor<?x4xf8E4M3FN>)
      b(%b : tensor<8x64xf4E2M1FN>) sfb(%sb : tensor<8x4xf8E4M3FN>)
      c(%c : tensor<?x8xf16>) -> tensor<?x8xf16>
  return
}

// -----

func.func @tensor_sfb_shape(%a: tensor<?x64xf4E2M1FN>, %sa: tensor<?x4xf8E4M3FN>,
    %b: tensor<2x8x64xf4E2M1FN>, %sb: tensor<2x8x2xf8E4M3FN>, %c: tensor<?x8xf16>,
    %s: tensor<2xi32>) {
  // expected-error @+1 {{SFB has shape 2x8x2; expected 2x8x4 (N x K/16 with K = 64)}}
  %r = ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : tensor<?x64xf4E2M1FN>) sfa(%sa : tensor<?x4xf8E4M3FN>)
      b(%b : tensor<2x8x64xf4E2M1FN>) sfb(%sb : tensor<2x8x2xf8E4M3FN>)
      c(%c : tensor<?x8xf16>) group_sizes(%s : tensor<2xi32>) -> tensor<?x8xf16>
  return
}
