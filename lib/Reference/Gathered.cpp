//===- Gathered.cpp - the inputs of rows<gathered> problems ---------------===//
//
// T, R and the row indices (given, .npy, or seeded), the token matrix, the
// rows<offsets> problem of the gathered rows, and their .npy files: what
// gemm-run and ggemm-cpu-run both make of a rows<gathered> op or kernel.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Reference/Gathered.h"
#include "ggemm/Reference/Npy.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace ggemm::ref {

namespace {

constexpr int64_t kMaxInt32 = std::numeric_limits<int32_t>::max();

} // namespace

std::string readRowIndicesNpy(const std::string &dir,
                              std::vector<int32_t> &out) {
  std::string path = dir + "/row_indices.npy";
  NpyArray array;
  if (std::string err = readNpy(path, array); !err.empty())
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

std::string chooseGathered(const std::vector<int32_t> &offsets, int64_t k,
                           const GatheredChoice &choice, uint64_t seed,
                           const std::string &loadDir, GatheredInputs &out,
                           const GatheredSizeCheck &check) {
  out = GatheredInputs();
  // The row indices: given, the file's, or seeded below once R and T are
  // known.
  bool haveIndices = !choice.indices.empty();
  if (haveIndices) {
    for (int64_t index : choice.indices) {
      if (index < std::numeric_limits<int32_t>::min() || index > kMaxInt32)
        return "row index " + std::to_string(index) + " does not fit int32";
      out.indices.push_back(int32_t(index));
    }
  } else if (!loadDir.empty()) {
    if (std::string err = readRowIndicesNpy(loadDir, out.indices);
        !err.empty())
      return err;
    haveIndices = true;
  }
  // R: the indices', else where the offsets end (unclamped) and 3 spare
  // routed rows, which no group owns and a kernel must leave alone.
  int64_t routed = int64_t(out.indices.size());
  if (!haveIndices) {
    int64_t end = readGroupRows(RowLayout::Gathered, offsets, -1, 0).end;
    routed = choice.routedRows >= 0 ? choice.routedRows : end + 3;
    if (routed > kMaxInt32)
      return "the groups end at row " + std::to_string(end) +
             "; with 3 spare rows, C would pass 2^31 - 1 routed rows";
  }

  // T: given, the token file's rows, or half the routed rows (so that
  // tokens repeat, as top-k routing makes them).
  int64_t tokens = choice.tokenRows;
  if (!loadDir.empty()) {
    int64_t fileRows = -1;
    if (std::string err = readBytesNpy(loadDir + "/token_a.npy", fileRows,
                                       k / 2, false, out.tokenA);
        !err.empty())
      return err;
    int64_t sfaRows = fileRows;
    if (std::string err = readBytesNpy(loadDir + "/token_sfa.npy", sfaRows,
                                       k / 16, true, out.tokenSfa);
        !err.empty())
      return err;
    if (tokens >= 0 && tokens != fileRows)
      return "--token-rows " + std::to_string(tokens) + ": " + loadDir +
             "/token_a.npy has " + std::to_string(fileRows) + " token rows";
    tokens = fileRows;
  }
  if (tokens < 0)
    tokens = std::max<int64_t>(1, routed / 2);
  out.tokenRows = tokens;
  if (check)
    if (std::string err = check(routed, tokens); !err.empty())
      return err;

  if (!haveIndices) {
    SplitMix64 rng(seed ^ 0x6A7E1D5ull);
    out.indices.resize(size_t(routed));
    for (int32_t &index : out.indices)
      index = tokens > 0 ? int32_t(rng.below(uint64_t(tokens))) : 0;
  }
  out.read = readGatheredRows(offsets, out.indices, tokens);
  return "";
}

std::string gatheredProblem(const std::vector<Shape> &shapes, bool withAlpha,
                            uint64_t seed, uint64_t fillerSeed,
                            const std::string &loadDir, GatheredInputs &inputs,
                            Problem &problem) {
  if (shapes.empty())
    return "a gathered problem has at least one group";
  int64_t k = shapes.front().k;
  if (loadDir.empty()) {
    problem = generateProblem(shapes, seed, withAlpha);
    // The token matrix: a stream of its own (one N = 16 group's A).
    Problem tokens =
        generateProblem({{inputs.tokenRows, 16, k}}, seed ^ 0x70CE5EEDull,
                        false);
    inputs.tokenA = std::move(tokens.groups[0].a);
    inputs.tokenSfa = std::move(tokens.groups[0].sfa);
    // Rows nobody reads poison any output that reads them (loaded ones
    // stay as given: --save and --load make the same problem).
    fillUnreadTokenRows(inputs.read, inputs.tokenRows, k, fillerSeed,
                        inputs.tokenA, inputs.tokenSfa);
  } else {
    // B, SFB and alpha from the files; A comes from the token matrix.
    problem = Problem();
    problem.hasAlpha = withAlpha;
    for (size_t i = 0; i < shapes.size(); ++i) {
      Group group;
      group.m = shapes[i].m, group.n = shapes[i].n, group.k = shapes[i].k;
      std::string s = std::to_string(i);
      int64_t rows = group.n;
      if (std::string err = readBytesNpy(loadDir + "/b" + s + ".npy", rows,
                                         group.k / 2, false, group.b);
          !err.empty())
        return err;
      if (std::string err = readBytesNpy(loadDir + "/sfb" + s + ".npy", rows,
                                         group.k / 16, true, group.sfb);
          !err.empty())
        return err;
      problem.groups.push_back(std::move(group));
    }
    if (withAlpha) {
      std::string path = loadDir + "/alpha.npy";
      NpyArray array;
      if (std::string err = readNpy(path, array); !err.empty())
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
  return gatherProblem(inputs.tokenA, inputs.tokenSfa, inputs.tokenRows,
                       inputs.read, problem);
}

std::string writeGatheredNpy(const std::string &dir,
                             const GatheredInputs &inputs, int64_t k) {
  NpyArray a{"|u1", {inputs.tokenRows, k / 2}, inputs.tokenA};
  NpyArray sfa{"|u1", {inputs.tokenRows, k / 16}, inputs.tokenSfa};
  NpyArray indices{"<i4", {int64_t(inputs.indices.size())}, {}};
  indices.data.resize(4 * inputs.indices.size());
  if (!inputs.indices.empty())
    std::memcpy(indices.data.data(), inputs.indices.data(),
                indices.data.size());
  for (auto [name, array] : {std::pair{"token_a.npy", &a},
                             std::pair{"token_sfa.npy", &sfa},
                             std::pair{"row_indices.npy", &indices}})
    if (std::string err = writeNpy(dir + "/" + name, *array); !err.empty())
      return err;
  return "";
}

std::string describeGathered(const GatheredInputs &inputs) {
  constexpr size_t kShown = 16;
  std::string list;
  for (size_t r = 0; r < std::min(kShown, inputs.indices.size()); ++r)
    list += (r ? ", " : "") + std::to_string(inputs.indices[r]);
  if (inputs.indices.size() > kShown)
    list += ", ...";
  std::vector<bool> unread = unreadTokenRows(inputs.read, inputs.tokenRows);
  int64_t unreadRows = std::count(unread.begin(), unread.end(), true);
  return "gathered: " + std::to_string(inputs.tokenRows) +
         " token rows, row_indices = [" + list + "] (" +
         std::to_string(inputs.indices.size()) + " routed rows); " +
         std::to_string(unreadRows) + " token rows no group reads";
}

} // namespace ggemm::ref
