//===- CRuntime.cpp - the runtime's C ABI ---------------------------------===//
//
// include/ggemm/Runtime/CRuntime.h over the C++ runtime: one process-wide
// context (device 0), kernels loaded from manifests, launches through
// rt::enqueueOnStream.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Runtime/CRuntime.h"

#include "ggemm/Runtime/Driver.h"
#include "ggemm/Runtime/Runtime.h"

#include <memory>
#include <mutex>
#include <string>

namespace rt = ggemm::rt;

struct ggemm_rt_kernel {
  rt::Kernel kernel;
};

namespace {

thread_local std::string lastError;

int fail(const std::string &message) {
  lastError = message;
  return -1;
}

/// The process's context on device 0, made once and current on every
/// thread that asks.
std::string context(const rt::Context *&out) {
  static std::mutex mutex;
  static std::unique_ptr<rt::Context> shared;
  std::lock_guard<std::mutex> lock(mutex);
  if (!shared) {
    auto made = std::make_unique<rt::Context>();
    if (std::string err = rt::Context::create(0, *made); !err.empty())
      return err;
    shared = std::move(made);
  }
  out = shared.get();
  return shared->makeCurrent();
}

/// A call of the driver table, its failure as a message.
std::string cu(CUresult result, const char *what) {
  return rt::cuError(result, what);
}

} // namespace

