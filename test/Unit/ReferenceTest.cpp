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
#include <filesystem>
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

TEST(NVFP4, UE4M3Scales) {
  // The scale format: E4M3 without a sign. Bit 7 clear: the e4m3 value.
  EXPECT_EQ(decodeUE4M3(0x00), 0.0);
  EXPECT_FALSE(std::signbit(decodeUE4M3(0x00)));
  EXPECT_EQ(decodeUE4M3(0x01), std::ldexp(1.0, -9)); // min subnormal
  EXPECT_EQ(decodeUE4M3(0x38), 1.0);
  EXPECT_EQ(decodeUE4M3(0x7E), 448.0); // max
  EXPECT_TRUE(std::isnan(decodeUE4M3(0x7F)));
  for (int code = 0; code < 0x7F; ++code) {
    EXPECT_TRUE(isUE4M3(code));
    EXPECT_EQ(decodeUE4M3(code), decodeE4M3(code)) << "code " << code;
    EXPECT_GE(decodeUE4M3(code), 0.0) << "code " << code;
  }
  // Bit 7 set: outside the contract, NaN rather than either reading.
  for (int code = 0x80; code < 0x100; ++code) {
    EXPECT_FALSE(isUE4M3(code));
    EXPECT_TRUE(std::isnan(decodeUE4M3(code))) << "code " << code;
  }
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
    EXPECT_FALSE(std::isnan(decodeUE4M3(s)));
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

TEST(Generator, ScalesAreUnsigned) {
  // Over many seeds: every scale byte has bit 7 clear and is not NaN
  // (0x7F), and the draws still reach zero, subnormals and 9 binades.
  std::set<int> exps;
  int64_t zeros = 0, subnormals = 0, scales = 0;
  for (uint64_t seed = 0; seed < 64; ++seed) {
    Problem p = generateProblem({{37, 24, 128}, {1, 8, 64}}, seed, false);
    for (const Group &g : p.groups)
      for (const std::vector<uint8_t> *codes : {&g.sfa, &g.sfb})
        for (uint8_t s : *codes) {
          ASSERT_EQ(s & 0x80, 0) << "seed " << seed;
          ASSERT_NE(s, 0x7F) << "seed " << seed;
          exps.insert(s >> 3);
          zeros += s == 0;
          subnormals += s != 0 && (s >> 3) == 0;
          ++scales;
        }
  }
  EXPECT_GE(exps.size(), 10u) << "exponent fields 0 (subnormal) to 9";
  EXPECT_GT(zeros, 0);
  EXPECT_GT(subnormals, scales / 16) << "about 7 in 64 are subnormal";
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

namespace {

/// A fresh, empty folder under the test's temporary directory.
std::string freshDir(const std::string &name) {
  std::string dir = ::testing::TempDir() + "/ggemm_" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

} // namespace

TEST(Npy, ProblemRoundTrip) {
  std::vector<Shape> shapes = {{5, 16, 64}, {0, 8, 128}};
  Problem p = generateProblem(shapes, 3, true);
  std::string dir = freshDir("problem");
  ASSERT_EQ(writeProblemNpy(dir, p), "");
  Problem in;
  ASSERT_EQ(readProblemNpy(dir, shapes, true, in), "");
  ASSERT_EQ(in.groups.size(), 2u);
  for (size_t g = 0; g < 2; ++g) {
    EXPECT_EQ(in.groups[g].a, p.groups[g].a);
    EXPECT_EQ(in.groups[g].sfa, p.groups[g].sfa);
    EXPECT_EQ(in.groups[g].b, p.groups[g].b);
    EXPECT_EQ(in.groups[g].sfb, p.groups[g].sfb);
    EXPECT_EQ(in.groups[g].alpha, p.groups[g].alpha);
  }
}

TEST(Npy, RefusesSignedScales) {
  std::vector<Shape> shapes = {{5, 16, 64}, {3, 8, 128}};
  Problem p = generateProblem(shapes, 4, false);
  // SFB of group 1 is 8 x 8: bit 7 at (2, 5), and a later one at (6, 0);
  // the message names the first.
  p.groups[1].sfb[2 * 8 + 5] = 0x80 | 0x38;
  p.groups[1].sfb[6 * 8 + 0] = 0xFE;
  std::string dir = freshDir("signed");
  ASSERT_EQ(writeProblemNpy(dir, p), "");
  Problem in;
  std::string err = readProblemNpy(dir, shapes, false, in);
  EXPECT_NE(err.find("sfb1.npy"), std::string::npos) << err;
  EXPECT_NE(err.find("0xb8 at index (2, 5)"), std::string::npos) << err;
  EXPECT_NE(err.find("bit 7"), std::string::npos) << err;
  // Negative zero (0x80) is refused too: UE4M3 has no sign to carry.
  p.groups[1].sfb[2 * 8 + 5] = 0x38;
  p.groups[1].sfb[6 * 8 + 0] = 0x38;
  p.groups[0].sfa[4 * 4 + 3] = 0x80;
  ASSERT_EQ(writeProblemNpy(dir, p), "");
  err = readProblemNpy(dir, shapes, false, in);
  EXPECT_NE(err.find("sfa0.npy: scale byte 0x80 at index (4, 3)"),
            std::string::npos)
      << err;
  // The largest UE4M3 (448) and NaN (0x7F) are inside the format.
  p.groups[0].sfa[4 * 4 + 3] = 0x7E;
  p.groups[0].sfa[0] = 0x7F;
  ASSERT_EQ(writeProblemNpy(dir, p), "");
  EXPECT_EQ(readProblemNpy(dir, shapes, false, in), "");
}

TEST(Reference, SignedScaleIsNaN) {
  // A scale with bit 7 set poisons exactly the outputs that use it.
  Problem p = generateProblem({{4, 8, 64}}, 9, false);
  p.groups[0].sfa[1 * 4 + 2] = 0xB8; // row 1
  GroupResult r = referenceProduct(p)[0];
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 8; ++j)
      EXPECT_EQ(std::isnan(r.f32[i * 8 + j]), i == 1) << i << ", " << j;
}
