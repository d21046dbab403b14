//===- FastReferenceTest.cpp - the fast reference against the plain one ---===//
//
// referenceProduct (plain loops) is the specification; referenceProductFast
// must give the same f32 sums and f16 outputs bit for bit, on every
// micro-kernel this CPU runs and any thread count, including empty and
// one-row groups, N not a multiple of a panel and K tails of the K chunk.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Reference/NVFP4.h"
#include "ggemm/Reference/Problem.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace ggemm::ref;

namespace {

uint32_t bitsOf(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  return bits;
}

/// Compares every output of every group; returns the number of outputs.
int64_t expectSame(const std::vector<GroupResult> &plain,
                   const std::vector<GroupResult> &fast,
                   const std::string &what) {
  EXPECT_EQ(plain.size(), fast.size()) << what;
  int64_t outputs = 0;
  for (size_t g = 0; g < plain.size() && g < fast.size(); ++g) {
    const GroupResult &p = plain[g], &f = fast[g];
    EXPECT_EQ(p.f32.size(), f.f32.size()) << what << " group " << g;
    if (p.f32.size() != f.f32.size())
      continue;
    EXPECT_EQ(p.f16, f.f16) << what << " group " << g;
    int64_t reported = 0;
    for (size_t e = 0; e < p.f32.size(); ++e) {
      ++outputs;
      // The double sums' terms are multiples of 2^-20 below 2^23 and K is
      // small here: exact in any order, so equal too.
      bool same = bitsOf(p.f32[e]) == bitsOf(f.f32[e]) &&
                  p.exact[e] == f.exact[e] && p.absSum[e] == f.absSum[e];
      if (!same && reported++ < 3)
        ADD_FAILURE() << what << " group " << g << " element " << e << ": f32 "
                      << p.f32[e] << " vs " << f.f32[e] << ", exact "
                      << p.exact[e] << " vs " << f.exact[e] << ", absSum "
                      << p.absSum[e] << " vs " << f.absSum[e];
    }
  }
  return outputs;
}

} // namespace

TEST(FastReference, BitIdenticalToPlain) {
  // Empty and one-row groups; N below, at and past a panel (8 or 16) and a
  // tile (256); K of one scale block, below and past the 512-element K
  // chunk, and a tail of one block past it.
  std::vector<std::vector<Shape>> problems = {
      {{0, 8, 64}, {1, 8, 16}, {1, 24, 48}},
      {{5, 40, 528}, {3, 16, 64}, {0, 16, 512}},
      {{67, 264, 1040}, {1, 8, 16}},
      {{130, 136, 96}, {2, 8, 32}, {64, 512, 64}},
  };
  for (size_t i = 0; i < problems.size(); ++i)
    for (bool alpha : {false, true}) {
      Problem problem = generateProblem(problems[i], 100 + i, alpha);
      std::vector<GroupResult> plain = referenceProduct(problem);
      for (const std::string &kernel : referenceFastKernels())
        for (unsigned threads : {1u, 3u}) {
          std::string what = kernel + ", problem " + std::to_string(i) +
                             (alpha ? " with alpha" : "") + ", " +
                             std::to_string(threads) + " threads";
          int64_t outputs = expectSame(
              plain, referenceProductFast(problem, threads, kernel), what);
          int64_t expected = 0;
          for (const Shape &s : problems[i])
            expected += s.m * s.n;
          EXPECT_EQ(outputs, expected) << what;
        }
    }
}

TEST(FastReference, BitIdenticalOnRandomShapes) {
  // Random shapes over the ranges the tools use: M in [0, 300], N a
  // multiple of 8 up to 160, K a multiple of 16 up to 768.
  SplitMix64 rng(2024);
  for (int trial = 0; trial < 4; ++trial) {
    std::vector<Shape> shapes;
    for (int g = 1 + rng.below(3); g > 0; --g)
      shapes.push_back({int64_t(rng.below(301)),
                        8 * (1 + int64_t(rng.below(20))),
                        16 * (1 + int64_t(rng.below(48)))});
    Problem problem = generateProblem(shapes, rng.next(), trial % 2);
    std::vector<GroupResult> plain = referenceProduct(problem);
    for (const std::string &kernel : referenceFastKernels())
      expectSame(plain, referenceProductFast(problem, 2, kernel),
                 kernel + ", random trial " + std::to_string(trial));
  }
}

TEST(FastReference, RoundingSumsOverTheWholeScaleRange) {
  // Scales over all of UE4M3 (2^-9 .. 448) rather than the generator's 9
  // binades: running f32 sums round at almost every step, so the K order
  // of the additions decides the bits.
  Problem problem = generateProblem({{9, 24, 1024}, {1, 40, 2064}}, 7, true);
  SplitMix64 rng(5);
  for (Group &g : problem.groups)
    for (std::vector<uint8_t> *scales : {&g.sfa, &g.sfb})
      for (uint8_t &s : *scales)
        s = uint8_t(rng.below(0x7F)); // 0x00 .. 0x7E, never NaN
  std::vector<GroupResult> plain = referenceProduct(problem);
  for (const std::string &kernel : referenceFastKernels())
    expectSame(plain, referenceProductFast(problem, 2, kernel), kernel);
  int64_t rounded = 0;
  for (const GroupResult &r : plain)
    for (size_t e = 0; e < r.f32.size(); ++e)
      rounded += double(r.f32[e]) != r.exact[e];
  EXPECT_GT(rounded, 100) << "the f32 sums must round for this test to bite";
}

TEST(FastReference, NaNScalesPoisonTheSameOutputs) {
  // 0x7F is NaN; a byte with bit 7 set decodes to NaN too.
  Problem problem = generateProblem({{6, 16, 64}}, 11, false);
  problem.groups[0].sfa[2 * 4 + 1] = 0x7F; // row 2
  problem.groups[0].sfb[5 * 4 + 3] = 0x90; // column 5
  std::vector<GroupResult> plain = referenceProduct(problem);
  for (const std::string &kernel : referenceFastKernels()) {
    GroupResult fast = referenceProductFast(problem, 1, kernel)[0];
    for (int64_t i = 0; i < 6; ++i)
      for (int64_t j = 0; j < 16; ++j) {
        size_t e = size_t(i * 16 + j);
        bool poisoned = i == 2 || j == 5;
        EXPECT_EQ(std::isnan(fast.f32[e]), poisoned) << kernel << " " << e;
        EXPECT_EQ(std::isnan(plain[0].f32[e]), poisoned) << e;
        if (!poisoned) {
          EXPECT_EQ(fast.f16[e], plain[0].f16[e]) << kernel << " " << e;
        }
      }
  }
}

TEST(FastReference, KernelsOfThisCPU) {
  std::vector<std::string> kernels = referenceFastKernels();
  ASSERT_FALSE(kernels.empty());
  EXPECT_EQ(kernels.back(), "baseline");
}
