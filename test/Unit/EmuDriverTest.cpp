//===- EmuDriverTest.cpp - the emulated driver entries libGGemmMGPUEmu uses -===//
//
// The functions of the emulated driver table (rt::emuDriver()) that
// libGGemmMGPUEmu calls beyond what the runtime itself uses: the context
// stack, cuMemAllocManaged (a host-mapped allocation of the emulator),
// host registration, unified copies (cuMemcpy, cuMemcpyAsync: each side
// device memory if it lies in an emulated allocation, else host memory),
// cuStreamWaitEvent and cuModuleLoadDataEx; the opt-in limit of dynamic
// shared memory. And every member of the table is filled in.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Runtime/Driver.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

using ggemm::rt::emuDriver;

namespace {

#define EXPECT_CU(call) EXPECT_EQ((call), CUDA_SUCCESS) << emuDriver().lastErrorDetail()
#define ASSERT_CU(call) ASSERT_EQ((call), CUDA_SUCCESS) << emuDriver().lastErrorDetail()

/// The emulated driver, initialized.
const ggemm::rt::Driver &drv() {
  const ggemm::rt::Driver &d = emuDriver();
  EXPECT_EQ(d.cuInit(0), CUDA_SUCCESS);
  return d;
}

TEST(EmuDriver, EveryEntryIsFilledIn) {
  const ggemm::rt::Driver &d = emuDriver();
  std::vector<std::string> missing;
#define GGEMM_CHECK_MEMBER(name)                                               \
  if (!d.name)                                                                 \
    missing.push_back(#name);
  GGEMM_DRIVER_FUNCTIONS(GGEMM_CHECK_MEMBER)
#undef GGEMM_CHECK_MEMBER
  EXPECT_TRUE(missing.empty()) << missing.front();
  EXPECT_NE(d.lastErrorDetail, nullptr);
}

TEST(EmuDriver, ContextStack) {
  const ggemm::rt::Driver &d = drv();
  CUcontext primary = nullptr, current = nullptr, popped = nullptr;
  ASSERT_CU(d.cuDevicePrimaryCtxRetain(&primary, 0));
  EXPECT_CU(d.cuCtxGetCurrent(&current));
  EXPECT_EQ(current, primary); // the one context is current everywhere
  CUdevice device = -1;
  EXPECT_CU(d.cuCtxGetDevice(&device));
  EXPECT_EQ(device, 0);
  EXPECT_CU(d.cuCtxPushCurrent(primary));
  EXPECT_CU(d.cuCtxPushCurrent(primary));
  EXPECT_CU(d.cuCtxPopCurrent(&popped));
  EXPECT_EQ(popped, primary);
  EXPECT_CU(d.cuCtxPopCurrent(nullptr));
  // Nothing left to pop; no other context to push.
  EXPECT_EQ(d.cuCtxPopCurrent(&popped), CUDA_ERROR_INVALID_CONTEXT);
  EXPECT_NE(d.lastErrorDetail().find("no context was pushed"),
            std::string::npos);
  int other = 0;
  EXPECT_EQ(d.cuCtxPushCurrent(reinterpret_cast<CUcontext>(&other)),
            CUDA_ERROR_INVALID_CONTEXT);
}

TEST(EmuDriver, ManagedMemoryAndUnifiedCopies) {
  const ggemm::rt::Driver &d = drv();
  const size_t n = 1000;
  CUdeviceptr managed = 0, device = 0;
  ASSERT_CU(d.cuMemAllocManaged(&managed, n * 4, CU_MEM_ATTACH_GLOBAL));
  ASSERT_CU(d.cuMemAlloc(&device, n * 4));
  auto *host = reinterpret_cast<uint32_t *>(managed);
  // Zero-filled, and the driver's writes are the host's reads.
  EXPECT_EQ(host[0], 0u);
  EXPECT_EQ(host[n - 1], 0u);
  ASSERT_CU(d.cuMemsetD32(managed, 0x01020304u, n));
  EXPECT_EQ(host[n - 1], 0x01020304u);
  // host -> managed (a host write, seen through the pointer) -> device ->
  // host, by unified copies; and host -> host.
  std::vector<uint32_t> in(n), out(n, 0), plain(n, 0);
  for (size_t i = 0; i < n; ++i)
    in[i] = uint32_t(i * 2654435761u);
  ASSERT_CU(d.cuMemcpy(managed, CUdeviceptr(in.data()), n * 4));
  EXPECT_EQ(host[7], in[7]);
  ASSERT_CU(d.cuMemcpyAsync(device, managed, n * 4, nullptr));
  ASSERT_CU(d.cuMemcpyAsync(CUdeviceptr(out.data()), device, n * 4, nullptr));
  EXPECT_EQ(out, in);
  ASSERT_CU(d.cuMemcpy(CUdeviceptr(plain.data()), CUdeviceptr(in.data()),
                       n * 4));
  EXPECT_EQ(plain, in);
  // A device range that runs past its allocation is refused.
  EXPECT_EQ(d.cuMemcpy(CUdeviceptr(out.data()), device + 4, n * 4),
            CUDA_ERROR_INVALID_VALUE);
  EXPECT_EQ(d.cuMemAllocManaged(&managed, 16, 0x7), CUDA_ERROR_INVALID_VALUE);
  EXPECT_CU(d.cuMemFree(CUdeviceptr(host)));
  EXPECT_CU(d.cuMemFree(device));
  // Page-locking host memory changes nothing on the emulator.
  EXPECT_CU(d.cuMemHostRegister(in.data(), n * 4, 0));
  EXPECT_CU(d.cuMemHostUnregister(in.data()));
}

TEST(EmuDriver, StreamWaitEventAndModuleLoadDataEx) {
  const ggemm::rt::Driver &d = drv();
  CUstream stream = nullptr;
  CUevent event = nullptr;
  ASSERT_CU(d.cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
  ASSERT_CU(d.cuEventCreate(&event, CU_EVENT_DISABLE_TIMING));
  EXPECT_CU(d.cuEventRecord(event, stream));
  EXPECT_CU(d.cuStreamWaitEvent(stream, event, 0));
  EXPECT_CU(d.cuEventDestroy(event));
  EXPECT_CU(d.cuStreamDestroy(stream));
  // The JIT options ask nothing of the emulator; a cubin is refused, with
  // the reason.
  const char *ptx = ".version 8.0\n.target sm_90a\n.address_size 64\n"
                    ".visible .entry k()\n{\n  ret;\n}\n";
  char log[64] = {0};
  CUjit_option options[] = {CU_JIT_OPTIMIZATION_LEVEL, CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {reinterpret_cast<void *>(intptr_t(3)), log,
                    reinterpret_cast<void *>(intptr_t(sizeof(log)))};
  CUmodule module = nullptr;
  ASSERT_CU(d.cuModuleLoadDataEx(&module, ptx, 3, options, values));
  CUfunction function = nullptr;
  EXPECT_CU(d.cuModuleGetFunction(&function, module, "k"));
  EXPECT_CU(d.cuModuleUnload(module));
  const char elf[] = "\x7f" "ELF and more";
  EXPECT_EQ(d.cuModuleLoadDataEx(&module, elf, 0, nullptr, nullptr),
            CUDA_ERROR_INVALID_IMAGE);
  EXPECT_NE(d.lastErrorDetail().find("format=isa"), std::string::npos);
}

// The opt-in limit of dynamic shared memory counts static shared memory,
// and the 1-byte base symbol that MLIR's gpu.dynamic_shared_memory lowers
// to is static for ptxas: an H100 refuses 227 KiB of dynamic shared memory
// for such a kernel (2026-12-06), and so does the emulator.
TEST(EmuDriver, DynamicSharedMemoryLimitCountsTheBaseSymbol) {
  const ggemm::rt::Driver &d = drv();
  auto load = [&](const char *ptx, CUmodule &module) {
    CUfunction function = nullptr;
    EXPECT_CU(d.cuModuleLoadDataEx(&module, ptx, 0, nullptr, nullptr));
    EXPECT_CU(d.cuModuleGetFunction(&function, module, "k"));
    return function;
  };
  const char *sized = ".version 8.0\n.target sm_90a\n.address_size 64\n"
                      ".visible .entry k()\n{\n"
                      "  .shared .align 16 .b8 __dynamic_shmem__0;\n"
                      "  ret;\n}\n";
  const char *unsized = ".version 8.0\n.target sm_90a\n.address_size 64\n"
                        ".extern .shared .align 16 .b8 smem[];\n"
                        ".visible .entry k()\n{\n  ret;\n}\n";
  const int optIn = 227 * 1024;
  CUmodule module = nullptr;
  CUfunction withBase = load(sized, module);
  EXPECT_EQ(d.cuFuncSetAttribute(withBase,
                                 CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                 optIn),
            CUDA_ERROR_INVALID_VALUE);
  EXPECT_NE(d.lastErrorDetail().find("plus 16 static"), std::string::npos)
      << d.lastErrorDetail();
  EXPECT_CU(d.cuFuncSetAttribute(
      withBase, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, optIn - 16));
  EXPECT_CU(d.cuModuleUnload(module));
  CUfunction external = load(unsized, module);
  EXPECT_CU(d.cuFuncSetAttribute(
      external, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, optIn));
  EXPECT_CU(d.cuModuleUnload(module));
}

} // namespace
