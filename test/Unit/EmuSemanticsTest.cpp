//===- EmuSemanticsTest.cpp - the emulator's instruction semantics --------===//
//
// Checks lib/Emulator/Semantics against expectations written from the PTX
// ISA and the CUDA driver API documentation, independently of ggemm's
// lowering: number formats, prmt, the swizzle, TMA tile loads, wgmma with
// operands laid out here by hand, and cuTensorMapEncodeTiled's rules.
//
//===----------------------------------------------------------------------===//

#include "../../lib/Emulator/Semantics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <vector>

using namespace ggemm::emu;
using namespace ggemm::emu::sem;

namespace {

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

/// Value of an f16 code from the IEEE definition (finite codes only).
double f16Value(uint16_t h) {
  int s = h >> 15, e = (h >> 10) & 31, m = h & 1023;
  double v = e == 0 ? std::ldexp(m, -24) : std::ldexp(1024 + m, e - 25);
  return s ? -v : v;
}

/// Nearest f16 to `x` by search over all finite codes, ties to the even
/// code; overflow per IEEE (>= 65520 -> inf).
uint16_t nearestF16(double x) {
  if (std::isnan(x))
    return 0x7FFF;
  uint16_t sign = std::signbit(x) ? 0x8000 : 0;
  double a = std::fabs(x);
  if (a >= 65520.0)
    return sign | 0x7C00;
  uint16_t best = 0;
  double bestDist = INFINITY;
  for (uint32_t h = 0; h < 0x7C00; ++h) {
    double d = std::fabs(f16Value(static_cast<uint16_t>(h)) - a);
    if (d < bestDist || (d == bestDist && (h & 1) == 0 && (best & 1))) {
      best = static_cast<uint16_t>(h);
      bestDist = d;
    }
  }
  return sign | best;
}

} // namespace

//===----------------------------------------------------------------------===//
// Number formats
//===----------------------------------------------------------------------===//

TEST(EmuSemantics, F16ToF32AllCodes) {
  for (uint32_t h = 0; h < 65536; ++h) {
    float f = f16ToF32(static_cast<uint16_t>(h));
    uint32_t e = (h >> 10) & 31;
    if (e == 31) {
      if (h & 1023)
        EXPECT_TRUE(std::isnan(f)) << h;
      else
        EXPECT_TRUE(std::isinf(f) && std::signbit(f) == bool(h & 0x8000)) << h;
      continue;
    }
    EXPECT_EQ(static_cast<double>(f), f16Value(static_cast<uint16_t>(h))) << h;
    EXPECT_EQ(std::signbit(f), bool(h & 0x8000)) << h;
    // Round trip.
    EXPECT_EQ(f32ToF16Rn(f), h) << h;
  }
}

TEST(EmuSemantics, F32ToF16RoundingEdges) {
  // Ties to even in the normal range: ulp of [1, 2) is 2^-10.
  EXPECT_EQ(f32ToF16Rn(1.0f + 0x1p-11f), 0x3C00);           // tie -> even
  EXPECT_EQ(f32ToF16Rn(1.0f + 3 * 0x1p-11f), 0x3C02);       // tie -> even
  EXPECT_EQ(f32ToF16Rn(1.0f + 0x1p-11f + 0x1p-20f), 0x3C01); // above tie
  EXPECT_EQ(f32ToF16Rn(-(1.0f + 0x1p-11f)), 0xBC00);
  // Subnormals: quantum 2^-24.
  EXPECT_EQ(f32ToF16Rn(0x1p-24f), 0x0001);
  EXPECT_EQ(f32ToF16Rn(0x1p-25f), 0x0000);          // tie -> even (0)
  EXPECT_EQ(f32ToF16Rn(0x1p-25f + 0x1p-40f), 0x0001);
  EXPECT_EQ(f32ToF16Rn(3 * 0x1p-25f), 0x0002);      // tie -> even (2)
  EXPECT_EQ(f32ToF16Rn(-0x1p-26f), 0x8000);         // underflow keeps sign
  EXPECT_EQ(f32ToF16Rn(0x1p-14f - 0x1p-26f), 0x0400); // rounds up to normal
  EXPECT_EQ(f32ToF16Rn(1023 * 0x1p-24f), 0x03FF);
  // Overflow.
  EXPECT_EQ(f32ToF16Rn(65504.0f), 0x7BFF);
  EXPECT_EQ(f32ToF16Rn(65519.0f), 0x7BFF);
  EXPECT_EQ(f32ToF16Rn(65520.0f), 0x7C00);
  EXPECT_EQ(f32ToF16Rn(-1e10f), 0xFC00);
  EXPECT_EQ(f32ToF16Rn(INFINITY), 0x7C00);
  EXPECT_EQ(f32ToF16Rn(-INFINITY), 0xFC00);
  EXPECT_EQ(f32ToF16Rn(NAN), 0x7FFF);
  EXPECT_EQ(f32ToF16Rn(-NAN), 0x7FFF);
  EXPECT_EQ(f32ToF16Rn(0.0f), 0x0000);
  EXPECT_EQ(f32ToF16Rn(-0.0f), 0x8000);
  // Random values against the exhaustive nearest search.
  std::mt19937 rng(7);
  std::uniform_int_distribution<uint32_t> exp(100, 144), man(0, (1u << 23) - 1);
  for (int i = 0; i < 300; ++i) {
    uint32_t u = (exp(rng) << 23) | man(rng) | (i % 2 ? 0x80000000u : 0);
    float f;
    std::memcpy(&f, &u, 4);
    EXPECT_EQ(f32ToF16Rn(f), nearestF16(f)) << std::hexfloat << f;
  }
}

TEST(EmuSemantics, F16Satfinite) {
  EXPECT_EQ(f32ToF16RnSatfinite(1e6f), 0x7BFF);
  EXPECT_EQ(f32ToF16RnSatfinite(-INFINITY), 0xFBFF);
  EXPECT_EQ(f32ToF16RnSatfinite(65519.0f), 0x7BFF);
  EXPECT_EQ(f32ToF16RnSatfinite(NAN), 0x7FFF);
  EXPECT_EQ(f32ToF16RnSatfinite(1.0f), 0x3C00);
}

TEST(EmuSemantics, Bf16) {
  EXPECT_EQ(bf16ToF32(0x3F80), 1.0f);
  EXPECT_EQ(f32ToBf16Rn(1.0f), 0x3F80);
  EXPECT_EQ(f32ToBf16Rn(1.0f + 0x1p-8f), 0x3F80);            // tie -> even
  EXPECT_EQ(f32ToBf16Rn(1.0f + 3 * 0x1p-8f), 0x3F82);        // tie -> even
  EXPECT_EQ(f32ToBf16Rn(1.0f + 0x1p-8f + 0x1p-20f), 0x3F81);
  EXPECT_EQ(f32ToBf16Rn(NAN), 0x7FFF);
}

TEST(EmuSemantics, CvtF16x2F32HalfOrder) {
  // PTX ISA cvt: cvt.rn.f16x2.f32 d, a, b: a -> upper half, b -> lower.
  EXPECT_EQ(cvtF16x2F32(1.0f, 2.0f), 0x3C004000u);
  EXPECT_EQ(cvtF16x2F32(-2.0f, 0.5f), 0xC0003800u);
  EXPECT_EQ(cvtBf16x2F32(1.0f, 2.0f), 0x3F804000u);
}

TEST(EmuSemantics, E5M2) {
  for (uint32_t v = 0; v < 256; ++v) {
    int s = v >> 7, e = (v >> 2) & 31, m = v & 3;
    uint16_t h = e5m2ToF16(static_cast<uint8_t>(v));
    if (e == 31) {
      EXPECT_EQ(std::isnan(f16ToF32(h)), m != 0) << v;
      continue;
    }
    double expect = e == 0 ? m / 4.0 * std::ldexp(1.0, -14)
                           : (1 + m / 4.0) * std::ldexp(1.0, e - 15);
    EXPECT_EQ(f16Value(h), s ? -expect : expect) << v;
  }
  EXPECT_EQ(cvtF16x2E5M2x2(0x3C40), 0x3C004000u); // {1.0 high, 2.0 low}
}

