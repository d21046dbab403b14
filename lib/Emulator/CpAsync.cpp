//===- CpAsync.cpp - non-bulk cp.async and cp.async.mbarrier.arrive --------===//
//
// The per-thread asynchronous copy into shared memory (PTX ISA "cp.async"):
// `cp.async.{ca,cg}.shared.global [dst], [src], cp-size{, src-size}` copies
// cp-size (4, 8 or 16; .cg only 16) bytes, the first src-size of them read
// from global memory and the rest zero, at a seeded delay; and
// `cp.async.mbarrier.arrive[.noinc].shared.b64 [mbar]`, which makes an
// arrive-on on the mbarrier once every cp.async the thread issued before it
// has completed. Without .noinc the mbarrier's pending count is first
// raised by one, so the arrive-on completes no phase on its own; with
// .noinc it is one of the arrivals the mbarrier was initialised to expect.
//
// The copies share the TMA copies' shadow state (tmaRecs, tmaTag): a
// shared read of their bytes before the reader observed the phase of the
// tracking mbarrier, or of bytes no cp.async.mbarrier.arrive tracks, is a
// "TMA race". Async-groups (cp.async.commit_group / wait_group) are not
// emulated.
//
//===----------------------------------------------------------------------===//

#include "MachineImpl.h"

#include <cstring>
#include <sstream>

namespace ggemm::emu {
namespace exec {

bool Launch::execCpAsync(Thread &t, const Inst &in) {
  uint64_t dst = addressOf(t, in.o[0]), src = addressOf(t, in.o[1]);
  uint64_t size = val(t, in.o[2]);
  uint64_t srcSize = in.nOpd > 3 ? val(t, in.o[3]) : size;
  bool cg = in.aux == 1;
  if (!(size == 4 || size == 8 || size == 16) || (cg && size != 16)) {
    fail(t, "cp.async error", "cp.async copies 4, 8 or 16 bytes (.cg: 16)");
    return false;
  }
  if (srcSize > size) {
    fail(t, "cp.async error", "cp.async src-size is larger than cp-size");
    return false;
  }
  if (dst % size || src % size) {
    std::ostringstream os;
    os << "cp.async of " << size << " bytes from 0x" << std::hex << src
       << " to shared 0x" << dst << " (both must be " << std::dec << size
       << "-byte aligned)";
    fail(t, "misaligned access", os.str());
    return false;
  }
  if (dst < kSharedReserved || dst + size > sharedSize) {
    fail(t, "out-of-bounds access",
         "cp.async destination outside the CTA's shared memory");
    return false;
  }
  if (srcSize && !M.ptr(src, srcSize)) {
    std::ostringstream os;
    os << "cp.async reads global [0x" << std::hex << src << ", +" << std::dec
       << srcSize << ") outside every allocation";
    fail(t, "out-of-bounds access", os.str());
    return false;
  }
  // No mbarrier until a cp.async.mbarrier.arrive of this thread.
  AsyncOp *op = newSharedFill(t, AKind::CpAsync, (uint32_t)dst,
                              (uint32_t)size, -1);
  op->gdst = src;
  op->size = (uint32_t)srcSize;
  t.cpUntracked.push_back(op->rec);
  return true;
}

void Launch::completeCpAsync(AsyncOp &op) {
  Cta &c = *op.cta;
  if (c.done && !c.live)
    return;
  if (!checkSmemOverwrite(*op.thread, op.dst, op.dst + op.bytes, &op))
    return;
  uint8_t *to = c.shared.data() + op.dst;
  std::memset(to, 0, op.bytes);
  if (op.size) {
    const uint8_t *from = M.ptr(op.gdst, op.size);
    if (!from) {
      failIssued(op, "out-of-bounds access",
                 "cp.async source no longer allocated");
      return;
    }
    std::memcpy(to, from, op.size);
  }
  TmaRec &r = c.tmaRecs[op.rec];
  r.done = true;
  if (r.arrival < 0)
    return;
  CpArrival &a = c.cpArrivals[r.arrival];
  if (--a.left == 0)
    mbarArrive(*a.thread, c, c.mbars[a.mbar], 1);
}

bool Launch::execCpAsyncArrive(Thread &t, const Inst &in) {
  uint32_t win;
  if (!mbarWindow(t, in.o[0], in.space, win))
    return false;
  Mbar *mb = mbarAt(t, win, "cp.async.mbarrier.arrive");
  if (!mb)
    return false;
  Cta &c = *t.cta;
  int32_t id = c.mbarAt[win / 8] - 1;
  if (!in.aux)
    mb->pending++; // without .noinc: the arrive-on is an extra arrival
  CpArrival a;
  a.mbar = id;
  a.thread = &t;
  int32_t index = (int32_t)c.cpArrivals.size();
  // The thread's copies so far complete (for readers) in the mbarrier's
  // current phase: it cannot complete before this arrive-on.
  for (uint32_t rec : t.cpUntracked) {
    TmaRec &r = c.tmaRecs[rec];
    r.mbar = id;
    r.phase = mb->phase;
    if (!r.done) {
      r.arrival = index;
      a.left++;
    }
  }
  t.cpUntracked.clear();
  if (a.left == 0)
    return mbarArrive(t, c, *mb, 1);
  c.cpArrivals.push_back(a);
  return true;
}

void Launch::checkCpAsyncExit(Thread &t) {
  if (t.cpUntracked.empty())
    return;
  fail(t, "pending cp.async at exit",
       "the thread exits with cp.async copies no cp.async.mbarrier.arrive "
       "tracks (nothing can tell a reader they completed)");
}

} // namespace exec
} // namespace ggemm::emu
