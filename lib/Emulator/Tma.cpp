//===- Tma.cpp - swizzles, TMA tile copies, bulk copies ---------------------===//
//
// See Semantics.h. The shared-memory swizzle modes, the geometry and the
// element copy of cuTensorMapEncodeTiled tile loads and stores, and the
// alignment rules of cp.async.bulk. Written from the PTX ISA and the CUDA
// driver API documentation of cuTensorMapEncodeTiled.
//
//===----------------------------------------------------------------------===//

#include "Semantics.h"

#include <cstring>
#include <vector>

namespace ggemm::emu::sem {

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
    return "shared address " + hexString(address) + " of the tensor copy is not " +
           std::to_string(align) +
           "-byte aligned (PTX ISA cp.async.bulk.tensor: 128-byte aligned "
           "shared memory)";
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
    return "tensor copy box [" + hexString(address) + ", +" + std::to_string(total) +
           ") is outside shared memory [" + hexString(sharedBase) + ", +" +
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

/// Visits the part of each row of the box that lies inside the tensor (rows
/// outside it, and the elements of a row past either end of dim 0, are
/// skipped): fn(global address, dense shared offset, bytes) returns false
/// to stop.
template <typename Fn>
void forEachClippedRow(const TiledMapSpec &map, const int32_t *coords,
                       uint32_t rowBytes, Fn fn) {
  uint32_t es = mapElementBytes(map.dataType);
  int64_t dim0 = static_cast<int64_t>(map.globalDim[0]);
  bool going = true;
  forEachRow(map, coords, rowBytes, [&](const int64_t *c, uint64_t off) {
    if (!going || !outerInBounds(map, c))
      return;
    int64_t lo = c[0] < 0 ? 0 : c[0];
    int64_t hi = c[0] + map.boxDim[0];
    if (hi > dim0)
      hi = dim0;
    if (lo >= hi)
      return;
    going = fn(rowAddress(map, c) + static_cast<uint64_t>(lo) * es,
               off + static_cast<uint64_t>(lo - c[0]) * es,
               static_cast<size_t>(hi - lo) * es);
  });
}
} // namespace

uint32_t tmaBoxBytes(const TiledMapSpec &map) {
  uint64_t n = static_cast<uint64_t>(map.boxDim[0]) * mapElementBytes(map.dataType);
  for (uint32_t i = 1; i < map.rank && i < 5; ++i)
    n *= boxElements(map, i);
  return static_cast<uint32_t>(n);
}

uint32_t tmaSharedAlignment(const TiledMapSpec &) {
  // 128 bytes with or without a swizzle: the swizzle is a function of the
  // absolute shared address (swizzleAddress), so a box that starts inside
  // the pattern's repeat (one row of a gathered tile) lands where a larger
  // box would have put that row.
  return 128;
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
  std::vector<uint8_t> dense(bytes, 0);
  forEachClippedRow(map, coords, rowBytes,
                    [&](uint64_t g, uint64_t off, size_t n) {
                      if (read(g, dense.data() + off, n))
                        return true;
                      err = "tensor copy reads global [" + hexString(g) +
                            ", +" + std::to_string(n) + ") outside valid memory";
                      return false;
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
  std::vector<uint8_t> dense(bytes);
  for (uint32_t chunk = 0; chunk < bytes; chunk += 16) {
    uint32_t phys = swizzleAddress(map.swizzle, srcAddress + chunk);
    std::memcpy(dense.data() + chunk, sharedBytes + (phys - sharedBase), 16);
  }
  forEachClippedRow(map, coords, rowBytes,
                    [&](uint64_t g, uint64_t off, size_t n) {
                      if (write(g, dense.data() + off, n))
                        return true;
                      err = "tensor copy writes global [" + hexString(g) +
                            ", +" + std::to_string(n) + ") outside valid memory";
                      return false;
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
    return "cp.async.bulk destination " + hexString(dst) +
           " is not 16-byte aligned (PTX ISA cp.async.bulk)";
  if (src % 16)
    return "cp.async.bulk source " + hexString(src) +
           " is not 16-byte aligned (PTX ISA cp.async.bulk)";
  return "";
}

} // namespace ggemm::emu::sem