TEST(EmuSemantics, E4M3AllCodes) {
  for (uint32_t v = 0; v < 256; ++v) {
    int s = v >> 7, e = (v >> 3) & 15, m = v & 7;
    bool nan = e == 15 && m == 7;
    double expect = e == 0 ? m / 8.0 * std::ldexp(1.0, -6)
                           : (1 + m / 8.0) * std::ldexp(1.0, e - 7);
    if (s)
      expect = -expect;
    float f = e4m3ToF32(static_cast<uint8_t>(v));
    uint16_t h = e4m3ToF16(static_cast<uint8_t>(v));
    if (nan) {
      EXPECT_TRUE(std::isnan(f)) << v;
      EXPECT_EQ(h & 0x7C00, 0x7C00) << v;
      EXPECT_NE(h & 0x3FF, 0) << v;
      continue;
    }
    EXPECT_EQ(static_cast<double>(f), expect) << v;
    EXPECT_EQ(f16Value(h), expect) << v;
    EXPECT_EQ(bool(h & 0x8000), bool(s)) << v; // -0 stays -0
  }
  EXPECT_EQ(e4m3ToF32(0x7E), 448.0f);
  EXPECT_EQ(e4m3ToF32(0x01), 0x1p-9f);
  EXPECT_EQ(e4m3ToF32(0x08), 0x1p-6f);
  // cvt.rn.f16x2.e4m3x2: low byte -> low half.
  EXPECT_EQ(cvtF16x2E4M3x2(0x3830), (uint32_t(0x3C00) << 16) | 0x3800u); // 1.0, 0.5
}

TEST(EmuSemantics, E2M1) {
  const float values[8] = {0, 0.5f, 1, 1.5f, 2, 3, 4, 6};
  for (uint32_t v = 0; v < 16; ++v) {
    float f = e2m1ToF32(static_cast<uint8_t>(v));
    EXPECT_EQ(f, (v & 8) ? -values[v & 7] : values[v & 7]) << v;
  }
  EXPECT_EQ(cvtF16x2E2M1x2(0x62), (uint32_t(0x4400) << 16) | 0x3C00u); // 4, 1
  EXPECT_EQ(cvtF16x2E2M1x2(0x7F), (uint32_t(0x4600) << 16) | 0xC600u); // 6, -6
}

TEST(EmuSemantics, F16Arithmetic) {
  // Products and sums computed exactly then rounded once.
  std::mt19937 rng(3);
  std::uniform_int_distribution<uint32_t> code(0, 0x7BFF), sgn(0, 1);
  auto rnd = [&] {
    // Moderate exponents so that a*b+c is exact in double.
    uint16_t h = static_cast<uint16_t>(code(rng) % 0x1800 + 0x2C00);
    return static_cast<uint16_t>(h | (sgn(rng) ? 0x8000 : 0));
  };
  for (int i = 0; i < 200; ++i) {
    uint16_t a = rnd(), b = rnd(), c = rnd();
    double va = f16Value(a), vb = f16Value(b), vc = f16Value(c);
    EXPECT_EQ(fmaF16Rn(a, b, c), nearestF16(va * vb + vc)) << a << " " << b << " " << c;
    EXPECT_EQ(mulF16Rn(a, b), nearestF16(va * vb));
    EXPECT_EQ(addF16Rn(a, c), nearestF16(va + vc));
  }
  // A tie decided by the addend: (1+2^-10)*1.5 = 1.5 + 2^-10 + 2^-11 sits
  // halfway between 0x3E01 and 0x3E02.
  EXPECT_EQ(mulF16Rn(0x3C01, 0x3E00), 0x3E02);          // tie -> even
  EXPECT_EQ(fmaF16Rn(0x3C01, 0x3E00, 0x8001), 0x3E01);  // just below
  EXPECT_EQ(fmaF16Rn(0x3C01, 0x3E00, 0x0001), 0x3E02);  // just above
  // Packed lanes are independent, low half first.
  uint32_t a = (uint32_t(0x4000) << 16) | 0x3C00; // {2, 1}
  uint32_t b = (uint32_t(0x4200) << 16) | 0x3800; // {3, 0.5}
  EXPECT_EQ(mulF16x2Rn(a, b), (uint32_t(0x4600) << 16) | 0x3800u); // {6, 0.5}
  EXPECT_EQ(addF16x2Rn(a, b), (uint32_t(0x4500) << 16) | 0x3E00u); // {5, 1.5}
  EXPECT_EQ(fmaF16x2Rn(a, b, a), (uint32_t(0x4800) << 16) | 0x3E00u); // {8,1.5}
  EXPECT_EQ(subF16x2Rn(a, b), (uint32_t(0xBC00) << 16) | 0x3800u); // {-1,0.5}
  // Overflow, NaN, zero signs.
  EXPECT_EQ(mulF16Rn(0x7BFF, 0x4000), 0x7C00);
  EXPECT_EQ(addF16Rn(0x7C00, 0xFC00), 0x7FFF);
  EXPECT_EQ(addF16Rn(0x3C00, 0xBC00), 0x0000);
  EXPECT_EQ(addF16Rn(0x8000, 0x8000), 0x8000);
  EXPECT_EQ(mulF16Rn(0x8000, 0x3C00), 0x8000);
  EXPECT_EQ(fmaF16Rn(0x8000, 0x3C00, 0x0000), 0x0000);
  // Subnormal results and ftz.
  EXPECT_EQ(mulF16Rn(0x0400, 0x3800), 0x0200); // 2^-14 * 0.5
  EXPECT_EQ(mulF16Rn(0x0400, 0x3800, /*ftz=*/true), 0x0000);
  EXPECT_EQ(addF16Rn(0x0001, 0x3C00, true), 0x3C00);
  EXPECT_EQ(addF16Rn(0x8001, 0x0000, true), 0x0000); // -0 + +0 = +0
}

TEST(EmuSemantics, F32Ftz) {
  float sub = 0x1p-130f;
  EXPECT_EQ(mulF32(sub, 2.0f), 0x1p-129f);
  EXPECT_EQ(bitsOf(mulF32(sub, 2.0f, true)), 0u);
  EXPECT_EQ(bitsOf(mulF32(-sub, 2.0f, true)), 0x80000000u);
  EXPECT_EQ(bitsOf(mulF32(0x1p-100f, 0x1p-27f, true)), 0u); // result flushed
  EXPECT_EQ(addF32(1.0f, sub, true), 1.0f);
  EXPECT_EQ(fmaF32(2.0f, 3.0f, 1.0f), 7.0f);
}

//===----------------------------------------------------------------------===//
// prmt
//===----------------------------------------------------------------------===//

TEST(EmuSemantics, Prmt) {
  uint32_t a = 0x33221100, b = 0x77665544; // byte i holds 0x11*i
  EXPECT_EQ(prmt(a, b, 0x3210), a);
  EXPECT_EQ(prmt(a, b, 0x7654), b);
  EXPECT_EQ(prmt(a, b, 0x0123), 0x00112233u);
  EXPECT_EQ(prmt(a, b, 0x4040), 0x44004400u);
  EXPECT_EQ(prmt(a, b, 0x7531), 0x77553311u);
  // Only the low 16 bits of c select.
  EXPECT_EQ(prmt(a, b, 0xFFFF3210), a);
  // Sign replication: bit 3 of a nibble replicates the msb of the byte.
  uint32_t s = 0x7F80FF01;
  EXPECT_EQ(prmt(s, 0, 0x8888 | 0x0000), 0x00000000u); // byte 0 = 0x01
  EXPECT_EQ(prmt(s, 0, 0x9999), 0xFFFFFFFFu);           // byte 1 = 0xFF
  EXPECT_EQ(prmt(s, 0, 0xBA98), 0x00FFFF00u);           // 0x7F, 0x80, 0xFF, 0x01
  EXPECT_EQ(prmt(s, 0, 0x3A1C), 0x7FFFFF00u);           // c=4 (b byte 0) sign
  // Modes (PTX ISA prmt table).
  EXPECT_EQ(prmt(a, b, 1, PrmtMode::F4E), 0x44332211u);
  EXPECT_EQ(prmt(a, b, 0, PrmtMode::B4E), 0x55667700u);
  EXPECT_EQ(prmt(a, b, 2, PrmtMode::RC8), 0x22222222u);
  EXPECT_EQ(prmt(a, b, 1, PrmtMode::ECL), 0x33221111u);
  EXPECT_EQ(prmt(a, b, 2, PrmtMode::ECR), 0x22221100u);
  EXPECT_EQ(prmt(a, b, 1, PrmtMode::RC16), 0x33223322u);
}

//===----------------------------------------------------------------------===//
// Swizzle
//===----------------------------------------------------------------------===//

TEST(EmuSemantics, Swizzle128BTable) {
  // 16-byte chunk c of 128-byte row r of a 1024-byte-aligned block lands in
  // chunk table[r][c] (the 128B pattern: chunk ^ row).
  const int table[8][8] = {{0, 1, 2, 3, 4, 5, 6, 7}, {1, 0, 3, 2, 5, 4, 7, 6},
                           {2, 3, 0, 1, 6, 7, 4, 5}, {3, 2, 1, 0, 7, 6, 5, 4},
                           {4, 5, 6, 7, 0, 1, 2, 3}, {5, 4, 7, 6, 1, 0, 3, 2},
                           {6, 7, 4, 5, 2, 3, 0, 1}, {7, 6, 5, 4, 3, 2, 1, 0}};
  for (uint32_t base : {0u, 1024u, 0x7C00u})
    for (uint32_t r = 0; r < 8; ++r)
      for (uint32_t c = 0; c < 8; ++c)
        for (uint32_t byte : {0u, 5u, 15u})
          EXPECT_EQ(swizzleAddress(MapSwizzle::B128, base + r * 128 + c * 16 + byte),
                    base + r * 128 + table[r][c] * 16 + byte);
}

