//===- driver.cpp - runs the compiled two-layer MoE block -----------------===//
//
// Links two compilations of moe_block.mlir (docs/whole-program.md):
//
//   _mlir_ciface_moe_block      raised by ggemm-raise into two rows<offsets>
//                               ggemm ops, lowered either on the CPU
//                               (convert-ggemm-to-loops) or for the GPU
//                               (ggemm-pipeline{host=launch}: kernels and
//                               host code; built with GGEMM_MOE_GPU)
//   _mlir_ciface_moe_block_ref  the same program, not raised, lowered with
//                               upstream passes only
//
// For each seed and token count it draws fresh inputs (every e2m1 code,
// e4m3 scales over several binades, skewed expert offsets with an empty
// expert), calls both and compares every f16 output of a routed row bit
// for bit. The two calls share nothing but the inputs: the raised one reads
// e2m1 codes packed two per byte (ggemm's storage), the other one code per
// byte (upstream's). Exit status 0 only if every output matches.
//
// Built with GGEMM_MOE_STREAM (scripts/build-moe.sh stream), the raised
// program is the whole block on the GPU, on a stream the driver owns
// (ggemm-pipeline{host=stream}: the elementwise work as upstream-outlined
// kernels, every launch and buffer on the stream argument, the result
// stream-ordered device memory). Each token count is then also captured
// into a CUDA graph, which is replayed with new expert offsets written
// into the same device buffer, each replay checked against the reference
// on the new offsets; the host time of a call and of a replay are printed.
//
//   moe-block [--seed S] [--tokens T[,T...]] [--replays R]
//
//===----------------------------------------------------------------------===//

#include "../aot/MemRefDescriptor.h"

#ifdef GGEMM_MOE_GPU
#include "ggemm/Runtime/MGPU.h"
#endif
#ifdef GGEMM_MOE_STREAM
#include <cuda.h>

#include <chrono>
#endif

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

// The example's sizes (gen_moe_block.py).
constexpr int64_t kHidden = 256, kInter = 128, kExperts = 4;

using M1 = MemRef<1>;
using M2 = MemRef<2>;
using M3 = MemRef<3>;

} // namespace

extern "C" {
#ifdef GGEMM_MOE_STREAM
void _mlir_ciface_moe_block(M2 *result, M2 *x, M2 *sx, M1 *offs, M3 *w1,
                            M3 *s1, M3 *w2, M3 *s2, void *stream,
                            M1 *workspace);
int64_t moe_block_workspace_bytes();
#else
void _mlir_ciface_moe_block(M2 *result, M2 *x, M2 *sx, M1 *offs, M3 *w1,
                            M3 *s1, M3 *w2, M3 *s2);
#endif
void _mlir_ciface_moe_block_ref(M2 *result, M2 *x, M2 *sx, M1 *offs, M3 *w1,
                                M3 *s1, M3 *w2, M3 *s2);
}

/// Upstream's lowering of memref.copy between buffers that are not both
/// contiguous (bufferization's copies into a slice of a loop's output)
/// calls this runtime function (MLIR's CRunnerUtils has one; this program
/// links no MLIR library). Its arguments are unranked memrefs: the rank and
/// a ranked descriptor {allocated, aligned, offset, sizes[rank],
/// strides[rank]}.
extern "C" void memrefCopy(int64_t elementBytes, const int64_t *source,
                           const int64_t *target) {
  struct View {
    int64_t rank;
    const char *base;
    const int64_t *sizes, *strides;
  };
  auto view = [&](const int64_t *unranked) {
    const auto *descriptor =
        reinterpret_cast<const int64_t *>(unranked[1]); // {rank, pointer}
    int64_t rank = unranked[0];
    const char *aligned = reinterpret_cast<const char *>(descriptor[1]);
    return View{rank, aligned + descriptor[2] * elementBytes, descriptor + 3,
                descriptor + 3 + rank};
  };
  View from = view(source), to = view(target);
  int64_t count = 1;
  for (int64_t d = 0; d < from.rank; ++d)
    count *= from.sizes[d];
  // Every element in row-major order of the shape both share.
  for (int64_t i = 0; i < count; ++i) {
    int64_t rest = i, fromAt = 0, toAt = 0;
    for (int64_t d = from.rank - 1; d >= 0; --d) {
      int64_t index = rest % from.sizes[d];
      rest /= from.sizes[d];
      fromAt += index * from.strides[d];
      toAt += index * to.strides[d];
    }
    std::memcpy(const_cast<char *>(to.base) + toAt * elementBytes,
                from.base + fromAt * elementBytes, size_t(elementBytes));
  }
}

