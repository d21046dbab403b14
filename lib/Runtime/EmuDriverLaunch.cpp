//===- EmuDriverLaunch.cpp - the emu driver: launches, graphs -------------===//
//
// The "emu" device's kernel launches (checked as the driver checks them,
// then run at once or recorded on a capturing stream) and graphs, which
// replay the launches captured on a stream (see EmuDriverImpl.h).
//
//===----------------------------------------------------------------------===//

#include "EmuDriverImpl.h"

#include <algorithm>
#include <cstring>

using ggemm::emu::LaunchConfig;

namespace ggemm::rt::emudrv {

namespace {

//--- Launches -------------------------------------------------------------//

/// How many CTAs of `threads` threads and `sharedBytes` bytes of shared
/// memory (static + dynamic) one SM of the emulated device holds at once:
/// threads are allocated per warp, 2048 per SM; shared memory 228 KiB per
/// SM, each CTA taking 1 KiB more for the system; at most 32 CTAs.
/// (Registers are not modelled: the emulator does not allocate them.)
uint64_t ctasPerMultiprocessor(uint64_t threads, uint64_t sharedBytes) {
  uint64_t warps = (threads + 31) / 32;
  uint64_t byThreads = kThreadsPerMultiprocessor / (warps * 32);
  uint64_t byShared =
      kSharedPerMultiprocessor / (sharedBytes + kSharedReservedPerBlock);
  return std::min<uint64_t>({byThreads, byShared, kBlocksPerMultiprocessor});
}

/// A cooperative launch needs every CTA resident at once: the driver
/// refuses a grid larger than SMs * CTAs per SM.
CUresult checkCooperative(CUfunction function, const LaunchConfig &config,
                          uint64_t threads) {
  uint64_t ctas = uint64_t(config.grid[0]) * config.grid[1] * config.grid[2];
  uint64_t shared =
      uint64_t(function->info.staticSharedBytes) + config.dynamicSharedBytes;
  uint64_t perSm = ctasPerMultiprocessor(threads, shared);
  uint64_t fit = perSm * uint64_t(function->multiprocessors);
  if (ctas <= fit)
    return CUDA_SUCCESS;
  return refuse(CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE,
                "a cooperative grid of " + std::to_string(ctas) +
                    " CTAs does not fit on the device at once: at most " +
                    std::to_string(perSm) + " CTAs per SM (" +
                    std::to_string(threads) + " threads and " +
                    std::to_string(shared) +
                    " bytes of shared memory each) on " +
                    std::to_string(function->multiprocessors) + " SMs, " +
                    std::to_string(fit) + " CTAs");
}

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
  if (config.cooperative)
    if (CUresult r = checkCooperative(function, config, threads))
      return r;
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

} // namespace

void addLaunchEntries(Driver &t) {
  t.cuLaunchKernel = emuLaunchKernel;
  t.cuLaunchKernelEx = emuLaunchKernelEx;
  t.cuStreamBeginCapture = emuStreamBeginCapture;
  t.cuStreamEndCapture = emuStreamEndCapture;
  t.cuGraphInstantiate = emuGraphInstantiate;
  t.cuGraphLaunch = emuGraphLaunch;
  t.cuGraphDestroy = emuGraphDestroy;
  t.cuGraphExecDestroy = emuGraphExecDestroy;
}

} // namespace ggemm::rt::emudrv
