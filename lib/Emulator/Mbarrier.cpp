//===- Mbarrier.cpp - mbarriers and transaction counts ----------------------===//
//
// The mbarrier objects of a CTA's shared memory: lookup, arrivals, the
// transaction count (expect_tx adds, complete_tx from TMA copies and
// mbarrier.complete_tx subtracts; below zero is a checker event), phase
// completion waking the waiters, and the mbarrier.* instructions (init, arrive[.expect_tx],
// expect_tx, complete_tx, try_wait / test_wait, inval). test_wait does
// not block; a thread that spins on it parks (see execMbar).
//
//===----------------------------------------------------------------------===//

#include "MachineImpl.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace ggemm::emu {
namespace exec {

Mbar *Launch::mbarAt(Thread &t, uint32_t addr, const char *what) {
  Cta &c = *t.cta;
  if (addr < kSharedReserved || addr + 8 > sharedSize || addr % 8) {
    std::ostringstream os;
    os << what << " on a bad mbarrier address 0x" << std::hex << addr;
    fail(t, addr % 8 ? "misaligned access" : "out-of-bounds access", os.str());
    return nullptr;
  }
  int32_t id = c.mbarAt[addr / 8];
  if (!id || !c.mbars[id - 1].init) {
    std::ostringstream os;
    os << what << " on an uninitialised mbarrier at 0x" << std::hex << addr;
    fail(t, "mbarrier error", os.str());
    return nullptr;
  }
  return &c.mbars[id - 1];
}

void Launch::mbarComplete(Cta &c, Mbar &b) {
  (void)c;
  b.tcLast = b.tcPhase;
  b.tcPhase = false;
  b.phase++;
  b.pending = b.expected;
  for (Thread *w : b.waiters)
    if (w->state == WaitMbar)
      wake(*w);
  b.waiters.clear();
}

bool Launch::mbarArrive(Thread &t, Cta &c, Mbar &b, int32_t count) {
  b.pending -= count;
  if (b.pending < 0) {
    std::ostringstream os;
    os << "arrival past the expected count of the mbarrier at 0x" << std::hex
       << b.addr << std::dec << " (expected " << b.expected
       << " arrivals per phase, phase " << b.phase << ")";
    fail(t, "mbarrier error", os.str());
    return false;
  }
  if (b.pending == 0 && b.tx == 0)
    mbarComplete(c, b);
  return true;
}

/// Subtracts `bytes` from the tx-count; the message of the checker event
/// when that goes past what expect_tx announced, else "" (and the phase
/// completes when no arrival and no byte is pending).
std::string Launch::txComplete(Cta &c, Mbar &b, int64_t bytes) {
  b.tx -= bytes;
  if (b.tx < 0) {
    std::ostringstream os;
    os << "transaction bytes completed past expect_tx on the mbarrier at 0x"
       << std::hex << b.addr << std::dec << " (tx-count " << b.tx
       << ", phase " << b.phase << ")";
    return os.str();
  }
  if (b.pending == 0 && b.tx == 0)
    mbarComplete(c, b);
  return "";
}

bool Launch::completeTx(Cta &c, int32_t id, int64_t bytes,
                        const AsyncOp &op) {
  std::string e = txComplete(c, c.mbars[id], bytes);
  if (!e.empty()) {
    failIssued(op, "mbarrier error", e);
    return false;
  }
  return true;
}

bool Launch::execMbarInit(Thread &t, const Inst &in) {
  uint64_t *R = t.R;
  const Operand &d = in.o[0], &a = in.o[1];
  uint64_t addr = (d.reg >= 0 ? R[d.reg] : 0) + (uint64_t)d.imm;
  bool isSh;
  uint32_t win;
  uint8_t *p = genericPtr(t, addr, 8, true, in.space, isSh, win);
  if (!p)
    return false;
  if (!isSh) {
    fail(t, "mbarrier error", "mbarrier.init on a non-shared address");
    return false;
  }
  int64_t cnt = (int64_t)val(t, a);
  if (cnt < 1 || cnt > (1 << 20) - 1) {
    fail(t, "mbarrier error", "mbarrier.init count out of range");
    return false;
  }
  // PTX ISA mbarrier.init: the current phase is 0, pending and expected
  // arrival counts are `count`, tx-count is 0. A re-initialised mbarrier
  // is a new object (a new id): what threads observed of the old one's
  // phases, and the TMA copies that completed on it, stay attached to the
  // old id. Threads waiting on the old object re-test the new one.
  Cta &c = *t.cta;
  int32_t &slot = c.mbarAt[win / 8];
  if (slot) {
    Mbar &old = c.mbars[slot - 1];
    old.init = false;
    for (Thread *w : old.waiters)
      if (w->state == WaitMbar)
        wake(*w);
    old.waiters.clear();
  }
  c.mbars.emplace_back();
  slot = (int32_t)c.mbars.size();
  Mbar &mb = c.mbars.back();
  mb.init = true;
  mb.expected = mb.pending = (int32_t)cnt;
  mb.tx = 0;
  mb.phase = 0;
  mb.addr = win;
  std::memset(p, 0, 8);
  return true;
}

bool Launch::mbarWindow(Thread &t, const Operand &ao, Space space,
                        uint32_t &win) {
  uint64_t addr = (ao.reg >= 0 ? t.R[ao.reg] : 0) + (uint64_t)ao.imm;
  win = (uint32_t)addr;
  if (space == Space::Generic) {
    uint64_t base = kSharedGenericBase + t.cta->linear * kSharedGenericStride;
    if (addr < base || addr >= base + kSharedGenericStride) {
      fail(t, "mbarrier error", "mbarrier operation on a non-shared "
                                "generic address");
      return false;
    }
    win = (uint32_t)(addr - base);
  } else if (addr >> 32) {
    fail(t, "out-of-bounds access", "shared address above 32 bits");
    return false;
  }
  return true;
}

bool Launch::execMbar(Thread &t, const Inst &in) {
  uint64_t *R = t.R;
  const Operand &d = in.o[0];
  // operands: [state|pred,] [addr], ...
  int ai = (in.op == Op::MbarExpectTx || in.op == Op::MbarCompleteTx ||
            in.op == Op::MbarInval)
               ? 0
               : 1;
  if (in.op == Op::MbarArrive && in.o[0].kind == OpdKind::Addr)
    ai = 0;
  uint32_t win;
  if (!mbarWindow(t, in.o[ai], in.space, win))
    return false;
  const char *what = in.op == Op::MbarArrive    ? "mbarrier.arrive"
                     : in.op == Op::MbarExpectTx ? "mbarrier.expect_tx"
                     : in.op == Op::MbarCompleteTx ? "mbarrier.complete_tx"
                     : in.op == Op::MbarInval      ? "mbarrier.inval"
                     : in.flags & F_TestWait       ? "mbarrier.test_wait"
                                                   : "mbarrier.try_wait";
  Mbar *mb = mbarAt(t, win, what);
  if (!mb)
    return false;
  Cta &c = *t.cta;
  if (in.op == Op::MbarInval) {
    mb->init = false;
    return true;
  }
  if (in.op != Op::MbarTryWait)
    t.spinPc = ~0u; // a side effect: the next failed test_wait does not park
  if (in.op == Op::MbarExpectTx) {
    mb->tx += (int64_t)val(t, in.o[1]);
    return true;
  }
  if (in.op == Op::MbarCompleteTx) {
    // PTX ISA mbarrier.complete_tx: decrements the tx-count by txCount
    // bytes as if that many bytes of an asynchronous transaction had
    // arrived; completes the phase when nothing else is pending.
    std::string e = txComplete(c, *mb, (int64_t)val(t, in.o[1]));
    if (!e.empty()) {
      fail(t, "mbarrier error", e);
      return false;
    }
    return true;
  }
  if (in.op == Op::MbarArrive) {
    if (!tcCheckBeforeSync(t, "arrives on an mbarrier"))
      return false;
    mb->tcPhase |= t.tcEver;
    uint64_t token = mb->phase;
    int32_t cnt = 1;
    if (in.aux == 1) { // arrive.expect_tx: [addr], txCount
      mb->tx += (int64_t)val(t, in.o[ai + 1]);
    } else if (ai + 1 < in.nOpd)
      cnt = (int32_t)val(t, in.o[ai + 1]);
    if (ai == 1)
      writeReg(t, in.o[0], token);
    if (!mbarArrive(t, c, *mb, cnt))
      return false;
    return true;
  }
  // try_wait / test_wait
  uint64_t want = val(t, in.o[2]);
  bool ok = in.aux ? ((mb->phase & 1) != (want & 1)) : (mb->phase != want);
  int32_t id = c.mbarAt[win / 8] - 1;
  if (!ok && (in.flags & F_TestWait)) {
    // test_wait does not block: it returns false at once. A thread that
    // runs the same failing test_wait on the same phase a second time,
    // with no store, atomic or mbarrier update of its own in between, is
    // spinning: it parks like try_wait until the mbarrier changes (and
    // then re-executes it), so that a spin that cannot end is a deadlock.
    bool spin = t.spinPc == t.pc && t.spinMbar == id &&
                t.spinPhase == mb->phase;
    if (!spin) {
      t.spinPc = t.pc;
      t.spinMbar = id;
      t.spinPhase = mb->phase;
      R[d.reg] = 0;
      return true;
    }
  }
  t.spinPc = ~0u;
  if (!ok) {
    mb->waiters.push_back(&t);
    t.waitMbar = id;
    setState(t, WaitMbar);
    return false; // re-executed when the barrier changes
  }
  if (t.observed.size() <= (size_t)id)
    t.observed.resize(c.mbars.size(), 0);
  t.observed[id] = std::max(t.observed[id], mb->phase);
  if (mb->tcLast) {
    t.tcNeedAfter = true;
    t.tcSyncPc = t.pc;
  }
  R[d.reg] = 1;
  return true;
}

} // namespace exec
} // namespace ggemm::emu
