//===- Checker.cpp - checker reports and checked accesses -------------------===//
//
// How a checker event is reported (fail: the event, the instruction, the
// thread and its recent history), the checked accesses to shared, global
// and parameter memory with the shadow state of shared memory (which TMA
// copy or generic-proxy writer last wrote each 16-byte granule), the
// checks of async-proxy reads and of bulk stores pending at exit, and the
// deadlock report.
//
//===----------------------------------------------------------------------===//

#include "MachineImpl.h"

#include <algorithm>
#include <sstream>

namespace ggemm::emu {
namespace exec {

std::string Launch::where(const Thread &t) const {
  std::ostringstream os;
  const Cta &c = *t.cta;
  os << "thread (" << t.tid[0] << "," << t.tid[1] << "," << t.tid[2]
     << ") warp " << t.lin / 32 << " lane " << t.lin % 32 << ", CTA ("
     << c.id[0] << "," << c.id[1] << "," << c.id[2] << ")";
  return os.str();
}

void Launch::report(const Thread &t, uint32_t pc, const std::string &kind,
                    const std::string &msg) {
  if (!error.empty())
    return;
  std::ostringstream os;
  os << "checker: " << kind << ": " << msg << "\n  at "
     << instText(std::min<uint32_t>(pc, (uint32_t)code.size() - 1)) << "\n  "
     << where(t) << "\n  history (oldest first):";
  uint32_t H = opt.historyLength;
  uint64_t n = std::min<uint64_t>(t.histCount, H);
  for (uint64_t i = 0; i < n; ++i) {
    uint32_t idx = (uint32_t)((t.histPos + H - n + i) % H);
    os << "\n    " << instText(t.hist[idx]);
  }
  error = os.str();
  stop = true;
}

void Launch::failIssued(const AsyncOp &op, const std::string &kind,
                        const std::string &msg) {
  const Thread &t = *op.thread;
  uint32_t now = std::min<uint32_t>(t.pc, (uint32_t)code.size() - 1);
  std::ostringstream os;
  os << msg << " (detected at completion: issued at "
     << locate(mod.name, code[op.inst].line) << ", completed "
     << (t.state == Exited ? "after the issuing thread exited at "
                           : "while the issuing thread was at ")
     << locate(mod.name, code[now].line) << ")";
  report(t, op.inst, kind, os.str());
}

uint8_t *Launch::sharedPtr(Thread &t, uint64_t addr, uint32_t n, bool write,
                           bool check) {
  Cta &c = *t.cta;
  if (addr < kSharedReserved || addr + n > sharedSize) {
    std::ostringstream os;
    os << "shared " << (write ? "write" : "read") << " of " << n
       << " bytes at 0x" << std::hex << addr << std::dec
       << " is outside the CTA's shared memory [0x" << std::hex
       << kSharedReserved << ", 0x" << sharedSize << ")";
    fail(t, "out-of-bounds access", os.str());
    return nullptr;
  }
  if (n && addr % n) {
    std::ostringstream os;
    os << n << "-byte shared access at 0x" << std::hex << addr;
    fail(t, "misaligned access", os.str());
    return nullptr;
  }
  uint32_t a = (uint32_t)addr;
  uint32_t g0 = a / kGranule, g1 = (a + n - 1) / kGranule;
  for (uint32_t g = g0; g <= g1; ++g) {
    if (write) {
      if (!c.smemGuarded.empty() && c.smemGuarded[g] &&
          !checkSmemOverwrite(t, a, a + n, nullptr))
        return nullptr;
      c.tmaTag[g] = 0;
      c.genWriter[g] = (uint16_t)(t.lin + 1);
      c.genEpoch[g] = t.fenceEpoch;
    } else if (check && c.tmaTag[g]) {
      const TmaRec &r = c.tmaRecs[c.tmaTag[g] - 1];
      const char *copy = r.cp ? "a cp.async copy" : "a TMA copy";
      if (r.cp && r.mbar < 0) {
        // cp.async: the reader learns of completion through the mbarrier
        // a cp.async.mbarrier.arrive of the issuer ties the copy to.
        std::ostringstream os;
        os << "shared read at 0x" << std::hex << a << std::dec
           << " of bytes a cp.async copy writes, which no "
              "cp.async.mbarrier.arrive of its thread tracks yet";
        fail(t, "TMA race", os.str());
        return nullptr;
      }
      if (!r.done) {
        std::ostringstream os;
        os << "shared read at 0x" << std::hex << a << std::dec
           << " of bytes " << copy << " is still writing (it completes on "
           << "the mbarrier at 0x" << std::hex << c.mbars[r.mbar].addr << ")";
        fail(t, "TMA race", os.str());
        return nullptr;
      }
      if (r.mbar >= 0 && (t.observed.size() <= (size_t)r.mbar ||
                          t.observed[r.mbar] <= r.phase)) {
        std::ostringstream os;
        os << "shared read at 0x" << std::hex << a << std::dec
           << " of bytes " << copy << " wrote, before this thread observed its "
              "completion (phase "
           << r.phase << " of the mbarrier at 0x" << std::hex
           << c.mbars[r.mbar].addr << std::dec
           << "; wait on it or synchronise with a thread that did)";
        fail(t, "TMA race", os.str());
        return nullptr;
      }
    }
  }
  return c.shared.data() + a;
}

uint8_t *Launch::genericPtr(Thread &t, uint64_t addr, uint32_t n, bool write,
                            Space sp, bool &isShared, uint32_t &window) {
  isShared = false;
  if (sp == Space::Shared || sp == Space::SharedCluster) {
    isShared = true;
    window = (uint32_t)addr;
    if (addr >> 32) {
      fail(t, "out-of-bounds access", "shared address above 32 bits");
      return nullptr;
    }
    return sharedPtr(t, addr, n, write, true);
  }
  if (sp == Space::Generic && addr >= kSharedGenericBase &&
      addr < kSharedGenericBase + (uint64_t)nCtas * kSharedGenericStride) {
    uint64_t cta = (addr - kSharedGenericBase) / kSharedGenericStride;
    if (cta != t.cta->linear) {
      fail(t, "out-of-bounds access",
           "generic address in another CTA's shared memory");
      return nullptr;
    }
    isShared = true;
    window = (uint32_t)(addr - kSharedGenericBase - cta * kSharedGenericStride);
    return sharedPtr(t, window, n, write, true);
  }
  if (sp == Space::Param) {
    if (addr + n > param.size()) {
      fail(t, "out-of-bounds access", "kernel parameter access past the end");
      return nullptr;
    }
    if (write) {
      fail(t, "out-of-bounds access", "store to a kernel parameter");
      return nullptr;
    }
    return param.data() + addr;
  }
  uint8_t *p = M.ptr(addr, n);
  if (!p) {
    std::ostringstream os;
    os << "global " << (write ? "write" : "read") << " of " << n
       << " bytes at 0x" << std::hex << addr
       << " is outside every allocation";
    fail(t, "out-of-bounds access", os.str());
    return nullptr;
  }
  if (n && addr % n) {
    std::ostringstream os;
    os << n << "-byte global access at 0x" << std::hex << addr;
    fail(t, "misaligned access", os.str());
    return nullptr;
  }
  return p;
}

bool Launch::checkAsyncRead(Thread &issuer, uint32_t addr, uint32_t n,
                            const char *what) {
  Cta &c = *issuer.cta;
  if (addr < kSharedReserved || (uint64_t)addr + n > sharedSize) {
    std::ostringstream os;
    os << what << " reads shared [0x" << std::hex << addr << ", +0x" << n
       << ") outside the CTA's shared memory";
    fail(issuer, "out-of-bounds access", os.str());
    return false;
  }
  uint32_t g0 = addr / kGranule, g1 = (addr + n - 1) / kGranule;
  for (uint32_t g = g0; g <= g1; ++g) {
    if (c.tmaTag[g]) {
      const TmaRec &r = c.tmaRecs[c.tmaTag[g] - 1];
      if (!r.done || r.mbar < 0 || issuer.observed.size() <= (size_t)r.mbar ||
          issuer.observed[r.mbar] <= r.phase) {
        std::ostringstream os;
        os << what << " reads shared 0x" << std::hex << g * kGranule
           << std::dec
           << (r.done ? " written by a TMA copy whose completion the issuing "
                        "thread has not observed"
                      : " while a TMA copy still writes it");
        fail(issuer, "TMA race", os.str());
        return false;
      }
    }
    if (uint16_t w = c.genWriter[g]; w && opt.fenceChecks) {
      const Thread &wt = c.threads[w - 1];
      if (wt.fenceEpoch <= c.genEpoch[g]) {
        std::ostringstream os;
        os << what << " (async proxy) reads shared 0x" << std::hex
           << g * kGranule << std::dec << " written by thread ("
           << wt.tid[0] << "," << wt.tid[1] << "," << wt.tid[2]
           << ") through the generic proxy without a later "
              "fence.proxy.async by that thread";
        fail(issuer, "missing fence.proxy.async", os.str());
        return false;
      }
    }
  }
  return true;
}

void Launch::checkBulkExit(Thread &t) {
  for (uint32_t g = t.bulkWaited; g <= t.bulkOpen; ++g)
    if (t.bulkIssued[g]) {
      fail(t, "pending bulk store at exit",
           g == t.bulkOpen
               ? "the thread exits with bulk copies it never committed and "
                 "waited for (cp.async.bulk.commit_group + wait_group)"
               : "the thread exits with committed bulk copies it did not "
                 "wait for (cp.async.bulk.wait_group[.read])");
      return;
    }
}

void Launch::reportDeadlock() {
  // the thread named: one waiting on an mbarrier if any, else any waiting
  Thread *w = nullptr;
  for (auto &c : ctas)
    for (auto &th : c->threads)
      if (!c->done && th.state != Exited && th.state != Ready &&
          (!w || (th.state == WaitMbar && w->state != WaitMbar)))
        w = &th;
  std::ostringstream os;
  os << "every live thread waits and no asynchronous operation is in "
        "flight";
  if (!w) {
    failNoThread("deadlock", os.str());
    return;
  }
  const Cta &wc = *w->cta;
  if (w->state == WaitMbar) {
    const Mbar &b = wc.mbars[w->waitMbar];
    os << "; this thread waits on the mbarrier at 0x" << std::hex << b.addr
       << std::dec << " (phase " << b.phase << " incomplete: " << b.pending
       << " of " << b.expected << " arrivals pending, tx-count " << b.tx
       << ")";
  }
  // per live CTA: how many threads wait where, grouped by instruction and
  // (for mbarriers) by the object waited on
  struct Group {
    uint8_t state;
    uint32_t pc;
    int64_t what; // mbarrier id, barrier id
    uint32_t n;
  };
  os << "; waiting threads:";
  uint32_t shown = 0, hidden = 0;
  for (auto &c : ctas) {
    if (c->done)
      continue;
    if (shown == 4) {
      ++hidden;
      continue;
    }
    std::vector<Group> gs;
    for (auto &th : c->threads) {
      if (th.state == Exited)
        continue;
      int64_t what = th.state == WaitMbar ? th.waitMbar
                     : th.state == WaitBar && code[th.pc].nOpd
                         ? (int64_t)val(th, code[th.pc].o[0])
                         : -1;
      auto g = std::find_if(gs.begin(), gs.end(), [&](const Group &x) {
        return x.state == th.state && x.pc == th.pc && x.what == what;
      });
      if (g == gs.end())
        gs.push_back({th.state, th.pc, what, 1});
      else
        g->n++;
    }
    os << "\n    CTA (" << c->id[0] << "," << c->id[1] << "," << c->id[2]
       << "):";
    for (size_t i = 0; i < gs.size(); ++i) {
      const Group &g = gs[i];
      const std::string &text = code[g.pc].text;
      os << (i ? ", " : " ") << g.n << (g.n == 1 ? " thread " : " threads ")
         << (g.state == Ready ? "ready at " : "at ")
         << text.substr(0, text.find(' '));
      if (g.state == WaitMbar)
        os << " on 0x" << std::hex << c->mbars[g.what].addr << std::dec
           << " phase " << c->mbars[g.what].phase;
      else if (g.state == WaitBar)
        os << " " << (g.what < 0 ? 0 : g.what);
      os << " (" << locate(mod.name, code[g.pc].line) << ")";
    }
    ++shown;
  }
  if (hidden)
    os << "\n    and " << hidden << " more CTAs";
  fail(*w, "deadlock", os.str());
}

} // namespace exec
} // namespace ggemm::emu
