//===- Check.cpp - ggemm-cpu-run's check of the outputs, and --save -------===//
//
// Every output element against the reference: f16 bits equal (or, with
// --exact=false, within the reassociation bound), the norm-relative errors
// of the f32 and f16 results, and in the forms with one C the rows no group
// owns still poisoned.
//
//===----------------------------------------------------------------------===//

#include "CpuRun.h"

#include "ggemm/Reference/NVFP4.h"
#include "ggemm/Reference/Npy.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace ggemm::cpurun {

std::string describeRowFlags(int32_t flags, ref::RowLayout layout,
                             int64_t tokenRows) {
  bool gathered = layout == ref::RowLayout::Gathered;
  std::string text;
  auto add = [&](const char *what) {
    text += (text.empty() ? "" : "; ") + std::string(what);
  };
  if (flags & ref::kFlagRowsPastA)
    add(!gathered        ? "groups past the rows of A"
        : tokenRows == 0 ? "owned routed rows and no token rows (T = 0)"
                         : "offsets past the routed rows");
  if (flags & ref::kFlagRowsClamped)
    add(layout == ref::RowLayout::Masked ? "counts outside [0, max_m]"
                                         : "offsets out of order");
  if (flags & ref::kFlagRowIndexClamped)
    add("row indices of owned routed rows outside [0, T)");
  return text;
}

bool checkOutputs(llvm::StringRef name, const ArgumentRoles &roles,
                  const std::vector<Buffer> &buffers,
                  const std::vector<ref::Shape> &shapes, bool listForm,
                  const std::vector<ref::OwnedRows> &owned, int64_t totalRows,
                  const std::vector<ref::GroupResult> &expected, bool exact,
                  std::vector<std::vector<uint16_t>> &outputs) {
  int64_t numGroups = int64_t(shapes.size());
  outputs.assign(numGroups, {});
  int64_t untouchedBad = 0;
  for (auto [i, role] : llvm::enumerate(roles)) {
    if (role.first != Role::C)
      continue;
    const auto *c = reinterpret_cast<const uint16_t *>(buffers[i].bytes.data());
    if (listForm) {
      outputs[role.second].assign(c, c + shapes[role.second].m *
                                             shapes[role.second].n);
      continue;
    }
    // Each group's own rows; every other row (past the groups, past a
    // masked group's count, a routed row no group owns) belongs to nobody
    // and must keep the poison.
    int64_t n = shapes[0].n;
    std::vector<bool> mine(totalRows, false);
    for (int64_t g = 0; g < numGroups; ++g) {
      const ref::OwnedRows &rows = owned[g];
      outputs[g].assign(c + rows.begin * n, c + (rows.begin + rows.rows) * n);
      std::fill(mine.begin() + rows.begin,
                mine.begin() + rows.begin + rows.rows, true);
    }
    for (int64_t e = 0; e < totalRows * n; ++e)
      untouchedBad += !mine[e / n] && c[e] != kPoison;
  }

  int64_t elements = 0, mismatches = 0, beyondBound = 0;
  double errF32 = 0, errF16 = 0, norm = 0;
  for (int64_t g = 0; g < numGroups; ++g) {
    for (size_t e = 0; e < outputs[g].size(); ++e) {
      uint16_t got = outputs[g][e], want = expected[g].f16[e];
      if (got != want) {
        double err = std::fabs(ref::halfBitsToFloat(got) - expected[g].exact[e]);
        beyondBound += !(err <= ref::reassociationTolerance(
                                    expected[g].exact[e], expected[g].absSum[e],
                                    shapes[g].k));
        if (mismatches < 5)
          llvm::errs() << "group " << g << " element (" << e / shapes[g].n
                       << ", " << e % shapes[g].n << "): got f16 0x"
                       << llvm::format_hex_no_prefix(got, 4) << " ("
                       << ref::halfBitsToFloat(got) << "), expected 0x"
                       << llvm::format_hex_no_prefix(want, 4) << " ("
                       << ref::halfBitsToFloat(want) << ")\n";
        ++mismatches;
      }
      double exactValue = expected[g].exact[e];
      if (!std::isinf(ref::halfBitsToFloat(want))) {
        errF32 += std::pow(expected[g].f32[e] - exactValue, 2);
        errF16 += std::pow(ref::halfBitsToFloat(got) - exactValue, 2);
        norm += exactValue * exactValue;
      }
    }
    elements += outputs[g].size();
  }
  double relF32 = norm > 0 ? std::sqrt(errF32 / norm) : 0;
  double relF16 = norm > 0 ? std::sqrt(errF16 / norm) : 0;
  bool ok = (exact ? mismatches == 0 : beyondBound == 0) && untouchedBad == 0 &&
            relF32 < 1e-5 && relF16 < 1e-3 && !std::isnan(relF16);

  llvm::outs() << name << ": " << numGroups << " groups, M = [";
  llvm::interleaveComma(shapes, llvm::outs(),
                        [](const ref::Shape &s) { llvm::outs() << s.m; });
  llvm::outs() << "], " << elements << " elements, f16 mismatches "
               << mismatches;
  if (!exact)
    llvm::outs() << " (" << beyondBound << " beyond the reassociation bound)";
  llvm::outs() << ", untouched rows overwritten " << untouchedBad
               << ", rel err f32-vs-double " << llvm::format("%.2e", relF32)
               << ", f16-vs-double " << llvm::format("%.2e", relF16) << "\n";
  return ok;
}

std::string saveProblem(const std::string &dir, const ref::Problem &problem,
                        const std::vector<std::vector<uint16_t>> &outputs,
                        const std::vector<ref::GroupResult> &expected) {
  if (std::string err = ref::writeProblemNpy(dir, problem); !err.empty())
    return err;
  auto saveF16 = [&](const std::string &name, const ref::Group &g,
                     const std::vector<uint16_t> &values) {
    ref::NpyArray array{"<f2", {g.m, g.n}, {}};
    const auto *bytes = reinterpret_cast<const uint8_t *>(values.data());
    array.data.assign(bytes, bytes + 2 * values.size());
    return ref::writeNpy(dir + "/" + name, array);
  };
  for (size_t g = 0; g < problem.groups.size(); ++g) {
    std::string s = std::to_string(g);
    for (const std::string &err :
         {saveF16("c" + s + ".npy", problem.groups[g], outputs[g]),
          saveF16("ref" + s + ".npy", problem.groups[g], expected[g].f16)})
      if (!err.empty())
        return err;
  }
  return "";
}

} // namespace ggemm::cpurun
