//===- Wgmma.cpp - wgmma descriptors, fragments and the MMA -----------------===//
//
// See Semantics.h. Matrix descriptors, the shared-memory address of an
// operand element, the register positions of A fragments and
// accumulators, and the f16/bf16 wgmma.mma_async computation. Written
// from the PTX ISA (sections cited per function).
//
//===----------------------------------------------------------------------===//

#include "Semantics.h"

#include <cmath>
#include <cstring>
#include <vector>

namespace ggemm::emu::sem {

//===----------------------------------------------------------------------===//
// wgmma
//===----------------------------------------------------------------------===//

MatrixDescriptor decodeMatrixDescriptor(uint64_t desc) {
  MatrixDescriptor d;
  d.startAddress = static_cast<uint32_t>(desc & 0x3FFF) << 4;
  d.leadingByteOffset = static_cast<uint32_t>((desc >> 16) & 0x3FFF) << 4;
  d.strideByteOffset = static_cast<uint32_t>((desc >> 32) & 0x3FFF) << 4;
  d.baseOffset = static_cast<uint32_t>((desc >> 49) & 7);
  d.swizzle = static_cast<WgmmaSwizzle>((desc >> 62) & 3);
  return d;
}

uint64_t encodeMatrixDescriptor(const MatrixDescriptor &d) {
  return (static_cast<uint64_t>((d.startAddress & 0x3FFFF) >> 4)) |
         (static_cast<uint64_t>((d.leadingByteOffset & 0x3FFFF) >> 4) << 16) |
         (static_cast<uint64_t>((d.strideByteOffset & 0x3FFFF) >> 4) << 32) |
         (static_cast<uint64_t>(d.baseOffset & 7) << 49) |
         (static_cast<uint64_t>(d.swizzle) << 62);
}

MapSwizzle toMapSwizzle(WgmmaSwizzle s) {
  switch (s) {
  case WgmmaSwizzle::B128:
    return MapSwizzle::B128;
  case WgmmaSwizzle::B64:
    return MapSwizzle::B64;
  case WgmmaSwizzle::B32:
    return MapSwizzle::B32;
  default:
    return MapSwizzle::None;
  }
}

uint32_t wgmmaElementAddress(const MatrixDescriptor &d, bool mnMajor,
                             uint32_t row, uint32_t k) {
  // PTX ISA "Shared Memory Matrix Layout", canonical layouts (16-bit
  // elements, T = 8), in bytes before the swizzle:
  //  K-major, none:     ((8,m),(T,2k)):((1T,SBO),(1,LBO))
  //  K-major, swizzled: ((8,m),(T,2k)):((S/2,SBO),(1,T)) (S = span bytes)
  //  MN-major, none:    ((T,1,m),(8,k)):((1,T,SBO),(1T,LBO))
  //  MN-major, swizzled:((T,S/16,m),(8,k)):((1,T,LBO),(S/2,SBO))
  MapSwizzle sw = toMapSwizzle(d.swizzle);
  uint32_t span = swizzleSpanBytes(sw);
  uint32_t off;
  if (!mnMajor) {
    if (!span)
      off = (row % 8) * 16 + (row / 8) * d.strideByteOffset + (k % 8) * 2 +
            (k / 8) * d.leadingByteOffset;
    else
      off = (row % 8) * span + (row / 8) * d.strideByteOffset + k * 2;
  } else {
    if (!span)
      off = (row % 8) * 2 + (row / 8) * d.strideByteOffset + (k % 8) * 16 +
            (k / 8) * d.leadingByteOffset;
    else {
      uint32_t w = span / 2; // elements of MN per swizzle row
      off = (row % w) * 2 + (row / w) * d.leadingByteOffset + (k % 8) * span +
            (k / 8) * d.strideByteOffset;
    }
  }
  return swizzleAddress(sw, d.startAddress + off);
}

void wgmmaAFragmentPosition(uint32_t m, uint32_t k, uint32_t &thread,
                            uint32_t &element) {
  uint32_t warp = m / 16, r = m % 16;
  thread = warp * 32 + (r % 8) * 4 + (k % 8) / 2;
  element = (k % 2) + (r / 8) * 2 + (k / 8) * 4;
}

void wgmmaAccumulatorPosition(uint32_t m, uint32_t n, uint32_t &thread,
                              uint32_t &reg) {
  uint32_t warp = m / 16, r = m % 16;
  thread = warp * 32 + (r % 8) * 4 + (n % 8) / 2;
  reg = (n / 8) * 4 + (r / 8) * 2 + (n % 2);
}

namespace {

/// Exponent of the leading bit of a nonzero finite double.
int leadExponent(double x) {
  uint64_t bits;
  std::memcpy(&bits, &x, 8);
  int e = static_cast<int>((bits >> 52) & 0x7FF);
  if (e)
    return e - 1023;
  return std::ilogb(x); // double subnormal: not reached for f16/bf16/f32
}

/// Nominal exponent of a nonzero input: its exponent field's, subnormals
/// at the format's emin.
int nominalExponent(double x, int emin) {
  int e = leadExponent(x);
  return e < emin ? emin : e;
}

/// S * 2^q rounded to f32, to nearest even or toward zero (subnormals
/// kept; overflow: inf for RN, the largest finite for RZ).
float roundScaled(__int128 S, int q, bool rn) {
  if (S == 0)
    return 0.0f;
  bool neg = S < 0;
  unsigned __int128 mag = neg ? -static_cast<unsigned __int128>(S)
                              : static_cast<unsigned __int128>(S);
  int len = 0;
  for (unsigned __int128 t = mag; t; t >>= 1)
    ++len;
  int lsb = q + len - 24; // exponent of the lowest kept bit
  if (lsb < -149)
    lsb = -149;
  int shift = lsb - q;
  uint64_t m;
  if (shift > 0) {
    unsigned __int128 kept = mag >> shift;
    unsigned __int128 rem = mag - (kept << shift);
    unsigned __int128 half = static_cast<unsigned __int128>(1) << (shift - 1);
    if (rn && (rem > half || (rem == half && (kept & 1))))
      ++kept;
    m = static_cast<uint64_t>(kept);
  } else {
    // lsb <= q: then mag < 2^24 and q >= -149, so mag * 2^q is an f32
    m = static_cast<uint64_t>(mag);
    lsb = q;
  }
  float r = std::ldexp(static_cast<float>(m), lsb);
  if (!rn && std::isinf(r))
    r = 3.40282347e38f;
  return neg ? -r : r;
}

/// One fused step: terms[0] is the accumulator, terms[1..n) products.
float fusedStep(const WgmmaSumModel &model, const double *terms,
                const int *nominal, int n) {
  bool any = false;
  int emax = 0;
  for (int j = 0; j < n; ++j) {
    if (terms[j] == 0 || (j == 0 && !model.includeD))
      continue;
    int e = model.nominalExp ? nominal[j] : leadExponent(terms[j]);
    if (!any || e > emax)
      emax = e;
    any = true;
  }
  if (!any) {
    float s = static_cast<float>(terms[0]); // products all zero: exact
    for (int j = 1; j < n; ++j)
      s = s + static_cast<float>(terms[j]);
    return s;
  }
  const int q = emax - model.fracBits;
  // Products are below 2^(emax+2), so each truncated one is below
  // 2^(fracBits+2) grid units. The accumulator, when not in emax, may be
  // far larger: beyond 2^120 units the products are far below its ulp.
  __int128 S = 0;
  for (int j = 1; j < n; ++j)
    S += static_cast<__int128>(std::trunc(std::ldexp(terms[j], -q)));
  double d = terms[0];
  if (d != 0 && leadExponent(d) - q >= 120) {
    float f = static_cast<float>(d);
    if (!model.roundNearest && S != 0 && ((S < 0) != (d < 0)))
      f = std::nextafter(f, 0.0f);
    return f;
  }
  S += static_cast<__int128>(std::trunc(std::ldexp(d, -q)));
  return roundScaled(S, q, model.roundNearest);
}

} // namespace

float wgmmaDot(const WgmmaSumModel &model, WgmmaInput input, float d,
               const float *a, const float *b, int k) {
  if (model.kind == WgmmaSumModel::Sequential) {
    // The product of two f16 (11-bit significands) or bf16 values is
    // exact in f32 (24 bits), so a plain multiply-add rounds once, as an
    // fma would, and needs no libm call.
    float s = d;
    for (int i = 0; i < k; ++i)
      s = a[i] * b[i] + s;
    return s;
  }
  const int emin = input == WgmmaInput::F16 ? -14 : -126;
  const int chunk = model.chunk < 1 ? 16 : model.chunk;
  float acc = d;
  double terms[17];
  int nominal[17];
  for (int c0 = 0; c0 < k; c0 += chunk) {
    int n = 1;
    terms[0] = acc;
    nominal[0] = acc != 0 ? nominalExponent(acc, -126) : 0;
    for (int i = c0; i < k && i < c0 + chunk && n < 17; ++i, ++n) {
      terms[n] = static_cast<double>(a[i]) * static_cast<double>(b[i]);
      nominal[n] = (a[i] != 0 && b[i] != 0)
                       ? nominalExponent(a[i], emin) + nominalExponent(b[i], emin)
                       : 0;
    }
    acc = fusedStep(model, terms, nominal, n);
  }
  return acc;
}

std::string wgmmaF16(const WgmmaF16Op &op, const uint8_t *shared,
                     uint32_t sharedBase, uint32_t sharedSize, float *acc) {
  const int n = op.n;
  if (n < 8 || n > 256 || n % 8)
    return "wgmma .m64nNk16: N = " + std::to_string(n) +
           " is not a multiple of 8 in [8, 256]";
  if ((op.scaleA != 1 && op.scaleA != -1) || (op.scaleB != 1 && op.scaleB != -1))
    return "wgmma imm-scale-a/imm-scale-b must be 1 or -1";
  if (op.aRegs && op.transA)
    return "wgmma: imm-trans-a is not allowed when A comes from registers";
  auto toFloat = [&](uint16_t v) {
    return op.input == WgmmaInput::F16 ? f16ToF32(v) : bf16ToF32(v);
  };
  std::string err;
  auto load = [&](const MatrixDescriptor &d, bool mnMajor, uint32_t rows,
                  const char *which, std::vector<float> &out) {
    if (d.swizzle != WgmmaSwizzle::Interleave && d.baseOffset != 0) {
      err = std::string("wgmma descriptor of ") + which + ": matrix base offset " +
            std::to_string(d.baseOffset) +
            " is not modelled (only patterns starting on their repeat "
            "boundary, base offset 0)";
      return;
    }
    out.assign(static_cast<size_t>(rows) * 16, 0.0f);
    for (uint32_t r = 0; r < rows && err.empty(); ++r)
      for (uint32_t k = 0; k < 16; ++k) {
        uint32_t a = wgmmaElementAddress(d, mnMajor, r, k);
        if (a < sharedBase || static_cast<uint64_t>(a) - sharedBase + 2 > sharedSize) {
          err = std::string("wgmma reads ") + which + "(" + std::to_string(r) +
                ", k=" + std::to_string(k) + ") at shared " + hexString(a) +
                ", outside shared memory [" + hexString(sharedBase) + ", +" +
                std::to_string(sharedSize) + ")";
          return;
        }
        uint16_t v;
        std::memcpy(&v, shared + (a - sharedBase), 2);
        out[r * 16 + k] = toFloat(v);
      }
  };
  std::vector<float> A, B; // A[m*16+k], B[n*16+k]
  if (op.aRegs) {
    A.assign(64 * 16, 0.0f);
    for (uint32_t m = 0; m < 64; ++m)
      for (uint32_t k = 0; k < 16; ++k) {
        uint32_t t, e;
        wgmmaAFragmentPosition(m, k, t, e);
        uint32_t reg = op.aRegs[t * 4 + e / 2];
        A[m * 16 + k] = toFloat(static_cast<uint16_t>(e % 2 ? reg >> 16 : reg));
      }
  } else {
    load(decodeMatrixDescriptor(op.descA), op.transA, 64, "A", A);
    if (!err.empty())
      return err;
  }
  load(decodeMatrixDescriptor(op.descB), op.transB, static_cast<uint32_t>(n),
       "B", B);
  if (!err.empty())
    return err;
  // imm-scale-a/b: negating an operand is exact
  if (op.scaleA < 0)
    for (float &x : A)
      x = -x;
  if (op.scaleB < 0)
    for (float &x : B)
      x = -x;
  const uint32_t regs = static_cast<uint32_t>(n) / 2;
  for (uint32_t m = 0; m < 64; ++m)
    for (uint32_t j = 0; j < static_cast<uint32_t>(n); ++j) {
      uint32_t t, r;
      wgmmaAccumulatorPosition(m, j, t, r);
      float &d = acc[t * regs + r];
      d = wgmmaDot(op.sum, op.input, op.scaleD ? d : 0.0f, &A[m * 16],
                   &B[j * 16]);
    }
  return "";
}

} // namespace ggemm::emu::sem
