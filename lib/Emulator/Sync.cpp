//===- Sync.cpp - barriers, collectives and thread exit ---------------------===//
//
// bar.sync / bar.arrive on the 16 named barriers (a barrier also merges
// what its participants observed of mbarrier phases), the .sync.aligned
// warp and warpgroup collectives (elect.sync, bar.warp.sync, setmaxnreg,
// wgmma.fence / commit_group / wait_group / mma_async) and thread exit.
// elect.sync and bar.warp.sync synchronize only the threads of their
// membermask; the others synchronize the whole warp (warpgroup).
//
//===----------------------------------------------------------------------===//

#include "MachineImpl.h"

#include <algorithm>
#include <string>

namespace ggemm::emu {
namespace exec {

bool Launch::collectiveReady(Cta &c, uint32_t first, uint32_t count,
                             uint32_t pc, uint32_t mask) {
  for (uint32_t i = first; i < first + count && i < nThreads; ++i) {
    if (!(mask >> ((i - first) & 31) & 1))
      continue; // not a member: elect.sync / bar.warp.sync membermask
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

uint32_t Launch::collectiveMask(const Thread &t, const Inst &in) const {
  // PTX ISA: elect.sync d|p, membermask; bar.warp.sync membermask. The
  // collective synchronizes the threads named in membermask only; the
  // executing thread belongs to its own mask (else the behaviour is
  // undefined: the emulator counts it in).
  uint32_t mask = ~0u;
  if (in.op == Op::ElectSync && in.nOpd >= 3)
    mask = (uint32_t)val(t, in.o[2]);
  else if (in.op == Op::BarWarpSync && in.nOpd >= 1)
    mask = (uint32_t)val(t, in.o[0]);
  else
    return ~0u;
  return mask | 1u << (t.lin & 31);
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
  // setmaxnreg, like the wgmma collectives, is executed by a whole
  // warpgroup (PTX ISA: every warp of it executes the same setmaxnreg).
  bool wgScope = in.op == Op::WgmmaFence || in.op == Op::WgmmaCommit ||
                 in.op == Op::WgmmaWait || in.op == Op::WgmmaMma ||
                 in.op == Op::SetMaxNReg;
  uint32_t first = wgScope ? t.lin / 128 * 128 : t.lin / 32 * 32;
  uint32_t count = wgScope ? 128 : 32;
  uint32_t pc = t.pc;
  uint32_t mask = collectiveMask(t, in);
  setState(t, WaitColl);
  if (!collectiveReady(c, first, count, pc, mask))
    return;
  uint32_t end = std::min(first + count, nThreads);
  auto member = [&](uint32_t i) {
    Thread &o = c.threads[i];
    return o.state == WaitColl && (mask >> ((i - first) & 31) & 1);
  };
  // These collectives are .aligned (wgmma.*.sync.aligned,
  // setmaxnreg.sync.aligned, tcgen05.alloc and friends): every thread of
  // the warpgroup (warp) executes the same instruction. collectiveReady
  // takes a member waiting at another instruction of the same kind, a copy
  // a compiler can make by duplicating code into divergent paths: for
  // these that is an error (the aligned named barriers' version of it hung
  // an H100: barArrive).
  bool aligned = wgScope || in.op == Op::Tc05Alloc ||
                 in.op == Op::Tc05Dealloc || in.op == Op::Tc05Relinquish;
  for (uint32_t i = first; aligned && i < end; ++i) {
    const Thread &o = c.threads[i];
    if (member(i) && o.pc != pc) {
      fail(t, "collective error",
           "the " + std::string(wgScope ? "warpgroup" : "warp") +
               " of thread " + std::to_string(t.lin) + " reaches an aligned " +
               "collective at two instructions (lines " +
               std::to_string(code[o.pc].line) + " and " +
               std::to_string(code[pc].line) +
               "): .aligned needs every thread at one instruction");
      return;
    }
  }
  auto releaseAll = [&]() {
    for (uint32_t i = first; i < end; ++i) {
      Thread &o = c.threads[i];
      if (member(i)) {
        o.pc++;
        wake(o);
      }
    }
  };
  switch (in.op) {
  case Op::ElectSync: {
    // the leader: the lowest lane of membermask that executes the
    // instruction (predicated-off and exited members are not waited for)
    int leader = -1;
    for (uint32_t i = first; i < end; ++i)
      if (member(i)) {
        leader = (int)(i - first);
        break;
      }
    for (uint32_t i = first; i < end; ++i) {
      Thread &o = c.threads[i];
      if (!member(i))
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
  case Op::Tc05Alloc:
  case Op::Tc05Dealloc:
  case Op::Tc05Relinquish:
    // once for the warp, by the thread that completed the collective
    tcgen05Collective(t, in);
    if (stop)
      return;
    // alloc's result (the address in shared memory) is what other threads
    // use after a thread sync: it is tcgen05 work the fences must order.
    // dealloc and relinquish_alloc_permit produce nothing others read.
    if (in.op == Op::Tc05Alloc)
      for (uint32_t i = first; i < end; ++i)
        if (member(i))
          c.threads[i].tcEver = c.threads[i].tcDirty = true;
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
  // merge observations among the participants; a participant's tcgen05
  // work makes the others owe tcgen05.fence::after_thread_sync
  bool tc = b.tc;
  b.tc = false;
  // GlobalOrder.cpp: the barrier passes the latest acquire to everyone
  // (bar.arrive releases too: PTX's producer-consumer pattern is
  // st.shared; bar.arrive in the producer, bar.sync; ld.shared in the
  // consumer.)
  uint64_t stamp = ++gclock, acquire = b.arrivedAcquire;
  for (Thread *t : b.waiting)
    acquire = std::max(acquire, t->acquire);
  size_t nm = c.mbars.size();
  std::vector<uint64_t> obs(nm, 0);
  for (size_t i = 0; i < std::min(nm, b.arrivedObserved.size()); ++i)
    obs[i] = b.arrivedObserved[i];
  for (Thread *t : b.waiting)
    for (size_t i = 0; i < t->observed.size(); ++i)
      obs[i] = std::max(obs[i], t->observed[i]);
  for (Thread *t : b.waiting) {
    t->observed.resize(nm, 0);
    for (size_t i = 0; i < nm; ++i)
      t->observed[i] = std::max(t->observed[i], obs[i]);
    t->barTime = stamp;
    t->acquire = std::max(t->acquire, acquire);
    if (tc) {
      t->tcNeedAfter = true;
      t->tcSyncPc = t->pc;
    }
    if (t->state == WaitBar) {
      t->pc++;
      wake(*t);
    }
  }
  b.waiting.clear();
  b.arrivedObserved.clear();
  b.arrivedAcquire = 0;
  b.alignedAt.clear();
  b.arrived = 0;
  b.expected = 0;
}

void Launch::barArrive(Thread &t, uint32_t id, uint32_t count, bool wait,
                       bool aligned) {
  Cta &c = *t.cta;
  Barrier &b = c.bars[id];
  // The .aligned forms (bar.sync, bar.arrive, barrier.*.aligned) need every
  // thread of a warp at the same instruction (the PTX ISA leaves anything
  // else undefined). A warp whose lanes reached bar.arrive by two
  // instructions, as when a compiler duplicates it into divergent paths,
  // hung an H100 (test/Emulator/probe-divergent-arrive.test).
  // A warp may arrive more than once at one instance: then every lane's
  // n-th arrival must be at the same instruction (the emulator runs lanes
  // one at a time, so one may be ahead of the others).
  if (aligned) {
    uint32_t warp = t.lin / 32;
    auto it = std::find_if(b.alignedAt.begin(), b.alignedAt.end(),
                           [&](auto &w) { return w.warp == warp; });
    if (it == b.alignedAt.end()) {
      b.alignedAt.push_back({warp, {}, {}});
      it = std::prev(b.alignedAt.end());
    }
    uint8_t &made = it->made[t.lin % 32];
    if (made == it->pcs.size())
      it->pcs.push_back(t.pc);
    if (it->pcs[made] == t.pc) {
      ++made;
    } else {
      fail(t, "barrier error",
           "aligned named barrier " + std::to_string(id) +
               " reached by threads of warp " + std::to_string(warp) +
               " at two instructions (lines " +
               std::to_string(code[it->pcs[made]].line) + " and " +
               std::to_string(code[t.pc].line) +
               "): the .aligned form needs the whole warp at one "
               "instruction (barrier.arrive / barrier.sync without "
               ".aligned take divergent threads)");
      return;
    }
  }
  if (count) {
    if (b.expected && b.expected != count) {
      fail(t, "barrier error", "named barrier " + std::to_string(id) +
                                   " used with different thread counts");
      return;
    }
    b.expected = count;
  }
  b.arrived++;
  b.tc |= t.tcEver;
  if (wait) {
    b.waiting.push_back(&t);
    setState(t, WaitBar);
  } else {
    if (b.arrivedObserved.size() < t.observed.size())
      b.arrivedObserved.resize(t.observed.size(), 0);
    for (size_t i = 0; i < t.observed.size(); ++i)
      b.arrivedObserved[i] = std::max(b.arrivedObserved[i], t.observed[i]);
    b.arrivedAcquire = std::max(b.arrivedAcquire, t.acquire);
    t.pc++;
  }
  barCheck(c, id);
}

void Launch::threadExit(Thread &t) {
  Cta &c = *t.cta;
  checkBulkExit(t);
  checkCpAsyncExit(t);
  if (stop)
    return;
  setState(t, Exited);
  c.live--;
  c.exited++;
  // collectives waiting for this thread: one waiter of each collective
  // that is now complete re-executes it (and releases the others)
  uint32_t wf = t.lin / 32 * 32, covered = 0;
  for (uint32_t i = wf; i < std::min(wf + 32, nThreads); ++i) {
    Thread &o = c.threads[i];
    if (o.state != WaitColl || (covered >> (i - wf) & 1))
      continue;
    const Inst &oi = code[o.pc];
    if (oi.op == Op::WgmmaMma || oi.op == Op::WgmmaFence ||
        oi.op == Op::WgmmaCommit || oi.op == Op::WgmmaWait)
      continue;
    uint32_t m = collectiveMask(o, oi);
    if (!collectiveReady(c, wf, 32, o.pc, m))
      continue;
    covered |= m;
    setState(o, Ready); // re-executes and completes the collective
  }
  for (uint32_t id = 0; id < 16; ++id)
    if (c.bars[id].arrived && !c.bars[id].expected)
      barCheck(c, id);
  if (c.live == 0) {
    if (!checkTmemAtExit(t))
      return;
    retire(&c);
  }
}

} // namespace exec
} // namespace ggemm::emu
