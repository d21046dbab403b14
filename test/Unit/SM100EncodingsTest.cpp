//===- SM100EncodingsTest.cpp - unit tests of lib/Target/SM100 ------------===//
//
// Every expected constant is worked out by hand from the PTX ISA 9.1 tables
// (section 9.7.16; the derivation is in the comment beside it), never by
// calling the encoder under test. "@a-b" means "placed in bits a to b".
//
//===----------------------------------------------------------------------===//

#include "ggemm/Target/SM100/Encodings.h"

#include <gtest/gtest.h>

using namespace ggemm::sm100;

namespace {

/// The NVFP4 MMA the lowering emits: mxf4nvf4, .block16, UE4M3 scales,
/// dense, M = 128, N = 128, .cta_group::1, K-major A and B.
InstrDescBlockScaled nvfp4Desc() {
  InstrDescBlockScaled d;
  d.kind = BlockScaledKind::Mxf4Nvf4;
  d.ctaGroup = 1;
  d.scaleVec = ScaleVec::Block16;
  d.scaleType = ScaleType::UE4M3;
  d.aType = ElemType::E2M1;
  d.bType = ElemType::E2M1;
  d.m = 128;
  d.n = 128;
  return d;
}

} // namespace

//===----------------------------------------------------------------------===//
// Instruction descriptor: section 9.7.16.4.2, Table 43 (.kind::mxf8f6f4) and
// Table 44 (.kind::mxf4, .kind::mxf4nvf4).
//===----------------------------------------------------------------------===//

TEST(InstrDescBlockScaled, Nvfp4M128N128) {
  // Table 44, .kind::mxf4nvf4:
  //   atype E2M1 = 1 @7-9    -> 1 << 7  = 0x00000080
  //   btype E2M1 = 1 @10-11  -> 1 << 10 = 0x00000400
  //   N = 128 -> N >> 3 = 16 @17-22 -> 16 << 17 = 0x00200000
  //   UE4M3 = 0 @23          -> 0
  //   M = 128 -> M >> 7 = 1 @27-28 -> 1 << 27 = 0x08000000
  //   sparsity, ids, negate, transpose, bit 31: 0
  //   total 0x08200480.
  // (CUTLASS writes M >> 4 = 8 @24-28 = 8 << 24 = 0x08000000: the same bits.)
  InstrDescBlockScaled d = nvfp4Desc();
  EXPECT_EQ(verifyInstrDescBlockScaled(d), "");
  EXPECT_EQ(encodeInstrDescBlockScaled(d), 0x08200480u);
  EXPECT_EQ(d.encode(), 0x08200480u);
}

TEST(InstrDescBlockScaled, Nvfp4N256Ue8m0Negate) {
  // Table 44: N = 256 -> 32 @17-22 -> 32 << 17 = 0x00400000;
  //   UE8M0 = 1 @23 -> 0x00800000; negate A @13 -> 0x00002000;
  //   negate B @14 -> 0x00004000; M = 128 -> 0x08000000; types 0x00000480.
  //   total 0x08000000 + 0x00800000 + 0x00400000 + 0x00006000 + 0x480
  //       = 0x08C06480.
  InstrDescBlockScaled d = nvfp4Desc();
  d.n = 256;
  d.scaleType = ScaleType::UE8M0;
  d.negateA = true;
  d.negateB = true;
  EXPECT_EQ(verifyInstrDescBlockScaled(d), "");
  EXPECT_EQ(encodeInstrDescBlockScaled(d), 0x08C06480u);
}

