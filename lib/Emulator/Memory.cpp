//===- Memory.cpp - the Machine's memory and modules ------------------------===//
//
// Machine's public API: the emulated global memory (allocate, release,
// host reads and writes, with the record of host-written ranges that the
// tensormap-fence check consults; host-mapped allocations, whose address
// is their host storage's), loading modules (their globals become
// allocations) and finding and launching kernels (Launch.cpp runs them).
//
//===----------------------------------------------------------------------===//

#include "MachineImpl.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace ggemm::emu {

std::string LaunchStats::summary() const {
  char text[96];
  std::snprintf(text, sizeof text,
                "%" PRIu64 " instructions in %.2f s (%.3g instructions/s)",
                instructions, seconds,
                seconds > 0 ? double(instructions) / seconds : 0.0);
  return text;
}

using namespace exec;

Machine::Machine() : impl(new Impl) {}
Machine::~Machine() = default;

std::string Machine::allocate(size_t bytes, uint64_t &address) {
  return impl->alloc(bytes, address, false);
}

void HostUnmap::operator()(uint8_t *p) const { munmap(p, length); }

static std::string hex(uint64_t v) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%" PRIx64, v);
  return text;
}

/// Why host memory [b, b + n) cannot be a host-mapped allocation of `impl`,
/// or "": there, the same number already means other bytes to a kernel.
static std::string mappedRangeProblem(const Machine::Impl &impl, uint64_t b,
                                      uint64_t n) {
  std::string range = "[" + hex(b) + ", " + hex(b + n) + ")";
  if (b + n < b)
    return range + " wraps around";
  if (b < kGlobalBase + kGlobalLimit && kGlobalBase < b + n)
    return range + " overlaps the emulated global addresses [" +
           hex(kGlobalBase) + ", " + hex(kGlobalBase + kGlobalLimit) + ")";
  if (b + n > kSharedGenericBase)
    return range + " reaches the shared-memory generic window (" +
           hex(kSharedGenericBase) + " and up, 16 MiB per CTA of a launch)";
  auto it = impl.allocs.upper_bound(b + n - 1);
  if (it != impl.allocs.begin()) {
    const Alloc &a = std::prev(it)->second;
    // A mapped allocation's guard page is its own too.
    uint64_t extent = a.host ? a.host.get_deleter().length : a.size;
    if (b < a.base + extent)
      return range + " overlaps the allocation at " + hex(a.base);
  }
  return "";
}

/// Where the Machine asks for host-mapped allocations: one counter for the
/// process, since every Machine (the emu driver's, a test's) maps into the
/// same host address space. Addresses are not reused; the range from
/// kMappedBase to the shared windows is about 95 TiB.
static std::atomic<uint64_t> nextMappedHint{kMappedBase};

std::string Machine::allocateMapped(size_t bytes, uint64_t &address,
                                    uint64_t hint) {
  if (bytes == 0)
    return "allocateMapped: zero bytes";
  if (impl->used + bytes > kGlobalLimit)
    return "allocateMapped: out of emulated memory";
  uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
  if (hint % page != 0)
    return "allocateMapped: the hint " + hex(hint) + " is not page-aligned";
  // The storage, and one page after it that nothing may access: the gap
  // that regular allocations have, so that a kernel's access past the end
  // is refused and a host access faults.
  uint64_t length = (bytes + page - 1) / page * page + page;
  exec::Alloc a;
  std::string why;
  // The host takes the address as a hint only: where something else is
  // mapped already it puts the mapping elsewhere, often among its own
  // (0x7f...), in the shared windows. Then try further on, a few times.
  for (int attempt = 0; attempt < (hint ? 1 : 4); ++attempt) {
    uint64_t want = hint ? hint : nextMappedHint.fetch_add(length);
    why = mappedRangeProblem(*impl, want, length);
    if (!why.empty())
      return "allocateMapped: " + why;
    void *p = mmap(reinterpret_cast<void *>(want), length,
                   PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      return "allocateMapped: cannot map " + std::to_string(length) +
             " bytes of host memory: " + std::strerror(errno);
    a.host = std::unique_ptr<uint8_t, HostUnmap>(static_cast<uint8_t *>(p),
                                                 HostUnmap{length});
    why = mappedRangeProblem(*impl, reinterpret_cast<uint64_t>(p), length);
    if (why.empty())
      break;
    why = "allocateMapped: the host mapped it at " + why;
    a.host.reset();
  }
  if (!why.empty())
    return why;
  if (mprotect(a.host.get() + length - page, page, PROT_NONE) != 0)
    return std::string("allocateMapped: cannot protect the page after it: ") +
           std::strerror(errno);
  uint64_t at = reinterpret_cast<uint64_t>(a.host.get());
  a.base = at;
  a.size = bytes;
  impl->allocs[at] = std::move(a);
  impl->used += bytes;
  impl->cache = nullptr;
  address = at;
  return "";
}

bool Machine::contains(uint64_t address) const {
  return impl->find(address) != nullptr;
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
  out.staticSharedBytes = k->staticShared + k->dynamicBaseBytes;
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

std::string Machine::Impl::launch(const Module &m, const Kernel &k,
                                  const LaunchConfig &c,
                                  const std::vector<std::vector<uint8_t>> &params,
                                  const Options &o, LaunchStats *stats) {
  Launch l(*this, m, k, c, o);
  return l.run(params, stats);
}

} // namespace ggemm::emu
