//===- MachineImpl.h - the state of one launch, shared by the interpreter -===//
//
// Private to lib/Emulator. Machine::Impl (global memory, modules) and, in
// namespace exec, the state of one launch: threads, warps, CTAs, mbarriers,
// named barriers, in-flight asynchronous operations, and class Launch whose
// members are defined across the files of this directory:
//   Memory.cpp       Machine's public API: global memory and modules
//   Launch.cpp       setup, CTA residency, the warp scheduler (run)
//   Interpreter.cpp  step(): fetch, guard, dispatch of every opcode;
//                    loads, stores, atomics, branches, fences
//   Arithmetic.cpp   integer, float, logic, setp and cvt instructions
//   Sync.cpp         bar.*, warp/warpgroup collectives, thread exit
//   Mbarrier.cpp     mbarrier state and instructions, tx counting
//   AsyncUnits.cpp   TMA loads, bulk stores, wgmma issue and completion
//   Tcgen05.cpp      Tensor Memory, tcgen05 issue and completion, the
//                    tcgen05 checks (TmemChecks.cpp: guards and fences)
//   Checker.cpp      event reports (fail), checked shared/global access,
//                    the shadow state of shared memory, deadlocks
// A checker event is raised by a call to Launch::fail / failNoThread;
// grep for the event name ("TMA race", "mbarrier error", ...).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_EMULATOR_MACHINEIMPL_H
#define GGEMM_LIB_EMULATOR_MACHINEIMPL_H

#include "ggemm/Emulator/Emulator.h"

#include "Program.h"
#include "Semantics.h"

#include <array>
#include <cstring>
#include <map>
#include <memory>
#include <queue>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace ggemm::emu {
namespace exec {
constexpr uint64_t kGlobalBase = 0x10000000ull;
constexpr uint64_t kGlobalLimit = 64ull << 30; // emulated memory size
// Generic addresses of shared memory: CTA i's window starts at
// kSharedGenericBase + i * kSharedGenericStride. A launch has up to 2^24
// CTAs (Launch::setup), so the windows may reach past the top of any host
// address space: everything from kSharedGenericBase up may be shared.
constexpr uint64_t kSharedGenericBase = 0x7f0000000000ull;
constexpr uint64_t kSharedGenericStride = 1ull << 24;
// Where the Machine asks the host to map host-mapped allocations
// (Machine::allocateMapped): far above the emulated global addresses and
// below the shared windows, and above the high shadow memory of
// AddressSanitizer on x86-64 (which ends near 0x10007fff8000), where the
// host's own mappings (near the stack, 0x7f...) would fall in the windows.
constexpr uint64_t kMappedBase = 0x200000000000ull;
constexpr uint32_t kSharedReserved = 1024; // window [0, 1024) is reserved
constexpr uint32_t kMaxShared = 232448;    // 227 KiB per CTA (sm_90)
constexpr uint32_t kGranule = 16;          // shadow-state granule (bytes)

/// Unmaps the host storage of a host-mapped allocation (Memory.cpp).
struct HostUnmap {
  size_t length = 0; ///< of the whole mapping, the guard page included
  void operator()(uint8_t *p) const;
};

struct Alloc {
  uint64_t base = 0, size = 0;
  std::vector<uint8_t> data;
  /// A host-mapped allocation's storage (at `base`); `data` is then empty.
  std::unique_ptr<uint8_t, HostUnmap> host;
  bool module = false;
  uint8_t *bytes() { return host ? host.get() : data.data(); }
};
} // namespace exec

struct Machine::Impl {
  std::map<uint64_t, exec::Alloc> allocs;
  uint64_t next = exec::kGlobalBase;
  size_t used = 0;
  std::vector<std::pair<uint64_t, uint64_t>> hostWritten; // [begin, end)
  std::vector<std::unique_ptr<Module>> modules;
  mutable const exec::Alloc *cache = nullptr;

