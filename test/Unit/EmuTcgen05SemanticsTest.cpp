//===- EmuTcgen05SemanticsTest.cpp - tcgen05 semantics from the ISA tables ===//
//
// The emulator's decoding of the tcgen05 descriptors, Tensor Memory
// addresses, operand layouts and number formats, each expected value
// worked out by hand from the PTX ISA (9.1, section 9.7.16) in the comment
// beside it. Nothing here calls ggemm's encoders (include/ggemm/Target):
// the emulator's reading of the ISA is checked against the tables, not
// against the lowering's reading.
//
//===----------------------------------------------------------------------===//

#include "../../lib/Emulator/Tcgen05Semantics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>

using namespace ggemm::emu::sem;

namespace {

// Each raw descriptor in `bad` decodes (`decode`) to one `check` refuses.
template <class Raw, class Decode, class Check>
void expectRefused(std::initializer_list<Raw> bad, Decode decode,
                   Check check) {
  for (Raw raw : bad)
    EXPECT_NE(check(decode(raw)), "") << std::hex << raw;
}

TEST(EmuTcgen05Semantics, InstructionDescriptorFields) {
  // Table 44: atype bits 7-9, btype 10-11, N >> 3 at 17-22, M >> 7 at
  // 27-28. E2M1 = 1 in both, N = 128 (16 << 17 = 0x200000), M = 128
  // (1 << 27): 0x80 | 0x400 | 0x200000 | 0x08000000.
  BlockScaledInstrDesc d = decodeBlockScaledInstrDesc(0x08200480u);
  EXPECT_EQ(d.atype, 1u);
  EXPECT_EQ(d.btype, 1u);
  EXPECT_EQ(d.n, 128u);
  EXPECT_EQ(d.m, 128u);
  EXPECT_EQ(d.scaleType, 0u);
  EXPECT_EQ(d.sfaId, 0u);
  EXPECT_EQ(d.sfbId, 0u);
  EXPECT_FALSE(d.sparse || d.negateA || d.negateB || d.transposeA ||
               d.transposeB || d.k96);
  EXPECT_EQ(checkMxf4nvf4Block16Desc(d), "");
  // one field at a time: bit 2 sparsity, bits 4-5 SFB id (2 -> 0x20),
  // bit 13/14 negate, bit 15 transpose A, bit 23 UE8M0, bits 29-30 SFA id
  // (1 -> 0x20000000), bit 31 K = 96, bit 3 and bit 24 reserved
  EXPECT_TRUE(decodeBlockScaledInstrDesc(0x08200484u).sparse);
  EXPECT_EQ(decodeBlockScaledInstrDesc(0x082004A0u).sfbId, 2u);
  EXPECT_TRUE(decodeBlockScaledInstrDesc(0x08202480u).negateA);
  EXPECT_TRUE(decodeBlockScaledInstrDesc(0x08204480u).negateB);
  EXPECT_TRUE(decodeBlockScaledInstrDesc(0x08208480u).transposeA);
  EXPECT_EQ(decodeBlockScaledInstrDesc(0x08A00480u).scaleType, 1u);
  EXPECT_EQ(decodeBlockScaledInstrDesc(0x28200480u).sfaId, 1u);
  EXPECT_TRUE(decodeBlockScaledInstrDesc(0x88200480u).k96);
  expectRefused<uint32_t>({0x08200484u, 0x082004A0u, 0x08208480u, 0x08A00480u,
                           0x28200480u, 0x88200480u, 0x08200488u, 0x09200480u},
                          decodeBlockScaledInstrDesc, checkMxf4nvf4Block16Desc);
  // N: 64 (8 << 17 = 0x100000), 192 (24 << 17 = 0x300000) and 8
  // (1 << 17) are valid (Table 39: 8..256 in steps of 8); 0 and 264
  // (33 << 17 = 0x420000) are not; M = 256 (2 << 27) is .cta_group::2
  EXPECT_EQ(decodeBlockScaledInstrDesc(0x08100480u).n, 64u);
  EXPECT_EQ(checkMxf4nvf4Block16Desc(decodeBlockScaledInstrDesc(0x08300480u)), "");
  EXPECT_EQ(checkMxf4nvf4Block16Desc(decodeBlockScaledInstrDesc(0x08020480u)), "");
  EXPECT_NE(checkMxf4nvf4Block16Desc(decodeBlockScaledInstrDesc(0x08000480u)), "");
  EXPECT_NE(checkMxf4nvf4Block16Desc(decodeBlockScaledInstrDesc(0x08420480u)), "");
  EXPECT_NE(checkMxf4nvf4Block16Desc(decodeBlockScaledInstrDesc(0x10200480u)), "");
}

TEST(EmuTcgen05Semantics, SharedMemoryDescriptorFields) {
  // Table 40: start >> 4 in 0-13, LBO >> 4 in 16-29, SBO >> 4 in 32-45,
  // 0b001 in 46-48, base offset 49-51, swizzle 61-63 (128B = 2).
  // start 0x2400 (enc 0x240), LBO 16 (enc 1), SBO 1024 (enc 0x40):
  uint64_t raw = 0x240ull | 1ull << 16 | 0x40ull << 32 | 1ull << 46 |
                 2ull << 61;
  Tcgen05SmemDesc d = decodeTcgen05SmemDesc(raw);
  EXPECT_EQ(d.startAddress, 0x2400u);
  EXPECT_EQ(d.leadingByteOffset, 16u);
  EXPECT_EQ(d.strideByteOffset, 1024u);
  EXPECT_EQ(d.fixedConstant, 1u);
  EXPECT_EQ(d.baseOffset, 0u);
  EXPECT_EQ(d.swizzle, 2u);
  EXPECT_EQ(checkTcgen05SmemDesc(d), "");
  EXPECT_EQ(tcgen05SwizzleSpan(2), 128u);
  EXPECT_EQ(tcgen05SwizzleSpan(4), 64u);
  EXPECT_EQ(tcgen05SwizzleSpan(6), 32u);
  EXPECT_EQ(tcgen05SwizzleSpan(0), 0u);
  // refused: fixed constant missing, base offset 1, swizzle 3 (undefined),
  // absolute LBO mode (bit 52), a bit of 53-60
  expectRefused<uint64_t>({raw & ~(1ull << 46), raw | 1ull << 49,
                           (raw & ~(7ull << 61)) | 3ull << 61, raw | 1ull << 52,
                           raw | 1ull << 55},
                          decodeTcgen05SmemDesc, checkTcgen05SmemDesc);
}

TEST(EmuTcgen05Semantics, KMajorAddresses) {
  // 128B swizzle (span 128): row r at (r % 8) * 128 + (r / 8) * SBO, byte
  // b at +b, then 16-byte chunk bits [6:4] ^= bits [9:7].
  Tcgen05SmemDesc d = decodeTcgen05SmemDesc(
      0x40ull | 1ull << 16 | 0x40ull << 32 | 1ull << 46 | 2ull << 61);
  ASSERT_EQ(d.startAddress, 0x400u);
  EXPECT_EQ(tcgen05KMajorAddress(d, 0, 0), 0x400u);
  // row 1: 0x480, chunk 0 ^ 1 -> 0x490
  EXPECT_EQ(tcgen05KMajorAddress(d, 1, 0), 0x490u);
  // row 3, byte 17 (chunk 1): 0x400 + 384 + 17 = 0x591; chunk 1 ^ 3 = 2
  // -> 0x5A1
  EXPECT_EQ(tcgen05KMajorAddress(d, 3, 17), 0x5A1u);
  // row 9: the next 8-row group at SBO = 1024: 0x400 + 1024 + 128 = 0x880,
  // chunk 0 ^ 1 -> 0x890
  EXPECT_EQ(tcgen05KMajorAddress(d, 9, 0), 0x890u);
  // a K step of 64 E2M1 elements moves the start by 32 bytes: row 1, byte
  // 0 of the second step = 0x420 + 128 = 0x4A0, chunk 2 ^ 1 = 3 -> 0x4B0
  Tcgen05SmemDesc k1 = d;
  k1.startAddress += 32;
  EXPECT_EQ(tcgen05KMajorAddress(k1, 1, 0), 0x4B0u);
  // no swizzle (the scale atoms): 8 x 16-byte core matrices, row r % 8 at
  // 16 B, r / 8 at SBO = 128: row r at 16 r
  Tcgen05SmemDesc a = decodeTcgen05SmemDesc(0x80ull | 8ull << 32 | 1ull << 46);
  for (uint32_t r = 0; r < 32; ++r)
    EXPECT_EQ(tcgen05KMajorAddress(a, r, 4), 0x800u + 16 * r + 4);
}

TEST(EmuTcgen05Semantics, NumberFormats) {
  // E2M1 (1 sign, 2 exponent bits with bias 1, 1 mantissa bit): codes
  // 0..7 are 0, 0.5, 1, 1.5, 2, 3, 4, 6; bit 3 the sign
  const double e2m1[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(e2m1Value(uint8_t(i)), e2m1[i]);
    EXPECT_EQ(e2m1Value(uint8_t(i | 8)), -e2m1[i]);
  }
  // UE4M3 (4 exponent bits, bias 7, 3 mantissa bits): 0x38 = 1, 0x40 = 2,
  // 0x7E = 2^8 * 1.75 = 448 (the largest), 0x01 = 2^-6 / 8 = 2^-9 (the
  // smallest subnormal), 0x08 = 2^-6, 0x7F NaN
  EXPECT_EQ(ue4m3Value(0x38), 1.0);
  EXPECT_EQ(ue4m3Value(0x40), 2.0);
  EXPECT_EQ(ue4m3Value(0x7E), 448.0);
  EXPECT_EQ(ue4m3Value(0x01), std::ldexp(1.0, -9));
  EXPECT_EQ(ue4m3Value(0x08), std::ldexp(1.0, -6));
  EXPECT_EQ(ue4m3Value(0x00), 0.0);
  EXPECT_TRUE(std::isnan(ue4m3Value(0x7F)));
  // packed rows: element k at byte k / 2, the low nibble for even k
  const uint8_t row[2] = {0x21, 0xF3};
  EXPECT_EQ(e2m1At(row, 0), 1);
  EXPECT_EQ(e2m1At(row, 1), 2);
  EXPECT_EQ(e2m1At(row, 2), 3);
  EXPECT_EQ(e2m1At(row, 3), 15);
}

TEST(EmuTcgen05Semantics, Block16DotUsesOneScalePer16Elements) {
  // A = 1.0 everywhere (code 2), B = 1.5 (code 3); scale A per block
  // 1, 2, 4, 8; scale B 0.5 (0x30) per block: each block of 16 adds
  // 16 * 1.5 * 0.5 * 2^kb = 12 * 2^kb: 12 * 15 = 180, plus d = 1.
  uint8_t a[64], b[64];
  for (int k = 0; k < 64; ++k) {
    a[k] = 2;
    b[k] = 3;
  }
  const uint8_t sfa[4] = {0x38, 0x40, 0x48, 0x50}, sfb[4] = {0x30, 0x30,
                                                             0x30, 0x30};
  EXPECT_EQ(mxf4nvf4Block16Dot(1.0f, true, a, sfa, b, sfb, false, false),
            181.0f);
  EXPECT_EQ(mxf4nvf4Block16Dot(1.0f, false, a, sfa, b, sfb, false, false),
            180.0f);
  EXPECT_EQ(mxf4nvf4Block16Dot(0.0f, false, a, sfa, b, sfb, true, false),
            -180.0f);
  // a NaN scale factor makes the element NaN
  const uint8_t nan[4] = {0x7F, 0x38, 0x38, 0x38};
  EXPECT_TRUE(std::isnan(mxf4nvf4Block16Dot(0, false, a, nan, b, sfb, false,
                                            false)));
}

TEST(EmuTcgen05Semantics, AddRoundedOnce) {
  // 2^24 + 1 is halfway between the floats 2^24 and 2^24 + 2: the exact
  // sum's tail decides (ties to even only when the tail is 0)
  const float big = 16777216.0f;
  EXPECT_EQ(addRoundedOnce(big, 1.0), big);                  // tie: even
  EXPECT_EQ(addRoundedOnce(big, 1.0 + 1e-9), big + 2.0f);    // above
  EXPECT_EQ(addRoundedOnce(big, 1.0 - 1e-9), big);           // below
  // d + s is not a double: 1 + 2^-60 + 2^-24 rounds up only because of
  // 2^-60 (plain double addition would drop it and tie to even)
  EXPECT_EQ(addRoundedOnce(1.0f, std::ldexp(1.0, -24) + std::ldexp(1.0, -60)),
            1.0f + std::ldexp(1.0f, -23));
  EXPECT_EQ(addRoundedOnce(1.0f, std::ldexp(1.0, -24)), 1.0f);
}

TEST(EmuTcgen05Semantics, TensorMemoryLayout) {
  // 9.7.16.1.1: lane in bits 31-16, column in 15-0
  EXPECT_EQ(tmemLane(0x00600010u), 0x60u);
  EXPECT_EQ(tmemColumn(0x00600010u), 0x10u);
  // 9.7.16.7.1: nCols a power of two in [32, 512]
  for (uint32_t n : {32u, 64u, 128u, 256u, 512u})
    EXPECT_TRUE(validTmemAllocColumns(n));
  for (uint32_t n : {0u, 16u, 48u, 1024u})
    EXPECT_FALSE(validTmemAllocColumns(n));
  // 9.7.16.8.1: warp w reaches lanes 32 (w % 4) .. + 31
  EXPECT_EQ(tmemQuarterFirstLane(1), 32u);
  EXPECT_EQ(tmemQuarterFirstLane(6), 64u);
  // Layout D (M = 128): row m in lane m, column n in column n
  uint32_t lane, col;
  accumulatorCell(77, 5, lane, col);
  EXPECT_EQ(lane, 77u);
  EXPECT_EQ(col, 5u);
  // scale factors (the figure's placement, see the header): A row 77 in
  // lane 77, column 77 / 32 = 2; B row 77 read by partition 3 from lane
  // 96 + 77 % 32 = 109, column 2
  scaleACell(77, lane, col);
  EXPECT_EQ(lane, 77u);
  EXPECT_EQ(col, 2u);
  scaleBCell(77, 3, lane, col);
  EXPECT_EQ(lane, 109u);
  EXPECT_EQ(col, 2u);
}

} // namespace
