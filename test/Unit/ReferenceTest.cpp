//===- ReferenceTest.cpp - unit tests of lib/Reference --------------------===//
//
// Expected values come from the format definitions (OCP Microscaling
// Formats v1.0, section 5.3 "FP4 (E2M1)" and 5.3.2 "FP8 E4M3"; PTX ISA
// "Alternate floating point data formats"), IEEE 754 binary16, and the
// blocked_128x4 layout (docs/architecture.md section 1), not from the
// code under test.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Reference/NVFP4.h"
#include "ggemm/Reference/Npy.h"
#include "ggemm/Reference/Problem.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <set>

using namespace ggemm::ref;

TEST(NVFP4, E2M1EveryCode) {
  // OCP MX table: E2M1 magnitudes for codes 0..7.
  const double magnitudes[8] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
  for (int code = 0; code < 16; ++code) {
    double expected = (code & 8 ? -1 : 1) * magnitudes[code & 7];
    EXPECT_EQ(decodeE2M1(code), expected) << "code " << code;
  }
  EXPECT_TRUE(std::signbit(decodeE2M1(8))) << "code 8 is -0";
}

TEST(NVFP4, E4M3Landmarks) {
  EXPECT_EQ(decodeE4M3(0x00), 0.0);
  EXPECT_TRUE(std::signbit(decodeE4M3(0x80)));      // -0
  EXPECT_EQ(decodeE4M3(0x01), std::ldexp(1.0, -9)); // min subnormal
  EXPECT_EQ(decodeE4M3(0x07), 0.875 * std::ldexp(1.0, -6)); // max subnormal
  EXPECT_EQ(decodeE4M3(0x08), std::ldexp(1.0, -6)); // min normal
  EXPECT_EQ(decodeE4M3(0x38), 1.0);
  EXPECT_EQ(decodeE4M3(0x3C), 1.5);
  EXPECT_EQ(decodeE4M3(0x7E), 448.0); // max normal (S.1111.110)
  EXPECT_EQ(decodeE4M3(0xFE), -448.0);
  EXPECT_TRUE(std::isnan(decodeE4M3(0x7F))); // S.1111.111 is NaN
  EXPECT_TRUE(std::isnan(decodeE4M3(0xFF)));
  EXPECT_EQ(decodeE4M3(0x77), 240.0); // 1.875 * 2^7: no inf in E4M3FN
}

TEST(NVFP4, PackedNibbleOrder) {
  // torch.float4_e2m1fn_x2: element 2i in bits 0-3, element 2i+1 in bits 4-7.
  EXPECT_EQ(unpackE2M1(0x72, /*odd=*/false), 0x2);
  EXPECT_EQ(unpackE2M1(0x72, /*odd=*/true), 0x7);
}

TEST(NVFP4, HalfRounding) {
  EXPECT_EQ(floatToHalfBits(1.0f), 0x3C00);
  EXPECT_EQ(floatToHalfBits(-2.0f), 0xC000);
  EXPECT_EQ(floatToHalfBits(65504.0f), 0x7BFF);           // max finite
  EXPECT_EQ(floatToHalfBits(65519.0f), 0x7BFF);           // below the tie
  EXPECT_EQ(floatToHalfBits(65520.0f), 0x7C00);           // tie -> even = inf
  EXPECT_EQ(floatToHalfBits(1.0f + 0x1p-11f), 0x3C00);    // tie -> even
  EXPECT_EQ(floatToHalfBits(1.0f + 0x3p-11f), 0x3C02);    // tie -> even (up)
  EXPECT_EQ(floatToHalfBits(1.0f + 0x1p-12f), 0x3C00);    // below the tie
  EXPECT_EQ(floatToHalfBits(0x1p-24f), 0x0001);           // min subnormal
  EXPECT_EQ(floatToHalfBits(0x1p-25f), 0x0000);           // tie -> even zero
  EXPECT_EQ(floatToHalfBits(0x3p-25f), 0x0002);           // 1.5 ulp -> 2
  EXPECT_EQ(floatToHalfBits(0x1p-14f - 0x1p-25f), 0x0400); // rounds up to min normal
  EXPECT_EQ(floatToHalfBits(-0.0f), 0x8000);
  EXPECT_EQ(floatToHalfBits(INFINITY), 0x7C00);
  EXPECT_EQ(floatToHalfBits(NAN) & 0x7C00, 0x7C00);
  EXPECT_NE(floatToHalfBits(NAN) & 0x3FF, 0);
  for (uint32_t h = 0; h < 0x7C00; ++h) // every finite half round-trips
    ASSERT_EQ(floatToHalfBits(halfBitsToFloat(h)), h) << h;
}