  exec::Alloc *find(uint64_t addr) {
    if (cache && addr - cache->base < cache->size)
      return const_cast<exec::Alloc *>(cache);
    auto it = allocs.upper_bound(addr);
    if (it == allocs.begin())
      return nullptr;
    --it;
    if (addr - it->second.base >= it->second.size)
      return nullptr;
    cache = &it->second;
    return &it->second;
  }
  /// Host pointer to [addr, addr+n) of one allocation, or null.
  uint8_t *ptr(uint64_t addr, uint64_t n) {
    exec::Alloc *a = find(addr);
    if (!a || addr + n > a->base + a->size || addr + n < addr)
      return nullptr;
    return a->bytes() + (addr - a->base);
  }
  std::string alloc(size_t bytes, uint64_t &address, bool module) {
    if (bytes == 0)
      return "allocate: zero bytes";
    if (used + bytes > exec::kGlobalLimit)
      return "allocate: out of emulated memory";
    uint64_t base = next;
    next = (next + bytes + 255 + 256) / 256 * 256; // a gap between buffers
    // Addresses are never reused: after terabytes of allocations and frees
    // they could reach a host-mapped allocation.
    auto above = allocs.lower_bound(base);
    if (above != allocs.end() && above->first < next)
      return "allocate: the emulated addresses ran into host-mapped memory";
    exec::Alloc a;
    a.base = base;
    a.size = bytes;
    a.data.assign(bytes, 0);
    a.module = module;
    allocs[base] = std::move(a);
    used += bytes;
    address = base;
    cache = nullptr;
    return "";
  }
  /// Whether the host may have written [b, e) since it was allocated: a
  /// tensor map there needs the tensormap acquire fence. Host code writes
  /// host-mapped memory through its pointer, unseen, so every byte of it
  /// counts. (A stricter check would have to see those writes; ggemm's
  /// maps reach kernels as parameters or through device memory, never
  /// host-mapped memory, so none of its launches depends on the
  /// difference.)
  bool hostWrittenOverlaps(uint64_t b, uint64_t e) const {
    for (auto &r : hostWritten)
      if (r.first < e && b < r.second)
        return true;
    auto it = allocs.upper_bound(b);
    if (it != allocs.begin())
      --it;
    for (; it != allocs.end() && it->first < e; ++it)
      if (it->second.host && b < it->first + it->second.size)
        return true;
    return false;
  }
  std::string launch(const Module &m, const Kernel &k, const LaunchConfig &c,
                     const std::vector<std::vector<uint8_t>> &params,
                     const Options &o, LaunchStats *stats);
};

