//===- TensorMap.cpp - cuTensorMapEncodeTiled's rules, emulator encoding --===//
//
// encodeTiledMap checks a TiledMapSpec against the requirements the CUDA
// driver API documents for cuTensorMapEncodeTiled (cuda.h, "Tensor Map
// Object Managment") and writes a private encoding into the 128 opaque
// bytes; decodeTiledMap reads it back. The encoding (little endian):
//
//   0  u32  magic "GTMP" (0x504D5447)
//   4  u8   data type     5 u8 rank      6 u8 interleave   7 u8 swizzle
//   8  u8   l2 promotion  9 u8 oob fill  10..11 zero
//   12 u64  global address
//   20 u32  globalDim[i] - 1, i = 0..4 (unused: 0)
//   40 u64  globalStrides[i], i = 0..3 (unused: 0)
//   72 u16  boxDim[i], i = 0..4        (unused: 0)
//   82 u8   elementStrides[i], i = 0..4 (unused: 0)
//   87..123 zero
//   124 u32 FNV-1a of bytes 0..123
//
//===----------------------------------------------------------------------===//

#include "ggemm/Emulator/Emulator.h"

#include "Semantics.h"

#include <cstring>
#include <string>

namespace ggemm::emu {

namespace {

constexpr uint32_t kMagic = 0x504D5447; // "GTMP"

bool isFloat(MapDataType t) {
  return t == MapDataType::Float16 || t == MapDataType::Float32 ||
         t == MapDataType::Float64 || t == MapDataType::BFloat16;
}

uint32_t fnv1a(const uint8_t *p, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 16777619u;
  }
  return h;
}

template <typename T> void put(uint8_t *out, size_t at, T v) {
  std::memcpy(out + at, &v, sizeof(T));
}
template <typename T> T get(const uint8_t *in, size_t at) {
  T v;
  std::memcpy(&v, in + at, sizeof(T));
  return v;
}

std::string rule(const std::string &what) {
  return "cuTensorMapEncodeTiled: " + what;
}

std::string idx(const char *name, uint32_t i) {
  return std::string(name) + "[" + std::to_string(i) + "]";
}

} // namespace

