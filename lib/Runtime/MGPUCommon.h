//===- MGPUCommon.h - what MGPU*.cpp share -----------------------*- C++ -*-===//
//
// The driver-call macros and context helpers of the mgpu* entry points
// (MGPU.cpp, MGPUTensorMaps.cpp): one definition for libGGemmMGPU (libcuda)
// and libGGemmMGPUEmu (GGEMM_MGPU_EMULATED: the emulated driver's table).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_RUNTIME_MGPUCOMMON_H
#define GGEMM_LIB_RUNTIME_MGPUCOMMON_H

#include "ggemm/Runtime/MGPU.h"

#ifdef GGEMM_MGPU_EMULATED
#include "ggemm/Runtime/Driver.h"
#else
#include <cuda.h>
#endif

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>

// Every driver call goes through CU(name): libcuda's function, or the
// emulated table's member of that name, which carries cuda.h's name too
// (cuMemAlloc is cuMemAlloc_v2 on both sides).
#ifdef GGEMM_MGPU_EMULATED
#define CU(name) (::ggemm::rt::emuDriver().name)
#else
#define CU(name) (::name)
#endif

/// A checked driver call: CU_CHECK(cuMemAlloc, &ptr, bytes) reports a
/// failure as "cuMemAlloc(&ptr, bytes)" of the calling entry point.
#define CU_CHECK(name, ...)                                                    \
  check(CU(name)(__VA_ARGS__), __func__, #name "(" #__VA_ARGS__ ")")

namespace ggemm::mgpu {

extern std::atomic<int64_t> errorCount;
extern thread_local int32_t defaultDevice;

/// Reports a failed driver call; returns whether it succeeded.
bool check(CUresult result, const char *entry, const char *call);
/// Reports a misuse of the ABI (not a driver failure).
void fail(const char *entry, const char *what);
/// cuInit(0), after the emulator's options (GGEMM_EMU_SEED) where emulated.
CUresult initDriver();
/// The primary context of device `ordinal`, retained once per device.
CUcontext primaryContext(int32_t ordinal);

/// Makes the default device's primary context current for its lifetime.
/// Cheap where it is current already (one thread-local query): a launch
/// passes through here several times. A thread with no context keeps the
/// primary one current afterwards, as the CUDA runtime leaves it; another
/// context is pushed over and given back.
class ScopedContext {
public:
  ScopedContext() {
    CUcontext ctx = primaryContext(defaultDevice), current = nullptr;
    if (!ctx || (CU(cuCtxGetCurrent)(&current) == CUDA_SUCCESS &&
                 current == ctx))
      return;
    if (!current)
      CU_CHECK(cuCtxSetCurrent, ctx);
    else
      pushed = CU_CHECK(cuCtxPushCurrent, ctx);
  }
  ~ScopedContext() {
    if (pushed)
      CU(cuCtxPopCurrent)(nullptr);
  }
  ScopedContext(const ScopedContext &) = delete;
  ScopedContext &operator=(const ScopedContext &) = delete;

private:
  bool pushed = false;
};

inline CUdeviceptr devicePtr(const void *p) {
  return reinterpret_cast<CUdeviceptr>(p);
}

} // namespace ggemm::mgpu

#endif // GGEMM_LIB_RUNTIME_MGPUCOMMON_H
