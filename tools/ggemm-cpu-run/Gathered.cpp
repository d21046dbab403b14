//===- Gathered.cpp - ggemm-cpu-run's rows<gathered> problems -------------===//
//
// A rows<gathered> op reads A and SFA, the T token rows, through
// row_indices, one per routed row (the R rows of C, split into groups by
// group_offsets as rows<offsets> splits the rows of A). T, R, the indices,
// the token matrix and their files are the reference's
// (ggemm/Reference/Gathered.h), shared with gemm-run so that one seed or
// one --save folder names one problem in both; here, what the op adds: a
// static T (A's rows) or R (C's rows).
//
//===----------------------------------------------------------------------===//

#include "CpuRun.h"

namespace ggemm::cpurun {

std::string chooseGatheredRows(int64_t staticTokenRows,
                               int64_t staticRoutedRows,
                               const std::vector<int32_t> &offsets, int64_t k,
                               ref::GatheredChoice choice, uint64_t seed,
                               const std::string &loadDir,
                               const ref::GatheredSizeCheck &check,
                               ref::GatheredInputs &out) {
  // A static size is the default where neither the options nor the files
  // give one.
  if (staticTokenRows >= 0 && choice.tokenRows < 0 && loadDir.empty())
    choice.tokenRows = staticTokenRows;
  if (staticRoutedRows >= 0 && choice.indices.empty() && loadDir.empty())
    choice.routedRows = staticRoutedRows;
  auto sizes = [&](int64_t routed, int64_t tokens) -> std::string {
    if (staticTokenRows >= 0 && tokens != staticTokenRows)
      return "A has " + std::to_string(staticTokenRows) +
             " token rows (a static T); the problem has " +
             std::to_string(tokens) +
             (loadDir.empty() ? "" : " (in " + loadDir + "/token_a.npy)");
    if (staticRoutedRows >= 0 && routed != staticRoutedRows)
      return "C has " + std::to_string(staticRoutedRows) +
             " routed rows (a static R); the problem has " +
             std::to_string(routed) + " row indices";
    return check ? check(routed, tokens) : "";
  };
  return ref::chooseGathered(offsets, k, choice, seed, loadDir, out, sizes);
}

} // namespace ggemm::cpurun
