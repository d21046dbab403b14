//===- Tcgen05.cpp - Tensor Memory and the tcgen05 instructions -----------===//
//
// The sm_100a tcgen05 instructions ggemm's kernels use, on a Tensor Memory
// of 128 lanes x 512 columns of 32-bit cells per CTA (PTX ISA 9.7.16):
//   tcgen05.alloc / dealloc / relinquish_alloc_permit (warp collectives,
//     run once per warp from runCollective);
//   tcgen05.cp .32x128b.warpx4, tcgen05.mma .kind::mxf4nvf4 .block16 and
//     tcgen05.commit: asynchronous, completing in the issuing thread's
//     issue order after a seeded random delay; the copy and the MMA read
//     their operands and write Tensor Memory when they complete;
//   tcgen05.ld / tcgen05.st .32x32b with tcgen05.wait::ld / wait::st; the
//   two tcgen05 fences.
// Every Tensor Memory cell is poisoned until written (after each alloc):
// an MMA that reads a poisoned cell (scale factors, an accumulator it
// adds to) stops the launch; a tcgen05.ld loads the poison, a NaN.
// The bit formats and the arithmetic are in Tcgen05Semantics.cpp; the
// checks that span instructions (operand guards, fences) in
// TmemChecks.cpp.
//
//===----------------------------------------------------------------------===//

