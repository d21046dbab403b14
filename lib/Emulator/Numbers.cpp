//===- Numbers.cpp - number formats, f16 arithmetic, prmt -------------------===//
//
// See Semantics.h. The conversions between f32/f64 and f16, bf16, e4m3,
// e5m2 and e2m1, the exactly rounded f16 / f16x2 arithmetic with .ftz,
// the f32 .ftz wrappers, and prmt. Written from the PTX ISA (sections
// cited per function).
//
// lib/Reference (ggemm::ref::decodeE4M3, floatToHalfBits, ...) decodes the
// same formats, on purpose apart: gemm-run checks the emulator's results
// against that reference, so the two must not share the code under test,
// and these model the instructions (NaN results, .ftz, rounding modes),
// calibrated bit for bit on the H200 (docs/emulator.md).
//
//===----------------------------------------------------------------------===//

#include "Semantics.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace ggemm::emu::sem {

namespace {

uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float bitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

constexpr uint16_t kF16CanonicalNaN = 0x7FFF;

bool f16IsNaN(uint16_t h) { return (h & 0x7C00) == 0x7C00 && (h & 0x3FF); }
bool f16IsInf(uint16_t h) { return (h & 0x7FFF) == 0x7C00; }
bool f16IsSubnormal(uint16_t h) { return (h & 0x7C00) == 0 && (h & 0x3FF); }
uint16_t f16Flush(uint16_t h) { return f16IsSubnormal(h) ? (h & 0x8000) : h; }

/// The finite f16 `h` as a signed integer count of 2^-24.
int64_t f16Units24(uint16_t h) {
  int64_t mag;
  uint32_t e = (h >> 10) & 0x1F, m = h & 0x3FF;
  if (e == 0)
    mag = m;
  else
    mag = static_cast<int64_t>(m | 0x400) << (e - 1);
  return (h & 0x8000) ? -mag : mag;
}

using i128 = __int128;
using u128 = unsigned __int128;

/// Rounds sign * mag * 2^-48 to f16, nearest even (mag > 0).
uint16_t roundUnits48ToF16(bool negative, u128 mag) {
  uint16_t sign = negative ? 0x8000 : 0;
  int p = 127;
  while (!((mag >> p) & 1))
    --p;
  int e = p - 48; // value in [2^e, 2^(e+1))
  int shift;      // quantum = 2^(shift-48)
  if (e < -14)
    shift = 24; // subnormal quantum 2^-24
  else
    shift = p - 10;
  u128 q = mag >> shift;
  u128 rem = mag - (q << shift);
  u128 half = static_cast<u128>(1) << (shift - 1);
  if (rem > half || (rem == half && (q & 1)))
    ++q;
  // q is the significand in units of the quantum.
  if (e < -14)
    return sign | static_cast<uint16_t>(q); // may carry into 0x400: correct
  int exp = e;
  if (q == 2048) {
    q = 1024;
    ++exp;
  }
  if (exp > 15)
    return sign | 0x7C00;
  return sign | static_cast<uint16_t>(((exp + 15) << 10) | (q - 1024));
}

/// Exactly rounded a*b + c on f16 values (IEEE semantics, one rounding).
uint16_t fmaF16Exact(uint16_t a, uint16_t b, uint16_t c) {
  if (f16IsNaN(a) || f16IsNaN(b) || f16IsNaN(c))
    return kF16CanonicalNaN;
  if (f16IsInf(a) || f16IsInf(b) || f16IsInf(c)) {
    // Exact in double: infinities and finite values only.
    double r = std::fma(static_cast<double>(f16ToF32(a)),
                        static_cast<double>(f16ToF32(b)),
                        static_cast<double>(f16ToF32(c)));
    return std::isnan(r) ? kF16CanonicalNaN : f64ToF16Rn(r);
  }
  i128 prod = static_cast<i128>(f16Units24(a)) * f16Units24(b); // 2^-48
  i128 addend = static_cast<i128>(f16Units24(c)) * (i128{1} << 24); // 2^-48
  i128 sum = prod + addend;
  if (sum == 0) {
    bool prodNeg = ((a ^ b) & 0x8000) != 0;
    bool cNeg = (c & 0x8000) != 0;
    if (prod == 0 && addend == 0 && prodNeg && cNeg)
      return 0x8000; // (-0) + (-0)
    return 0x0000;   // exact zero sum in round-to-nearest: +0
  }
  bool neg = sum < 0;
  return roundUnits48ToF16(neg, static_cast<u128>(neg ? -sum : sum));
}

uint16_t lo16(uint32_t v) { return static_cast<uint16_t>(v & 0xFFFF); }
uint16_t hi16(uint32_t v) { return static_cast<uint16_t>(v >> 16); }
uint32_t pack16(uint16_t lo, uint16_t hi) {
  return static_cast<uint32_t>(lo) | (static_cast<uint32_t>(hi) << 16);
}

} // namespace

