//===- AsyncUnits.cpp - TMA, bulk stores and wgmma --------------------------===//
//
// The asynchronous units: issuing a TMA tile load (cp.async.bulk.tensor,
// with the tensor-map checks) and a bulk store (cp.async.bulk), issuing a
// wgmma.mma_async for a warpgroup (its accumulators computed at issue and
// written back at completion), completing an operation when its seeded
// delay has passed (completeOp), and bulk async-group waits.
//
//===----------------------------------------------------------------------===//

#include "MachineImpl.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace ggemm::emu {
namespace exec {

void Launch::completeOp(uint32_t i) {
  AsyncOp &op = ops[i];
  Cta &c = *op.cta;
  c.asyncInFlight--;
  if (op.kind == AKind::Tc05Cp || op.kind == AKind::Tc05Mma ||
      op.kind == AKind::Tc05Commit) {
    completeTcgen05(op);
  } else if (op.kind == AKind::CpAsync) {
    completeCpAsync(op);
  } else if (op.kind == AKind::BulkLoad) {
    if ((!c.done || c.live) &&
        checkSmemOverwrite(*op.thread, op.dst, op.dst + op.bytes, &op)) {
      const uint8_t *src = M.ptr(op.gdst, op.bytes);
      if (!src) {
        failIssued(op, "out-of-bounds access",
                   "bulk copy source no longer allocated");
      } else {
        std::memcpy(c.shared.data() + op.dst, src, op.bytes);
        c.tmaRecs[op.rec].done = true;
        c.tmaRecs[op.rec].phase = c.mbars[op.mbar].phase;
        completeTx(c, op.mbar, op.bytes, op);
      }
    }
  } else if (op.kind == AKind::Tma) {
    if (!c.done || c.live) {
      if (!checkSmemOverwrite(*op.thread, op.dst, op.dst + op.bytes, &op)) {
        freeOps.push_back(i);
        return;
      }
      uint32_t written = 0;
      auto rd = [this](uint64_t a, void *d, size_t n) {
        uint8_t *p = M.ptr(a, n);
        if (!p)
          return false;
        std::memcpy(d, p, n);
        return true;
      };
      std::string e = sem::tmaTileLoad(op.map, op.coords, rd, c.shared.data(),
                                       0, sharedSize, op.dst, written);
      if (!e.empty()) {
        failIssued(op, "TMA error", e);
      } else {
        c.tmaRecs[op.rec].done = true;
        c.tmaRecs[op.rec].phase = c.mbars[op.mbar].phase;
        completeTx(c, op.mbar, op.bytes, op);
      }
    }
  } else if (op.kind == AKind::Bulk) {
    uint8_t *dst = M.ptr(op.gdst, op.size);
    if (!dst)
      failIssued(op, "out-of-bounds access", "bulk store destination "
                                             "outside every allocation");
    else
      std::memcpy(dst, c.shared.data() + op.src, op.size);
    Thread &t = *op.thread;
    t.bulkPending[op.group]--;
    if (t.state == WaitBulk && tryBulkWait(t)) {
      t.pc++;
      wake(t);
    }
  } else {
    // wgmma: write the accumulators, in issue order per warpgroup
    uint32_t n2 = (uint32_t)op.slots.size();
    for (uint32_t th = 0; th < 128; ++th) {
      uint32_t lin = op.wg * 128 + th;
      if (lin >= nThreads)
        break;
      Thread &t = c.threads[lin];
      for (uint32_t j = 0; j < n2; ++j) {
        int32_t s = op.slots[j];
        t.R[s] = fromF(op.acc[th * n2 + j]);
        if (t.busy[s] && --t.busy[s] == 0)
          --t.busyCount;
      }
      for (int32_t s : op.aSlots)
        if (s >= 0 && t.busy[s] && --t.busy[s] == 0)
          --t.busyCount;
    }
    WGroup &g = c.wgroups[op.wg];
    g.pending[op.wgGroup]--;
    // wake a waiting warpgroup
    uint32_t first = op.wg * 128;
    if (first < nThreads && c.threads[first].state == WaitWgmma) {
      const Inst &in = code[c.threads[first].pc];
      uint32_t n = (uint32_t)in.o[0].imm;
      if (wgWaitReady(c, op.wg, n)) {
        for (uint32_t l = first; l < std::min(first + 128, nThreads); ++l)
          if (c.threads[l].state == WaitWgmma) {
            c.threads[l].pc++;
            wake(c.threads[l]);
          }
      }
    }
  }
  freeOps.push_back(i);
  if (c.done && c.asyncInFlight == 0 && c.live == 0) {
    c.shared.clear();
    c.shared.shrink_to_fit();
  }
}

bool Launch::tryBulkWait(Thread &t) {
  const Inst &in = code[t.pc];
  uint64_t n = in.nOpd ? (uint64_t)in.o[0].imm : 0;
  // all committed groups except the newest n must be complete
  uint32_t committed = t.bulkOpen; // groups [0, bulkOpen) are committed
  uint32_t limit = committed > n ? committed - (uint32_t)n : 0;
  for (uint32_t g = t.bulkWaited; g < limit; ++g)
    if (t.bulkPending[g])
      return false;
  t.bulkWaited = std::max(t.bulkWaited, limit);
  return true;
}

void Launch::wgmmaIssue(Thread &t, const Inst &in, uint32_t pc) {
  Cta &c = *t.cta;
  uint32_t wg = t.lin / 128, first = wg * 128;
  if (first + 128 > nThreads) {
    fail(t, "wgmma error", "wgmma issued by an incomplete warpgroup");
    return;
  }
  for (uint32_t i = first; i < first + 128; ++i)
    if (c.threads[i].state == Exited) {
      fail(t, "wgmma error", "wgmma issued while a thread of the warpgroup "
                             "has exited");
      return;
    }
  uint32_t n = (uint32_t)in.aux;
  uint32_t n2 = n / 2;
  const Operand &accO = in.o[0];
  if (accO.kind != OpdKind::Vec || accO.count != n2) {
    fail(t, "wgmma error", "wrong accumulator count");
    return;
  }
  Thread &l = c.threads[first];
  auto val = [&](const Operand &o) -> uint64_t {
    if (o.kind == OpdKind::Reg)
      return o.count ? (l.R[o.reg] == 0) : l.R[o.reg];
    return (uint64_t)o.imm;
  };
  sem::WgmmaF16Op op;
  op.n = (int)n;
  op.input = (in.flags & F_Shared) ? sem::WgmmaInput::BF16 : sem::WgmmaInput::F16;
  std::vector<uint32_t> aRegs;
  int idx = 1;
  bool aFromRegs = in.o[1].kind == OpdKind::Vec;
  if (aFromRegs) {
    if (in.o[1].count != 4) {
      fail(t, "wgmma error", "A fragment must be 4 registers");
      return;
    }
    aRegs.resize(128 * 4);
    for (uint32_t th = 0; th < 128; ++th)
      for (int j = 0; j < 4; ++j)
        aRegs[th * 4 + j] =
            (uint32_t)c.threads[first + th].R[in.vec[in.o[1].vec + j]];
    op.aRegs = aRegs.data();
  } else
    op.descA = val(in.o[1]);
  idx = 2;
  op.descB = val(in.o[idx++]);
  op.scaleD = idx < in.nOpd ? val(in.o[idx++]) != 0 : true;
  op.scaleA = idx < in.nOpd ? (int)(int64_t)val(in.o[idx++]) : 1;
  op.scaleB = idx < in.nOpd ? (int)(int64_t)val(in.o[idx++]) : 1;
  if (!aFromRegs)
    op.transA = idx < in.nOpd ? val(in.o[idx++]) != 0 : false;
  op.transB = idx < in.nOpd ? val(in.o[idx++]) != 0 : false;
  // checks: every shared byte the operands read
  auto checkDesc = [&](uint64_t desc, bool mn, uint32_t rows,
                       const char *what) {
    sem::MatrixDescriptor d = sem::decodeMatrixDescriptor(desc);
    uint32_t lastG = ~0u;
    for (uint32_t r = 0; r < rows; ++r)
      for (uint32_t k = 0; k < 16; ++k) {
        uint32_t a = sem::wgmmaElementAddress(d, mn, r, k);
        if (a / kGranule == lastG)
          continue;
        lastG = a / kGranule;
        if (!checkAsyncRead(t, a, 2, what))
          return false;
      }
    return true;
  };
  if (!aFromRegs && !checkDesc(op.descA, op.transA, 64, "wgmma operand A"))
    return;
  if (!checkDesc(op.descB, op.transB, n, "wgmma operand B"))
    return;
  uint32_t oi = newOp();
  AsyncOp &a = ops[oi];
  a.kind = AKind::Wgmma;
  a.cta = &c;
  a.thread = &t;
  a.wg = wg;
  a.inst = pc;
  a.slots.resize(n2);
  for (uint32_t j = 0; j < n2; ++j)
    a.slots[j] = in.vec[accO.vec + j];
  // A's registers, like the accumulators, are the wgmma's until
  // wgmma.wait_group retires it: an instruction touching one before is a
  // race (the PTX ISA leaves it undefined).
  a.aSlots.clear();
  if (aFromRegs)
    for (int j = 0; j < 4; ++j)
      a.aSlots.push_back(in.vec[in.o[1].vec + j]);
  a.acc.resize(128 * n2);
  for (uint32_t th = 0; th < 128; ++th) {
    Thread &o = c.threads[first + th];
    if (o.busy.empty()) {
      o.busy.assign(K.numSlots, 0);
      o.shadow.assign(K.numSlots, 0);
    }
    for (uint32_t j = 0; j < n2; ++j) {
      int32_t s = a.slots[j];
      a.acc[th * n2 + j] = asF(o.busy[s] ? o.shadow[s] : o.R[s]);
    }
  }
  std::string e = sem::wgmmaF16(op, c.shared.data(), 0, sharedSize,
                                a.acc.data());
  if (!e.empty()) {
    fail(t, "wgmma error", e);
    return;
  }
  for (uint32_t th = 0; th < 128; ++th) {
    Thread &o = c.threads[first + th];
    for (uint32_t j = 0; j < n2; ++j) {
      int32_t s = a.slots[j];
      o.shadow[s] = fromF(a.acc[th * n2 + j]);
      if (o.busy[s]++ == 0)
        ++o.busyCount;
    }
    for (int32_t s : a.aSlots)
      if (s >= 0 && o.busy[s]++ == 0)
        ++o.busyCount;
  }
  WGroup &g = c.wgroups[wg];
  a.wgGroup = g.open;
  g.pending[g.open]++;
  c.asyncInFlight++;
  uint64_t due = std::max(now + delay(1, 24), g.lastDue);
  g.lastDue = due;
  schedule(oi, due);
}

bool Launch::execTma(Thread &t, const Inst &in) {
  uint64_t *R = t.R;
  const Operand &d = in.o[0], &a = in.o[1];
  const Operand &mo = in.op == Op::TmaLoad ? a : d;
  uint64_t mapAddr = (mo.reg >= 0 ? R[mo.reg] : 0) + (uint64_t)mo.imm;
  if (in.op == Op::PrefetchTensormap && in.space == Space::Param)
    return true;
  uint8_t *mp = M.ptr(mapAddr, 128);
  if (!mp) {
    fail(t, "out-of-bounds access", "tensor map address outside every "
                                    "allocation");
    return false;
  }
  if (mapAddr % 64) {
    fail(t, "misaligned access", "tensor map not 64-byte aligned");
    return false;
  }
  if (M.hostWrittenOverlaps(mapAddr, mapAddr + 128)) {
    bool fenced = false;
    for (auto &r : t.tmFenced)
      if (r.first <= mapAddr && mapAddr + 128 <= r.second)
        fenced = true;
    if (!fenced) {
      std::ostringstream os;
      os << "the tensor map at 0x" << std::hex << mapAddr
         << " was written by the host; this thread uses it without "
            "fence.proxy.tensormap::generic.acquire on its 128 bytes";
      fail(t, "missing tensormap fence", os.str());
      return false;
    }
  }
  if (in.op == Op::PrefetchTensormap)
    return true;
  TiledMapSpec map;
  if (!decodeTiledMap(mp, map)) {
    fail(t, "TMA error", "the bytes at the tensor map address are not an "
                         "encoded tensor map");
    return false;
  }
  if (map.rank != (uint32_t)in.aux) {
    fail(t, "TMA error", "tensor map rank " + std::to_string(map.rank) +
                             " used by a " + std::to_string(in.aux) +
                             "d copy");
    return false;
  }
  // cp.async.bulk.prefetch.tensor: a hint to bring the box into L2. It
  // changes no value; its map is checked (above) as a load's would be.
  if (in.op == Op::TmaPrefetch)
    return true;
  uint64_t dsta = (d.reg >= 0 ? R[d.reg] : 0) + (uint64_t)d.imm;
  const Operand &bo = in.o[2];
  uint64_t mba = (bo.reg >= 0 ? R[bo.reg] : 0) + (uint64_t)bo.imm;
  uint32_t bytes = sem::tmaBoxBytes(map);
  uint32_t al = sem::tmaSharedAlignment(map);
  if (dsta % al) {
    std::ostringstream os;
    os << "TMA destination 0x" << std::hex << dsta << std::dec
       << " is not " << al << "-byte aligned";
    fail(t, "misaligned access", os.str());
    return false;
  }
  AsyncOp *op = issueSharedFill(t, AKind::Tma, dsta, bytes, mba, "TMA",
                                "cp.async.bulk.tensor complete_tx");
  if (!op)
    return false;
  op->map = map;
  for (int j = 0; j < in.aux && j < 5; ++j)
    op->coords[j] = (int32_t)R[in.vec[mo.vec2 + j]];
  return true;
}

bool Launch::checkBulkOperands(Thread &t, uint64_t dst, uint64_t src,
                               uint64_t size, uint64_t global,
                               const char *globalWhat) {
  std::string e = sem::checkBulkCopy(dst, src, size);
  if (!e.empty()) {
    fail(t, "misaligned access", e);
    return false;
  }
  if (!M.ptr(global, size)) {
    fail(t, "out-of-bounds access",
         std::string(globalWhat) + " outside every allocation");
    return false;
  }
  return true;
}

bool Launch::execBulkStore(Thread &t, const Inst &in) {
  uint64_t *R = t.R;
  const Operand &d = in.o[0], &a = in.o[1], &b = in.o[2];
  uint64_t gdst = (d.reg >= 0 ? R[d.reg] : 0) + (uint64_t)d.imm;
  uint64_t src = (a.reg >= 0 ? R[a.reg] : 0) + (uint64_t)a.imm;
  uint64_t size = val(t, b);
  if (!checkBulkOperands(t, gdst, src, size, gdst, "bulk store destination"))
    return false;
  if (!checkAsyncRead(t, (uint32_t)src, (uint32_t)size,
                      "cp.async.bulk store source"))
    return false;
  uint32_t oi = newOp();
  AsyncOp &op = ops[oi];
  op.kind = AKind::Bulk;
  op.cta = t.cta;
  op.thread = &t;
  op.inst = t.pc;
  op.gdst = gdst;
  op.src = (uint32_t)src;
  op.size = (uint32_t)size;
  op.group = t.bulkOpen;
  t.bulkPending[t.bulkOpen]++;
  t.bulkIssued[t.bulkOpen]++;
  t.cta->asyncInFlight++;
  schedule(oi, now + delay(2, 48));
  return true;
}

} // namespace exec
} // namespace ggemm::emu