TEST(InstrDescBlockScaled, SparseBlock32Ids) {
  // .kind::mxf4nvf4 .block32 (= scale_vec::2X) with UE8M0, ids 0 or 2
  // (Table 44 "0 or 2"; section 9.7.16.10.7.2.2: a half-word offset).
  //   sparse @2 -> 0x00000004; SFB_ID = 2 @4-5 -> 2 << 4 = 0x00000020;
  //   types 0x00000480; N = 64 -> 8 << 17 = 0x00100000;
  //   UE8M0 @23 -> 0x00800000; M = 128 -> 0x08000000;
  //   SFA_ID = 2 @29-30 -> 2 << 29 = 0x40000000.
  //   total 0x489004A4.
  InstrDescBlockScaled d = nvfp4Desc();
  d.scaleVec = ScaleVec::Block32;
  d.scaleType = ScaleType::UE8M0;
  d.sparse = true;
  d.n = 64;
  d.sfaId = 2;
  d.sfbId = 2;
  EXPECT_EQ(verifyInstrDescBlockScaled(d), "");
  EXPECT_EQ(encodeInstrDescBlockScaled(d), 0x489004A4u);
}

TEST(InstrDescBlockScaled, CtaGroup2M256) {
  // Table 39: .cta_group::2 dense mxf4nvf4 allows M = 256.
  //   M = 256 -> M >> 7 = 2 @27-28 -> 2 << 27 = 0x10000000;
  //   N = 256 -> 0x00400000; UE4M3 -> 0; types 0x00000480.
  //   total 0x10400480.
  InstrDescBlockScaled d = nvfp4Desc();
  d.ctaGroup = 2;
  d.m = 256;
  d.n = 256;
  EXPECT_EQ(verifyInstrDescBlockScaled(d), "");
  EXPECT_EQ(encodeInstrDescBlockScaled(d), 0x10400480u);
}

TEST(InstrDescBlockScaled, Mxf4KindHasSameBits) {
  // The kind lives in the PTX qualifier, not in the descriptor: .kind::mxf4
  // with E2M1 x E2M1, UE8M0, M = N = 128 is
  //   0x08000000 + 0x00800000 + 0x00200000 + 0x00000480 = 0x08A00480.
  InstrDescBlockScaled d = nvfp4Desc();
  d.kind = BlockScaledKind::Mxf4;
  d.scaleVec = ScaleVec::Block32;
  d.scaleType = ScaleType::UE8M0;
  EXPECT_EQ(verifyInstrDescBlockScaled(d), "");
  EXPECT_EQ(encodeInstrDescBlockScaled(d), 0x08A00480u);
}

TEST(InstrDescBlockScaled, Mxf8f6f4TypesAndTranspose) {
  // Table 43, .kind::mxf8f6f4 (3-bit btype @10-12):
  //   SFB_ID = 1 @4-5 -> 0x00000010; atype E4M3 = 0 @7-9 -> 0;
  //   btype E2M1 = 5 @10-12 -> 5 << 10 = 0x00001400;
  //   transpose A @15 -> 0x00008000 (E4M3 is 8-bit, Table 54 allows it);
  //   N = 8 -> 1 << 17 = 0x00020000; UE8M0 @23 -> 0x00800000;
  //   M = 128 -> 0x08000000; SFA_ID = 3 @29-30 -> 3 << 29 = 0x60000000.
  //   total 0x68829410.
  InstrDescBlockScaled d;
  d.kind = BlockScaledKind::Mxf8f6f4;
  d.scaleVec = ScaleVec::Block32;
  d.scaleType = ScaleType::UE8M0;
  d.aType = ElemType::E4M3;
  d.bType = ElemType::E2M1;
  d.transposeA = true;
  d.m = 128;
  d.n = 8;
  d.sfaId = 3;
  d.sfbId = 1;
  EXPECT_EQ(verifyInstrDescBlockScaled(d), "");
  EXPECT_EQ(encodeInstrDescBlockScaled(d), 0x68829410u);
}

