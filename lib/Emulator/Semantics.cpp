//===- Semantics.cpp - pure semantics of the emulated PTX instructions ----===//
//
// See Semantics.h. Written from the PTX ISA (sections cited per function)
// and the CUDA driver API documentation of cuTensorMapEncodeTiled.
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

std::string hex(uint64_t v) {
  static const char *digits = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), digits[v & 15]);
    v >>= 4;
  } while (v);
  return "0x" + s;
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
  i128 addend = static_cast<i128>(f16Units24(c)) << 24;           // 2^-48
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

//===----------------------------------------------------------------------===//
// Swizzle
//===----------------------------------------------------------------------===//

uint32_t swizzleSpanBytes(MapSwizzle mode) {
  switch (mode) {
  case MapSwizzle::B32:
    return 32;
  case MapSwizzle::B64:
    return 64;
  case MapSwizzle::B128:
    return 128;
  default:
    return 0;
  }
}

uint32_t swizzleRepeatBytes(MapSwizzle mode) {
  uint32_t span = swizzleSpanBytes(mode);
  return span ? span * 8 : 16;
}

uint32_t swizzleAddress(MapSwizzle mode, uint32_t a) {
  // 2^bits 16-byte chunks per span; the row (address bits 7..) picks the
  // XOR: CuTe Swizzle<bits, 4, 3> on byte addresses.
  uint32_t bits;
  switch (mode) {
  case MapSwizzle::B32:
    bits = 1;
    break;
  case MapSwizzle::B64:
    bits = 2;
    break;
  case MapSwizzle::B128:
    bits = 3;
    break;
  default:
    return a;
  }
  uint32_t mask = (1u << bits) - 1;
  return a ^ (((a >> 7) & mask) << 4);
}

//===----------------------------------------------------------------------===//
// TMA
//===----------------------------------------------------------------------===//

uint32_t mapElementBytes(MapDataType t) {
  switch (t) {
  case MapDataType::UInt8:
    return 1;
  case MapDataType::UInt16:
  case MapDataType::Float16:
  case MapDataType::BFloat16:
    return 2;
  case MapDataType::UInt32:
  case MapDataType::Int32:
  case MapDataType::Float32:
    return 4;
  case MapDataType::UInt64:
  case MapDataType::Int64:
  case MapDataType::Float64:
    return 8;
  }
  return 0;
}

