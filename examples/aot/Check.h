//===- Check.h - checking the AOT examples' outputs ------------*- C++ -*-===//
//
// What the ahead-of-time examples' drivers (driver.cpp, stream_driver.cpp)
// share: C compared with ggemm's host reference as gemm-run --check does,
// the report line, a wall-clock timer, and the failure count that sets the
// exit status.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_EXAMPLES_AOT_CHECK_H
#define GGEMM_EXAMPLES_AOT_CHECK_H

#include "ggemm/Reference/NVFP4.h"
#include "ggemm/Reference/Problem.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

namespace ggemm::aot {

inline int failures = 0;

inline void expect(bool ok, const std::string &what) {
  if (!ok) {
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
    ++failures;
  }
}

/// What one comparison found. Tensor cores add a row's K products in an
/// order of their own, so C need not be bit-equal to the reference's f32
/// sum in K order; each element must lie within 4x the reassociation
/// tolerance of the exact (double) product (the bound for any f32 summation
/// order, ggemm::ref::reassociationTolerance), and all of C within 1e-3
/// norm-relative error, as gemm-run --check requires.
struct Tally {
  int64_t elements = 0, bitEqual = 0, unwritten = 0, nonFinite = 0,
          beyondBound = 0;
  double maxAbsError = 0, errorSquares = 0, normSquares = 0;
  double relError() const {
    return normSquares > 0 ? std::sqrt(errorSquares / normSquares)
                           : (errorSquares > 0 ? INFINITY : 0);
  }
  bool pass() const {
    return unwritten == 0 && nonFinite == 0 && beyondBound == 0 &&
           relError() < 1e-3;
  }
};

/// Compares `rows x n` f16 values at `c` (row stride n) with `ref` of a
/// group of depth `k`.
inline void compare(const uint16_t *c, const ggemm::ref::GroupResult &ref,
                    int64_t rows, int64_t n, int64_t k, Tally &t) {
  for (int64_t i = 0; i < rows * n; ++i) {
    ++t.elements;
    t.bitEqual += c[i] == ref.f16[i];
    if (c[i] == 0xFFFF) {
      ++t.unwritten;
      continue;
    }
    double got = ggemm::ref::halfBitsToFloat(c[i]), exact = ref.exact[i];
    bool refInf = std::isinf(ggemm::ref::halfBitsToFloat(ref.f16[i]));
    if (std::isnan(got) || (std::isinf(got) && c[i] != ref.f16[i])) {
      ++t.nonFinite;
      continue;
    }
    if (std::isinf(got))
      continue; // overflows exactly where the reference does
    double error = std::fabs(got - exact);
    t.maxAbsError = std::max(t.maxAbsError, error);
    if (!(error <=
          4 * ggemm::ref::reassociationTolerance(exact, ref.absSum[i], k)))
      ++t.beyondBound;
    if (!refInf) {
      t.errorSquares += (got - exact) * (got - exact);
      t.normSquares += exact * exact;
    }
  }
}

inline void report(const char *name, uint64_t seed, const Tally &t, double ms) {
  std::printf("%-5s seed %llu: %lld elements: %lld beyond 4x the "
              "reassociation tolerance, %lld unwritten, %lld non-finite; "
              "max |C - exact| = %g, rel err %.2e; %lld bit-equal to the "
              "f32 K-order reference; %.3f ms per call\n",
              name, (unsigned long long)seed, (long long)t.elements,
              (long long)t.beyondBound, (long long)t.unwritten,
              (long long)t.nonFinite, t.maxAbsError, t.relError(),
              (long long)t.bitEqual, ms);
  expect(t.pass(), std::string(name) + ": C differs from the reference");
}

template <typename F> double timeMs(F &&f) {
  auto start = std::chrono::steady_clock::now();
  f();
  auto stop = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::milli>(stop - start).count();
}

} // namespace ggemm::aot

#endif // GGEMM_EXAMPLES_AOT_CHECK_H
