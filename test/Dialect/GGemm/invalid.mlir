// Every rule of the ggemm.grouped_matmul verifier, one failing input each.
// RUN: gemm-opt %s -split-input-file -verify-diagnostics

// The custom form cannot spell an empty list; the generic form can.
func.func @empty_group_list() {
  // expected-error @+1 {{has an empty group list; it needs at least one group}}
  "ggemm.grouped_matmul"() <{operandSegmentSizes = array<i32: 0, 0, 0, 0, 0, 0, 0, 0>,
      rows = #ggemm.rows<list>, scale_layout = #ggemm.scale_layout<row_major>}> : () -> ()
  return
}

// -----

func.func @operand_count_mismatch(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{has 2 A operands but 1 SFB operands; rows<list> needs one of each per group}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a, %a : memref<128x64xf4E2M1FN>, memref<128x64xf4E2M1FN>) sfa(%sa, %sa : memref<128x4xf8E4M3FN>, memref<128x4xf8E4M3FN>) b(%b, %b : memref<8x64xf4E2M1FN>, memref<8x64xf4E2M1FN>)
      sfb(%sb : memref<8x4xf8E4M3FN>) c(%c, %c : memref<128x8xf16>, memref<128x8xf16>)
  return
}

// -----

func.func @list_with_group_sizes(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>, %s: memref<1xi32>) {
  // expected-error @+1 {{takes group_sizes only with rows<contiguous>, rows<offsets>, rows<masked> or rows<gathered>; rows<list> has static group sizes}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<128x8xf16>) group_sizes(%s : memref<1xi32>)
  return
}

// -----

