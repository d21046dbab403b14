//===- GlobalOrder.cpp - ordering of global memory between CTAs ----------===//
//
// The emulator runs memory sequentially consistent, so a kernel that
// passes data between CTAs through global memory without the fences the
// PTX memory model needs (split-K's partials across the grid barrier)
// would compute the right numbers anyway. This check makes the missing
// fence an event. Its rule, over one total order of the launch's events
// (order stamps):
//
//  - A plain (weak) global store of CTA X is *published* when, after it, a
//    thread of X executes a gpu-scope fence (fence.acq_rel.gpu,
//    fence.sc.gpu, membar.gl, or .sys) that covers it - the store is the
//    fence thread's own, or another thread's before the fence thread's
//    last CTA barrier - and that thread then performs an atomic or a
//    strong store (.relaxed/.release/.volatile) to global memory: the
//    release pattern "data; fence; flag".
//  - A thread *acquires* when it executes a gpu-scope fence after reading
//    (a strong load or an atomic) a global word that another CTA updated
//    atomically: the pattern "flag; fence; data". A CTA barrier passes the
//    latest acquire of its participants to all of them.
//  - A weak global load of bytes whose last store in this launch was a
//    plain store by another CTA must find that store published, and the
//    publishing write ordered before the reader's acquire. Otherwise:
//    "unordered cross-CTA read".
//
// Tracked per 4-byte word (a status word beside another CTA's flag is
// not shared data). Host-written memory and a CTA's own stores are not
// checked; nor are
// bulk and TMA copies (ggemm's kernels pass nothing between CTAs that
// way).
//
//===----------------------------------------------------------------------===//

#include "MachineImpl.h"

#include <algorithm>
#include <sstream>

namespace ggemm::emu {
namespace exec {

void Launch::globalFence(Thread &t) {
  uint64_t stamp = ++gclock;
  if (t.xRead > t.lastFence)
    t.acquire = stamp;
  t.lastFence = stamp;
  std::vector<GFence> &fs = gfences[t.cta->linear];
  fs.push_back({t.lin, stamp, t.barTime, 0});
  t.openFence = (int32_t)fs.size() - 1;
}

bool Launch::globalOrder(Thread &t, uint64_t addr, uint32_t n,
                         GAccess kind) {
  if (!n)
    return true;
  const uint32_t cta = t.cta->linear;
  const bool reads = kind == GAccess::Load || kind == GAccess::SyncLoad ||
                     kind == GAccess::Atomic;
  const bool writes = !reads || kind == GAccess::Atomic;
  const bool sync = kind != GAccess::Load && kind != GAccess::Store;
  const uint64_t stamp = ++gclock;
  for (uint64_t g = addr / 4; g <= (addr + n - 1) / 4; ++g) {
    auto it = gwrites.find(g);
    if (reads && it != gwrites.end()) {
      const GWrite &w = it->second;
      if (w.atomic) {
        if (w.atomicOthers || w.cta != cta)
          t.xRead = stamp;
      } else if (w.cta != cta && kind != GAccess::Atomic) {
        const GFence *rel = nullptr;
        for (const GFence &f : gfences[w.cta])
          if (f.published && ((f.thread == w.thread && f.time > w.time) ||
                              f.covered > w.time)) {
            rel = &f;
            break;
          }
        if (!rel || t.acquire <= rel->published) {
          std::ostringstream os;
          os << "global read at 0x" << std::hex << addr << std::dec
             << " of data that CTA " << w.cta << " (its thread " << w.thread
             << ") stored at " << locate(mod.name, code[w.pc].line)
             << (rel ? ", published with a release fence and a flag, but "
                       "this thread has no acquire after it (a gpu-scope "
                       "fence after reading the flag, or a CTA barrier "
                       "after a thread that did)"
                     : ", never published: no gpu-scope fence of that CTA "
                       "after the store followed by an atomic or strong "
                       "store (the release before the flag)");
          fail(t, "unordered cross-CTA read", os.str());
          return false;
        }
      }
    }
    if (writes) {
      bool others = false;
      if (sync && it != gwrites.end() && it->second.atomic)
        others = it->second.atomicOthers || it->second.cta != cta;
      gwrites[g] = {cta, t.lin, t.pc, stamp, sync, others};
    }
  }
  if (sync && writes && t.openFence >= 0) {
    gfences[cta][t.openFence].published = stamp;
    t.openFence = -1;
  }
  return true;
}

} // namespace exec
} // namespace ggemm::emu
