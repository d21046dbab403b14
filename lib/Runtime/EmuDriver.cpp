//===- EmuDriver.cpp - the driver table over the PTX emulator -------------===//
//
// The "emu" device: every function of rt::Driver implemented over one
// process-wide ggemm::emu::Machine. It looks like one sm_90a device with a
// primary context; everything is synchronous (streams, async copies,
// events); graphs record the launches captured on a stream and run them on
// replay; events do not time anything (the emulator's time is no GPU's).
// A refused call returns the CUresult the driver would and leaves its
// reason in lastErrorDetail, which rt::cuError appends to its message.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Runtime/Driver.h"

#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

using ggemm::emu::KernelInfo;
using ggemm::emu::LaunchConfig;

/// One launch as the emulator takes it (also a captured graph node).
struct EmuLaunch {
  CUfunction function = nullptr;
  LaunchConfig config;
  std::vector<std::vector<uint8_t>> params;
};

// The driver's opaque handle types, completed here: the emulated device's
// objects (libcuda's own are never in the same process with "emu").
struct CUctx_st {
  int unused = 0;
};
struct CUfunc_st {
  int module = -1;
  KernelInfo info;
  int maxDynamicShared = 48 * 1024;
};
struct CUmod_st {
  int id = -1;
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

namespace ggemm::rt {

namespace {

/// The emulated device's properties: a sm_90a part like the H100/H200.
constexpr const char *kDeviceName = "ggemm emulator (sm_90a)";
constexpr int kMultiprocessors = 132;
constexpr int kMaxSharedOptin = 227 * 1024;
constexpr int kMaxSharedDefault = 48 * 1024;
constexpr int kL2Bytes = 50 * 1024 * 1024;

struct State {
  emu::Machine machine;
  emu::Options options;
  emu::LaunchStats lastStats;
  bool haveStats = false;
  bool initialized = false;
  std::string nextModuleName; ///< setEmuModuleName's, for one load
  CUctx_st context;
  std::mutex mutex; ///< one driver call at a time
};

State &state() {
  static State instance;
  return instance;
}

thread_local std::string detail;

std::string lastErrorDetail() { return detail; }

CUresult refuse(CUresult code, std::string why) {
  detail = std::move(why);
  return code;
}

/// Every entry point starts with this: clears the last detail, takes the
/// lock, refuses calls before cuInit.
#define EMU_ENTER(needInit)                                                    \
  detail.clear();                                                              \
  State &s = state();                                                          \
  std::lock_guard<std::mutex> lock(s.mutex);                                   \
  if ((needInit) && !s.initialized)                                            \
    return refuse(CUDA_ERROR_NOT_INITIALIZED, "cuInit was not called");        \
  (void)s

CUresult fromMessage(CUresult code, const std::string &message) {
  if (message.empty())
    return CUDA_SUCCESS;
  return refuse(code, message);
}

//--- Errors ---------------------------------------------------------------//

struct ErrorText {
  CUresult code;
  const char *name, *text;
};
constexpr ErrorText kErrors[] = {
    {CUDA_SUCCESS, "CUDA_SUCCESS", "no error"},
    {CUDA_ERROR_INVALID_VALUE, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {CUDA_ERROR_OUT_OF_MEMORY, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {CUDA_ERROR_NOT_INITIALIZED, "CUDA_ERROR_NOT_INITIALIZED",
     "initialization error"},
    {CUDA_ERROR_NO_DEVICE, "CUDA_ERROR_NO_DEVICE",
     "no CUDA-capable device is detected"},
    {CUDA_ERROR_INVALID_DEVICE, "CUDA_ERROR_INVALID_DEVICE",
     "invalid device ordinal"},
    {CUDA_ERROR_INVALID_IMAGE, "CUDA_ERROR_INVALID_IMAGE",
     "device kernel image is invalid"},
    {CUDA_ERROR_INVALID_CONTEXT, "CUDA_ERROR_INVALID_CONTEXT",
     "invalid device context"},
    {CUDA_ERROR_INVALID_PTX, "CUDA_ERROR_INVALID_PTX",
     "a PTX JIT compilation failed"},
    {CUDA_ERROR_INVALID_HANDLE, "CUDA_ERROR_INVALID_HANDLE",
     "invalid resource handle"},
    {CUDA_ERROR_NOT_FOUND, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {CUDA_ERROR_NOT_READY, "CUDA_ERROR_NOT_READY", "device not ready"},
    {CUDA_ERROR_ILLEGAL_ADDRESS, "CUDA_ERROR_ILLEGAL_ADDRESS",
     "an illegal memory access was encountered"},
    {CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES",
     "too many resources requested for launch"},
    {CUDA_ERROR_LAUNCH_FAILED, "CUDA_ERROR_LAUNCH_FAILED",
     "unspecified launch failure"},
    {CUDA_ERROR_NOT_PERMITTED, "CUDA_ERROR_NOT_PERMITTED",
     "operation not permitted"},
    {CUDA_ERROR_NOT_SUPPORTED, "CUDA_ERROR_NOT_SUPPORTED",
     "operation not supported"},
    {CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED,
     "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED",
     "operation not permitted when stream is capturing"},
    {CUDA_ERROR_STREAM_CAPTURE_INVALIDATED,
     "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED",
     "operation failed due to a previous error during capture"},
    {CUDA_ERROR_SHARED_OBJECT_INIT_FAILED,
     "CUDA_ERROR_SHARED_OBJECT_INIT_FAILED",
     "shared object initialization failed"},
    {CUDA_ERROR_ILLEGAL_STATE, "CUDA_ERROR_ILLEGAL_STATE",
     "the operation cannot be performed in the present state"},
    {CUDA_ERROR_STUB_LIBRARY, "CUDA_ERROR_STUB_LIBRARY",
     "CUDA driver is a stub library"},
    {CUDA_ERROR_UNKNOWN, "CUDA_ERROR_UNKNOWN", "unknown error"},
};

const ErrorText *findError(CUresult code) {
  for (const ErrorText &e : kErrors)
    if (e.code == code)
      return &e;
  return nullptr;
}

CUresult emuGetErrorName(CUresult error, const char **out) {
  const ErrorText *e = findError(error);
  if (!out || !e)
    return CUDA_ERROR_INVALID_VALUE;
  *out = e->name;
  return CUDA_SUCCESS;
}

CUresult emuGetErrorString(CUresult error, const char **out) {
  const ErrorText *e = findError(error);
  if (!out || !e)
    return CUDA_ERROR_INVALID_VALUE;
  *out = e->text;
  return CUDA_SUCCESS;
}

//--- Device and context ---------------------------------------------------//

CUresult emuInit(unsigned int flags) {
  EMU_ENTER(false);
  if (flags != 0)
    return refuse(CUDA_ERROR_INVALID_VALUE, "cuInit takes flags 0");
  s.initialized = true;
  return CUDA_SUCCESS;
}

CUresult emuDeviceGetCount(int *count) {
  EMU_ENTER(true);
  if (!count)
    return CUDA_ERROR_INVALID_VALUE;
  *count = 1;
  return CUDA_SUCCESS;
}

CUresult emuDeviceGet(CUdevice *device, int ordinal) {
  EMU_ENTER(true);
  if (!device)
    return CUDA_ERROR_INVALID_VALUE;
  if (ordinal != 0)
    return refuse(CUDA_ERROR_INVALID_DEVICE,
                  "the emulator has one device, ordinal 0");
  *device = 0;
  return CUDA_SUCCESS;
}

CUresult checkDevice(CUdevice device) {
  return device == 0 ? CUDA_SUCCESS
                     : refuse(CUDA_ERROR_INVALID_DEVICE,
                              "the emulator has one device, 0");
}

CUresult emuDeviceGetName(char *name, int length, CUdevice device) {
  EMU_ENTER(true);
  if (CUresult r = checkDevice(device))
    return r;
  if (!name || length <= 0)
    return CUDA_ERROR_INVALID_VALUE;
  std::strncpy(name, kDeviceName, size_t(length));
  name[length - 1] = '\0';
  return CUDA_SUCCESS;
}

CUresult emuDeviceGetAttribute(int *value, CUdevice_attribute which,
                               CUdevice device) {
  EMU_ENTER(true);
  if (CUresult r = checkDevice(device))
    return r;
  if (!value)
    return CUDA_ERROR_INVALID_VALUE;
  switch (which) {
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR:
    *value = 9;
    break;
  case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR:
    *value = 0;
    break;
  case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT:
    *value = kMultiprocessors;
    break;
  case CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE:
    *value = kL2Bytes;
    break;
  case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN:
    *value = kMaxSharedOptin;
    break;
  case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK:
    *value = kMaxSharedDefault;
    break;
  case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR:
    *value = 228 * 1024;
    break;
  case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK:
    *value = 1024;
    break;
  case CU_DEVICE_ATTRIBUTE_WARP_SIZE:
    *value = 32;
    break;
  case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X:
  case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y:
    *value = 1024;
    break;
  case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z:
    *value = 64;
    break;
  case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X:
    *value = 0x7fffffff;
    break;
  case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y:
  case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z:
    *value = 65535;
    break;
  case CU_DEVICE_ATTRIBUTE_COOPERATIVE_LAUNCH:
  case CU_DEVICE_ATTRIBUTE_CLUSTER_LAUNCH:
    *value = 1;
    break;
  default:
    return refuse(CUDA_ERROR_INVALID_VALUE,
                  "the emulator does not report device attribute " +
                      std::to_string(int(which)));
  }
  return CUDA_SUCCESS;
}

CUresult emuDeviceTotalMem(size_t *bytes, CUdevice device) {
  EMU_ENTER(true);
  if (CUresult r = checkDevice(device))
    return r;
  if (!bytes)
    return CUDA_ERROR_INVALID_VALUE;
  size_t freeBytes = 0;
  s.machine.memoryInfo(freeBytes, *bytes);
  return CUDA_SUCCESS;
}

CUresult emuDevicePrimaryCtxRetain(CUcontext *context, CUdevice device) {
  EMU_ENTER(true);
  if (CUresult r = checkDevice(device))
    return r;
  if (!context)
    return CUDA_ERROR_INVALID_VALUE;
  *context = &s.context;
  return CUDA_SUCCESS;
}

CUresult emuDevicePrimaryCtxRelease(CUdevice device) {
  EMU_ENTER(true);
  return checkDevice(device);
}

CUresult emuCtxSetCurrent(CUcontext context) {
  EMU_ENTER(true);
  if (context && context != &s.context)
    return refuse(CUDA_ERROR_INVALID_CONTEXT, "not the emulator's context");
  return CUDA_SUCCESS;
}

CUresult emuCtxSynchronize() {
  EMU_ENTER(true);
  return CUDA_SUCCESS;
}

//--- Memory ---------------------------------------------------------------//

CUresult emuMemGetInfo(size_t *freeBytes, size_t *totalBytes) {
  EMU_ENTER(true);
  if (!freeBytes || !totalBytes)
    return CUDA_ERROR_INVALID_VALUE;
  s.machine.memoryInfo(*freeBytes, *totalBytes);
  return CUDA_SUCCESS;
}

CUresult emuMemAlloc(CUdeviceptr *address, size_t bytes) {
  EMU_ENTER(true);
  if (!address || bytes == 0)
    return CUDA_ERROR_INVALID_VALUE;
  uint64_t at = 0;
  if (CUresult r = fromMessage(CUDA_ERROR_OUT_OF_MEMORY,
                               s.machine.allocate(bytes, at)))
    return r;
  *address = CUdeviceptr(at);
  return CUDA_SUCCESS;
}

CUresult emuMemFree(CUdeviceptr address) {
  EMU_ENTER(true);
  if (address == 0)
    return CUDA_SUCCESS;
  return fromMessage(CUDA_ERROR_INVALID_VALUE, s.machine.release(address));
}

/// A copy or memset on a capturing stream would have to become a graph
/// node: the emulator's graphs hold kernel launches only.
CUresult checkNotCapturing(CUstream stream) {
  if (stream && stream->capture)
    return refuse(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED,
                  "the emulator captures only kernel launches");
  return CUDA_SUCCESS;
}

CUresult copyToDevice(State &s, CUdeviceptr to, const void *from,
                      size_t bytes) {
  if (bytes == 0)
    return CUDA_SUCCESS;
  if (!from)
    return CUDA_ERROR_INVALID_VALUE;
  return fromMessage(CUDA_ERROR_INVALID_VALUE, s.machine.write(to, from, bytes));
}

CUresult copyToHost(State &s, void *to, CUdeviceptr from, size_t bytes) {
  if (bytes == 0)
    return CUDA_SUCCESS;
  if (!to)
    return CUDA_ERROR_INVALID_VALUE;
  return fromMessage(CUDA_ERROR_INVALID_VALUE, s.machine.read(from, to, bytes));
}

CUresult emuMemcpyHtoD(CUdeviceptr to, const void *from, size_t bytes) {
  EMU_ENTER(true);
  return copyToDevice(s, to, from, bytes);
}

CUresult emuMemcpyDtoH(void *to, CUdeviceptr from, size_t bytes) {
  EMU_ENTER(true);
  return copyToHost(s, to, from, bytes);
}

CUresult emuMemcpyHtoDAsync(CUdeviceptr to, const void *from, size_t bytes,
                            CUstream stream) {
  EMU_ENTER(true);
  if (CUresult r = checkNotCapturing(stream))
    return r;
  return copyToDevice(s, to, from, bytes);
}

CUresult emuMemcpyDtoHAsync(void *to, CUdeviceptr from, size_t bytes,
                            CUstream stream) {
  EMU_ENTER(true);
  if (CUresult r = checkNotCapturing(stream))
    return r;
  return copyToHost(s, to, from, bytes);
}

/// Fills `count` elements of `T` at `to` with `value`, in pieces.
template <typename T>
CUresult fill(State &s, CUdeviceptr to, T value, size_t count) {
  if (to % sizeof(T) != 0)
    return refuse(CUDA_ERROR_INVALID_VALUE,
                  "memset address not aligned to its element size");
  constexpr size_t kChunk = 1 << 16;
  std::vector<T> pattern(std::min(count, kChunk), value);
  for (size_t done = 0; done < count;) {
    size_t n = std::min(kChunk, count - done);
    if (CUresult r = copyToDevice(s, to + done * sizeof(T), pattern.data(),
                                  n * sizeof(T)))
      return r;
    done += n;
  }
  return CUDA_SUCCESS;
}

CUresult emuMemsetD8(CUdeviceptr to, unsigned char value, size_t count) {
  EMU_ENTER(true);
  return fill<uint8_t>(s, to, value, count);
}

CUresult emuMemsetD16(CUdeviceptr to, unsigned short value, size_t count) {
  EMU_ENTER(true);
  return fill<uint16_t>(s, to, value, count);
}

CUresult emuMemsetD32(CUdeviceptr to, unsigned int value, size_t count) {
  EMU_ENTER(true);
  return fill<uint32_t>(s, to, value, count);
}

CUresult emuMemsetD16Async(CUdeviceptr to, unsigned short value, size_t count,
                           CUstream stream) {
  EMU_ENTER(true);
  if (CUresult r = checkNotCapturing(stream))
    return r;
  return fill<uint16_t>(s, to, value, count);
}

CUresult emuMemsetD32Async(CUdeviceptr to, unsigned int value, size_t count,
                           CUstream stream) {
  EMU_ENTER(true);
  if (CUresult r = checkNotCapturing(stream))
    return r;
  return fill<uint32_t>(s, to, value, count);
}

//--- Streams and events ---------------------------------------------------//

CUresult emuStreamCreate(CUstream *stream, unsigned int) {
  EMU_ENTER(true);
  if (!stream)
    return CUDA_ERROR_INVALID_VALUE;
  *stream = new CUstream_st;
  return CUDA_SUCCESS;
}

CUresult emuStreamDestroy(CUstream stream) {
  EMU_ENTER(true);
  if (!stream)
    return CUDA_ERROR_INVALID_HANDLE;
  delete stream->capture;
  delete stream;
  return CUDA_SUCCESS;
}

CUresult emuStreamSynchronize(CUstream stream) {
  EMU_ENTER(true);
  return checkNotCapturing(stream);
}

CUresult emuEventCreate(CUevent *event, unsigned int) {
  EMU_ENTER(true);
  if (!event)
    return CUDA_ERROR_INVALID_VALUE;
  *event = new CUevent_st;
  return CUDA_SUCCESS;
}

CUresult emuEventDestroy(CUevent event) {
  EMU_ENTER(true);
  if (!event)
    return CUDA_ERROR_INVALID_HANDLE;
  delete event;
  return CUDA_SUCCESS;
}

CUresult emuEventRecord(CUevent event, CUstream stream) {
  EMU_ENTER(true);
  if (!event)
    return CUDA_ERROR_INVALID_HANDLE;
  if (CUresult r = checkNotCapturing(stream))
    return r;
  event->recorded = true;
  return CUDA_SUCCESS;
}

CUresult emuEventSynchronize(CUevent event) {
  EMU_ENTER(true);
  return event ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
}

CUresult emuEventElapsedTime(float *, CUevent, CUevent) {
  EMU_ENTER(true);
  return refuse(CUDA_ERROR_NOT_SUPPORTED,
                "the emulator does not time kernels: its events measure "
                "no GPU time");
}

//--- Modules and functions ------------------------------------------------//

CUresult emuModuleLoadData(CUmodule *module, const void *image) {
  EMU_ENTER(true);
  if (!module || !image)
    return CUDA_ERROR_INVALID_VALUE;
  const auto *bytes = static_cast<const unsigned char *>(image);
  if (bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' &&
      bytes[3] == 'F')
    return refuse(CUDA_ERROR_INVALID_IMAGE,
                  "the emulator runs PTX, not a cubin (ELF): compile the "
                  "kernel with ggemm-pipeline{format=isa}");
  // A fatbinary starts with 0xBA55ED50 (little endian).
  if (bytes[0] == 0x50 && bytes[1] == 0xED && bytes[2] == 0x55 &&
      bytes[3] == 0xBA)
    return refuse(CUDA_ERROR_INVALID_IMAGE,
                  "the emulator runs PTX, not a fatbinary: compile the "
                  "kernel with ggemm-pipeline{format=isa}");
  std::string ptx(static_cast<const char *>(image));
  if (ptx.find(".entry") == std::string::npos ||
      ptx.find(".version") == std::string::npos)
    return refuse(CUDA_ERROR_INVALID_IMAGE,
                  "the emulator needs PTX text (.version ... .entry)");
  int id = -1;
  std::string name = s.nextModuleName.empty() ? "ptx" : s.nextModuleName;
  s.nextModuleName.clear();
  if (CUresult r = fromMessage(CUDA_ERROR_INVALID_PTX,
                               s.machine.loadModule(ptx, name, id)))
    return r;
  auto *loaded = new CUmod_st;
  loaded->id = id;
  *module = loaded;
  return CUDA_SUCCESS;
}

CUresult emuModuleUnload(CUmodule module) {
  EMU_ENTER(true);
  if (!module)
    return CUDA_ERROR_INVALID_HANDLE;
  std::string err = s.machine.unloadModule(module->id);
  delete module;
  return fromMessage(CUDA_ERROR_INVALID_HANDLE, err);
}

CUresult emuModuleGetFunction(CUfunction *function, CUmodule module,
                              const char *name) {
  EMU_ENTER(true);
  if (!function || !module || !name)
    return CUDA_ERROR_INVALID_VALUE;
  for (const std::unique_ptr<CUfunc_st> &f : module->functions)
    if (f->info.name == name) {
      *function = f.get();
      return CUDA_SUCCESS;
    }
  auto f = std::make_unique<CUfunc_st>();
  f->module = module->id;
  if (CUresult r = fromMessage(CUDA_ERROR_NOT_FOUND,
                               s.machine.findKernel(module->id, name, f->info)))
    return r;
  *function = f.get();
  module->functions.push_back(std::move(f));
  return CUDA_SUCCESS;
}

CUresult emuFuncSetAttribute(CUfunction function, CUfunction_attribute which,
                             int value) {
  EMU_ENTER(true);
  if (!function)
    return CUDA_ERROR_INVALID_HANDLE;
  if (which == CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES) {
    if (value < 0 ||
        int64_t(value) + function->info.staticSharedBytes > kMaxSharedOptin)
      return refuse(CUDA_ERROR_INVALID_VALUE,
                    std::to_string(value) +
                        " bytes of dynamic shared memory (plus " +
                        std::to_string(function->info.staticSharedBytes) +
                        " static) exceed the device's " +
                        std::to_string(kMaxSharedOptin));
    function->maxDynamicShared = value;
  }
  // Carveout, cluster and the other hints change nothing here.
  return CUDA_SUCCESS;
}

//--- Launches -------------------------------------------------------------//

/// Checks a launch and copies its parameters from `kernelParams`.
CUresult prepare(CUfunction function, const LaunchConfig &config,
                 void **kernelParams, void **extra, EmuLaunch &out) {
  if (!function)
    return CUDA_ERROR_INVALID_HANDLE;
  if (extra)
    return refuse(CUDA_ERROR_NOT_SUPPORTED,
                  "the emulator takes parameters in kernelParams only");
  uint64_t threads = 1;
  for (int d = 0; d < 3; ++d) {
    if (config.grid[d] == 0 || config.block[d] == 0 || config.cluster[d] == 0)
      return refuse(CUDA_ERROR_INVALID_VALUE, "a zero grid, block or cluster "
                                              "dimension");
    if (config.grid[d] % config.cluster[d] != 0)
      return refuse(CUDA_ERROR_INVALID_VALUE,
                    "the grid is not a whole number of clusters");
    threads *= config.block[d];
  }
  if (threads > 1024)
    return refuse(CUDA_ERROR_INVALID_VALUE,
                  std::to_string(threads) + " threads in a block (max 1024)");
  if (config.cluster[0] * config.cluster[1] * config.cluster[2] > 16)
    return refuse(CUDA_ERROR_INVALID_VALUE, "more than 16 CTAs in a cluster");
  if (config.dynamicSharedBytes > uint32_t(function->maxDynamicShared))
    return refuse(CUDA_ERROR_INVALID_VALUE,
                  std::to_string(config.dynamicSharedBytes) +
                      " bytes of dynamic shared memory; the function allows " +
                      std::to_string(function->maxDynamicShared) +
                      " (cuFuncSetAttribute "
                      "MAX_DYNAMIC_SHARED_SIZE_BYTES raises it)");
  const std::vector<uint32_t> &sizes = function->info.paramBytes;
  if (!sizes.empty() && !kernelParams)
    return refuse(CUDA_ERROR_INVALID_VALUE,
                  "kernel " + function->info.name + " takes " +
                      std::to_string(sizes.size()) + " parameters; none given");
  out.function = function;
  out.config = config;
  out.params.assign(sizes.size(), {});
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (!kernelParams[i])
      return refuse(CUDA_ERROR_INVALID_VALUE,
                    "kernel parameter " + std::to_string(i) + " is null");
    const auto *bytes = static_cast<const uint8_t *>(kernelParams[i]);
    out.params[i].assign(bytes, bytes + sizes[i]);
  }
  return CUDA_SUCCESS;
}

CUresult run(State &s, const EmuLaunch &launch) {
  emu::LaunchStats stats;
  std::string err = s.machine.launch(
      launch.function->module, launch.function->info.name, launch.config,
      launch.params, s.options, &stats);
  if (!err.empty())
    return refuse(CUDA_ERROR_LAUNCH_FAILED, err);
  s.lastStats = stats;
  s.haveStats = true;
  return CUDA_SUCCESS;
}

/// Runs the launch now, or records it on a capturing stream.
CUresult submit(State &s, CUstream stream, EmuLaunch launch) {
  if (stream && stream->capture) {
    stream->capture->launches.push_back(std::move(launch));
    return CUDA_SUCCESS;
  }
  return run(s, launch);
}

CUresult emuLaunchKernel(CUfunction function, unsigned gridX, unsigned gridY,
                         unsigned gridZ, unsigned blockX, unsigned blockY,
                         unsigned blockZ, unsigned sharedBytes, CUstream stream,
                         void **kernelParams, void **extra) {
  EMU_ENTER(true);
  LaunchConfig config;
  config.grid = {gridX, gridY, gridZ};
  config.block = {blockX, blockY, blockZ};
  config.dynamicSharedBytes = sharedBytes;
  EmuLaunch launch;
  if (CUresult r = prepare(function, config, kernelParams, extra, launch))
    return r;
  return submit(s, stream, std::move(launch));
}

CUresult emuLaunchKernelEx(const CUlaunchConfig *cfg, CUfunction function,
                           void **kernelParams, void **extra) {
  EMU_ENTER(true);
  if (!cfg)
    return CUDA_ERROR_INVALID_VALUE;
  LaunchConfig config;
  config.grid = {cfg->gridDimX, cfg->gridDimY, cfg->gridDimZ};
  config.block = {cfg->blockDimX, cfg->blockDimY, cfg->blockDimZ};
  config.dynamicSharedBytes = cfg->sharedMemBytes;
  for (unsigned i = 0; i < cfg->numAttrs; ++i) {
    const CUlaunchAttribute &attribute = cfg->attrs[i];
    switch (attribute.id) {
    case CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION:
      config.cluster = {attribute.value.clusterDim.x,
                        attribute.value.clusterDim.y,
                        attribute.value.clusterDim.z};
      break;
    case CU_LAUNCH_ATTRIBUTE_COOPERATIVE:
      config.cooperative = attribute.value.cooperative != 0;
      break;
    case CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION:
    case CU_LAUNCH_ATTRIBUTE_PRIORITY:
    case CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE:
      break; // launches are synchronous and alone: nothing to do
    default:
      return refuse(CUDA_ERROR_NOT_SUPPORTED,
                    "the emulator does not know launch attribute " +
                        std::to_string(int(attribute.id)));
    }
  }
  EmuLaunch launch;
  if (CUresult r = prepare(function, config, kernelParams, extra, launch))
    return r;
  return submit(s, cfg->hStream, std::move(launch));
}

//--- Graphs ---------------------------------------------------------------//

CUresult emuStreamBeginCapture(CUstream stream, CUstreamCaptureMode) {
  EMU_ENTER(true);
  if (!stream)
    return refuse(CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED,
                  "the legacy default stream cannot be captured");
  if (stream->capture)
    return refuse(CUDA_ERROR_ILLEGAL_STATE, "the stream is already capturing");
  stream->capture = new CUgraph_st;
  return CUDA_SUCCESS;
}

CUresult emuStreamEndCapture(CUstream stream, CUgraph *graph) {
  EMU_ENTER(true);
  if (!stream || !graph)
    return CUDA_ERROR_INVALID_VALUE;
  if (!stream->capture)
    return refuse(CUDA_ERROR_ILLEGAL_STATE, "the stream is not capturing");
  *graph = stream->capture;
  stream->capture = nullptr;
  return CUDA_SUCCESS;
}

CUresult emuGraphInstantiate(CUgraphExec *exec, CUgraph graph,
                             unsigned long long) {
  EMU_ENTER(true);
  if (!exec || !graph)
    return CUDA_ERROR_INVALID_VALUE;
  *exec = new CUgraphExec_st{graph->launches};
  return CUDA_SUCCESS;
}

CUresult emuGraphLaunch(CUgraphExec exec, CUstream stream) {
  EMU_ENTER(true);
  if (!exec)
    return CUDA_ERROR_INVALID_HANDLE;
  if (CUresult r = checkNotCapturing(stream))
    return r;
  for (const EmuLaunch &launch : exec->launches)
    if (CUresult r = run(s, launch))
      return r;
  return CUDA_SUCCESS;
}

CUresult emuGraphDestroy(CUgraph graph) {
  EMU_ENTER(true);
  if (!graph)
    return CUDA_ERROR_INVALID_VALUE;
  delete graph;
  return CUDA_SUCCESS;
}

CUresult emuGraphExecDestroy(CUgraphExec exec) {
  EMU_ENTER(true);
  if (!exec)
    return CUDA_ERROR_INVALID_VALUE;
  delete exec;
  return CUDA_SUCCESS;
}

//--- Tensor maps ----------------------------------------------------------//

CUresult emuTensorMapEncodeTiled(
    CUtensorMap *map, CUtensorMapDataType dataType, cuuint32_t rank,
    void *globalAddress, const cuuint64_t *globalDim,
    const cuuint64_t *globalStrides, const cuuint32_t *boxDim,
    const cuuint32_t *elementStrides, CUtensorMapInterleave interleave,
    CUtensorMapSwizzle swizzle, CUtensorMapL2promotion l2Promotion,
    CUtensorMapFloatOOBfill oobFill) {
  EMU_ENTER(false); // the driver encodes maps without cuInit too
  if (!map)
    return refuse(CUDA_ERROR_INVALID_VALUE, "tensorMap is null");
  if (reinterpret_cast<uintptr_t>(map) % 64 != 0)
    return refuse(CUDA_ERROR_INVALID_VALUE,
                  "tensorMap is not 64-byte aligned");
  if (rank < 1 || rank > 5)
    return refuse(CUDA_ERROR_INVALID_VALUE,
                  "tensorRank " + std::to_string(rank) + " is not in [1, 5]");
  if (!globalDim || !boxDim || !elementStrides || (rank > 1 && !globalStrides))
    return refuse(CUDA_ERROR_INVALID_VALUE, "a null array argument");
  if (uint32_t(dataType) > uint32_t(emu::MapDataType::BFloat16))
    return refuse(CUDA_ERROR_INVALID_VALUE,
                  "the emulator does not know tensor-map data type " +
                      std::to_string(int(dataType)));
  if (uint32_t(swizzle) > uint32_t(emu::MapSwizzle::B128))
    return refuse(CUDA_ERROR_INVALID_VALUE,
                  "the emulator does not know swizzle mode " +
                      std::to_string(int(swizzle)));
  if (uint32_t(interleave) > uint32_t(emu::MapInterleave::B32))
    return refuse(CUDA_ERROR_INVALID_VALUE,
                  "unknown interleave " + std::to_string(int(interleave)));
  emu::TiledMapSpec spec;
  spec.dataType = emu::MapDataType(uint32_t(dataType));
  spec.rank = rank;
  spec.globalAddress = reinterpret_cast<uint64_t>(globalAddress);
  for (uint32_t d = 0; d < rank; ++d) {
    spec.globalDim[d] = globalDim[d];
    spec.boxDim[d] = boxDim[d];
    spec.elementStrides[d] = elementStrides[d];
    if (d + 1 < rank)
      spec.globalStrides[d] = globalStrides[d];
  }
  spec.interleave = emu::MapInterleave(uint32_t(interleave));
  spec.swizzle = emu::MapSwizzle(uint32_t(swizzle));
  spec.l2Promotion = uint32_t(l2Promotion);
  spec.oobFill = uint32_t(oobFill);
  uint8_t bytes[128] = {};
  if (CUresult r = fromMessage(CUDA_ERROR_INVALID_VALUE,
                               emu::encodeTiledMap(spec, bytes)))
    return r;
  std::memcpy(map, bytes, sizeof(bytes));
  return CUDA_SUCCESS;
}

Driver makeTable() {
  Driver t;
  t.device = "emu";
  t.lastErrorDetail = lastErrorDetail;
  t.cuGetErrorName = emuGetErrorName;
  t.cuGetErrorString = emuGetErrorString;
  t.cuInit = emuInit;
  t.cuDeviceGetCount = emuDeviceGetCount;
  t.cuDeviceGet = emuDeviceGet;
  t.cuDeviceGetName = emuDeviceGetName;
  t.cuDeviceGetAttribute = emuDeviceGetAttribute;
  t.cuDeviceTotalMem = emuDeviceTotalMem;
  t.cuDevicePrimaryCtxRetain = emuDevicePrimaryCtxRetain;
  t.cuDevicePrimaryCtxRelease = emuDevicePrimaryCtxRelease;
  t.cuCtxSetCurrent = emuCtxSetCurrent;
  t.cuCtxSynchronize = emuCtxSynchronize;
  t.cuMemGetInfo = emuMemGetInfo;
  t.cuMemAlloc = emuMemAlloc;
  t.cuMemFree = emuMemFree;
  t.cuMemcpyHtoD = emuMemcpyHtoD;
  t.cuMemcpyDtoH = emuMemcpyDtoH;
  t.cuMemcpyHtoDAsync = emuMemcpyHtoDAsync;
  t.cuMemcpyDtoHAsync = emuMemcpyDtoHAsync;
  t.cuMemsetD8 = emuMemsetD8;
  t.cuMemsetD16 = emuMemsetD16;
  t.cuMemsetD32 = emuMemsetD32;
  t.cuMemsetD16Async = emuMemsetD16Async;
  t.cuMemsetD32Async = emuMemsetD32Async;
  t.cuStreamCreate = emuStreamCreate;
  t.cuStreamDestroy = emuStreamDestroy;
  t.cuStreamSynchronize = emuStreamSynchronize;
  t.cuEventCreate = emuEventCreate;
  t.cuEventDestroy = emuEventDestroy;
  t.cuEventRecord = emuEventRecord;
  t.cuEventSynchronize = emuEventSynchronize;
  t.cuEventElapsedTime = emuEventElapsedTime;
  t.cuModuleLoadData = emuModuleLoadData;
  t.cuModuleUnload = emuModuleUnload;
  t.cuModuleGetFunction = emuModuleGetFunction;
  t.cuFuncSetAttribute = emuFuncSetAttribute;
  t.cuLaunchKernel = emuLaunchKernel;
  t.cuLaunchKernelEx = emuLaunchKernelEx;
  t.cuStreamBeginCapture = emuStreamBeginCapture;
  t.cuStreamEndCapture = emuStreamEndCapture;
  t.cuGraphInstantiate = emuGraphInstantiate;
  t.cuGraphLaunch = emuGraphLaunch;
  t.cuGraphDestroy = emuGraphDestroy;
  t.cuGraphExecDestroy = emuGraphExecDestroy;
  t.cuTensorMapEncodeTiled = emuTensorMapEncodeTiled;
  return t;
}

} // namespace

const Driver &emuDriver() {
  static const Driver table = makeTable();
  return table;
}

void setEmuOptions(const emu::Options &options) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.options = options;
}

const emu::Options &emuOptions() { return state().options; }

void setEmuModuleName(const std::string &name) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.nextModuleName = name;
}

bool emuLastLaunchStats(emu::LaunchStats &out) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  out = s.lastStats;
  return s.haveStats;
}

} // namespace ggemm::rt
