//===- Memory.cpp - the Machine's memory and modules ------------------------===//
//
// Machine's public API: the emulated global memory (allocate, release,
// host reads and writes, with the record of host-written ranges that the
// tensormap-fence check consults), loading modules (their globals become
// allocations) and finding and launching kernels (Launch.cpp runs them).
//
//===----------------------------------------------------------------------===//

#include "MachineImpl.h"

#include <algorithm>
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

std::string Machine::Impl::launch(const Module &m, const Kernel &k,
                                  const LaunchConfig &c,
                                  const std::vector<std::vector<uint8_t>> &params,
                                  const Options &o, LaunchStats *stats) {
  Launch l(*this, m, k, c, o);
  return l.run(params, stats);
}

} // namespace ggemm::emu