TEST(InstrDescBlockScaled, TypeCodes) {
  // Table 43: E4M3 = 0, E5M2 = 1, E2M3 = 3, E3M2 = 4, E2M1 = 5.
  EXPECT_EQ(elemTypeCode(BlockScaledKind::Mxf8f6f4, ElemType::E4M3), 0);
  EXPECT_EQ(elemTypeCode(BlockScaledKind::Mxf8f6f4, ElemType::E5M2), 1);
  EXPECT_EQ(elemTypeCode(BlockScaledKind::Mxf8f6f4, ElemType::E2M3), 3);
  EXPECT_EQ(elemTypeCode(BlockScaledKind::Mxf8f6f4, ElemType::E3M2), 4);
  EXPECT_EQ(elemTypeCode(BlockScaledKind::Mxf8f6f4, ElemType::E2M1), 5);
  // Table 44: E2M1 = 1 and nothing else.
  EXPECT_EQ(elemTypeCode(BlockScaledKind::Mxf4Nvf4, ElemType::E2M1), 1);
  EXPECT_EQ(elemTypeCode(BlockScaledKind::Mxf4, ElemType::E2M1), 1);
  EXPECT_EQ(elemTypeCode(BlockScaledKind::Mxf4Nvf4, ElemType::E4M3), -1);
}

TEST(InstrDescBlockScaled, MmaK) {
  // Table 39: mxf8f6f4 K = 32 / 64, mxf4 and mxf4nvf4 K = 64 / 128
  // (dense / sparse).
  EXPECT_EQ(mmaK(BlockScaledKind::Mxf4Nvf4, false), 64u);
  EXPECT_EQ(mmaK(BlockScaledKind::Mxf4Nvf4, true), 128u);
  EXPECT_EQ(mmaK(BlockScaledKind::Mxf4, false), 64u);
  EXPECT_EQ(mmaK(BlockScaledKind::Mxf8f6f4, false), 32u);
  EXPECT_EQ(mmaK(BlockScaledKind::Mxf8f6f4, true), 64u);
}

TEST(InstrDescBlockScaled, FieldsAreMasked) {
  // SFB_ID is 2 bits @4-5: 7 is cut to 3 -> 0x30 and nothing else moves.
  // 0x08200480 | 0x30 = 0x082004B0.
  InstrDescBlockScaled d = nvfp4Desc();
  d.sfbId = 7;
  EXPECT_EQ(encodeInstrDescBlockScaled(d), 0x082004B0u);
  EXPECT_NE(verifyInstrDescBlockScaled(d), "");
}

TEST(InstrDescBlockScaled, RejectsIllegal) {
  auto rejects = [](auto edit) {
    InstrDescBlockScaled d = nvfp4Desc();
    edit(d);
    return !verifyInstrDescBlockScaled(d).empty();
  };
  // Table 39, .cta_group::1: M = 128 only, N in 8..256 step 8.
  EXPECT_TRUE(rejects([](auto &d) { d.m = 64; }));
  EXPECT_TRUE(rejects([](auto &d) { d.m = 256; }));
  EXPECT_TRUE(rejects([](auto &d) { d.n = 132; }));
  EXPECT_TRUE(rejects([](auto &d) { d.n = 264; }));
  EXPECT_TRUE(rejects([](auto &d) { d.n = 0; }));
  // Table 39, .cta_group::2: N step 16; sparse needs M = 256.
  EXPECT_TRUE(rejects([](auto &d) {
    d.ctaGroup = 2;
    d.n = 24;
  }));
  EXPECT_TRUE(rejects([](auto &d) {
    d.ctaGroup = 2;
    d.sparse = true;
  }));
  EXPECT_TRUE(rejects([](auto &d) { d.ctaGroup = 4; }));
  // Sections 9.7.16.10.7.2.3 / 9.7.16.10.7.3.3: .block16 ids must be 0.
  EXPECT_TRUE(rejects([](auto &d) { d.sfaId = 2; }));
  EXPECT_TRUE(rejects([](auto &d) { d.sfbId = 2; }));
  // Table 44: .block32 ids of mxf4nvf4 are 0 or 2.
  EXPECT_TRUE(rejects([](auto &d) {
    d.scaleVec = ScaleVec::Block32;
    d.scaleType = ScaleType::UE8M0;
    d.sfaId = 1;
  }));
  // Table 57: UE4M3 only with .block16.
  EXPECT_TRUE(rejects([](auto &d) { d.scaleVec = ScaleVec::Block32; }));
  // Table 57: .kind::mxf4 only UE8M0, and .block16 only for mxf4nvf4.
  EXPECT_TRUE(rejects([](auto &d) { d.kind = BlockScaledKind::Mxf4; }));
  // Table 44: mxf4nvf4 takes E2M1 only.
  EXPECT_TRUE(rejects([](auto &d) { d.aType = ElemType::E4M3; }));
  // Table 51: no transpose for mxf4nvf4.
  EXPECT_TRUE(rejects([](auto &d) { d.transposeB = true; }));
  // Table 54: 4-bit types cannot be MN-major even under mxf8f6f4.
  EXPECT_TRUE(rejects([](auto &d) {
    d.kind = BlockScaledKind::Mxf8f6f4;
    d.scaleVec = ScaleVec::Block32;
    d.scaleType = ScaleType::UE8M0;
    d.transposeA = true;
  }));
  // And the legal variants pass.
  EXPECT_FALSE(rejects([](auto &d) { d.n = 8; }));
  EXPECT_FALSE(rejects([](auto &d) { d.n = 248; }));
  EXPECT_FALSE(rejects([](auto &d) { d.scaleType = ScaleType::UE8M0; }));
}