TEST(EmuSemantics, Swizzle64BAnd32B) {
  // 64B: 64-byte rows, 4 chunks; rows 2j, 2j+1 XOR j (repeat 512 bytes).
  const int t64[8][4] = {{0, 1, 2, 3}, {0, 1, 2, 3}, {1, 0, 3, 2}, {1, 0, 3, 2},
                         {2, 3, 0, 1}, {2, 3, 0, 1}, {3, 2, 1, 0}, {3, 2, 1, 0}};
  for (uint32_t base : {0u, 512u, 4096u})
    for (uint32_t r = 0; r < 8; ++r)
      for (uint32_t c = 0; c < 4; ++c)
        EXPECT_EQ(swizzleAddress(MapSwizzle::B64, base + r * 64 + c * 16 + 3),
                  base + r * 64 + t64[r][c] * 16 + 3);
  // 32B: 32-byte rows, 2 chunks; rows 4..7 swap (repeat 256 bytes).
  for (uint32_t base : {0u, 256u})
    for (uint32_t r = 0; r < 8; ++r)
      for (uint32_t c = 0; c < 2; ++c)
        EXPECT_EQ(swizzleAddress(MapSwizzle::B32, base + r * 32 + c * 16),
                  base + r * 32 + (r >= 4 ? 1 - c : c) * 16);
  EXPECT_EQ(swizzleAddress(MapSwizzle::None, 0x1234), 0x1234u);
  EXPECT_EQ(swizzleRepeatBytes(MapSwizzle::B128), 1024u);
  EXPECT_EQ(swizzleRepeatBytes(MapSwizzle::B64), 512u);
  EXPECT_EQ(swizzleRepeatBytes(MapSwizzle::B32), 256u);
}

//===----------------------------------------------------------------------===//
// TMA
//===----------------------------------------------------------------------===//

namespace {
struct FakeGlobal {
  uint64_t base = 0x10000;
  std::vector<uint8_t> bytes;
  ReadGlobalFn reader() {
    return [this](uint64_t a, void *dst, size_t n) {
      if (a < base || a - base + n > bytes.size())
        return false;
      std::memcpy(dst, bytes.data() + (a - base), n);
      return true;
    };
  }
  WriteGlobalFn writer() {
    return [this](uint64_t a, const void *src, size_t n) {
      if (a < base || a - base + n > bytes.size())
        return false;
      std::memcpy(bytes.data() + (a - base), src, n);
      return true;
    };
  }
};

TiledMapSpec map2d(MapDataType t, uint64_t cols, uint64_t rows, uint64_t pitch,
                   uint32_t boxCols, uint32_t boxRows, MapSwizzle sw,
                   uint64_t address) {
  TiledMapSpec m;
  m.dataType = t;
  m.rank = 2;
  m.globalAddress = address;
  m.globalDim = {cols, rows, 0, 0, 0};
  m.globalStrides = {pitch, 0, 0, 0};
  m.boxDim = {boxCols, boxRows, 0, 0, 0};
  m.swizzle = sw;
  return m;
}
} // namespace

TEST(EmuSemantics, TmaTileLoadOobAndSwizzle) {
  // 20 rows x 70 f16 columns, row pitch 160 bytes.
  FakeGlobal g;
  const uint64_t cols = 70, rows = 20, pitch = 160;
  g.bytes.resize(rows * pitch);
  auto value = [](uint64_t r, uint64_t c) {
    return static_cast<uint16_t>(r * 1000 + c + 1);
  };
  for (uint64_t r = 0; r < rows; ++r)
    for (uint64_t c = 0; c < cols; ++c) {
      uint16_t v = value(r, c);
      std::memcpy(&g.bytes[r * pitch + c * 2], &v, 2);
    }
  TiledMapSpec m = map2d(MapDataType::Float16, cols, rows, pitch, 64, 8,
                         MapSwizzle::B128, g.base);
  uint8_t out[128];
  ASSERT_EQ(encodeTiledMap(m, out), "");
  const uint32_t sharedBase = 0x400, sharedSize = 8192, dst = 0x800;
  for (auto [c0, c1] : std::vector<std::pair<int32_t, int32_t>>{
           {40, 16}, {-10, -3}, {0, 0}, {6, 12}, {100, 0}}) {
    std::vector<uint8_t> smem(sharedSize, 0xEE);
    int32_t coords[2] = {c0, c1};
    uint32_t written = 0;
    ASSERT_EQ(tmaTileLoad(m, coords, g.reader(), smem.data(), sharedBase,
                          sharedSize, dst, written),
              "");
    EXPECT_EQ(written, 64u * 8 * 2);
    for (uint32_t r = 0; r < 8; ++r)
      for (uint32_t c = 0; c < 64; ++c) {
        int64_t gr = c1 + static_cast<int64_t>(r), gc = c0 + static_cast<int64_t>(c);
        uint16_t expect = (gr >= 0 && gr < int64_t(rows) && gc >= 0 && gc < int64_t(cols))
                              ? value(gr, gc)
                              : 0;
        // Row r is the 128-byte line r of the 1024-aligned box; its chunk
        // c/8 is at chunk (c/8) ^ r.
        uint32_t at = dst + r * 128 + (((c / 8) ^ r) * 16) + (c % 8) * 2;
        uint16_t got;
        std::memcpy(&got, &smem[at - sharedBase], 2);
        EXPECT_EQ(got, expect) << c0 << "," << c1 << " r" << r << " c" << c;
      }
    // Nothing outside the box was touched.
    for (uint32_t i = 0; i < sharedSize; ++i) {
      if (i + sharedBase < dst || i + sharedBase >= dst + 1024) {
        ASSERT_EQ(smem[i], 0xEE);
      }
    }
  }
  std::vector<uint8_t> smem(sharedSize);
  int32_t coords[2] = {0, 0};
  uint32_t written = 0;
  // Destination alignment: 128 bytes, swizzled or not.
  EXPECT_NE(tmaTileLoad(m, coords, g.reader(), smem.data(), sharedBase,
                        sharedSize, dst + 64, written),
            "");
  EXPECT_EQ(tmaSharedAlignment(m), 128u);
  // A one-row box inside the pattern's repeat is swizzled by its address:
  // row 5 of the map copied to line 3 of the repeat lands as line 3 of a
  // whole box starting at row 2 would (chunk c/8 at (c/8) ^ 3).
  {
    TiledMapSpec one = m;
    one.boxDim[1] = 1;
    std::vector<uint8_t> lines(sharedSize, 0xEE);
    int32_t at[2] = {0, 5};
    ASSERT_EQ(tmaTileLoad(one, at, g.reader(), lines.data(), sharedBase,
                          sharedSize, dst + 3 * 128, written),
              "");
    EXPECT_EQ(written, 128u);
    for (uint32_t c = 0; c < 64; ++c) {
      uint16_t got;
      std::memcpy(&got,
                  &lines[dst + 3 * 128 + (((c / 8) ^ 3) * 16) + (c % 8) * 2 -
                         sharedBase],
                  2);
      EXPECT_EQ(got, value(5, c)) << "c" << c;
    }
  }
  // Outside shared memory.
  EXPECT_NE(tmaTileLoad(m, coords, g.reader(), smem.data(), sharedBase, 1024,
                        dst, written),
            "");
  // A global read outside valid memory.
  TiledMapSpec bad = m;
  bad.globalDim[1] = 40;
  int32_t far[2] = {0, 30};
  EXPECT_NE(tmaTileLoad(bad, far, g.reader(), smem.data(), sharedBase,
                        sharedSize, dst, written),
            "");
  EXPECT_EQ(written, 0u);
}

