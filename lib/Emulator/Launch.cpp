//===- Launch.cpp - one launch: residency and scheduling --------------------===//
//
// Setting up a launch (parameters, the shared-memory layout), making CTAs
// resident (all of them for a cooperative launch, else at most 4 at a
// time), the special registers, and the scheduler: warps picked at random
// from a seeded generator and run for short random quanta, asynchronous
// operations completing at their due time, deadlock detection.
//
//===----------------------------------------------------------------------===//

#include "MachineImpl.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace ggemm::emu {
namespace exec {

uint64_t Launch::special(const Thread &t, int id) const {
  const Cta &c = *t.cta;
  switch (id) {
  case SR_TidX: return t.tid[0];
  case SR_TidY: return t.tid[1];
  case SR_TidZ: return t.tid[2];
  case SR_NTidX: return cfg.block[0];
  case SR_NTidY: return cfg.block[1];
  case SR_NTidZ: return cfg.block[2];
  case SR_CtaidX: return c.id[0];
  case SR_CtaidY: return c.id[1];
  case SR_CtaidZ: return c.id[2];
  case SR_NCtaidX: return cfg.grid[0];
  case SR_NCtaidY: return cfg.grid[1];
  case SR_NCtaidZ: return cfg.grid[2];
  case SR_LaneId: return t.lin % 32;
  case SR_WarpId: return t.lin / 32;
  case SR_NWarpId: return (nThreads + 31) / 32;
  case SR_SmId: return c.linear % 132;
  case SR_NSmId: return 132;
  case SR_ClusterIdX: return c.id[0] / cfg.cluster[0];
  case SR_ClusterIdY: return c.id[1] / cfg.cluster[1];
  case SR_ClusterIdZ: return c.id[2] / cfg.cluster[2];
  case SR_NClusterIdX: return cfg.grid[0] / cfg.cluster[0];
  case SR_NClusterIdY: return cfg.grid[1] / cfg.cluster[1];
  case SR_NClusterIdZ: return cfg.grid[2] / cfg.cluster[2];
  case SR_ClusterCtaIdX: return c.id[0] % cfg.cluster[0];
  case SR_ClusterCtaIdY: return c.id[1] % cfg.cluster[1];
  case SR_ClusterCtaIdZ: return c.id[2] % cfg.cluster[2];
  case SR_ClusterNCtaIdX: return cfg.cluster[0];
  case SR_ClusterNCtaIdY: return cfg.cluster[1];
  case SR_ClusterNCtaIdZ: return cfg.cluster[2];
  case SR_ClusterCtaRank:
    return c.id[0] % cfg.cluster[0] +
           cfg.cluster[0] * (c.id[1] % cfg.cluster[1] +
                             cfg.cluster[1] * (c.id[2] % cfg.cluster[2]));
  case SR_ClusterNCtaRank:
    return cfg.cluster[0] * cfg.cluster[1] * cfg.cluster[2];
  case SR_IsExplicitCluster:
    return cfg.cluster[0] * cfg.cluster[1] * cfg.cluster[2] > 1;
  case SR_Clock: case SR_Clock64: case SR_GlobalTimer: return now * 64 + executed;
  case SR_LaneMaskEq: return 1u << (t.lin % 32);
  case SR_LaneMaskLt: return (1u << (t.lin % 32)) - 1;
  case SR_LaneMaskLe: return (uint32_t)((2ull << (t.lin % 32)) - 1);
  case SR_LaneMaskGt: return (uint32_t)~((2ull << (t.lin % 32)) - 1);
  case SR_LaneMaskGe: return (uint32_t)~((1u << (t.lin % 32)) - 1);
  case SR_DynSmemSize: return cfg.dynamicSharedBytes;
  case SR_TotalSmemSize: return sharedSize;
  }
  return 0;
}

std::string Launch::setup(const std::vector<std::vector<uint8_t>> &params) {
  for (int i = 0; i < 3; ++i) {
    if (!cfg.grid[i] || !cfg.block[i] || !cfg.cluster[i])
      return "launch: zero grid, block or cluster dimension";
    if (cfg.grid[i] % cfg.cluster[i])
      return "launch: grid not a multiple of the cluster";
  }
  nThreads = cfg.block[0] * cfg.block[1] * cfg.block[2];
  if (nThreads > 1024)
    return "launch: more than 1024 threads per CTA";
  uint64_t nc = (uint64_t)cfg.grid[0] * cfg.grid[1] * cfg.grid[2];
  if (nc > (1u << 24))
    return "launch: grid too large for the emulator";
  nCtas = (uint32_t)nc;
  if (params.size() != K.paramBytes.size())
    return "launch: kernel '" + K.name + "' takes " +
           std::to_string(K.paramBytes.size()) + " parameters, got " +
           std::to_string(params.size());
  param.assign(K.paramTotal, 0);
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].size() != K.paramBytes[i])
      return "launch: parameter " + std::to_string(i) + " has " +
             std::to_string(params[i].size()) + " bytes, expected " +
             std::to_string(K.paramBytes[i]);
    std::memcpy(param.data() + K.paramOffsets[i], params[i].data(),
                params[i].size());
  }
  // Shared window: [0, 1024) reserved, static symbols, then the dynamic
  // array; the seed decides whether the dynamic array is 1024-aligned or
  // only 16-aligned (the ISA guarantees 16).
  uint32_t stat = kSharedReserved + K.staticShared;
  dynBase = (stat + 1023) / 1024 * 1024;
  std::mt19937_64 lay(opt.seed * 0x9E3779B97F4A7C15ull + 7);
  if ((lay() >> 40) & 1)
    dynBase += 16 * (uint32_t)(1 + lay() % 63);
  sharedSize = dynBase + cfg.dynamicSharedBytes;
  if (sharedSize - kSharedReserved > kMaxShared + 1024)
    return "launch: " + std::to_string(sharedSize - kSharedReserved) +
           " bytes of shared memory per CTA exceed the limit";
  symAddr.resize(K.syms.size());
  for (size_t i = 0; i < K.syms.size(); ++i)
    symAddr[i] = K.syms[i].dynamic ? dynBase
                                   : kSharedReserved + (uint32_t)K.syms[i].address;
  code = K.code;
  for (auto &in : code)
    for (auto &o : in.o)
      if (o.sym <= -2 && o.sym > -100) {
        o.imm += symAddr[-2 - o.sym];
        o.sym = -1;
      }
  residentLimit = cfg.cooperative ? nCtas : std::min<uint32_t>(nCtas, 4);
  gfences.assign(nCtas, {});
  return "";
}

