//===- MGPU.cpp - the GPU runtime ABI of upstream MLIR lowerings ----------===//
//
// The C entry points (`mgpu*`) that MLIR 22's host-side lowerings call:
// gpu-to-llvm (streams, events, memory, memset, host registration), the
// LLVM IR translation of gpu.binary/gpu.launch_func (module load/unload,
// function lookup, kernel launch) and convert-nvgpu-to-nvvm
// (nvgpu.tma.create.descriptor). With it, a program whose host side went
// through those upstream lowerings links against this library and the CUDA
// driver (-lcuda) alone: no LLVM/MLIR at run time (docs/aot-host.md).
//
// Written from the ABI the lowerings emit (the signatures in
// include/ggemm/Runtime/MGPU.h), on the CUDA driver API only.
//
// One source, two libraries: libGGemmMGPU calls libcuda; libGGemmMGPUEmu
// is this file compiled with GGEMM_MGPU_EMULATED, where every driver call
// goes to the same function of the emulated driver's table
// (ggemm::rt::emuDriver(), lib/Runtime/EmuDriver*.cpp), so that a program
// linked with it runs its kernels (PTX) on the PTX emulator.
//
// Every entry works in the primary context of the default device (0, or
// mgpuSetDefaultDevice's), made current for the call (and left current on
// a thread that had none). The ABI has no error
// results: a failed driver call is reported on stderr with the entry point,
// the driver call and its CUresult name, and counted
// (ggemmMgpuErrorCount), so that a caller can check after the fact.
//
//===----------------------------------------------------------------------===//

#include "MGPUCommon.h"

#include <unordered_set>

using namespace ggemm::mgpu;

namespace ggemm::mgpu {

std::atomic<int64_t> errorCount{0};
thread_local int32_t defaultDevice = 0;

/// Reports a failed driver call; returns whether it succeeded.
bool check(CUresult result, const char *entry, const char *call) {
  if (result == CUDA_SUCCESS)
    return true;
#ifdef GGEMM_MGPU_EMULATED
  // Why the emulator refused (a checker report, for a launch): taken before
  // any other call can replace it.
  std::string why = ggemm::rt::emuDriver().lastErrorDetail();
#endif
  const char *name = nullptr, *text = nullptr;
  CU(cuGetErrorName)(result, &name);
  CU(cuGetErrorString)(result, &text);
  std::fprintf(stderr, "ggemm mgpu: %s: %s failed: %s (%d, %s)\n", entry, call,
               name ? name : "unknown", int(result), text ? text : "");
#ifdef GGEMM_MGPU_EMULATED
  if (!why.empty())
    std::fprintf(stderr, "ggemm mgpu: %s: emulator: %s\n", entry, why.c_str());
#endif
  errorCount.fetch_add(1, std::memory_order_relaxed);
  return false;
}

/// Reports a misuse of the ABI (not a driver failure).
void fail(const char *entry, const char *what) {
  std::fprintf(stderr, "ggemm mgpu: %s: %s\n", entry, what);
  errorCount.fetch_add(1, std::memory_order_relaxed);
}

/// cuInit(0). On the emulator, its options first, once: GGEMM_EMU_SEED
/// (decimal) seeds the warp interleaving and the asynchronous delays of
/// every launch, as gemm-run's --emu-seed does; 1 by default.
CUresult initDriver() {
#ifdef GGEMM_MGPU_EMULATED
  static const bool configured = [] {
    ggemm::emu::Options options;
    if (const char *seed = std::getenv("GGEMM_EMU_SEED")) {
      char *end = nullptr;
      options.seed = std::strtoull(seed, &end, 10);
      if (!*seed || *end)
        fail("mgpu", "GGEMM_EMU_SEED is not a decimal number");
    }
    ggemm::rt::setEmuOptions(options);
    return true;
  }();
  (void)configured;
#endif
  return CU(cuInit)(0);
}

/// The primary context of device `ordinal`, retained once per device.
CUcontext primaryContext(int32_t ordinal) {
  constexpr int kMaxDevices = 64;
  static std::atomic<CUcontext> contexts[kMaxDevices];
  if (ordinal < 0 || ordinal >= kMaxDevices) {
    fail("mgpu", "device ordinal out of range");
    return nullptr;
  }
  if (CUcontext ctx = contexts[ordinal].load())
    return ctx;
  if (!check(initDriver(), "mgpu", "cuInit(0)"))
    return nullptr;
  CUdevice device;
  if (!check(CU(cuDeviceGet)(&device, ordinal), "mgpu", "cuDeviceGet"))
    return nullptr;
  CUcontext ctx = nullptr;
  if (!check(CU(cuDevicePrimaryCtxRetain)(&ctx, device), "mgpu",
             "cuDevicePrimaryCtxRetain"))
    return nullptr;
  CUcontext expected = nullptr;
  if (!contexts[ordinal].compare_exchange_strong(expected, ctx)) {
    // Another thread retained it first: keep one reference.
    CU(cuDevicePrimaryCtxRelease)(device);
    return expected;
  }
  return ctx;
}

} // namespace ggemm::mgpu

