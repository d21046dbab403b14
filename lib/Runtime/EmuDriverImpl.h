//===- EmuDriverImpl.h - the emulated driver's shared state ----*- C++ -*-===//
//
// Private to lib/Runtime: the driver's opaque handle types as the "emu"
// device completes them, the process-wide State, the refusal helpers and
// the emulated device's limits, shared by the files of the emu driver:
//   EmuDriver.cpp        state, errors, device and context, tensor maps,
//                        the table and the public emu* functions
//   EmuDriverMemory.cpp  memory, streams and events, modules and functions
//   EmuDriverLaunch.cpp  launches (and the cooperative-launch limit), graphs
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_RUNTIME_EMUDRIVERIMPL_H
#define GGEMM_LIB_RUNTIME_EMUDRIVERIMPL_H

#include "ggemm/Runtime/Driver.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

/// One launch as the emulator takes it (also a captured graph node).
struct EmuLaunch {
  CUfunction function = nullptr;
  ggemm::emu::LaunchConfig config;
  std::vector<std::vector<uint8_t>> params;
};

// The driver's opaque handle types, completed here: the emulated device's
// objects (libcuda's own are never in the same process with "emu").
struct CUctx_st {
  int unused = 0;
};
struct CUfunc_st {
  int module = -1;
  int multiprocessors = 132; ///< of the chip the module targets (below)
  ggemm::emu::KernelInfo info;
  int maxDynamicShared = 48 * 1024;
};
struct CUmod_st {
  int id = -1;
  /// SMs of the part the PTX's .target names, for cooperative residency:
  /// 132 (H100/H200) for sm_90a, 148 (B200) for sm_100a, whose kernels
  /// size their persistent grid to it.
  int multiprocessors = 132;
  std::vector<std::unique_ptr<CUfunc_st>> functions;
};
struct CUgraph_st {
  std::vector<EmuLaunch> launches;
};
struct CUgraphExec_st {
  std::vector<EmuLaunch> launches;
};
struct CUstream_st {
  CUgraph capture = nullptr; ///< non-null while capturing
};
struct CUevent_st {
  bool recorded = false;
};

namespace ggemm::rt::emudrv {

/// The emulated device's properties: a sm_90a part like the H100/H200.
constexpr const char *kDeviceName = "ggemm emulator (sm_90a)";
constexpr int kMultiprocessors = 132;
constexpr int kMultiprocessorsSm100 = 148; ///< B200, for sm_100a modules
constexpr int kMaxSharedOptin = 227 * 1024;
constexpr int kMaxSharedDefault = 48 * 1024;
constexpr int kL2Bytes = 50 * 1024 * 1024;
constexpr int kSharedPerMultiprocessor = 228 * 1024;
constexpr int kSharedReservedPerBlock = 1024; ///< the driver's, per CTA
constexpr int kThreadsPerMultiprocessor = 2048;
constexpr int kBlocksPerMultiprocessor = 32;

/// Set when the process-wide State is destroyed at exit. A global
/// destructor may call the driver later (libGGemmMGPUEmu unloads modules
/// from one): every entry then returns CUDA_ERROR_DEINITIALIZED, as
/// libcuda's do after its teardown, instead of touching the dead State.
inline std::atomic<bool> stateDestroyed{false};

struct State {
  ~State() { stateDestroyed.store(true); }
  emu::Machine machine;
  emu::Options options;
  emu::LaunchStats lastStats;
  bool haveStats = false;
  bool initialized = false;
  std::string nextModuleName; ///< setEmuModuleName's, for one load
  CUctx_st context;
  std::mutex mutex; ///< one driver call at a time
};

State &state();

/// Why the last call of this thread was refused ("" if it was not).
extern thread_local std::string detail;

inline CUresult refuse(CUresult code, std::string why) {
  detail = std::move(why);
  return code;
}

/// Every entry point starts with this: refuses calls after the State's
/// teardown, clears the last detail, takes the lock, refuses calls before
/// cuInit.
#define EMU_ENTER(needInit)                                                    \
  if (stateDestroyed.load())                                                   \
    return CUDA_ERROR_DEINITIALIZED;                                           \
  detail.clear();                                                              \
  State &s = state();                                                          \
  std::lock_guard<std::mutex> lock(s.mutex);                                   \
  if ((needInit) && !s.initialized)                                            \
    return refuse(CUDA_ERROR_NOT_INITIALIZED, "cuInit was not called");        \
  (void)s

inline CUresult fromMessage(CUresult code, const std::string &message) {
  if (message.empty())
    return CUDA_SUCCESS;
  return refuse(code, message);
}

inline CUresult checkDevice(CUdevice device) {
  return device == 0 ? CUDA_SUCCESS
                     : refuse(CUDA_ERROR_INVALID_DEVICE,
                              "the emulator has one device, 0");
}

/// A copy or memset on a capturing stream would have to become a graph
/// node: the emulator's graphs hold kernel launches only.
inline CUresult checkNotCapturing(CUstream stream) {
  if (stream && stream->capture)
    return refuse(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED,
                  "the emulator captures only kernel launches");
  return CUDA_SUCCESS;
}

/// Fill in the table entries of EmuDriverMemory.cpp and EmuDriverLaunch.cpp.
void addMemoryEntries(Driver &t);
void addLaunchEntries(Driver &t);

} // namespace ggemm::rt::emudrv

#endif // GGEMM_LIB_RUNTIME_EMUDRIVERIMPL_H