TEST(Layout, BlockedAtomPlacement) {
  // 130 x 5 scales -> 2 x 2 atoms of 512 bytes.
  int64_t rows = 130, cols = 5;
  std::vector<uint8_t> rm(rows * cols);
  for (size_t i = 0; i < rm.size(); ++i)
    rm[i] = 1 + i % 251;
  std::vector<uint8_t> blk = toBlocked(rm, rows, cols);
  ASSERT_EQ(blk.size(), 4u * 512);
  auto at = [&](int64_t r, int64_t c) { return rm[r * cols + c]; };
  EXPECT_EQ(blk[0], at(0, 0));
  EXPECT_EQ(blk[3], at(0, 3));
  EXPECT_EQ(blk[16], at(1, 0));       // byte row 1
  EXPECT_EQ(blk[4], at(32, 0));       // rows 32..63 -> byte columns 4..7
  EXPECT_EQ(blk[511], at(127, 3));    // lo 31, hi 3, col 3
  EXPECT_EQ(blk[512], at(0, 4));      // atom (0, 1)
  EXPECT_EQ(blk[1024], at(128, 0));   // atom (1, 0)
  EXPECT_EQ(blk[1024 + 16 + 3], at(129, 3));
  EXPECT_EQ(blk[513], 0);             // padding column 5 of atom (0, 1)
  EXPECT_EQ(blk[1024 + 32], 0);       // padding row 130
}

TEST(Generator, CoversCodesAndBinades) {
  Problem p = generateProblem({{64, 64, 256}, {0, 8, 64}}, 42, true);
  ASSERT_EQ(p.groups.size(), 2u);
  EXPECT_EQ(p.groups[1].a.size(), 0u);
  std::set<int> lo, hi, exps;
  for (uint8_t byte : p.groups[0].a)
    lo.insert(byte & 0xF), hi.insert(byte >> 4);
  EXPECT_EQ(lo.size(), 16u);
  EXPECT_EQ(hi.size(), 16u);
  for (uint8_t s : p.groups[0].sfa) {
    EXPECT_FALSE(std::isnan(decodeE4M3(s)));
    exps.insert((s >> 3) & 0xF);
  }
  EXPECT_GE(exps.size(), 9u);
  EXPECT_TRUE(exps.count(0)) << "subnormal scales present";
  Problem again = generateProblem({{64, 64, 256}, {0, 8, 64}}, 42, true);
  EXPECT_EQ(again.groups[0].a, p.groups[0].a);
  EXPECT_EQ(again.groups[0].alpha, p.groups[0].alpha);
  Problem other = generateProblem({{64, 64, 256}, {0, 8, 64}}, 43, true);
  EXPECT_NE(other.groups[0].a, p.groups[0].a);
}

TEST(Reference, HandComputedProduct) {
  // One row, one column, K = 16: A = [1, 0.5, 0...], B = [6, -2, 0...],
  // scales 2 and 0.25: (1*6 + 0.5*-2) * 2 * 0.25 = 2.5.
  Problem p;
  Group g;
  g.m = 1, g.n = 1, g.k = 16;
  g.a.assign(8, 0);
  g.b.assign(8, 0);
  g.a[0] = 0x2 | (0x1 << 4); // even: code 2 (1.0), odd: code 1 (0.5)
  g.b[0] = 0x7 | (0xC << 4); // even: 6.0, odd: -2.0
  g.sfa = {0x40};            // 2.0
  g.sfb = {0x28};            // 0.25
  g.alpha = 3.0f;
  p.groups.push_back(g);
  p.hasAlpha = true;
  GroupResult r = referenceProduct(p)[0];
  EXPECT_EQ(r.exact[0], 7.5);
  EXPECT_EQ(r.f32[0], 7.5f);
  EXPECT_EQ(r.f16[0], 0x4780); // 7.5 in binary16
}

TEST(Npy, RoundTrip) {
  std::string path = ::testing::TempDir() + "/ggemm_roundtrip.npy";
  NpyArray out{"<f2", {3, 5}, std::vector<uint8_t>(30)};
  for (size_t i = 0; i < out.data.size(); ++i)
    out.data[i] = i * 7;
  ASSERT_EQ(writeNpy(path, out), "");
  NpyArray in;
  ASSERT_EQ(readNpy(path, in), "");
  EXPECT_EQ(in.dtype, "<f2");
  EXPECT_EQ(in.shape, (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(in.data, out.data);
  // The header is padded so that data starts at a multiple of 64 bytes.
  FILE *f = std::fopen(path.c_str(), "rb");
  std::fseek(f, 0, SEEK_END);
  EXPECT_EQ((std::ftell(f) - 30) % 64, 0);
  std::fclose(f);
  EXPECT_NE(readNpy(path + ".missing", in), "");
  NpyArray bad{"<f8", {1}, std::vector<uint8_t>(8)};
  EXPECT_NE(writeNpy(path, bad), "");
}
