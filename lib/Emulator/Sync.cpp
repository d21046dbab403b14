//===- Sync.cpp - barriers, collectives and thread exit ---------------------===//
//
// bar.sync / bar.arrive on the 16 named barriers (a barrier also merges
// what its participants observed of mbarrier phases), the .sync.aligned
// warp and warpgroup collectives (elect.sync, bar.warp.sync, setmaxnreg,
// wgmma.fence / commit_group / wait_group / mma_async) and thread exit.
//
//===----------------------------------------------------------------------===//

#include "MachineImpl.h"

#include <algorithm>
#include <string>

namespace ggemm::emu {
namespace exec {

bool Launch::collectiveReady(Cta &c, uint32_t first, uint32_t count,
                             uint32_t pc) {
  for (uint32_t i = first; i < first + count && i < nThreads; ++i) {
    Thread &o = c.threads[i];
    if (o.state == Exited)
      continue;
    if (o.state != WaitColl)
      return false;
    if (o.pc != pc && code[o.pc].op != code[pc].op)
      return false; // elsewhere (a deadlock if it never resolves)
  }
  return true;
}

bool Launch::wgWaitReady(Cta &c, uint32_t wg, uint32_t n) {
  WGroup &g = c.wgroups[wg];
  // the groups must complete oldest first: count from the oldest pending
  uint32_t firstPending = g.open;
  for (uint32_t i = 0; i < g.open; ++i)
    if (g.pending[i]) {
      firstPending = i;
      break;
    }
  return g.open - firstPending <= n;
}

void Launch::runCollective(Thread &t, const Inst &in) {
  Cta &c = *t.cta;
  bool wgScope = in.op == Op::WgmmaFence || in.op == Op::WgmmaCommit ||
                 in.op == Op::WgmmaWait || in.op == Op::WgmmaMma;
  uint32_t first = wgScope ? t.lin / 128 * 128 : t.lin / 32 * 32;
  uint32_t count = wgScope ? 128 : 32;
  uint32_t pc = t.pc;
  setState(t, WaitColl);
  if (!collectiveReady(c, first, count, pc))
    return;
  uint32_t end = std::min(first + count, nThreads);
  auto releaseAll = [&]() {
    for (uint32_t i = first; i < end; ++i) {
      Thread &o = c.threads[i];
      if (o.state == WaitColl) {
        o.pc++;
        wake(o);
      }
    }
  };
  switch (in.op) {
  case Op::ElectSync: {
    // lowest non-exited lane in the member mask
    uint32_t mask = in.nOpd >= 3 ? (uint32_t)(in.o[2].kind == OpdKind::Reg
                                                  ? c.threads[first].R[in.o[2].reg]
                                                  : in.o[2].imm)
                                 : 0xffffffffu;
    int leader = -1;
    for (uint32_t i = first; i < end; ++i)
      if (c.threads[i].state == WaitColl && (mask >> (i - first) & 1)) {
        leader = (int)(i - first);
        break;
      }
    for (uint32_t i = first; i < end; ++i) {
      Thread &o = c.threads[i];
      if (o.state != WaitColl)
        continue;
      if (in.o[0].kind == OpdKind::Reg)
        o.R[in.o[0].reg] = (uint32_t)leader;
      if (in.o[1].kind == OpdKind::Reg)
        o.R[in.o[1].reg] = (int)(i - first) == leader;
    }
    releaseAll();
    return;
  }
  case Op::BarWarpSync:
  case Op::SetMaxNReg:
  case Op::WgmmaFence:
    releaseAll();
    return;
  case Op::WgmmaCommit: {
    WGroup &g = c.wgroups[first / 128];
    g.open++;
    g.pending.push_back(0);
    releaseAll();
    return;
  }
  case Op::WgmmaWait: {
    uint32_t n = (uint32_t)in.o[0].imm;
    if (wgWaitReady(c, first / 128, n)) {
      releaseAll();
      return;
    }
    for (uint32_t i = first; i < end; ++i)
      if (c.threads[i].state == WaitColl)
        setState(c.threads[i], WaitWgmma);
    return;
  }
  case Op::WgmmaMma:
    wgmmaIssue(t, in, pc);
    if (!stop)
      releaseAll();
    return;
  default:
    releaseAll();
    return;
  }
}

void Launch::barCheck(Cta &c, uint32_t id) {
  Barrier &b = c.bars[id];
  uint32_t expected = b.expected ? b.expected : c.live;
  if (b.waiting.empty() && b.arrived == 0)
    return;
  if (b.arrived < expected)
    return;
  // merge observations among the participants
  size_t nm = c.mbars.size();
  std::vector<uint64_t> obs(nm, 0);
  for (Thread *t : b.waiting)
    for (size_t i = 0; i < t->observed.size(); ++i)
      obs[i] = std::max(obs[i], t->observed[i]);
  for (Thread *t : b.waiting) {
    t->observed.resize(nm, 0);
    for (size_t i = 0; i < nm; ++i)
      t->observed[i] = std::max(t->observed[i], obs[i]);
    if (t->state == WaitBar) {
      t->pc++;
      wake(*t);
    }
  }
  b.waiting.clear();
  b.arrived = 0;
  b.expected = 0;
}

void Launch::barArrive(Thread &t, uint32_t id, uint32_t count, bool wait) {
  Cta &c = *t.cta;
  Barrier &b = c.bars[id];
  if (count) {
    if (b.expected && b.expected != count) {
      fail(t, "barrier error", "named barrier " + std::to_string(id) +
                                   " used with different thread counts");
      return;
    }
    b.expected = count;
  }
  b.arrived++;
  if (wait) {
    b.waiting.push_back(&t);
    setState(t, WaitBar);
  } else {
    t.pc++;
  }
  barCheck(c, id);
}

void Launch::threadExit(Thread &t) {
  Cta &c = *t.cta;
  checkBulkExit(t);
  if (stop)
    return;
  setState(t, Exited);
  c.live--;
  c.exited++;
  // collectives and barriers waiting for this thread
  uint32_t wf = t.lin / 32 * 32;
  for (uint32_t i = wf; i < std::min(wf + 32, nThreads); ++i)
    if (c.threads[i].state == WaitColl) {
      Thread &o = c.threads[i];
      if (collectiveReady(c, wf, 32, o.pc) &&
          code[o.pc].op != Op::WgmmaMma && code[o.pc].op != Op::WgmmaFence &&
          code[o.pc].op != Op::WgmmaCommit && code[o.pc].op != Op::WgmmaWait) {
        setState(o, Ready); // re-executes and completes the collective
      }
      break;
    }
  for (uint32_t id = 0; id < 16; ++id)
    if (c.bars[id].arrived && !c.bars[id].expected)
      barCheck(c, id);
  if (c.live == 0)
    retire(&c);
}

} // namespace exec
} // namespace ggemm::emu
