//===- driver.cpp - runs the ahead-of-time compiled grouped.mlir ----------===//
//
// Links against grouped.o (grouped.mlir through ggemm-pipeline{host=launch},
// upstream host lowerings, mlir-translate and llc), libGGemmMGPU (the mgpu*
// entry points those lowerings call), libGGemmReference (the host NVFP4
// reference: plain C++) and the CUDA driver; no LLVM/MLIR. For each seed it
// draws fresh inputs (every e2m1 code in both nibbles, non-negative e4m3
// scales over many binades, alpha), copies them to the device, calls the
// compiled entry points and compares every element of C with the reference
// as gemm-run --check does (see Tally; docs/aot-host.md). Exit status 0
// only if every output passes.
//
//   aot-grouped [--seeds N] [--seed S]
//
//===----------------------------------------------------------------------===//

#include "ggemm/Reference/NVFP4.h"
#include "ggemm/Reference/Problem.h"
#include "ggemm/Runtime/MGPU.h"

#include "Check.h"
#include "MemRefDescriptor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using M1 = MemRef<1>;
using M2 = MemRef<2>;
using M3 = MemRef<3>;

} // namespace

// The compiled entry points (grouped.mlir).
extern "C" {
void _mlir_ciface_run_list(M2 *a0, M2 *a1, M2 *sfa0, M2 *sfa1, M2 *b0, M2 *b1,
                           M2 *sfb0, M2 *sfb1, M2 *out0, M2 *out1);
void _mlir_ciface_run_moe(M2 *a, M2 *sfa, M3 *b, M3 *sfb, M1 *sizes, M1 *alpha,
                          M2 *out);
}