//===----------------------------------------------------------------------===//
// Shared memory descriptor: section 9.7.16.4.1, Table 40; LBO/SBO meaning
// and worked examples in section 9.7.16.3.
//===----------------------------------------------------------------------===//

TEST(SmemDesc, IsaExampleKMajorNoSwizzleTf32) {
  // Section 9.7.16.3.3, Figure 188 (K-major, no swizzling, tf32):
  //   LBO = 64 * 4 = 256 bytes -> 256 >> 4 = 16 @16-29 -> 0x0000000000100000
  //   SBO = 32 * 4 = 128 bytes -> 128 >> 4 = 8 @32-45  -> 0x0000000800000000
  //   fixed 0b001 @46-48                               -> 0x0000400000000000
  //   start 0, base offset 0, mode 0, swizzle 0.
  //   total 0x0000400800100000.
  SmemDesc d;
  d.leadingByteOffset = 256;
  d.strideByteOffset = 128;
  EXPECT_EQ(verifySmemDesc(d), "");
  EXPECT_EQ(encodeSmemDesc(d), 0x0000400800100000ull);
  EXPECT_EQ(d.encode(), 0x0000400800100000ull);
}

TEST(SmemDesc, Nvfp4KMajorSwizzle128) {
  // A 128 x 256 e2m1 tile, K-major, 128B swizzle: rows of 128 bytes, SBO =
  // 8 rows * 128 B = 1024 (section 9.7.16.3.2); LBO unused for swizzled
  // K-major, "assumed to be 1" (section 9.7.16.3.1.1), so 16 bytes.
  //   start 1024 >> 4 = 64 @0-13     -> 0x0000000000000040
  //   LBO 16 >> 4 = 1 @16-29         -> 0x0000000000010000
  //   SBO 1024 >> 4 = 64 @32-45      -> 0x0000004000000000
  //   fixed 0b001 @46-48             -> 0x0000400000000000
  //   128B swizzle = 2 @61-63        -> 0x4000000000000000
  //   total 0x4000404000010040.
  SmemDesc d;
  d.startAddress = 1024;
  d.leadingByteOffset = 16;
  d.strideByteOffset = 1024;
  d.swizzle = SmemSwizzle::B128;
  EXPECT_EQ(verifySmemDesc(d), "");
  EXPECT_EQ(encodeSmemDesc(d), 0x4000404000010040ull);
}

