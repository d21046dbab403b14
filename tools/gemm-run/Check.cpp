//===- Check.cpp - gemm-run's check against the host reference ------------===//
//
// Compares every output element with ggemm::ref's double-precision product.
// Tensor cores add the K products in their own order, so bits need not
// match the K-order f32 reference; each element must instead lie within 4x
// the reassociation tolerance (the bound for any f32 summation order), and
// the whole output within 1e-3 norm-relative error.
//
//===----------------------------------------------------------------------===//

#include "GemmRun.h"

#include "ggemm/Reference/NVFP4.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <thread>

namespace ggemm::run {

std::vector<ref::GroupResult> parallelReference(const ref::Problem &problem) {
  struct Task {
    size_t group;
    int64_t begin, end; // rows
  };
  std::vector<ref::GroupResult> results(problem.groups.size());
  std::vector<Task> tasks;
  for (size_t g = 0; g < problem.groups.size(); ++g) {
    const ref::Group &group = problem.groups[g];
    size_t size = size_t(group.m * group.n);
    results[g].exact.resize(size);
    results[g].f32.resize(size);
    results[g].f16.resize(size);
    results[g].absSum.resize(size);
    // About 2^26 multiply-adds a task: enough to hide copying B into the
    // task's slice, few enough rows to spread a group over every core.
    int64_t rowsPerTask =
        std::max<int64_t>(1, (int64_t(1) << 26) / (group.n * group.k));
    for (int64_t row = 0; row < group.m; row += rowsPerTask)
      tasks.push_back({g, row, std::min(group.m, row + rowsPerTask)});
  }

  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t t; (t = next.fetch_add(1)) < tasks.size();) {
      const Task &task = tasks[t];
      const ref::Group &group = problem.groups[task.group];
      int64_t rowBytes = group.k / 2, scaleCols = group.k / 16;
      ref::Problem slice;
      slice.hasAlpha = problem.hasAlpha;
      ref::Group rows;
      rows.m = task.end - task.begin, rows.n = group.n, rows.k = group.k;
      rows.alpha = group.alpha;
      rows.a.assign(group.a.begin() + task.begin * rowBytes,
                    group.a.begin() + task.end * rowBytes);
      rows.sfa.assign(group.sfa.begin() + task.begin * scaleCols,
                      group.sfa.begin() + task.end * scaleCols);
      rows.b = group.b;
      rows.sfb = group.sfb;
      slice.groups.push_back(std::move(rows));
      ref::GroupResult part = std::move(ref::referenceProduct(slice).front());
      // Tasks own disjoint rows of the result: no locking needed.
      ref::GroupResult &whole = results[task.group];
      size_t at = size_t(task.begin * group.n);
      std::copy(part.exact.begin(), part.exact.end(), whole.exact.begin() + at);
      std::copy(part.f32.begin(), part.f32.end(), whole.f32.begin() + at);
      std::copy(part.f16.begin(), part.f16.end(), whole.f16.begin() + at);
      std::copy(part.absSum.begin(), part.absSum.end(),
                whole.absSum.begin() + at);
    }
  };
  size_t threads = std::min<size_t>(
      std::max(1u, std::thread::hardware_concurrency()), tasks.size());
  std::vector<std::thread> pool;
  for (size_t i = 0; i < threads; ++i)
    pool.emplace_back(worker);
  for (std::thread &thread : pool)
    thread.join();
  return results;
}

std::string benchReference(const ref::Problem &problem, ReferenceBench &out) {
  out = ReferenceBench();
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  double total = 0;
  for (const ref::Group &g : problem.groups)
    total += double(g.m) * double(g.n) * double(g.k);

  // The plain loops on the same fraction of every group's rows (at least
  // one row of a non-empty group), so that the slice has the problem's mix
  // of shapes.
  constexpr double kPlainBudget = double(1 << 28);
  double fraction = total > 0 ? std::min(1.0, kPlainBudget / total) : 1.0;
  ref::Problem slice = problem;
  for (ref::Group &g : slice.groups) {
    int64_t rows = std::min<int64_t>(
        g.m, std::max<int64_t>(g.m > 0, int64_t(std::ceil(g.m * fraction))));
    g.m = rows;
    g.a.resize(size_t(rows * g.k / 2));
    g.sfa.resize(size_t(rows * g.k / 16));
    out.plainMacs += double(rows) * double(g.n) * double(g.k);
  }
  Clock::time_point start = Clock::now();
  std::vector<ref::GroupResult> plain = parallelReference(slice);
  out.plainSeconds = seconds(start);

  start = Clock::now();
  std::vector<ref::GroupResult> fast = ref::referenceProductFast(problem);
  out.fastSeconds = seconds(start);
  out.fastMacs = total;

  // The slice's rows are the first rows of each group: a prefix of the
  // row-major results.
  int64_t compared = 0, different = 0;
  for (size_t g = 0; g < plain.size(); ++g)
    for (size_t e = 0; e < plain[g].f32.size(); ++e, ++compared)
      different +=
          std::memcmp(&plain[g].f32[e], &fast[g].f32[e], sizeof(float)) != 0 ||
          plain[g].f16[e] != fast[g].f16[e] ||
          plain[g].exact[e] != fast[g].exact[e] ||
          plain[g].absSum[e] != fast[g].absSum[e];
  out.identical = different == 0;

  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  auto rate = [](double macs, double secs) {
    return secs > 0 ? macs / secs / 1e9 : 0.0;
  };
  std::printf("reference: %.3g GMAC in %zu groups, %u threads\n", total / 1e9,
              problem.groups.size(), threads);
  std::printf("reference: plain loops: %.3g GMAC (%.3g%% of the rows) in "
              "%.2f s: %.3g GMAC/s\n",
              out.plainMacs / 1e9, 100 * fraction, out.plainSeconds,
              rate(out.plainMacs, out.plainSeconds));
  std::printf("reference: fast (%s): %.3g GMAC in %.2f s: %.3g GMAC/s, "
              "%.0fx\n",
              ref::referenceFastKernels().front().c_str(), total / 1e9,
              out.fastSeconds, rate(total, out.fastSeconds),
              rate(total, out.fastSeconds) /
                  std::max(1e-12, rate(out.plainMacs, out.plainSeconds)));
  std::printf("reference: fast vs plain on the %" PRId64
              " outputs both computed: %" PRId64
              " differ (f32, f16, exact, absSum)\n",
              compared, different);
  return "";
}