std::string encodeTiledMap(const TiledMapSpec &s, uint8_t (&out)[128]) {
  uint32_t type = static_cast<uint32_t>(s.dataType);
  if (type > static_cast<uint32_t>(MapDataType::BFloat16)) {
    if (type <= 15)
      return rule("tensorDataType " + std::to_string(type) +
                  " is a CUtensorMapDataType the emulator does not model "
                  "(it knows 0..9)");
    return rule("tensorDataType " + std::to_string(type) +
                " is not a CUtensorMapDataType enum value");
  }
  uint32_t es = sem::mapElementBytes(s.dataType);
  if (s.rank < 1 || s.rank > 5)
    return rule("tensorRank " + std::to_string(s.rank) +
                " must be non-zero and at most 5");
  uint32_t interleave = static_cast<uint32_t>(s.interleave);
  if (interleave > 2)
    return rule("interleave " + std::to_string(interleave) +
                " is not a CUtensorMapInterleave enum value");
  uint32_t swizzle = static_cast<uint32_t>(s.swizzle);
  if (swizzle > 3) {
    if (swizzle <= 6)
      return rule("swizzle " + std::to_string(swizzle) +
                  " (a 128B atom variant) is not modelled by the emulator");
    return rule("swizzle " + std::to_string(swizzle) +
                " is not a CUtensorMapSwizzle enum value");
  }
  if (s.l2Promotion > 3)
    return rule("l2Promotion " + std::to_string(s.l2Promotion) +
                " is not a CUtensorMapL2promotion enum value");
  if (s.oobFill > 1)
    return rule("oobFill " + std::to_string(s.oobFill) +
                " is not a CUtensorMapFloatOOBfill enum value");
  if (s.interleave != MapInterleave::None && s.rank < 3)
    return rule("with interleave, tensorRank (" + std::to_string(s.rank) +
                ") must be at least 3");
  if (s.globalAddress % 16)
    return rule("globalAddress must be 16-byte aligned");
  if (s.interleave == MapInterleave::B32 && s.globalAddress % 32)
    return rule("with CU_TENSOR_MAP_INTERLEAVE_32B, globalAddress must be "
                "32-byte aligned");
  for (uint32_t i = 0; i < s.rank; ++i)
    if (s.globalDim[i] == 0 || s.globalDim[i] > (uint64_t(1) << 32))
      return rule(idx("globalDim", i) + " = " + std::to_string(s.globalDim[i]) +
                  " must be non-zero and at most 2^32");
  for (uint32_t i = 0; i + 1 < s.rank; ++i) {
    uint64_t st = s.globalStrides[i];
    if (st % 16 || st >= (uint64_t(1) << 40))
      return rule(idx("globalStrides", i) + " = " + std::to_string(st) +
                  " must be a multiple of 16 and less than 2^40");
    if (s.interleave == MapInterleave::B32 && st % 32)
      return rule(idx("globalStrides", i) + " = " + std::to_string(st) +
                  " must be a multiple of 32 with CU_TENSOR_MAP_INTERLEAVE_32B");
    // The documentation describes each stride as including the previous
    // dimension's extent, but the driver does not enforce it: an H200
    // (2026 calibration, case stride_below_row_bytes) accepts
    // globalStrides[0] below globalDim[0] * element size (rows overlap).
  }
  for (uint32_t i = 0; i < s.rank; ++i)
    if (s.boxDim[i] == 0 || s.boxDim[i] > 256)
      return rule(idx("boxDim", i) + " = " + std::to_string(s.boxDim[i]) +
                  " must be non-zero and at most 256");
  uint64_t inner = static_cast<uint64_t>(s.boxDim[0]) * es;
  if (s.interleave == MapInterleave::None && inner % 16)
    return rule("boxDim[0] * element size = " + std::to_string(inner) +
                " bytes must be a multiple of 16 bytes (interleave NONE)");
  for (uint32_t i = 0; i < s.rank; ++i)
    if (s.elementStrides[i] == 0 || s.elementStrides[i] > 8)
      return rule(idx("elementStrides", i) + " = " +
                  std::to_string(s.elementStrides[i]) +
                  " must be non-zero and at most 8");
  if (s.interleave == MapInterleave::None && s.swizzle != MapSwizzle::None) {
    uint32_t span = 16u << swizzle; // 32, 64, 128
    if (inner > span)
      return rule("the bounding box inner dimension (boxDim[0] * element "
                  "size = " + std::to_string(inner) + " bytes) must be <= the "
                  "swizzle size (" + std::to_string(span) + " bytes)");
  }
  if (s.interleave == MapInterleave::B32 && s.swizzle != MapSwizzle::B32)
    return rule("with CU_TENSOR_MAP_INTERLEAVE_32B, swizzle must be "
                "CU_TENSOR_MAP_SWIZZLE_32B");
  if (s.oobFill == 1 && !isFloat(s.dataType))
    return rule("CU_TENSOR_MAP_FLOAT_OOB_FILL_NAN_REQUEST_ZERO_FMA needs a "
                "floating-point tensorDataType");

  std::memset(out, 0, 128);
  put<uint32_t>(out, 0, kMagic);
  out[4] = static_cast<uint8_t>(type);
  out[5] = static_cast<uint8_t>(s.rank);
  out[6] = static_cast<uint8_t>(interleave);
  out[7] = static_cast<uint8_t>(swizzle);
  out[8] = static_cast<uint8_t>(s.l2Promotion);
  out[9] = static_cast<uint8_t>(s.oobFill);
  put<uint64_t>(out, 12, s.globalAddress);
  for (uint32_t i = 0; i < s.rank; ++i) {
    put<uint32_t>(out, 20 + 4 * i, static_cast<uint32_t>(s.globalDim[i] - 1));
    put<uint16_t>(out, 72 + 2 * i, static_cast<uint16_t>(s.boxDim[i]));
    out[82 + i] = static_cast<uint8_t>(s.elementStrides[i]);
  }
  for (uint32_t i = 0; i + 1 < s.rank; ++i)
    put<uint64_t>(out, 40 + 8 * i, s.globalStrides[i]);
  put<uint32_t>(out, 124, fnv1a(out, 124));
  return "";
}

bool decodeTiledMap(const uint8_t *in, TiledMapSpec &out) {
  if (!in || get<uint32_t>(in, 0) != kMagic ||
      get<uint32_t>(in, 124) != fnv1a(in, 124))
    return false;
  TiledMapSpec s;
  s.dataType = static_cast<MapDataType>(in[4]);
  s.rank = in[5];
  if (s.rank < 1 || s.rank > 5)
    return false;
  s.interleave = static_cast<MapInterleave>(in[6]);
  s.swizzle = static_cast<MapSwizzle>(in[7]);
  s.l2Promotion = in[8];
  s.oobFill = in[9];
  s.globalAddress = get<uint64_t>(in, 12);
  s.globalDim = {};
  s.globalStrides = {};
  s.boxDim = {};
  s.elementStrides = {1, 1, 1, 1, 1};
  for (uint32_t i = 0; i < s.rank; ++i) {
    s.globalDim[i] = static_cast<uint64_t>(get<uint32_t>(in, 20 + 4 * i)) + 1;
    s.boxDim[i] = get<uint16_t>(in, 72 + 2 * i);
    s.elementStrides[i] = in[82 + i];
  }
  for (uint32_t i = 0; i + 1 < s.rank; ++i)
    s.globalStrides[i] = get<uint64_t>(in, 40 + 8 * i);
  out = s;
  return true;
}

} // namespace ggemm::emu