TEST(SmemDesc, IsaExampleMnMajorSwizzle64WithBaseOffset) {
  // Section 9.7.16.3.3, Figure 192 (MN-major, 64B swizzling, bf16):
  //   LBO = 256 * 2 = 512 -> 32 @16-29 -> 0x0000000000200000
  //   SBO = 512 * 2 = 1024 -> 64 @32-45 -> 0x0000004000000000
  // plus start 0x12340 -> 0x1234 @0-13, base offset 3 @49-51 -> 3 << 49 =
  // 0x0006000000000000, fixed 0x0000400000000000, 64B swizzle = 4 @61-63 ->
  // 0x8000000000000000.
  //   total 0x8006404000201234.
  SmemDesc d;
  d.startAddress = 0x12340;
  d.leadingByteOffset = 512;
  d.strideByteOffset = 1024;
  d.baseOffset = 3;
  d.swizzle = SmemSwizzle::B64;
  EXPECT_EQ(verifySmemDesc(d), "");
  EXPECT_EQ(encodeSmemDesc(d), 0x8006404000201234ull);
}

TEST(SmemDesc, SwizzleCodesAndLboMode) {
  // Table 40 bits 61-63: 32B = 6 -> 0xC000000000000000; 128B with 32B
  // atomicity = 1 -> 0x2000000000000000; both with the fixed
  // 0x0000400000000000.
  SmemDesc d;
  d.swizzle = SmemSwizzle::B32;
  EXPECT_EQ(encodeSmemDesc(d), 0xC000400000000000ull);
  d.swizzle = SmemSwizzle::B128Base32B;
  EXPECT_EQ(encodeSmemDesc(d), 0x2000400000000000ull);
  EXPECT_EQ(verifySmemDesc(d), "");
  // Bit 52, absolute mode: 1 << 52 = 0x0010000000000000; sm_103a only
  // (section 9.7.16.4.1.1), so verify rejects it for sm_100a.
  SmemDesc abs;
  abs.lboMode = LboMode::Absolute;
  EXPECT_EQ(encodeSmemDesc(abs), 0x0010400000000000ull);
  EXPECT_NE(verifySmemDesc(abs), "");
}

TEST(SmemDesc, EncodeMasksTo18Bits) {
  // matrix-descriptor-encode(0x40010) = (0x40010 & 0x3FFFF) >> 4 = 0x1, so
  // bit 18 is lost: the encoding is 0x0000400000000001, and verify says why.
  EXPECT_EQ(matrixDescriptorEncode(0x40010), 0x1u);
  EXPECT_EQ(matrixDescriptorEncode(0x3FFF0), 0x3FFFu);
  SmemDesc d;
  d.startAddress = 0x40010;
  EXPECT_EQ(encodeSmemDesc(d), 0x0000400000000001ull);
  EXPECT_NE(verifySmemDesc(d), "");
}

TEST(SmemDesc, RejectsIllegal) {
  auto rejects = [](auto edit) {
    SmemDesc d;
    d.startAddress = 0x400;
    d.strideByteOffset = 1024;
    edit(d);
    return !verifySmemDesc(d).empty();
  };
  // Text after Table 41: start, LBO and SBO must be 16-byte aligned.
  EXPECT_TRUE(rejects([](auto &d) { d.startAddress = 0x1008; }));
  EXPECT_TRUE(rejects([](auto &d) { d.leadingByteOffset = 8; }));
  EXPECT_TRUE(rejects([](auto &d) { d.strideByteOffset = 1000; }));
  // 14-bit fields of x >> 4: x must be below 2^18.
  EXPECT_TRUE(rejects([](auto &d) { d.startAddress = 0x40000; }));
  EXPECT_TRUE(rejects([](auto &d) { d.strideByteOffset = 0x40000; }));
  // 3-bit base offset.
  EXPECT_TRUE(rejects([](auto &d) { d.baseOffset = 8; }));
  // Table 40: swizzle values 3, 5 and 7 are invalid.
  EXPECT_TRUE(
      rejects([](auto &d) { d.swizzle = static_cast<SmemSwizzle>(3); }));
  EXPECT_TRUE(
      rejects([](auto &d) { d.swizzle = static_cast<SmemSwizzle>(5); }));
  EXPECT_TRUE(
      rejects([](auto &d) { d.swizzle = static_cast<SmemSwizzle>(7); }));
  EXPECT_FALSE(rejects([](auto &d) { d.startAddress = 0x3FFF0; }));
}

