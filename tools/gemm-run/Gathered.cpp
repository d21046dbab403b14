//===- Gathered.cpp - gemm-run's rows<gathered> problems ------------------===//
//
// A gathered kernel reads A and SFA through row indices: T token rows, R
// routed rows (the rows of C, in group order) split into groups by offsets
// as in rows<offsets>, routed row r reading token row row_indices[r]
// (docs/kernel-abi.md). Choosing T, R and the indices, the token matrix,
// the offsets problem of the gathered rows and their files are the
// reference's (ggemm/Reference/Gathered.h, shared with ggemm-cpu-run);
// here, what the manifest adds: its groups, K, a static T, and the host
// memory of this machine.
//
//===----------------------------------------------------------------------===//

#include "GemmRun.h"

#include <cstdio>

namespace ggemm::run {

std::string resolveGathered(const rt::Manifest &manifest,
                            const std::vector<int32_t> &offsets,
                            const ref::GatheredChoice &choice, uint64_t seed,
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
  // Before anything sized by R and T: the kernel's static T, the memory.
  auto check = [&](int64_t routed, int64_t tokens) -> std::string {
    int64_t capacity = manifest.tokenCapacity();
    if (capacity >= 0 && tokens != capacity)
      return "the kernel was compiled for " + std::to_string(capacity) +
             " token rows; the problem has " + std::to_string(tokens) +
             " (give --token-rows " + std::to_string(capacity) + ")";
    return checkHostMemory(manifest, shapes, routed, tokens);
  };
  ref::GatheredInputs &g = out.gathered;
  if (std::string err = ref::chooseGathered(offsets, manifest.groups.front().k,
                                            choice, seed, loadDir, g, check);
      !err.empty())
    return err;
  out.bufferRows = int64_t(g.indices.size());
  out.rows = g.read.rows;
  for (int64_t i = 0; i < numGroups; ++i)
    shapes[i].m = out.rows.groups[i].rows;
  return "";
}

void printGathered(const RowArray &rowArray) {
  std::printf("%s\n", ref::describeGathered(rowArray.gathered).c_str());
}

} // namespace ggemm::run
