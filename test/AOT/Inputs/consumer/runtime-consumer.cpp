// A C++ program against the installed runtime package: one call into each
// installed library (AOT/install-runtime.test). `runtime-consumer gpu|emu`
// picks the runtime's device; the mgpu* library always uses the driver.
#include "ggemm/Runtime/MGPU.h"
#include "ggemm/Runtime/Runtime.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace rt = ggemm::rt;

int main(int argc, char **argv) {
  std::string device = argc > 1 ? argv[1] : "gpu";

  // GGemmRuntimeManifest: parsing needs no driver.
  rt::Manifest manifest;
  std::string err = rt::parseManifest("{\"format\": \"ggemm-manifest-0\"}",
                                      ".", manifest);
  std::printf("parse: %s\n", err.c_str());

  // GGemmRuntime, through libcuda.so.1 (gpu) or GGemmEmulator (emu).
  if (err = rt::selectDevice(device); !err.empty()) {
    std::printf("device: %s\n", err.c_str());
    return 1;
  }
  rt::Context context;
  if (err = rt::Context::create(0, context); !err.empty()) {
    std::printf("runtime (%s): %s\n", rt::selectedDevice(), err.c_str());
  } else {
    const rt::DeviceInfo &info = context.info();
    std::printf("runtime (%s): %s, sm_%d%d, %d SMs\n", rt::selectedDevice(),
                info.name.c_str(), info.major, info.minor,
                info.multiprocessors);
    rt::DeviceBuffer buffer;
    uint32_t in = 0x600dcafe, out = 0;
    if (err = rt::DeviceBuffer::allocate(sizeof(in), buffer); err.empty())
      err = buffer.upload(&in, sizeof(in));
    if (err.empty())
      err = buffer.download(&out, sizeof(out));
    std::printf("round trip: %s%08x\n", err.c_str(), out);
  }

  // GGemmMGPU, on the CUDA driver (which reports its errors on stderr:
  // print what came before first).
  std::fflush(stdout);
  int64_t before = ggemmMgpuErrorCount();
  void *p = mgpuMemAlloc(16, nullptr, false);
  std::printf("mgpu: errors before %lld, after %lld, pointer %s\n",
              (long long)before, (long long)ggemmMgpuErrorCount(),
              p ? "set" : "null");
  if (p)
    mgpuMemFree(p, nullptr);
  return 0;
}
