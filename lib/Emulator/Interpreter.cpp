//===- Interpreter.cpp - executing one thread -------------------------------===//
//
// Launch::step runs a thread for a quantum: it records the history the
// checker reports, applies the guard predicate, raises "wgmma accumulator
// race" on an access to an in-flight accumulator, and dispatches on the
// opcode. Memory (ld, st, atom, red, cvta), control flow, barriers,
// collectives and fences are executed here; the other groups are one call
// away (see MachineImpl.h).
//
//===----------------------------------------------------------------------===//

#include "MachineImpl.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace ggemm::emu {
namespace exec {

void Launch::step(Thread &t, uint32_t quantum) {
  uint64_t *R = t.R;
  const Inst *codeP = code.data();
  const uint32_t H = std::max<uint32_t>(opt.historyLength, 1);
  uint32_t n = 0;
  for (; n < quantum; ++n) {
    if (t.state != Ready || stop)
      break;
    const Inst &in = codeP[t.pc];
    t.hist[t.histPos] = t.pc;
    if (++t.histPos == H)
      t.histPos = 0;
    t.histCount++;
    if (in.guard >= 0 && ((R[in.guard] != 0) == (bool)in.guardNeg)) {
      t.pc++;
      continue;
    }
    if (t.busyCount && in.op != Op::WgmmaMma) {
      // an instruction touching accumulators or A registers of an
      // in-flight wgmma
      auto bad = [&](int32_t s) { return s >= 0 && t.busy[s]; };
      bool hit = false;
      for (int i = 0; i < in.nOpd && !hit; ++i) {
        const Operand &o = in.o[i];
        if (o.kind == OpdKind::Reg || o.kind == OpdKind::Addr)
          hit = bad(o.reg);
        else if (o.kind == OpdKind::Vec)
          for (int j = 0; j < o.count; ++j)
            hit |= bad(in.vec[o.vec + j]);
      }
      if (hit) {
        fail(t, "wgmma accumulator race",
             "a register of an in-flight wgmma.mma_async (an accumulator or "
             "A's fragment) is accessed before wgmma.wait_group retired it");
        break;
      }
    }
    if (t.ldPendingCount && in.op != Op::Tc05WaitLd && in.op != Op::Tc05Ld) {
      // a destination register of a tcgen05.ld not yet waited for
      bool hit = false;
      for (int i = 0; i < in.nOpd && !hit; ++i) {
        const Operand &o = in.o[i];
        if (o.kind == OpdKind::Reg || o.kind == OpdKind::Addr)
          hit = o.reg >= 0 && t.ldPending[o.reg];
        else if (o.kind == OpdKind::Vec)
          for (int j = 0; j < o.count; ++j)
            hit |= in.vec[o.vec + j] >= 0 && t.ldPending[in.vec[o.vec + j]];
      }
      if (!hit && in.guard >= 0)
        hit = t.ldPending[in.guard];
      if (hit) {
        fail(t, "tcgen05.ld register used before tcgen05.wait::ld",
             "a destination register of a tcgen05.ld is read or written "
             "before the thread executed tcgen05.wait::ld");
        break;
      }
    }
    const Args x(t, in);
    switch (in.op) {
    case Op::Nop:
      break;
    case Op::Cvta:
      if (in.space == Space::Shared || in.space == Space::SharedCluster)
        x.wr(kSharedGenericBase + t.cta->linear * kSharedGenericStride +
            (val(t, x.a) & 0xffffffffu));
      else
        x.wr(val(t, x.a));
      break;
    case Op::CvtaTo:
      if (in.space == Space::Shared || in.space == Space::SharedCluster) {
        uint64_t g = val(t, x.a);
        uint64_t base = kSharedGenericBase + t.cta->linear * kSharedGenericStride;
        x.wr(g >= base && g < base + kSharedGenericStride ? g - base
                                                         : 0xffffffffull);
      } else
        x.wr(val(t, x.a));
      break;
    case Op::Ld:
    case Op::St: {
      const Operand &ao = in.op == Op::Ld ? x.a : x.d;
      const Operand &vo = in.op == Op::Ld ? x.d : x.a;
      if (in.op == Op::St)
        t.spinPc = ~0u; // a side effect ends a test_wait spin

      uint64_t addr = (ao.reg >= 0 ? R[ao.reg] : 0) + (uint64_t)ao.imm;
      uint32_t esz = x.bits / 8, total = esz * in.vecN;
      bool isSh;
      uint32_t win;
      Space sp = in.space == Space::Const ? Space::Global : in.space;
      uint8_t *p = genericPtr(t, addr, total, in.op == Op::St, sp, isSh, win);
      if (!p)
        break;
      if (!isSh && sp != Space::Param &&
          !globalOrder(t, addr, total,
                       in.op == Op::Ld
                           ? (in.flags & F_Strong ? GAccess::SyncLoad
                                                  : GAccess::Load)
                           : (in.flags & F_Strong ? GAccess::SyncStore
                                                  : GAccess::Store)))
        break;
      if (in.op == Op::Ld) {
        for (unsigned j = 0; j < in.vecN; ++j) {
          uint64_t v = 0;
          std::memcpy(&v, p + j * esz, esz);
          int32_t s = vo.kind == OpdKind::Vec ? in.vec[vo.vec + j] : vo.reg;
          if (s < 0)
            continue;
          if (x.tk == TS)
            v = (uint64_t)sext(v, x.bits);
          uint8_t rb = K.slotBits[s];
          R[s] = v & maskBits(rb == 1 ? 64 : rb);
        }
      } else {
        for (unsigned j = 0; j < in.vecN; ++j) {
          uint64_t v;
          if (vo.kind == OpdKind::Vec) {
            int32_t s = in.vec[vo.vec + j];
            v = s >= 0 ? R[s] : s <= -2 ? (uint64_t)in.vecImm[-2 - s] : 0;
          } else
            v = val(t, vo);
          std::memcpy(p + j * esz, &v, esz);
        }
      }
      break;
    }
    case Op::Atom:
    case Op::Red: {
      const Operand &ao = in.op == Op::Atom ? x.a : x.d;
      const Operand &v1 = in.op == Op::Atom ? x.b : x.a;
      t.spinPc = ~0u;
      uint64_t addr = (ao.reg >= 0 ? R[ao.reg] : 0) + (uint64_t)ao.imm;
      uint32_t esz = x.bits / 8;
      bool isSh;
      uint32_t win;
      uint8_t *p = genericPtr(t, addr, esz, true, in.space, isSh, win);
      if (!p || (!isSh && !globalOrder(t, addr, esz, GAccess::Atomic)))
        break;
      uint64_t old = 0;
      std::memcpy(&old, p, esz);
      uint64_t y = val(t, v1), nv = old;
      uint64_t m = maskBits(x.bits);
      switch (in.cmp) {
      case AAdd: nv = old + y; break;
      case AMin:
        nv = x.tk == TS ? (sext(old, x.bits) < sext(y, x.bits) ? old : y)
                      : std::min(old & m, y & m);
        break;
      case AMax:
        nv = x.tk == TS ? (sext(old, x.bits) > sext(y, x.bits) ? old : y)
                      : std::max(old & m, y & m);
        break;
      case AExch: nv = y; break;
      case ACas:
        nv = (old & m) == (y & m) ? val(t, in.o[3]) : old;
        break;
      case AAnd: nv = old & y; break;
      case AOr: nv = old | y; break;
      case AXor: nv = old ^ y; break;
      case AInc: nv = (old & m) >= (y & m) ? 0 : old + 1; break;
      case ADec: nv = ((old & m) == 0 || (old & m) > (y & m)) ? y : old - 1; break;
      }
      std::memcpy(p, &nv, esz);
      if (in.op == Op::Atom)
        x.wr(old);
      break;
    }
    case Op::Bra:
      t.pc = (uint32_t)x.d.imm;
      continue;
    case Op::Ret:
    case Op::Exit:
      threadExit(t);
      continue;
    case Op::Trap:
      fail(t, "trap", "the kernel executed trap");
      continue;
    case Op::CallAssert:
      fail(t, "kernel assertion", "the kernel called __assertfail");
      continue;
    case Op::Unsupported:
      fail(t, "unsupported instruction", "'" + in.text + "' is not emulated");
      continue;
    case Op::Tc05Alloc:
    case Op::Tc05Dealloc:
    case Op::Tc05Relinquish:
      runCollective(t, in);
      continue;
    case Op::Tc05Cp:
    case Op::Tc05Mma:
    case Op::Tc05Commit:
    case Op::Tc05Ld:
    case Op::Tc05WaitLd:
    case Op::Tc05St:
    case Op::Tc05WaitSt:
    case Op::Tc05FenceBefore:
    case Op::Tc05FenceAfter:
      if (!execTcgen05(t, in))
        continue;
      break;
    case Op::BarSync:
    case Op::BarArrive: {
      if (!tcCheckBeforeSync(t, "reaches a barrier"))
        continue;
      uint32_t id = in.nOpd ? (uint32_t)val(t, x.d) : 0;
      uint32_t cnt = in.nOpd > 1 ? (uint32_t)val(t, x.a) : 0;
      t.spinPc = ~0u;
      if (id >= 16) {
        fail(t, "barrier error", "barrier id out of range");
        continue;
      }
      if (cnt && (cnt % 32 || cnt > nThreads)) {
        fail(t, "barrier error", "barrier thread count " + std::to_string(cnt) +
                                     " is not a multiple of 32 within the CTA");
        continue;
      }
      barArrive(t, id, cnt, in.op == Op::BarSync, in.aux != 0);
      continue;
    }
    case Op::BarWarpSync:
    case Op::ElectSync:
    case Op::SetMaxNReg:
    case Op::WgmmaFence:
    case Op::WgmmaCommit:
    case Op::WgmmaWait:
    case Op::WgmmaMma:
      runCollective(t, in);
      continue;
    case Op::MbarInit:
      if (!execMbarInit(t, in))
        continue;
      break;
    case Op::MbarArrive:
    case Op::MbarExpectTx:
    case Op::MbarCompleteTx:
    case Op::MbarTryWait:
    case Op::MbarInval:
      if (!execMbar(t, in))
        continue;
      break;
    case Op::FenceProxyAsync:
      t.fenceEpoch++;
      break;
    case Op::FenceTensormapAcquire: {
      uint64_t addr = (x.d.reg >= 0 ? R[x.d.reg] : 0) + (uint64_t)x.d.imm;
      uint64_t size = in.nOpd > 1 ? val(t, x.a) : 128;
      t.tmFenced.push_back({addr, addr + size});
      break;
    }
    case Op::FenceOther:
      if (in.flags & F_Strong)
        globalFence(t);
      break;
    case Op::PrefetchGlobal: {
      // A hint that changes no value. On the GPU a prefetch of an address
      // outside every allocation does nothing; here it is an error, so
      // that the kernel's prefetch addresses are checked as its loads'.
      const Operand &ao = in.o[0];
      uint64_t addr = (ao.reg >= 0 ? R[ao.reg] : 0) + (uint64_t)ao.imm;
      if (!M.ptr(addr, 1)) {
        std::ostringstream os;
        os << "prefetch.global of 0x" << std::hex << addr
           << ", outside every allocation";
        fail(t, "out-of-bounds access", os.str());
        continue;
      }
      break;
    }
    case Op::PrefetchTensormap:
    case Op::TmaPrefetch:
    case Op::TmaLoad:
      if (!execTma(t, in))
        continue;
      break;
    case Op::BulkStore:
      if (!execBulkStore(t, in))
        continue;
      break;
    case Op::BulkLoad:
      if (!execBulkLoad(t, in))
        continue;
      break;
    case Op::CpAsync:
      if (!execCpAsync(t, in))
        continue;
      break;
    case Op::CpAsyncArrive:
      if (!execCpAsyncArrive(t, in))
        continue;
      break;
    case Op::BulkCommit:
      t.bulkOpen++;
      t.bulkPending.push_back(0);
      t.bulkIssued.push_back(0);
      break;
    case Op::BulkWait:
      if (!tryBulkWait(t)) {
        setState(t, WaitBulk);
        continue;
      }
      break;
    default: // arithmetic, logic, setp, cvt: Arithmetic.cpp
      execArith(t, in);
      break;
    }
    t.pc++;
  }
  executed += n;
}

} // namespace exec
} // namespace ggemm::emu
