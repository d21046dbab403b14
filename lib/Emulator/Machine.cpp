//===- Machine.cpp - global memory, modules and the checked interpreter ---===//
//
// The Machine's global memory and modules, and one launch: CTAs made
// resident (all of them for a cooperative launch), warps picked at random
// from a seeded generator and run for short random quanta, asynchronous
// units (TMA loads, bulk stores, wgmma) completing after seeded delays, and
// the checker events of Emulator.h reported with the faulting thread's
// recent history.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Emulator/Emulator.h"

#include "Program.h"
#include "Semantics.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <queue>
#include <random>
#include <sstream>

namespace ggemm::emu {

namespace {
constexpr uint64_t kGlobalBase = 0x10000000ull;
constexpr uint64_t kGlobalLimit = 64ull << 30; // emulated memory size
constexpr uint64_t kSharedGenericBase = 0x7f0000000000ull;
constexpr uint64_t kSharedGenericStride = 1ull << 24;
constexpr uint32_t kSharedReserved = 1024; // window [0, 1024) is reserved
constexpr uint32_t kMaxShared = 232448;    // 227 KiB per CTA (sm_90)
constexpr uint32_t kGranule = 16;          // shadow-state granule (bytes)

struct Alloc {
  uint64_t base = 0, size = 0;
  std::vector<uint8_t> data;
  bool module = false;
};
} // namespace

struct Machine::Impl {
  std::map<uint64_t, Alloc> allocs;
  uint64_t next = kGlobalBase;
  size_t used = 0;
  std::vector<std::pair<uint64_t, uint64_t>> hostWritten; // [begin, end)
  std::vector<std::unique_ptr<Module>> modules;
  mutable const Alloc *cache = nullptr;

