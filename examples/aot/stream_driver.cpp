//===- stream_driver.cpp - a framework's calls of stream.mlir -------------===//
//
// Links against stream.o (stream.mlir through ggemm-pipeline{host=stream},
// upstream host lowerings with C wrappers, mlir-translate and llc),
// libGGemmMGPU, libGGemmReference and the CUDA driver. It calls the
// compiled @gate_up the way a framework would (docs/aot-host.md, "host=stream:
// on the caller's stream"):
//
//   1. on a stream and a workspace of its own, eagerly, then checks both
//      outputs against the host reference (as gemm-run --check does), the
//      rows past the token counts left unwritten, and the status words;
//   2. captured once into a CUDA graph, replayed after the token counts in
//      device memory changed (zeros, ones, one huge group, random), each
//      replay checked the same way;
//   3. with counts past the rows of A: the kernels clamp them and raise
//      bit 0 of their status words, and write nothing past C (run it under
//      compute-sanitizer to see that);
//   4. timed: the host time per call, enqueued back to back without
//      synchronizing, of @gate_up (two ggemm ops) and of @gate (one; the
//      budget is 10 us a call of one op; --max-host-us makes exceeding a
//      limit there a failure): the median over batches of 50 calls, the
//      stream drained between batches so that a full launch queue never
//      makes the host wait for the GPU.
//
//   aot-stream [--seeds N] [--seed S] [--replays R] [--calls C]
//              [--max-host-us US]
//
// Built with GGEMM_AOT_EMULATED (scripts/build-aot.sh, GGEMM_AOT_DEVICE=emu)
// it links libGGemmMGPUEmu instead, and its own driver calls (the stream,
// buffers, graph) go to the same emulated driver as the compiled code's.
// The host times it prints there are the emulator's, no GPU's.
//
//===----------------------------------------------------------------------===//

#include "Check.h"
#include "MemRefDescriptor.h"

#include "ggemm/Runtime/MGPU.h"

#ifdef GGEMM_AOT_EMULATED
#include "ggemm/Runtime/Driver.h"
#define CU(name) (::ggemm::rt::emuDriver().name)
#else
#include <cuda.h>
#define CU(name) (::name)
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

using M1 = MemRef<1>;
using M2 = MemRef<2>;
using M3 = MemRef<3>;
using ggemm::aot::expect;

} // namespace

extern "C" {
void _mlir_ciface_gate_up(M2 *a, M2 *sfa, M3 *w1, M3 *sfw1, M3 *w3, M3 *sfw3,
                          M2 *gate, M2 *up, M1 *counts, M1 *alpha, void *stream,
                          M1 *workspace);
int64_t gate_up_workspace_bytes();
void _mlir_ciface_gate(M2 *a, M2 *sfa, M3 *w1, M3 *sfw1, M2 *gate,
                       M1 *counts, M1 *alpha, void *stream, M1 *workspace);
int64_t gate_workspace_bytes();
}

namespace {

constexpr int64_t kGroups = 3, kN = 256, kK = 512, kRows = 384;

/// Exits with `what` when a driver call fails.
void check(CUresult result, const char *what) {
  if (result == CUDA_SUCCESS)
    return;
  const char *name = nullptr;
  CU(cuGetErrorName)(result, &name);
  std::fprintf(stderr, "aot-stream: %s failed: %s\n", what,
               name ? name : "unknown");
#ifdef GGEMM_AOT_EMULATED
  // A graph replay runs kernels: the emulator says what stopped them.
  std::fprintf(stderr, "aot-stream: emulator: %s\n",
               ggemm::rt::emuDriver().lastErrorDetail().c_str());
#endif
  std::exit(1);
}

/// One device allocation, freed at the end.
struct Buffer {
  CUdeviceptr ptr = 0;
  size_t bytes = 0;
  explicit Buffer(size_t n) : bytes(n) {
    check(CU(cuMemAlloc)(&ptr, n), "cuMemAlloc");
  }
  Buffer(const void *host, size_t n) : Buffer(n) {
    check(CU(cuMemcpyHtoD)(ptr, host, n), "cuMemcpyHtoD");
  }
  ~Buffer() { CU(cuMemFree)(ptr); }
  Buffer(const Buffer &) = delete;
  Buffer &operator=(const Buffer &) = delete;
  void *data() const { return reinterpret_cast<void *>(ptr); }
};

/// The inputs of one seed: A for kRows tokens, two weight sets, alpha.
struct Layer {
  ggemm::ref::Problem tokens, w1, w3;
  std::vector<float> alpha;

