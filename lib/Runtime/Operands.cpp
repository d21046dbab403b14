//===- Operands.cpp - a problem's buffers against its manifest ------------===//
//
// Resolves each tensor map's shape against the problem's dense buffers,
// checks a problem's operand addresses and run-time row array against the
// manifest, and sizes the split-K and token workspaces (Runtime.h). No
// driver calls here: a map that would reach past its buffer or a
// misaligned address is refused rather than left to fault inside the
// kernel.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Runtime/Runtime.h"

#include <algorithm>
#include <limits>
#include <string>

namespace ggemm::rt {

namespace {

/// The rows of a set's A (and SFA; the rows its tokens map has) before
/// the one-row floor of an empty map: G x max_m (masked) whatever
/// `contiguousRows` says, T (gathered), the caller's rows (contiguous,
/// offsets) or the group's M (list).
int64_t rowsOfA(const Manifest &manifest, const GroupShape &shape,
                int64_t contiguousRows, int64_t tokenRows) {
  if (manifest.rows == RowsForm::Masked)
    return manifest.contiguousCapacity();
  if (manifest.gathered())
    return tokenRows; // the token matrix, read through row_indices
  return manifest.oneOperandSet() ? contiguousRows : shape.m;
}

/// K rounded up to whole 256-element K tiles: the elements of K a row of
/// the token workspace holds (the decode kernel writes zeros past K).
int64_t paddedK(int64_t k) { return (k + 255) / 256 * 256; }

/// a x b and a + b for sizes >= 0, saturating at INT64_MAX.
int64_t saturatingMul(int64_t a, int64_t b) {
  int64_t product;
  return __builtin_mul_overflow(a, b, &product)
             ? std::numeric_limits<int64_t>::max()
             : product;
}
int64_t saturatingAdd(int64_t a, int64_t b) {
  int64_t sum;
  return __builtin_add_overflow(a, b, &sum)
             ? std::numeric_limits<int64_t>::max()
             : sum;
}

/// The "tokens" map of `what`: rank 2 like the others, but over the token
/// workspace's layout, not a buffer of the caller's (docs/kernel-abi.md,
/// "Decoded tokens"): dense rows of KP f16 (2 KP bytes), and boxes of one
/// decode step (64 f16, 128 bytes) by the tile's rows, 128B-swizzled, as
/// the kernel's wgmma descriptor of a token slot reads them.
std::string resolveTokensMap(const TensorMapSpec &spec, const GroupShape &shape,
                             int64_t rows, const std::string &what,
                             ResolvedTensorMap &out) {
  int64_t kPadded = paddedK(shape.k), rowBytes = 2 * kPadded;
  if (spec.dims[0] != rowBytes)
    return what + " has " + std::to_string(spec.dims[0]) +
           " bytes per row; a token row holds KP = " + std::to_string(kPadded) +
           " f16 (K = " + std::to_string(shape.k) +
           " rounded up to a multiple of 256), 2 x KP = " +
           std::to_string(rowBytes) + " bytes";
  if (spec.rowStride != spec.dims[0])
    return what + " has a row stride of " + std::to_string(spec.rowStride) +
           "; the token workspace's rows are dense, " +
           std::to_string(spec.dims[0]) + " bytes apart (its bytes per row)";
  if (spec.dims[1] >= 0 && spec.dims[1] != rows)
    return what + " has " + std::to_string(spec.dims[1]) + " rows; A has " +
           std::to_string(rows);
  if (spec.box[0] != 128)
    return what + ": the inner box size " + std::to_string(spec.box[0]) +
           " is not 128 bytes, one decode step of 64 f16";
  if (!spec.swizzle128B)
    return what + " is not 128B-swizzled; the kernel reads a token slot "
                  "through a 128B-swizzled K-major wgmma descriptor";
  out.dims = {uint64_t(rowBytes), uint64_t(rows > 0 ? rows : 1)};
  out.rowStride = uint64_t(rowBytes);
  out.box = spec.box;
  out.swizzle128B = true;
  return "";
}

} // namespace

std::string resolveTensorMap(const Manifest &manifest, size_t index,
                             int64_t contiguousRows, ResolvedTensorMap &out,
                             int64_t tokenRows) {
  if (index >= manifest.tensorMaps.size())
    return "tensor map " + std::to_string(index) + " does not exist";
  const TensorMapSpec &spec = manifest.tensorMaps[index];
  bool oneSet = manifest.oneOperandSet();
  const GroupShape &shape = manifest.groups[spec.group];
  std::string what = "tensor map " + std::to_string(index) + " (" +
                     operandName(spec.operand) + " of group " +
                     std::to_string(spec.group) + ")";
  if (oneSet && spec.group != 0)
    return what + ": " + rowsFormName(manifest.rows) +
           " rows have one map per operand, of group 0";
  if (spec.operand == Operand::Tokens) {
    int64_t rows = rowsOfA(manifest, shape, contiguousRows, tokenRows);
    if (rows < 0)
      return what + ": A has a negative row count";
    return resolveTokensMap(spec, shape, rows, what, out);
  }

  // The dense buffer this map describes: packed e2m1, K/2 bytes a row, or
  // row-major e4m3 scale factors, K/16 bytes a row.
  bool scales = spec.operand == Operand::SFA || spec.operand == Operand::SFB;
  int64_t rowBytes = scales ? shape.k / 16 : shape.k / 2, rows;
  // Masked A / SFA are G x max_m rows, whatever `contiguousRows` says.
  if (spec.operand == Operand::B || spec.operand == Operand::SFB)
    rows = oneSet ? manifest.numGroups() * shape.n : shape.n;
  else
    rows = rowsOfA(manifest, shape, contiguousRows, tokenRows);
  if (rows < 0)
    return what + ": the buffer has a negative row count";

  if (spec.dims[0] != rowBytes || spec.rowStride != rowBytes)
    return what + " has " + std::to_string(spec.dims[0]) +
           " bytes per row and a row stride of " +
           std::to_string(spec.rowStride) + "; the dense buffer has " +
           (scales ? "K/16 = " : "K/2 = ") + std::to_string(rowBytes) +
           " for both";
  if (spec.dims[1] >= 0 && spec.dims[1] != rows)
    return what + " has " + std::to_string(spec.dims[1]) +
           " rows; the buffer has " + std::to_string(rows);
  // cuTensorMapEncodeTiled: global strides are multiples of 16 bytes, and
  // the inner box dimension spans a multiple of 16 bytes.
  if (rowBytes % 16 != 0)
    return what + ": a row of " + std::to_string(rowBytes) +
           " bytes is not a multiple of 16, which TMA requires";
  if (spec.box[0] % 16 != 0)
    return what + ": the inner box size " + std::to_string(spec.box[0]) +
           " is not a multiple of 16 bytes, which TMA requires";
  if (spec.swizzle128B && spec.box[0] > 128)
    return what + ": the inner box size " + std::to_string(spec.box[0]) +
           " exceeds the 128 bytes of a 128B-swizzled row";

  out.dims = {uint64_t(rowBytes), uint64_t(rows > 0 ? rows : 1)};
  out.rowStride = uint64_t(rowBytes);
  out.box = spec.box;
  out.swizzle128B = spec.swizzle128B;
  return "";
}

/// Offsets, masked and gathered form: the rows of A (of C: R, gathered),
/// and the offsets or counts the runtime uploads itself. Those on the
/// device are the kernel's to clamp and flag, as a router's would be.
static std::string checkRowArray(const Manifest &manifest,
                                 const Operands &operands) {
  size_t numGroups = manifest.groups.size();
  bool masked = manifest.rows == RowsForm::Masked;
  if (masked) {
    int64_t rows = manifest.contiguousCapacity();
    if (operands.contiguousRows != 0 && operands.contiguousRows != rows)
      return "operands: masked rows have G x max_m = " + std::to_string(rows) +
             " rows of A; contiguousRows is " +
             std::to_string(operands.contiguousRows) + " (give 0 or " +
             std::to_string(rows) + ")";
  } else if (operands.contiguousRows < 0) {
    return "operands: negative contiguousRows";
  }
  if (operands.groupSizes != 0)
    return "";
  if (operands.groupSizeValues.size() != numGroups)
    return std::string("operands: ") + rowsFormName(manifest.rows) +
           " rows need a " + (masked ? "group_counts" : "group_offsets") +
           " array or " + std::to_string(numGroups) + " " +
           (masked ? "group count" : "group offset") + " values";
  int64_t end = 0, maxM = masked ? manifest.groups.front().m : 0;
  for (size_t g = 0; g < numGroups; ++g) {
    int64_t value = operands.groupSizeValues[g];
    std::string which = "group " + std::to_string(g) + "'s ";
    if (masked && (value < 0 || value > maxM))
      return "operands: " + which + "count " + std::to_string(value) +
             " is outside [0, max_m = " + std::to_string(maxM) + "]";
    if (!masked && value < end)
      return "operands: " + which + "offset " + std::to_string(value) +
             " is below the end of the groups before it (" +
             std::to_string(end) +
             "); offsets are cumulative end rows and never decrease";
    end = std::max(end, value);
  }
  if (!masked && end > operands.contiguousRows)
    return "operands: the group offsets end at row " + std::to_string(end) +
           (manifest.gathered() ? "; there are " : "; the buffers have ") +
           std::to_string(operands.contiguousRows) +
           (manifest.gathered() ? " routed rows (contiguousRows)" : " rows");
  return "";
}

/// Gathered form: T (by value: an int32), the token rows the A map was
/// compiled for, and host row indices, one per routed row, in [0, T).
/// Indices on the device are the kernel's to clamp and flag.
static std::string checkGathered(const Manifest &manifest,
                                 const Operands &operands) {
  int64_t t = operands.tokenRows, routed = operands.contiguousRows;
  if (t < 0 || t > std::numeric_limits<int32_t>::max())
    return "operands: gathered rows take tokenRows (T) in [0, 2^31 - 1], "
           "not " +
           std::to_string(t);
  if (routed > std::numeric_limits<int32_t>::max())
    return "operands: gathered rows take contiguousRows (R, the routed "
           "rows) up to 2^31 - 1, not " +
           std::to_string(routed);
  int64_t capacity = manifest.tokenCapacity();
  if (capacity >= 0 && t != capacity)
    return "operands: the kernel was compiled for " +
           std::to_string(capacity) + " token rows (T); tokenRows is " +
           std::to_string(t);
  // No token rows: every group must be empty (the kernel would clamp them
  // and raise bit 0), and no index is ever read.
  if (t == 0 && operands.groupSizes == 0)
    for (int32_t end : operands.groupSizeValues)
      if (end > 0)
        return "operands: the group offsets end at row " +
               std::to_string(end) +
               "; with no token rows (T = 0) every group must be empty";
  if (operands.rowIndices != 0)
    return "";
  if (int64_t(operands.rowIndexValues.size()) != routed)
    return "operands: gathered rows need a row_indices array or " +
           std::to_string(routed) + " row index values (one per routed "
           "row, contiguousRows); got " +
           std::to_string(operands.rowIndexValues.size());
  for (size_t r = 0; r < operands.rowIndexValues.size(); ++r) {
    int32_t index = operands.rowIndexValues[r];
    if (t > 0 && (index < 0 || index >= t))
      return "operands: routed row " + std::to_string(r) + "'s row index " +
             std::to_string(index) + " is outside [0, T = " +
             std::to_string(t) + ")";
  }
  return "";
}

std::string checkOperands(const Manifest &manifest, const Operands &operands) {
  bool oneSet = manifest.oneOperandSet();
  size_t want = oneSet ? 1 : manifest.groups.size();
  const char *form = rowsFormName(manifest.rows);
  // The kernel's instructions (TMA, vector loads and stores) need what the
  // manifest's "alignment" says (docs/kernel-abi.md, "Alignment").
  const OperandAlignment &alignment = manifest.alignment;
  struct Named {
    const char *name;
    const std::vector<CUdeviceptr> *addresses;
    uint32_t alignment;
  };
  for (Named named : {Named{"a", &operands.a, alignment.a},
                      Named{"b", &operands.b, alignment.b},
                      Named{"sfa", &operands.sfa, alignment.sfa},
                      Named{"sfb", &operands.sfb, alignment.sfb},
                      Named{"c", &operands.c, alignment.c}}) {
    if (named.addresses->size() != want)
      return std::string("operands: ") + form + " rows need " +
             std::to_string(want) + " " + named.name + " address(es), got " +
             std::to_string(named.addresses->size());
    for (size_t i = 0; i < want; ++i) {
      CUdeviceptr address = (*named.addresses)[i];
      if (address == 0)
        return std::string("operands: a null ") + named.name + " address";
      if (address % named.alignment != 0) {
        char hex[32];
        std::snprintf(hex, sizeof(hex), "0x%llx",
                      static_cast<unsigned long long>(address));
        return std::string("operands: ") + named.name + " must be " +
               std::to_string(named.alignment) +
               "-byte aligned (the kernel's manifest asks for it); " +
               (oneSet ? std::string("its address is ")
                           : "group " + std::to_string(i) + "'s address is ") +
               hex;
      }
    }
  }
  size_t numGroups = manifest.groups.size();
  if (manifest.rows == RowsForm::Offsets || manifest.rows == RowsForm::Masked ||
      manifest.gathered())
    if (std::string err = checkRowArray(manifest, operands); !err.empty())
      return err;
  if (manifest.gathered())
    if (std::string err = checkGathered(manifest, operands); !err.empty())
      return err;
  if (manifest.rows == RowsForm::Contiguous) {
    if (operands.contiguousRows < 0)
      return "operands: negative contiguousRows";
    if (operands.groupSizes == 0) {
      if (operands.groupSizeValues.size() != numGroups)
        return "operands: contiguous rows need a group_sizes array or " +
               std::to_string(numGroups) + " group size values";
      int64_t rows = 0;
      for (int32_t size : operands.groupSizeValues) {
        if (size < 0)
          return "operands: negative group size " + std::to_string(size);
        rows += size;
      }
      if (rows > operands.contiguousRows)
        return "operands: the group sizes add up to " + std::to_string(rows) +
               " rows; the buffers have " +
               std::to_string(operands.contiguousRows);
    }
  }
  if (manifest.alpha && operands.alpha == 0 &&
      operands.alphaValues.size() != numGroups)
    return "operands: the kernel takes alpha; give an alpha array or " +
           std::to_string(numGroups) + " alpha values";
  return "";
}

int64_t workspaceBytes(const Manifest &manifest, int64_t contiguousRows) {
  if (manifest.splitK <= 1)
    return 0;
  int64_t tileM = manifest.tile[0], tileN = manifest.tile[1];
  auto ceilDiv = [](int64_t a, int64_t b) { return (a + b - 1) / b; };
  int64_t tiles = 0;
  if (manifest.rows == RowsForm::List) {
    for (const GroupShape &g : manifest.groups)
      tiles += ceilDiv(g.m, tileM) * ceilDiv(g.n, tileN);
  } else {
    // The kernel's slots of tiles that start inside the rows: an M tile
    // index below ceil(rows / tile_m) plus the group index.
    int64_t tilesN = 0;
    for (const GroupShape &g : manifest.groups)
      tilesN = std::max(tilesN, ceilDiv(g.n, tileN));
    // Masked A has G x max_m rows, whatever the caller passed.
    if (manifest.rows == RowsForm::Masked)
      contiguousRows = manifest.contiguousCapacity();
    tiles = (ceilDiv(std::max<int64_t>(contiguousRows, 0), tileM) +
             int64_t(manifest.groups.size())) *
            tilesN;
  }
  return kWorkspaceHeaderBytes + tiles * manifest.splitK * tileM * tileN * 4;
}

std::vector<TokenRegion> tokenRegions(const Manifest &manifest,
                                      int64_t contiguousRows,
                                      int64_t tokenRows) {
  std::vector<TokenRegion> regions;
  if (!manifest.decodesTokens())
    return regions;
  int64_t offset = 0;
  for (int64_t set = 0; set < manifest.numOperandSets(); ++set) {
    const GroupShape &shape = manifest.groups[size_t(set)];
    TokenRegion region;
    region.rows = std::max<int64_t>(
        rowsOfA(manifest, shape, contiguousRows, tokenRows), 0);
    region.k = shape.k;
    region.kPadded = paddedK(shape.k);
    // Rows of 2 KP bytes (a multiple of 512), one at least, as the map.
    region.bytes =
        saturatingMul(std::max<int64_t>(region.rows, 1), 2 * region.kPadded);
    region.offset = offset;
    offset =
        saturatingAdd(offset, (saturatingAdd(region.bytes, 255)) / 256 * 256);
    regions.push_back(region);
  }
  return regions;
}

int64_t tokenWorkspaceBytes(const Manifest &manifest, int64_t contiguousRows,
                            int64_t tokenRows) {
  return tokenWorkspaceBytes(tokenRegions(manifest, contiguousRows, tokenRows));
}

int64_t tokenWorkspaceBytes(const std::vector<TokenRegion> &regions) {
  if (regions.empty())
    return 0;
  const TokenRegion &last = regions.back();
  return saturatingAdd(last.offset, saturatingAdd(last.bytes, 255) / 256 * 256);
}

} // namespace ggemm::rt