#include "MachineImpl.h"
#include "Tcgen05Semantics.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace ggemm::emu {
namespace exec {

namespace {
constexpr uint32_t kPoison = 0x7FBADBADu; // a NaN: what unwritten cells hold

uint32_t cell(uint32_t lane, uint32_t col) {
  return lane * sem::kTmemColumns + col;
}

std::string hex(uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}
} // namespace

bool Launch::tmemCheckRange(Thread &t, uint32_t lane0, uint32_t lanes,
                            uint32_t col, uint32_t cols, const char *what,
                            const AsyncOp *op) {
  Cta &c = *t.cta;
  std::ostringstream os;
  bool bad = lane0 + lanes > sem::kTmemLanes || col + cols > sem::kTmemColumns;
  if (!bad) {
    if (!c.tmem)
      bad = true;
    else
      for (uint32_t j = col; j < col + cols && !bad; ++j)
        bad = !c.tmem->allocated[j];
  }
  if (!bad)
    return true;
  os << what << " accesses Tensor Memory lanes " << lane0 << ".."
     << lane0 + lanes - 1 << ", columns " << col << ".." << col + cols - 1
     << ", outside the CTA's allocation (";
  if (!c.tmem || c.tmem->allocs.empty())
    os << "nothing allocated";
  else
    for (size_t i = 0; i < c.tmem->allocs.size(); ++i)
      os << (i ? ", " : "") << "columns " << c.tmem->allocs[i].first << ".."
         << c.tmem->allocs[i].first + c.tmem->allocs[i].second - 1;
  os << ")";
  if (op)
    failIssued(*op, "TMEM access outside the allocation", os.str());
  else
    fail(t, "TMEM access outside the allocation", os.str());
  return false;
}

void Launch::tcgen05Collective(Thread &t, const Inst &in) {
  Cta &c = *t.cta;
  if (!c.tmem) {
    c.tmem = std::make_unique<Tmem>();
    c.tmem->data.assign(sem::kTmemLanes * sem::kTmemColumns, kPoison);
    c.tmem->written.assign(sem::kTmemLanes * sem::kTmemColumns, 0);
    c.tmem->allocated.assign(sem::kTmemColumns, 0);
  }
  Tmem &tm = *c.tmem;
  if (in.op == Op::Tc05Relinquish) {
    tm.relinquished = true;
    return;
  }
  uint32_t n = (uint32_t)val(t, in.o[1]);
  if (!sem::validTmemAllocColumns(n)) {
    fail(t, "tcgen05 error", "nCols = " + std::to_string(n) +
                                 " is not a power of two in [32, 512] "
                                 "(tcgen05.alloc/dealloc)");
    return;
  }
  if (in.op == Op::Tc05Alloc) {
    if (tm.relinquished) {
      fail(t, "tcgen05 error", "tcgen05.alloc after the CTA executed "
                               "tcgen05.relinquish_alloc_permit");
      return;
    }
    // the lowest free range, aligned to its size
    uint32_t at = ~0u;
    for (uint32_t s = 0; s + n <= sem::kTmemColumns && at == ~0u; s += n)
      if (std::none_of(tm.allocated.begin() + s, tm.allocated.begin() + s + n,
                       [](uint8_t a) { return a != 0; }))
        at = s;
    if (at == ~0u) {
      fail(t, "tcgen05 error",
           "tcgen05.alloc of " + std::to_string(n) +
               " columns: not enough free Tensor Memory (the instruction "
               "would block until another warp deallocates; none will)");
      return;
    }
    const Operand &d = in.o[0];
    uint64_t addr = (d.reg >= 0 ? t.R[d.reg] : 0) + (uint64_t)d.imm;
    uint8_t *p = sharedPtr(t, addr, 4, true, true);
    if (!p)
      return;
    std::fill(tm.allocated.begin() + at, tm.allocated.begin() + at + n, 1);
    tm.allocs.push_back({at, n});
    for (uint32_t l = 0; l < sem::kTmemLanes; ++l)
      for (uint32_t j = at; j < at + n; ++j) {
        tm.data[cell(l, j)] = kPoison;
        tm.written[cell(l, j)] = 0;
      }
    uint32_t taddr = at; // lane 0, column `at`
    std::memcpy(p, &taddr, 4);
    return;
  }
  // dealloc
  if (!tcCheckAfterFence(t))
    return;
  uint32_t taddr = (uint32_t)val(t, in.o[0]);
  uint32_t col = sem::tmemColumn(taddr);
  auto it = std::find(tm.allocs.begin(), tm.allocs.end(),
                      std::make_pair(col, n));
  if (sem::tmemLane(taddr) != 0 || it == tm.allocs.end()) {
    fail(t, "tcgen05 error",
         "tcgen05.dealloc of " + hex(taddr) + ", " + std::to_string(n) +
             " columns: not an allocation of this CTA");
    return;
  }
  for (auto k : {GuardKind::TmemRead, GuardKind::TmemWrite})
    if (const Guard *g = findGuard(c, k, col, col + n); g && opt.fenceChecks) {
      fail(t, "tcgen05 operand overwritten",
           "tcgen05.dealloc frees columns that " + guardText(*g) +
               " still uses (its commit has not arrived)");
      return;
    }
  tm.allocs.erase(it);
  std::fill(tm.allocated.begin() + col, tm.allocated.begin() + col + n, 0);
}

bool Launch::execTcgen05(Thread &t, const Inst &in) {
  Cta &c = *t.cta;
  switch (in.op) {
  case Op::Tc05FenceBefore:
    t.tcDirty = false;
    return true;
  case Op::Tc05FenceAfter:
    t.tcNeedAfter = false;
    return true;
  case Op::Tc05WaitSt:
    t.stPending = false;
    return true;
  case Op::Tc05WaitLd:
    // tcgen05.ld reads at once here; the wait only ends the loads' (and
    // their registers') pending state
    t.ldNotWaited = false;
    if (t.ldPendingCount) {
      std::fill(t.ldPending.begin(), t.ldPending.end(), 0);
      t.ldPendingCount = 0;
    }
    return true;
  default:
    break;
  }
  if (!tcCheckAfterFence(t))
    return false;
  t.tcEver = t.tcDirty = true;
  auto addrOf = [&](const Operand &o) {
    return (uint32_t)((o.reg >= 0 ? t.R[o.reg] : 0) + (uint64_t)o.imm);
  };
  if (in.op == Op::Tc05Ld || in.op == Op::Tc05St)
    return execTmemLdSt(t, in);
  uint32_t oi = newOp();
  AsyncOp &op = ops[oi];
  op.cta = &c;
  op.thread = &t;
  op.inst = t.pc;
  op.seq = ++t.tcSeq;
  uint32_t lo = 0, hi = 0;
  auto span = [&](const sem::Tcgen05SmemDesc &d, uint32_t rows,
                  uint32_t bytes, const char *what) {
    // every 16-byte chunk the operand reads: checked as an async-proxy
    // read (TMA completion observed, generic writes fenced); [lo, hi)
    lo = ~0u;
    hi = 0;
    for (uint32_t r = 0; r < rows; ++r)
      for (uint32_t b = 0; b < bytes; b += 16) {
        uint32_t a = sem::tcgen05KMajorAddress(d, r, b);
        if (!checkAsyncRead(t, a, 16, what))
          return false;
        lo = std::min(lo, a);
        hi = std::max(hi, a + 16);
      }
    return true;
  };
  auto smemDesc = [&](uint64_t raw, const char *what,
                      sem::Tcgen05SmemDesc &d) {
    d = sem::decodeTcgen05SmemDesc(raw);
    std::string e = sem::checkTcgen05SmemDesc(d);
    if (!e.empty())
      fail(t, "tcgen05 error", std::string(what) + ": " + e);
    return e.empty();
  };
  bool ok = true;
  if (in.op == Op::Tc05Cp) {
    op.kind = AKind::Tc05Cp;
    op.taddr[0] = addrOf(in.o[0]);
    op.desc[0] = val(t, in.o[1]);
    uint32_t col = sem::tmemColumn(op.taddr[0]);
    sem::Tcgen05SmemDesc d;
    ok = smemDesc(op.desc[0], "tcgen05.cp source", d);
    if (ok && sem::tmemLane(op.taddr[0]) != 0) {
      fail(t, "tcgen05 error", "tcgen05.cp .32x128b.warpx4 to lane " +
                                   std::to_string(sem::tmemLane(op.taddr[0])) +
                                   ": .warpx4 writes all four 32-lane "
                                   "quarters from lane 0");
      ok = false;
    }
    ok = ok && tmemCheckRange(t, 0, 128, col, 4, "tcgen05.cp", nullptr) &&
         span(d, sem::kCp32x128bRows, 16, "tcgen05.cp source");
    if (ok && opt.fenceChecks)
      if (const Guard *g = findGuard(c, GuardKind::TmemRead, col, col + 4)) {
        fail(t, "tcgen05 operand overwritten",
             "tcgen05.cp writes columns " + std::to_string(col) + ".." +
                 std::to_string(col + 3) + " that " + guardText(*g) +
                 " reads (its commit has not arrived)");
        ok = false;
      }
    if (ok) {
      addGuard(c, GuardKind::SmemRead, t, op.seq, lo, hi, "tcgen05.cp");
      addGuard(c, GuardKind::TmemWrite, t, op.seq, col, col + 4, "tcgen05.cp");
    }
  } else if (in.op == Op::Tc05Mma) {
    op.kind = AKind::Tc05Mma;
    op.taddr[0] = addrOf(in.o[0]);
    op.desc[0] = val(t, in.o[1]);
    op.desc[1] = val(t, in.o[2]);
    op.idesc = (uint32_t)val(t, in.o[3]);
    op.taddr[1] = addrOf(in.o[4]);
    op.taddr[2] = addrOf(in.o[5]);
    op.accumulate = val(t, in.o[6]) != 0;
    sem::BlockScaledInstrDesc id = sem::decodeBlockScaledInstrDesc(op.idesc);
    std::string e = sem::checkMxf4nvf4Block16Desc(id);
    if (!e.empty()) {
      fail(t, "tcgen05 error", "tcgen05.mma: " + e);
      ok = false;
    }
    const char *names[3] = {"tcgen05.mma accumulator", "tcgen05.mma scale A",
                            "tcgen05.mma scale B"};
    uint32_t cols[3] = {id.n, 4, (id.n + 31) / 32};
    for (int i = 0; i < 3 && ok; ++i) {
      if (sem::tmemLane(op.taddr[i]) != 0) {
        fail(t, "tcgen05 error", std::string(names[i]) + " address " +
                                     hex(op.taddr[i]) +
                                     " is not at lane 0 (M = 128: the "
                                     "operand spans all 128 lanes)");
        ok = false;
      } else
        ok = tmemCheckRange(t, 0, 128, sem::tmemColumn(op.taddr[i]), cols[i],
                            names[i], nullptr);
    }
    sem::Tcgen05SmemDesc da, db;
    ok = ok && smemDesc(op.desc[0], "tcgen05.mma A", da) &&
         smemDesc(op.desc[1], "tcgen05.mma B", db);
    uint32_t alo = 0, ahi = 0;
    if (ok && span(da, 128, 32, "tcgen05.mma operand A")) {
      alo = lo;
      ahi = hi;
      ok = span(db, id.n, 32, "tcgen05.mma operand B");
    } else
      ok = false;
    if (ok) {
      addGuard(c, GuardKind::SmemRead, t, op.seq, alo, ahi, "tcgen05.mma A");
      addGuard(c, GuardKind::SmemRead, t, op.seq, lo, hi, "tcgen05.mma B");
      for (int i = 1; i < 3; ++i) {
        uint32_t col = sem::tmemColumn(op.taddr[i]);
        addGuard(c, GuardKind::TmemRead, t, op.seq, col, col + cols[i],
                 names[i]);
      }
      uint32_t col = sem::tmemColumn(op.taddr[0]);
      addGuard(c, GuardKind::TmemWrite, t, op.seq, col, col + id.n, names[0]);
    }
  } else { // commit
    op.kind = AKind::Tc05Commit;
    uint32_t a = addrOf(in.o[0]);
    Mbar *mb = mbarAt(t, a, "tcgen05.commit");
    ok = mb != nullptr;
    if (ok)
      op.mbar = c.mbarAt[a / 8] - 1;
  }
  if (!ok) {
    freeOps.push_back(oi);
    return false;
  }
  c.asyncInFlight++;
  uint64_t due = std::max(now + delay(2, op.kind == AKind::Tc05Mma ? 40 : 24),
                          t.tcLastDue);
  t.tcLastDue = due;
  schedule(oi, due);
  return true;
}

/// tcgen05.ld / tcgen05.st .32x32b.xN (9.7.16.8): lane i of warp w
/// accesses TMEM lane 32 (w % 4) + i, N consecutive columns, one register
/// each. The emulator loads or stores at once; the load's registers stay
/// pending until tcgen05.wait::ld, the store until tcgen05.wait::st.
bool Launch::execTmemLdSt(Thread &t, const Inst &in) {
  Cta &c = *t.cta;
  const bool ld = in.op == Op::Tc05Ld;
  const char *name = ld ? "tcgen05.ld" : "tcgen05.st";
  const Operand &ao = in.o[ld ? 1 : 0], &v = in.o[ld ? 0 : 1];
  uint32_t taddr = (uint32_t)((ao.reg >= 0 ? t.R[ao.reg] : 0) + (uint64_t)ao.imm);
  uint32_t n = (uint32_t)in.aux, lane0 = sem::tmemLane(taddr);
  uint32_t col = sem::tmemColumn(taddr), lane = t.lin % 32;
  uint32_t q = sem::tmemQuarterFirstLane(t.lin / 32);
  if (lane0 != q) {
    fail(t, "TMEM lane outside the warp's quarter",
         std::string(name) + ".32x32b at lane " + std::to_string(lane0) +
             ": warp " + std::to_string(t.lin / 32) + " may access lanes " +
             std::to_string(q) + ".." + std::to_string(q + 31) +
             " only (warp % 4 selects the quarter)");
    return false;
  }
  if (!tmemCheckRange(t, lane0, 32, col, n, name, nullptr))
    return false;
  if (const Guard *g = findGuard(c, GuardKind::TmemWrite, col, col + n)) {
    fail(t, "TMEM race", std::string(name) + " accesses columns " +
                             std::to_string(col) + ".." +
                             std::to_string(col + n - 1) + " that " +
                             guardText(*g) +
                             " writes (its commit has not arrived)");
    return false;
  }
  Tmem &tm = *c.tmem;
  if (!ld) {
    if (const Guard *g = findGuard(c, GuardKind::TmemRead, col, col + n)) {
      fail(t, "tcgen05 operand overwritten",
           "tcgen05.st writes columns " + std::to_string(col) + ".." +
               std::to_string(col + n - 1) + " that " + guardText(*g) +
               " reads (its commit has not arrived)");
      return false;
    }
    for (uint32_t j = 0; j < n; ++j) {
      int32_t s = in.vec[v.vec + j];
      uint32_t k = cell(lane0 + lane, col + j);
      tm.data[k] = s >= 0 ? (uint32_t)t.R[s] : 0;
      tm.written[k] = 1;
    }
    t.stPending = true;
    return true;
  }
  if (t.ldPending.empty())
    t.ldPending.assign(K.numSlots, 0);
  const bool pending = opt.fenceChecks && opt.tcgen05LdRegistersNeedWait;
  t.ldNotWaited = true;
  // An unwritten cell loads its poison (a NaN): a kernel that uses it as
  // data computes a wrong or non-finite result; one that loads it and
  // discards it (the empty split-K splits of ggemm's epilogue) is fine.
  for (uint32_t j = 0; j < n; ++j) {
    int32_t s = in.vec[v.vec + j];
    if (s < 0)
      continue;
    t.R[s] = tm.data[cell(lane0 + lane, col + j)];
    if (pending && !t.ldPending[s]++)
      ++t.ldPendingCount;
  }
  return true;
}

void Launch::completeTcgen05(AsyncOp &op) {
  Cta &c = *op.cta;
  Thread &t = *op.thread;
  if (op.kind == AKind::Tc05Commit) {
    // every earlier tcgen05 operation of the thread has completed (they
    // complete in issue order): their operands are free, and the
    // mbarrier gets one arrival
    releaseGuards(c, t.lin, op.seq);
    Mbar &b = c.mbars[op.mbar];
    if (!b.init) {
      failIssued(op, "mbarrier error",
                 "tcgen05.commit arrives on an mbarrier no longer "
                 "initialised");
      return;
    }
    b.tcPhase = true;
    b.pending -= 1;
    if (b.pending < 0) {
      std::ostringstream os;
      os << "tcgen05.commit's arrival is past the expected count of the "
            "mbarrier at 0x"
         << std::hex << b.addr << std::dec << " (expected " << b.expected
         << " arrivals per phase, phase " << b.phase << ")";
      failIssued(op, "mbarrier error", os.str());
      return;
    }
    if (b.pending == 0 && b.tx == 0)
      mbarComplete(c, b);
    return;
  }
  if (c.shared.empty())
    return; // the CTA is gone (reported at its exit)
  Tmem &tm = *c.tmem;
  auto allocated = [&](uint32_t col, uint32_t n, const char *what) {
    for (uint32_t j = col; j < col + n; ++j)
      if (j >= sem::kTmemColumns || !tm.allocated[j]) {
        failIssued(op, "TMEM access outside the allocation",
                   std::string(what) + " completes into columns " +
                       std::to_string(col) + ".." +
                       std::to_string(col + n - 1) +
                       " that are no longer allocated");
        return false;
      }
    return true;
  };
  if (op.kind == AKind::Tc05Cp) {
    uint32_t col = sem::tmemColumn(op.taddr[0]);
    if (!allocated(col, 4, "tcgen05.cp"))
      return;
    sem::Tcgen05SmemDesc d = sem::decodeTcgen05SmemDesc(op.desc[0]);
    for (uint32_t i = 0; i < sem::kCp32x128bRows; ++i) {
      uint8_t row[16]; // one 16-byte row: no swizzle chunk splits it
      std::memcpy(row, c.shared.data() + sem::tcgen05KMajorAddress(d, i, 0),
                  16);
      for (uint32_t q = 0; q < 4; ++q) // .warpx4: every 32-lane quarter
        for (uint32_t j = 0; j < sem::kCp32x128bColumns; ++j) {
          uint32_t k = cell(32 * q + i, col + j);
          std::memcpy(&tm.data[k], row + 4 * j, 4);
          tm.written[k] = 1;
        }
    }
    return;
  }
  // tcgen05.mma .kind::mxf4nvf4 .block16
  sem::BlockScaledInstrDesc id = sem::decodeBlockScaledInstrDesc(op.idesc);
  const uint32_t n = id.n;
  uint32_t dcol = sem::tmemColumn(op.taddr[0]);
  uint32_t acol = sem::tmemColumn(op.taddr[1]);
  uint32_t bcol = sem::tmemColumn(op.taddr[2]);
  if (!allocated(dcol, n, "tcgen05.mma accumulator") ||
      !allocated(acol, 4, "tcgen05.mma scale A") ||
      !allocated(bcol, (n + 31) / 32, "tcgen05.mma scale B"))
    return;
  sem::Tcgen05SmemDesc da = sem::decodeTcgen05SmemDesc(op.desc[0]);
  sem::Tcgen05SmemDesc db = sem::decodeTcgen05SmemDesc(op.desc[1]);
  auto loadRows = [&](const sem::Tcgen05SmemDesc &d, uint32_t rows,
                      std::vector<uint8_t> &out) {
    out.resize(static_cast<size_t>(rows) * 64);
    for (uint32_t r = 0; r < rows; ++r) {
      uint8_t bytes[32];
      for (uint32_t b = 0; b < 32; b += 16)
        std::memcpy(bytes + b,
                    c.shared.data() + sem::tcgen05KMajorAddress(d, r, b), 16);
      for (uint32_t k = 0; k < 64; ++k)
        out[r * 64 + k] = sem::e2m1At(bytes, k);
    }
  };
  std::vector<uint8_t> A, B;
  loadRows(da, 128, A);
  loadRows(db, n, B);
  // a poisoned cell read as data stops the launch
  auto read = [&](uint32_t lane, uint32_t col, const char *what,
                  uint32_t &out) {
    uint32_t k = cell(lane, col);
    if (!tm.written[k]) {
      failIssued(op, "read of unwritten TMEM",
                 std::string(what) + " reads lane " + std::to_string(lane) +
                     ", column " + std::to_string(col) +
                     ", never written since its allocation");
      return false;
    }
    out = tm.data[k];
    return true;
  };
  // the scale factors as the data paths read them (Tcgen05Semantics.h):
  // row m of A in its own partition m / 32; B's rows once per partition
  std::vector<double> xa(128 * 64), xb(static_cast<size_t>(4) * n * 64);
  for (uint32_t m = 0; m < 128; ++m) {
    uint32_t lane, col, w;
    sem::scaleACell(m, lane, col);
    if (!read(lane, acol + col, "tcgen05.mma scale A", w))
      return;
    uint8_t sf[4];
    std::memcpy(sf, &w, 4);
    sem::scaleBlock16Row(&A[m * 64], sf, id.negateA, &xa[m * 64]);
  }
  for (uint32_t p = 0; p < 4; ++p)
    for (uint32_t j = 0; j < n; ++j) {
      uint32_t lane, col, w;
      sem::scaleBCell(j, p, lane, col);
      if (!read(lane, bcol + col, "tcgen05.mma scale B", w))
        return;
      uint8_t sf[4];
      std::memcpy(sf, &w, 4);
      sem::scaleBlock16Row(&B[j * 64], sf, id.negateB, &xb[(p * n + j) * 64]);
    }
  for (uint32_t m = 0; m < 128; ++m)
    for (uint32_t j = 0; j < n; ++j) {
      uint32_t lane, col, w = 0;
      sem::accumulatorCell(m, j, lane, col);
      if (op.accumulate && !read(lane, dcol + col, "tcgen05.mma accumulator", w))
        return;
      float d;
      std::memcpy(&d, &w, 4);
      float r = sem::dotScaledRows(d, op.accumulate, &xa[m * 64],
                                   &xb[((m / 32) * n + j) * 64]);
      uint32_t k = cell(lane, dcol + col);
      std::memcpy(&tm.data[k], &r, 4);
      tm.written[k] = 1;
    }
}

} // namespace exec
} // namespace ggemm::emu