TEST(SmemDesc, BaseOffsetFormula) {
  // Text after Table 41: base offset = (pattern start addr >> 7) & 7.
  //   0x400 (a 1024-byte boundary) -> 8 & 7 = 0
  //   0x380 -> 7 & 7 = 7
  //   0x1280 -> 0x25 & 7 = 5
  EXPECT_EQ(smemDescBaseOffset(0x400), 0);
  EXPECT_EQ(smemDescBaseOffset(0x380), 7);
  EXPECT_EQ(smemDescBaseOffset(0x1280), 5);
}

//===----------------------------------------------------------------------===//
// Tensor Memory: sections 9.7.16.1 (addressing), 9.7.16.7.1 (alloc),
// 9.7.16.8.1 (warp access), 9.7.16.10.5.4 (Layout D).
//===----------------------------------------------------------------------===//

TEST(Tmem, Address) {
  // Section 9.7.16.1.1: lane @31-16, column @15-0.
  EXPECT_EQ(tmemAddress(0, 0), 0x00000000u);
  EXPECT_EQ(tmemAddress(0, 128), 0x00000080u);   // column 128 = 0x80
  EXPECT_EQ(tmemAddress(32, 0), 0x00200000u);    // lane 32 = 0x20 << 16
  EXPECT_EQ(tmemAddress(96, 511), 0x006001FFu);  // 0x60 << 16 | 0x1FF
  EXPECT_EQ(tmemAddress(127, 256), 0x007F0100u); // 0x7F << 16 | 0x100
  EXPECT_EQ(tmemLaneOf(0x006001FFu), 96u);
  EXPECT_EQ(tmemColumnOf(0x006001FFu), 511u);
}

TEST(Tmem, WarpLaneQuarters) {
  // Section 9.7.16.8.1: warp w of a warpgroup reaches lanes 32 * (w % 4)..
  EXPECT_EQ(tmemLaneBaseForWarp(0), 0u);
  EXPECT_EQ(tmemLaneBaseForWarp(1), 32u);
  EXPECT_EQ(tmemLaneBaseForWarp(5), 32u);
  EXPECT_EQ(tmemLaneBaseForWarp(7), 96u);
}

TEST(Tmem, AllocColumns) {
  // Section 9.7.16.7.1: nCols is a power of 2 in [32, 512].
  for (uint32_t ok : {32u, 64u, 128u, 256u, 512u})
    EXPECT_TRUE(isValidTmemAllocColumns(ok)) << ok;
  for (uint32_t bad : {0u, 1u, 16u, 33u, 48u, 96u, 1024u})
    EXPECT_FALSE(isValidTmemAllocColumns(bad)) << bad;
  // Round up to the next legal value; 0 when over 512.
  EXPECT_EQ(tmemAllocColumnsFor(0), 32u);
  EXPECT_EQ(tmemAllocColumnsFor(1), 32u);
  EXPECT_EQ(tmemAllocColumnsFor(32), 32u);
  EXPECT_EQ(tmemAllocColumnsFor(33), 64u);
  EXPECT_EQ(tmemAllocColumnsFor(256), 256u);
  EXPECT_EQ(tmemAllocColumnsFor(288), 512u);
  EXPECT_EQ(tmemAllocColumnsFor(513), 0u);
}

TEST(Tmem, Accumulators) {
  // Layout D (M = 128, .cta_group::1): one f32 cell per (row, column), row m
  // in lane m, so an N-wide accumulator takes N columns.
  //   two 128 x 128 -> 256 columns -> alloc 256
  //   two 128 x 256 -> 512 columns -> alloc 512
  //   three 128 x 256 -> 768 columns -> does not fit (0)
  EXPECT_EQ(tmemAccumulatorColumns(128, 2), 256u);
  EXPECT_EQ(tmemAllocColumnsFor(tmemAccumulatorColumns(128, 2)), 256u);
  EXPECT_EQ(tmemAllocColumnsFor(tmemAccumulatorColumns(256, 2)), 512u);
  EXPECT_EQ(tmemAllocColumnsFor(tmemAccumulatorColumns(256, 3)), 0u);
}

