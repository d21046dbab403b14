//===- Rows.cpp - the rows each group owns in one A / C buffer ------------===//
//
// The run-time row arrays of rows<contiguous>, rows<offsets>,
// rows<masked> and rows<gathered> (its row indices too), read on the host;
// the skewed seeded rows the tools generate; the one A / SFA buffer laid
// out from a problem; and the gathered rows of a token matrix.
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
  case RowLayout::Gathered:
    return "gathered";
  }
  return "?";
}

const char *groupRowsArrayName(RowLayout layout) {
  switch (layout) {
  case RowLayout::Contiguous:
    return "group_sizes";
  case RowLayout::Offsets:
  case RowLayout::Gathered:
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
  // Contiguous, offsets and gathered (offsets over the routed rows): each
  // group starts where the one before ended
  // (in 64 bits: G sizes of up to 2^31 - 1 cannot overflow).
  int64_t end = 0;
  for (int32_t value : array) {
    int64_t next = end;
    if (layout == RowLayout::Contiguous) {
      if (value < 0)
        out.flags |= kFlagRowsClamped; // an empty group
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
    bool offsets =
        layout == RowLayout::Offsets || layout == RowLayout::Gathered;
    int64_t value = offsets ? end : rows[g];
    if (value > std::numeric_limits<int32_t>::max())
      return std::string(groupRowsArrayName(layout)) + " holds int32; " +
             (offsets
                  ? "the groups end at row " + std::to_string(value)
                  : "group " + std::to_string(g) + " has " +
                        std::to_string(value) + " rows");
    out.push_back(int32_t(value));
  }
  return "";
}

int32_t clampRowIndex(int64_t index, int64_t tokenRows, int64_t &row) {
  row = std::clamp<int64_t>(index, 0, std::max<int64_t>(tokenRows - 1, 0));
  return index < 0 || index >= tokenRows ? kFlagRowIndexClamped : 0;
}

int32_t clampRowIndices(const std::vector<int32_t> &indices,
                        int64_t tokenRows, std::vector<int64_t> &rows) {
  rows.assign(indices.size(), 0);
  int32_t flags = 0;
  for (size_t r = 0; r < indices.size(); ++r)
    flags |= clampRowIndex(indices[r], tokenRows, rows[r]);
  return flags;
}

GatheredRows readGatheredRows(const std::vector<int32_t> &offsets,
                              const std::vector<int32_t> &indices,
                              int64_t tokenRows) {
  GatheredRows out;
  int64_t routed = int64_t(indices.size());
  out.rows = readGroupRows(RowLayout::Gathered, offsets, routed, 0);
  out.tokenOf.assign(indices.size(), -1);
  for (OwnedRows &group : out.rows.groups) {
    // No token to read: the group's rows pass the (empty) A.
    if (tokenRows <= 0) {
      if (group.rows > 0)
        out.rows.flags |= kFlagRowsPastA;
      group.rows = 0;
      continue;
    }
    for (int64_t r = group.begin; r < group.begin + group.rows; ++r)
      out.rows.flags |= clampRowIndex(indices[size_t(r)], tokenRows,
                                      out.tokenOf[size_t(r)]);
  }
  return out;
}

std::vector<bool> unreadTokenRows(const GatheredRows &gathered,
                                  int64_t tokenRows) {
  std::vector<bool> unread(size_t(std::max<int64_t>(tokenRows, 0)), true);
  for (int64_t token : gathered.tokenOf)
    if (token >= 0 && token < tokenRows)
      unread[size_t(token)] = false;
  return unread;
}

std::string gatherProblem(const std::vector<uint8_t> &tokenA,
                          const std::vector<uint8_t> &tokenSfa,
                          int64_t tokenRows, const GatheredRows &gathered,
                          Problem &problem) {
  if (problem.groups.size() != gathered.rows.groups.size())
    return "the offsets have " + std::to_string(gathered.rows.groups.size()) +
           " groups; the problem " + std::to_string(problem.groups.size());
  for (size_t g = 0; g < problem.groups.size(); ++g) {
    Group &group = problem.groups[g];
    size_t rowBytes = size_t(group.k / 2), scaleBytes = size_t(group.k / 16);
    if (tokenA.size() != size_t(tokenRows) * rowBytes ||
        tokenSfa.size() != size_t(tokenRows) * scaleBytes)
      return "the token matrix is not " + std::to_string(tokenRows) +
             " rows of K = " + std::to_string(group.k) + " (group " +
             std::to_string(g) + ")";
    const OwnedRows &rows = gathered.rows.groups[g];
    group.m = rows.rows;
    group.a.resize(size_t(rows.rows) * rowBytes);
    group.sfa.resize(size_t(rows.rows) * scaleBytes);
    for (int64_t i = 0; i < rows.rows; ++i) {
      int64_t token = gathered.tokenOf[size_t(rows.begin + i)];
      if (token < 0 || token >= tokenRows)
        return "routed row " + std::to_string(rows.begin + i) +
               " of group " + std::to_string(g) + " reads no token row";
      std::memcpy(group.a.data() + size_t(i) * rowBytes,
                  tokenA.data() + size_t(token) * rowBytes, rowBytes);
      std::memcpy(group.sfa.data() + size_t(i) * scaleBytes,
                  tokenSfa.data() + size_t(token) * scaleBytes, scaleBytes);
    }
  }
  return "";
}

void fillUnreadTokenRows(const GatheredRows &gathered, int64_t tokenRows,
                         int64_t k, uint64_t fillerSeed,
                         std::vector<uint8_t> &tokenA,
                         std::vector<uint8_t> &tokenSfa) {
  size_t rowBytes = size_t(k / 2), scaleBytes = size_t(k / 16);
  std::vector<bool> unread = unreadTokenRows(gathered, tokenRows);
  SplitMix64 rng(fillerSeed ^ 0x70CE11ull);
  for (size_t t = 0; t < unread.size(); ++t) {
    if (!unread[t] || (t + 1) * rowBytes > tokenA.size() ||
        (t + 1) * scaleBytes > tokenSfa.size())
      continue;
    for (size_t i = 0; i < rowBytes; ++i)
      tokenA[t * rowBytes + i] = uint8_t(rng.below(256));
    std::fill_n(tokenSfa.begin() + t * scaleBytes, scaleBytes, 0x7F);
  }
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