namespace {
/// Elements of the box along dim i in shared memory: boxDim[0] for the
/// innermost (its element stride is ignored without interleave), else
/// ceil(boxDim[i] / elementStrides[i]) (driver docs, elementStrides).
uint32_t boxElements(const TiledMapSpec &map, uint32_t i) {
  if (i == 0)
    return map.boxDim[0];
  uint32_t s = map.elementStrides[i] ? map.elementStrides[i] : 1;
  return (map.boxDim[i] + s - 1) / s;
}
uint32_t traversalStride(const TiledMapSpec &map, uint32_t i) {
  if (i == 0)
    return 1;
  return map.elementStrides[i] ? map.elementStrides[i] : 1;
}

/// Shared checks of a tile copy; fills the geometry.
std::string tileGeometry(const TiledMapSpec &map, uint32_t sharedBase,
                         uint32_t sharedSize, uint32_t address,
                         uint32_t &bytes, uint32_t &rowBytes,
                         uint32_t &rows) {
  if (map.rank < 1 || map.rank > 5)
    return "tensor map rank " + std::to_string(map.rank) + " is not 1..5";
  if (map.interleave != MapInterleave::None)
    return "interleaved tensor maps are not modelled by the emulator";
  uint32_t es = mapElementBytes(map.dataType);
  if (!es)
    return "tensor map data type " +
           std::to_string(static_cast<uint32_t>(map.dataType)) +
           " is not modelled";
  uint32_t align = tmaSharedAlignment(map);
  if (address % align)
    return "shared address " + hex(address) + " of the tensor copy is not " +
           std::to_string(align) +
           "-byte aligned (PTX ISA cp.async.bulk.tensor: 128-byte aligned "
           "shared memory; with a swizzle the box must start on the "
           "pattern's repeat so TMA and wgmma agree on it)";
  rowBytes = map.boxDim[0] * es;
  if (map.swizzle != MapSwizzle::None &&
      rowBytes != swizzleSpanBytes(map.swizzle))
    return "tensor copy with a " + std::to_string(swizzleSpanBytes(map.swizzle)) +
           "B swizzle and a " + std::to_string(rowBytes) +
           "-byte box inner dimension: the shared layout of a box narrower "
           "than the swizzle span is not modelled by the emulator";
  rows = 1;
  for (uint32_t i = 1; i < map.rank; ++i)
    rows *= boxElements(map, i);
  uint64_t total = static_cast<uint64_t>(rowBytes) * rows;
  if (address < sharedBase ||
      static_cast<uint64_t>(address) - sharedBase + total > sharedSize)
    return "tensor copy box [" + hex(address) + ", +" + std::to_string(total) +
           ") is outside shared memory [" + hex(sharedBase) + ", +" +
           std::to_string(sharedSize) + ")";
  bytes = static_cast<uint32_t>(total);
  return "";
}

/// Visits each row (fixed outer box indices) of the box: its first global
/// coordinate per dim and its dense shared offset.
template <typename Fn>
void forEachRow(const TiledMapSpec &map, const int32_t *coords,
                uint32_t rowBytes, Fn fn) {
  uint32_t idx[5] = {0, 0, 0, 0, 0};
  uint32_t rowIndex = 0;
  while (true) {
    int64_t c[5] = {0, 0, 0, 0, 0};
    c[0] = coords[0];
    for (uint32_t i = 1; i < map.rank; ++i)
      c[i] = static_cast<int64_t>(coords[i]) +
             static_cast<int64_t>(idx[i]) * traversalStride(map, i);
    fn(c, static_cast<uint64_t>(rowIndex) * rowBytes);
    ++rowIndex;
    uint32_t i = 1;
    for (; i < map.rank; ++i) {
      if (++idx[i] < boxElements(map, i))
        break;
      idx[i] = 0;
    }
    if (i >= map.rank)
      return;
  }
}

bool outerInBounds(const TiledMapSpec &map, const int64_t *c) {
  for (uint32_t i = 1; i < map.rank; ++i)
    if (c[i] < 0 || c[i] >= static_cast<int64_t>(map.globalDim[i]))
      return false;
  return true;
}

uint64_t rowAddress(const TiledMapSpec &map, const int64_t *c) {
  uint64_t a = map.globalAddress;
  for (uint32_t i = 1; i < map.rank; ++i)
    a += static_cast<uint64_t>(c[i]) * map.globalStrides[i - 1];
  return a;
}
} // namespace

uint32_t tmaBoxBytes(const TiledMapSpec &map) {
  uint64_t n = static_cast<uint64_t>(map.boxDim[0]) * mapElementBytes(map.dataType);
  for (uint32_t i = 1; i < map.rank && i < 5; ++i)
    n *= boxElements(map, i);
  return static_cast<uint32_t>(n);
}

uint32_t tmaSharedAlignment(const TiledMapSpec &map) {
  return map.swizzle == MapSwizzle::None ? 128 : swizzleRepeatBytes(map.swizzle);
}

std::string tmaTileLoad(const TiledMapSpec &map, const int32_t *coords,
                        const ReadGlobalFn &read, uint8_t *sharedBytes,
                        uint32_t sharedBase, uint32_t sharedSize,
                        uint32_t dstAddress, uint32_t &bytesWritten) {
  bytesWritten = 0;
  uint32_t bytes, rowBytes, rows;
  std::string err = tileGeometry(map, sharedBase, sharedSize, dstAddress,
                                 bytes, rowBytes, rows);
  if (!err.empty())
    return err;
  if (map.oobFill != 0)
    return "tensor map OOB NaN fill is not modelled by the emulator";
  uint32_t es = mapElementBytes(map.dataType);
  std::vector<uint8_t> dense(bytes, 0);
  int64_t dim0 = static_cast<int64_t>(map.globalDim[0]);
  forEachRow(map, coords, rowBytes, [&](const int64_t *c, uint64_t off) {
    if (!err.empty() || !outerInBounds(map, c))
      return;
    int64_t lo = c[0] < 0 ? 0 : c[0];
    int64_t hi = c[0] + map.boxDim[0];
    if (hi > dim0)
      hi = dim0;
    if (lo >= hi)
      return;
    uint64_t g = rowAddress(map, c) + static_cast<uint64_t>(lo) * es;
    size_t n = static_cast<size_t>(hi - lo) * es;
    if (!read(g, dense.data() + off + static_cast<uint64_t>(lo - c[0]) * es, n))
      err = "tensor copy reads global [" + hex(g) + ", +" + std::to_string(n) +
            ") outside valid memory";
  });
  if (!err.empty())
    return err;
  for (uint32_t chunk = 0; chunk < bytes; chunk += 16) {
    uint32_t phys = swizzleAddress(map.swizzle, dstAddress + chunk);
    std::memcpy(sharedBytes + (phys - sharedBase), dense.data() + chunk, 16);
  }
  bytesWritten = bytes;
  return "";
}