TEST(EmuSemantics, TmaTileLoadNoSwizzle3dStrided) {
  // 3D u32 tensor 8 x 6 x 5, element strides {1, 2, 1}: the box {8, 4, 2}
  // holds 8 x 2 x 2 elements (ceil(4 / 2) along dim 1).
  FakeGlobal g;
  const uint64_t d0 = 8, d1 = 6, d2 = 5, s1 = 32, s2 = 32 * 6;
  g.bytes.resize(d2 * s2);
  for (uint64_t k = 0; k < d2; ++k)
    for (uint64_t j = 0; j < d1; ++j)
      for (uint64_t i = 0; i < d0; ++i) {
        uint32_t v = static_cast<uint32_t>(k * 10000 + j * 100 + i + 1);
        std::memcpy(&g.bytes[k * s2 + j * s1 + i * 4], &v, 4);
      }
  TiledMapSpec m;
  m.dataType = MapDataType::UInt32;
  m.rank = 3;
  m.globalAddress = g.base;
  m.globalDim = {d0, d1, d2, 0, 0};
  m.globalStrides = {s1, s2, 0, 0};
  m.boxDim = {8, 4, 2, 0, 0};
  m.elementStrides = {1, 2, 1, 1, 1};
  uint8_t enc[128];
  ASSERT_EQ(encodeTiledMap(m, enc), "");
  EXPECT_EQ(tmaBoxBytes(m), 8u * 2 * 2 * 4);
  std::vector<uint8_t> smem(1024, 0xEE);
  int32_t coords[3] = {0, 3, 4};
  uint32_t written;
  ASSERT_EQ(tmaTileLoad(m, coords, g.reader(), smem.data(), 0, 1024, 128,
                        written),
            "");
  EXPECT_EQ(written, 128u);
  for (uint32_t k = 0; k < 2; ++k)
    for (uint32_t j = 0; j < 2; ++j)
      for (uint32_t i = 0; i < 8; ++i) {
        int64_t gk = 4 + k, gj = 3 + 2 * j;
        uint32_t expect = (gk < int64_t(d2) && gj < int64_t(d1))
                              ? static_cast<uint32_t>(gk * 10000 + gj * 100 + i + 1)
                              : 0;
        uint32_t got;
        std::memcpy(&got, &smem[128 + ((k * 2 + j) * 8 + i) * 4], 4);
        EXPECT_EQ(got, expect) << k << " " << j << " " << i;
      }
}

TEST(EmuSemantics, TmaTileStoreRoundTrip) {
  FakeGlobal g;
  g.bytes.assign(16 * 80, 0);
  TiledMapSpec m = map2d(MapDataType::UInt8, 80, 16, 80, 64, 8,
                         MapSwizzle::B64, g.base);
  uint8_t enc[128];
  ASSERT_EQ(encodeTiledMap(m, enc), "");
  std::vector<uint8_t> smem(2048);
  for (size_t i = 0; i < smem.size(); ++i)
    smem[i] = static_cast<uint8_t>(i * 7 + 1);
  int32_t coords[2] = {48, 12}; // half the box is out of bounds
  ASSERT_EQ(tmaTileStore(m, coords, g.writer(), smem.data(), 0, 2048, 512), "");
  for (uint32_t r = 0; r < 8; ++r)
    for (uint32_t c = 0; c < 64; ++c) {
      uint32_t gr = 12 + r, gc = 48 + c;
      if (gr >= 16 || gc >= 80)
        continue;
      uint32_t dense = 512 + r * 64 + c;
      uint32_t phys = swizzleAddress(MapSwizzle::B64, dense);
      EXPECT_EQ(g.bytes[gr * 80 + gc], smem[phys]);
    }
  // Rows before the box and columns before it are untouched.
  for (uint32_t i = 0; i < 12 * 80; ++i)
    ASSERT_EQ(g.bytes[i], 0);
  for (uint32_t r = 12; r < 16; ++r)
    for (uint32_t c = 0; c < 48; ++c)
      ASSERT_EQ(g.bytes[r * 80 + c], 0);
  // A box narrower than the swizzle span is refused.
  m.boxDim[0] = 32;
  ASSERT_EQ(encodeTiledMap(m, enc), "");
  EXPECT_NE(tmaTileStore(m, coords, g.writer(), smem.data(), 0, 2048, 512), "");
}

TEST(EmuSemantics, BulkCopyRules) {
  EXPECT_EQ(checkBulkCopy(0x100, 0x2000, 64), "");
  EXPECT_NE(checkBulkCopy(0x100, 0x2000, 0), "");
  EXPECT_NE(checkBulkCopy(0x100, 0x2000, 24), "");
  EXPECT_NE(checkBulkCopy(0x108, 0x2000, 32), "");
  EXPECT_NE(checkBulkCopy(0x100, 0x2004, 32), "");
}

//===----------------------------------------------------------------------===//
// wgmma
//===----------------------------------------------------------------------===//

namespace {

/// A's/B's (row, k) value: small multiples of 1/8 so every sum is exact.
float operandValue(std::mt19937 &rng) {
  return static_cast<float>(static_cast<int>(rng() % 33) - 16) / 8.0f;
}

struct Problem {
  int n;
  std::vector<float> A; // 64 x 16
  std::vector<float> B; // 16 x n (k, n)
  std::vector<float> D; // 64 x n initial
  Problem(int n, uint32_t seed) : n(n) {
    std::mt19937 rng(seed);
    A.resize(64 * 16);
    B.resize(16 * n);
    D.resize(64 * n);
    for (auto &v : A)
      v = operandValue(rng);
    for (auto &v : B)
      v = operandValue(rng);
    for (auto &v : D)
      v = operandValue(rng) * 4;
  }
  float a(int m, int k) const { return A[m * 16 + k]; }
  float b(int k, int j) const { return B[k * n + j]; }
  float expect(int m, int j, bool scaleD, int sa, int sb) const {
    double s = scaleD ? D[m * n + j] : 0.0;
    for (int k = 0; k < 16; ++k)
      s += double(sa * a(m, k)) * double(sb * b(k, j));
    return static_cast<float>(s);
  }
};

bool gPutBf16 = false; // put16 writes bf16 instead of f16

void put16(std::vector<uint8_t> &smem, uint32_t at, float v) {
  uint16_t h = gPutBf16 ? f32ToBf16Rn(v) : f32ToF16Rn(v);
  std::memcpy(&smem[at], &h, 2);
}

/// The accumulator fragment (PTX ISA Figure "WGMMA .m64nNk16 register
/// fragment layout for accumulator matrix D"): thread 32w + l holds rows
/// 16w + l/4 and 16w + l/4 + 8, columns 8j + 2(l%4) + {0,1}:
/// d[4j + 0..3] = (r, c), (r, c+1), (r+8, c), (r+8, c+1).
std::vector<float> toFragments(const std::vector<float> &D, int n) {
  std::vector<float> acc(128 * (n / 2));
  for (int t = 0; t < 128; ++t) {
    int w = t / 32, l = t % 32;
    for (int j = 0; j < n / 8; ++j) {
      int r = 16 * w + l / 4, c = 8 * j + 2 * (l % 4);
      acc[t * (n / 2) + 4 * j + 0] = D[r * n + c];
      acc[t * (n / 2) + 4 * j + 1] = D[r * n + c + 1];
      acc[t * (n / 2) + 4 * j + 2] = D[(r + 8) * n + c];
      acc[t * (n / 2) + 4 * j + 3] = D[(r + 8) * n + c + 1];
    }
  }
  return acc;
}
std::vector<float> fromFragments(const std::vector<float> &acc, int n) {
  std::vector<float> D(64 * n);
  for (int t = 0; t < 128; ++t) {
    int w = t / 32, l = t % 32;
    for (int j = 0; j < n / 8; ++j) {
      int r = 16 * w + l / 4, c = 8 * j + 2 * (l % 4);
      D[r * n + c] = acc[t * (n / 2) + 4 * j + 0];
      D[r * n + c + 1] = acc[t * (n / 2) + 4 * j + 1];
      D[(r + 8) * n + c] = acc[t * (n / 2) + 4 * j + 2];
      D[(r + 8) * n + c + 1] = acc[t * (n / 2) + 4 * j + 3];
    }
  }
  return D;
}

enum class Major { K, MN };

/// Lays out an operand of `rows` (M or N) x 16 (K) 16-bit values at `base`
/// as the PTX ISA's shared memory matrix layout describes, returning the
/// descriptor. Written from the ISA text:
///  - K-major, no swizzle: core matrices of 8 rows x 16 bytes (8 K
///    values per row, contiguous); K-adjacent cores LBO apart, 8-row groups
///    SBO apart.
///  - K-major, swizzled S (32/64/128): each row is S bytes of K values
///    (row r of an 8-row atom at r*S), 8-row atoms SBO apart, LBO unused;
///    the 16-byte chunks permuted by the address swizzle (as TMA writes it
///    with a box of S bytes inner).
///  - MN-major, no swizzle: core matrices of 8 K rows x 8 MN values (16
///    bytes); MN-adjacent cores SBO apart, K-adjacent cores LBO apart.
///  - MN-major, swizzled S: each K row holds S/2 MN values (S bytes), rows
///    of one k8 group at k*S, k8 groups SBO apart, MN atoms (S/2 values)
///    LBO apart.
uint64_t layOut(std::vector<uint8_t> &smem, uint32_t base, int rows, Major major,
                MapSwizzle sw, const std::function<float(int, int)> &value) {
  uint32_t span = swizzleSpanBytes(sw);
  MatrixDescriptor d;
  d.startAddress = base;
  d.swizzle = sw == MapSwizzle::None  ? WgmmaSwizzle::Interleave
              : sw == MapSwizzle::B32 ? WgmmaSwizzle::B32
              : sw == MapSwizzle::B64 ? WgmmaSwizzle::B64
                                      : WgmmaSwizzle::B128;
  if (major == Major::K) {
    if (!span) {
      d.leadingByteOffset = 128;                      // K cores adjacent
      d.strideByteOffset = 384;                       // padded row groups
      for (int r = 0; r < rows; ++r)
        for (int k = 0; k < 16; ++k)
          put16(smem, base + (r / 8) * 384 + (k / 8) * 128 + (r % 8) * 16 + (k % 8) * 2,
                value(r, k));
    } else {
      d.leadingByteOffset = 16; // "assumed 1"
      d.strideByteOffset = 8 * span;
      for (int r = 0; r < rows; ++r)
        for (int k = 0; k < 16; ++k) {
          uint32_t lin = base + (r / 8) * 8 * span + (r % 8) * span + k * 2;
          put16(smem, swizzleAddress(sw, lin), value(r, k));
        }
    }
  } else {
    if (!span) {
      d.strideByteOffset = 128 * 3;  // MN-adjacent cores
      d.leadingByteOffset = 128;     // K-adjacent cores
      for (int r = 0; r < rows; ++r)
        for (int k = 0; k < 16; ++k)
          put16(smem, base + (r / 8) * 384 + (k / 8) * 128 + (k % 8) * 16 + (r % 8) * 2,
                value(r, k));
    } else {
      int w = static_cast<int>(span / 2);
      uint32_t atom = 16 * span; // 16 K rows of one MN atom
      d.leadingByteOffset = atom;  // next MN atom
      d.strideByteOffset = 8 * span; // next k8 group
      for (int r = 0; r < rows; ++r)
        for (int k = 0; k < 16; ++k) {
          uint32_t lin = base + (r / w) * atom + k * span + (r % w) * 2;
          put16(smem, swizzleAddress(sw, lin), value(r, k));
        }
    }
  }
  return encodeMatrixDescriptor(d);
}

} // namespace