namespace ggemm::emu {
namespace exec {

/// cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes
/// [dst], [src], size, [mbar] (PTX ISA "cp.async.bulk"): `size` bytes
/// from global memory into the CTA's shared memory, completing `size`
/// transaction bytes on the mbarrier. Tracked like a TMA copy: reading the
/// bytes before observing the mbarrier's phase is a "TMA race".
bool Launch::execBulkLoad(Thread &t, const Inst &in) {
  uint64_t dst = addressOf(t, in.o[0]), src = addressOf(t, in.o[1]),
           mba = addressOf(t, in.o[3]);
  uint64_t size = val(t, in.o[2]);
  if (!checkBulkOperands(t, dst, src, size, src, "bulk copy source"))
    return false;
  AsyncOp *op = issueSharedFill(t, AKind::BulkLoad, dst, size, mba,
                                "bulk copy", "cp.async.bulk complete_tx");
  if (!op)
    return false;
  op->gdst = src; // the global source
  return true;
}

AsyncOp *Launch::issueSharedFill(Thread &t, AKind kind, uint64_t dst,
                                 uint64_t size, uint64_t mba,
                                 const char *copy, const char *mbarUse) {
  if (dst < kSharedReserved || dst + size > sharedSize) {
    fail(t, "out-of-bounds access", std::string(copy) +
                                        " destination outside the CTA's "
                                        "shared memory");
    return nullptr;
  }
  Mbar *mb = mbarAt(t, (uint32_t)mba, mbarUse);
  if (!mb)
    return nullptr;
  return newSharedFill(t, kind, (uint32_t)dst, (uint32_t)size,
                       t.cta->mbarAt[(uint32_t)mba / 8] - 1);
}

AsyncOp *Launch::newSharedFill(Thread &t, AKind kind, uint32_t dst,
                               uint32_t size, int32_t mbar) {
  Cta &c = *t.cta;
  uint32_t oi = newOp();
  AsyncOp &op = ops[oi];
  op.kind = kind;
  op.cta = &c;
  op.thread = &t;
  op.inst = t.pc;
  op.dst = dst;
  op.bytes = size;
  op.mbar = mbar;
  TmaRec rec;
  rec.mbar = mbar;
  rec.cp = kind == AKind::CpAsync;
  c.tmaRecs.push_back(rec);
  op.rec = (uint32_t)c.tmaRecs.size() - 1;
  for (uint32_t g = op.dst / kGranule;
       g < (op.dst + op.bytes + kGranule - 1) / kGranule; ++g) {
    c.tmaTag[g] = op.rec + 1;
    c.genWriter[g] = 0;
  }
  c.asyncInFlight++;
  schedule(oi, now + delay(2, 64));
  return &op;
}

} // namespace exec
} // namespace ggemm::emu