//===----------------------------------------------------------------------===//
// Block16 scale factors: sections 9.7.16.10.7 and 9.7.16.9.2, under the
// layout assumption spelled out in Encodings.h.
//===----------------------------------------------------------------------===//

TEST(Block16Sf, AtomPosition) {
  // smemByte = (row % 32) * 16 + (row / 32) * 4 + kBlock; column row / 32;
  // lane row % 32; byte kBlock.
  //   (0, 0)   -> 0,                     column 0, lane 0,  byte 0
  //   (33, 2)  -> 1*16 + 1*4 + 2 = 22,   column 1, lane 1,  byte 2
  //   (64, 1)  -> 0 + 2*4 + 1 = 9,       column 2, lane 0,  byte 1
  //   (127, 3) -> 31*16 + 3*4 + 3 = 511, column 3, lane 31, byte 3
  struct Case {
    uint32_t row, kb, byte, column, lane;
  } cases[] = {{0, 0, 0, 0, 0},
               {33, 2, 22, 1, 1},
               {64, 1, 9, 2, 0},
               {127, 3, 511, 3, 31}};
  for (const Case &c : cases) {
    SfAtomPosition p = sfAtomPosition(c.row, c.kb);
    EXPECT_EQ(p.smemByte, c.byte) << c.row << "," << c.kb;
    EXPECT_EQ(p.column, c.column) << c.row;
    EXPECT_EQ(p.lane, c.lane) << c.row;
    EXPECT_EQ(p.byteInCell, c.kb) << c.row;
  }
}

TEST(Block16Sf, AtomCopyDescriptor) {
  // 32 rows x 16 bytes, unswizzled: SBO = 128 -> 8 @32-45 = 0x0000000800000000;
  // LBO 0; fixed 0x0000400000000000; start 0x800 >> 4 = 0x80.
  //   total 0x0000400800000080.
  SmemDesc d = sfAtomCopySmemDesc(0x800);
  EXPECT_EQ(verifySmemDesc(d), "");
  EXPECT_EQ(encodeSmemDesc(d), 0x0000400800000080ull);
}

TEST(Block16Sf, N128KTile256) {
  // Two 128x128 f32 accumulators in columns 0-255; SFA from 256, SFB from 272.
  // Per MMA (K = 64): SFA 4 columns (128 rows / 32 lanes), SFB 4 columns
  // (one 128-row atom). MMA k -> SFA 256 + 4k, SFB 272 + 4k, ids 0:
  //   k = 0: 256 = 0x100, 272 = 0x110    k = 2: 264 = 0x108, 280 = 0x118
  //   k = 1: 260 = 0x104, 276 = 0x114    k = 3: 268 = 0x10C, 284 = 0x11C
  // SF columns: 4 MMAs * (4 + 4) = 32; total 256 + 32 = 288 -> alloc 512.
  Block16SfLayout l;
  l.n = 128;
  l.kTile = 256;
  l.sfaBaseColumn = 256;
  l.sfbBaseColumn = 272;
  EXPECT_EQ(verifyBlock16SfLayout(l), "");
  const uint32_t sfa[4] = {0x100, 0x104, 0x108, 0x10C};
  const uint32_t sfb[4] = {0x110, 0x114, 0x118, 0x11C};
  for (uint32_t k = 0; k < 4; ++k) {
    Block16MmaScaleOperands ops = block16MmaScaleOperands(l, k);
    EXPECT_EQ(ops.sfaTmemAddress, sfa[k]) << k;
    EXPECT_EQ(ops.sfbTmemAddress, sfb[k]) << k;
    EXPECT_EQ(ops.sfaId, 0u);
    EXPECT_EQ(ops.sfbId, 0u);
  }
  EXPECT_EQ(block16SfColumns(128, 256), 32u);
  EXPECT_EQ(tmemAllocColumnsFor(tmemAccumulatorColumns(128, 2) +
                                block16SfColumns(128, 256)),
            512u);
}

