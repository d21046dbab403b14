//===- Problem.cpp - host-side grouped NVFP4 problems ---------------------===//
//
// Generator, blocked scale layout and the reference product.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Reference/Problem.h"
#include "ggemm/Reference/NVFP4.h"

#include <algorithm>
#include <cmath>

namespace ggemm::ref {

uint64_t SplitMix64::next() {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// A random scale code (UE4M3: bit 7 always clear): 1 in 8 a subnormal or
/// zero (exponent field 0), otherwise an exponent field in [1, 9] (2^-6 ..
/// 2^2), any mantissa; never 0x7F (NaN). Keeps sums mostly inside the f16
/// range while spanning 9 binades; the signs come from the e2m1 data.
static uint8_t randomScale(SplitMix64 &rng) {
  uint8_t exp = rng.below(8) == 0 ? 0 : 1 + rng.below(9);
  uint8_t man = rng.below(8);
  return (exp << 3) | man;
}

Problem generateProblem(const std::vector<Shape> &shapes, uint64_t seed,
                        bool withAlpha) {
  SplitMix64 rng(seed);
  Problem problem;
  problem.hasAlpha = withAlpha;
  for (const Shape &s : shapes) {
    Group g;
    g.m = s.m, g.n = s.n, g.k = s.k;
    auto bytes = [&](int64_t count) {
      std::vector<uint8_t> v(count);
      for (uint8_t &x : v)
        x = rng.below(256); // two independent, uniform e2m1 codes
      return v;
    };
    auto scales = [&](int64_t count) {
      std::vector<uint8_t> v(count);
      for (uint8_t &x : v)
        x = randomScale(rng);
      return v;
    };
    g.a = bytes(s.m * s.k / 2);
    g.b = bytes(s.n * s.k / 2);
    g.sfa = scales(s.m * s.k / 16);
    g.sfb = scales(s.n * s.k / 16);
    if (withAlpha) // +-2^[-4, 3] with a random 3-bit mantissa
      g.alpha = (rng.below(2) ? -1.0f : 1.0f) * (1.0f + rng.below(8) / 8.0f) *
                float(1 << rng.below(8)) / 16.0f;
    problem.groups.push_back(std::move(g));
  }
  return problem;
}

double problemHostBytes(const std::vector<Shape> &shapes) {
  double bytes = 0, decoded = 0;
  for (const Shape &s : shapes) {
    double m = s.m > 0 ? double(s.m) : 0, n = double(s.n), k = double(s.k);
    // A, B packed (K/2 bytes a row), one scale byte per 16 K; exact,
    // absSum (double), f32 and f16 per output.
    bytes += (m + n) * k * (0.5 + 1.0 / 16) + m * n * (8 + 8 + 4 + 2);
    // referenceProductFast's decoded operands (values and magnitudes in
    // f32, rows and columns padded), one group at a time.
    decoded = std::max(decoded, (m + n + 32) * k * 8);
  }
  return bytes + decoded;
}

std::vector<int64_t> randomGroupSizes(uint64_t seed, int64_t groups) {
  SplitMix64 rng(seed ^ 0x5A5A5A5Aull); // apart from the data's stream
  std::vector<int64_t> sizes(groups);
  for (int64_t &m : sizes)
    m = int64_t(rng.below(301));
  return sizes;
}

std::vector<uint8_t> toBlocked(const std::vector<uint8_t> &rowMajor,
                               int64_t rows, int64_t cols) {
  int64_t rowBlocks = (rows + 127) / 128, colBlocks = (cols + 3) / 4;
  std::vector<uint8_t> out(rowBlocks * colBlocks * 512, 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      // Atom (r/128, c/4); inside it, row r%128 = 32 * hi + lo lands in
      // byte row lo, byte column 4 * hi + c%4.
      int64_t atom = (r / 128) * colBlocks + c / 4;
      int64_t lo = r % 32, hi = (r % 128) / 32;
      out[atom * 512 + lo * 16 + hi * 4 + c % 4] = rowMajor[r * cols + c];
    }
  return out;
}

double reassociationTolerance(double exact, double absSum, int64_t k) {
  double mag = std::fabs(exact);
  double ulp16 = mag < 0x1p-14 ? 0x1p-24 : std::ldexp(1.0, std::ilogb(mag) - 10);
  return ulp16 + 2.0 * double(k) * 0x1p-24 * absSum;
}

std::vector<GroupResult> referenceProduct(const Problem &problem) {
  std::vector<GroupResult> results;
  for (const Group &g : problem.groups) {
    GroupResult r;
    r.exact.resize(g.m * g.n);
    r.f32.resize(g.m * g.n);
    r.f16.resize(g.m * g.n);
    r.absSum.resize(g.m * g.n);
    int64_t kb = g.k / 16;
    for (int64_t i = 0; i < g.m; ++i)
      for (int64_t j = 0; j < g.n; ++j) {
        double exact = 0, absSum = 0;
        float acc = 0;
        for (int64_t k = 0; k < g.k; ++k) {
          double a = decodeE2M1(unpackE2M1(g.a[i * g.k / 2 + k / 2], k & 1));
          double b = decodeE2M1(unpackE2M1(g.b[j * g.k / 2 + k / 2], k & 1));
          double sa = decodeUE4M3(g.sfa[i * kb + k / 16]);
          double sb = decodeUE4M3(g.sfb[j * kb + k / 16]);
          double term = (a * sa) * (b * sb); // exact: at most 12 bits
          exact += term;
          absSum += std::fabs(term);
          acc += float(term);
        }
        if (problem.hasAlpha) {
          exact *= g.alpha;
          absSum *= std::fabs(g.alpha);
          acc *= g.alpha;
        }
        r.absSum[i * g.n + j] = absSum;
        r.exact[i * g.n + j] = exact;
        r.f32[i * g.n + j] = acc;
        r.f16[i * g.n + j] = floatToHalfBits(acc);
      }
    results.push_back(std::move(r));
  }
  return results;
}

} // namespace ggemm::ref