namespace exec {
enum TState : uint8_t {
  Ready, Exited, WaitBar, WaitMbar, WaitColl, WaitBulk, WaitWgmma,
};

struct Cta;
struct Warp;

struct Thread {
  uint64_t *R = nullptr;
  uint32_t pc = 0;
  uint8_t state = Ready;
  uint32_t lin = 0; // index in the CTA
  uint32_t tid[3] = {0, 0, 0};
  Cta *cta = nullptr;
  Warp *warp = nullptr;
  uint32_t *hist = nullptr;
  uint32_t histPos = 0;
  uint64_t histCount = 0;
  uint32_t fenceEpoch = 1; // incremented by fence.proxy.async
  std::vector<std::pair<uint64_t, uint64_t>> tmFenced;
  std::vector<uint64_t> observed; // per mbarrier id: completed phases seen
  int32_t waitMbar = -1;
  // the last failed mbarrier.test_wait (pc, mbarrier id, phase), ~0u none
  uint32_t spinPc = ~0u;
  int32_t spinMbar = -1;
  uint64_t spinPhase = 0;
  // bulk async-groups
  std::vector<uint32_t> bulkPending; // per group: incomplete operations
  std::vector<uint32_t> bulkIssued;  // per group: operations issued
  uint32_t bulkOpen = 0;             // index of the uncommitted group
  uint32_t bulkWaited = 0;           // groups below this were waited for
  // cp.async copies no cp.async.mbarrier.arrive tracks yet (tmaRecs)
  std::vector<uint32_t> cpUntracked;
  // wgmma accumulators in flight
  std::vector<uint8_t> busy;
  std::vector<uint64_t> shadow;
  uint32_t busyCount = 0;
  // tcgen05: the thread's asynchronous operations complete in issue order
  uint64_t tcSeq = 0, tcLastDue = 0;
  bool tcEver = false;      // issued tcgen05 work (ld, cp, mma, commit,
                            // alloc) at some point
  bool tcDirty = false;     // ... since its last fence::before_thread_sync
  bool tcNeedAfter = false; // completed a thread sync that orders tcgen05
                            // work, without fence::after_thread_sync since
  uint32_t tcSyncPc = 0;    // where that sync was (reports)
  bool stPending = false;   // a tcgen05.st not yet waited for (wait::st)
  bool ldNotWaited = false; // a tcgen05.ld not yet waited for (wait::ld)
  std::vector<uint8_t> ldPending; // registers of tcgen05.ld before wait::ld
  uint32_t ldPendingCount = 0;
  // ordering of global memory between CTAs (GlobalOrder.cpp)
  uint64_t barTime = 0;   // order stamp of the last CTA barrier passed
  uint64_t xRead = 0;     // of the last read of another CTA's atomics
  uint64_t acquire = 0;   // of the last acquire (own or via a barrier)
  uint64_t lastFence = 0; // of its last gpu-scope fence
  int32_t openFence = -1; // its last gpu fence not yet followed by a
                          // publishing write (index in the CTA's fences)
};

/// A gpu-scope fence of a CTA (GlobalOrder.cpp): it releases the writes of
/// its thread before it and those of the CTA before the thread's last CTA
/// barrier; `published` is the order stamp of the thread's first atomic
/// or strong store after it (0: none yet).
struct GFence {
  uint32_t thread;
  uint64_t time, covered, published;
};
/// The last write of one 4-byte word of global memory in this launch.
struct GWrite {
  uint32_t cta, thread, pc;
  uint64_t time;
  bool atomic;       // by atom/red or a strong store (synchronization)
  bool atomicOthers; // atomics by more than one CTA
};

struct Warp {
  Cta *cta = nullptr;
  uint32_t first = 0, count = 0; // threads [first, first+count) of the CTA
  uint32_t ready = 0;
  int32_t runIdx = -1;
};

struct Mbar {
  bool init = false;
  int32_t expected = 0, pending = 0;
  int64_t tx = 0;
  uint64_t phase = 0; // completed phases
  uint32_t addr = 0;
  bool tcPhase = false;  // an arrival of the current phase carries tcgen05
                         // work (a tcgen05.commit, or a thread that did
                         // tcgen05 work)
  bool tcLast = false;   // likewise for the last completed phase
  std::vector<Thread *> waiters;
};

struct TmaRec {
  int32_t mbar = -1;
  uint64_t phase = 0;
  bool done = false;
  // cp.async (non-bulk): no mbarrier until the issuing thread's
  // cp.async.mbarrier.arrive ties it to one (mbar -1 before); `arrival`
  // the CpArrival it holds back while incomplete, -1 none.
  bool cp = false;
  int32_t arrival = -1;
};

/// A cp.async.mbarrier.arrive waiting for the issuing thread's earlier
/// cp.async copies: the arrive-on happens when `left` reaches 0.
struct CpArrival {
  int32_t mbar = -1;
  uint32_t left = 0;
  Thread *thread = nullptr;
};

struct Barrier {
  uint32_t arrived = 0, expected = 0;
  bool tc = false; // a participant of this instance did tcgen05 work
  std::vector<Thread *> waiting;
  // What the threads that arrived without waiting (bar.arrive) had
  // observed: their mbarrier phases and latest acquire, released to the
  // waiting threads when the instance completes.
  std::vector<uint64_t> arrivedObserved;
  uint64_t arrivedAcquire = 0;
  // .aligned arrivals of this instance, per warp: the instruction of its
  // first, second, ... arrival and how many each lane has made.
  struct AlignedArrivals {
    uint32_t warp;
    std::vector<uint32_t> pcs;
    std::array<uint8_t, 32> made{};
  };
  std::vector<AlignedArrivals> alignedAt;
};

struct WGroup {
  std::vector<uint32_t> pending; // per committed group (+ open one)
  uint32_t open = 0;
  uint64_t lastDue = 0;
};

/// Tensor Memory of one CTA (Tcgen05.cpp), made at its first tcgen05.alloc.
struct Tmem {
  std::vector<uint32_t> data;    // [lane * 512 + column]
  std::vector<uint8_t> written;  // 0: poisoned (never written since alloc)
  std::vector<uint8_t> allocated; // per column
  std::vector<std::pair<uint32_t, uint32_t>> allocs; // (first column, n)
  bool relinquished = false;
};

/// What an in-flight tcgen05 operation reads or writes, held until the
/// tcgen05.commit that covers it arrives (TmemChecks.cpp).
enum class GuardKind : uint8_t { SmemRead, TmemRead, TmemWrite };
struct Guard {
  GuardKind kind;
  uint32_t thread;  // issuer (index in the CTA)
  uint64_t seq;     // issuer's tcgen05 sequence number
  uint32_t lo, hi;  // shared bytes or TMEM columns [lo, hi)
  uint32_t pc;      // issuing instruction
  const char *what;
};

struct Cta {
  uint32_t id[3] = {0, 0, 0};
  uint32_t linear = 0;
  std::vector<uint8_t> shared;
  std::vector<Thread> threads;
  std::vector<Warp> warps;
  std::vector<uint64_t> regs;
  std::vector<uint32_t> hist;
  std::vector<Mbar> mbars;
  std::vector<int32_t> mbarAt; // per 8 bytes of shared: mbar id + 1
  std::vector<TmaRec> tmaRecs;
  std::vector<CpArrival> cpArrivals;
  std::vector<uint32_t> tmaTag;    // per granule: tma rec + 1
  std::vector<uint16_t> genWriter; // per granule: thread + 1
  std::vector<uint32_t> genEpoch;  // per granule: writer's epoch at write
  Barrier bars[16];
  std::vector<WGroup> wgroups;
  std::unique_ptr<Tmem> tmem;
  std::vector<Guard> guards;
  std::vector<uint16_t> smemGuarded; // per granule: SmemRead guards
  uint32_t live = 0;   // threads not exited
  uint32_t exited = 0;
  uint32_t asyncInFlight = 0;
  bool done = false;
};

enum class AKind : uint8_t { Tma, Bulk, Wgmma, Tc05Cp, Tc05Mma, Tc05Commit,
                             BulkLoad, CpAsync };

struct AsyncOp {
  AKind kind = AKind::Tma;
  Cta *cta = nullptr;
  Thread *thread = nullptr; // issuer
  uint32_t inst = 0;        // pc of the issuing instruction (reports)
  // TMA
  TiledMapSpec map;
  int32_t coords[5] = {0, 0, 0, 0, 0};
  uint32_t dst = 0, bytes = 0;
  int32_t mbar = -1;
  uint32_t rec = 0;
  // bulk store
  uint64_t gdst = 0;
  uint32_t src = 0, size = 0, group = 0;
  // wgmma
  uint32_t wg = 0, wgGroup = 0;
  std::vector<int32_t> slots;
  std::vector<int32_t> aSlots; // A's fragment registers (register form)
  std::vector<float> acc;
  // tcgen05 (cp: desc[0], taddr[0]; mma: a, b descriptors, D, SFA, SFB
  // addresses, the instruction descriptor; commit: mbar)
  uint64_t desc[2] = {0, 0};
  uint32_t taddr[3] = {0, 0, 0};
  uint32_t idesc = 0;
  bool accumulate = false;
  uint64_t seq = 0;
};

struct Event {
  uint64_t due, seq;
  uint32_t op;
  bool operator>(const Event &o) const {
    return due != o.due ? due > o.due : seq > o.seq;
  }
};

inline uint64_t maskBits(unsigned bits) {
  return bits >= 64 ? ~0ull : ((1ull << bits) - 1);
}
inline int64_t sext(uint64_t v, unsigned bits) {
  if (bits >= 64)
    return (int64_t)v;
  uint64_t m = 1ull << (bits - 1);
  v &= maskBits(bits);
  return (int64_t)((v ^ m) - m);
}
inline float asF(uint64_t v) {
  uint32_t u = (uint32_t)v;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
inline uint64_t fromF(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline double asD(uint64_t v) {
  double d;
  std::memcpy(&d, &v, 8);
  return d;
}
inline uint64_t fromD(double d) {
  uint64_t u;
  std::memcpy(&u, &d, 8);
  return u;
}

class Launch {
public:
  Launch(Machine::Impl &M, const Module &mod, const Kernel &k,
         const LaunchConfig &c, const Options &o)
      : M(M), mod(mod), K(k), cfg(c), opt(o), rng(o.seed) {}

  std::string run(const std::vector<std::vector<uint8_t>> &params,
                  LaunchStats *stats);

private:
  // --- setup
  std::string setup(const std::vector<std::vector<uint8_t>> &params);
  Cta *admit(uint32_t linear);
  void retire(Cta *c);
  // --- scheduling
  void setState(Thread &t, uint8_t s) {
    bool was = t.state == Ready, is = s == Ready;
    t.state = s;
    if (was == is)
      return;
    Warp &w = *t.warp;
    if (is) {
      if (w.ready++ == 0) {
        w.runIdx = (int32_t)runnable.size();
        runnable.push_back(&w);
      }
    } else if (--w.ready == 0) {
      Warp *last = runnable.back();
      runnable[w.runIdx] = last;
      last->runIdx = w.runIdx;
      runnable.pop_back();
      w.runIdx = -1;
    }
  }
  void wake(Thread &t) {
    if (t.state != Exited)
      setState(t, Ready);
  }
  void step(Thread &t, uint32_t quantum);
  // --- reports
  std::string where(const Thread &t) const;
  void fail(const Thread &t, const std::string &kind, const std::string &msg) {
    report(t, t.pc, kind, msg);
  }
  /// An event detected when asynchronous operation `op` completes: reported
  /// at the instruction that issued it, for the thread that issued it.
  void failIssued(const AsyncOp &op, const std::string &kind,
                  const std::string &msg);
  void report(const Thread &t, uint32_t pc, const std::string &kind,
              const std::string &msg);
  void failNoThread(const std::string &kind, const std::string &msg) {
    if (!error.empty())
      return;
    error = "checker: " + kind + ": " + msg;
  }
  std::string instText(uint32_t pc) const {
    return locate(mod.name, code[pc].line) + ": " + code[pc].text;
  }
  // --- memory
  uint8_t *sharedPtr(Thread &t, uint64_t addr, uint32_t n, bool write,
                     bool check);
  uint8_t *genericPtr(Thread &t, uint64_t addr, uint32_t n, bool write,
                      Space sp, bool &isShared, uint32_t &window);
  uint64_t special(const Thread &t, int id) const;
  // --- mbarriers
  Mbar *mbarAt(Thread &t, uint32_t addr, const char *what);
  void mbarComplete(Cta &c, Mbar &b);
  bool mbarArrive(Thread &t, Cta &c, Mbar &b, int32_t count);
  std::string txComplete(Cta &c, Mbar &b, int64_t bytes);
  bool completeTx(Cta &c, int32_t mbarId, int64_t bytes, const AsyncOp &op);
  // --- async
  uint64_t delay(uint32_t lo, uint32_t hi) { return lo + rng() % (hi - lo + 1); }
  void schedule(uint32_t op, uint64_t due) {
    events.push({due, seqNo++, op});
  }
  uint32_t newOp() {
    if (!freeOps.empty()) {
      uint32_t i = freeOps.back();
      freeOps.pop_back();
      ops[i] = AsyncOp();
      return i;
    }
    ops.emplace_back();
    return (uint32_t)ops.size() - 1;
  }
  void completeOp(uint32_t i);
  bool checkAsyncRead(Thread &issuer, uint32_t addr, uint32_t n,
                      const char *what);
  bool tryBulkWait(Thread &t);
  void checkBulkExit(Thread &t);
  // --- collectives
  bool collectiveReady(Cta &c, uint32_t first, uint32_t count, uint32_t pc,
                       uint32_t mask = ~0u);
  uint32_t collectiveMask(const Thread &t, const Inst &in) const;
  void runCollective(Thread &t, const Inst &in);
  bool wgWaitReady(Cta &c, uint32_t wg, uint32_t n);
  void barArrive(Thread &t, uint32_t id, uint32_t count, bool wait,
                 bool aligned);
  void barCheck(Cta &c, uint32_t id);
  void threadExit(Thread &t);
  void wgmmaIssue(Thread &t, const Inst &in, uint32_t pc);
  // --- tcgen05 and Tensor Memory (Tcgen05.cpp, TmemChecks.cpp)
  bool execTcgen05(Thread &t, const Inst &in);
  bool execTmemLdSt(Thread &t, const Inst &in);
  void tcgen05Collective(Thread &t, const Inst &in);
  void completeTcgen05(AsyncOp &op);
  bool tmemCheckRange(Thread &t, uint32_t lane0, uint32_t lanes,
                      uint32_t col, uint32_t cols, const char *what,
                      const AsyncOp *op);
  bool tcCheckAfterFence(Thread &t);
  bool tcCheckBeforeSync(Thread &t, const char *what);
  void addGuard(Cta &c, GuardKind k, const Thread &t, uint64_t seq,
                uint32_t lo, uint32_t hi, const char *what);
  const Guard *findGuard(const Cta &c, GuardKind k, uint32_t lo,
                         uint32_t hi) const;
  void releaseGuards(Cta &c, uint32_t thread, uint64_t seqBelow);
  bool checkSmemOverwrite(Thread &t, uint32_t lo, uint32_t hi,
                          const AsyncOp *writer);
  std::string guardText(const Guard &g) const;
  bool checkTmemAtExit(Thread &t);

  // --- the interpreter: step() (Interpreter.cpp) dispatches one opcode;
  // arithmetic, logic and conversions run in execArith (Arithmetic.cpp);
  // mbarrier instructions in execMbar* (Mbarrier.cpp); TMA and bulk copies
  // in execTma / execBulkStore (AsyncUnits.cpp). The exec* functions return
  // false when the thread must not advance (it waits, or a checker event
  // stopped the launch).
  uint64_t val(const Thread &t, const Operand &o) const {
    return o.kind == OpdKind::Reg
               ? (o.count ? (uint64_t)(t.R[o.reg] == 0) : t.R[o.reg])
           : o.kind == OpdKind::Imm ? (uint64_t)o.imm
                                    : special(t, (int)o.imm);
  }
  /// Writes `v` to a register operand, masked to the register's width.
  void writeReg(Thread &t, const Operand &o, uint64_t v) const {
    if (o.kind == OpdKind::Reg)
      t.R[o.reg] =
          v & maskBits(K.slotBits[o.reg] == 1 ? 64 : K.slotBits[o.reg]);
  }
  /// The fields most instructions read: destination d, sources a and b,
  /// the type's width and kind; wr() writes d masked to that width.
  struct Args {
    uint64_t *const R;
    const Operand &d, &a, &b;
    const unsigned bits;
    const uint8_t tk;
    Args(Thread &t, const Inst &in)
        : R(t.R), d(in.o[0]), a(in.o[1]), b(in.o[2]), bits(in.type.bits),
          tk(in.type.kind) {}
    void wr(uint64_t v) const { R[d.reg] = v & maskBits(bits); }
  };
  void execArith(Thread &t, const Inst &in);
  bool execMbarInit(Thread &t, const Inst &in);
  bool execMbar(Thread &t, const Inst &in);
  /// The shared-window address of an mbarrier operand in `space` (a
  /// generic address must point into the thread's CTA's window).
  bool mbarWindow(Thread &t, const Operand &o, Space space, uint32_t &win);
  // --- cp.async (CpAsync.cpp)
  bool execCpAsync(Thread &t, const Inst &in);
  bool execCpAsyncArrive(Thread &t, const Inst &in);
  void completeCpAsync(AsyncOp &op);
  void checkCpAsyncExit(Thread &t);
  bool execTma(Thread &t, const Inst &in);
  bool execBulkStore(Thread &t, const Inst &in);
  /// The operands of a bulk copy (execBulkStore, execBulkLoad): alignment
  /// and size (sem::checkBulkCopy), and its global side [global, global +
  /// size) inside an allocation ("<globalWhat> outside every allocation").
  bool checkBulkOperands(Thread &t, uint64_t dst, uint64_t src, uint64_t size,
                         uint64_t global, const char *globalWhat);
  bool execBulkLoad(Thread &t, const Inst &in);
  /// The part of a global -> shared copy tracked by an mbarrier (execTma,
  /// execBulkLoad): checks that [dst, dst + size) lies in the CTA's shared
  /// memory ("<copy> destination outside ...") and that `mba` holds an
  /// mbarrier (mbarAt with `mbarUse`), then issues the op: its completion
  /// record, the TMA tags of its destination granules (a read before the
  /// mbarrier's phase is observed is a "TMA race") and its event. Returns
  /// the op for the caller's kind-specific fields (its event runs later),
  /// or null when a checker event stopped the launch.
  AsyncOp *issueSharedFill(Thread &t, AKind kind, uint64_t dst, uint64_t size,
                           uint64_t mba, const char *copy,
                           const char *mbarUse);
  /// The asynchronous write of [dst, dst + size) of shared memory, checked
  /// by the caller: its op (scheduled at a seeded delay) and its TMA record
  /// (mbarrier `mbar`, -1 for none yet), which tags the bytes' granules.
  AsyncOp *newSharedFill(Thread &t, AKind kind, uint32_t dst, uint32_t size,
                         int32_t mbar);
  /// The address an [reg + imm] operand names.
  static uint64_t addressOf(const Thread &t, const Operand &o) {
    return (o.reg >= 0 ? t.R[o.reg] : 0) + (uint64_t)o.imm;
  }
  // --- global memory ordering between CTAs (GlobalOrder.cpp)
  enum class GAccess : uint8_t { Load, SyncLoad, Store, SyncStore, Atomic };
  bool globalOrder(Thread &t, uint64_t addr, uint32_t n, GAccess kind);
  void globalFence(Thread &t);
  // --- the deadlock report (Checker.cpp)
  void reportDeadlock();


  Machine::Impl &M;
  const Module &mod;
  const Kernel &K;
  LaunchConfig cfg;
  Options opt;
  std::mt19937_64 rng;
  std::vector<Inst> code;
  std::vector<uint8_t> param;
  uint32_t dynBase = 0, sharedSize = 0, nThreads = 0, nCtas = 0;
  std::vector<uint32_t> symAddr;
  std::vector<std::unique_ptr<Cta>> ctas; // resident (or finishing)
  uint32_t nextCta = 0, residentLimit = 1, liveCtas = 0;
  std::vector<Warp *> runnable;
  std::vector<AsyncOp> ops;
  std::vector<uint32_t> freeOps;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events;
  uint64_t seqNo = 0, now = 0, executed = 0;
  uint64_t gclock = 0; // order stamps of GlobalOrder.cpp
  std::unordered_map<uint64_t, GWrite> gwrites;    // by 4-byte word
  std::vector<std::vector<GFence>> gfences;        // by linear CTA
  std::string error;
  bool stop = false;
};

} // namespace exec
} // namespace ggemm::emu

#endif // GGEMM_LIB_EMULATOR_MACHINEIMPL_H