namespace {

/// Memory the raised program's operands live in: managed memory (which its
/// kernels and its host code both address) on the GPU build, host memory
/// on the CPU build; freed by freeOperandMemory.
void *operandMemory(size_t bytes) {
  bytes = bytes ? bytes : 1; // no tokens: still a buffer to point at
#ifdef GGEMM_MOE_GPU
  void *p = mgpuMemAlloc(bytes, nullptr, /*isHostShared=*/true);
#else
  void *p = std::malloc(bytes);
#endif
  if (!p) {
    std::fprintf(stderr, "moe-block: no memory for %zu bytes\n", bytes);
    std::exit(2);
  }
  return p;
}

void freeOperandMemory(void *p) {
#ifdef GGEMM_MOE_GPU
  mgpuMemFree(p, nullptr);
#else
  std::free(p);
#endif
}

/// One NVFP4 tensor of `elements` codes: the codes (one per byte, 0..15)
/// and its scales.
struct Quantized {
  std::vector<uint8_t> codes, scales;
};

Quantized draw(std::mt19937 &rng, int64_t elements) {
  Quantized q;
  std::uniform_int_distribution<int> code(0, 15);
  // Non-negative e4m3 scales from 2^-4 to just under 2: bit 7 clear
  // (ggemm reads UE4M3), exponent fields 3..7, any mantissa.
  std::uniform_int_distribution<int> scale(0x18, 0x3f);
  q.codes.resize(elements);
  for (uint8_t &c : q.codes)
    c = uint8_t(code(rng));
  q.scales.resize(elements / 16);
  for (uint8_t &s : q.scales)
    s = uint8_t(scale(rng));
  return q;
}

/// Packed e2m1 storage: code 2i in the low nibble of byte i.
std::vector<uint8_t> pack(const std::vector<uint8_t> &codes) {
  std::vector<uint8_t> bytes(codes.size() / 2);
  for (size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = uint8_t(codes[2 * i] | codes[2 * i + 1] << 4);
  return bytes;
}

/// Every buffer a call placed, freed after it.
struct Placed {
  std::vector<void *> operand, host;
  ~Placed() {
    for (void *p : operand)
      freeOperandMemory(p);
    for (void *p : host)
      std::free(p);
  }
};

/// A copy of `bytes`: in operand memory for the raised program, in host
/// memory for the other.
void *place(Placed &placed, const std::vector<uint8_t> &bytes, bool operand) {
  void *p = operand ? operandMemory(bytes.size())
                    : std::malloc(bytes.size() ? bytes.size() : 1);
  (operand ? placed.operand : placed.host).push_back(p);
  std::copy(bytes.begin(), bytes.end(), static_cast<uint8_t *>(p));
  return p;
}

/// Expert end rows for `tokens` routed rows: skewed, expert 1 empty, the
/// last ending at `tokens`.
std::vector<int32_t> offsets(std::mt19937 &rng, int64_t tokens) {
  std::vector<int32_t> ends(kExperts);
  std::uniform_int_distribution<int64_t> cut(0, tokens);
  int64_t a = cut(rng), b = cut(rng);
  if (a > b)
    std::swap(a, b);
  ends[0] = int32_t(a);
  ends[1] = int32_t(a); // empty
  ends[2] = int32_t(b);
  ends[3] = int32_t(tokens);
  return ends;
}

struct Operands {
  M2 x, sx;
  M1 offs;
  M3 w1, s1, w2, s2;
};

/// The descriptors of both programs over the same values: `packed` gives
/// e2m1 codes two per byte, with the innermost size halved.
Operands describe(Placed &placed, const Quantized &x,
                  const std::vector<int32_t> &offs, const Quantized &w1,
                  const Quantized &w2, int64_t tokens, bool packed) {
  auto codes = [&](const Quantized &q) {
    return place(placed, packed ? pack(q.codes) : q.codes, packed);
  };
  auto scales = [&](const Quantized &q) {
    return place(placed, q.scales, packed);
  };
  int64_t half = packed ? 2 : 1;
  std::vector<uint8_t> offBytes(offs.size() * 4);
  std::memcpy(offBytes.data(), offs.data(), offBytes.size());
  Operands o;
  o.x = denseMemRef<2>(codes(x), {tokens, kHidden / half});
  o.sx = denseMemRef<2>(scales(x), {tokens, kHidden / 16});
  o.offs = denseMemRef<1>(place(placed, offBytes, packed), {kExperts});
  o.w1 = denseMemRef<3>(codes(w1), {kExperts, 2 * kInter, kHidden / half});
  o.s1 = denseMemRef<3>(scales(w1), {kExperts, 2 * kInter, kHidden / 16});
  o.w2 = denseMemRef<3>(codes(w2), {kExperts, kHidden, kInter / half});
  o.s2 = denseMemRef<3>(scales(w2), {kExperts, kHidden, kInter / 16});
  return o;
}

/// Fresh inputs for `tokens` tokens and both programs' operands over them
/// (`raised`: e2m1 packed, in operand memory; `plain`: host memory), and
/// the expert offsets.
void drawOperands(std::mt19937 &rng, int64_t tokens, Placed &placed,
                  Operands &raised, Operands &plain,
                  std::vector<int32_t> &offs) {
  Quantized x = draw(rng, tokens * kHidden);
  Quantized w1 = draw(rng, kExperts * 2 * kInter * kHidden);
  Quantized w2 = draw(rng, kExperts * kHidden * kInter);
  offs = offsets(rng, tokens);
  raised = describe(placed, x, offs, w1, w2, tokens, /*packed=*/true);
  plain = describe(placed, x, offs, w1, w2, tokens, /*packed=*/false);
}

/// Compares the raised program's f16 result `got` (host memory, row-major
/// [tokens, hidden]) with the reference's on the routed rows; prints one
/// line, `what` first. True if every output has the same bits.
bool compare(const char *what, const uint16_t *got, const M2 &want,
             const std::vector<int32_t> &offs, int64_t tokens) {
  bool shapes = want.sizes[0] == tokens && want.sizes[1] == kHidden;
  int64_t routed = offs.back(), same = 0, nonzero = 0, nan = 0;
  const auto *w = static_cast<const uint16_t *>(want.aligned) + want.offset;
  for (int64_t r = 0; shapes && r < routed; ++r)
    for (int64_t c = 0; c < kHidden; ++c) {
      uint16_t a = got[r * kHidden + c], b = w[r * want.strides[0] + c];
      same += a == b;
      nonzero += (b & 0x7fff) != 0;
      nan += (b & 0x7c00) == 0x7c00 && (b & 0x3ff) != 0;
      if (a != b && same + 8 > r * kHidden + c)
        std::printf("  MISMATCH row %lld col %lld: 0x%04x, want 0x%04x\n",
                    (long long)r, (long long)c, a, b);
    }
  int64_t total = routed * kHidden;
  std::printf("%s, %lld tokens, expert ends [%d, %d, %d, %d]: %lld of "
              "%lld f16 outputs bit-identical (%lld nonzero, %lld NaN)%s\n",
              what, (long long)tokens, offs[0], offs[1], offs[2], offs[3],
              (long long)same, (long long)total, (long long)nonzero,
              (long long)nan, shapes ? "" : "; WRONG RESULT SHAPE");
  return shapes && same == total;
}

/// The reference on `plain`'s operands (host memory, one code a byte).
M2 reference(Placed &placed, Operands &plain) {
  M2 want{};
  _mlir_ciface_moe_block_ref(&want, &plain.x, &plain.sx, &plain.offs,
                             &plain.w1, &plain.s1, &plain.w2, &plain.s2);
  placed.host.push_back(want.allocated);
  return want;
}

#ifdef GGEMM_MOE_STREAM
/// A driver call of the graph API, checked.
bool cu(CUresult result, const char *call) {
  if (result == CUDA_SUCCESS)
    return true;
  const char *name = nullptr;
  cuGetErrorName(result, &name);
  std::printf("  %s failed: %s\n", call, name ? name : "unknown");
  return false;
}

/// The stream build: one call on the driver's stream, then one CUDA graph
/// of a call replayed `replays` times with new offsets, each result checked.
bool runOnce(uint32_t seed, int64_t tokens, int replays) {
  std::mt19937 rng(seed);
  std::vector<int32_t> offs;
  Placed placed;
  Operands raised, plain;
  drawOperands(rng, tokens, placed, raised, plain, offs);
  void *stream = mgpuStreamCreate();
  int64_t wsBytes = moe_block_workspace_bytes();
  void *wsMemory = mgpuMemAlloc(uint64_t(wsBytes), nullptr, false);
  M1 ws = denseMemRef<1>(wsMemory, {wsBytes});
  std::vector<uint16_t> host(size_t(tokens * kHidden));
  auto fetch = [&](const M2 &y) {
    mgpuMemcpy(host.data(),
               static_cast<uint16_t *>(y.aligned) + y.offset,
               host.size() * 2, stream);
    mgpuStreamSynchronize(stream);
  };
  auto call = [&](M2 &y) {
    _mlir_ciface_moe_block(&y, &raised.x, &raised.sx, &raised.offs,
                           &raised.w1, &raised.s1, &raised.w2, &raised.s2,
                           stream, &ws);
  };
  char what[96];
  bool ok = true;

  // Eager, on the stream; the result is the caller's to free on it.
  M2 y{};
  call(y);
  mgpuStreamSynchronize(stream);
  fetch(y);
  std::snprintf(what, sizeof(what), "seed %u stream", seed);
  ok &= y.sizes[0] == tokens &&
        compare(what, host.data(), reference(placed, plain), offs, tokens);
  mgpuMemFree(y.allocated, stream);

  // Host time of a call: enqueueing only, the stream drained after.
  constexpr int kCalls = 50;
  std::vector<M2> results(kCalls);
  auto start = std::chrono::steady_clock::now();
  for (M2 &r : results)
    call(r);
  double hostUs = std::chrono::duration<double, std::micro>(
                      std::chrono::steady_clock::now() - start)
                      .count() /
                  kCalls;
  for (M2 &r : results)
    mgpuMemFree(r.allocated, stream);
  mgpuStreamSynchronize(stream);

  // One graph of a call; its result buffer is a graph allocation, freed
  // by the next replay (auto-free on launch).
  CUgraph graph = nullptr;
  CUgraphExec exec = nullptr;
  M2 gy{};
  ok &= cu(cuStreamBeginCapture(static_cast<CUstream>(stream),
                                CU_STREAM_CAPTURE_MODE_THREAD_LOCAL),
           "cuStreamBeginCapture");
  call(gy);
  ok &= cu(cuStreamEndCapture(static_cast<CUstream>(stream), &graph),
           "cuStreamEndCapture") &&
        cu(cuGraphInstantiate(&exec, graph,
                              CUDA_GRAPH_INSTANTIATE_FLAG_AUTO_FREE_ON_LAUNCH),
           "cuGraphInstantiate");
  double replayUs = 0;
  for (int r = 0; ok && r < replays; ++r) {
    // New expert offsets in the same device buffer (managed memory: the
    // stream is idle), and in the reference's.
    std::vector<int32_t> next = offsets(rng, tokens);
    std::memcpy(raised.offs.aligned, next.data(), next.size() * 4);
    std::memcpy(plain.offs.aligned, next.data(), next.size() * 4);
    auto before = std::chrono::steady_clock::now();
    ok &= cu(cuGraphLaunch(exec, static_cast<CUstream>(stream)),
             "cuGraphLaunch");
    replayUs += std::chrono::duration<double, std::micro>(
                    std::chrono::steady_clock::now() - before)
                    .count();
    mgpuStreamSynchronize(stream);
    fetch(gy);
    std::snprintf(what, sizeof(what), "seed %u graph replay %d", seed, r);
    ok &= compare(what, host.data(), reference(placed, plain), next, tokens);
  }
  if (exec) {
    mgpuMemFree(gy.allocated, stream); // the last replay's result
    mgpuStreamSynchronize(stream);
    cuGraphExecDestroy(exec);
  }
  if (graph)
    cuGraphDestroy(graph);
  std::printf("%lld tokens: host time %.1f us per call (%d calls), %.1f us "
              "per graph replay\n",
              (long long)tokens, hostUs, kCalls,
              replays ? replayUs / replays : 0.0);
  mgpuMemFree(wsMemory, nullptr);
  mgpuStreamDestroy(stream);
  return ok;
}
#else
/// One call of each program on fresh inputs; true if every routed row's
/// f16 outputs have the same bits.
bool runOnce(uint32_t seed, int64_t tokens, int) {
  std::mt19937 rng(seed);
  std::vector<int32_t> offs;
  Placed placed;
  Operands raised, plain;
  drawOperands(rng, tokens, placed, raised, plain, offs);
  M2 got{};
  _mlir_ciface_moe_block(&got, &raised.x, &raised.sx, &raised.offs,
                         &raised.w1, &raised.s1, &raised.w2, &raised.s2);
  M2 want = reference(placed, plain);
  // The result is the caller's: in operand memory (managed memory on the
  // GPU build).
  placed.operand.push_back(got.allocated);
  if (got.sizes[0] != tokens || got.sizes[1] != kHidden ||
      got.strides[0] != kHidden) {
    std::printf("seed %u: WRONG RESULT SHAPE\n", seed);
    return false;
  }
  char what[32];
  std::snprintf(what, sizeof(what), "seed %u", seed);
  return compare(what,
                 static_cast<const uint16_t *>(got.aligned) + got.offset,
                 want, offs, tokens);
}
#endif

} // namespace

int main(int argc, char **argv) {
  uint32_t seed = 1;
  int replays = 3;
  std::vector<int64_t> tokens = {37, 160};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--seed" && i + 1 < argc) {
      seed = uint32_t(std::strtoul(argv[++i], nullptr, 10));
    } else if (arg == "--replays" && i + 1 < argc) {
      replays = std::atoi(argv[++i]);
    } else if (arg == "--tokens" && i + 1 < argc) {
      tokens.clear();
      for (char *s = argv[++i]; *s;) {
        tokens.push_back(std::strtoll(s, &s, 10));
        if (*s == ',')
          ++s;
      }
    } else {
      std::fprintf(stderr, "usage: moe-block [--seed S] [--tokens T,...] "
                           "[--replays R]\n");
      return 2;
    }
  }
  bool ok = true;
  for (size_t i = 0; i < tokens.size(); ++i)
    ok &= runOnce(seed + uint32_t(i), tokens[i], replays);
#ifdef GGEMM_MOE_GPU
  if (int64_t errors = ggemmMgpuErrorCount()) {
    std::printf("%lld failed driver calls\n", (long long)errors);
    ok = false;
  }
#endif
  std::printf(ok ? "PASS\n" : "FAIL\n");
  return ok ? 0 : 1;
}
