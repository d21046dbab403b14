//===- Tcgen05Semantics.cpp - tcgen05 descriptors, formats and the MMA ----===//
//
// See Tcgen05Semantics.h: written from the PTX ISA's tables (sections
// cited per function), never from ggemm's encoders.
//
//===----------------------------------------------------------------------===//

#include "Tcgen05Semantics.h"

#include "Semantics.h"

#include <cmath>
#include <limits>

namespace ggemm::emu::sem {

bool validTmemAllocColumns(uint32_t n) {
  return n >= 32 && n <= kTmemColumns && (n & (n - 1)) == 0;
}

Tcgen05SmemDesc decodeTcgen05SmemDesc(uint64_t desc) {
  auto field = [&](unsigned lo, unsigned bits) {
    return static_cast<uint32_t>((desc >> lo) & ((1ull << bits) - 1));
  };
  Tcgen05SmemDesc d;
  d.startAddress = field(0, 14) << 4;
  d.leadingByteOffset = field(16, 14) << 4;
  d.strideByteOffset = field(32, 14) << 4;
  d.fixedConstant = field(46, 3);
  d.baseOffset = field(49, 3);
  d.lboAbsolute = field(52, 1) != 0;
  d.bits53to60 = field(53, 8);
  d.reserved = field(14, 2) | field(30, 2) << 2;
  d.swizzle = field(61, 3);
  return d;
}

uint32_t tcgen05SwizzleSpan(uint32_t code) {
  switch (code) {
  case 1: // 128B with 32B atomicity: a 128-byte span
  case 2:
    return 128;
  case 4:
    return 64;
  case 6:
    return 32;
  default:
    return 0;
  }
}

std::string checkTcgen05SmemDesc(const Tcgen05SmemDesc &d) {
  if (d.fixedConstant != 1)
    return "shared memory descriptor: bits 46-48 are " +
           std::to_string(d.fixedConstant) +
           ", Table 40 fixes them to 0b001";
  if (d.bits53to60 != 0 || d.reserved != 0)
    return "shared memory descriptor: a reserved or fixed-zero bit is set "
           "(bits 14-15, 30-31, 53-60)";
  if (d.lboAbsolute)
    return "shared memory descriptor: absolute leading-dimension mode "
           "(bit 52) is for sm_103a only";
  if (d.swizzle == 3 || d.swizzle == 5 || d.swizzle == 7)
    return "shared memory descriptor: swizzle code " +
           std::to_string(d.swizzle) + " is not defined by Table 40";
  if (d.swizzle == 1)
    return "shared memory descriptor: 128B swizzle with 32B atomicity is "
           "not emulated";
  if (d.baseOffset != 0)
    return "shared memory descriptor: matrix base offset " +
           std::to_string(d.baseOffset) +
           " is not modelled (only patterns starting on their repeat "
           "boundary)";
  return "";
}

uint32_t tcgen05KMajorAddress(const Tcgen05SmemDesc &d, uint32_t row,
                              uint32_t byte) {
  uint32_t span = tcgen05SwizzleSpan(d.swizzle);
  uint32_t off;
  if (!span)
    off = (row % 8) * 16 + (row / 8) * d.strideByteOffset + byte % 16 +
          (byte / 16) * d.leadingByteOffset;
  else
    off = (row % 8) * span + (row / 8) * d.strideByteOffset + byte;
  MapSwizzle sw = span == 128  ? MapSwizzle::B128
                  : span == 64 ? MapSwizzle::B64
                  : span == 32 ? MapSwizzle::B32
                               : MapSwizzle::None;
  return swizzleAddress(sw, d.startAddress + off);
}

BlockScaledInstrDesc decodeBlockScaledInstrDesc(uint32_t desc) {
  auto field = [&](unsigned lo, unsigned bits) {
    return (desc >> lo) & ((1u << bits) - 1);
  };
  BlockScaledInstrDesc d;
  d.reserved = field(0, 2) | field(3, 1) << 2 | field(6, 1) << 3 |
               field(12, 1) << 4 | field(24, 3) << 5;
  d.sparse = field(2, 1);
  d.sfbId = field(4, 2);
  d.atype = field(7, 3);
  d.btype = field(10, 2);
  d.negateA = field(13, 1);
  d.negateB = field(14, 1);
  d.transposeA = field(15, 1);
  d.transposeB = field(16, 1);
  d.n = field(17, 6) << 3;
  d.scaleType = field(23, 1);
  d.m = field(27, 2) << 7;
  d.sfaId = field(29, 2);
  d.k96 = field(31, 1);
  return d;
}

std::string checkMxf4nvf4Block16Desc(const BlockScaledInstrDesc &d) {
  if (d.reserved)
    return "instruction descriptor: a reserved bit is set (bits 0-1, 3, 6, "
           "12, 24-26 of Table 44)";
  if (d.sparse)
    return "instruction descriptor: sparsity (bit 2) is not emulated";
  if (d.atype != 1 || d.btype != 1)
    return "instruction descriptor: atype " + std::to_string(d.atype) +
           ", btype " + std::to_string(d.btype) +
           "; .kind::mxf4nvf4 takes E2M1 (1) for both";
  if (d.transposeA || d.transposeB)
    return "instruction descriptor: transpose A/B must be 0 for "
           ".kind::mxf4nvf4 (K-major only)";
  if (d.scaleType != 0)
    return "instruction descriptor: scale type UE8M0 with .block16; "
           ".block16 (scale_vec::4X) takes UE4M3 (bit 23 = 0)";
  if (d.sfaId || d.sfbId)
    return "instruction descriptor: scale factor A/B id " +
           std::to_string(d.sfaId) + "/" + std::to_string(d.sfbId) +
           "; .block16 requires 0";
  if (d.k96)
    return "instruction descriptor: K = 96 (bit 31) is for sm_103a only";
  if (d.m != 128)
    return "instruction descriptor: M = " + std::to_string(d.m) +
           "; the emulator models .cta_group::1 with M = 128";
  if (d.n < 8 || d.n > 256)
    return "instruction descriptor: N = " + std::to_string(d.n) +
           " is not 8..256 (in steps of 8: M = 128, .cta_group::1, Table 39)";
  return "";
}

double e2m1Value(uint8_t code) {
  // E2M1: sign, 2 exponent bits (bias 1), 1 mantissa bit; exponent 0 is
  // subnormal (0 or 0.5). Values 0, 0.5, 1, 1.5, 2, 3, 4, 6.
  uint32_t e = (code >> 1) & 3, m = code & 1;
  double v = e ? std::ldexp(1.0 + m * 0.5, static_cast<int>(e) - 1) : m * 0.5;
  return (code & 8) ? -v : v;
}

double ue4m3Value(uint8_t code) {
  // E4M3 without sign: 4 exponent bits (bias 7), 3 mantissa bits; exponent
  // 0 subnormal; 0x7F (all ones) NaN, no infinity.
  uint32_t e = (code >> 3) & 15, m = code & 7;
  if (e == 15 && m == 7)
    return std::numeric_limits<double>::quiet_NaN();
  return e ? std::ldexp(1.0 + m / 8.0, static_cast<int>(e) - 7)
           : std::ldexp(m / 8.0, -6);
}

float addRoundedOnce(float d, double s) {
  double r = static_cast<double>(d) + s;
  if (std::isnan(r) || std::isinf(r))
    return static_cast<float>(r);
  // r may have been rounded: TwoSum gives the exact error e, r + e = d + s.
  double bv = r - d;
  double e = (d - (r - bv)) + (s - bv);
  float f = static_cast<float>(r);
  if (e == 0)
    return f;
  // Rounding r to f32 differs from rounding r + e only when r is exactly
  // halfway between two floats: then e decides the direction.
  float lo = f, hi = f;
  if (static_cast<double>(f) > r)
    lo = std::nextafter(f, -INFINITY);
  else if (static_cast<double>(f) < r)
    hi = std::nextafter(f, INFINITY);
  else
    return f; // r is a float: r + e rounds to it (|e| is below r's ulp)
  double mid = (static_cast<double>(lo) + static_cast<double>(hi)) / 2;
  if (r != mid)
    return f;
  return e > 0 ? hi : lo;
}

void scaleBlock16Row(const uint8_t *codes, const uint8_t *sf, bool negate,
                     double *out) {
  // value tables: 16 E2M1 codes, 128 UE4M3 codes (bit 7 is not part of
  // the format: a byte with it set reads as NaN, never as a value)
  static const struct Tables {
    double e2m1[16], ue4m3[256];
    Tables() {
      for (int i = 0; i < 16; ++i)
        e2m1[i] = e2m1Value(static_cast<uint8_t>(i));
      for (int i = 0; i < 256; ++i)
        ue4m3[i] = i < 128 ? ue4m3Value(static_cast<uint8_t>(i))
                           : std::numeric_limits<double>::quiet_NaN();
    }
  } tables;
  for (uint32_t k = 0; k < 64; ++k) {
    double v = tables.e2m1[codes[k] & 15] * tables.ue4m3[sf[k / 16]];
    out[k] = negate ? -v : v;
  }
}

float dotScaledRows(float d, bool accumulate, const double *x,
                    const double *y) {
  // Exact: a scaled value (E2M1, a multiple of 2^-1, times UE4M3, a
  // multiple of 2^-9) is a multiple of 2^-10 below 2^12 (6 x 448), so a
  // product is a multiple of 2^-20 below 2^24 and a sum of 64 of them a
  // multiple of 2^-20 below 2^30: 50 bits, within a double's 53.
  double s = 0;
  for (uint32_t k = 0; k < 64; ++k)
    s += x[k] * y[k];
  return addRoundedOnce(accumulate ? d : 0.0f, s);
}

float mxf4nvf4Block16Dot(float d, bool accumulate, const uint8_t *a,
                         const uint8_t *sfa, const uint8_t *b,
                         const uint8_t *sfb, bool negateA, bool negateB) {
  double x[64], y[64];
  scaleBlock16Row(a, sfa, negateA, x);
  scaleBlock16Row(b, sfb, negateB, y);
  return dotScaledRows(d, accumulate, x, y);
}

} // namespace ggemm::emu::sem