class WgmmaLayouts
    : public ::testing::TestWithParam<std::tuple<MapSwizzle, bool, bool, int>> {};

TEST_P(WgmmaLayouts, MatchesMatmul) {
  auto [sw, transA, transB, n] = GetParam();
  Problem p(n, 11u + static_cast<uint32_t>(n) + (transA ? 100 : 0) + (transB ? 200 : 0) +
                   static_cast<uint32_t>(sw) * 1000);
  const uint32_t sharedBase = 0x1000, sharedSize = 0x10000;
  std::vector<uint8_t> smem(sharedSize + sharedBase, 0); // indexed by address
  uint64_t descA = layOut(smem, 0x2000, 64, transA ? Major::MN : Major::K, sw,
                          [&](int m, int k) { return p.a(m, k); });
  uint64_t descB = layOut(smem, 0x8000, n, transB ? Major::MN : Major::K, sw,
                          [&](int j, int k) { return p.b(k, j); });
  for (int variant = 0; variant < 3; ++variant) {
    bool scaleD = variant != 1;
    int sa = variant == 2 ? -1 : 1, sb = 1;
    std::vector<float> acc = toFragments(p.D, n);
    WgmmaF16Op op;
    op.n = n;
    op.descA = descA;
    op.descB = descB;
    op.transA = transA;
    op.transB = transB;
    op.scaleD = scaleD;
    op.scaleA = sa;
    op.scaleB = sb;
    ASSERT_EQ(wgmmaF16(op, smem.data() + sharedBase, sharedBase, sharedSize,
                       acc.data()),
              "");
    std::vector<float> D = fromFragments(acc, n);
    for (int m = 0; m < 64; ++m)
      for (int j = 0; j < n; ++j)
        ASSERT_EQ(D[m * n + j], p.expect(m, j, scaleD, sa, sb))
            << "m" << m << " n" << j << " variant " << variant;
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, WgmmaLayouts,
    ::testing::Combine(::testing::Values(MapSwizzle::None, MapSwizzle::B32,
                                         MapSwizzle::B64, MapSwizzle::B128),
                       ::testing::Bool(), ::testing::Bool(),
                       ::testing::Values(8, 24, 128, 256)));

TEST(EmuSemantics, WgmmaTmaK128BSwizzleKSlices) {
  // The usual sm_90 pipeline: TMA loads a 64 x 64 f16 K-major tile with the
  // 128B swizzle into a 1024-aligned buffer; the k16 slice s is read with
  // the start address advanced by 32 * s bytes, SBO = 1024.
  const int n = 16;
  FakeGlobal g;
  std::mt19937 rng(5);
  std::vector<float> Aval(64 * 64), Bval(n * 64);
  g.bytes.resize((64 + n) * 128);
  for (int r = 0; r < 64 + n; ++r)
    for (int k = 0; k < 64; ++k) {
      float v = operandValue(rng);
      (r < 64 ? Aval[r * 64 + k] : Bval[(r - 64) * 64 + k]) = v;
      uint16_t h = f32ToF16Rn(v);
      std::memcpy(&g.bytes[r * 128 + k * 2], &h, 2);
    }
  TiledMapSpec m = map2d(MapDataType::Float16, 64, 64 + n, 128, 64, 64,
                         MapSwizzle::B128, g.base);
  TiledMapSpec mb = m;
  mb.boxDim[1] = n;
  const uint32_t sharedBase = 0, sharedSize = 0x8000, aAt = 0x1000, bAt = 0x3000;
  std::vector<uint8_t> smem(sharedSize);
  uint32_t written;
  int32_t ca[2] = {0, 0}, cb[2] = {0, 64};
  ASSERT_EQ(tmaTileLoad(m, ca, g.reader(), smem.data(), sharedBase, sharedSize,
                        aAt, written),
            "");
  ASSERT_EQ(tmaTileLoad(mb, cb, g.reader(), smem.data(), sharedBase, sharedSize,
                        bAt, written),
            "");
  std::vector<float> acc(128 * n / 2, 0.0f);
  for (int s = 0; s < 4; ++s) {
    MatrixDescriptor da, db;
    da.startAddress = aAt + 32 * s;
    db.startAddress = bAt + 32 * s;
    da.leadingByteOffset = db.leadingByteOffset = 16;
    da.strideByteOffset = db.strideByteOffset = 1024;
    da.swizzle = db.swizzle = WgmmaSwizzle::B128;
    WgmmaF16Op op;
    op.n = n;
    op.descA = encodeMatrixDescriptor(da);
    op.descB = encodeMatrixDescriptor(db);
    op.scaleD = s > 0;
    ASSERT_EQ(wgmmaF16(op, smem.data(), sharedBase, sharedSize, acc.data()), "");
  }
  std::vector<float> D = fromFragments(acc, n);
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int k = 0; k < 64; ++k)
        s += double(Aval[i * 64 + k]) * Bval[j * 64 + k];
      ASSERT_EQ(D[i * n + j], static_cast<float>(s)) << i << " " << j;
    }
}

class WgmmaFromTma : public ::testing::TestWithParam<MapSwizzle> {};

