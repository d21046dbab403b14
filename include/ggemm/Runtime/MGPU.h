/*===- MGPU.h - the GPU runtime ABI of upstream MLIR lowerings ----*- C -*-===*\
|*                                                                            *|
|* The entry points that MLIR 22's host lowerings call (gpu-to-llvm, the LLVM *|
|* IR translation of gpu.binary / gpu.launch_func, convert-nvgpu-to-nvvm),    *|
|* as libGGemmMGPU implements them on the CUDA driver API, and                *|
|* libGGemmMGPUEmu on the PTX emulator (kernels as PTX). Pointers are         *|
|* opaque driver handles (CUmodule, CUfunction, CUstream, CUevent) or device  *|
|* addresses. docs/aot-host.md says which op calls which.                     *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef GGEMM_RUNTIME_MGPU_H
#define GGEMM_RUNTIME_MGPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Not part of the upstream ABI: the number of failed driver calls (and
 * misuses) reported on stderr so far. The ABI's entry points return no
 * errors, so a host program checks this after its GPU work. */
int64_t ggemmMgpuErrorCount(void);

void mgpuSetDefaultDevice(int32_t device);

/* gpu.binary (LLVM IR translation): cubin / PTX, load once, unload. */
void *mgpuModuleLoad(void *data, size_t size);
void *mgpuModuleLoadJIT(void *data, int optLevel);
void mgpuModuleUnload(void *module);
void *mgpuModuleGetFunction(void *module, const char *name);
/* gpu.launch_func; dynamic shared memory above 48 KiB is opted into. */
void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smem, void *stream,
                      void **params, void **extra, size_t paramsCount);
void mgpuLaunchClusterKernel(void *function, intptr_t clusterX,
                             intptr_t clusterY, intptr_t clusterZ,
                             intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                             intptr_t blockX, intptr_t blockY, intptr_t blockZ,
                             int32_t smem, void *stream, void **params,
                             void **extra);

/* gpu.wait and async tokens. */
void *mgpuStreamCreate(void);
void mgpuStreamDestroy(void *stream);
void mgpuStreamSynchronize(void *stream);
void mgpuStreamWaitEvent(void *stream, void *event);
void *mgpuEventCreate(void);
void mgpuEventDestroy(void *event);
void mgpuEventSynchronize(void *event);
void mgpuEventRecord(void *event, void *stream);

/* gpu.alloc, gpu.dealloc, gpu.memcpy, gpu.memset, gpu.host_register. */
void *mgpuMemAlloc(uint64_t bytes, void *stream, bool isHostShared);
void mgpuMemFree(void *ptr, void *stream);
void mgpuMemcpy(void *dst, void *src, size_t bytes, void *stream);
void mgpuMemset16(void *dst, unsigned short value, size_t count, void *stream);
void mgpuMemset32(void *dst, unsigned int value, size_t count, void *stream);
void mgpuMemHostRegister(void *ptr, uint64_t bytes);
void mgpuMemHostUnregister(void *ptr);
void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                               int64_t elementBytes);
void mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                                 int64_t elementBytes);

/* nvgpu.tma.create.descriptor: encodes a tiled tensor map over the ranked
 * memref `descriptor` (outermost dimension first, as `boxDims`) and returns
 * the device address of a copy of it (128 bytes, from cuMemAlloc: free it
 * with mgpuMemFree). */
void *mgpuTensorMapEncodeTiledMemref(int64_t rank, void *descriptor,
                                     int64_t dataType, int64_t interleave,
                                     int64_t swizzle, int64_t l2Promotion,
                                     int64_t oobFill, int64_t *boxDims);

/* ggemm-lower-launch's host code (docs/aot-host.md): encodes the rank-2
 * byte tensor map of ggemm's kernels (CU_TENSOR_MAP_DATA_TYPE_UINT8, dims
 * {rowBytes, rows}, stride {rowStride}, box {boxBytes, boxRows}, element
 * strides 1, no interleave, 128B swizzle if `swizzle128B` else none, L2
 * promotion 128B, zero out-of-bounds fill; docs/kernel-abi.md) over
 * `address` into the 128 bytes at `map` (host memory, 64-byte aligned).
 * Host work only: no allocation, copy or stream. Returns 0, or the
 * CUresult of the failed call after printing why to stderr. */
int32_t ggemmTensorMapEncode(void *map, void *address, int64_t rowBytes,
                             int64_t rows, int64_t rowStride, int64_t boxBytes,
                             int64_t boxRows, int32_t swizzle128B);

#ifdef __cplusplus
}
#endif

#endif /* GGEMM_RUNTIME_MGPU_H */
