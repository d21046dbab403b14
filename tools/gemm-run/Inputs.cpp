//===- Inputs.cpp - gemm-run's problem shapes, .npy inputs, device sets ---===//
//
// Everything between the manifest and a bound launch: which shapes to run,
// where their data comes from, and how it is laid out in device memory.
//
//===----------------------------------------------------------------------===//

#include "GemmRun.h"

#include "ggemm/Reference/Npy.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include <unistd.h>

namespace ggemm::run {

std::string problemShapes(const rt::Manifest &manifest,
                          const std::vector<int64_t> &groupSizes, uint64_t seed,
                          bool sizesFromFiles, std::vector<ref::Shape> &out) {
  out.clear();
  bool contiguous = manifest.rows == rt::RowsForm::Contiguous;
  int64_t numGroups = manifest.numGroups();
  if (contiguous && !groupSizes.empty() &&
      int64_t(groupSizes.size()) != numGroups)
    return "--group-sizes needs " + std::to_string(numGroups) +
           " values, one per group";
  std::vector<int64_t> seeded = ref::randomGroupSizes(seed, numGroups);
  for (int64_t g = 0; g < numGroups; ++g) {
    const rt::GroupShape &shape = manifest.groups[g];
    int64_t m = shape.m;
    if (manifest.rows == rt::RowsForm::Offsets ||
        manifest.rows == rt::RowsForm::Masked || manifest.gathered()) {
      m = -1; // resolveRowArray (resolveGathered) reads it from the array
    } else if (contiguous) {
      if (!groupSizes.empty())
        m = groupSizes[g];
      else if (sizesFromFiles)
        m = -1;
      else
        m = seeded[g];
      if (m < -1 || (m == -1 && !sizesFromFiles))
        return "group sizes must be >= 0";
    }
    out.push_back({m, shape.n, shape.k});
  }
  return checkShapes(manifest, out);
}

std::string checkShapes(const rt::Manifest &manifest,
                        const std::vector<ref::Shape> &shapes) {
  if (manifest.rows != rt::RowsForm::Contiguous)
    return "";
  // Each size below 2^31 (the manifest's and the options' bounds): the
  // sum of a few million of them cannot overflow.
  int64_t totalRows = 0;
  for (const ref::Shape &shape : shapes) {
    if (shape.m > std::numeric_limits<int32_t>::max())
      return "group size " + std::to_string(shape.m) +
             " does not fit group_sizes (int32)";
    totalRows += std::max<int64_t>(shape.m, 0);
  }
  int64_t capacity = manifest.contiguousCapacity();
  if (capacity >= 0 && totalRows > capacity)
    return "the group sizes add up to " + std::to_string(totalRows) +
           " rows; the kernel was compiled for " + std::to_string(capacity);
  if (capacity < 0 && totalRows + 3 > std::numeric_limits<int32_t>::max())
    return "the group sizes add up to " + std::to_string(totalRows) +
           " rows; with 3 spare rows, A would pass 2^31 - 1 rows";
  return "";
}

ref::RowLayout rowLayoutOf(const rt::Manifest &manifest) {
  switch (manifest.rows) {
  case rt::RowsForm::Offsets:
    return ref::RowLayout::Offsets;
  case rt::RowsForm::Masked:
    return ref::RowLayout::Masked;
  case rt::RowsForm::Gathered:
    return ref::RowLayout::Gathered;
  default:
    return ref::RowLayout::Contiguous;
  }
}

std::string chooseRowArray(const rt::Manifest &manifest,
                           const std::vector<int64_t> &given, uint64_t seed,
                           const std::string &loadDir,
                           std::vector<int32_t> &values, bool &known) {
  values.clear();
  known = true;
  ref::RowLayout layout = rowLayoutOf(manifest);
  int64_t numGroups = manifest.numGroups();
  const char *option =
      layout == ref::RowLayout::Masked ? "--group-counts" : "--group-offsets";
  if (!given.empty()) {
    if (int64_t(given.size()) != numGroups)
      return std::string(option) + " needs " + std::to_string(numGroups) +
             " values, one per group";
    values.assign(given.begin(), given.end()); // parsed as int32
    return "";
  }
  if (!loadDir.empty()) {
    bool found = false;
    if (std::string err =
            ref::readGroupRowsNpy(loadDir, layout, numGroups, values, found);
        !err.empty())
      return err;
    known = found;
    return "";
  }
  // Skewed seeded rows: empty groups, single rows, full groups and (for
  // offsets) one large one, none of them a multiple of a tile but by
  // chance.
  bool masked = layout == ref::RowLayout::Masked;
  std::vector<int64_t> rows =
      masked ? ref::skewedGroupRows(seed, numGroups, manifest.groups[0].m)
             : ref::skewedGroupRows(seed, numGroups, 300, 700);
  return ref::groupRowsArray(layout, rows, values);
}

std::string resolveRowArray(const rt::Manifest &manifest,
                            const std::vector<int32_t> &values, RowArray &out,
                            std::vector<ref::Shape> &shapes) {
  out = RowArray();
  out.layout = rowLayoutOf(manifest);
  out.values = values;
  int64_t numGroups = manifest.numGroups();
  if (int64_t(values.size()) != numGroups || int64_t(shapes.size()) != numGroups)
    return std::string(ref::groupRowsArrayName(out.layout)) + " has " +
           std::to_string(values.size()) + " entries; the kernel has " +
           std::to_string(numGroups) + " groups";
  int64_t maxM = out.layout == ref::RowLayout::Masked ? manifest.groups[0].m : 0;
  // Where the groups end without a bound: the rows a buffer needs.
  int64_t end = ref::readGroupRows(out.layout, values, -1, maxM).end;
  int64_t capacity = manifest.contiguousCapacity();
  // Spare rows past the last group: the kernel must leave them alone.
  out.bufferRows = capacity >= 0 ? capacity : end + 3;
  if (out.bufferRows > std::numeric_limits<int32_t>::max())
    return "the groups end at row " + std::to_string(end) +
           (capacity >= 0 ? "" : "; with 3 spare rows") +
           ", A would pass 2^31 - 1 rows";
  out.rows = ref::readGroupRows(out.layout, values, out.bufferRows, maxM);
  for (int64_t g = 0; g < numGroups; ++g)
    shapes[g].m = out.rows.groups[g].rows;
  return "";
}

std::string checkHostMemory(const rt::Manifest &manifest,
                            const std::vector<ref::Shape> &shapes,
                            int64_t bufferRows, int64_t tokenRows) {
  // The problem and its reference, the image of one input set (inputs
  // again, C, 256-byte alignment), and C downloaded for the check.
  double bytes = ref::problemHostBytes(shapes), rows = 0;
  for (const ref::Shape &s : shapes) {
    double m = std::max<int64_t>(s.m, 0);
    bytes += double(s.n) * s.k * (0.5 + 1.0 / 16) + 5 * 256.0;
    if (manifest.rows == rt::RowsForm::List)
      bytes += m * s.k * (0.5 + 1.0 / 16) + 4.0 * m * s.n;
    rows += m;
  }
  if (manifest.rows == rt::RowsForm::Contiguous && !shapes.empty()) {
    int64_t capacity = manifest.contiguousCapacity();
    rows = capacity >= 0 ? double(capacity) : rows + 3;
    bytes += rows * (shapes[0].k * (0.5 + 1.0 / 16) + 4.0 * shapes[0].n);
  }
  // Offsets, masked and gathered: the one buffer, and its A and SFA laid
  // out on the host before they are copied into the image; gathered, the
  // token matrix generated, kept and in the image, and the row indices.
  if ((manifest.rows == rt::RowsForm::Offsets ||
       manifest.rows == rt::RowsForm::Masked || manifest.gathered()) &&
      !shapes.empty())
    bytes += double(std::max<int64_t>(bufferRows, 0)) *
                 (2 * shapes[0].k * (0.5 + 1.0 / 16) + 4.0 * shapes[0].n +
                  8.0) +
             3.0 * double(std::max<int64_t>(tokenRows, 0)) * shapes[0].k *
                 (0.5 + 1.0 / 16);
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || pageSize <= 0)
    return ""; // unknown: let the allocations speak
  double available = double(pages) * double(pageSize);
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  if (bytes > available)
    return "the problem and its check need about " +
           std::to_string(int64_t(std::ceil(bytes / kGiB))) +
           " GiB of host memory; this machine has " +
           std::to_string(int64_t(available / kGiB)) + " GiB";
  return "";
}

