//===- NVFP4.h - NVFP4 number formats on the host ---------------*- C++ -*-===//
//
// Plain C++ (no MLIR) decoders for the NVFP4 formats and an f16 encoder,
// written from the format definitions (OCP Microscaling spec; PTX ISA
// "Floating point data types"): the independent side of every check.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_REFERENCE_NVFP4_H
#define GGEMM_REFERENCE_NVFP4_H

#include <cstdint>

namespace ggemm::ref {

/// e2m1 (f4E2M1FN): sign, 2 exponent bits (bias 1), 1 mantissa bit; no inf,
/// no NaN. `code` uses its low 4 bits.
double decodeE2M1(uint8_t code);

/// e4m3 (f8E4M3FN): sign, 4 exponent bits (bias 7), 3 mantissa bits;
/// subnormals, no inf, S.1111.111 is NaN.
double decodeE4M3(uint8_t code);

/// The even (`odd` false) or odd element of a packed byte: the lower nibble
/// holds the even element (torch.float4_e2m1fn_x2).
inline uint8_t unpackE2M1(uint8_t byte, bool odd) {
  return odd ? (byte >> 4) : (byte & 0xF);
}

/// IEEE binary16 bits of `x`, rounded to nearest even (overflow to inf).
uint16_t floatToHalfBits(float x);
/// The value of IEEE binary16 bits.
float halfBitsToFloat(uint16_t bits);

} // namespace ggemm::ref

#endif // GGEMM_REFERENCE_NVFP4_H
