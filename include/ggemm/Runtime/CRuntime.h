/*===- CRuntime.h - the runtime's C ABI, for ctypes and C callers -*- C -*-===*\
|*                                                                            *|
|* What a framework needs to launch ggemm kernels from their manifests       *|
|* without C++ (libGGemmRuntimeC.so; Python's ctypes loads it): load a      *|
|* kernel, ask its workspace size, and launch it on the caller's stream and *|
|* workspace with rt::enqueueOnStream (docs/kernel-abi.md, "On a caller's    *|
|* stream": nothing allocated, copied or waited for per launch). A few      *|
|* memory helpers serve callers without a framework (tests, tools).         *|
|*                                                                            *|
|* Every function returns 0 on success, else -1 with the reason in          *|
|* ggemm_rt_last_error() (per thread, until the next failure).              *|
|* Addresses are device addresses (CUdeviceptr) as uint64_t; a stream is a  *|
|* CUstream (NULL: the legacy default stream).                              *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef GGEMM_RUNTIME_CRUNTIME_H
#define GGEMM_RUNTIME_CRUNTIME_H

#include <stddef.h>
#include <stdint.h>

#if defined(GGEMM_RT_C_EXPORT)
#define GGEMM_RT_API __attribute__((visibility("default")))
#else
#define GGEMM_RT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ggemm_rt_kernel ggemm_rt_kernel;

/* "gpu" (libcuda, the default) or "emu" (the PTX emulator); before any
 * other call. */
GGEMM_RT_API int ggemm_rt_select_device(const char *name);

/* Loads the kernel of the manifest at `path` (its cubin or PTX beside it)
 * on device 0, whose primary context becomes current on this thread. */
GGEMM_RT_API int ggemm_rt_kernel_load(const char *path, ggemm_rt_kernel **out);
GGEMM_RT_API void ggemm_rt_kernel_free(ggemm_rt_kernel *kernel);

/* Bytes of the workspace ggemm_rt_launch takes (64-byte aligned memory). */
GGEMM_RT_API int64_t ggemm_rt_workspace_bytes(const ggemm_rt_kernel *kernel);

/* Enqueues the kernel on `stream`. `sets` addresses each of A, B, SFA,
 * SFB and C (one per group in list form, else 1); `row_array` the device
 * int32 array of the layout (sizes, offsets or counts; 0 in list form);
 * `alpha` the device float array (0 if the kernel takes none); `rows` the
 * rows of the one A / SFA / C (contiguous, offsets; 0 otherwise). */
GGEMM_RT_API int ggemm_rt_launch(const ggemm_rt_kernel *kernel, void *stream,
                                 uint64_t workspace, int64_t sets,
                                 const uint64_t *a, const uint64_t *b,
                                 const uint64_t *sfa, const uint64_t *sfb,
                                 const uint64_t *c, uint64_t row_array,
                                 uint64_t alpha, int64_t rows);

/* Bytes of the token workspace of a kernel that decodes its tokens (its
 * manifest has "tokens": compiled with predecode=1) for `rows` rows of the
 * one A (contiguous, offsets; 0 otherwise); 0 for other kernels. */
GGEMM_RT_API int64_t
ggemm_rt_token_workspace_bytes(const ggemm_rt_kernel *kernel, int64_t rows);

/* ggemm_rt_launch for a kernel that decodes its tokens: its decode kernel
 * fills `token_workspace` (256-byte aligned, `token_workspace_size` bytes,
 * at least ggemm_rt_token_workspace_bytes of the same rows) on `stream`
 * before the kernel, at every launch. Other kernels ignore it. */
GGEMM_RT_API int ggemm_rt_launch_decoded(
    const ggemm_rt_kernel *kernel, void *stream, uint64_t workspace,
    uint64_t token_workspace, int64_t token_workspace_size, int64_t sets,
    const uint64_t *a, const uint64_t *b, const uint64_t *sfa,
    const uint64_t *sfb, const uint64_t *c, uint64_t row_array, uint64_t alpha,
    int64_t rows);

/* ggemm_rt_launch for a kernel of rows "gathered" (one operand set): A and
 * SFA are the token matrix of `token_rows` (T) rows, C and `row_indices`
 * (the device int32 array of each routed row's token row) have `rows` (R)
 * rows, `row_array` holds the offsets over the routed rows. */
GGEMM_RT_API int ggemm_rt_launch_gathered(
    const ggemm_rt_kernel *kernel, void *stream, uint64_t workspace,
    uint64_t a, uint64_t b, uint64_t sfa, uint64_t sfb, uint64_t c,
    uint64_t row_array, uint64_t alpha, int64_t rows, uint64_t row_indices,
    int64_t token_rows);

/* The error flags of the last launch into `workspace` (synchronous). */
GGEMM_RT_API int ggemm_rt_error_flags(uint64_t workspace, int32_t *flags);

/* Memory helpers (synchronous). */
GGEMM_RT_API int ggemm_rt_alloc(size_t bytes, uint64_t *out);
GGEMM_RT_API int ggemm_rt_free(uint64_t address);
GGEMM_RT_API int ggemm_rt_upload(uint64_t dst, const void *src, size_t bytes);
GGEMM_RT_API int ggemm_rt_download(void *dst, uint64_t src, size_t bytes);
GGEMM_RT_API int ggemm_rt_synchronize(void);

/* The reason of this thread's last failure ("" if none). */
GGEMM_RT_API const char *ggemm_rt_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* GGEMM_RUNTIME_CRUNTIME_H */
