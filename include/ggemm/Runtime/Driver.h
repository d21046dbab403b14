//===- Driver.h - the CUDA driver calls of the runtime, as a table -*- C++ -*-===//
//
// The runtime never calls libcuda directly: every cu* function it (and
// gemm-run, ggemm-probe) uses goes through one table of function pointers,
// rt::Driver, filled by the device chosen with rt::selectDevice:
//
//   - "gpu" (the default): libcuda.so.1, dlopen'ed at the first call and
//     each function dlsym'ed by the name cuda.h maps it to (cuMemAlloc ->
//     cuMemAlloc_v2). Nothing links libcuda, so a machine without a driver
//     still runs the tools up to their first driver call.
//   - "emu": the same functions over one process-wide ggemm::emu::Machine
//     (include/ggemm/Emulator/Emulator.h): a sm_90a-like device that runs
//     PTX on the CPU, launches synchronous, with the emulator's checks.
//     Selecting it never opens libcuda.
//
// Members are named after cuda.h's macros, so that `driver().cuMemAlloc(..)`
// reads like the plain call (both expand to cuMemAlloc_v2).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_RUNTIME_DRIVER_H
#define GGEMM_RUNTIME_DRIVER_H

#include "ggemm/Emulator/Emulator.h"

#include <cuda.h>

#include <string>

namespace ggemm::rt {

/// Every driver function of the table, as X(name).
#define GGEMM_DRIVER_FUNCTIONS(X)                                              \
  X(cuGetErrorName)                                                            \
  X(cuGetErrorString)                                                          \
  X(cuInit)                                                                    \
  X(cuDeviceGetCount)                                                          \
  X(cuDeviceGet)                                                               \
  X(cuDeviceGetName)                                                           \
  X(cuDeviceGetAttribute)                                                      \
  X(cuDeviceTotalMem)                                                          \
  X(cuDevicePrimaryCtxRetain)                                                  \
  X(cuDevicePrimaryCtxRelease)                                                 \
  X(cuCtxSetCurrent)                                                           \
  X(cuCtxGetCurrent)                                                           \
  X(cuCtxGetDevice)                                                            \
  X(cuCtxPushCurrent)                                                          \
  X(cuCtxPopCurrent)                                                           \
  X(cuCtxSynchronize)                                                          \
  X(cuMemGetInfo)                                                              \
  X(cuMemAlloc)                                                                \
  X(cuMemFree)                                                                 \
  X(cuMemAllocManaged)                                                         \
  X(cuMemAllocAsync)                                                           \
  X(cuMemFreeAsync)                                                            \
  X(cuMemHostRegister)                                                         \
  X(cuMemHostUnregister)                                                       \
  X(cuMemcpy)                                                                  \
  X(cuMemcpyAsync)                                                             \
  X(cuMemcpyHtoD)                                                              \
  X(cuMemcpyDtoH)                                                              \
  X(cuMemcpyHtoDAsync)                                                         \
  X(cuMemcpyDtoHAsync)                                                         \
  X(cuMemsetD8)                                                                \
  X(cuMemsetD16)                                                               \
  X(cuMemsetD32)                                                               \
  X(cuMemsetD16Async)                                                          \
  X(cuMemsetD32Async)                                                          \
  X(cuStreamCreate)                                                            \
  X(cuStreamDestroy)                                                           \
  X(cuStreamSynchronize)                                                       \
  X(cuStreamWaitEvent)                                                         \
  X(cuEventCreate)                                                             \
  X(cuEventDestroy)                                                            \
  X(cuEventRecord)                                                             \
  X(cuEventSynchronize)                                                        \
  X(cuEventElapsedTime)                                                        \
  X(cuModuleLoadData)                                                          \
  X(cuModuleLoadDataEx)                                                        \
  X(cuModuleUnload)                                                            \
  X(cuModuleGetFunction)                                                       \
  X(cuFuncSetAttribute)                                                        \
  X(cuLaunchKernel)                                                            \
  X(cuLaunchKernelEx)                                                          \
  X(cuStreamBeginCapture)                                                      \
  X(cuStreamEndCapture)                                                        \
  X(cuGraphInstantiate)                                                        \
  X(cuGraphLaunch)                                                             \
  X(cuGraphDestroy)                                                            \
  X(cuGraphExecDestroy)                                                        \
  X(cuTensorMapEncodeTiled)

/// The driver functions of one device. Pointer types are cuda.h's own.
struct Driver {
#define GGEMM_DRIVER_MEMBER(name) decltype(&::name) name = nullptr;
  GGEMM_DRIVER_FUNCTIONS(GGEMM_DRIVER_MEMBER)
#undef GGEMM_DRIVER_MEMBER
  /// More about the last failed call of this thread than its CUresult (the
  /// emulator's refusal or checker report; why libcuda did not load), or
  /// "". Never null.
  std::string (*lastErrorDetail)() = nullptr;
  /// "gpu" or "emu".
  const char *device = "";
};

/// Chooses the device whose table driver() returns: "gpu" or "emu". Call
/// it before any other runtime call; changing the device after the first
/// driver call is refused.
[[nodiscard]] std::string selectDevice(const std::string &name);
/// The chosen device's name ("gpu" unless selectDevice said otherwise).
const char *selectedDevice();
/// True when the emulator is the chosen device.
bool emulated();

/// The chosen device's table. For "gpu", the first call loads libcuda; if
/// that fails, every function returns CUDA_ERROR_NOT_INITIALIZED (or
/// CUDA_ERROR_SHARED_OBJECT_INIT_FAILED) and lastErrorDetail says why.
const Driver &driver();

/// Calls `call` (written as a plain driver call) through the table:
/// GGEMM_CU(cuMemAlloc(&p, n)).
#define GGEMM_CU(call) (::ggemm::rt::driver().call)

//--- The emulated device --------------------------------------------------//

/// How the emulator runs every later launch (the seed of gemm-run's
/// --emu-seed). Process-wide.
void setEmuOptions(const emu::Options &options);
/// Labels the next module the emulator loads (cuModuleLoadData) in its
/// reports, e.g. with the PTX file's path; else they say "ptx".
void setEmuModuleName(const std::string &name);
/// The last completed emulated launch's statistics; false if none ran.
bool emuLastLaunchStats(emu::LaunchStats &out);
/// The emulator's table (what driver() returns for "emu"), whatever device
/// was chosen: libGGemmMGPUEmu calls it directly, and tests.
const Driver &emuDriver();

} // namespace ggemm::rt

#endif // GGEMM_RUNTIME_DRIVER_H