Cta *Launch::admit(uint32_t linear) {
  auto c = std::make_unique<Cta>();
  Cta &C = *c;
  C.linear = linear;
  C.id[0] = linear % cfg.grid[0];
  C.id[1] = linear / cfg.grid[0] % cfg.grid[1];
  C.id[2] = linear / cfg.grid[0] / cfg.grid[1];
  C.shared.resize(sharedSize);
  // uninitialised shared memory: a seed-dependent pattern
  uint8_t fill = (uint8_t)(0xA5 ^ (opt.seed * 31 + linear));
  std::memset(C.shared.data(), fill, sharedSize);
  uint32_t gr = (sharedSize + kGranule - 1) / kGranule;
  C.tmaTag.assign(gr, 0);
  C.genWriter.assign(gr, 0);
  C.genEpoch.assign(gr, 0);
  C.mbarAt.assign(sharedSize / 8 + 1, 0);
  uint32_t ns = std::max<uint32_t>(K.numSlots, 1);
  C.regs.assign((size_t)ns * nThreads, 0);
  uint32_t H = std::max<uint32_t>(opt.historyLength, 1);
  C.hist.assign((size_t)H * nThreads, 0);
  C.threads.resize(nThreads);
  uint32_t nw = (nThreads + 31) / 32;
  C.warps.resize(nw);
  C.wgroups.resize((nw + 3) / 4);
  for (auto &g : C.wgroups)
    g.pending.assign(1, 0);
  for (uint32_t w = 0; w < nw; ++w) {
    C.warps[w].cta = &C;
    C.warps[w].first = w * 32;
    C.warps[w].count = std::min<uint32_t>(32, nThreads - w * 32);
  }
  for (uint32_t i = 0; i < nThreads; ++i) {
    Thread &t = C.threads[i];
    t.lin = i;
    t.tid[0] = i % cfg.block[0];
    t.tid[1] = i / cfg.block[0] % cfg.block[1];
    t.tid[2] = i / cfg.block[0] / cfg.block[1];
    t.R = C.regs.data() + (size_t)i * ns;
    t.hist = C.hist.data() + (size_t)i * H;
    t.cta = &C;
    t.warp = &C.warps[i / 32];
    t.state = Exited; // setState below counts it
    t.bulkPending.assign(1, 0);
    t.bulkIssued.assign(1, 0);
    setState(t, Ready);
  }
  C.live = nThreads;
  ++liveCtas;
  ctas.push_back(std::move(c));
  return &C;
}

void Launch::retire(Cta *c) {
  c->done = true;
  --liveCtas;
}

std::string Launch::run(const std::vector<std::vector<uint8_t>> &params,
                        LaunchStats *stats) {
  auto t0 = std::chrono::steady_clock::now();
  if (auto e = setup(params); !e.empty())
    return e;
  while (nextCta < nCtas && liveCtas < residentLimit)
    admit(nextCta++);
  std::vector<Warp *> pick;
  while (!stop) {
    while (!events.empty() && events.top().due <= now && !stop) {
      Event ev = events.top();
      events.pop();
      completeOp(ev.op);
    }
    if (stop)
      break;
    if (runnable.empty()) {
      if (!events.empty()) {
        now = std::max(now, events.top().due);
        continue;
      }
      // admit more CTAs if residents finished
      if (liveCtas < residentLimit && nextCta < nCtas) {
        while (nextCta < nCtas && liveCtas < residentLimit)
          admit(nextCta++);
        continue;
      }
      if (liveCtas == 0 && nextCta >= nCtas)
        break;
      reportDeadlock();
      break;
    }
    Warp &w = *runnable[rng() % runnable.size()];
    uint32_t q = 1 + (uint32_t)(rng() % 32);
    Cta &c = *w.cta;
    uint32_t start = (uint32_t)(rng() % w.count);
    for (uint32_t i = 0; i < w.count && !stop; ++i) {
      Thread &t = c.threads[w.first + (start + i) % w.count];
      if (t.state == Ready)
        step(t, q);
    }
    now++;
    if (opt.maxInstructions && executed > opt.maxInstructions && !stop) {
      error = "launch: stopped after " + std::to_string(executed) +
              " instructions (Options::maxInstructions)";
      stop = true;
    }
    // free finished CTAs
    if (liveCtas < ctas.size()) {
      for (size_t i = 0; i < ctas.size();)
        if (ctas[i]->done && ctas[i]->asyncInFlight == 0) {
          ctas[i] = std::move(ctas.back());
          ctas.pop_back();
        } else
          ++i;
    }
  }
  if (stats) {
    stats->instructions = executed;
    stats->seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - t0)
                         .count();
  }
  return error;
}

} // namespace exec
} // namespace ggemm::emu