  explicit Layer(uint64_t seed) {
    // A and SFA of kRows rows (every e2m1 code, e4m3 scales over many
    // binades); the B of this draw is not used.
    tokens = ggemm::ref::generateProblem({{kRows, 16, kK}}, seed, false);
    std::vector<ggemm::ref::Shape> experts(kGroups, {16, kN, kK});
    w1 = ggemm::ref::generateProblem(experts, seed ^ 0x11, true);
    w3 = ggemm::ref::generateProblem(experts, seed ^ 0x33, false);
    for (const auto &g : w1.groups)
      alpha.push_back(g.alpha);
  }

  /// The reference problem of `weights` for `counts` tokens per expert.
  ggemm::ref::Problem problem(const ggemm::ref::Problem &weights,
                              const std::array<int32_t, kGroups> &counts) {
    ggemm::ref::Problem p;
    p.hasAlpha = true; // both projections scale by alpha (w1's)
    const auto &t = tokens.groups[0];
    int64_t row = 0;
    for (int64_t g = 0; g < kGroups; ++g) {
      ggemm::ref::Group group = weights.groups[g];
      group.m = counts[g];
      group.a.assign(t.a.begin() + row * kK / 2,
                     t.a.begin() + (row + counts[g]) * kK / 2);
      group.sfa.assign(t.sfa.begin() + row * kK / 16,
                       t.sfa.begin() + (row + counts[g]) * kK / 16);
      group.alpha = alpha[g];
      p.groups.push_back(std::move(group));
      row += counts[g];
    }
    return p;
  }
};

/// Stacks the experts' B (or SFB) of `weights`.
std::vector<uint8_t> stacked(const ggemm::ref::Problem &weights, bool scales) {
  std::vector<uint8_t> out;
  for (const auto &g : weights.groups) {
    const auto &v = scales ? g.sfb : g.b;
    out.insert(out.end(), v.begin(), v.end());
  }
  return out;
}

struct Run {
  CUstream stream = nullptr;
  Layer layer;
  Buffer a, sfa, w1, sfw1, w3, sfw3, gate, up, counts, alpha, workspace;
  M2 ma, msfa, mgate, mup;
  M3 mw1, msfw1, mw3, msfw3;
  M1 mcounts, malpha, mworkspace;

  Run(uint64_t seed, CUstream stream)
      : stream(stream), layer(seed),
        a(layer.tokens.groups[0].a.data(), kRows * kK / 2),
        sfa(layer.tokens.groups[0].sfa.data(), kRows * kK / 16),
        w1(stacked(layer.w1, false).data(), kGroups * kN * kK / 2),
        sfw1(stacked(layer.w1, true).data(), kGroups * kN * kK / 16),
        w3(stacked(layer.w3, false).data(), kGroups * kN * kK / 2),
        sfw3(stacked(layer.w3, true).data(), kGroups * kN * kK / 16),
        gate(kRows * kN * 2), up(kRows * kN * 2), counts(kGroups * 4),
        alpha(layer.alpha.data(), kGroups * 4),
        workspace(size_t(gate_up_workspace_bytes())) {
    ma = denseMemRef<2>(a.data(), {kRows, kK});
    msfa = denseMemRef<2>(sfa.data(), {kRows, kK / 16});
    mw1 = denseMemRef<3>(w1.data(), {kGroups, kN, kK});
    msfw1 = denseMemRef<3>(sfw1.data(), {kGroups, kN, kK / 16});
    mw3 = denseMemRef<3>(w3.data(), {kGroups, kN, kK});
    msfw3 = denseMemRef<3>(sfw3.data(), {kGroups, kN, kK / 16});
    mgate = denseMemRef<2>(gate.data(), {kRows, kN});
    mup = denseMemRef<2>(up.data(), {kRows, kN});
    mcounts = denseMemRef<1>(counts.data(), {kGroups});
    malpha = denseMemRef<1>(alpha.data(), {kGroups});
    mworkspace = denseMemRef<1>(workspace.data(), {int64_t(workspace.bytes)});
  }

  void call() {
    _mlir_ciface_gate_up(&ma, &msfa, &mw1, &msfw1, &mw3, &msfw3, &mgate, &mup,
                         &mcounts, &malpha, stream, &mworkspace);
  }

  /// @gate alone (one ggemm op), on `ws` (gate_workspace_bytes()).
  void callGate(M1 &ws) {
    _mlir_ciface_gate(&ma, &msfa, &mw1, &msfw1, &mgate, &mcounts, &malpha,
                      stream, &ws);
  }