TEST_P(WgmmaFromTma, KMajorSlices) {
  // A sm_90 pipeline: TMA loads K-major f16 tiles (K = 64) with the swizzle,
  // box inner = the swizzle span (S/2 values), one box per S/2 of K, boxes
  // of `rows` x S bytes; the k16 slice s is read with the start address of
  // its box advanced by the slice's byte offset in the row, SBO = 8 * S.
  MapSwizzle sw = GetParam();
  const uint32_t span = swizzleSpanBytes(sw), inner = span / 2;
  const int n = 40, K = 64;
  FakeGlobal g;
  std::mt19937 rng(17);
  std::vector<float> Av(64 * K), Bv(n * K);
  g.bytes.resize((64 + n) * K * 2);
  for (int r = 0; r < 64 + n; ++r)
    for (int k = 0; k < K; ++k) {
      float v = operandValue(rng);
      (r < 64 ? Av[r * K + k] : Bv[(r - 64) * K + k]) = v;
      uint16_t h = f32ToF16Rn(v);
      std::memcpy(&g.bytes[(r * K + k) * 2], &h, 2);
    }
  const uint32_t sharedSize = 0x10000;
  std::vector<uint8_t> smem(sharedSize);
  const uint32_t aAt = 0x0400, aBox = 64 * span;
  const uint32_t bAt = 0x8000, bBox = ((n * span + 1023) / 1024) * 1024;
  for (uint32_t box = 0; box < K / inner; ++box) {
    uint32_t written;
    TiledMapSpec ma = map2d(MapDataType::Float16, K, 64 + n, K * 2, inner, 64,
                            sw, g.base);
    TiledMapSpec mb = ma;
    mb.boxDim[1] = n;
    uint8_t enc[128];
    ASSERT_EQ(encodeTiledMap(ma, enc), "");
    int32_t ca[2] = {int32_t(box * inner), 0}, cb[2] = {int32_t(box * inner), 64};
    ASSERT_EQ(tmaTileLoad(ma, ca, g.reader(), smem.data(), 0, sharedSize,
                          aAt * 4 + box * aBox, written), "");
    ASSERT_EQ(tmaTileLoad(mb, cb, g.reader(), smem.data(), 0, sharedSize,
                          bAt + box * bBox, written), "");
  }
  std::vector<float> acc(128 * n / 2, 0.0f);
  for (int s = 0; s < K / 16; ++s) {
    uint32_t box = (s * 16) / inner, within = ((s * 16) % inner) * 2;
    MatrixDescriptor da, db;
    da.startAddress = aAt * 4 + box * aBox + within;
    db.startAddress = bAt + box * bBox + within;
    da.leadingByteOffset = db.leadingByteOffset = 16;
    da.strideByteOffset = db.strideByteOffset = 8 * span;
    da.swizzle = db.swizzle = sw == MapSwizzle::B32   ? WgmmaSwizzle::B32
                              : sw == MapSwizzle::B64 ? WgmmaSwizzle::B64
                                                      : WgmmaSwizzle::B128;
    WgmmaF16Op op;
    op.n = n;
    op.descA = encodeMatrixDescriptor(da);
    op.descB = encodeMatrixDescriptor(db);
    op.scaleD = s > 0;
    ASSERT_EQ(wgmmaF16(op, smem.data(), 0, sharedSize, acc.data()), "");
  }
  std::vector<float> D = fromFragments(acc, n);
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int k = 0; k < K; ++k)
        s += double(Av[i * K + k]) * Bv[j * K + k];
      ASSERT_EQ(D[i * n + j], static_cast<float>(s)) << i << " " << j;
    }
}

INSTANTIATE_TEST_SUITE_P(Swizzles, WgmmaFromTma,
                         ::testing::Values(MapSwizzle::B32, MapSwizzle::B64,
                                           MapSwizzle::B128));

TEST(EmuSemantics, WgmmaTmaMNMajor128B) {
  // B stored K x N with N contiguous (N-major, imm-trans-b = 1): TMA boxes
  // of 64 N values (128 bytes) x 16 K rows; the second 64 N values are the
  // next box, LBO bytes on; k8 groups are 8 rows = 1024 bytes apart (SBO).
  // A is likewise M-major (imm-trans-a = 1).
  const int n = 128;
  FakeGlobal g;
  std::mt19937 rng(23);
  std::vector<float> Av(16 * 64), Bv(16 * n); // [k][m], [k][n]
  const uint64_t pitch = (64 + n) * 2;         // row k: 64 A then n B values
  g.bytes.resize(16 * pitch);
  for (int k = 0; k < 16; ++k)
    for (int c = 0; c < 64 + n; ++c) {
      float v = operandValue(rng);
      (c < 64 ? Av[k * 64 + c] : Bv[k * n + (c - 64)]) = v;
      uint16_t h = f32ToF16Rn(v);
      std::memcpy(&g.bytes[k * pitch + c * 2], &h, 2);
    }
  TiledMapSpec m = map2d(MapDataType::Float16, 64 + n, 16, pitch, 64, 16,
                         MapSwizzle::B128, g.base);
  const uint32_t sharedSize = 0x8000, aAt = 0x1000, bAt = 0x2000, lbo = 2048;
  std::vector<uint8_t> smem(sharedSize);
  uint32_t written;
  int32_t ca[2] = {0, 0};
  ASSERT_EQ(tmaTileLoad(m, ca, g.reader(), smem.data(), 0, sharedSize, aAt,
                        written), "");
  for (int half = 0; half < 2; ++half) {
    int32_t cb[2] = {64 + 64 * half, 0};
    ASSERT_EQ(tmaTileLoad(m, cb, g.reader(), smem.data(), 0, sharedSize,
                          bAt + half * lbo, written), "");
  }
  MatrixDescriptor da, db;
  da.startAddress = aAt;
  db.startAddress = bAt;
  da.leadingByteOffset = db.leadingByteOffset = lbo;
  da.strideByteOffset = db.strideByteOffset = 1024;
  da.swizzle = db.swizzle = WgmmaSwizzle::B128;
  WgmmaF16Op op;
  op.n = n;
  op.descA = encodeMatrixDescriptor(da);
  op.descB = encodeMatrixDescriptor(db);
  op.transA = op.transB = true;
  op.scaleD = false;
  std::vector<float> acc(128 * n / 2, 1.0f);
  ASSERT_EQ(wgmmaF16(op, smem.data(), 0, sharedSize, acc.data()), "");
  std::vector<float> D = fromFragments(acc, n);
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int k = 0; k < 16; ++k)
        s += double(Av[k * 64 + i]) * Bv[k * n + j];
      ASSERT_EQ(D[i * n + j], static_cast<float>(s)) << i << " " << j;
    }
}

TEST(EmuSemantics, WgmmaARegisters) {
  const int n = 32;
  Problem p(n, 99);
  std::vector<uint8_t> smem(0x4000);
  uint64_t descB = layOut(smem, 0x1000, n, Major::K, MapSwizzle::B64,
                          [&](int j, int k) { return p.b(k, j); });
  // A fragment (PTX ISA Figure "WGMMA .m64nNk16 register fragment layout
  // for matrix A"): thread 32w + l, g = l/4, q = l%4; registers hold
  // {a0,a1} = (16w+g, 2q..2q+1), {a2,a3} = (16w+g+8, 2q..),
  // {a4,a5} = (16w+g, 2q+8..), {a6,a7} = (16w+g+8, 2q+8..), low half first.
  std::vector<uint32_t> regs(128 * 4);
  for (int t = 0; t < 128; ++t) {
    int w = t / 32, g = (t % 32) / 4, q = t % 4;
    for (int r = 0; r < 4; ++r) {
      int row = 16 * w + g + (r % 2) * 8, col = 2 * q + (r / 2) * 8;
      regs[t * 4 + r] = cvtF16x2F32(p.a(row, col + 1), p.a(row, col));
    }
  }
  std::vector<float> acc = toFragments(p.D, n);
  WgmmaF16Op op;
  op.n = n;
  op.aRegs = regs.data();
  op.descB = descB;
  ASSERT_EQ(wgmmaF16(op, smem.data(), 0, 0x4000, acc.data()), "");
  std::vector<float> D = fromFragments(acc, n);
  for (int m = 0; m < 64; ++m)
    for (int j = 0; j < n; ++j)
      ASSERT_EQ(D[m * n + j], p.expect(m, j, true, 1, 1));
  op.transA = true;
  EXPECT_NE(wgmmaF16(op, smem.data(), 0, 0x4000, acc.data()), "");
}

TEST(EmuSemantics, WgmmaBf16) {
  const int n = 64;
  Problem p(n, 5);
  std::vector<uint8_t> smem(0x8000);
  gPutBf16 = true;
  uint64_t descA = layOut(smem, 0x0400, 64, Major::K, MapSwizzle::B128,
                          [&](int m, int k) { return p.a(m, k) * 0x1p60f; });
  uint64_t descB = layOut(smem, 0x4000, n, Major::MN, MapSwizzle::None,
                          [&](int j, int k) { return p.b(k, j) * 0x1p-60f; });
  gPutBf16 = false;
  std::vector<float> acc = toFragments(p.D, n);
  WgmmaF16Op op;
  op.n = n;
  op.input = WgmmaInput::BF16;
  op.descA = descA;
  op.descB = descB;
  op.transB = true;
  op.scaleB = -1;
  ASSERT_EQ(wgmmaF16(op, smem.data(), 0, 0x8000, acc.data()), "");
  std::vector<float> D = fromFragments(acc, n);
  for (int m = 0; m < 64; ++m)
    for (int j = 0; j < n; ++j)
      ASSERT_EQ(D[m * n + j], p.expect(m, j, true, 1, -1)) << m << " " << j;
}