std::string hexString(uint64_t v) {
  static const char *digits = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), digits[v & 15]);
    v >>= 4;
  } while (v);
  return "0x" + s;
}

//===----------------------------------------------------------------------===//
// Number formats
//===----------------------------------------------------------------------===//

float f16ToF32(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t e = (h >> 10) & 0x1F, m = h & 0x3FF;
  if (e == 0x1F)
    return bitsFloat(sign | 0x7F800000 | (m << 13) | (m ? 0x400000 : 0));
  if (e == 0) {
    float v = std::ldexp(static_cast<float>(m), -24);
    return sign ? -v : v;
  }
  return bitsFloat(sign | ((e + 112) << 23) | (m << 13));
}

uint16_t f64ToF16Rn(double d) {
  if (std::isnan(d))
    return kF16CanonicalNaN;
  uint16_t sign = std::signbit(d) ? 0x8000 : 0;
  double a = std::fabs(d);
  if (a >= 65520.0) // 65504 + half an ulp (ties to even go up: 65504 is odd)
    return sign | 0x7C00;
  if (a < 0x1p-14) {
    double q = std::nearbyint(a * 0x1p24); // default mode: nearest even
    return sign | static_cast<uint16_t>(q);
  }
  int e2;
  std::frexp(a, &e2); // a = f * 2^e2, f in [0.5, 1)
  int e = e2 - 1;      // a in [2^e, 2^(e+1))
  double q = std::nearbyint(std::ldexp(a, 10 - e));
  if (q == 2048.0) {
    q = 1024.0;
    ++e;
  }
  if (e > 15)
    return sign | 0x7C00;
  return sign |
         static_cast<uint16_t>(((e + 15) << 10) | (static_cast<int>(q) - 1024));
}

uint16_t f32ToF16Rn(float f) { return f64ToF16Rn(static_cast<double>(f)); }

uint16_t f32ToF16RnSatfinite(float f) {
  uint16_t h = f32ToF16Rn(f);
  if ((h & 0x7FFF) == 0x7C00)
    return (h & 0x8000) | 0x7BFF;
  return h;
}

float bf16ToF32(uint16_t h) {
  return bitsFloat(static_cast<uint32_t>(h) << 16);
}

uint16_t f32ToBf16Rn(float f) {
  if (std::isnan(f))
    return 0x7FFF;
  uint32_t u = floatBits(f);
  uint32_t lsb = (u >> 16) & 1;
  u += 0x7FFF + lsb; // ties to even; overflow into inf is the right answer
  return static_cast<uint16_t>(u >> 16);
}

uint32_t cvtF16x2F32(float a, float b) {
  return pack16(f32ToF16Rn(b), f32ToF16Rn(a));
}

uint32_t cvtBf16x2F32(float a, float b) {
  return pack16(f32ToBf16Rn(b), f32ToBf16Rn(a));
}

uint16_t e5m2ToF16(uint8_t v) { return static_cast<uint16_t>(v) << 8; }

uint32_t cvtF16x2E5M2x2(uint16_t a) {
  return pack16(e5m2ToF16(static_cast<uint8_t>(a & 0xFF)),
                e5m2ToF16(static_cast<uint8_t>(a >> 8)));
}

float e4m3ToF32(uint8_t v) {
  bool neg = v & 0x80;
  uint32_t e = (v >> 3) & 0xF, m = v & 7;
  if (e == 0xF && m == 7)
    return neg ? -std::nanf("") : std::nanf("");
  float mag = e == 0 ? std::ldexp(static_cast<float>(m), -9)
                     : std::ldexp(static_cast<float>(8 + m), static_cast<int>(e) - 10);
  return neg ? -mag : mag;
}

uint16_t e4m3ToF16(uint8_t v) {
  if ((v & 0x7F) == 0x7F)
    return kF16CanonicalNaN;
  return f32ToF16Rn(e4m3ToF32(v)); // exact
}

uint32_t cvtF16x2E4M3x2(uint16_t a) {
  return pack16(e4m3ToF16(static_cast<uint8_t>(a & 0xFF)),
                e4m3ToF16(static_cast<uint8_t>(a >> 8)));
}

float e2m1ToF32(uint8_t v) {
  bool neg = v & 8;
  uint32_t e = (v >> 1) & 3, m = v & 1;
  float mag = e == 0 ? 0.5f * static_cast<float>(m)
                     : std::ldexp(static_cast<float>(2 + m), static_cast<int>(e) - 2);
  return neg ? -mag : mag;
}