std::string tmaTileStore(const TiledMapSpec &map, const int32_t *coords,
                         const WriteGlobalFn &write, const uint8_t *sharedBytes,
                         uint32_t sharedBase, uint32_t sharedSize,
                         uint32_t srcAddress) {
  uint32_t bytes, rowBytes, rows;
  std::string err = tileGeometry(map, sharedBase, sharedSize, srcAddress,
                                 bytes, rowBytes, rows);
  if (!err.empty())
    return err;
  uint32_t es = mapElementBytes(map.dataType);
  std::vector<uint8_t> dense(bytes);
  for (uint32_t chunk = 0; chunk < bytes; chunk += 16) {
    uint32_t phys = swizzleAddress(map.swizzle, srcAddress + chunk);
    std::memcpy(dense.data() + chunk, sharedBytes + (phys - sharedBase), 16);
  }
  int64_t dim0 = static_cast<int64_t>(map.globalDim[0]);
  forEachRow(map, coords, rowBytes, [&](const int64_t *c, uint64_t off) {
    if (!err.empty() || !outerInBounds(map, c))
      return;
    int64_t lo = c[0] < 0 ? 0 : c[0];
    int64_t hi = c[0] + map.boxDim[0];
    if (hi > dim0)
      hi = dim0;
    if (lo >= hi)
      return;
    uint64_t g = rowAddress(map, c) + static_cast<uint64_t>(lo) * es;
    size_t n = static_cast<size_t>(hi - lo) * es;
    if (!write(g, dense.data() + off + static_cast<uint64_t>(lo - c[0]) * es, n))
      err = "tensor copy writes global [" + hex(g) + ", +" + std::to_string(n) +
            ") outside valid memory";
  });
  return err;
}

//===----------------------------------------------------------------------===//
// cp.async.bulk
//===----------------------------------------------------------------------===//

std::string checkBulkCopy(uint64_t dst, uint64_t src, uint64_t size) {
  if (size == 0 || size % 16)
    return "cp.async.bulk size " + std::to_string(size) +
           " is not a non-zero multiple of 16 (PTX ISA cp.async.bulk)";
  if (dst % 16)
    return "cp.async.bulk destination " + hex(dst) +
           " is not 16-byte aligned (PTX ISA cp.async.bulk)";
  if (src % 16)
    return "cp.async.bulk source " + hex(src) +
           " is not 16-byte aligned (PTX ISA cp.async.bulk)";
  return "";
}

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
                ", k=" + std::to_string(k) + ") at shared " + hex(a) +
                ", outside shared memory [" + hex(sharedBase) + ", +" +
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
  const float sa = static_cast<float>(op.scaleA), sb = static_cast<float>(op.scaleB);
  const uint32_t regs = static_cast<uint32_t>(n) / 2;
  for (uint32_t m = 0; m < 64; ++m)
    for (uint32_t j = 0; j < static_cast<uint32_t>(n); ++j) {
      uint32_t t, r;
      wgmmaAccumulatorPosition(m, j, t, r);
      float &d = acc[t * regs + r];
      float s = op.scaleD ? d : 0.0f;
      for (uint32_t k = 0; k < 16; ++k)
        s = std::fma(sa * A[m * 16 + k], sb * B[j * 16 + k], s);
      d = s;
    }
  return "";
}

} // namespace ggemm::emu::sem