extern "C" {

int ggemm_rt_select_device(const char *name) {
  if (!name)
    return fail("ggemm_rt_select_device: no name");
  if (std::string err = rt::selectDevice(name); !err.empty())
    return fail(err);
  return 0;
}

int ggemm_rt_kernel_load(const char *path, ggemm_rt_kernel **out) {
  if (!path || !out)
    return fail("ggemm_rt_kernel_load: null argument");
  *out = nullptr;
  const rt::Context *ctx = nullptr;
  if (std::string err = context(ctx); !err.empty())
    return fail(err);
  rt::Manifest manifest;
  if (std::string err = rt::readManifest(path, manifest); !err.empty())
    return fail(err);
  auto kernel = std::make_unique<ggemm_rt_kernel>();
  if (std::string err =
          rt::Kernel::load(*ctx, std::move(manifest), kernel->kernel);
      !err.empty())
    return fail(err);
  *out = kernel.release();
  return 0;
}

void ggemm_rt_kernel_free(ggemm_rt_kernel *kernel) { delete kernel; }

int64_t ggemm_rt_workspace_bytes(const ggemm_rt_kernel *kernel) {
  return kernel ? rt::streamWorkspaceBytes(kernel->kernel.manifest()) : 0;
}

int64_t ggemm_rt_token_workspace_bytes(const ggemm_rt_kernel *kernel,
                                       int64_t rows) {
  return kernel ? rt::tokenWorkspaceBytes(kernel->kernel.manifest(), rows) : 0;
}

/// ggemm_rt_launch and ggemm_rt_launch_decoded (`name`).
static int launchSets(const char *name, const ggemm_rt_kernel *kernel,
                      void *stream, uint64_t workspace, uint64_t tokenWorkspace,
                      int64_t tokenWorkspaceSize, int64_t sets,
                      const uint64_t *a, const uint64_t *b, const uint64_t *sfa,
                      const uint64_t *sfb, const uint64_t *c, uint64_t rowArray,
                      uint64_t alpha, int64_t rows) {
  std::string where = name;
  if (!kernel || sets < 1 || !a || !b || !sfa || !sfb || !c)
    return fail(where + ": null kernel or operand array, or sets < 1");
  const rt::Manifest &manifest = kernel->kernel.manifest();
  if (manifest.gathered())
    return fail(where + ": the kernel's rows are \"gathered\": it "
                        "takes row indices and token rows "
                        "(ggemm_rt_launch_gathered)");
  if (manifest.decodesTokens() && !tokenWorkspace)
    return fail(where + ": the kernel decodes its tokens (" +
                manifest.tokens.kernel +
                "): it takes a token workspace (ggemm_rt_launch_decoded, "
                "ggemm_rt_token_workspace_bytes)");
  rt::Operands operands;
  operands.tokenWorkspace = tokenWorkspace;
  operands.tokenWorkspaceSize = tokenWorkspaceSize;
  operands.a.assign(a, a + sets);
  operands.b.assign(b, b + sets);
  operands.sfa.assign(sfa, sfa + sets);
  operands.sfb.assign(sfb, sfb + sets);
  operands.c.assign(c, c + sets);
  operands.groupSizes = rowArray;
  operands.alpha = alpha;
  operands.contiguousRows = rows;
  if (std::string err = rt::enqueueOnStream(
          kernel->kernel, operands, static_cast<CUstream>(stream), workspace);
      !err.empty())
    return fail(err);
  return 0;
}

int ggemm_rt_launch(const ggemm_rt_kernel *kernel, void *stream,
                    uint64_t workspace, int64_t sets, const uint64_t *a,
                    const uint64_t *b, const uint64_t *sfa, const uint64_t *sfb,
                    const uint64_t *c, uint64_t rowArray, uint64_t alpha,
                    int64_t rows) {
  return launchSets("ggemm_rt_launch", kernel, stream, workspace, 0, 0, sets, a,
                    b, sfa, sfb, c, rowArray, alpha, rows);
}

int ggemm_rt_launch_decoded(const ggemm_rt_kernel *kernel, void *stream,
                            uint64_t workspace, uint64_t tokenWorkspace,
                            int64_t tokenWorkspaceSize, int64_t sets,
                            const uint64_t *a, const uint64_t *b,
                            const uint64_t *sfa, const uint64_t *sfb,
                            const uint64_t *c, uint64_t rowArray,
                            uint64_t alpha, int64_t rows) {
  return launchSets("ggemm_rt_launch_decoded", kernel, stream, workspace,
                    tokenWorkspace, tokenWorkspaceSize, sets, a, b, sfa, sfb, c,
                    rowArray, alpha, rows);
}

int ggemm_rt_launch_gathered(const ggemm_rt_kernel *kernel, void *stream,
                             uint64_t workspace, uint64_t a, uint64_t b,
                             uint64_t sfa, uint64_t sfb, uint64_t c,
                             uint64_t rowArray, uint64_t alpha, int64_t rows,
                             uint64_t rowIndices, int64_t tokenRows) {
  if (!kernel)
    return fail("ggemm_rt_launch_gathered: null kernel");
  if (!kernel->kernel.manifest().gathered())
    return fail(std::string("ggemm_rt_launch_gathered: the kernel's rows "
                            "are \"") +
                rt::rowsFormName(kernel->kernel.manifest().rows) +
                "\" (use ggemm_rt_launch)");
  rt::Operands operands;
  operands.a = {a};
  operands.b = {b};
  operands.sfa = {sfa};
  operands.sfb = {sfb};
  operands.c = {c};
  operands.groupSizes = rowArray;
  operands.alpha = alpha;
  operands.contiguousRows = rows;
  operands.rowIndices = rowIndices;
  operands.tokenRows = tokenRows;
  if (std::string err = rt::enqueueOnStream(
          kernel->kernel, operands, static_cast<CUstream>(stream), workspace);
      !err.empty())
    return fail(err);
  return 0;
}

int ggemm_rt_error_flags(uint64_t workspace, int32_t *flags) {
  if (!flags)
    return fail("ggemm_rt_error_flags: null flags");
  if (std::string err = rt::streamErrorFlags(workspace, *flags); !err.empty())
    return fail(err);
  return 0;
}

int ggemm_rt_alloc(size_t bytes, uint64_t *out) {
  const rt::Context *ctx = nullptr;
  if (std::string err = context(ctx); !err.empty())
    return fail(err);
  CUdeviceptr ptr = 0;
  if (std::string err =
          cu(GGEMM_CU(cuMemAlloc(&ptr, bytes ? bytes : 1)), "cuMemAlloc");
      !err.empty())
    return fail(err);
  *out = ptr;
  return 0;
}

int ggemm_rt_free(uint64_t address) {
  if (std::string err = cu(GGEMM_CU(cuMemFree(address)), "cuMemFree");
      !err.empty())
    return fail(err);
  return 0;
}

int ggemm_rt_upload(uint64_t dst, const void *src, size_t bytes) {
  if (std::string err =
          cu(GGEMM_CU(cuMemcpyHtoD(dst, src, bytes)), "cuMemcpyHtoD");
      !err.empty())
    return fail(err);
  return 0;
}

int ggemm_rt_download(void *dst, uint64_t src, size_t bytes) {
  if (std::string err =
          cu(GGEMM_CU(cuMemcpyDtoH(dst, src, bytes)), "cuMemcpyDtoH");
      !err.empty())
    return fail(err);
  return 0;
}

int ggemm_rt_synchronize(void) {
  const rt::Context *ctx = nullptr;
  if (std::string err = context(ctx); !err.empty())
    return fail(err);
  if (std::string err = ctx->synchronize(); !err.empty())
    return fail(err);
  return 0;
}

const char *ggemm_rt_last_error(void) { return lastError.c_str(); }

} // extern "C"