uint32_t cvtF16x2E2M1x2(uint8_t a) {
  return pack16(f32ToF16Rn(e2m1ToF32(a & 0xF)), f32ToF16Rn(e2m1ToF32(a >> 4)));
}

uint16_t fmaF16Rn(uint16_t a, uint16_t b, uint16_t c, bool ftz) {
  if (ftz) {
    a = f16Flush(a);
    b = f16Flush(b);
    c = f16Flush(c);
  }
  uint16_t r = fmaF16Exact(a, b, c);
  return ftz ? f16Flush(r) : r;
}
uint16_t mulF16Rn(uint16_t a, uint16_t b, bool ftz) {
  return fmaF16Rn(a, b, 0x8000, ftz); // x*y + (-0) == x*y, zero signs too
}
uint16_t addF16Rn(uint16_t a, uint16_t b, bool ftz) {
  return fmaF16Rn(a, 0x3C00, b, ftz); // a*1 + b
}

uint32_t addF16x2Rn(uint32_t a, uint32_t b, bool ftz) {
  return pack16(addF16Rn(lo16(a), lo16(b), ftz), addF16Rn(hi16(a), hi16(b), ftz));
}
uint32_t subF16x2Rn(uint32_t a, uint32_t b, bool ftz) {
  return addF16x2Rn(a, b ^ 0x80008000u, ftz);
}
uint32_t mulF16x2Rn(uint32_t a, uint32_t b, bool ftz) {
  return pack16(mulF16Rn(lo16(a), lo16(b), ftz), mulF16Rn(hi16(a), hi16(b), ftz));
}
uint32_t fmaF16x2Rn(uint32_t a, uint32_t b, uint32_t c, bool ftz) {
  return pack16(fmaF16Rn(lo16(a), lo16(b), lo16(c), ftz),
                fmaF16Rn(hi16(a), hi16(b), hi16(c), ftz));
}

float flushF32(float f) {
  return std::fpclassify(f) == FP_SUBNORMAL ? std::copysign(0.0f, f) : f;
}
float addF32(float a, float b, bool ftz) {
  if (!ftz)
    return a + b;
  return flushF32(flushF32(a) + flushF32(b));
}
float subF32(float a, float b, bool ftz) {
  if (!ftz)
    return a - b;
  return flushF32(flushF32(a) - flushF32(b));
}
float mulF32(float a, float b, bool ftz) {
  if (!ftz)
    return a * b;
  return flushF32(flushF32(a) * flushF32(b));
}
float fmaF32(float a, float b, float c, bool ftz) {
  if (!ftz)
    return std::fma(a, b, c);
  return flushF32(std::fma(flushF32(a), flushF32(b), flushF32(c)));
}

//===----------------------------------------------------------------------===//
// prmt
//===----------------------------------------------------------------------===//

uint32_t prmt(uint32_t a, uint32_t b, uint32_t c, PrmtMode mode) {
  uint64_t bytes = (static_cast<uint64_t>(b) << 32) | a;
  auto byteAt = [&](unsigned i) {
    return static_cast<uint32_t>((bytes >> (8 * (i & 7))) & 0xFF);
  };
  if (mode == PrmtMode::Default) {
    uint32_t d = 0;
    for (unsigned i = 0; i < 4; ++i) {
      unsigned sel = (c >> (4 * i)) & 0xF;
      uint32_t v = byteAt(sel & 7);
      if (sel & 8)
        v = (v & 0x80) ? 0xFF : 0x00;
      d |= v << (8 * i);
    }
    return d;
  }
  // PTX ISA "prmt" table: result bytes d.b3 d.b2 d.b1 d.b0 per c[1:0].
  static const uint8_t table[6][4][4] = {
      // f4e
      {{3, 2, 1, 0}, {4, 3, 2, 1}, {5, 4, 3, 2}, {6, 5, 4, 3}},
      // b4e
      {{5, 6, 7, 0}, {6, 7, 0, 1}, {7, 0, 1, 2}, {0, 1, 2, 3}},
      // rc8
      {{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 2, 2, 2}, {3, 3, 3, 3}},
      // ecl
      {{3, 2, 1, 0}, {3, 2, 1, 1}, {3, 2, 2, 2}, {3, 3, 3, 3}},
      // ecr
      {{0, 0, 0, 0}, {1, 1, 1, 0}, {2, 2, 1, 0}, {3, 2, 1, 0}},
      // rc16
      {{1, 0, 1, 0}, {3, 2, 3, 2}, {1, 0, 1, 0}, {3, 2, 3, 2}},
  };
  unsigned m = static_cast<unsigned>(mode) - 1;
  const uint8_t *row = table[m][c & 3];
  return (byteAt(row[0]) << 24) | (byteAt(row[1]) << 16) |
         (byteAt(row[2]) << 8) | byteAt(row[3]);
}

} // namespace ggemm::emu::sem
