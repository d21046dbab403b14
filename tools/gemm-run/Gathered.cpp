//===- Gathered.cpp - gemm-run's rows<gathered> problems ------------------===//
//
// A gathered kernel reads A and SFA through row indices: T token rows, R
// routed rows (the rows of C, in group order) split into groups by offsets
// as in rows<offsets>, routed row r reading token row row_indices[r]
// (docs/kernel-abi.md). Here: choosing T, R and the indices (given,
// --load, or seeded), the token matrix (seeded or --load) with filler in
// the rows nobody reads, the offsets problem of the gathered rows that the
// host reference computes, and --save.
//
//===----------------------------------------------------------------------===//

#include "GemmRun.h"

#include "ggemm/Reference/NVFP4.h"
#include "ggemm/Reference/Npy.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>

namespace ggemm::run {

namespace {

constexpr int64_t kMaxInt32 = std::numeric_limits<int32_t>::max();

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

/// Reads DIR/`name` as uint8 of shape (rows, cols); rows < 0 takes the
/// file's. Scale files (`scales`) must hold UE4M3 codes (bit 7 clear).
std::string readBytes(const std::string &dir, const std::string &name,
                      int64_t &rows, int64_t cols, bool scales,
                      std::vector<uint8_t> &out) {
  std::string path = dir + "/" + name;
  ref::NpyArray array;
  if (std::string err = ref::readNpy(path, array); !err.empty())
    return err;
  if (rows < 0 && array.shape.size() == 2 && array.shape[0] <= kMaxInt32)
    rows = array.shape[0];
  if (array.dtype != "|u1" || array.shape != std::vector<int64_t>{rows, cols})
    return path + ": expected uint8 of shape (" +
           (rows < 0 ? std::string("rows") : std::to_string(rows)) + ", " +
           std::to_string(cols) + "), found " + array.dtype + " of shape " +
           shapeText(array.shape);
  if (scales)
    for (size_t i = 0; i < array.data.size(); ++i)
      if (!ref::isUE4M3(array.data[i]))
        return path + ": scale byte at index (" +
               std::to_string(int64_t(i) / cols) + ", " +
               std::to_string(int64_t(i) % cols) +
               ") has bit 7 set; scale factors are unsigned E4M3 (UE4M3)";
  out = std::move(array.data);
  return "";
}

/// DIR/row_indices.npy: int32 of shape (R,).
std::string readIndices(const std::string &dir, std::vector<int32_t> &out) {
  std::string path = dir + "/row_indices.npy";
  ref::NpyArray array;
  if (std::string err = ref::readNpy(path, array); !err.empty())
    return err;
  if (array.dtype != "<i4" || array.shape.size() != 1 ||
      array.shape[0] > kMaxInt32)
    return path + ": expected int32 of shape (R,), one token row per "
                  "routed row; found " +
           array.dtype + " of shape " + shapeText(array.shape);
  out.resize(size_t(array.shape[0]));
  if (!out.empty())
    std::memcpy(out.data(), array.data.data(), 4 * out.size());
  return "";
}

} // namespace

std::string resolveGathered(const rt::Manifest &manifest,
                            const std::vector<int32_t> &offsets,
                            const GatheredChoice &choice, uint64_t seed,
                            const std::string &loadDir, RowArray &out,
                            std::vector<ref::Shape> &shapes) {
  out = RowArray();
  out.layout = ref::RowLayout::Gathered;
  out.values = offsets;
  int64_t numGroups = manifest.numGroups();
  if (int64_t(offsets.size()) != numGroups ||
      int64_t(shapes.size()) != numGroups)
    return "group_offsets has " + std::to_string(offsets.size()) +
           " entries; the kernel has " + std::to_string(numGroups) + " groups";
  int64_t k = manifest.groups.front().k;
  Gathered &g = out.gathered;

  // The row indices: given, the file's, or seeded below once R and T are
  // known.
  bool haveIndices = !choice.indices.empty();
  if (haveIndices) {
    g.indices.assign(choice.indices.begin(), choice.indices.end());
  } else if (!loadDir.empty()) {
    if (std::string err = readIndices(loadDir, g.indices); !err.empty())
      return err;
    haveIndices = true;
  }
  // R: the indices', else where the offsets end (unclamped) and 3 spare
  // routed rows, which no group owns and the kernel must leave alone.
  int64_t routed = int64_t(g.indices.size());
  if (!haveIndices) {
    int64_t end = ref::readGroupRows(out.layout, offsets, -1, 0).end;
    routed = choice.routedRows >= 0 ? choice.routedRows : end + 3;
    if (routed > kMaxInt32)
      return "the groups end at row " + std::to_string(end) +
             "; with 3 spare rows, C would pass 2^31 - 1 routed rows";
  }

  // T: given, the token file's rows, or half the routed rows (so that
  // tokens repeat, as top-k routing makes them).
  int64_t tokens = choice.tokenRows;
  if (!loadDir.empty()) {
    int64_t fileRows = -1, sfaRows;
    if (std::string err = readBytes(loadDir, "token_a.npy", fileRows, k / 2,
                                    false, g.tokenA);
        !err.empty())
      return err;
    sfaRows = fileRows;
    if (std::string err = readBytes(loadDir, "token_sfa.npy", sfaRows, k / 16,
                                    true, g.tokenSfa);
        !err.empty())
      return err;
    if (tokens >= 0 && tokens != fileRows)
      return "--token-rows " + std::to_string(tokens) + ": " + loadDir +
             "/token_a.npy has " + std::to_string(fileRows) + " token rows";
    tokens = fileRows;
  }
  if (tokens < 0)
    tokens = std::max<int64_t>(1, routed / 2);
  int64_t capacity = manifest.tokenCapacity();
  if (capacity >= 0 && tokens != capacity)
    return "the kernel was compiled for " + std::to_string(capacity) +
           " token rows; the problem has " + std::to_string(tokens) +
           " (give --token-rows " + std::to_string(capacity) + ")";
  g.tokenRows = tokens;

  if (!haveIndices) {
    ref::SplitMix64 rng(seed ^ 0x6A7E1D5ull);
    g.indices.resize(size_t(routed));
    for (int32_t &index : g.indices)
      index = tokens > 0 ? int32_t(rng.below(uint64_t(tokens))) : 0;
  }
  g.read = ref::readGatheredRows(offsets, g.indices, tokens);
  out.bufferRows = routed;
  out.rows = g.read.rows;
  for (int64_t i = 0; i < numGroups; ++i)
    shapes[i].m = out.rows.groups[i].rows;
  return "";
}

std::string gatheredProblem(const rt::Manifest &manifest,
                            const std::vector<ref::Shape> &shapes,
                            uint64_t seed, uint64_t fillerSeed,
                            const std::string &loadDir, RowArray &rowArray,
                            ref::Problem &problem) {
  Gathered &g = rowArray.gathered;
  int64_t k = manifest.groups.front().k;
  if (loadDir.empty()) {
    problem = ref::generateProblem(shapes, seed, manifest.alpha);
    // The token matrix: a stream of its own (one N = 16 group's A).
    ref::Problem tokens = ref::generateProblem(
        {{g.tokenRows, 16, k}}, seed ^ 0x70CE5EEDull, false);
    g.tokenA = std::move(tokens.groups[0].a);
    g.tokenSfa = std::move(tokens.groups[0].sfa);
  } else {
    // B, SFB and alpha from the files; A comes from the token matrix.
    problem = ref::Problem();
    problem.hasAlpha = manifest.alpha;
    for (size_t i = 0; i < shapes.size(); ++i) {
      ref::Group group;
      group.m = shapes[i].m, group.n = shapes[i].n, group.k = shapes[i].k;
      std::string s = std::to_string(i);
      int64_t rows = group.n;
      if (std::string err = readBytes(loadDir, "b" + s + ".npy", rows,
                                      group.k / 2, false, group.b);
          !err.empty())
        return err;
      if (std::string err = readBytes(loadDir, "sfb" + s + ".npy", rows,
                                      group.k / 16, true, group.sfb);
          !err.empty())
        return err;
      problem.groups.push_back(std::move(group));
    }
    if (manifest.alpha) {
      std::string path = loadDir + "/alpha.npy";
      ref::NpyArray array;
      if (std::string err = ref::readNpy(path, array); !err.empty())
        return err;
      if (array.dtype != "<f4" ||
          array.shape != std::vector<int64_t>{int64_t(shapes.size())})
        return path + ": expected float32 of shape (" +
               std::to_string(shapes.size()) +
               ",), one value per group; found " + array.dtype +
               " of shape " + shapeText(array.shape);
      for (size_t i = 0; i < shapes.size(); ++i)
        std::memcpy(&problem.groups[i].alpha, &array.data[4 * i], 4);
    }
  }
  // Generated rows nobody reads poison any output that reads them (loaded
  // ones stay as given: --save and --load make the same problem).
  if (loadDir.empty())
    ref::fillUnreadTokenRows(g.read, g.tokenRows, k, fillerSeed, g.tokenA,
                             g.tokenSfa);
  return ref::gatherProblem(g.tokenA, g.tokenSfa, g.tokenRows, g.read,
                            problem);
}

std::string saveGathered(const std::string &dir, const Gathered &g,
                         int64_t k) {
  ref::NpyArray a{"|u1", {g.tokenRows, k / 2}, g.tokenA};
  ref::NpyArray sfa{"|u1", {g.tokenRows, k / 16}, g.tokenSfa};
  ref::NpyArray indices{"<i4", {int64_t(g.indices.size())}, {}};
  indices.data.resize(4 * g.indices.size());
  if (!g.indices.empty())
    std::memcpy(indices.data.data(), g.indices.data(), indices.data.size());
  for (auto [name, array] : {std::pair{"token_a.npy", &a},
                             std::pair{"token_sfa.npy", &sfa},
                             std::pair{"row_indices.npy", &indices}})
    if (std::string err = ref::writeNpy(dir + "/" + name, *array);
        !err.empty())
      return err;
  return "";
}

void printGathered(const RowArray &rowArray) {
  const Gathered &g = rowArray.gathered;
  constexpr size_t kShown = 16;
  std::string list;
  for (size_t r = 0; r < std::min(kShown, g.indices.size()); ++r)
    list += (r ? ", " : "") + std::to_string(g.indices[r]);
  if (g.indices.size() > kShown)
    list += ", ...";
  std::vector<bool> unread = ref::unreadTokenRows(g.read, g.tokenRows);
  int64_t unreadRows = std::count(unread.begin(), unread.end(), true);
  std::printf("gathered: %" PRId64 " token rows, row_indices = [%s] (%zu "
              "routed rows); %" PRId64 " token rows no group reads\n",
              g.tokenRows, list.c_str(), g.indices.size(), unreadRows);
}

} // namespace ggemm::run