func.func @a_wrong_element_type(%a: memref<128x64xf8E4M3FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{A of group 0 has element type 'f8E4M3FN'; expected 'f4E2M1FN'}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf8E4M3FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @a_wrong_rank(%a: memref<1x128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{A of group 0 has rank 3; expected rank 2}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<1x128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @a_strided_layout(%a: memref<128x64xf4E2M1FN, strided<[128, 1]>>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{A of group 0 must have the identity (dense row-major) layout}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN, strided<[128, 1]>>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @a_dynamic_m_in_list(%a: memref<?x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{A of group 0 has a dynamic dimension 0 (shape ?x64); it must be static; use rows<contiguous> for run-time group sizes}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @absurd_size(%a: memref<4294967296x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{A of group 0 has a dimension of 4294967296; sizes must be below 2^31 (32-bit indexing)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<4294967296x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @k_not_multiple(%a: memref<128x96xf4E2M1FN>, %sa: memref<128x6xf8E4M3FN>, %b: memref<8x96xf4E2M1FN>, %sb: memref<8x6xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{A of group 0 has K = 96; K must be a positive multiple of 64 (four 16-element scale blocks per MMA step)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x96xf4E2M1FN>) sfa(%sa : memref<128x6xf8E4M3FN>) b(%b : memref<8x96xf4E2M1FN>) sfb(%sb : memref<8x6xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @k_zero(%a: memref<128x0xf4E2M1FN>, %sa: memref<128x0xf8E4M3FN>, %b: memref<8x0xf4E2M1FN>, %sb: memref<8x0xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{A of group 0 has K = 0; K must be a positive multiple of 64}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x0xf4E2M1FN>) sfa(%sa : memref<128x0xf8E4M3FN>) b(%b : memref<8x0xf4E2M1FN>) sfb(%sb : memref<8x0xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @b_dynamic(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<?x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{B of group 0 has a dynamic dimension 0 (shape ?x64); it must be static}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<?x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @b_k_mismatch(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x128xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{B of group 0 has K = 128; A of group 0 has K = 64 (A and B of a group share K)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<8x128xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @n_not_multiple(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<12x64xf4E2M1FN>, %sb: memref<12x4xf8E4M3FN>, %c: memref<128x12xf16>) {
  // expected-error @+1 {{B of group 0 has N = 12; N must be a positive multiple of 8 (16-byte rows of the f16 output)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<12x64xf4E2M1FN>) sfb(%sb : memref<12x4xf8E4M3FN>) c(%c : memref<128x12xf16>)
  return
}

// -----

func.func @b_wrong_element_type(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xi8>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{B of group 0 has element type 'i8'; expected 'f4E2M1FN'}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<8x64xi8>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @sfa_not_k_over_16(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x3xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{SFA of group 0 has shape 128x3; expected 128x4 (M x K/16 with K = 64)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x3xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @sfa_wrong_element_type(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E5M2>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{SFA of group 0 has element type 'f8E5M2'; expected 'f8E4M3FN'}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E5M2>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @sfb_wrong_rows(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<16x4xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{SFB of group 0 has shape 16x4; expected 8x4 (N x K/16 with K = 64)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<16x4xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

// The blocked layout wants 4-D atoms; a row-major SFA is refused.
func.func @sfa_blocked_rank(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<1x1x32x16xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{SFA of group 0 has rank 2; expected rank 4}}
  ggemm.grouped_matmul rows<list> scales<blocked_128x4>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<1x1x32x16xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @sfb_blocked_shape(%a: memref<128x64xf4E2M1FN>, %sa: memref<1x1x32x16xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<1x2x32x16xf8E4M3FN>, %c: memref<128x8xf16>) {
  // expected-error @+1 {{SFB of group 0 has shape 1x2x32x16; expected 1x1x32x16 (blocked_128x4 atoms of N = 8 rows, K/16 = 4 scale columns: ceil(8/128) x ceil(4/4) x 32 x 16)}}
  ggemm.grouped_matmul rows<list> scales<blocked_128x4>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<1x1x32x16xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<1x2x32x16xf8E4M3FN>) c(%c : memref<128x8xf16>)
  return
}

// -----

func.func @c_wrong_shape(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<64x8xf16>) {
  // expected-error @+1 {{C of group 0 has shape 64x8; expected 128x8 (M x N)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<64x8xf16>)
  return
}

// -----

func.func @c_wrong_element_type(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf32>) {
  // expected-error @+1 {{C of group 0 has element type 'f32'; expected 'f16'}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<128x8xf32>)
  return
}

// -----

func.func @alpha_wrong_length(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>, %al: memref<2xf32>) {
  // expected-error @+1 {{alpha has shape 2; expected 1 (one f32 per group)}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<128x8xf16>) alpha(%al : memref<2xf32>)
  return
}

// -----

func.func @alpha_wrong_type(%a: memref<128x64xf4E2M1FN>, %sa: memref<128x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<8x4xf8E4M3FN>, %c: memref<128x8xf16>, %al: memref<1xf16>) {
  // expected-error @+1 {{alpha has element type 'f16'; expected 'f32'}}
  ggemm.grouped_matmul rows<list> scales<row_major>
      a(%a : memref<128x64xf4E2M1FN>) sfa(%sa : memref<128x4xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<8x4xf8E4M3FN>) c(%c : memref<128x8xf16>) alpha(%al : memref<1xf16>)
  return
}

// -----

func.func @contiguous_two_a(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<2xi32>) {
  // expected-error @+1 {{takes exactly one A buffer with rows<contiguous>; got 2}}
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a, %a : memref<?x64xf4E2M1FN>, memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>) b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>) c(%c : memref<?x8xf16>)
      group_sizes(%s : memref<2xi32>)
  return
}

// -----

func.func @contiguous_without_sizes(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>) {
  // expected-error @+1 {{with rows<contiguous> needs group_sizes, a memref<G x i32> of per-group row counts}}
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>) b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>) c(%c : memref<?x8xf16>)
  return
}

// -----

func.func @contiguous_blocked(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<2xi32>) {
  // expected-error @+1 {{supports scales<blocked_128x4> only with rows<list>}}
  ggemm.grouped_matmul rows<contiguous> scales<blocked_128x4>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>) b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>) c(%c : memref<?x8xf16>)
      group_sizes(%s : memref<2xi32>)
  return
}

// -----

func.func @sizes_wrong_type(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<2xi64>) {
  // expected-error @+1 {{group_sizes has element type 'i64'; expected 'i32'}}
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>) b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>) c(%c : memref<?x8xf16>)
      group_sizes(%s : memref<2xi64>)
  return
}

// -----

func.func @sizes_dynamic(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<?xi32>) {
  // expected-error @+1 {{group_sizes has a dynamic dimension 0 (shape ?); it must be static (its length is the number of groups)}}
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>) b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>) c(%c : memref<?x8xf16>)
      group_sizes(%s : memref<?xi32>)
  return
}

// -----

func.func @sizes_empty(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<0x8x64xf4E2M1FN>, %sb: memref<0x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<0xi32>) {
  // expected-error @+1 {{has an empty group list (group_sizes has length 0); it needs at least one group}}
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>) b(%b : memref<0x8x64xf4E2M1FN>) sfb(%sb : memref<0x8x4xf8E4M3FN>) c(%c : memref<?x8xf16>)
      group_sizes(%s : memref<0xi32>)
  return
}

// -----

func.func @b_not_3d(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<2xi32>) {
  // expected-error @+1 {{B has rank 2; expected rank 3}}
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>) b(%b : memref<8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>) c(%c : memref<?x8xf16>)
      group_sizes(%s : memref<2xi32>)
  return
}

// -----

func.func @b_group_mismatch(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<3x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<2xi32>) {
  // expected-error @+1 {{B has 3 groups; group_sizes has 2 (B is G x N x K)}}
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>) b(%b : memref<3x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>) c(%c : memref<?x8xf16>)
      group_sizes(%s : memref<2xi32>)
  return
}

// -----

func.func @contiguous_k_mismatch(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x128xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<2xi32>) {
  // expected-error @+1 {{B has K = 128; A has K = 64 (all groups share K in rows<contiguous>)}}
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>) b(%b : memref<2x8x128xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>) c(%c : memref<?x8xf16>)
      group_sizes(%s : memref<2xi32>)
  return
}

// -----

func.func @contiguous_k_dynamic(%a: memref<?x?xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<2xi32>) {
  // expected-error @+1 {{A has a dynamic dimension 1 (shape ?x?); it must be static}}
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x?xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>) b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>) c(%c : memref<?x8xf16>)
      group_sizes(%s : memref<2xi32>)
  return
}

// -----

func.func @sfa_rows_mismatch(%a: memref<?x64xf4E2M1FN>, %sa: memref<100x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<2xi32>) {
  // expected-error @+1 {{SFA has shape 100x4; expected ?x4 (M_total x K/16 with K = 64)}}
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<100x4xf8E4M3FN>) b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>) c(%c : memref<?x8xf16>)
      group_sizes(%s : memref<2xi32>)
  return
}