  Alloc *find(uint64_t addr) {
    if (cache && addr - cache->base < cache->size)
      return const_cast<Alloc *>(cache);
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
    Alloc *a = find(addr);
    if (!a || addr + n > a->base + a->size || addr + n < addr)
      return nullptr;
    return a->data.data() + (addr - a->base);
  }
  std::string alloc(size_t bytes, uint64_t &address, bool module) {
    if (bytes == 0)
      return "allocate: zero bytes";
    if (used + bytes > kGlobalLimit)
      return "allocate: out of emulated memory";
    uint64_t base = next;
    next = (next + bytes + 255 + 256) / 256 * 256; // a gap between buffers
    Alloc a;
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
  bool hostWrittenOverlaps(uint64_t b, uint64_t e) const {
    for (auto &r : hostWritten)
      if (r.first < e && b < r.second)
        return true;
    return false;
  }
  std::string launch(const Module &m, const Kernel &k, const LaunchConfig &c,
                     const std::vector<std::vector<uint8_t>> &params,
                     const Options &o, LaunchStats *stats);
};

Machine::Machine() : impl(new Impl) {}
Machine::~Machine() = default;

std::string Machine::allocate(size_t bytes, uint64_t &address) {
  return impl->alloc(bytes, address, false);
}

std::string Machine::release(uint64_t address) {
  auto it = impl->allocs.find(address);
  if (it == impl->allocs.end() || it->second.module)
    return "release: " + std::to_string(address) + " is not an allocation";
  impl->used -= it->second.size;
  uint64_t b = it->second.base, e = b + it->second.size;
  auto &hw = impl->hostWritten;
  hw.erase(std::remove_if(hw.begin(), hw.end(),
                          [&](auto &r) { return r.first >= b && r.second <= e; }),
           hw.end());
  impl->allocs.erase(it);
  impl->cache = nullptr;
  return "";
}

std::string Machine::write(uint64_t address, const void *host, size_t bytes) {
  if (!bytes)
    return "";
  uint8_t *p = impl->ptr(address, bytes);
  if (!p)
    return "write: [" + std::to_string(address) + ", +" +
           std::to_string(bytes) + ") is outside every allocation";
  std::memcpy(p, host, bytes);
  impl->hostWritten.push_back({address, address + bytes});
  if (impl->hostWritten.size() > 4096) { // merge to keep the list short
    auto &hw = impl->hostWritten;
    std::sort(hw.begin(), hw.end());
    std::vector<std::pair<uint64_t, uint64_t>> m;
    for (auto &r : hw)
      if (!m.empty() && r.first <= m.back().second)
        m.back().second = std::max(m.back().second, r.second);
      else
        m.push_back(r);
    hw.swap(m);
  }
  return "";
}

std::string Machine::read(uint64_t address, void *host, size_t bytes) const {
  if (!bytes)
    return "";
  uint8_t *p = impl->ptr(address, bytes);
  if (!p)
    return "read: [" + std::to_string(address) + ", +" +
           std::to_string(bytes) + ") is outside every allocation";
  std::memcpy(host, p, bytes);
  return "";
}

void Machine::memoryInfo(size_t &freeBytes, size_t &totalBytes) const {
  totalBytes = kGlobalLimit;
  freeBytes = kGlobalLimit - impl->used;
}

std::string Machine::loadModule(const std::string &ptx, const std::string &name,
                                int &module) {
  auto m = std::make_unique<Module>();
  if (auto e = parseModule(ptx, name, *m); !e.empty())
    return e;
  for (auto &g : m->globals) {
    uint64_t a = 0;
    if (auto e = impl->alloc(g.init.size(), a, true); !e.empty())
      return e;
    std::memcpy(impl->ptr(a, g.init.size()), g.init.data(), g.init.size());
    g.address = a;
  }
  for (auto &k : m->kernels)
    for (auto &in : k.code)
      for (auto &o : in.o)
        if (o.sym >= 0) {
          o.imm += (int64_t)m->globals[o.sym].address;
          o.sym = -1;
        }
  module = (int)impl->modules.size();
  impl->modules.push_back(std::move(m));
  return "";
}

std::string Machine::unloadModule(int module) {
  if (module < 0 || module >= (int)impl->modules.size() ||
      !impl->modules[module])
    return "unloadModule: no module " + std::to_string(module);
  for (auto &g : impl->modules[module]->globals) {
    auto it = impl->allocs.find(g.address);
    if (it != impl->allocs.end()) {
      impl->used -= it->second.size;
      impl->allocs.erase(it);
    }
  }
  impl->cache = nullptr;
  impl->modules[module].reset();
  return "";
}

static const Kernel *findK(const Module &m, const std::string &name) {
  for (auto &k : m.kernels)
    if (k.name == name)
      return &k;
  return nullptr;
}

std::string Machine::findKernel(int module, const std::string &kernel,
                                KernelInfo &out) const {
  if (module < 0 || module >= (int)impl->modules.size() ||
      !impl->modules[module])
    return "findKernel: no module " + std::to_string(module);
  const Kernel *k = findK(*impl->modules[module], kernel);
  if (!k)
    return "findKernel: no kernel '" + kernel + "' in module '" +
           impl->modules[module]->name + "'";
  out.name = k->name;
  out.paramBytes = k->paramBytes;
  out.staticSharedBytes = k->staticShared;
  return "";
}

std::string Machine::launch(int module, const std::string &kernel,
                            const LaunchConfig &config,
                            const std::vector<std::vector<uint8_t>> &params,
                            const Options &options, LaunchStats *stats) {
  if (module < 0 || module >= (int)impl->modules.size() ||
      !impl->modules[module])
    return "launch: no module " + std::to_string(module);
  const Module &m = *impl->modules[module];
  const Kernel *k = findK(m, kernel);
  if (!k)
    return "launch: no kernel '" + kernel + "'";
  return impl->launch(m, *k, config, params, options, stats);
}

//===----------------------------------------------------------------------===//
// One launch
//===----------------------------------------------------------------------===//

namespace {

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
  // bulk async-groups
  std::vector<uint32_t> bulkPending; // per group: incomplete operations
  std::vector<uint32_t> bulkIssued;  // per group: operations issued
  uint32_t bulkOpen = 0;             // index of the uncommitted group
  uint32_t bulkWaited = 0;           // groups below this were waited for
  // wgmma accumulators in flight
  std::vector<uint8_t> busy;
  std::vector<uint64_t> shadow;
  uint32_t busyCount = 0;
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
  std::vector<Thread *> waiters;
};

struct TmaRec {
  int32_t mbar = -1;
  uint64_t phase = 0;
  bool done = false;
};

struct Barrier {
  uint32_t arrived = 0, expected = 0;
  std::vector<Thread *> waiting;
};

struct WGroup {
  std::vector<uint32_t> pending; // per committed group (+ open one)
  uint32_t open = 0;
  uint64_t lastDue = 0;
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
  std::vector<uint32_t> tmaTag;    // per granule: tma rec + 1
  std::vector<uint16_t> genWriter; // per granule: thread + 1
  std::vector<uint32_t> genEpoch;  // per granule: writer's epoch at write
  Barrier bars[16];
  std::vector<WGroup> wgroups;
  uint32_t live = 0;   // threads not exited
  uint32_t exited = 0;
  uint32_t asyncInFlight = 0;
  bool done = false;
};

enum class AKind : uint8_t { Tma, Bulk, Wgmma };

struct AsyncOp {
  AKind kind = AKind::Tma;
  Cta *cta = nullptr;
  Thread *thread = nullptr; // issuer
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
  std::vector<float> acc;
  uint32_t inst = 0;
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
  void fail(const Thread &t, const std::string &kind, const std::string &msg);
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
  bool mbarArrive(Thread *t, Cta &c, Mbar &b, int32_t count, bool nocomplete);
  bool completeTx(Cta &c, int32_t mbarId, int64_t bytes, Thread *blame);
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
                       Thread &self);
  void runCollective(Thread &t, const Inst &in);
  bool wgWaitReady(Cta &c, uint32_t wg, uint32_t n);
  void barArrive(Thread &t, uint32_t id, uint32_t count, bool wait);
  void barCheck(Cta &c, uint32_t id);
  void threadExit(Thread &t);
  void wgmmaIssue(Thread &t, const Inst &in, uint32_t pc);

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
  std::string error;
  bool stop = false;
};

std::string Launch::where(const Thread &t) const {
  std::ostringstream os;
  const Cta &c = *t.cta;
  os << "thread (" << t.tid[0] << "," << t.tid[1] << "," << t.tid[2]
     << ") warp " << t.lin / 32 << " lane " << t.lin % 32 << ", CTA ("
     << c.id[0] << "," << c.id[1] << "," << c.id[2] << ")";
  return os.str();
}

void Launch::fail(const Thread &t, const std::string &kind,
                  const std::string &msg) {
  if (!error.empty())
    return;
  std::ostringstream os;
  os << "checker: " << kind << ": " << msg << "\n  at "
     << instText(std::min<uint32_t>(t.pc, (uint32_t)code.size() - 1)) << "\n  "
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

uint64_t Launch::special(const Thread &t, int id) const {
  const Cta &c = *t.cta;
  switch (id) {
  case SR_TidX: return t.tid[0];
  case SR_TidY: return t.tid[1];
  case SR_TidZ: return t.tid[2];
  case SR_NTidX: return cfg.block[0];
  case SR_NTidY: return cfg.block[1];
  case SR_NTidZ: return cfg.block[2];
  case SR_CtaidX: return c.id[0];
  case SR_CtaidY: return c.id[1];
  case SR_CtaidZ: return c.id[2];
  case SR_NCtaidX: return cfg.grid[0];
  case SR_NCtaidY: return cfg.grid[1];
  case SR_NCtaidZ: return cfg.grid[2];
  case SR_LaneId: return t.lin % 32;
  case SR_WarpId: return t.lin / 32;
  case SR_NWarpId: return (nThreads + 31) / 32;
  case SR_SmId: return c.linear % 132;
  case SR_NSmId: return 132;
  case SR_ClusterIdX: return c.id[0] / cfg.cluster[0];
  case SR_ClusterIdY: return c.id[1] / cfg.cluster[1];
  case SR_ClusterIdZ: return c.id[2] / cfg.cluster[2];
  case SR_NClusterIdX: return cfg.grid[0] / cfg.cluster[0];
  case SR_NClusterIdY: return cfg.grid[1] / cfg.cluster[1];
  case SR_NClusterIdZ: return cfg.grid[2] / cfg.cluster[2];
  case SR_ClusterCtaIdX: return c.id[0] % cfg.cluster[0];
  case SR_ClusterCtaIdY: return c.id[1] % cfg.cluster[1];
  case SR_ClusterCtaIdZ: return c.id[2] % cfg.cluster[2];
  case SR_ClusterNCtaIdX: return cfg.cluster[0];
  case SR_ClusterNCtaIdY: return cfg.cluster[1];
  case SR_ClusterNCtaIdZ: return cfg.cluster[2];
  case SR_ClusterCtaRank:
    return c.id[0] % cfg.cluster[0] +
           cfg.cluster[0] * (c.id[1] % cfg.cluster[1] +
                             cfg.cluster[1] * (c.id[2] % cfg.cluster[2]));
  case SR_ClusterNCtaRank:
    return cfg.cluster[0] * cfg.cluster[1] * cfg.cluster[2];
  case SR_IsExplicitCluster:
    return cfg.cluster[0] * cfg.cluster[1] * cfg.cluster[2] > 1;
  case SR_Clock: case SR_Clock64: case SR_GlobalTimer: return now * 64 + executed;
  case SR_LaneMaskEq: return 1u << (t.lin % 32);
  case SR_LaneMaskLt: return (1u << (t.lin % 32)) - 1;
  case SR_LaneMaskLe: return (uint32_t)((2ull << (t.lin % 32)) - 1);
  case SR_LaneMaskGt: return (uint32_t)~((2ull << (t.lin % 32)) - 1);
  case SR_LaneMaskGe: return (uint32_t)~((1u << (t.lin % 32)) - 1);
  case SR_DynSmemSize: return cfg.dynamicSharedBytes;
  case SR_TotalSmemSize: return sharedSize;
  }
  return 0;
}

std::string Launch::setup(const std::vector<std::vector<uint8_t>> &params) {
  for (int i = 0; i < 3; ++i) {
    if (!cfg.grid[i] || !cfg.block[i] || !cfg.cluster[i])
      return "launch: zero grid, block or cluster dimension";
    if (cfg.grid[i] % cfg.cluster[i])
      return "launch: grid not a multiple of the cluster";
  }
  nThreads = cfg.block[0] * cfg.block[1] * cfg.block[2];
  if (nThreads > 1024)
    return "launch: more than 1024 threads per CTA";
  uint64_t nc = (uint64_t)cfg.grid[0] * cfg.grid[1] * cfg.grid[2];
  if (nc > (1u << 24))
    return "launch: grid too large for the emulator";
  nCtas = (uint32_t)nc;
  if (params.size() != K.paramBytes.size())
    return "launch: kernel '" + K.name + "' takes " +
           std::to_string(K.paramBytes.size()) + " parameters, got " +
           std::to_string(params.size());
  param.assign(K.paramTotal, 0);
  for (size_t i = 0; i < params.size(); ++i) {
    if (params[i].size() != K.paramBytes[i])
      return "launch: parameter " + std::to_string(i) + " has " +
             std::to_string(params[i].size()) + " bytes, expected " +
             std::to_string(K.paramBytes[i]);
    std::memcpy(param.data() + K.paramOffsets[i], params[i].data(),
                params[i].size());
  }
  // Shared window: [0, 1024) reserved, static symbols, then the dynamic
  // array; the seed decides whether the dynamic array is 1024-aligned or
  // only 16-aligned (the ISA guarantees 16).
  uint32_t stat = kSharedReserved + K.staticShared;
  dynBase = (stat + 1023) / 1024 * 1024;
  std::mt19937_64 lay(opt.seed * 0x9E3779B97F4A7C15ull + 7);
  if ((lay() >> 40) & 1)
    dynBase += 16 * (uint32_t)(1 + lay() % 63);
  sharedSize = dynBase + cfg.dynamicSharedBytes;
  if (sharedSize - kSharedReserved > kMaxShared + 1024)
    return "launch: " + std::to_string(sharedSize - kSharedReserved) +
           " bytes of shared memory per CTA exceed the limit";
  symAddr.resize(K.syms.size());
  for (size_t i = 0; i < K.syms.size(); ++i)
    symAddr[i] = K.syms[i].dynamic ? dynBase
                                   : kSharedReserved + (uint32_t)K.syms[i].address;
  code = K.code;
  for (auto &in : code)
    for (auto &o : in.o)
      if (o.sym <= -2 && o.sym > -100) {
        o.imm += symAddr[-2 - o.sym];
        o.sym = -1;
      }
  residentLimit = cfg.cooperative ? nCtas : std::min<uint32_t>(nCtas, 4);
  return "";
}

Cta *Launch::admit(uint32_t linear) {
  auto c = std::make_unique<Cta>();
  Cta &C = *c;
  C.linear = linear;
  C.id[0] = linear % cfg.grid[0];
  C.id[1] = linear / cfg.grid[0] % cfg.grid[1];
  C.id[2] = linear / cfg.grid[0] / cfg.grid[1];
  C.shared.resize(sharedSize);
  // uninitialised shared memory: a seed-dependent pattern
  uint8_t fill = (uint8_t)(0xA5 ^ (opt.seed * 31 + linear));
  std::memset(C.shared.data(), fill, sharedSize);
  uint32_t gr = (sharedSize + kGranule - 1) / kGranule;
  C.tmaTag.assign(gr, 0);
  C.genWriter.assign(gr, 0);
  C.genEpoch.assign(gr, 0);
  C.mbarAt.assign(sharedSize / 8 + 1, 0);
  uint32_t ns = std::max<uint32_t>(K.numSlots, 1);
  C.regs.assign((size_t)ns * nThreads, 0);
  uint32_t H = std::max<uint32_t>(opt.historyLength, 1);
  C.hist.assign((size_t)H * nThreads, 0);
  C.threads.resize(nThreads);
  uint32_t nw = (nThreads + 31) / 32;
  C.warps.resize(nw);
  C.wgroups.resize((nw + 3) / 4);
  for (auto &g : C.wgroups)
    g.pending.assign(1, 0);
  for (uint32_t w = 0; w < nw; ++w) {
    C.warps[w].cta = &C;
    C.warps[w].first = w * 32;
    C.warps[w].count = std::min<uint32_t>(32, nThreads - w * 32);
  }
  for (uint32_t i = 0; i < nThreads; ++i) {
    Thread &t = C.threads[i];
    t.lin = i;
    t.tid[0] = i % cfg.block[0];
    t.tid[1] = i / cfg.block[0] % cfg.block[1];
    t.tid[2] = i / cfg.block[0] / cfg.block[1];
    t.R = C.regs.data() + (size_t)i * ns;
    t.hist = C.hist.data() + (size_t)i * H;
    t.cta = &C;
    t.warp = &C.warps[i / 32];
    t.state = Exited; // setState below counts it
    t.bulkPending.assign(1, 0);
    t.bulkIssued.assign(1, 0);
    setState(t, Ready);
  }
  C.live = nThreads;
  ++liveCtas;
  ctas.push_back(std::move(c));
  return &C;
}

void Launch::retire(Cta *c) {
  c->done = true;
  --liveCtas;
}

//--- memory -----------------------------------------------------------------//

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
      c.tmaTag[g] = 0;
      c.genWriter[g] = (uint16_t)(t.lin + 1);
      c.genEpoch[g] = t.fenceEpoch;
    } else if (check && c.tmaTag[g]) {
      const TmaRec &r = c.tmaRecs[c.tmaTag[g] - 1];
      if (!r.done) {
        std::ostringstream os;
        os << "shared read at 0x" << std::hex << a << std::dec
           << " of bytes a TMA copy is still writing (it completes on the "
              "mbarrier at 0x"
           << std::hex << c.mbars[r.mbar].addr << ")";
        fail(t, "TMA race", os.str());
        return nullptr;
      }
      if (r.mbar >= 0 && (t.observed.size() <= (size_t)r.mbar ||
                          t.observed[r.mbar] <= r.phase)) {
        std::ostringstream os;
        os << "shared read at 0x" << std::hex << a << std::dec
           << " of bytes a TMA copy wrote, before this thread observed its "
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

//--- mbarriers --------------------------------------------------------------//

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
  b.phase++;
  b.pending = b.expected;
  for (Thread *w : b.waiters)
    if (w->state == WaitMbar)
      wake(*w);
  b.waiters.clear();
}

bool Launch::mbarArrive(Thread *t, Cta &c, Mbar &b, int32_t count,
                        bool nocomplete) {
  (void)nocomplete;
  b.pending -= count;
  if (b.pending < 0) {
    std::ostringstream os;
    os << "arrival past the expected count of the mbarrier at 0x" << std::hex
       << b.addr << std::dec << " (expected " << b.expected
       << " arrivals per phase, phase " << b.phase << ")";
    if (t)
      fail(*t, "mbarrier error", os.str());
    else
      failNoThread("mbarrier error", os.str());
    return false;
  }
  if (b.pending == 0 && b.tx == 0)
    mbarComplete(c, b);
  return true;
}

bool Launch::completeTx(Cta &c, int32_t id, int64_t bytes, Thread *blame) {
  Mbar &b = c.mbars[id];
  b.tx -= bytes;
  if (b.tx < 0) {
    std::ostringstream os;
    os << "transaction bytes completed past expect_tx on the mbarrier at 0x"
       << std::hex << b.addr << std::dec << " (tx-count " << b.tx
       << ", phase " << b.phase << ")";
    if (blame)
      fail(*blame, "mbarrier error", os.str());
    else
      failNoThread("mbarrier error", os.str());
    return false;
  }
  if (b.pending == 0 && b.tx == 0)
    mbarComplete(c, b);
  return true;
}

//--- async units --------------------------------------------------------------//

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
      if (!r.done || issuer.observed.size() <= (size_t)r.mbar ||
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
    if (uint16_t w = c.genWriter[g]) {
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

void Launch::completeOp(uint32_t i) {
  AsyncOp &op = ops[i];
  Cta &c = *op.cta;
  c.asyncInFlight--;
  if (op.kind == AKind::Tma) {
    if (!c.done || c.live) {
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
        fail(*op.thread, "TMA error", e);
      } else {
        c.tmaRecs[op.rec].done = true;
        c.tmaRecs[op.rec].phase = c.mbars[op.mbar].phase;
        completeTx(c, op.mbar, op.bytes, op.thread);
      }
    }
  } else if (op.kind == AKind::Bulk) {
    uint8_t *dst = M.ptr(op.gdst, op.size);
    if (!dst)
      fail(*op.thread, "out-of-bounds access", "bulk store destination "
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

//--- collectives --------------------------------------------------------------//

bool Launch::collectiveReady(Cta &c, uint32_t first, uint32_t count,
                             uint32_t pc, Thread &self) {
  for (uint32_t i = first; i < first + count && i < nThreads; ++i) {
    Thread &o = c.threads[i];
    if (o.state == Exited)
      continue;
    if (o.state != WaitColl)
      return false;
    if (o.pc != pc && code[o.pc].op != code[pc].op)
      return false; // elsewhere (a deadlock if it never resolves)
    (void)self;
  }
  return true;
}

bool Launch::wgWaitReady(Cta &c, uint32_t wg, uint32_t n) {
  WGroup &g = c.wgroups[wg];
  uint32_t pendingGroups = 0;
  for (uint32_t i = 0; i < g.open; ++i)
    if (g.pending[i])
      ++pendingGroups;
  // the groups must complete oldest first: count from the oldest pending
  uint32_t firstPending = g.open;
  for (uint32_t i = 0; i < g.open; ++i)
    if (g.pending[i]) {
      firstPending = i;
      break;
    }
  return g.open - firstPending <= n;
  (void)pendingGroups;
}

void Launch::runCollective(Thread &t, const Inst &in) {
  Cta &c = *t.cta;
  bool wgScope = in.op == Op::WgmmaFence || in.op == Op::WgmmaCommit ||
                 in.op == Op::WgmmaWait || in.op == Op::WgmmaMma;
  uint32_t first = wgScope ? t.lin / 128 * 128 : t.lin / 32 * 32;
  uint32_t count = wgScope ? 128 : 32;
  uint32_t pc = t.pc;
  setState(t, WaitColl);
  if (!collectiveReady(c, first, count, pc, t))
    return;
  uint32_t end = std::min(first + count, nThreads);
  auto releaseAll = [&]() {
    for (uint32_t i = first; i < end; ++i) {
      Thread &o = c.threads[i];
      if (o.state == WaitColl) {
        o.pc++;
        wake(o);
      }
    }
  };
  switch (in.op) {
  case Op::ElectSync: {
    // lowest non-exited lane in the member mask
    uint32_t mask = in.nOpd >= 3 ? (uint32_t)(in.o[2].kind == OpdKind::Reg
                                                  ? c.threads[first].R[in.o[2].reg]
                                                  : in.o[2].imm)
                                 : 0xffffffffu;
    int leader = -1;
    for (uint32_t i = first; i < end; ++i)
      if (c.threads[i].state == WaitColl && (mask >> (i - first) & 1)) {
        leader = (int)(i - first);
        break;
      }
    for (uint32_t i = first; i < end; ++i) {
      Thread &o = c.threads[i];
      if (o.state != WaitColl)
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
  default:
    releaseAll();
    return;
  }
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
  }
  WGroup &g = c.wgroups[wg];
  a.wgGroup = g.open;
  g.pending[g.open]++;
  c.asyncInFlight++;
  uint64_t due = std::max(now + delay(1, 24), g.lastDue);
  g.lastDue = due;
  schedule(oi, due);
}

void Launch::barCheck(Cta &c, uint32_t id) {
  Barrier &b = c.bars[id];
  uint32_t expected = b.expected ? b.expected : c.live;
  if (b.waiting.empty() && b.arrived == 0)
    return;
  if (b.arrived < expected)
    return;
  // merge observations among the participants
  size_t nm = c.mbars.size();
  std::vector<uint64_t> obs(nm, 0);
  for (Thread *t : b.waiting)
    for (size_t i = 0; i < t->observed.size(); ++i)
      obs[i] = std::max(obs[i], t->observed[i]);
  for (Thread *t : b.waiting) {
    t->observed.resize(nm, 0);
    for (size_t i = 0; i < nm; ++i)
      t->observed[i] = std::max(t->observed[i], obs[i]);
    if (t->state == WaitBar) {
      t->pc++;
      wake(*t);
    }
  }
  b.waiting.clear();
  b.arrived = 0;
  b.expected = 0;
}

void Launch::barArrive(Thread &t, uint32_t id, uint32_t count, bool wait) {
  Cta &c = *t.cta;
  Barrier &b = c.bars[id];
  if (count) {
    if (b.expected && b.expected != count) {
      fail(t, "barrier error", "named barrier " + std::to_string(id) +
                                   " used with different thread counts");
      return;
    }
    b.expected = count;
  }
  b.arrived++;
  if (wait) {
    b.waiting.push_back(&t);
    setState(t, WaitBar);
  } else {
    t.pc++;
  }
  barCheck(c, id);
}

void Launch::threadExit(Thread &t) {
  Cta &c = *t.cta;
  checkBulkExit(t);
  if (stop)
    return;
  setState(t, Exited);
  c.live--;
  c.exited++;
  // collectives and barriers waiting for this thread
  uint32_t wf = t.lin / 32 * 32;
  for (uint32_t i = wf; i < std::min(wf + 32, nThreads); ++i)
    if (c.threads[i].state == WaitColl) {
      Thread &o = c.threads[i];
      if (collectiveReady(c, wf, 32, o.pc, o) &&
          code[o.pc].op != Op::WgmmaMma && code[o.pc].op != Op::WgmmaFence &&
          code[o.pc].op != Op::WgmmaCommit && code[o.pc].op != Op::WgmmaWait) {
        setState(o, Ready); // re-executes and completes the collective
      }
      break;
    }
  for (uint32_t id = 0; id < 16; ++id)
    if (c.bars[id].arrived && !c.bars[id].expected)
      barCheck(c, id);
  if (c.live == 0)
    retire(&c);
}

//--- the interpreter -----------------------------------------------------------//

#define VAL(o)                                                                 \
  ((o).kind == OpdKind::Reg                                                    \
       ? ((o).count ? (uint64_t)(R[(o).reg] == 0) : R[(o).reg])                \
       : (o).kind == OpdKind::Imm ? (uint64_t)(o).imm : special(t, (int)(o).imm))

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
      // an instruction touching accumulators of an in-flight wgmma
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
             "a register of an in-flight wgmma.mma_async is accessed before "
             "wgmma.wait_group retired it");
        break;
      }
    }
    const Operand &d = in.o[0];
    const Operand &a = in.o[1];
    const Operand &b = in.o[2];
    const unsigned bits = in.type.bits;
    const uint8_t tk = in.type.kind;
    auto wr = [&](const Operand &o, uint64_t v) {
      if (o.kind == OpdKind::Reg)
        R[o.reg] = v & maskBits(K.slotBits[o.reg] == 1 ? 64 : K.slotBits[o.reg]);
    };
    auto wrT = [&](uint64_t v) { R[d.reg] = v & maskBits(bits); };
    switch (in.op) {
    case Op::Nop:
      break;
    case Op::Mov:
      if (tk == TPred)
        R[d.reg] = VAL(a) != 0;
      else
        wrT(VAL(a));
      break;
    case Op::MovPack: {
      unsigned ew = bits / a.count;
      uint64_t v = 0;
      for (int j = 0; j < a.count; ++j) {
        int32_t s = in.vec[a.vec + j];
        v |= (R[s] & maskBits(ew)) << (ew * j);
      }
      wrT(v);
      break;
    }
    case Op::MovUnpack: {
      unsigned ew = bits / d.count;
      uint64_t v = VAL(a);
      for (int j = 0; j < d.count; ++j) {
        int32_t s = in.vec[d.vec + j];
        if (s >= 0)
          R[s] = (v >> (ew * j)) & maskBits(ew);
      }
      break;
    }
    case Op::Add:
    case Op::Sub: {
      uint64_t x = VAL(a), y = VAL(b);
      bool sub = in.op == Op::Sub;
      if (tk == TF) {
        if (bits == 32)
          wrT(fromF(sub ? sem::subF32(asF(x), asF(y), in.flags & F_Ftz)
                        : sem::addF32(asF(x), asF(y), in.flags & F_Ftz)));
        else if (bits == 64)
          wrT(fromD(sub ? asD(x) - asD(y) : asD(x) + asD(y)));
        else
          wrT(sub ? sem::addF16Rn((uint16_t)x, (uint16_t)(y ^ 0x8000),
                                  in.flags & F_Ftz)
                  : sem::addF16Rn((uint16_t)x, (uint16_t)y, in.flags & F_Ftz));
      } else if (tk == TF16x2)
        wrT(sub ? sem::subF16x2Rn((uint32_t)x, (uint32_t)y, in.flags & F_Ftz)
                : sem::addF16x2Rn((uint32_t)x, (uint32_t)y, in.flags & F_Ftz));
      else
        wrT(sub ? x - y : x + y);
      break;
    }
    case Op::Mul: {
      uint64_t x = VAL(a), y = VAL(b);
      if (tk == TF) {
        if (bits == 32)
          wrT(fromF(sem::mulF32(asF(x), asF(y), in.flags & F_Ftz)));
        else if (bits == 64)
          wrT(fromD(asD(x) * asD(y)));
        else
          wrT(sem::mulF16Rn((uint16_t)x, (uint16_t)y, in.flags & F_Ftz));
      } else if (tk == TF16x2) {
        if (in.flags & F_Ftz)
          wrT(sem::mulF16x2Rn((uint32_t)x, (uint32_t)y, true));
        else // the f32 product of two f16 is exact: one rounding to f16
          wrT((uint64_t)sem::f32ToF16Rn(sem::f16ToF32((uint16_t)x) *
                                        sem::f16ToF32((uint16_t)y)) |
              (uint64_t)sem::f32ToF16Rn(sem::f16ToF32((uint16_t)(x >> 16)) *
                                        sem::f16ToF32((uint16_t)(y >> 16)))
                  << 16);
      }
      else
        wrT(x * y);
      break;
    }
    case Op::MulHi:
    case Op::MadHi: {
      uint64_t x = VAL(a), y = VAL(b), r;
      if (tk == TS) {
        __int128 p = (__int128)sext(x, bits) * (__int128)sext(y, bits);
        r = (uint64_t)(p >> bits);
      } else {
        unsigned __int128 p = (unsigned __int128)(x & maskBits(bits)) *
                              (y & maskBits(bits));
        r = (uint64_t)(p >> bits);
      }
      if (in.op == Op::MadHi)
        r += VAL(in.o[3]);
      wrT(r);
      break;
    }
    case Op::MulWide:
    case Op::MadWide: {
      uint64_t x = VAL(a), y = VAL(b), r;
      if (tk == TS)
        r = (uint64_t)(sext(x, bits) * sext(y, bits));
      else
        r = (x & maskBits(bits)) * (y & maskBits(bits));
      if (in.op == Op::MadWide)
        r += VAL(in.o[3]);
      R[d.reg] = r & maskBits(2 * bits);
      break;
    }
    case Op::Mad: {
      uint64_t x = VAL(a), y = VAL(b), z = VAL(in.o[3]);
      wrT(x * y + z);
      break;
    }
    case Op::Fma: {
      uint64_t x = VAL(a), y = VAL(b), z = VAL(in.o[3]);
      if (tk == TF && bits == 32)
        wrT(fromF(sem::fmaF32(asF(x), asF(y), asF(z), in.flags & F_Ftz)));
      else if (tk == TF && bits == 64)
        wrT(fromD(std::fma(asD(x), asD(y), asD(z))));
      else if (tk == TF && bits == 16)
        wrT(sem::fmaF16Rn((uint16_t)x, (uint16_t)y, (uint16_t)z,
                          in.flags & F_Ftz));
      else if (tk == TF16x2)
        wrT(sem::fmaF16x2Rn((uint32_t)x, (uint32_t)y, (uint32_t)z,
                            in.flags & F_Ftz));
      else {
        fail(t, "unsupported", "fma of this type");
      }
      break;
    }
    case Op::Neg: {
      uint64_t x = VAL(a);
      if (tk == TF)
        wrT(x ^ (1ull << (bits - 1)));
      else if (tk == TF16x2)
        wrT(x ^ 0x80008000u);
      else
        wrT(0 - x);
      break;
    }
    case Op::Abs: {
      uint64_t x = VAL(a);
      if (tk == TF)
        wrT(x & ~(1ull << (bits - 1)));
      else {
        int64_t v = sext(x, bits);
        wrT((uint64_t)(v < 0 ? -v : v));
      }
      break;
    }
    case Op::Min:
    case Op::Max: {
      uint64_t x = VAL(a), y = VAL(b);
      bool mx = in.op == Op::Max;
      if (tk == TS) {
        int64_t p = sext(x, bits), q = sext(y, bits);
        wrT((uint64_t)(mx ? std::max(p, q) : std::min(p, q)));
      } else if (tk == TF && bits == 32) {
        float p = asF(x), q = asF(y);
        wrT(fromF(mx ? std::fmax(p, q) : std::fmin(p, q)));
      } else if (tk == TF && bits == 64) {
        double p = asD(x), q = asD(y);
        wrT(fromD(mx ? std::fmax(p, q) : std::fmin(p, q)));
      } else {
        x &= maskBits(bits);
        y &= maskBits(bits);
        wrT(mx ? std::max(x, y) : std::min(x, y));
      }
      break;
    }
    case Op::Div:
    case Op::Rem: {
      uint64_t x = VAL(a), y = VAL(b);
      bool rem = in.op == Op::Rem;
      if (tk == TF) {
        if (bits == 32)
          wrT(fromF(asF(x) / asF(y)));
        else
          wrT(fromD(asD(x) / asD(y)));
      } else if (tk == TS) {
        int64_t p = sext(x, bits), q = sext(y, bits);
        if (q == 0 || (q == -1 && p == sext(1ull << (bits - 1), bits)))
          wrT(rem ? (q == 0 ? (uint64_t)p : 0) : ~0ull);
        else
          wrT((uint64_t)(rem ? p % q : p / q));
      } else {
        x &= maskBits(bits);
        y &= maskBits(bits);
        if (y == 0)
          wrT(rem ? x : ~0ull);
        else
          wrT(rem ? x % y : x / y);
      }
      break;
    }
    case Op::And:
      wrT(VAL(a) & VAL(b));
      break;
    case Op::Or:
      wrT(VAL(a) | VAL(b));
      break;
    case Op::Xor:
      wrT(VAL(a) ^ VAL(b));
      break;
    case Op::Not:
      if (tk == TPred)
        R[d.reg] = VAL(a) == 0;
      else
        wrT(~VAL(a));
      break;
    case Op::Shl: {
      uint64_t x = VAL(a), s = VAL(b) & 0xffffffffu;
      wrT(s >= bits ? 0 : x << s);
      break;
    }
    case Op::Shr: {
      uint64_t x = VAL(a), s = VAL(b) & 0xffffffffu;
      if (tk == TS) {
        int64_t v = sext(x, bits);
        wrT((uint64_t)(v >> (s >= bits ? bits - 1 : s)));
      } else {
        x &= maskBits(bits);
        wrT(s >= bits ? 0 : x >> s);
      }
      break;
    }
    case Op::Bfe: {
      uint64_t x = VAL(a);
      unsigned pos = (unsigned)(VAL(b) & 0xff), len = (unsigned)(VAL(in.o[3]) & 0xff);
      uint64_t r;
      if (len == 0)
        r = 0;
      else {
        bool sbit;
        if (tk == TS) {
          unsigned top = std::min(pos + len - 1, bits - 1);
          sbit = (x >> top) & 1;
        } else
          sbit = false;
        uint64_t f = pos >= bits ? 0 : (x & maskBits(bits)) >> pos;
        unsigned l = std::min(len, bits);
        r = f & maskBits(l);
        if (sbit && l < 64)
          r |= ~maskBits(l);
        if (pos >= bits && tk == TS)
          r = sbit ? ~0ull : 0;
      }
      wrT(r);
      break;
    }
    case Op::Bfi: {
      uint64_t f = VAL(a), base = VAL(b);
      unsigned pos = (unsigned)(VAL(in.o[3]) & 0xff),
               len = (unsigned)(VAL(in.o[4]) & 0xff);
      uint64_t r = base;
      if (len && pos < bits) {
        unsigned l = std::min(len, bits - pos);
        uint64_t m = maskBits(l) << pos;
        r = (base & ~m) | ((f << pos) & m);
      }
      wrT(r);
      break;
    }
    case Op::Popc:
      R[d.reg] = (uint64_t)__builtin_popcountll(VAL(a) & maskBits(bits));
      break;
    case Op::Clz: {
      uint64_t x = VAL(a) & maskBits(bits);
      R[d.reg] = x ? (uint64_t)(__builtin_clzll(x) - (64 - bits)) : bits;
      break;
    }
    case Op::Brev: {
      uint64_t x = VAL(a), r = 0;
      for (unsigned i = 0; i < bits; ++i)
        r |= ((x >> i) & 1) << (bits - 1 - i);
      wrT(r);
      break;
    }
    case Op::Prmt:
      wrT(sem::prmt((uint32_t)VAL(a), (uint32_t)VAL(b), (uint32_t)VAL(in.o[3]),
                    (sem::PrmtMode)in.cmp));
      break;
    case Op::Selp:
      if (tk == TPred)
        R[d.reg] = (VAL(in.o[3]) ? VAL(a) : VAL(b)) != 0;
      else
        wrT(VAL(in.o[3]) ? VAL(a) : VAL(b));
      break;
    case Op::Setp: {
      uint64_t x = VAL(a), y = VAL(b);
      bool r = false;
      if (tk == TF) {
        double p, q;
        if (bits == 32)
          p = asF(x), q = asF(y);
        else if (bits == 64)
          p = asD(x), q = asD(y);
        else
          p = sem::f16ToF32((uint16_t)x), q = sem::f16ToF32((uint16_t)y);
        bool un = std::isnan(p) || std::isnan(q);
        switch (in.cmp) {
        case CEq: r = !un && p == q; break;
        case CNe: r = !un && p != q; break;
        case CLt: r = !un && p < q; break;
        case CLe: r = !un && p <= q; break;
        case CGt: r = !un && p > q; break;
        case CGe: r = !un && p >= q; break;
        case CEqu: r = un || p == q; break;
        case CNeu: r = un || p != q; break;
        case CLtu: r = un || p < q; break;
        case CLeu: r = un || p <= q; break;
        case CGtu: r = un || p > q; break;
        case CGeu: r = un || p >= q; break;
        case CNum: r = !un; break;
        case CNan: r = un; break;
        default: break;
        }
      } else if (tk == TS) {
        int64_t p = sext(x, bits), q = sext(y, bits);
        switch (in.cmp) {
        case CEq: r = p == q; break;
        case CNe: r = p != q; break;
        case CLt: r = p < q; break;
        case CLe: r = p <= q; break;
        case CGt: r = p > q; break;
        case CGe: r = p >= q; break;
        default: break;
        }
      } else {
        x &= maskBits(bits);
        y &= maskBits(bits);
        switch (in.cmp) {
        case CEq: r = x == y; break;
        case CNe: r = x != y; break;
        case CLt: case CLo: r = x < y; break;
        case CLe: case CLs: r = x <= y; break;
        case CGt: case CHi: r = x > y; break;
        case CGe: case CHs: r = x >= y; break;
        default: break;
        }
      }
      R[d.reg] = r;
      break;
    }
    case Op::Cvt: {
      const Ty dt = in.type, st = in.type2;
      uint64_t x = VAL(a);
      if (dt.kind == TF16x2 && st.kind == TF && st.bits == 32) {
        wrT(sem::cvtF16x2F32(asF(x), asF(VAL(b))));
      } else if (dt.kind == TF16x2 && st.kind == TE4M3x2) {
        wrT(sem::cvtF16x2E4M3x2((uint16_t)x));
      } else if (dt.kind == TF16x2 && st.kind == TE2M1x2) {
        wrT(sem::cvtF16x2E2M1x2((uint8_t)x));
      } else if (dt.kind == TF && st.kind == TF) {
        double v = st.bits == 32 ? asF(x) : st.bits == 64 ? asD(x)
                                                          : sem::f16ToF32((uint16_t)x);
        if (dt.bits == 32) {
          float f = st.bits == 64 ? (float)v : (float)v;
          if (in.flags & F_Ftz)
            f = sem::flushF32(f);
          wrT(fromF(f));
        } else if (dt.bits == 64)
          wrT(fromD(v));
        else
          wrT(st.bits == 64 ? sem::f64ToF16Rn(v) : sem::f32ToF16Rn((float)v));
      } else if (dt.kind == TBF16 && st.kind == TF && st.bits == 32) {
        wrT(sem::f32ToBf16Rn(asF(x)));
      } else if (dt.kind == TF && st.kind == TBF16) {
        wrT(fromF(sem::bf16ToF32((uint16_t)x)));
      } else if (dt.kind == TF) {
        // integer -> float
        double v = st.kind == TS ? (double)sext(x, st.bits)
                                 : (double)(x & maskBits(st.bits));
        if (st.bits == 64) {
          if (dt.bits == 32)
            wrT(fromF(st.kind == TS ? (float)(int64_t)x : (float)x));
          else
            wrT(fromD(st.kind == TS ? (double)(int64_t)x : (double)x));
        } else if (dt.bits == 32)
          wrT(fromF((float)v));
        else if (dt.bits == 64)
          wrT(fromD(v));
        else
          wrT(sem::f64ToF16Rn(v));
      } else if (st.kind == TF) {
        // float -> integer (saturating)
        double v = st.bits == 32 ? asF(x) : st.bits == 64 ? asD(x)
                                                          : sem::f16ToF32((uint16_t)x);
        switch (in.cmp) {
        case 4: case 0: v = std::nearbyint(v); break;
        case 6: case 2: v = std::floor(v); break;
        case 7: case 3: v = std::ceil(v); break;
        default: v = std::trunc(v); break;
        }
        uint64_t r;
        if (std::isnan(v))
          r = 0;
        else if (dt.kind == TS) {
          double lo = -std::ldexp(1.0, dt.bits - 1),
                 hi = std::ldexp(1.0, dt.bits - 1) - 1;
          r = (uint64_t)(int64_t)std::min(std::max(v, lo), hi);
        } else {
          double hi = std::ldexp(1.0, dt.bits) - 1;
          r = v <= 0 ? 0 : v >= hi ? maskBits(dt.bits) : (uint64_t)v;
        }
        wrT(r);
      } else {
        // integer -> integer
        uint64_t v = st.kind == TS ? (uint64_t)sext(x, st.bits)
                                   : (x & maskBits(st.bits));
        if (in.flags & F_Sat) {
          int64_t sv = (int64_t)v;
          bool srcSigned = st.kind == TS;
          if (dt.kind == TS) {
            int64_t lo = -(int64_t)(1ull << (dt.bits - 1)),
                    hi = (int64_t)((1ull << (dt.bits - 1)) - 1);
            if (dt.bits < 64) {
              if (srcSigned)
                sv = std::min(std::max(sv, lo), hi);
              else if (v > (uint64_t)hi)
                sv = hi;
            }
            v = (uint64_t)sv;
          } else {
            if (srcSigned && sv < 0)
              v = 0;
            else if (dt.bits < 64 && v > maskBits(dt.bits))
              v = maskBits(dt.bits);
          }
        }
        // sign-extend into the register when the destination is signed
        if (dt.kind == TS)
          v = (uint64_t)sext(v, dt.bits);
        wr(d, v & maskBits(dt.bits));
      }
      break;
    }
    case Op::Cvta:
      if (in.space == Space::Shared || in.space == Space::SharedCluster)
        wrT(kSharedGenericBase + t.cta->linear * kSharedGenericStride +
            (VAL(a) & 0xffffffffu));
      else
        wrT(VAL(a));
      break;
    case Op::CvtaTo:
      if (in.space == Space::Shared || in.space == Space::SharedCluster) {
        uint64_t g = VAL(a);
        uint64_t base = kSharedGenericBase + t.cta->linear * kSharedGenericStride;
        wrT(g >= base && g < base + kSharedGenericStride ? g - base
                                                         : 0xffffffffull);
      } else
        wrT(VAL(a));
      break;
    case Op::Ld:
    case Op::St: {
      const Operand &ao = in.op == Op::Ld ? a : d;
      const Operand &vo = in.op == Op::Ld ? d : a;
      uint64_t addr = (ao.reg >= 0 ? R[ao.reg] : 0) + (uint64_t)ao.imm;
      uint32_t esz = bits / 8, total = esz * in.vecN;
      bool isSh;
      uint32_t win;
      Space sp = in.space == Space::Const ? Space::Global : in.space;
      uint8_t *p = genericPtr(t, addr, total, in.op == Op::St, sp, isSh, win);
      if (!p)
        break;
      if (in.op == Op::Ld) {
        for (unsigned j = 0; j < in.vecN; ++j) {
          uint64_t v = 0;
          std::memcpy(&v, p + j * esz, esz);
          int32_t s = vo.kind == OpdKind::Vec ? in.vec[vo.vec + j] : vo.reg;
          if (s < 0)
            continue;
          if (tk == TS)
            v = (uint64_t)sext(v, bits);
          uint8_t rb = K.slotBits[s];
          R[s] = v & maskBits(rb == 1 ? 64 : rb);
        }
      } else {
        for (unsigned j = 0; j < in.vecN; ++j) {
          uint64_t v;
          if (vo.kind == OpdKind::Vec) {
            int32_t s = in.vec[vo.vec + j];
            v = s >= 0 ? R[s] : 0;
          } else
            v = VAL(vo);
          std::memcpy(p + j * esz, &v, esz);
        }
      }
      break;
    }
    case Op::Atom:
    case Op::Red: {
      const Operand &ao = in.op == Op::Atom ? a : d;
      const Operand &v1 = in.op == Op::Atom ? b : a;
      uint64_t addr = (ao.reg >= 0 ? R[ao.reg] : 0) + (uint64_t)ao.imm;
      uint32_t esz = bits / 8;
      bool isSh;
      uint32_t win;
      uint8_t *p = genericPtr(t, addr, esz, true, in.space, isSh, win);
      if (!p)
        break;
      uint64_t old = 0;
      std::memcpy(&old, p, esz);
      uint64_t y = VAL(v1), nv = old;
      uint64_t m = maskBits(bits);
      switch (in.cmp) {
      case AAdd: nv = old + y; break;
      case AMin:
        nv = tk == TS ? (sext(old, bits) < sext(y, bits) ? old : y)
                      : std::min(old & m, y & m);
        break;
      case AMax:
        nv = tk == TS ? (sext(old, bits) > sext(y, bits) ? old : y)
                      : std::max(old & m, y & m);
        break;
      case AExch: nv = y; break;
      case ACas:
        nv = (old & m) == (y & m) ? VAL(in.o[3]) : old;
        break;
      case AAnd: nv = old & y; break;
      case AOr: nv = old | y; break;
      case AXor: nv = old ^ y; break;
      case AInc: nv = (old & m) >= (y & m) ? 0 : old + 1; break;
      case ADec: nv = ((old & m) == 0 || (old & m) > (y & m)) ? y : old - 1; break;
      }
      std::memcpy(p, &nv, esz);
      if (in.op == Op::Atom)
        wrT(old);
      break;
    }
    case Op::Bra:
      t.pc = (uint32_t)d.imm;
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
      fail(t, "unsupported instruction",
           "'" + in.text + "' is not emulated (tcgen05.* comes later)");
      continue;
    case Op::BarSync:
    case Op::BarArrive: {
      uint32_t id = in.nOpd ? (uint32_t)VAL(d) : 0;
      uint32_t cnt = in.nOpd > 1 ? (uint32_t)VAL(a) : 0;
      if (id >= 16) {
        fail(t, "barrier error", "barrier id out of range");
        continue;
      }
      if (cnt && (cnt % 32 || cnt > nThreads)) {
        fail(t, "barrier error", "barrier thread count " + std::to_string(cnt) +
                                     " is not a multiple of 32 within the CTA");
        continue;
      }
      barArrive(t, id, cnt, in.op == Op::BarSync);
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
    case Op::MbarInit: {
      uint64_t addr = (d.reg >= 0 ? R[d.reg] : 0) + (uint64_t)d.imm;
      bool isSh;
      uint32_t win;
      uint8_t *p = genericPtr(t, addr, 8, true, in.space, isSh, win);
      if (!p)
        continue;
      if (!isSh) {
        fail(t, "mbarrier error", "mbarrier.init on a non-shared address");
        continue;
      }
      Cta &c = *t.cta;
      int32_t &slot = c.mbarAt[win / 8];
      if (!slot) {
        c.mbars.emplace_back();
        slot = (int32_t)c.mbars.size();
      }
      Mbar &mb = c.mbars[slot - 1];
      int64_t cnt = (int64_t)VAL(a);
      if (cnt < 1 || cnt > (1 << 20) - 1) {
        fail(t, "mbarrier error", "mbarrier.init count out of range");
        continue;
      }
      mb.init = true;
      mb.expected = mb.pending = (int32_t)cnt;
      mb.tx = 0;
      mb.addr = win;
      // keep the phase count: re-initialising does not reset what threads
      // have observed of earlier TMA completions
      std::memset(p, 0, 8);
      break;
    }
    case Op::MbarArrive:
    case Op::MbarExpectTx:
    case Op::MbarTryWait:
    case Op::MbarInval: {
      // operands: [state|pred,] [addr], ...
      int ai = (in.op == Op::MbarExpectTx || in.op == Op::MbarInval) ? 0 : 1;
      if (in.op == Op::MbarArrive && in.o[0].kind == OpdKind::Addr)
        ai = 0;
      const Operand &ao = in.o[ai];
      uint64_t addr = (ao.reg >= 0 ? R[ao.reg] : 0) + (uint64_t)ao.imm;
      uint32_t win = (uint32_t)addr;
      if (in.space == Space::Generic) {
        uint64_t base = kSharedGenericBase + t.cta->linear * kSharedGenericStride;
        if (addr < base || addr >= base + kSharedGenericStride) {
          fail(t, "mbarrier error", "mbarrier operation on a non-shared "
                                    "generic address");
          continue;
        }
        win = (uint32_t)(addr - base);
      } else if (addr >> 32) {
        fail(t, "out-of-bounds access", "shared address above 32 bits");
        continue;
      }
      const char *what = in.op == Op::MbarArrive    ? "mbarrier.arrive"
                         : in.op == Op::MbarExpectTx ? "mbarrier.expect_tx"
                         : in.op == Op::MbarInval    ? "mbarrier.inval"
                                                     : "mbarrier.try_wait";
      Mbar *mb = mbarAt(t, win, what);
      if (!mb)
        continue;
      Cta &c = *t.cta;
      if (in.op == Op::MbarInval) {
        mb->init = false;
        break;
      }
      if (in.op == Op::MbarExpectTx) {
        mb->tx += (int64_t)VAL(in.o[1]);
        break;
      }
      if (in.op == Op::MbarArrive) {
        uint64_t token = mb->phase;
        int32_t cnt = 1;
        if (in.aux == 1) { // arrive.expect_tx: [addr], txCount
          mb->tx += (int64_t)VAL(in.o[ai + 1]);
        } else if (ai + 1 < in.nOpd)
          cnt = (int32_t)VAL(in.o[ai + 1]);
        if (ai == 1)
          wr(in.o[0], token);
        if (!mbarArrive(&t, c, *mb, cnt, false))
          continue;
        break;
      }
      // try_wait / test_wait
      uint64_t want = VAL(in.o[2]);
      bool ok = in.aux ? ((mb->phase & 1) != (want & 1)) : (mb->phase != want);
      if (!ok) {
        int32_t id = c.mbarAt[win / 8] - 1;
        mb->waiters.push_back(&t);
        t.waitMbar = id;
        setState(t, WaitMbar);
        continue; // re-executed when the barrier changes
      }
      int32_t id = c.mbarAt[win / 8] - 1;
      if (t.observed.size() <= (size_t)id)
        t.observed.resize(c.mbars.size(), 0);
      t.observed[id] = std::max(t.observed[id], mb->phase);
      R[d.reg] = 1;
      break;
    }
    case Op::FenceProxyAsync:
      t.fenceEpoch++;
      break;
    case Op::FenceTensormapAcquire: {
      uint64_t addr = (d.reg >= 0 ? R[d.reg] : 0) + (uint64_t)d.imm;
      uint64_t size = in.nOpd > 1 ? VAL(a) : 128;
      t.tmFenced.push_back({addr, addr + size});
      break;
    }
    case Op::FenceOther:
      break;
    case Op::PrefetchTensormap:
    case Op::TmaLoad: {
      const Operand &mo = in.op == Op::TmaLoad ? a : d;
      uint64_t mapAddr = (mo.reg >= 0 ? R[mo.reg] : 0) + (uint64_t)mo.imm;
      if (in.op == Op::PrefetchTensormap && in.space == Space::Param)
        break;
      uint8_t *mp = M.ptr(mapAddr, 128);
      if (!mp) {
        fail(t, "out-of-bounds access", "tensor map address outside every "
                                        "allocation");
        continue;
      }
      if (mapAddr % 64) {
        fail(t, "misaligned access", "tensor map not 64-byte aligned");
        continue;
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
          continue;
        }
      }
      if (in.op == Op::PrefetchTensormap)
        break;
      TiledMapSpec map;
      if (!decodeTiledMap(mp, map)) {
        fail(t, "TMA error", "the bytes at the tensor map address are not an "
                             "encoded tensor map");
        continue;
      }
      if (map.rank != (uint32_t)in.aux) {
        fail(t, "TMA error", "tensor map rank " + std::to_string(map.rank) +
                                 " used by a " + std::to_string(in.aux) +
                                 "d copy");
        continue;
      }
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
        continue;
      }
      if (dsta < kSharedReserved || dsta + bytes > sharedSize) {
        fail(t, "out-of-bounds access", "TMA destination outside the CTA's "
                                        "shared memory");
        continue;
      }
      Mbar *mb = mbarAt(t, (uint32_t)mba, "cp.async.bulk.tensor complete_tx");
      if (!mb)
        continue;
      Cta &c = *t.cta;
      uint32_t oi = newOp();
      AsyncOp &op = ops[oi];
      op.kind = AKind::Tma;
      op.cta = &c;
      op.thread = &t;
      op.map = map;
      for (int j = 0; j < in.aux && j < 5; ++j)
        op.coords[j] = (int32_t)R[in.vec[mo.vec2 + j]];
      op.dst = (uint32_t)dsta;
      op.bytes = bytes;
      op.mbar = c.mbarAt[(uint32_t)mba / 8] - 1;
      c.tmaRecs.push_back({op.mbar, 0, false});
      op.rec = (uint32_t)c.tmaRecs.size() - 1;
      for (uint32_t g = op.dst / kGranule; g < (op.dst + bytes + kGranule - 1) / kGranule; ++g) {
        c.tmaTag[g] = op.rec + 1;
        c.genWriter[g] = 0;
      }
      c.asyncInFlight++;
      schedule(oi, now + delay(2, 64));
      break;
    }
    case Op::BulkStore: {
      uint64_t gdst = (d.reg >= 0 ? R[d.reg] : 0) + (uint64_t)d.imm;
      uint64_t src = (a.reg >= 0 ? R[a.reg] : 0) + (uint64_t)a.imm;
      uint64_t size = VAL(b);
      std::string e = sem::checkBulkCopy(gdst, src, size);
      if (!e.empty()) {
        fail(t, "misaligned access", e);
        continue;
      }
      if (!M.ptr(gdst, size)) {
        fail(t, "out-of-bounds access", "bulk store destination outside "
                                        "every allocation");
        continue;
      }
      if (!checkAsyncRead(t, (uint32_t)src, (uint32_t)size,
                          "cp.async.bulk store source"))
        continue;
      uint32_t oi = newOp();
      AsyncOp &op = ops[oi];
      op.kind = AKind::Bulk;
      op.cta = t.cta;
      op.thread = &t;
      op.gdst = gdst;
      op.src = (uint32_t)src;
      op.size = (uint32_t)size;
      op.group = t.bulkOpen;
      t.bulkPending[t.bulkOpen]++;
      t.bulkIssued[t.bulkOpen]++;
      t.cta->asyncInFlight++;
      schedule(oi, now + delay(2, 48));
      break;
    }
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
    }
    t.pc++;
  }
  executed += n;
}

#undef VAL

std::string Launch::run(const std::vector<std::vector<uint8_t>> &params,
                        LaunchStats *stats) {
  auto t0 = std::chrono::steady_clock::now();
  if (auto e = setup(params); !e.empty())
    return e;
  while (nextCta < nCtas && liveCtas < residentLimit)
    admit(nextCta++);
  std::vector<Warp *> pick;
  while (!stop) {
    while (!events.empty() && events.top().due <= now && !stop) {
      Event ev = events.top();
      events.pop();
      completeOp(ev.op);
    }
    if (stop)
      break;
    if (runnable.empty()) {
      if (!events.empty()) {
        now = std::max(now, events.top().due);
        continue;
      }
      // admit more CTAs if residents finished
      if (liveCtas < residentLimit && nextCta < nCtas) {
        while (nextCta < nCtas && liveCtas < residentLimit)
          admit(nextCta++);
        continue;
      }
      if (liveCtas == 0 && nextCta >= nCtas)
        break;
      // deadlock
      Thread *w = nullptr;
      for (auto &c : ctas) {
        if (c->done)
          continue;
        for (auto &th : c->threads)
          if (th.state != Exited) {
            w = &th;
            break;
          }
        if (w)
          break;
      }
      std::ostringstream os;
      os << "every live thread waits and no asynchronous operation is in "
            "flight";
      if (w) {
        const Cta &c = *w->cta;
        switch (w->state) {
        case WaitMbar: {
          const Mbar &b = c.mbars[w->waitMbar];
          os << "; this thread waits on the mbarrier at 0x" << std::hex
             << b.addr << std::dec << " (phase " << b.phase
             << " incomplete: " << b.pending << " of " << b.expected
             << " arrivals pending, tx-count " << b.tx << ")";
          break;
        }
        case WaitBar: os << "; this thread waits at a CTA barrier"; break;
        case WaitColl: os << "; this thread waits for its warp/warpgroup at a "
                             ".sync.aligned instruction"; break;
        case WaitBulk: os << "; this thread waits for bulk copies"; break;
        case WaitWgmma: os << "; this thread waits for wgmma groups"; break;
        default: break;
        }
        uint32_t cnt[8] = {0};
        for (auto &cc : ctas)
          if (!cc->done)
            for (auto &th : cc->threads)
              cnt[th.state]++;
        os << " [threads waiting: " << cnt[WaitMbar] << " on mbarriers, "
           << cnt[WaitBar] << " at barriers, " << cnt[WaitColl]
           << " at collectives]";
        fail(*w, "deadlock", os.str());
      } else
        failNoThread("deadlock", os.str());
      break;
    }
    Warp &w = *runnable[rng() % runnable.size()];
    uint32_t q = 1 + (uint32_t)(rng() % 32);
    Cta &c = *w.cta;
    uint32_t start = (uint32_t)(rng() % w.count);
    for (uint32_t i = 0; i < w.count && !stop; ++i) {
      Thread &t = c.threads[w.first + (start + i) % w.count];
      if (t.state == Ready)
        step(t, q);
    }
    now++;
    if (opt.maxInstructions && executed > opt.maxInstructions && !stop) {
      error = "launch: stopped after " + std::to_string(executed) +
              " instructions (Options::maxInstructions)";
      stop = true;
    }
    // free finished CTAs
    if (liveCtas < ctas.size()) {
      for (size_t i = 0; i < ctas.size();)
        if (ctas[i]->done && ctas[i]->asyncInFlight == 0) {
          ctas[i] = std::move(ctas.back());
          ctas.pop_back();
        } else
          ++i;
    }
  }
  if (stats) {
    stats->instructions = executed;
    stats->seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - t0)
                         .count();
  }
  return error;
}

} // namespace

std::string Machine::Impl::launch(const Module &m, const Kernel &k,
                                  const LaunchConfig &c,
                                  const std::vector<std::vector<uint8_t>> &params,
                                  const Options &o, LaunchStats *stats) {
  Launch l(*this, m, k, c, o);
  return l.run(params, stats);
}

} // namespace ggemm::emu
