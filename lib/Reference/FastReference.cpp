//===- FastReference.cpp - the reference product, blocked and threaded ----===//
//
// referenceProduct's results, computed hundreds of times faster, so that
// checking a 100-GMAC layer takes seconds instead of minutes. The arithmetic
// is the plain loop's; only the work around it changes:
//
//  * Each operand is decoded once into f32: a[k] * sfa[k / 16] is exact
//    (at most 2 + 4 significant bits, far from f32's range ends), and so is
//    every product of two decoded values (at most 12 bits), which is what
//    the plain loop adds as float(term).
//  * Each output still adds its f32 products in increasing K, one rounding
//    per addition: the same f32 sum bit for bit, hence the same f16.
//  * The double sums (exact, absSum) are added per 16-element scale block:
//    within a block every product shares sfa * sfb, so the block's partial
//    sums are sfa * sfb times a multiple of 1/4 below 2^12 and exact in f32;
//    the blocks' sums are then added in double in K order. This equals the
//    plain loop's term-by-term double sum whenever that sum is exact, i.e.
//    unless some partial sum reaches 2^33 (terms are multiples of 2^-20).
//  * B is laid out in panels of NR columns, K-major, so that the inner loop
//    updates NR outputs of MR rows with vector operations; the micro-kernel
//    runs over K chunks that keep its slice of A and B in cache; output
//    tiles are spread over threads.
//
// The decoders are the plain reference's (decodeE2M1, decodeUE4M3): nothing
// here comes from the compiler.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Reference/NVFP4.h"
#include "ggemm/Reference/Problem.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <functional>
#include <string>
#include <system_error>
#include <thread>

