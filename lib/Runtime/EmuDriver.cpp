//===- EmuDriver.cpp - the driver table over the PTX emulator -------------===//
//
// The "emu" device: every function of rt::Driver implemented over one
// process-wide ggemm::emu::Machine. It looks like one sm_90a device with a
// primary context; everything is synchronous (streams, async copies,
// events); graphs record the launches captured on a stream and run them on
// replay; events do not time anything (the emulator's time is no GPU's).
// A refused call returns the CUresult the driver would and leaves its
// reason in lastErrorDetail, which rt::cuError appends to its message.
// This file: the state, errors, device and context, tensor maps and the
// table; memory and modules, launches and graphs are in the files that
// EmuDriverImpl.h lists.
//
//===----------------------------------------------------------------------===//

#include "EmuDriverImpl.h"

#include <cstdlib>
#include <cstring>

namespace ggemm::rt {
namespace emudrv {

State &state() {
  static State instance;
  return instance;
}

thread_local std::string detail;

namespace {

std::string lastErrorDetail() { return detail; }

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
    {CUDA_ERROR_DEINITIALIZED, "CUDA_ERROR_DEINITIALIZED",
     "driver shutting down"},
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
    {CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE,
     "CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE",
     "too many blocks in cooperative launch"},
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
    *value = kSharedPerMultiprocessor;
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

// The emulator has one context, a fixed dummy handle, and nothing of it
// needs a context made current: it is current on every thread. Pushes and
// pops are counted per thread only so that an unbalanced pop is refused,
// as the driver refuses it.
thread_local int pushedContexts = 0;

CUresult emuCtxGetCurrent(CUcontext *context) {
  EMU_ENTER(true);
  if (!context)
    return CUDA_ERROR_INVALID_VALUE;
  *context = &s.context;
  return CUDA_SUCCESS;
}

CUresult emuCtxGetDevice(CUdevice *device) {
  EMU_ENTER(true);
  if (!device)
    return CUDA_ERROR_INVALID_VALUE;
  *device = 0;
  return CUDA_SUCCESS;
}

CUresult emuCtxPushCurrent(CUcontext context) {
  EMU_ENTER(true);
  if (context != &s.context)
    return refuse(CUDA_ERROR_INVALID_CONTEXT, "not the emulator's context");
  ++pushedContexts;
  return CUDA_SUCCESS;
}

CUresult emuCtxPopCurrent(CUcontext *context) {
  EMU_ENTER(true);
  if (pushedContexts == 0)
    return refuse(CUDA_ERROR_INVALID_CONTEXT,
                  "no context was pushed on this thread");
  --pushedContexts;
  if (context)
    *context = &s.context;
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
  t.cuCtxGetCurrent = emuCtxGetCurrent;
  t.cuCtxGetDevice = emuCtxGetDevice;
  t.cuCtxPushCurrent = emuCtxPushCurrent;
  t.cuCtxPopCurrent = emuCtxPopCurrent;
  t.cuTensorMapEncodeTiled = emuTensorMapEncodeTiled;
  addMemoryEntries(t);
  addLaunchEntries(t);
  return t;
}

} // namespace
} // namespace emudrv

using emudrv::State;
using emudrv::state;

const Driver &emuDriver() {
  static const Driver table = emudrv::makeTable();
  return table;
}

void setEmuOptions(const emu::Options &options) {
  State &s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  s.options = options;
  // GGEMM_EMU_TCGEN05_LD_NEEDS_WAIT=1: the stricter reading of tcgen05.ld
  // (its registers used only after tcgen05.wait::ld; docs/emulator.md,
  // "Findings"), for the tests that hold ggemm's kernels to both readings
  if (const char *v = std::getenv("GGEMM_EMU_TCGEN05_LD_NEEDS_WAIT"))
    s.options.tcgen05LdRegistersNeedWait = v[0] == '1';
}

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