TEST(EmuSemantics, WgmmaChecks) {
  std::vector<uint8_t> smem(0x1000);
  std::vector<float> acc(128 * 128);
  MatrixDescriptor d;
  d.startAddress = 0x100;
  d.leadingByteOffset = 128;
  d.strideByteOffset = 256;
  WgmmaF16Op op;
  op.n = 16;
  op.descA = op.descB = encodeMatrixDescriptor(d);
  EXPECT_EQ(wgmmaF16(op, smem.data(), 0, 0x1000, acc.data()), "");
  EXPECT_NE(wgmmaF16(op, smem.data(), 0, 0x800, acc.data()), ""); // A past end
  op.n = 12;
  EXPECT_NE(wgmmaF16(op, smem.data(), 0, 0x1000, acc.data()), "");
  op.n = 264;
  EXPECT_NE(wgmmaF16(op, smem.data(), 0, 0x1000, acc.data()), "");
  op.n = 16;
  op.scaleA = 2;
  EXPECT_NE(wgmmaF16(op, smem.data(), 0, 0x1000, acc.data()), "");
  op.scaleA = 1;
  d.swizzle = WgmmaSwizzle::B128;
  d.baseOffset = 2;
  op.descB = encodeMatrixDescriptor(d);
  EXPECT_NE(wgmmaF16(op, smem.data(), 0, 0x1000, acc.data()), "");
}

// The addition models of wgmmaDot (WgmmaSumModel) on hand-made k16 dot
// products whose results tell the models apart; bench/fit_wgmma.py
// implements the same models on integers and was checked against these
// implementations on a probe dump.
namespace {
uint32_t dotBits(const WgmmaSumModel &m, float d,
                 std::vector<std::pair<float, float>> prods) {
  float a[16] = {}, b[16] = {};
  for (size_t i = 0; i < prods.size(); ++i) {
    a[i] = prods[i].first;
    b[i] = prods[i].second;
  }
  float r = wgmmaDot(m, WgmmaInput::F16, d, a, b);
  uint32_t bits;
  std::memcpy(&bits, &r, 4);
  return bits;
}
WgmmaSumModel fused(int f, bool incD, bool nom, bool rn, int chunk = 16) {
  WgmmaSumModel m;
  m.kind = WgmmaSumModel::Fused;
  m.fracBits = f;
  m.includeD = incD;
  m.nominalExp = nom;
  m.roundNearest = rn;
  m.chunk = chunk;
  return m;
}
} // namespace

TEST(EmuSemantics, WgmmaSumModels) {
  const float u = std::ldexp(1.0f, -12); // u * u = 2^-24
  WgmmaSumModel seq;
  seq.kind = WgmmaSumModel::Sequential;
  // 1 + 2^-24 + 2^-24: sequential RN ties to even twice (1.0); fused
  // with 25 fraction bits keeps both (1 + 2^-23); with 23 drops both.
  std::vector<std::pair<float, float>> twoTiny = {{u, u}, {u, u}};
  EXPECT_EQ(dotBits(seq, 1.0f, twoTiny), 0x3f800000u);
  EXPECT_EQ(dotBits(fused(25, true, false, false), 1.0f, twoTiny), 0x3f800001u);
  EXPECT_EQ(dotBits(fused(23, true, false, false), 1.0f, twoTiny), 0x3f800000u);
  EXPECT_EQ(dotBits(fused(23, true, false, true), 1.0f, twoTiny), 0x3f800000u);
  // 1 + 0.75 ulp: RN rounds up, RZ truncates.
  std::vector<std::pair<float, float>> threeQuarter = {{3 * u / 2, u}};
  EXPECT_EQ(dotBits(seq, 1.0f, threeQuarter), 0x3f800001u);
  EXPECT_EQ(dotBits(fused(26, true, false, true), 1.0f, threeQuarter), 0x3f800001u);
  EXPECT_EQ(dotBits(fused(26, true, false, false), 1.0f, threeQuarter), 0x3f800000u);
  // D = 1 in emax (incD) or not (exD): products 2^-14 + 2^-24 and 2^-24
  // are truncated on the 2^-23 grid with incD, F = 23 (1 + 2^-14), kept
  // on exD's 2^-37 grid (1 + 2^-14 + 2^-23 exactly).
  const float e14 = std::ldexp(1.0f, -14);
  std::vector<std::pair<float, float>> inc = {{1.0f + std::ldexp(1.0f, -10), e14},
                                              {u, u}};
  EXPECT_EQ(dotBits(fused(23, true, false, false), 1.0f, inc), 0x3f800200u);
  EXPECT_EQ(dotBits(fused(23, false, false, false), 1.0f, inc), 0x3f800201u);
  // Leading-bit vs nominal exponent: 1.5 * 1.5 = 2.25 leads at 2^1 but
  // has nominal exponent 0; 2.25 - 2.25 + 2^-24 with F = 24 keeps 2^-24
  // only on the nominal grid (2^-24), not on the leading-bit one (2^-23).
  std::vector<std::pair<float, float>> lead = {{1.5f, 1.5f}, {-1.5f, 1.5f}, {u, u}};
  EXPECT_EQ(dotBits(fused(24, true, false, false), 0.0f, lead), 0x00000000u);
  EXPECT_EQ(dotBits(fused(24, true, true, false), 0.0f, lead), 0x33800000u);
  EXPECT_EQ(dotBits(seq, 0.0f, lead), 0x33800000u);
  // Chunks: 2^-24 at k = 0 and k = 4; chunks of 4 round (RZ) the
  // accumulator after each (1.0), one fused step of 16 does not.
  std::vector<std::pair<float, float>> chunks = {
      {u, u}, {0, 0}, {0, 0}, {0, 0}, {u, u}};
  EXPECT_EQ(dotBits(fused(25, true, false, false, 4), 1.0f, chunks), 0x3f800000u);
  EXPECT_EQ(dotBits(fused(25, true, false, false, 8), 1.0f, chunks), 0x3f800001u);
  EXPECT_EQ(dotBits(fused(25, true, false, false, 16), 1.0f, chunks), 0x3f800001u);
  // Exact cancellation gives +0; all-zero addends give their IEEE sum
  // (-0 + 16 products +0 = +0, as the sequential model).
  EXPECT_EQ(dotBits(fused(25, true, false, false), -2.25f, {{1.5f, 1.5f}}), 0u);
  EXPECT_EQ(dotBits(fused(25, true, false, true), -0.0f, {}),
            dotBits(seq, -0.0f, {}));
  // exD with D far above the products: RZ steps D toward zero when the
  // products pull it down, RN keeps it.
  EXPECT_EQ(dotBits(fused(25, false, false, false), 0x1p100f, {{-u, u}}),
            0x717fffffu);
  EXPECT_EQ(dotBits(fused(25, false, false, true), 0x1p100f, {{-u, u}}),
            0x71800000u);
  // Products of f16 subnormals are exact (2^-24 * 2^-24 = 2^-48).
  const float s24 = std::ldexp(1.0f, -24); // f16 subnormal
  EXPECT_EQ(dotBits(fused(25, true, true, false), 0.0f, {{s24, s24}}),
            0x27800000u); // 2^-48
  // wgmmaF16 uses op.sum: D(0, 0) = 1 + 2^-24 + 2^-24 as above.
  std::vector<uint8_t> smem(0x1000, 0);
  auto put = [&](uint32_t at, float v) {
    uint16_t h = f32ToF16Rn(v);
    std::memcpy(&smem[at], &h, 2);
  };
  // A (64 x 16, K-major no swizzle, LBO 128, SBO 256) at 0; B (8 x 16) at
  // 0x800: A(0, 0..1) = u, B(0, 0..1) = u.
  MatrixDescriptor da, db;
  da.leadingByteOffset = db.leadingByteOffset = 128;
  da.strideByteOffset = db.strideByteOffset = 256;
  db.startAddress = 0x800;
  for (uint32_t k = 0; k < 2; ++k) {
    put(wgmmaElementAddress(da, false, 0, k), u);
    put(wgmmaElementAddress(db, false, 0, k), u);
  }
  WgmmaF16Op op;
  op.n = 8;
  op.descA = encodeMatrixDescriptor(da);
  op.descB = encodeMatrixDescriptor(db);
  for (int model = 0; model < 2; ++model) {
    op.sum = model ? fused(25, true, false, false) : seq;
    std::vector<float> acc(128 * 4, 1.0f);
    ASSERT_EQ(wgmmaF16(op, smem.data(), 0, 0x1000, acc.data()), "");
    uint32_t bits;
    std::memcpy(&bits, &acc[0], 4); // thread 0 reg 0 = D(0, 0)
    EXPECT_EQ(bits, model ? 0x3f800001u : 0x3f800000u);
  }
}