TEST(Block16Sf, N256TwoAtomsPerMma) {
  // N = 256: two B atoms per MMA, side by side -> 8 columns per MMA.
  // SFB for MMA k from 272 + 8k: 272, 280, 288, 296 (0x110, 0x118, 0x120,
  // 0x128); atom (k = 1, nAtom = 1) at 272 + 8 + 4 = 284.
  // SF columns: 4 * (4 + 8) = 48.
  Block16SfLayout l;
  l.n = 256;
  l.kTile = 256;
  l.sfaBaseColumn = 256;
  l.sfbBaseColumn = 272;
  EXPECT_EQ(verifyBlock16SfLayout(l), "");
  EXPECT_EQ(block16SfbColumnsPerMma(256), 8u);
  const uint32_t sfb[4] = {0x110, 0x118, 0x120, 0x128};
  for (uint32_t k = 0; k < 4; ++k)
    EXPECT_EQ(block16MmaScaleOperands(l, k).sfbTmemAddress, sfb[k]) << k;
  EXPECT_EQ(block16SfbAtomColumn(l, 1, 1), 284u);
  EXPECT_EQ(block16SfaAtomColumn(l, 3), 268u);
  EXPECT_EQ(block16SfColumns(256, 256), 48u);
}

TEST(Block16Sf, SmallNKeepsWholeAtoms) {
  // N = 64 reads ceil(64 / 32) = 2 columns but the copy writes a whole
  // 4-column atom: 4 * ceil(64 / 128) = 4; likewise N = 8.
  EXPECT_EQ(block16SfbColumnsPerMma(64), 4u);
  EXPECT_EQ(block16SfbColumnsPerMma(8), 4u);
  EXPECT_EQ(block16SfbColumnsPerMma(136), 8u);
}

TEST(Block16Sf, OperandsMatchDescriptorIds) {
  // The ids the placement hands out must be ones verify accepts for the
  // NVFP4 descriptor (block16 -> 0), giving the descriptor of
  // Nvfp4M128N128: 0x08200480.
  Block16SfLayout l;
  l.sfbBaseColumn = 16;
  Block16MmaScaleOperands ops = block16MmaScaleOperands(l, 2);
  InstrDescBlockScaled d = nvfp4Desc();
  d.sfaId = ops.sfaId;
  d.sfbId = ops.sfbId;
  EXPECT_EQ(verifyInstrDescBlockScaled(d), "");
  EXPECT_EQ(d.encode(), 0x08200480u);
}

TEST(Block16Sf, RejectsBadLayouts) {
  auto rejects = [](auto edit) {
    Block16SfLayout l;
    l.sfaBaseColumn = 256;
    l.sfbBaseColumn = 272;
    edit(l);
    return !verifyBlock16SfLayout(l).empty();
  };
  EXPECT_TRUE(rejects([](auto &l) { l.n = 132; }));
  EXPECT_TRUE(rejects([](auto &l) { l.n = 264; }));
  EXPECT_TRUE(rejects([](auto &l) { l.kTile = 96; }));
  EXPECT_TRUE(rejects([](auto &l) { l.kTile = 0; }));
  // SFA 256..271 vs SFB from 268: overlap.
  EXPECT_TRUE(rejects([](auto &l) { l.sfbBaseColumn = 268; }));
  // SFB 500 + 16 = 516 > 512.
  EXPECT_TRUE(rejects([](auto &l) { l.sfbBaseColumn = 500; }));
  // SFB below SFA without overlap: 240..255 then 256..271.
  EXPECT_FALSE(rejects([](auto &l) { l.sfbBaseColumn = 240; }));
}