namespace {

/// Appends pieces to an image, each at a 256-byte boundary (TMA needs 16,
/// cuMemAlloc gives 256; matching it keeps every piece as aligned as a
/// separate allocation would be).
class ImageWriter {
public:
  explicit ImageWriter(std::vector<uint8_t> &bytes) : bytes(bytes) {}

  /// Reserves max(`size`, `minSize`) bytes filled with `fill` and copies
  /// `data` to the front. `minSize` keeps an empty operand addressable.
  Piece place(const void *data, size_t dataBytes, size_t size,
              size_t minSize = 16, uint8_t fill = 0) {
    Piece piece;
    piece.offset = (bytes.size() + 255) / 256 * 256;
    piece.bytes = size;
    bytes.resize(piece.offset + std::max(size, minSize), fill);
    if (dataBytes)
      std::memcpy(bytes.data() + piece.offset, data, dataBytes);
    return piece;
  }

private:
  std::vector<uint8_t> &bytes;
};

} // namespace

std::string buildImage(const rt::Manifest &manifest,
                       const ref::Problem &problem, InputImage &out,
                       const RowArray *rowArray, uint64_t fillerSeed) {
  out = InputImage();
  ImageWriter writer(out.bytes);
  const std::vector<ref::Group> &groups = problem.groups;
  for (const ref::Group &g : groups) {
    out.trafficBytes +=
        double(g.a.size() + g.b.size() + g.sfa.size() + g.sfb.size()) +
        2.0 * double(g.m * g.n);
    out.flops += 2.0 * double(g.m) * double(g.n) * double(g.k);
  }

  if (manifest.rows == rt::RowsForm::List) {
    bool blocked = manifest.scales == rt::ScaleLayout::Blocked128x4;
    // An empty row-major SFA keeps one zero row too: the sm_100a kernel
    // may describe it with a one-row tensor map.
    auto scales = [&](const std::vector<uint8_t> &codes, int64_t rows,
                      int64_t k) {
      std::vector<uint8_t> laid =
          blocked ? ref::toBlocked(codes, rows, k / 16) : codes;
      return writer.place(laid.data(), laid.size(), laid.size(),
                          std::max<size_t>(16, size_t(k / 16)));
    };
    for (const ref::Group &g : groups) {
      // An empty A keeps one zero row for its one-row tensor map.
      size_t rowBytes = size_t(g.k / 2);
      out.a.push_back(
          writer.place(g.a.data(), g.a.size(), g.a.size(), rowBytes));
      out.sfa.push_back(scales(g.sfa, g.m, g.k));
      out.b.push_back(
          writer.place(g.b.data(), g.b.size(), g.b.size(), rowBytes));
      out.sfb.push_back(scales(g.sfb, g.n, g.k));
      out.c.push_back(
          writer.place(nullptr, 0, size_t(2 * g.m * g.n), 16, 0xFF));
    }
  } else if (manifest.rows != rt::RowsForm::Contiguous) {
    // Offsets and masked: every group's rows where the array puts them;
    // the rows of no group hold filler.
    if (!rowArray)
      return std::string(rt::rowsFormName(manifest.rows)) +
             " rows need their row array";
    if (manifest.scales != rt::ScaleLayout::RowMajor)
      return std::string(rt::rowsFormName(manifest.rows)) +
             " rows take row-major scales only";
    int64_t n = groups.front().n, k = groups.front().k;
    out.rows = rowArray->bufferRows;
    out.owned = rowArray->rows.groups;
    ref::OneBuffer one;
    if (manifest.gathered()) {
      // A and SFA: the token matrix (T rows), not the routed rows.
      const ref::GatheredInputs &gathered = rowArray->gathered;
      if (rowArray->layout != ref::RowLayout::Gathered ||
          int64_t(gathered.indices.size()) != out.rows)
        return "gathered rows need their row indices";
      one.a = gathered.tokenA;
      one.sfa = gathered.tokenSfa;
      out.tokenRows = gathered.tokenRows;
      out.rowIndices.push_back(writer.place(
          gathered.indices.data(), 4 * gathered.indices.size(),
          4 * gathered.indices.size()));
      out.trafficBytes += 4.0 * double(out.rows);
    } else if (std::string err = ref::layOutOneBuffer(
                   problem, out.owned, out.rows, fillerSeed, one);
               !err.empty()) {
      return err;
    }
    std::vector<uint8_t> b, sfb;
    for (const ref::Group &g : groups) {
      b.insert(b.end(), g.b.begin(), g.b.end());
      sfb.insert(sfb.end(), g.sfb.begin(), g.sfb.end());
    }
    out.a.push_back(
        writer.place(one.a.data(), one.a.size(), one.a.size(), size_t(k / 2)));
    out.sfa.push_back(writer.place(one.sfa.data(), one.sfa.size(),
                                   one.sfa.size(),
                                   std::max<size_t>(16, size_t(k / 16))));
    out.b.push_back(writer.place(b.data(), b.size(), b.size()));
    out.sfb.push_back(writer.place(sfb.data(), sfb.size(), sfb.size()));
    out.c.push_back(
        writer.place(nullptr, 0, size_t(2 * out.rows * n), 16, 0xFF));
    out.groupSizes = rowArray->values;
  } else {
    if (manifest.scales != rt::ScaleLayout::RowMajor)
      return "contiguous rows take row-major scales only";
    int64_t n = groups.front().n, k = groups.front().k, rows = 0;
    for (const ref::Group &g : groups) {
      if (g.m > std::numeric_limits<int32_t>::max())
        return "group size " + std::to_string(g.m) +
               " does not fit group_sizes (int32)";
      rows += g.m;
    }
    int64_t capacity = manifest.contiguousCapacity();
    if (capacity >= 0 && rows > capacity)
      return "the group sizes add up to " + std::to_string(rows) +
             " rows; the kernel was compiled for " + std::to_string(capacity);
    // Spare rows past the last group: the kernel must leave them alone.
    out.rows = capacity >= 0 ? capacity : rows + 3;
    auto concat = [&](std::vector<uint8_t> ref::Group::*member) {
      std::vector<uint8_t> all;
      for (const ref::Group &g : groups)
        all.insert(all.end(), (g.*member).begin(), (g.*member).end());
      return all;
    };
    std::vector<uint8_t> a = concat(&ref::Group::a),
                         sfa = concat(&ref::Group::sfa),
                         b = concat(&ref::Group::b),
                         sfb = concat(&ref::Group::sfb);
    out.a.push_back(writer.place(a.data(), a.size(), size_t(out.rows * k / 2),
                                 size_t(k / 2)));
    out.sfa.push_back(
        writer.place(sfa.data(), sfa.size(), size_t(out.rows * k / 16)));
    out.b.push_back(writer.place(b.data(), b.size(), b.size()));
    out.sfb.push_back(writer.place(sfb.data(), sfb.size(), sfb.size()));
    out.c.push_back(
        writer.place(nullptr, 0, size_t(2 * out.rows * n), 16, 0xFF));
    int64_t row = 0;
    for (const ref::Group &g : groups) {
      out.groupSizes.push_back(int32_t(g.m));
      out.owned.push_back({row, g.m});
      row += g.m;
    }
  }
  if (manifest.alpha)
    for (const ref::Group &g : groups)
      out.alpha.push_back(g.alpha);
  return "";
}

