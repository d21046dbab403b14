//===- Driver.cpp - choosing the device; libcuda loaded at run time -------===//
//
// The "gpu" table: libcuda.so.1 opened with dlopen at the first driver call
// and every function looked up by the symbol that cuda.h maps its name to
// (stringified after macro expansion: cuMemAlloc -> "cuMemAlloc_v2"), so
// that the table has exactly the ABI the headers were compiled against.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Runtime/Driver.h"

#include <dlfcn.h>

#include <atomic>

#define GGEMM_STR2(x) #x
#define GGEMM_STR(x) GGEMM_STR2(x)

namespace ggemm::rt {

namespace {

enum class Device { Gpu, Emu };

std::atomic<Device> chosen{Device::Gpu};
/// Set by the first driver() call: the device can no longer change.
std::atomic<bool> used{false};

/// Why libcuda did not load, or "".
std::string &gpuLoadError() {
  static std::string message;
  return message;
}

std::string gpuLastErrorDetail() { return gpuLoadError(); }

/// A stand-in for every function of a table whose library did not load.
template <typename F> struct Failing;
template <typename... Args> struct Failing<CUresult (*)(Args...)> {
  static CUresult CUDAAPI call(Args...) {
    return CUDA_ERROR_SHARED_OBJECT_INIT_FAILED;
  }
};

Driver loadGpu() {
  Driver table;
  table.device = "gpu";
  table.lastErrorDetail = gpuLastErrorDetail;
  auto failAll = [&](const std::string &why) {
    gpuLoadError() = why;
    Driver failing;
    failing.device = "gpu";
    failing.lastErrorDetail = gpuLastErrorDetail;
#define GGEMM_DRIVER_FAIL(name)                                                \
  failing.name = &Failing<decltype(&::name)>::call;
    GGEMM_DRIVER_FUNCTIONS(GGEMM_DRIVER_FAIL)
#undef GGEMM_DRIVER_FAIL
    return failing;
  };
  // Never closed: the driver stays loaded for the life of the process.
  void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *why = dlerror();
    return failAll(std::string("cannot load the CUDA driver libcuda.so.1: ") +
                   (why ? why : "unknown reason") +
                   " (no NVIDIA driver here? --device emu runs the emulator)");
  }
  std::string missing;
#define GGEMM_DRIVER_LOOKUP(name)                                              \
  if (void *symbol = dlsym(library, GGEMM_STR(name)))                          \
    table.name = reinterpret_cast<decltype(table.name)>(symbol);               \
  else                                                                         \
    missing += (missing.empty() ? "" : ", ") + std::string(GGEMM_STR(name));
  GGEMM_DRIVER_FUNCTIONS(GGEMM_DRIVER_LOOKUP)
#undef GGEMM_DRIVER_LOOKUP
  if (!missing.empty())
    return failAll("the CUDA driver libcuda.so.1 lacks " + missing +
                   " (a driver older than the CUDA " +
                   std::to_string(CUDA_VERSION / 1000) + "." +
                   std::to_string(CUDA_VERSION % 1000 / 10) +
                   " headers the runtime was built with?)");
  return table;
}

const Driver &gpuDriver() {
  static const Driver table = loadGpu();
  return table;
}

} // namespace

std::string selectDevice(const std::string &name) {
  Device want;
  if (name == "gpu")
    want = Device::Gpu;
  else if (name == "emu")
    want = Device::Emu;
  else
    return "unknown device '" + name + "' (gpu or emu)";
  if (used.load() && chosen.load() != want)
    return std::string("cannot switch to device '") + name +
           "': the runtime already uses '" + selectedDevice() + "'";
  chosen.store(want);
  return "";
}

const char *selectedDevice() {
  return chosen.load() == Device::Emu ? "emu" : "gpu";
}

bool emulated() { return chosen.load() == Device::Emu; }

const Driver &driver() {
  used.store(true);
  return chosen.load() == Device::Emu ? emuDriver() : gpuDriver();
}

} // namespace ggemm::rt
