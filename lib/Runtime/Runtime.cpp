//===- Runtime.cpp - CUDA driver objects: context, memory, streams --------===//
//
// The thin owners of driver handles that the launch code and gemm-run build
// on. Each wrapper checks every call and releases its handle exactly once.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Runtime/Runtime.h"

#include "Check.h"

#include <utility>

namespace ggemm::rt {

std::string cuError(CUresult result, const char *call) {
  if (result == CUDA_SUCCESS)
    return "";
  const Driver &table = driver();
  const char *name = nullptr, *description = nullptr;
  // Both fail only for an unknown code (or a driver that did not load);
  // the number is still worth showing.
  // The emulator's names stand in where libcuda did not load.
  const Driver &names = emuDriver();
  if ((table.cuGetErrorName(result, &name) != CUDA_SUCCESS || !name) &&
      (names.cuGetErrorName(result, &name) != CUDA_SUCCESS || !name))
    name = "unknown CUresult";
  if ((table.cuGetErrorString(result, &description) != CUDA_SUCCESS ||
       !description) &&
      (names.cuGetErrorString(result, &description) != CUDA_SUCCESS ||
       !description))
    description = "no description";
  std::string message = std::string(call) + " failed: " + name + " (" +
                        std::to_string(int(result)) + ", " + description + ")";
  // The emulator's reason (a refusal, a checker report) or why libcuda did
  // not load.
  if (std::string detail = table.lastErrorDetail(); !detail.empty())
    message += ": " + detail;
  return message;
}

namespace detail {
void releaseMemory(CUdeviceptr address) { (void)GGEMM_CU(cuMemFree(address)); }
void releaseStream(CUstream stream) { (void)GGEMM_CU(cuStreamDestroy(stream)); }
void releaseEvent(CUevent event) { (void)GGEMM_CU(cuEventDestroy(event)); }
void releaseModule(CUmodule module) { (void)GGEMM_CU(cuModuleUnload(module)); }
void releaseGraph(CUgraph graph) { (void)GGEMM_CU(cuGraphDestroy(graph)); }
void releaseGraphExec(CUgraphExec exec) { (void)GGEMM_CU(cuGraphExecDestroy(exec)); }
} // namespace detail

//===----------------------------------------------------------------------===//
// Context
//===----------------------------------------------------------------------===//

Context::Context(Context &&other) noexcept
    : dev(other.dev), ctx(std::exchange(other.ctx, nullptr)),
      deviceInfo(std::move(other.deviceInfo)) {}

Context &Context::operator=(Context &&other) noexcept {
  if (this != &other) {
    release();
    dev = other.dev;
    ctx = std::exchange(other.ctx, nullptr);
    deviceInfo = std::move(other.deviceInfo);
  }
  return *this;
}

Context::~Context() { release(); }

void Context::release() {
  if (ctx)
    (void)GGEMM_CU(cuDevicePrimaryCtxRelease(dev));
  ctx = nullptr;
}

std::string Context::create(int ordinal, Context &out) {
  out = Context();
  GGEMM_CU_CHECK(cuInit(0));
  int count = 0;
  GGEMM_CU_CHECK(cuDeviceGetCount(&count));
  if (ordinal < 0 || ordinal >= count)
    return "no CUDA device " + std::to_string(ordinal) + " (found " +
           std::to_string(count) + ")";
  CUdevice dev;
  GGEMM_CU_CHECK(cuDeviceGet(&dev, ordinal));
  // The primary context is the one the runtime API and other libraries in
  // the process share; creating a private one would isolate our memory.
  CUcontext ctx;
  GGEMM_CU_CHECK(cuDevicePrimaryCtxRetain(&ctx, dev));
  out.dev = dev;
  out.ctx = ctx; // from here on, `out` releases it on any error
  GGEMM_CU_CHECK(cuCtxSetCurrent(ctx));

  DeviceInfo &info = out.deviceInfo;
  char name[256] = {};
  GGEMM_CU_CHECK(cuDeviceGetName(name, sizeof(name) - 1, dev));
  info.name = name;
  auto attribute = [&](CUdevice_attribute which, int &value) {
    return cuError(GGEMM_CU(cuDeviceGetAttribute(&value, which, dev)),
                   "cuDeviceGetAttribute");
  };
  int l2 = 0, smem = 0;
  for (auto [which, value] :
       {std::pair{CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, &info.major},
        {CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, &info.minor},
        {CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, &info.multiprocessors},
        {CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, &l2},
        {CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, &smem}})
    if (std::string err = attribute(which, *value); !err.empty())
      return err + " for attribute " + std::to_string(int(which));
  info.l2CacheBytes = l2;
  info.maxDynamicSharedMemory = smem;
  size_t total = 0;
  GGEMM_CU_CHECK(cuDeviceTotalMem(&total, dev));
  info.totalMemoryBytes = int64_t(total);
  return "";
}

std::string Context::makeCurrent() const {
  if (!ctx)
    return "the context was not created";
  GGEMM_CU_CHECK(cuCtxSetCurrent(ctx));
  return "";
}

std::string Context::synchronize() const {
  GGEMM_CU_CHECK(cuCtxSynchronize());
  return "";
}

std::string Context::memoryInfo(size_t &freeBytes, size_t &totalBytes) const {
  GGEMM_CU_CHECK(cuMemGetInfo(&freeBytes, &totalBytes));
  return "";
}

//===----------------------------------------------------------------------===//
// Memory, streams, events
//===----------------------------------------------------------------------===//

std::string DeviceBuffer::allocate(size_t bytes, DeviceBuffer &out) {
  out = DeviceBuffer();
  CUdeviceptr address = 0;
  GGEMM_CU_CHECK_IN("allocating " + std::to_string(bytes) + " bytes",
                    cuMemAlloc(&address, bytes > 0 ? bytes : 1));
  out.memory.reset(address);
  out.bytes = bytes;
  return "";
}

/// Refuses a copy past the end of the buffer, which the driver may not
/// notice when the range lands in another allocation.
static std::string checkRange(size_t offset, size_t count, size_t size) {
  if (offset > size || count > size - offset)
    return "bytes [" + std::to_string(offset) + ", " +
           std::to_string(offset + count) + ") lie outside a buffer of " +
           std::to_string(size);
  return "";
}

std::string DeviceBuffer::upload(const void *host, size_t count,
                                 size_t offset) const {
  if (std::string err = checkRange(offset, count, bytes); !err.empty())
    return "upload: " + err;
  if (count == 0)
    return "";
  GGEMM_CU_CHECK(cuMemcpyHtoD(address() + offset, host, count));
  return "";
}

std::string DeviceBuffer::download(void *host, size_t count,
                                   size_t offset) const {
  if (std::string err = checkRange(offset, count, bytes); !err.empty())
    return "download: " + err;
  if (count == 0)
    return "";
  GGEMM_CU_CHECK(cuMemcpyDtoH(host, address() + offset, count));
  return "";
}

std::string DeviceBuffer::fill16(uint16_t value, size_t count,
                                 size_t offset) const {
  if (std::string err = checkRange(offset, 2 * count, bytes); !err.empty())
    return "fill16: " + err;
  if (offset % 2 != 0)
    return "fill16: odd byte offset " + std::to_string(offset);
  if (count == 0)
    return "";
  GGEMM_CU_CHECK(cuMemsetD16(address() + offset, value, count));
  return "";
}

std::string Stream::create(Stream &out) {
  CUstream stream;
  GGEMM_CU_CHECK(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
  out.stream.reset(stream);
  return "";
}

std::string Stream::synchronize() const {
  GGEMM_CU_CHECK(cuStreamSynchronize(get()));
  return "";
}

std::string Event::create(Event &out) {
  CUevent event;
  GGEMM_CU_CHECK(cuEventCreate(&event, CU_EVENT_DEFAULT));
  out.event.reset(event);
  return "";
}

std::string Event::record(CUstream stream) const {
  GGEMM_CU_CHECK(cuEventRecord(get(), stream));
  return "";
}

std::string Event::elapsedMs(const Event &start, const Event &stop, float &ms) {
  GGEMM_CU_CHECK(cuEventElapsedTime(&ms, start.get(), stop.get()));
  return "";
}

//===----------------------------------------------------------------------===//
// Delay
//===----------------------------------------------------------------------===//

/// Spins until %globaltimer (nanoseconds) has advanced by the parameter.
/// PTX ISA 6.0 for sm_50 JIT-compiles on every GPU the driver supports.
static const char kDelayPtx[] = R"ptx(
.version 6.0
.target sm_50
.address_size 64

.visible .entry ggemm_delay(.param .u64 ggemm_delay_ns)
{
  .reg .pred %p;
  .reg .b64 %ns, %start, %now, %elapsed;
  ld.param.u64 %ns, [ggemm_delay_ns];
  mov.u64 %start, %globaltimer;
SPIN:
  mov.u64 %now, %globaltimer;
  sub.u64 %elapsed, %now, %start;
  setp.lt.u64 %p, %elapsed, %ns;
  @%p bra SPIN;
  ret;
}
)ptx";

std::string Delay::create(Delay &out) {
  out = Delay();
  CUmodule module;
  GGEMM_CU_CHECK_IN("the delay kernel (PTX)",
                    cuModuleLoadData(&module, kDelayPtx));
  out.module.reset(module);
  GGEMM_CU_CHECK(cuModuleGetFunction(&out.fn, module, "ggemm_delay"));
  return "";
}

std::string Delay::enqueue(CUstream stream, uint64_t nanoseconds) const {
  if (!fn)
    return "delay: not created";
  void *args[] = {&nanoseconds};
  GGEMM_CU_CHECK(
      cuLaunchKernel(fn, 1, 1, 1, 1, 1, 1, 0, stream, args, nullptr));
  return "";
}

} // namespace ggemm::rt