TEST(EmuSemantics, MatrixDescriptorFields) {
  // PTX ISA "Matrix Descriptor Format": encode(x) = (x & 0x3FFFF) >> 4 in
  // bits 0-13 (start), 16-29 (LBO), 32-45 (SBO); base offset 49-51; swizzle
  // 62-63 (0 none, 1 128B, 2 64B, 3 32B).
  uint64_t desc = (uint64_t(0x2340 >> 4)) | (uint64_t(128 >> 4) << 16) |
                  (uint64_t(1024 >> 4) << 32) | (uint64_t(5) << 49) |
                  (uint64_t(1) << 62);
  MatrixDescriptor d = decodeMatrixDescriptor(desc);
  EXPECT_EQ(d.startAddress, 0x2340u);
  EXPECT_EQ(d.leadingByteOffset, 128u);
  EXPECT_EQ(d.strideByteOffset, 1024u);
  EXPECT_EQ(d.baseOffset, 5u);
  EXPECT_EQ(d.swizzle, WgmmaSwizzle::B128);
  EXPECT_EQ(encodeMatrixDescriptor(d), desc);
  EXPECT_EQ(toMapSwizzle(WgmmaSwizzle::B32), MapSwizzle::B32);
  EXPECT_EQ(toMapSwizzle(WgmmaSwizzle::B64), MapSwizzle::B64);
}

//===----------------------------------------------------------------------===//
// cuTensorMapEncodeTiled rules
//===----------------------------------------------------------------------===//

TEST(EmuSemantics, TensorMapRoundTrip) {
  TiledMapSpec m;
  m.dataType = MapDataType::BFloat16;
  m.rank = 3;
  m.globalAddress = 0x7000010;
  m.globalDim = {256, 100, uint64_t(1) << 32, 0, 0};
  m.globalStrides = {512, 51200, 0, 0};
  m.boxDim = {64, 128, 1, 0, 0};
  m.elementStrides = {1, 2, 8, 1, 1};
  m.swizzle = MapSwizzle::B128;
  m.l2Promotion = 3;
  uint8_t out[128];
  ASSERT_EQ(encodeTiledMap(m, out), "");
  TiledMapSpec back;
  ASSERT_TRUE(decodeTiledMap(out, back));
  EXPECT_EQ(back.dataType, m.dataType);
  EXPECT_EQ(back.rank, m.rank);
  EXPECT_EQ(back.globalAddress, m.globalAddress);
  EXPECT_EQ(back.globalDim, m.globalDim);
  EXPECT_EQ(back.globalStrides, m.globalStrides);
  EXPECT_EQ(back.boxDim, m.boxDim);
  EXPECT_EQ(back.elementStrides, m.elementStrides);
  EXPECT_EQ(back.swizzle, m.swizzle);
  EXPECT_EQ(back.l2Promotion, m.l2Promotion);
  out[30] ^= 1;
  EXPECT_FALSE(decodeTiledMap(out, back));
  uint8_t zeros[128] = {};
  EXPECT_FALSE(decodeTiledMap(zeros, back));
}

TEST(EmuSemantics, TensorMapRefusals) {
  TiledMapSpec good = map2d(MapDataType::Float16, 128, 64, 256, 64, 32,
                            MapSwizzle::B128, 0x10000);
  uint8_t out[128];
  ASSERT_EQ(encodeTiledMap(good, out), "");
  // Each case: the spec and a word its refusal must name.
  std::map<std::string, std::pair<TiledMapSpec, std::string>> cases;
  const std::map<std::string, std::string> words = {
      {"data type", "tensorDataType"}, {"rank 0", "tensorRank"},
      {"rank 6", "tensorRank"}, {"interleave rank", "tensorRank"},
      {"address", "globalAddress"}, {"dim 0", "globalDim[1]"},
      {"dim big", "globalDim[1]"}, {"stride 16", "multiple of 16"},
      {"stride 2^40", "2^40"},
      {"box 0", "boxDim[1]"}, {"box 257", "boxDim[1]"},
      {"box inner 16", "multiple of 16 bytes"}, {"swizzle span", "swizzle size"},
      {"swizzle span 32", "swizzle size"}, {"element stride 0", "elementStrides[1]"},
      {"element stride 9", "elementStrides[0]"}, {"swizzle enum", "swizzle"},
      {"interleave enum", "interleave"}, {"l2", "l2Promotion"},
      {"oob enum", "oobFill"}, {"oob nan int", "floating-point"}};
  auto with = [&](const char *name, auto change) {
    TiledMapSpec s = good;
    change(s);
    cases[name] = {s, words.at(name)};
  };
  with("data type", [](TiledMapSpec &s) { s.dataType = static_cast<MapDataType>(16); });
  with("rank 0", [](TiledMapSpec &s) { s.rank = 0; });
  with("rank 6", [](TiledMapSpec &s) { s.rank = 6; });
  with("interleave rank", [](TiledMapSpec &s) {
    s.interleave = MapInterleave::B16;
    s.swizzle = MapSwizzle::None;
  });
  with("address", [](TiledMapSpec &s) { s.globalAddress += 8; });
  with("dim 0", [](TiledMapSpec &s) { s.globalDim[1] = 0; });
  with("dim big", [](TiledMapSpec &s) { s.globalDim[1] = (uint64_t(1) << 32) + 1; });
  with("stride 16", [](TiledMapSpec &s) { s.globalStrides[0] = 264; });
  with("stride 2^40", [](TiledMapSpec &s) { s.globalStrides[0] = uint64_t(1) << 40; });
  with("box 0", [](TiledMapSpec &s) { s.boxDim[1] = 0; });
  with("box 257", [](TiledMapSpec &s) { s.boxDim[1] = 257; });
  with("box inner 16", [](TiledMapSpec &s) { s.boxDim[0] = 60; });
  with("swizzle span", [](TiledMapSpec &s) { s.boxDim[0] = 72; });
  with("swizzle span 32", [](TiledMapSpec &s) {
    s.swizzle = MapSwizzle::B32;
    s.boxDim[0] = 24;
  });
  with("element stride 0", [](TiledMapSpec &s) { s.elementStrides[1] = 0; });
  with("element stride 9", [](TiledMapSpec &s) { s.elementStrides[0] = 9; });
  with("swizzle enum", [](TiledMapSpec &s) { s.swizzle = static_cast<MapSwizzle>(9); });
  with("interleave enum", [](TiledMapSpec &s) {
    s.interleave = static_cast<MapInterleave>(3);
  });
  with("l2", [](TiledMapSpec &s) { s.l2Promotion = 4; });
  with("oob enum", [](TiledMapSpec &s) { s.oobFill = 2; });
  with("oob nan int", [](TiledMapSpec &s) {
    s.dataType = MapDataType::UInt16;
    s.oobFill = 1;
  });
  for (auto &[name, c] : cases) {
    std::string err = encodeTiledMap(c.first, out);
    EXPECT_NE(err.find(c.second), std::string::npos) << name << ": " << err;
  }

  // Rules that hold for the 3D interleaved case.
  TiledMapSpec il;
  il.dataType = MapDataType::Float16;
  il.rank = 3;
  il.globalAddress = 0x10020;
  il.globalDim = {16, 8, 8, 0, 0};
  il.globalStrides = {32, 256, 0, 0};
  il.boxDim = {16, 8, 8, 0, 0};
  il.interleave = MapInterleave::B32;
  il.swizzle = MapSwizzle::B32;
  EXPECT_EQ(encodeTiledMap(il, out), "");
  TiledMapSpec s = il;
  s.globalAddress = 0x10010;
  EXPECT_NE(encodeTiledMap(s, out), "") << "interleave 32B address";
  s = il;
  s.globalStrides = {48, 384, 0, 0};
  EXPECT_NE(encodeTiledMap(s, out), "") << "interleave 32B strides";
  s = il;
  s.swizzle = MapSwizzle::B128;
  EXPECT_NE(encodeTiledMap(s, out), "") << "interleave 32B swizzle";
  // NaN fill is allowed for float types by the driver.
  TiledMapSpec nanFill = good;
  nanFill.oobFill = 1;
  EXPECT_EQ(encodeTiledMap(nanFill, out), "");
  // A stride below the previous dimension's extent (overlapping rows) is
  // accepted, as the driver does (H200 calibration, stride_below_row_bytes).
  TiledMapSpec rows = good;
  rows.globalStrides[0] = 240; // below globalDim[0] * element size
  EXPECT_EQ(encodeTiledMap(rows, out), "");
  TiledMapSpec s3 = il;
  s3.interleave = MapInterleave::None;
  s3.swizzle = MapSwizzle::None;
  s3.globalStrides = {32, 224, 0, 0}; // 224 < 32 * 8
  EXPECT_EQ(encodeTiledMap(s3, out), "");
  s3.globalStrides = {16, 224, 0, 0}; // 16 < globalDim[0] * element size
  EXPECT_EQ(encodeTiledMap(s3, out), "");
}