// -----

func.func @sfb_group_mismatch(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<1x8x4xf8E4M3FN>, %c: memref<?x8xf16>, %s: memref<2xi32>) {
  // expected-error @+1 {{SFB has shape 1x8x4; expected 2x8x4 (N x K/16 with K = 64)}}
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>) b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<1x8x4xf8E4M3FN>) c(%c : memref<?x8xf16>)
      group_sizes(%s : memref<2xi32>)
  return
}

// -----

func.func @c_rows_mismatch(%a: memref<?x64xf4E2M1FN>, %sa: memref<?x4xf8E4M3FN>, %b: memref<2x8x64xf4E2M1FN>, %sb: memref<2x8x4xf8E4M3FN>, %c: memref<100x8xf16>, %s: memref<2xi32>) {
  // expected-error @+1 {{C has shape 100x8; expected ?x8 (M_total x N)}}
  ggemm.grouped_matmul rows<contiguous> scales<row_major>
      a(%a : memref<?x64xf4E2M1FN>) sfa(%sa : memref<?x4xf8E4M3FN>) b(%b : memref<2x8x64xf4E2M1FN>) sfb(%sb : memref<2x8x4xf8E4M3FN>) c(%c : memref<100x8xf16>)
      group_sizes(%s : memref<2xi32>)
  return
}