std::string checkOutputs(const rt::Manifest &manifest,
                         const ref::Problem &problem,
                         const std::vector<ref::GroupResult> &expected,
                         const InputImage &image, const DeviceSet &set,
                         CheckSummary &out,
                         std::vector<std::vector<uint16_t>> *outputsOut) {
  out = CheckSummary();
  size_t numGroups = problem.groups.size();
  std::vector<std::vector<uint16_t>> outputs(numGroups);
  if (manifest.rows == rt::RowsForm::List) {
    for (size_t g = 0; g < numGroups; ++g) {
      outputs[g].resize(image.c[g].bytes / 2);
      if (std::string err = set.memory.download(
              outputs[g].data(), image.c[g].bytes, image.c[g].offset);
          !err.empty())
        return "reading C of group " + std::to_string(g) + ": " + err;
    }
  } else {
    std::vector<uint16_t> all(image.c[0].bytes / 2);
    if (std::string err = set.memory.download(all.data(), image.c[0].bytes,
                                              image.c[0].offset);
        !err.empty())
      return "reading C: " + err;
    if (image.owned.size() != numGroups)
      return "the image has " + std::to_string(image.owned.size()) +
             " groups' rows; the problem " + std::to_string(numGroups);
    size_t n = size_t(problem.groups.front().n);
    std::vector<bool> owned(all.size() / n, false);
    for (size_t g = 0; g < numGroups; ++g) {
      size_t begin = size_t(image.owned[g].begin),
             m = size_t(image.owned[g].rows);
      if (m != size_t(problem.groups[g].m) || begin + m > owned.size())
        return "group " + std::to_string(g) + "'s rows do not match the image";
      outputs[g].assign(all.begin() + begin * n,
                        all.begin() + (begin + m) * n);
      std::fill(owned.begin() + begin, owned.begin() + begin + m, true);
    }
    // Rows no group owns (past the groups, past a masked group's count)
    // belong to nobody and must keep the poison.
    for (size_t row = 0; row < owned.size(); ++row)
      if (!owned[row])
        out.spareWritten +=
            std::count_if(all.begin() + row * n, all.begin() + (row + 1) * n,
                          [](uint16_t x) { return x != kPoison; });
  }

  double errorSquares = 0, normSquares = 0;
  int reported = 0;
  for (size_t g = 0; g < numGroups; ++g) {
    const ref::Group &group = problem.groups[g];
    const ref::GroupResult &want = expected[g];
    for (size_t e = 0; e < outputs[g].size(); ++e) {
      uint16_t bits = outputs[g][e];
      double got = ref::halfBitsToFloat(bits), exact = want.exact[e];
      double tolerance =
          4 * ref::reassociationTolerance(exact, want.absSum[e], group.k);
      bool wantInf = std::isinf(ref::halfBitsToFloat(want.f16[e]));
      const char *bad = nullptr;
      ++out.elements;
      out.bitEqual += bits == want.f16[e];
      if (bits == kPoison) {
        ++out.unwritten, bad = "not written";
      } else if (std::isnan(got) || (std::isinf(got) && bits != want.f16[e])) {
        // An inf is right only where the reference overflows the same way.
        ++out.nonFinite, bad = "not finite";
      } else if (!std::isinf(got)) {
        double error = std::fabs(got - exact);
        out.maxAbsError = std::max(out.maxAbsError, error);
        if (!(error <= tolerance))
          ++out.beyondBound, bad = "beyond 4x the reassociation tolerance";
        // As in ggemm-cpu-run, elements whose reference overflows f16 stay
        // out of the norms, which they would swamp.
        if (!wantInf) {
          errorSquares += (got - exact) * (got - exact);
          normSquares += exact * exact;
        }
      }
      if (bad && reported++ < 5)
        std::fprintf(stderr,
                     "group %zu element (%" PRId64 ", %" PRId64
                     "): got f16 0x%04x (%.6g), exact %.9g, tolerance %.3g: "
                     "%s\n",
                     g, int64_t(e) / group.n, int64_t(e) % group.n, bits, got,
                     exact, tolerance, bad);
    }
  }
  if (normSquares > 0)
    out.relError = std::sqrt(errorSquares / normSquares);
  else
    out.relError = errorSquares > 0 ? INFINITY : 0;
  out.pass = out.relError < 1e-3 && out.unwritten == 0 && out.nonFinite == 0 &&
             out.beyondBound == 0 && out.spareWritten == 0;
  if (outputsOut)
    *outputsOut = std::move(outputs);
  return "";
}

} // namespace ggemm::run
