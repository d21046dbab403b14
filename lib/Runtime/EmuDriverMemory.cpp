//===- EmuDriverMemory.cpp - the emu driver: memory, modules --------------===//
//
// The "emu" device's memory (allocations, managed memory mapped into the
// host, copies, memsets: synchronous, refused on a capturing stream),
// streams and events (nothing to wait for), and PTX modules and their
// functions (see EmuDriverImpl.h).
//
//===----------------------------------------------------------------------===//

#include "EmuDriverImpl.h"

#include <algorithm>
#include <cstring>

using ggemm::emu::LaunchConfig;

namespace ggemm::rt::emudrv {

namespace {

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

/// Managed memory: a host-mapped allocation of the Machine, whose address
/// is a host pointer too (emu::Machine::allocateMapped), so host code reads
/// and writes it directly. Nothing migrates: both sides see one copy.
CUresult emuMemAllocManaged(CUdeviceptr *address, size_t bytes,
                            unsigned int flags) {
  EMU_ENTER(true);
  if (!address || bytes == 0)
    return CUDA_ERROR_INVALID_VALUE;
  if (flags != CU_MEM_ATTACH_GLOBAL && flags != CU_MEM_ATTACH_HOST)
    return refuse(CUDA_ERROR_INVALID_VALUE,
                  "cuMemAllocManaged takes CU_MEM_ATTACH_GLOBAL or "
                  "CU_MEM_ATTACH_HOST");
  uint64_t at = 0;
  if (CUresult r = fromMessage(CUDA_ERROR_OUT_OF_MEMORY,
                               s.machine.allocateMapped(bytes, at)))
    return r;
  *address = CUdeviceptr(at);
  return CUDA_SUCCESS;
}

/// Page-locking changes nothing here: host memory is host memory. It does
/// not become addressable by kernels either (only emulated allocations
/// are), which the driver's mapped registration would make it.
CUresult emuMemHostRegister(void *host, size_t bytes, unsigned int) {
  EMU_ENTER(true);
  return host && bytes ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult emuMemHostUnregister(void *host) {
  EMU_ENTER(true);
  return host ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult emuMemFree(CUdeviceptr address) {
  EMU_ENTER(true);
  if (address == 0)
    return CUDA_SUCCESS;
  return fromMessage(CUDA_ERROR_INVALID_VALUE, s.machine.release(address));
}

/// Stream-ordered allocation: the emulator runs a stream's work when it is
/// enqueued, so allocating (and freeing) at once keeps the stream's order.
/// Not while capturing: the emulator's graphs hold no memory nodes.
CUresult emuMemAllocAsync(CUdeviceptr *address, size_t bytes,
                          CUstream stream) {
  if (CUresult r = checkNotCapturing(stream))
    return r;
  return emuMemAlloc(address, bytes);
}

CUresult emuMemFreeAsync(CUdeviceptr address, CUstream stream) {
  if (CUresult r = checkNotCapturing(stream))
    return r;
  return emuMemFree(address);
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

/// A copy between unified addresses (cuMemcpy, cuMemcpyAsync): each side
/// is device memory if it lies inside an emulated allocation (host-mapped
/// ones included), else host memory. Device to device goes through a
/// host buffer, in pieces.
CUresult copyUnified(State &s, CUdeviceptr to, CUdeviceptr from, size_t bytes) {
  if (bytes == 0)
    return CUDA_SUCCESS;
  if (!to || !from)
    return CUDA_ERROR_INVALID_VALUE;
  bool toDevice = s.machine.contains(to), fromDevice = s.machine.contains(from);
  auto *toHost = reinterpret_cast<void *>(to);
  auto *fromHost = reinterpret_cast<const void *>(from);
  if (!toDevice && !fromDevice) {
    std::memmove(toHost, fromHost, bytes);
    return CUDA_SUCCESS;
  }
  if (!fromDevice)
    return copyToDevice(s, to, fromHost, bytes);
  if (!toDevice)
    return copyToHost(s, toHost, from, bytes);
  constexpr size_t kChunk = 1 << 20;
  std::vector<uint8_t> staging(std::min(bytes, kChunk));
  for (size_t done = 0; done < bytes;) {
    size_t n = std::min(kChunk, bytes - done);
    if (CUresult r = copyToHost(s, staging.data(), from + done, n))
      return r;
    if (CUresult r = copyToDevice(s, to + done, staging.data(), n))
      return r;
    done += n;
  }
  return CUDA_SUCCESS;
}

CUresult emuMemcpy(CUdeviceptr to, CUdeviceptr from, size_t bytes) {
  EMU_ENTER(true);
  return copyUnified(s, to, from, bytes);
}

CUresult emuMemcpyAsync(CUdeviceptr to, CUdeviceptr from, size_t bytes,
                        CUstream stream) {
  EMU_ENTER(true);
  if (CUresult r = checkNotCapturing(stream))
    return r;
  return copyUnified(s, to, from, bytes);
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

/// Everything ran when it was enqueued: there is nothing to wait for.
CUresult emuStreamWaitEvent(CUstream, CUevent event, unsigned int) {
  EMU_ENTER(true);
  return event ? CUDA_SUCCESS : CUDA_ERROR_INVALID_HANDLE;
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

CUresult loadModule(State &s, CUmodule *module, const void *image) {
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
  size_t target = ptx.find(".target sm_100");
  if (target != std::string::npos && target < ptx.find(".entry"))
    loaded->multiprocessors = kMultiprocessorsSm100;
  *module = loaded;
  return CUDA_SUCCESS;
}

CUresult emuModuleLoadData(CUmodule *module, const void *image) {
  EMU_ENTER(true);
  return loadModule(s, module, image);
}

/// The options (JIT optimization level, log buffers, ...) ask nothing of
/// the emulator: it parses the PTX as it is, and a refusal's reason is in
/// lastErrorDetail, not in a log buffer.
CUresult emuModuleLoadDataEx(CUmodule *module, const void *image, unsigned int,
                             CUjit_option *, void **) {
  EMU_ENTER(true);
  return loadModule(s, module, image);
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
  f->multiprocessors = module->multiprocessors;
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

} // namespace

void addMemoryEntries(Driver &t) {
  t.cuMemGetInfo = emuMemGetInfo;
  t.cuMemAlloc = emuMemAlloc;
  t.cuMemFree = emuMemFree;
  t.cuMemAllocManaged = emuMemAllocManaged;
  t.cuMemAllocAsync = emuMemAllocAsync;
  t.cuMemFreeAsync = emuMemFreeAsync;
  t.cuMemHostRegister = emuMemHostRegister;
  t.cuMemHostUnregister = emuMemHostUnregister;
  t.cuMemcpy = emuMemcpy;
  t.cuMemcpyAsync = emuMemcpyAsync;
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
  t.cuStreamWaitEvent = emuStreamWaitEvent;
  t.cuEventCreate = emuEventCreate;
  t.cuEventDestroy = emuEventDestroy;
  t.cuEventRecord = emuEventRecord;
  t.cuEventSynchronize = emuEventSynchronize;
  t.cuEventElapsedTime = emuEventElapsedTime;
  t.cuModuleLoadData = emuModuleLoadData;
  t.cuModuleLoadDataEx = emuModuleLoadDataEx;
  t.cuModuleUnload = emuModuleUnload;
  t.cuModuleGetFunction = emuModuleGetFunction;
  t.cuFuncSetAttribute = emuFuncSetAttribute;
}

} // namespace ggemm::rt::emudrv