namespace {

/// The dynamic shared memory each function was allowed, so that a launch
/// asks the driver once per function (host time per launch, and no
/// attribute calls while a stream is being captured); forgotten when a
/// module is unloaded.
std::mutex allowedMutex;
std::unordered_map<CUfunction, int32_t> allowedSharedMemory;

/// The stream-ordered allocations (cuMemAllocAsync) of mgpuMemAlloc, which
/// mgpuMemFree frees on its stream (cuMemFreeAsync) without waiting.
std::mutex streamOrderedMutex;
std::unordered_set<CUdeviceptr> streamOrdered;

} // namespace

extern "C" {

int64_t ggemmMgpuErrorCount(void) { return errorCount.load(); }

void mgpuSetDefaultDevice(int32_t device) { defaultDevice = device; }

//===----------------------------------------------------------------------===//
// Modules and launches
//===----------------------------------------------------------------------===//

void *mgpuModuleLoad(void *data, size_t size) {
  (void)size; // a cubin or fatbin carries its own size
  ScopedContext scope;
  CUmodule module = nullptr;
  CU_CHECK(cuModuleLoadData, &module, data);
  return module;
}

void *mgpuModuleLoadJIT(void *data, int optLevel) {
  ScopedContext scope;
  CUmodule module = nullptr;
  char log[8192] = {0};
  CUjit_option options[] = {CU_JIT_OPTIMIZATION_LEVEL, CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {reinterpret_cast<void *>(intptr_t(optLevel)), log,
                    reinterpret_cast<void *>(intptr_t(sizeof(log)))};
  if (!CU_CHECK(cuModuleLoadDataEx, &module, data, 3, options, values) &&
      log[0])
    std::fprintf(stderr, "ggemm mgpu: PTX JIT log:\n%s\n", log);
  return module;
}

void mgpuModuleUnload(void *module) {
  if (!module)
    return;
  // Modules are unloaded from a global destructor, which may run after the
  // driver tore itself down at exit, taking every module with it: nothing
  // is left to unload then.
  CUcontext current = nullptr;
  if (CU(cuCtxGetCurrent)(&current) == CUDA_ERROR_DEINITIALIZED)
    return;
  {
    std::lock_guard<std::mutex> lock(allowedMutex);
    allowedSharedMemory.clear();
  }
  ScopedContext scope;
  CU_CHECK(cuModuleUnload, static_cast<CUmodule>(module));
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  if (!module) {
    fail(__func__, "no module (its load failed)");
    return nullptr;
  }
  ScopedContext scope;
  CUfunction function = nullptr;
  if (!CU_CHECK(cuModuleGetFunction, &function, static_cast<CUmodule>(module),
                name))
    std::fprintf(stderr, "ggemm mgpu: (kernel %s)\n", name);
  return function;
}

/// Allows `smem` bytes of dynamic shared memory for `function`: above
/// 48 KiB a launch fails unless the function opts in first.
static bool allowDynamicSharedMemory(CUfunction function, int32_t smem,
                                     const char *entry) {
  if (smem <= 0)
    return true;
  {
    std::lock_guard<std::mutex> lock(allowedMutex);
    auto it = allowedSharedMemory.find(function);
    if (it != allowedSharedMemory.end() && it->second >= smem)
      return true;
  }
  CUdevice device;
  int limit = 0;
  if (!check(CU(cuCtxGetDevice)(&device), entry, "cuCtxGetDevice") ||
      !check(CU(cuDeviceGetAttribute)(
                 &limit, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
                 device),
             entry, "cuDeviceGetAttribute(MAX_SHARED_MEMORY_PER_BLOCK_OPTIN)"))
    return false;
  if (smem > limit) {
    std::fprintf(stderr,
                 "ggemm mgpu: %s: %d bytes of dynamic shared memory asked; "
                 "the device allows %d per block\n",
                 entry, int(smem), limit);
    errorCount.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (!check(
          CU(cuFuncSetAttribute)(
              function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, smem),
          entry, "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES)"))
    return false;
  std::lock_guard<std::mutex> lock(allowedMutex);
  int32_t &allowed = allowedSharedMemory[function];
  allowed = std::max(allowed, smem);
  return true;
}

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smem, void *stream,
                      void **params, void **extra, size_t paramsCount) {
  (void)paramsCount; // the driver knows the kernel's parameters
  if (!function) {
    fail(__func__, "no function (its lookup failed)");
    return;
  }
  ScopedContext scope;
  auto fn = static_cast<CUfunction>(function);
  if (!allowDynamicSharedMemory(fn, smem, __func__))
    return;
  CU_CHECK(cuLaunchKernel, fn, unsigned(gridX), unsigned(gridY),
           unsigned(gridZ), unsigned(blockX), unsigned(blockY),
           unsigned(blockZ), unsigned(smem), static_cast<CUstream>(stream),
           params, extra);
}

void mgpuLaunchClusterKernel(void *function, intptr_t clusterX,
                             intptr_t clusterY, intptr_t clusterZ,
                             intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                             intptr_t blockX, intptr_t blockY, intptr_t blockZ,
                             int32_t smem, void *stream, void **params,
                             void **extra) {
  if (!function) {
    fail(__func__, "no function (its lookup failed)");
    return;
  }
  ScopedContext scope;
  auto fn = static_cast<CUfunction>(function);
  if (!allowDynamicSharedMemory(fn, smem, __func__))
    return;
  CUlaunchConfig config = {};
  config.gridDimX = unsigned(gridX);
  config.gridDimY = unsigned(gridY);
  config.gridDimZ = unsigned(gridZ);
  config.blockDimX = unsigned(blockX);
  config.blockDimY = unsigned(blockY);
  config.blockDimZ = unsigned(blockZ);
  config.sharedMemBytes = unsigned(smem);
  config.hStream = static_cast<CUstream>(stream);
  CUlaunchAttribute cluster = {};
  cluster.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
  cluster.value.clusterDim.x = unsigned(clusterX);
  cluster.value.clusterDim.y = unsigned(clusterY);
  cluster.value.clusterDim.z = unsigned(clusterZ);
  config.attrs = &cluster;
  config.numAttrs = 1;
  CU_CHECK(cuLaunchKernelEx, &config, fn, params, extra);
}

//===----------------------------------------------------------------------===//
// Streams and events
//===----------------------------------------------------------------------===//

void *mgpuStreamCreate(void) {
  ScopedContext scope;
  CUstream stream = nullptr;
  CU_CHECK(cuStreamCreate, &stream, CU_STREAM_NON_BLOCKING);
  return stream;
}

void mgpuStreamDestroy(void *stream) {
  ScopedContext scope;
  CU_CHECK(cuStreamDestroy, static_cast<CUstream>(stream));
}

void mgpuStreamSynchronize(void *stream) {
  ScopedContext scope;
  CU_CHECK(cuStreamSynchronize, static_cast<CUstream>(stream));
}

void mgpuStreamWaitEvent(void *stream, void *event) {
  ScopedContext scope;
  CU_CHECK(cuStreamWaitEvent, static_cast<CUstream>(stream),
           static_cast<CUevent>(event), 0);
}

void *mgpuEventCreate(void) {
  ScopedContext scope;
  CUevent event = nullptr;
  CU_CHECK(cuEventCreate, &event, CU_EVENT_DISABLE_TIMING);
  return event;
}

void mgpuEventDestroy(void *event) {
  ScopedContext scope;
  CU_CHECK(cuEventDestroy, static_cast<CUevent>(event));
}

void mgpuEventSynchronize(void *event) {
  ScopedContext scope;
  CU_CHECK(cuEventSynchronize, static_cast<CUevent>(event));
}

void mgpuEventRecord(void *event, void *stream) {
  ScopedContext scope;
  CU_CHECK(cuEventRecord, static_cast<CUevent>(event),
           static_cast<CUstream>(stream));
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

void *mgpuMemAlloc(uint64_t bytes, void *stream, bool isHostShared) {
  if (bytes == 0)
    return nullptr;
  ScopedContext scope;
  CUdeviceptr ptr = 0;
  if (isHostShared) {
    CU_CHECK(cuMemAllocManaged, &ptr, bytes, CU_MEM_ATTACH_GLOBAL);
  } else if (stream) {
    // Stream-ordered (gpu.alloc async): no synchronization, and under
    // stream capture a graph memory node, which a replay does not allocate
    // again.
    if (CU_CHECK(cuMemAllocAsync, &ptr, bytes, static_cast<CUstream>(stream))) {
      std::lock_guard<std::mutex> lock(streamOrderedMutex);
      streamOrdered.insert(ptr);
    }
  } else {
    CU_CHECK(cuMemAlloc, &ptr, bytes);
  }
  return reinterpret_cast<void *>(ptr);
}

void mgpuMemFree(void *ptr, void *stream) {
  if (!ptr)
    return;
  ScopedContext scope;
  bool ordered;
  {
    std::lock_guard<std::mutex> lock(streamOrderedMutex);
    ordered = streamOrdered.erase(devicePtr(ptr)) != 0;
  }
  if (ordered) {
    // After the work queued before it on the stream; no wait.
    CU_CHECK(cuMemFreeAsync, devicePtr(ptr), static_cast<CUstream>(stream));
    return;
  }
  // Work queued on the stream before the free may still use the memory.
  if (stream)
    CU_CHECK(cuStreamSynchronize, static_cast<CUstream>(stream));
  CU_CHECK(cuMemFree, devicePtr(ptr));
}

void mgpuMemcpy(void *dst, void *src, size_t bytes, void *stream) {
  if (bytes == 0)
    return;
  ScopedContext scope;
  CU_CHECK(cuMemcpyAsync, devicePtr(dst), devicePtr(src), bytes,
           static_cast<CUstream>(stream));
}

void mgpuMemset16(void *dst, unsigned short value, size_t count, void *stream) {
  if (count == 0)
    return;
  ScopedContext scope;
  CU_CHECK(cuMemsetD16Async, devicePtr(dst), value, count,
           static_cast<CUstream>(stream));
}

void mgpuMemset32(void *dst, unsigned int value, size_t count, void *stream) {
  if (count == 0)
    return;
  ScopedContext scope;
  CU_CHECK(cuMemsetD32Async, devicePtr(dst), value, count,
           static_cast<CUstream>(stream));
}

void mgpuMemHostRegister(void *ptr, uint64_t bytes) {
  ScopedContext scope;
  CU_CHECK(cuMemHostRegister, ptr, bytes, 0);
}

void mgpuMemHostUnregister(void *ptr) {
  ScopedContext scope;
  CU_CHECK(cuMemHostUnregister, ptr);
}

} // extern "C"