  /// New counts in device memory and poisoned outputs, before a launch.
  void prepare(const std::array<int32_t, kGroups> &c) {
    check(CU(cuMemcpyHtoD)(counts.ptr, c.data(), sizeof(c)), "cuMemcpyHtoD");
    check(CU(cuMemsetD16)(gate.ptr, 0xFFFF, kRows * kN), "cuMemsetD16");
    check(CU(cuMemsetD16)(up.ptr, 0xFFFF, kRows * kN), "cuMemsetD16");
  }

  /// The two status pairs {rows, flags} of the workspace.
  std::array<int32_t, 4> status() {
    std::array<int32_t, 4> s;
    check(CU(cuMemcpyDtoH)(s.data(), workspace.ptr, sizeof(s)), "cuMemcpyDtoH");
    return s;
  }

  /// Checks both outputs for `c` (in range) against the reference, and
  /// that both kernels raised `flags`.
  void checkOutputs(const char *what, uint64_t seed,
                    const std::array<int32_t, kGroups> &c, int32_t flags = 0) {
    check(CU(cuStreamSynchronize)(stream), "cuStreamSynchronize");
    std::vector<uint16_t> hg(kRows * kN), hu(kRows * kN);
    check(CU(cuMemcpyDtoH)(hg.data(), gate.ptr, hg.size() * 2), "cuMemcpyDtoH");
    check(CU(cuMemcpyDtoH)(hu.data(), up.ptr, hu.size() * 2), "cuMemcpyDtoH");
    ggemm::aot::Tally t;
    int64_t used = 0;
    for (auto [out, weights] :
         {std::pair{&hg, &layer.w1}, std::pair{&hu, &layer.w3}}) {
      auto ref = ggemm::ref::referenceProduct(layer.problem(*weights, c));
      int64_t row = 0;
      for (int64_t g = 0; g < kGroups; ++g) {
        ggemm::aot::compare(out->data() + row * kN, ref[g], c[g], kN, kK, t);
        row += c[g];
      }
      used = row;
      int64_t spare = 0;
      for (int64_t i = used * kN; i < kRows * kN; ++i)
        spare += (*out)[i] == 0xFFFF;
      expect(spare == (kRows - used) * kN,
             std::string(what) + ": rows past the token counts were written");
    }
    std::array<int32_t, 4> s = status();
    expect(s[0] == kRows && s[2] == kRows && s[1] == flags && s[3] == flags,
           std::string(what) + ": status words are not {rows, " +
               std::to_string(flags) + "}");
    std::printf("%-9s counts [%d, %d, %d]: ", what, c[0], c[1], c[2]);
    ggemm::aot::report("", seed, t, 0);
  }
};

} // namespace

/// The host time of one `call`, in microseconds: the median over batches of
/// kBatch calls enqueued back to back. The stream drains between batches,
/// untimed, so that the GPU's work never fills the launch queue: a full
/// queue makes a launch wait for the GPU, and the time would then be the
/// kernels', not the host's.
template <typename Call>
double hostMicrosPerCall(CUstream stream, int calls, Call call) {
  constexpr int kBatch = 50;
  std::vector<double> perCall;
  for (int done = 0; done < calls; done += kBatch) {
    int n = std::min(kBatch, calls - done);
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i)
      call();
    auto stop = std::chrono::steady_clock::now();
    check(CU(cuStreamSynchronize)(stream), "cuStreamSynchronize");
    perCall.push_back(
        std::chrono::duration<double, std::micro>(stop - start).count() / n);
  }
  std::sort(perCall.begin(), perCall.end());
  return perCall[perCall.size() / 2];
}

