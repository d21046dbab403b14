//===- Rows.cpp - the rows each group owns in one A / C buffer ------------===//
//
// The run-time row arrays of rows<contiguous>, rows<offsets> and
// rows<masked>, read on the host; the skewed seeded rows the tools
// generate; and the one A / SFA buffer laid out from a problem.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Reference/Rows.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace ggemm::ref {

const char *rowLayoutName(RowLayout layout) {
  switch (layout) {
  case RowLayout::Contiguous:
    return "contiguous";
  case RowLayout::Offsets:
    return "offsets";
  case RowLayout::Masked:
    return "masked";
  }
  return "?";
}

const char *groupRowsArrayName(RowLayout layout) {
  switch (layout) {
  case RowLayout::Contiguous:
    return "group_sizes";
  case RowLayout::Offsets:
    return "group_offsets";
  case RowLayout::Masked:
    return "group_counts";
  }
  return "?";
}

GroupRows readGroupRows(RowLayout layout, const std::vector<int32_t> &array,
                        int64_t bufferRows, int64_t maxRows) {
  GroupRows out;
  int64_t groups = int64_t(array.size());
  if (layout == RowLayout::Masked) {
    // Each group keeps to its own max_m rows: nothing can pass the buffer.
    for (int64_t g = 0; g < groups; ++g) {
      int64_t count = array[g];
      int64_t rows = std::clamp<int64_t>(count, 0, maxRows);
      if (rows != count)
        out.flags |= kFlagRowsClamped;
      out.groups.push_back({g * maxRows, rows});
    }
    out.end = groups * maxRows;
    return out;
  }
  // Contiguous and offsets: each group starts where the one before ended
  // (in 64 bits: G sizes of up to 2^31 - 1 cannot overflow).
  int64_t end = 0;
  for (int32_t value : array) {
    int64_t next = end;
    if (layout == RowLayout::Contiguous) {
      if (value < 0)
        out.negativeSize = true;
      else
        next = end + value;
    } else if (value < end) {
      out.flags |= kFlagRowsClamped;
    } else {
      next = value;
    }
    // The buffer's rows cut the group off: it keeps what exists.
    int64_t begin = end, stop = next;
    if (bufferRows >= 0) {
      begin = std::min(begin, bufferRows);
      stop = std::min(stop, bufferRows);
      if (next > bufferRows && next > end)
        out.flags |= kFlagRowsPastA;
    }
    out.groups.push_back({begin, stop - begin});
    end = next;
  }
  out.end = end;
  return out;
}

std::string groupRowsArray(RowLayout layout, const std::vector<int64_t> &rows,
                           std::vector<int32_t> &out) {
  out.clear();
  int64_t end = 0;
  for (size_t g = 0; g < rows.size(); ++g) {
    if (rows[g] < 0)
      return "group " + std::to_string(g) + " has " +
             std::to_string(rows[g]) + " rows";
    end += rows[g];
    int64_t value = layout == RowLayout::Offsets ? end : rows[g];
    if (value > std::numeric_limits<int32_t>::max())
      return std::string(groupRowsArrayName(layout)) + " holds int32; " +
             (layout == RowLayout::Offsets
                  ? "the groups end at row " + std::to_string(value)
                  : "group " + std::to_string(g) + " has " +
                        std::to_string(value) + " rows");
    out.push_back(int32_t(value));
  }
  return "";
}

std::vector<int64_t> skewedGroupRows(uint64_t seed, int64_t groups,
                                     int64_t maxRows, int64_t hugeRows) {
  SplitMix64 rng(seed ^ 0x0FF5E75Aull); // apart from the data's stream
  std::vector<int64_t> rows(groups);
  uint64_t span = uint64_t(std::max<int64_t>(maxRows, 0)) + 1;
  for (int64_t &m : rows) {
    switch (rng.below(8)) {
    case 0:
    case 1:
      m = 0;
      break;
    case 2:
      m = std::min<int64_t>(1, maxRows);
      break;
    case 3:
      m = maxRows;
      break;
    default:
      m = int64_t(rng.below(span));
      break;
    }
  }
  if (groups > 0 && hugeRows > maxRows) {
    int64_t g = int64_t(rng.below(uint64_t(groups)));
    rows[g] = maxRows + 1 + int64_t(rng.below(uint64_t(hugeRows - maxRows)));
  }
  return rows;
}

std::string layOutOneBuffer(const Problem &problem,
                            const std::vector<OwnedRows> &owned,
                            int64_t bufferRows, uint64_t fillerSeed,
                            OneBuffer &out) {
  out = OneBuffer();
  if (problem.groups.size() != owned.size())
    return "the row array has " + std::to_string(owned.size()) +
           " groups; the problem " + std::to_string(problem.groups.size());
  if (problem.groups.empty() || bufferRows < 0)
    return "";
  int64_t k = problem.groups.front().k;
  size_t rowBytes = size_t(k / 2), scaleBytes = size_t(k / 16);
  out.a.assign(size_t(bufferRows) * rowBytes, 0);
  out.sfa.assign(size_t(bufferRows) * scaleBytes, 0);
  std::vector<bool> mine(size_t(bufferRows), false);
  for (size_t g = 0; g < owned.size(); ++g) {
    const Group &group = problem.groups[g];
    const OwnedRows &rows = owned[g];
    if (group.k != k)
      return "group " + std::to_string(g) + " has K = " +
             std::to_string(group.k) + "; group 0 has " + std::to_string(k);
    if (group.m != rows.rows || rows.begin < 0 ||
        group.a.size() != size_t(rows.rows) * rowBytes ||
        group.sfa.size() != size_t(rows.rows) * scaleBytes ||
        rows.begin + rows.rows > bufferRows)
      return "group " + std::to_string(g) + " has " + std::to_string(group.m) +
             " rows; the array gives it rows [" + std::to_string(rows.begin) +
             ", " + std::to_string(rows.begin + rows.rows) + ") of " +
             std::to_string(bufferRows);
    if (rows.rows == 0)
      continue;
    std::memcpy(out.a.data() + size_t(rows.begin) * rowBytes, group.a.data(),
                group.a.size());
    std::memcpy(out.sfa.data() + size_t(rows.begin) * scaleBytes,
                group.sfa.data(), group.sfa.size());
    std::fill(mine.begin() + rows.begin, mine.begin() + rows.begin + rows.rows,
              true);
  }
  if (fillerSeed == 0)
    return "";
  // Rows of nobody: what a stale batch leaves there. NaN scales make any
  // output computed from them NaN, so a kernel that reads one into a
  // group's output fails the check whatever its data.
  SplitMix64 rng(fillerSeed ^ 0xF111E7ull);
  for (int64_t r = 0; r < bufferRows; ++r) {
    if (mine[size_t(r)])
      continue;
    for (size_t i = 0; i < rowBytes; ++i)
      out.a[size_t(r) * rowBytes + i] = uint8_t(rng.below(256));
    std::fill_n(out.sfa.begin() + size_t(r) * scaleBytes, scaleBytes, 0x7F);
  }
  return "";
}

} // namespace ggemm::ref
