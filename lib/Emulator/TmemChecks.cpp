//===- TmemChecks.cpp - the tcgen05 checks that span instructions --------===//
//
// Guards: what an in-flight tcgen05.cp or tcgen05.mma reads (shared memory,
// Tensor Memory scale factors) or writes (Tensor Memory), from its issue
// until the tcgen05.commit that covers it arrives on its mbarrier. Until
// then a generic store or a TMA copy into a guarded shared range, a
// tcgen05.cp into guarded scale columns, a tcgen05.ld of columns being
// written, and a dealloc of guarded columns are checker events: the PTX
// ISA orders none of them after the operation without the commit.
//
// Fences (PTX ISA 9.7.16.6.4, tcgen05.fence, and the memory consistency
// model's tcgen05 patterns), checked as follows:
//  - before_thread_sync: a thread that issued tcgen05 work (alloc, cp,
//    mma, commit, ld, st; not dealloc or relinquish_alloc_permit, whose
//    effects no other thread consumes) and then
//    arrives at a thread sync (bar.sync / bar.arrive / barrier, an
//    mbarrier.arrive) must have executed tcgen05.fence::before_thread_sync
//    in between.
//  - after_thread_sync: a thread sync "orders tcgen05 work" when the
//    completed mbarrier phase had an arrival from a tcgen05.commit or from
//    a thread that had issued tcgen05 work, or when a participant of the
//    CTA barrier had. A thread that completes such a sync (a successful
//    mbarrier try_wait/test_wait, the release of bar.sync) and then issues
//    tcgen05 work (dealloc, cp, mma, commit, ld, st) must have executed
//    tcgen05.fence::after_thread_sync in between.
//  - a thread that executed tcgen05.ld (tcgen05.st) must execute
//    tcgen05.wait::ld (wait::st) before it arrives at a thread sync: the
//    loads (stores) are complete only then.
// Also here: Tensor Memory still allocated when the CTA's last thread
// exits.
//
//===----------------------------------------------------------------------===//

#include "MachineImpl.h"

#include <algorithm>
#include <sstream>

namespace ggemm::emu {
namespace exec {

void Launch::addGuard(Cta &c, GuardKind k, const Thread &t, uint64_t seq,
                      uint32_t lo, uint32_t hi, const char *what) {
  c.guards.push_back({k, t.lin, seq, lo, hi, t.pc, what});
  if (k != GuardKind::SmemRead)
    return;
  if (c.smemGuarded.empty())
    c.smemGuarded.assign((sharedSize + kGranule - 1) / kGranule, 0);
  for (uint32_t g = lo / kGranule; g < (hi + kGranule - 1) / kGranule; ++g)
    c.smemGuarded[g]++;
}

const Guard *Launch::findGuard(const Cta &c, GuardKind k, uint32_t lo,
                               uint32_t hi) const {
  for (const Guard &g : c.guards)
    if (g.kind == k && g.lo < hi && lo < g.hi)
      return &g;
  return nullptr;
}

void Launch::releaseGuards(Cta &c, uint32_t thread, uint64_t seqBelow) {
  auto done = [&](const Guard &g) {
    return g.thread == thread && g.seq < seqBelow;
  };
  for (const Guard &g : c.guards)
    if (done(g) && g.kind == GuardKind::SmemRead)
      for (uint32_t x = g.lo / kGranule; x < (g.hi + kGranule - 1) / kGranule;
           ++x)
        c.smemGuarded[x]--;
  c.guards.erase(std::remove_if(c.guards.begin(), c.guards.end(), done),
                 c.guards.end());
}

std::string Launch::guardText(const Guard &g) const {
  std::ostringstream os;
  os << "the " << g.what << " issued at " << locate(mod.name, code[g.pc].line)
     << " by thread " << g.thread;
  return os.str();
}

bool Launch::checkSmemOverwrite(Thread &t, uint32_t lo, uint32_t hi,
                                const AsyncOp *writer) {
  Cta &c = *t.cta;
  if (c.smemGuarded.empty() || !opt.fenceChecks)
    return true;
  bool any = false;
  for (uint32_t g = lo / kGranule; g < (hi + kGranule - 1) / kGranule && !any;
       ++g)
    any = c.smemGuarded[g] != 0;
  if (!any)
    return true;
  const Guard *g = findGuard(c, GuardKind::SmemRead, lo, hi);
  if (!g)
    return true;
  std::ostringstream os;
  os << (writer ? "a TMA copy writes" : "a store writes") << " shared [0x"
     << std::hex << lo << ", 0x" << hi << std::dec << ") that "
     << guardText(*g) << " reads; its tcgen05.commit has not arrived";
  if (writer)
    failIssued(*writer, "tcgen05 operand overwritten", os.str());
  else
    fail(t, "tcgen05 operand overwritten", os.str());
  return false;
}

bool Launch::tcCheckAfterFence(Thread &t) {
  if (!t.tcNeedAfter || !opt.fenceChecks)
    return true;
  fail(t, "missing tcgen05.fence::after_thread_sync",
       "tcgen05 work issued after a thread sync that orders tcgen05 work (" +
           locate(mod.name, code[t.tcSyncPc].line) +
           ") without tcgen05.fence::after_thread_sync in between");
  return false;
}

bool Launch::tcCheckBeforeSync(Thread &t, const char *what) {
  if (!opt.fenceChecks)
    return true;
  // a tcgen05.ld or tcgen05.st the thread has not waited for
  // (tcgen05.wait::ld / ::st), and what the thread sync would then expose
  struct NotWaited {
    bool pending;
    const char *op, *why;
  };
  for (const NotWaited &n :
       {NotWaited{t.ldNotWaited, "ld",
                  "the threads it releases may overwrite the cells still "
                  "being read"},
        NotWaited{t.stPending, "st",
                  "the cells are not yet written for the threads it "
                  "synchronizes with"}})
    if (n.pending) {
      fail(t,
           std::string("tcgen05.") + n.op + " not waited before a thread sync",
           std::string("the thread ") + what + " with a tcgen05." + n.op +
               " it has not waited for (tcgen05.wait::" + n.op + "): " +
               n.why);
      return false;
    }
  if (!t.tcDirty)
    return true;
  fail(t, "missing tcgen05.fence::before_thread_sync",
       std::string("the thread issued tcgen05 work and ") + what +
           " without tcgen05.fence::before_thread_sync since");
  return false;
}

bool Launch::checkTmemAtExit(Thread &t) {
  Cta &c = *t.cta;
  if (!c.tmem || c.tmem->allocs.empty())
    return true;
  std::ostringstream os;
  os << "the CTA's last thread exits with Tensor Memory allocated (";
  for (size_t i = 0; i < c.tmem->allocs.size(); ++i)
    os << (i ? ", " : "") << c.tmem->allocs[i].second << " columns at "
       << c.tmem->allocs[i].first;
  os << "); tcgen05.dealloc must free it";
  fail(t, "TMEM allocated at exit", os.str());
  return false;
}

} // namespace exec
} // namespace ggemm::emu