int main(int argc, char **argv) {
  uint64_t seed = 1;
  int seeds = 2, replays = 6, calls = 1000;
  double maxHostUs = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&] { return i + 1 < argc ? argv[++i] : "0"; };
    if (arg == "--seed")
      seed = std::strtoull(next(), nullptr, 10);
    else if (arg == "--seeds")
      seeds = std::atoi(next());
    else if (arg == "--replays")
      replays = std::atoi(next());
    else if (arg == "--calls")
      calls = std::max(1, std::atoi(next()));
    else if (arg == "--max-host-us")
      maxHostUs = std::atof(next());
    else {
      std::fprintf(stderr,
                   "usage: %s [--seeds N] [--seed S] [--replays R] "
                   "[--calls C] [--max-host-us US]\n",
                   argv[0]);
      return 2;
    }
  }
  CUdevice device;
  CUcontext ctx;
  if (CU(cuInit)(0) != CUDA_SUCCESS ||
      CU(cuDeviceGet)(&device, 0) != CUDA_SUCCESS ||
      CU(cuDevicePrimaryCtxRetain)(&ctx, device) != CUDA_SUCCESS) {
    std::fprintf(stderr, "aot-stream: no usable CUDA device\n");
    return 3;
  }
  check(CU(cuCtxSetCurrent)(ctx), "cuCtxSetCurrent");
  CUstream stream;
  check(CU(cuStreamCreate)(&stream, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
  std::printf("workspace: %lld bytes\n", (long long)gate_up_workspace_bytes());
  for (int s = 0; s < seeds; ++s) {
    uint64_t sd = seed + s;
    ggemm::ref::SplitMix64 rng(sd ^ 0xc0ffee);
    Run run(sd, stream);
    // 1. Eagerly.
    std::array<int32_t, kGroups> c = {int32_t(1 + rng.below(120)), 0,
                                      int32_t(129 + rng.below(120))};
    run.prepare(c);
    run.call();
    run.checkOutputs("eager", sd, c);
    // 2. Captured once, replayed with other counts.
    CUgraph graph;
    CUgraphExec exec;
    check(CU(cuStreamBeginCapture)(stream, CU_STREAM_CAPTURE_MODE_GLOBAL),
          "cuStreamBeginCapture");
    run.call();
    check(CU(cuStreamEndCapture)(stream, &graph), "cuStreamEndCapture");
    check(CU(cuGraphInstantiate)(&exec, graph, 0), "cuGraphInstantiate");
    for (int r = 0; r < replays; ++r) {
      switch (r % 4) {
      case 0:
        c = {0, 0, 0};
        break;
      case 1:
        c = {1, 1, 1};
        break;
      case 2:
        c = {0, int32_t(kRows), 0};
        break;
      default: {
        int32_t x = int32_t(rng.below(kRows + 1));
        int32_t y = int32_t(rng.below(kRows - x + 1));
        c = {x, y, int32_t(rng.below(kRows - x - y + 1))};
      }
      }
      run.prepare(c);
      check(CU(cuGraphLaunch)(exec, stream), "cuGraphLaunch");
      run.checkOutputs("replay", sd, c);
    }
    // 3. Counts past the rows of A: clamped, flagged, nothing written
    //    past C.
    run.prepare({int32_t(kRows), int32_t(kRows), 7});
    check(CU(cuGraphLaunch)(exec, stream), "cuGraphLaunch");
    check(CU(cuStreamSynchronize)(stream), "cuStreamSynchronize");
    std::array<int32_t, 4> st = run.status();
    expect(st[1] == 1 && st[3] == 1,
           "overrun: the kernels did not flag counts past the rows of A");
    std::printf("overrun   counts [%d, %d, 7]: status flags %d, %d\n", kRows,
                kRows, st[1], st[3]);
    // 3b. A negative count: an empty group, flagged (bit 1), no trap; the
    //     other groups where the counts before them put them.
    run.prepare({5, -4, 9});
    check(CU(cuGraphLaunch)(exec, stream), "cuGraphLaunch");
    run.checkOutputs("negative", sd, {5, 0, 9}, 2);
    check(CU(cuGraphExecDestroy)(exec), "cuGraphExecDestroy");
    check(CU(cuGraphDestroy)(graph), "cuGraphDestroy");
    // 4. Host time per call, back to back on the stream.
    run.prepare({64, 64, 64});
    double us = hostMicrosPerCall(stream, calls, [&] { run.call(); });
    std::printf("host time per call: %.2f us (%d calls, two launches each "
                "plus their setup kernels)\n",
                us, calls);
    // ... and of @gate, one ggemm op (two map encodes, the setup kernel,
    // the kernel), which the budget is about.
    Buffer gateWs{size_t(gate_workspace_bytes())};
    M1 gateWorkspace =
        denseMemRef<1>(gateWs.data(), {int64_t(gateWs.bytes)});
    run.callGate(gateWorkspace);
    check(CU(cuStreamSynchronize)(stream), "cuStreamSynchronize");
    double gateUs = hostMicrosPerCall(stream, calls,
                                      [&] { run.callGate(gateWorkspace); });
    std::printf("host time per call of one ggemm op: %.2f us (%d calls)\n",
                gateUs, calls);
    if (maxHostUs > 0)
      expect(gateUs <= maxHostUs,
             "host time per call of one ggemm op above --max-host-us");
  }
  check(CU(cuStreamDestroy)(stream), "cuStreamDestroy");
  int64_t driverErrors = ggemmMgpuErrorCount();
  expect(driverErrors == 0,
         "libGGemmMGPU reported " + std::to_string(driverErrors) + " error(s)");
  std::printf("%s\n",
              ggemm::aot::failures ? "FAILED" : "all outputs pass the check");
  return ggemm::aot::failures ? 1 : 0;
}
