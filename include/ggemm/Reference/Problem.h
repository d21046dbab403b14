//===- Problem.h - host-side grouped NVFP4 problems -------------*- C++ -*-===//
//
// A grouped NVFP4 problem held on the host in its logical form (row-major
// packed data and row-major scale codes per group), a seeded generator, the
// physical layouts the kernels take, and the reference product.
// Plain C++: the GPU runtime uses this too, where no MLIR exists.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_REFERENCE_PROBLEM_H
#define GGEMM_REFERENCE_PROBLEM_H

#include <cstdint>
#include <string>
#include <vector>

namespace ggemm::ref {

struct Group {
  int64_t m = 0, n = 0, k = 0;
  std::vector<uint8_t> a;   // m x k/2, packed e2m1 (even element low)
  std::vector<uint8_t> b;   // n x k/2
  std::vector<uint8_t> sfa; // m x k/16 UE4M3 codes (bit 7 clear), row-major
  std::vector<uint8_t> sfb; // n x k/16
  float alpha = 1.0f;
};

struct Problem {
  std::vector<Group> groups;
  bool hasAlpha = false;
};

struct Shape {
  int64_t m, n, k;
};

/// Seeded inputs: every e2m1 code (all 16, both signs, both zeros) equally
/// likely; scales non-negative (UE4M3, bit 7 clear) and spread over many
/// binades (zero and subnormals included, NaN 0x7F excluded); alpha, when
/// asked for, over several binades and both signs. The same seed gives the
/// same data on every machine.
Problem generateProblem(const std::vector<Shape> &shapes, uint64_t seed,
                        bool withAlpha);

/// Bytes of host memory that a problem of `shapes` and its reference
/// results take (packed inputs, scales, GroupResult per output, the fast
/// reference's decoded operands): what a
/// tool compares with what it may use before it generates, loads or checks
/// a problem, so that a huge shape is a message rather than a failed
/// allocation. M < 0 (not known yet) counts as 0. In double: it cannot
/// overflow.
double problemHostBytes(const std::vector<Shape> &shapes);

/// Seeded run-time group sizes in [0, 300] for rows<contiguous> problems;
/// ggemm-cpu-run and gemm-run both use it, so one seed names one problem.
std::vector<int64_t> randomGroupSizes(uint64_t seed, int64_t groups);

/// The 128x4 blocked layout of a `rows x cols` row-major scale matrix
/// (`to_blocked` of the reference): rows padded to 128, columns to 4, each
/// 128x4 atom stored as 32x16 bytes; padding is zero.
std::vector<uint8_t> toBlocked(const std::vector<uint8_t> &rowMajor,
                               int64_t rows, int64_t cols);

/// Reference results of one group.
struct GroupResult {
  std::vector<double> exact;  // m x n: double accumulation, alpha applied
  std::vector<float> f32;     // m x n: f32 sum in K order, alpha applied
  std::vector<uint16_t> f16;  // m x n: f32 rounded to nearest even f16
  std::vector<double> absSum; // m x n: sum of |products| (times |alpha|)
};

/// The largest error an f32 sum of `k` products may have in any order
/// (|error| <= k * 2^-24 * sum |products|, twice for safety) plus one f16
/// ulp at `exact` for the final rounding: what reassociating the K sum
/// (split-K, tensor cores) is allowed to change.
double reassociationTolerance(double exact, double absSum, int64_t k);

/// The grouped product of docs/architecture.md section 1, in plain loops.
/// Scales decode as UE4M3 (decodeUE4M3): one with bit 7 set makes every
/// output that uses it NaN.
/// The f32 path adds the (exact) products in increasing k, which is the
/// order convert-ggemm-to-loops uses, so its f16 bits must match exactly.
std::vector<GroupResult> referenceProduct(const Problem &problem);

/// referenceProduct's results, fast: each operand decoded once into f32,
/// the loops blocked for cache and vector registers, output tiles spread
/// over `threads` threads (0: one per core). Each output still adds its
/// exact f32 products in increasing K, so `f32` and `f16` are bit-identical
/// to referenceProduct's; `exact` and `absSum` add the same products per
/// 16-element scale block, equal to referenceProduct's whenever its double
/// sums are exact (unless some partial sum reaches 2^33). Needs K to be a
/// multiple of 16, as every problem has. `kernel` names one of
/// referenceFastKernels() (default, or unknown: the first).
std::vector<GroupResult> referenceProductFast(const Problem &problem,
                                              unsigned threads = 0,
                                              const std::string &kernel = "");

/// The micro-kernels referenceProductFast can run on this CPU, fastest
/// first: "avx512", "avx2" (x86-64), "baseline" (any target).
std::vector<std::string> referenceFastKernels();

/// Deterministic 64-bit generator (splitmix64).
struct SplitMix64 {
  uint64_t state;
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next();
  /// Uniform in [0, n).
  uint64_t below(uint64_t n) { return next() % n; }
};

} // namespace ggemm::ref

#endif // GGEMM_REFERENCE_PROBLEM_H
