//===- NVFP4.cpp - NVFP4 number formats on the host -----------------------===//
//
// Decoders written from the bit-field definitions, deliberately without
// tables or MLIR's APFloat, so that they check the compiler's decoders.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Reference/NVFP4.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace ggemm::ref {

double decodeE2M1(uint8_t code) {
  int sign = (code >> 3) & 1, exp = (code >> 1) & 3, man = code & 1;
  // Subnormal (exp 0): man * 2^-1; normal: (1 + man/2) * 2^(exp - 1).
  double mag = exp == 0 ? man * 0.5 : std::ldexp(1.0 + man * 0.5, exp - 1);
  return sign ? -mag : mag;
}

double decodeE4M3(uint8_t code) {
  int sign = code >> 7, exp = (code >> 3) & 0xF, man = code & 7;
  if (exp == 0xF && man == 7)
    return std::numeric_limits<double>::quiet_NaN();
  // Subnormal: man/8 * 2^-6; normal: (1 + man/8) * 2^(exp - 7).
  double mag = exp == 0 ? std::ldexp(man / 8.0, -6)
                        : std::ldexp(1.0 + man / 8.0, exp - 7);
  return sign ? -mag : mag;
}

double decodeUE4M3(uint8_t code) {
  if (!isUE4M3(code))
    return std::numeric_limits<double>::quiet_NaN();
  return decodeE4M3(code); // sign clear: the same fields as e4m3
}

uint16_t floatToHalfBits(float x) {
  uint32_t f;
  std::memcpy(&f, &x, 4);
  uint16_t sign = (f >> 16) & 0x8000;
  int32_t exp = (f >> 23) & 0xFF;
  uint32_t man = f & 0x7FFFFF;
  if (exp == 0xFF) // inf or NaN (keep NaN quiet)
    return sign | 0x7C00 | (man ? 0x200 : 0);
  // Unbiased exponent; half has bias 15, 10 mantissa bits.
  int32_t e = exp - 127;
  if (e > 15)
    return sign | 0x7C00;
  uint32_t full = man | (exp ? 0x800000 : 0); // 24-bit significand
  int shift;                                   // bits to drop
  uint16_t halfExp;
  if (e >= -14) {
    shift = 13;
    halfExp = e + 15;
  } else {
    // Subnormal half: value = full * 2^(e-23) = q * 2^-24.
    shift = 13 + (-14 - e);
    halfExp = 0;
    if (shift > 24)
      return sign; // below half the smallest subnormal: rounds to zero
  }
  uint32_t q = full >> shift;
  uint32_t rem = full & ((1u << shift) - 1), halfway = 1u << (shift - 1);
  if (rem > halfway || (rem == halfway && (q & 1)))
    ++q;
  if (halfExp == 0)
    return sign | q; // may carry into the smallest normal: still correct
  // q holds the implicit bit at 1 << 10; a carry to 1 << 11 bumps exponent.
  uint32_t bits = (uint32_t(halfExp) << 10) + (q - 0x400);
  if (bits >= 0x7C00)
    return sign | 0x7C00;
  return sign | bits;
}

float halfBitsToFloat(uint16_t h) {
  int sign = h >> 15, exp = (h >> 10) & 0x1F, man = h & 0x3FF;
  float mag;
  if (exp == 0)
    mag = std::ldexp(float(man), -24);
  else if (exp == 0x1F)
    mag = man ? std::numeric_limits<float>::quiet_NaN()
              : std::numeric_limits<float>::infinity();
  else
    mag = std::ldexp(float(man | 0x400), exp - 25);
  return sign ? -mag : mag;
}

} // namespace ggemm::ref