namespace {

using ggemm::aot::compare;
using ggemm::aot::expect;
using ggemm::aot::report;
using ggemm::aot::Tally;
using ggemm::aot::timeMs;
using ggemm::ref::Group;
using ggemm::ref::GroupResult;
using ggemm::ref::Problem;

/// Device buffers freed at the end of a run.
struct Device {
  std::vector<void *> buffers;
  void *upload(const void *host, size_t bytes) {
    void *p = mgpuMemAlloc(bytes, nullptr, false);
    mgpuMemcpy(p, const_cast<void *>(host), bytes, nullptr);
    buffers.push_back(p);
    return p;
  }
  ~Device() {
    mgpuStreamSynchronize(nullptr);
    for (void *p : buffers)
      mgpuMemFree(p, nullptr);
  }
};

/// grouped_list: test_00's shapes, one buffer per group.
void runList(uint64_t seed) {
  Problem p = ggemm::ref::generateProblem({{96, 128, 128}, {128, 256, 512}},
                                          seed, /*withAlpha=*/false);
  std::vector<GroupResult> ref = ggemm::ref::referenceProduct(p);
  Device dev;
  std::vector<M2> a, sfa, b, sfb, out;
  std::vector<std::vector<uint16_t>> c(2);
  for (int g = 0; g < 2; ++g) {
    const Group &gr = p.groups[g];
    a.push_back(denseMemRef<2>(
        dev.upload(gr.a.data(), gr.a.size()), {gr.m, gr.k}));
    sfa.push_back(
        denseMemRef<2>(dev.upload(gr.sfa.data(), gr.sfa.size()),
                       {gr.m, gr.k / 16}));
    b.push_back(denseMemRef<2>(
        dev.upload(gr.b.data(), gr.b.size()), {gr.n, gr.k}));
    sfb.push_back(
        denseMemRef<2>(dev.upload(gr.sfb.data(), gr.sfb.size()),
                       {gr.n, gr.k / 16}));
    c[g].assign(gr.m * gr.n, 0);
  }
  out.push_back(denseMemRef<2>(c[0].data(), {96, 128}));
  out.push_back(denseMemRef<2>(c[1].data(), {128, 256}));
  mgpuStreamSynchronize(nullptr);
  auto call = [&] {
    _mlir_ciface_run_list(&a[0], &a[1], &sfa[0], &sfa[1], &b[0], &b[1], &sfb[0],
                          &sfb[1], &out[0], &out[1]);
  };
  call();
  Tally t;
  for (int g = 0; g < 2; ++g)
    compare(c[g].data(), ref[g], p.groups[g].m, p.groups[g].n, p.groups[g].k,
            t);
  // Again, on poisoned outputs, timed (tensor maps, parameter arrays,
  // launch, copy of C back).
  for (auto &v : c)
    std::fill(v.begin(), v.end(), uint16_t(0));
  double ms = timeMs(call);
  Tally again;
  for (int g = 0; g < 2; ++g)
    compare(c[g].data(), ref[g], p.groups[g].m, p.groups[g].n, p.groups[g].k,
            again);
  expect(again.bitEqual == t.bitEqual && again.pass(),
         "list: the second call differs");
  report("list", seed, t, ms);
}

/// grouped_moe: 3 groups of run-time sizes back to back in A and C, with
/// alpha, and spare rows past the last group that must stay unwritten.
void runMoe(uint64_t seed) {
  const int64_t n = 256, k = 512, groups = 3, capacity = 320;
  ggemm::ref::SplitMix64 rng(seed ^ 0x5eed);
  // Group sizes: one empty group, one not a multiple of the tile, one
  // larger than a tile.
  std::vector<int32_t> sizes = {int32_t(1 + rng.below(120)), 0,
                                int32_t(129 + rng.below(60))};
  Problem p = ggemm::ref::generateProblem(
      {{sizes[0], n, k}, {sizes[1], n, k}, {sizes[2], n, k}}, seed,
      /*withAlpha=*/true);
  std::vector<GroupResult> ref = ggemm::ref::referenceProduct(p);
  // Contiguous A / SFA (spare rows random too), stacked B / SFB.
  std::vector<uint8_t> a(capacity * k / 2), sfa(capacity * k / 16), b, sfb;
  for (auto &x : a)
    x = uint8_t(rng.next());
  for (auto &x : sfa)
    x = uint8_t(rng.next() & 0x7f);
  int64_t row = 0;
  std::vector<float> alpha;
  for (const Group &g : p.groups) {
    // (std::copy: an empty group's data() may be null, which memcpy
    // must not be given even for 0 bytes.)
    std::copy(g.a.begin(), g.a.end(), a.begin() + row * k / 2);
    std::copy(g.sfa.begin(), g.sfa.end(), sfa.begin() + row * k / 16);
    b.insert(b.end(), g.b.begin(), g.b.end());
    sfb.insert(sfb.end(), g.sfb.begin(), g.sfb.end());
    alpha.push_back(g.alpha);
    row += g.m;
  }
  const int64_t used = row;
  Device dev;
  M2 ma = denseMemRef<2>(dev.upload(a.data(), a.size()), {capacity, k});
  M2 msfa = denseMemRef<2>(
      dev.upload(sfa.data(), sfa.size()), {capacity, k / 16});
  M3 mb = denseMemRef<3>(dev.upload(b.data(), b.size()), {groups, n, k});
  M3 msfb = denseMemRef<3>(
      dev.upload(sfb.data(), sfb.size()), {groups, n, k / 16});
  M1 msizes = denseMemRef<1>(
      dev.upload(sizes.data(), sizes.size() * 4), {groups});
  M1 malpha = denseMemRef<1>(
      dev.upload(alpha.data(), alpha.size() * 4), {groups});
  std::vector<uint16_t> c(capacity * n, 0);
  M2 out = denseMemRef<2>(c.data(), {capacity, n});
  mgpuStreamSynchronize(nullptr);
  auto call = [&] {
    _mlir_ciface_run_moe(&ma, &msfa, &mb, &msfb, &msizes, &malpha, &out);
  };
  call();
  Tally t;
  row = 0;
  for (int64_t g = 0; g < groups; ++g) {
    compare(&c[row * n], ref[g], p.groups[g].m, n, k, t);
    row += p.groups[g].m;
  }
  int64_t spare = 0;
  for (int64_t i = used * n; i < capacity * n; ++i)
    spare += c[i] == 0xFFFF;
  expect(spare == (capacity - used) * n,
         "moe: rows past the group sizes were written");
  std::fill(c.begin(), c.end(), uint16_t(0));
  double ms = timeMs(call);
  Tally again;
  row = 0;
  for (int64_t g = 0; g < groups; ++g) {
    compare(&c[row * n], ref[g], p.groups[g].m, n, k, again);
    row += p.groups[g].m;
  }
  expect(again.bitEqual == t.bitEqual && again.pass(),
         "moe: the second call differs");
  std::printf("moe   seed %llu: group sizes [%d, %d, %d] in %lld rows; "
              "%lld spare rows left unwritten\n",
              (unsigned long long)seed, sizes[0], sizes[1], sizes[2],
              (long long)capacity, (long long)(spare / n));
  report("moe", seed, t, ms);
}

} // namespace

int main(int argc, char **argv) {
  uint64_t seed = 1;
  int seeds = 3;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--seed" && i + 1 < argc)
      seed = std::strtoull(argv[++i], nullptr, 10);
    else if (arg == "--seeds" && i + 1 < argc)
      seeds = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--seed S] [--seeds N]\n", argv[0]);
      return 2;
    }
  }
  // Without a usable GPU (or driver) every entry point fails: say so once
  // instead of running the checks on nothing.
  void *probe = mgpuMemAlloc(16, nullptr, false);
  mgpuMemFree(probe, nullptr);
  if (ggemmMgpuErrorCount() != 0) {
    std::fprintf(stderr, "aot-grouped: no usable CUDA device\n");
    return 3;
  }
  for (int s = 0; s < seeds; ++s) {
    runList(seed + s);
    runMoe(seed + s);
  }
  int64_t driverErrors = ggemmMgpuErrorCount();
  expect(driverErrors == 0, "the GPU runtime reported " +
                                std::to_string(driverErrors) + " error(s)");
  std::printf("%s\n", ggemm::aot::failures ? "FAILED"
                                             : "all outputs pass the check");
  return ggemm::aot::failures ? 1 : 0;
}