namespace ggemm::ref {

namespace {

/// Runs `body(i)` for i in [0, count) on up to `threads` threads (the
/// caller's included), each taking the next index as it finishes one. If
/// the system refuses a thread, the ones started (or the caller alone) do
/// all the work.
void parallelFor(int64_t count, unsigned threads,
                 const std::function<void(int64_t)> &body) {
  if (count <= 0)
    return;
  std::atomic<int64_t> next{0};
  auto worker = [&] {
    for (int64_t i; (i = next.fetch_add(1)) < count;)
      body(i);
  };
  std::vector<std::thread> pool;
  unsigned extra = unsigned(std::min<int64_t>(threads, count)) - 1;
  for (unsigned t = 0; t < extra; ++t) {
    try {
      pool.emplace_back(worker);
    } catch (const std::system_error &) {
      break;
    }
  }
  worker();
  for (std::thread &thread : pool)
    thread.join();
}

/// f32 vectors of W lanes (GCC/Clang vector extensions: the code is
/// portable, the compiler picks the instructions of the target).
template <int W> struct Vector {
  typedef float type __attribute__((vector_size(4 * W)));
};

// Everything from here to the tile functions is inlined into a function
// compiled for one instruction set (see computeTile*): always_inline, so
// that no vector code is emitted for the baseline target by accident.
#define GGEMM_INLINE inline __attribute__((always_inline))

// Vectors go by reference: by value, their ABI would depend on the target.
template <typename V> GGEMM_INLINE void load(V &v, const float *p) {
  std::memcpy(&v, p, sizeof v);
}

template <typename V> GGEMM_INLINE void store(float *p, const V &v) {
  std::memcpy(p, &v, sizeof v);
}

/// The operands of one group, decoded. A: rows padded to a multiple of MR
/// with zeros, `k` floats a row. B: panels of NR columns (zero-padded),
/// each `k` rows of NR floats. `...Abs` hold the magnitudes, for absSum.
struct Decoded {
  int64_t k = 0, rows = 0, panels = 0, nr = 0;
  std::vector<float> a, aAbs, b, bAbs;
};

/// Decodes group `g` for micro-tiles of `mr` x `nr`. `out`'s buffers are
/// reused from group to group (growing only), which saves the page faults
/// of fresh allocations; only the padding is zeroed.
void decode(const Group &g, int64_t mr, int64_t nr, unsigned threads,
            Decoded &out) {
  // Tables from the plain reference's decoders: both e2m1 values of a
  // packed byte (even element in the low nibble), and UE4M3 scale bytes
  // (bit 7 set decodes to NaN there, and so here).
  float pairs[256][2], scale[256];
  for (int byte = 0; byte < 256; ++byte) {
    pairs[byte][0] = float(decodeE2M1(unpackE2M1(byte, false)));
    pairs[byte][1] = float(decodeE2M1(unpackE2M1(byte, true)));
    scale[byte] = float(decodeUE4M3(byte));
  }

  int64_t k = g.k, kb = k / 16;
  out.k = k;
  out.nr = nr;
  out.rows = (g.m + mr - 1) / mr * mr;
  out.panels = (g.n + nr - 1) / nr;
  for (std::vector<float> *v : {&out.a, &out.aAbs})
    v->resize(size_t(out.rows * k));
  for (std::vector<float> *v : {&out.b, &out.bAbs})
    v->resize(size_t(out.panels * k * nr));

  // Elements [16 * block, 16 * block + 16) of row `row` of A or B into
  // `dst` (and magnitudes into `dstAbs`), element kk at kk * stride: one
  // scale, eight bytes of two elements each.
  auto decodeBlock = [&](const std::vector<uint8_t> &data,
                         const std::vector<uint8_t> &scales, int64_t row,
                         int64_t block, float *dst, float *dstAbs,
                         int64_t stride) {
    const uint8_t *bytes = &data[row * k / 2 + block * 8];
    float s = scale[scales[row * kb + block]];
    for (int64_t i = 0; i < 8; ++i) {
      int64_t kk = block * 16 + 2 * i;
      float even = pairs[bytes[i]][0] * s, odd = pairs[bytes[i]][1] * s;
      dst[kk * stride] = even;
      dst[(kk + 1) * stride] = odd;
      dstAbs[kk * stride] = std::fabs(even);
      dstAbs[(kk + 1) * stride] = std::fabs(odd);
    }
  };

  // A by chunks of 64 rows, B by panels: independent, so in parallel.
  int64_t rowChunks = (out.rows + 63) / 64;
  parallelFor(rowChunks + out.panels, threads, [&](int64_t task) {
    if (task < rowChunks) {
      for (int64_t i = task * 64; i < std::min(out.rows, task * 64 + 64); ++i) {
        float *a = &out.a[i * k], *aAbs = &out.aAbs[i * k];
        if (i < g.m) {
          for (int64_t block = 0; block < kb; ++block)
            decodeBlock(g.a, g.sfa, i, block, a, aAbs, 1);
        } else { // padding rows: zero products
          std::fill(a, a + k, 0.0f);
          std::fill(aAbs, aAbs + k, 0.0f);
        }
      }
      return;
    }
    int64_t panel = task - rowChunks;
    float *b = &out.b[panel * k * nr], *bAbs = &out.bAbs[panel * k * nr];
    // Block by block across the panel's columns: each block of the panel
    // (16 x nr floats) is written whole while it is in L1.
    for (int64_t block = 0; block < kb; ++block)
      for (int64_t jj = 0; jj < nr; ++jj) {
        int64_t j = panel * nr + jj;
        if (j < g.n) {
          decodeBlock(g.b, g.sfb, j, block, b + jj, bAbs + jj, nr);
          continue;
        }
        for (int64_t kk = block * 16; kk < block * 16 + 16; ++kk)
          b[kk * nr + jj] = bAbs[kk * nr + jj] = 0.0f; // padding columns
      }
  });
}

/// The accumulators of one MR x NR micro-tile between K chunks.
template <int MR, int NR> struct TileSums {
  float acc[MR][NR];
  double exact[MR][NR], absSum[MR][NR];
};

/// Adds the products of K range [k0, k1) (k0 a multiple of 16) to `sums`:
/// rows `row0` .. `row0 + MR` of A, panel `panel` of B. The f32 sum takes
/// one product at a time in increasing K; the double sums take one 16-K
/// block at a time.
template <int MR, int NV, int W>
GGEMM_INLINE void microKernel(const Decoded &d, int64_t row0, int64_t panel,
                              int64_t k0, int64_t k1,
                              TileSums<MR, NV * W> &sums) {
  typedef typename Vector<W>::type V;
  constexpr int NR = NV * W;
  const float *a = &d.a[row0 * d.k], *aAbs = &d.aAbs[row0 * d.k];
  const float *b = &d.b[panel * d.k * NR], *bAbs = &d.bAbs[panel * d.k * NR];
  V acc[MR][NV];
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v)
      load(acc[r][v], &sums.acc[r][v * W]);
  for (int64_t kb = k0; kb < k1; kb += 16) {
    V block[MR][NV] = {}, blockAbs[MR][NV] = {};
    int64_t kEnd = std::min(kb + 16, k1);
    for (int64_t k = kb; k < kEnd; ++k) {
      V bv[NV], bAbsV[NV];
      for (int v = 0; v < NV; ++v) {
        load(bv[v], &b[k * NR + v * W]);
        load(bAbsV[v], &bAbs[k * NR + v * W]);
      }
      for (int r = 0; r < MR; ++r) {
        float av = a[r * d.k + k], aAbsV = aAbs[r * d.k + k];
        for (int v = 0; v < NV; ++v) {
          // Exact products: a fused multiply-add rounds the same once.
          V product = av * bv[v];
          acc[r][v] += product;
          block[r][v] += product;
          blockAbs[r][v] += aAbsV * bAbsV[v];
        }
      }
    }
    for (int r = 0; r < MR; ++r) {
      float flat[NR], flatAbs[NR];
      for (int v = 0; v < NV; ++v) {
        store(&flat[v * W], block[r][v]);
        store(&flatAbs[v * W], blockAbs[r][v]);
      }
      for (int j = 0; j < NR; ++j) {
        sums.exact[r][j] += double(flat[j]);
        sums.absSum[r][j] += double(flatAbs[j]);
      }
    }
  }
  for (int r = 0; r < MR; ++r)
    for (int v = 0; v < NV; ++v)
      store(&sums.acc[r][v * W], acc[r][v]);
}

/// One output tile: rows [row0, row1) (multiples of MR, row1 may pass M
/// into the zero padding), panels [panel0, panel1), all of K.
template <int MR, int NV, int W>
GGEMM_INLINE void computeTile(const Group &g, bool hasAlpha, const Decoded &d,
                              int64_t row0, int64_t row1, int64_t panel0,
                              int64_t panel1, GroupResult &out) {
  constexpr int NR = NV * W;
  // K chunks that keep the micro-kernel's A rows and B panel in L1/L2
  // while the tile's rows and panels are swept.
  constexpr int64_t kChunk = 512;
  int64_t microRows = (row1 - row0) / MR, tilePanels = panel1 - panel0;
  std::vector<TileSums<MR, NR>> sums(size_t(microRows * tilePanels));
  for (TileSums<MR, NR> &s : sums)
    std::memset(&s, 0, sizeof s);
  for (int64_t k0 = 0; k0 < g.k; k0 += kChunk) {
    int64_t k1 = std::min(g.k, k0 + kChunk);
    for (int64_t p = 0; p < tilePanels; ++p)
      for (int64_t mi = 0; mi < microRows; ++mi)
        microKernel<MR, NV, W>(d, row0 + mi * MR, panel0 + p, k0, k1,
                               sums[mi * tilePanels + p]);
  }
  // Alpha and rounding as the plain loop: f32 * alpha, then f16.
  float alpha = g.alpha;
  for (int64_t mi = 0; mi < microRows; ++mi)
    for (int64_t p = 0; p < tilePanels; ++p) {
      const TileSums<MR, NR> &s = sums[mi * tilePanels + p];
      for (int r = 0; r < MR; ++r) {
        int64_t i = row0 + mi * MR + r;
        if (i >= g.m)
          break;
        for (int jj = 0; jj < NR; ++jj) {
          int64_t j = (panel0 + p) * NR + jj;
          if (j >= g.n)
            break;
          float acc = s.acc[r][jj];
          double exact = s.exact[r][jj], absSum = s.absSum[r][jj];
          if (hasAlpha) {
            exact *= alpha;
            absSum *= std::fabs(alpha);
            acc *= alpha;
          }
          size_t e = size_t(i * g.n + j);
          out.exact[e] = exact;
          out.absSum[e] = absSum;
          out.f32[e] = acc;
          out.f16[e] = floatToHalfBits(acc);
        }
      }
    }
}

/// One tile with the micro-tile of one instruction set.
struct TileKernel {
  const char *name;
  int mr, nr;
  void (*compute)(const Group &, bool, const Decoded &, int64_t, int64_t,
                  int64_t, int64_t, GroupResult &);
};

// Micro-tile shapes per vector width, so that the MR x NR accumulators
// (three sets) and a row of the B panel stay in registers: 32 zmm
// (AVX-512), 16 ymm (AVX2), 16 xmm (baseline SSE2, NEON).
#define GGEMM_TILE_FUNCTION(NAME, TARGET, MR, NV, W)                           \
  TARGET void NAME(const Group &g, bool hasAlpha, const Decoded &d,            \
                   int64_t row0, int64_t row1, int64_t panel0, int64_t panel1, \
                   GroupResult &out) {                                         \
    computeTile<MR, NV, W>(g, hasAlpha, d, row0, row1, panel0, panel1, out);   \
  }
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#define GGEMM_X86_DISPATCH 1
GGEMM_TILE_FUNCTION(computeTileAvx512, __attribute__((target("avx512f"))), 4, 1,
                    16)
GGEMM_TILE_FUNCTION(computeTileAvx2, __attribute__((target("avx2,fma"))), 3, 1,
                    8)
#endif
GGEMM_TILE_FUNCTION(computeTileBaseline, , 2, 2, 4)

/// The kernels this CPU runs, fastest first.
std::vector<TileKernel> availableKernels() {
  std::vector<TileKernel> kernels;
#ifdef GGEMM_X86_DISPATCH
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f"))
    kernels.push_back({"avx512", 4, 16, computeTileAvx512});
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    kernels.push_back({"avx2", 3, 8, computeTileAvx2});
#endif
  kernels.push_back({"baseline", 2, 8, computeTileBaseline});
  return kernels;
}

/// The product of one group: decoded once, then tiles of up to 64 rows x
/// 256 columns over the threads (enough tiles to spread a group of a few
/// hundred rows over 16 threads, each reusing its A rows over many panels).
void groupProduct(const TileKernel &kernel, const Group &g, bool hasAlpha,
                  unsigned threads, Decoded &d, GroupResult &out) {
  decode(g, kernel.mr, kernel.nr, threads, d);
  int64_t tileRows = 64 / kernel.mr * kernel.mr, tilePanels = 256 / kernel.nr;
  int64_t rowTiles = (d.rows + tileRows - 1) / tileRows;
  int64_t panelTiles = (d.panels + tilePanels - 1) / tilePanels;
  parallelFor(rowTiles * panelTiles, threads, [&](int64_t t) {
    int64_t rt = t / panelTiles, pt = t % panelTiles;
    kernel.compute(g, hasAlpha, d, rt * tileRows,
                   std::min(d.rows, (rt + 1) * tileRows), pt * tilePanels,
                   std::min(d.panels, (pt + 1) * tilePanels), out);
  });
}

} // namespace

std::vector<std::string> referenceFastKernels() {
  std::vector<std::string> names;
  for (const TileKernel &kernel : availableKernels())
    names.push_back(kernel.name);
  return names;
}

std::vector<GroupResult> referenceProductFast(const Problem &problem,
                                              unsigned threads,
                                              const std::string &kernelName) {
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  static const std::vector<TileKernel> kernels = availableKernels();
  const TileKernel *kernel = &kernels.front();
  for (const TileKernel &k : kernels)
    if (kernelName == k.name)
      kernel = &k;
  std::vector<GroupResult> results(problem.groups.size());
  Decoded decoded;
  for (size_t gi = 0; gi < problem.groups.size(); ++gi) {
    const Group &g = problem.groups[gi];
    GroupResult &r = results[gi];
    size_t outputs = size_t(std::max<int64_t>(g.m, 0) * g.n);
    r.exact.resize(outputs);
    r.f32.resize(outputs);
    r.f16.resize(outputs);
    r.absSum.resize(outputs);
    if (outputs == 0)
      continue;
    groupProduct(*kernel, g, problem.hasAlpha, threads, decoded, r);
  }
  return results;
}

} // namespace ggemm::ref