std::string uploadSet(const rt::Kernel &kernel, const InputImage &image,
                      DeviceSet &out,
                      const std::vector<int32_t> *deviceSizes) {
  if (std::string err =
          rt::DeviceBuffer::allocate(image.bytes.size(), out.memory);
      !err.empty())
    return err;
  if (std::string err =
          out.memory.upload(image.bytes.data(), image.bytes.size());
      !err.empty())
    return err;
  CUdeviceptr base = out.memory.address();
  auto addresses = [&](const std::vector<Piece> &pieces) {
    std::vector<CUdeviceptr> result;
    for (const Piece &piece : pieces)
      result.push_back(base + piece.offset);
    return result;
  };
  rt::Operands operands;
  operands.a = addresses(image.a);
  operands.b = addresses(image.b);
  operands.sfa = addresses(image.sfa);
  operands.sfb = addresses(image.sfb);
  operands.c = addresses(image.c);
  operands.groupSizeValues = image.groupSizes;
  if (deviceSizes) {
    size_t bytes = deviceSizes->size() * sizeof(int32_t);
    if (std::string err = rt::DeviceBuffer::allocate(bytes, out.deviceSizes);
        !err.empty())
      return err;
    if (std::string err = out.deviceSizes.upload(deviceSizes->data(), bytes);
        !err.empty())
      return err;
    operands.groupSizes = out.deviceSizes.address();
  }
  operands.alphaValues = image.alpha;
  operands.contiguousRows = image.rows;
  // Gathered: the row indices on the device, unchecked (a router's), and T.
  if (!image.rowIndices.empty()) {
    operands.rowIndices = base + image.rowIndices[0].offset;
    operands.tokenRows = image.tokenRows;
  }
  out.operands = operands;
  return rt::Launch::create(kernel, operands, out.launch);
}

} // namespace ggemm::run
