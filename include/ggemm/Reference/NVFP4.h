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
/// subnormals, no inf, S.1111.111 is NaN. MLIR's f8E4M3FN, as the CPU
/// lowering's decode table reads all 256 codes.
double decodeE4M3(uint8_t code);

/// The scale-factor format (UE4M3): an e4m3 code whose sign bit (bit 7) is
/// clear, i.e. 0, subnormals 2^-9 .. 0.875 * 2^-6, normals up to 448, and
/// 0x7F NaN. tcgen05 kind::mxf4nvf4 reads scale bytes this way and NVFP4
/// producers never set bit 7. A code with bit 7 set is outside the contract
/// (targets read it differently) and decodes to NaN here, so that a
/// reference that meets one shows it instead of siding with one target.
double decodeUE4M3(uint8_t code);

/// True for a scale byte inside the contract: bit 7 clear.
inline bool isUE4M3(uint8_t code) { return (code & 0x80) == 0; }

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
