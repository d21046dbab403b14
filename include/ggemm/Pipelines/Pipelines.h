//===- Pipelines.h - ggemm pass pipelines -----------------------*- C++ -*-===//
//
// Named pass pipelines: each an options struct, a build function and a
// registration, as in upstream GPUToNVVMPipeline.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_PIPELINES_PIPELINES_H
#define GGEMM_PIPELINES_PIPELINES_H

#include "ggemm/Target/TargetInfo.h"
#include "ggemm/Transforms/PredecodeOption.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::ggemm {

/// `ggemm-cpu-pipeline`: ggemm ops -> loops -> LLVM dialect, ready for
/// translation to LLVM IR and execution on the host (the CPU oracle).
struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {};

void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

/// `ggemm-pipeline`: ggemm ops -> one persistent kernel per function ->
/// gpu.binary (upstream gpu-module-to-binary), optionally exported with its
/// manifest for the CUDA-driver runtime.
struct GPUPipelineOptions : public PassPipelineOptions<GPUPipelineOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip", llvm::cl::desc("target chip: sm_90a or sm_100a"),
      llvm::cl::init(stringifyChip(kDefaultChip).str())};
  /// What the kernels become: bin (cubin) or isa (PTX). An enum, so an
  /// unknown value is refused when the options are parsed, by name.
  enum class Format { bin, isa };
  PassOptions::Option<Format> format{
      *this, "format", llvm::cl::desc("bin (cubin) or isa (PTX)"),
      llvm::cl::init(Format::bin),
      llvm::cl::values(clEnumValN(Format::bin, "bin", "a cubin (ptxas)"),
                       clEnumValN(Format::isa, "isa", "PTX"))};
  PassOptions::Option<std::string> outDir{
      *this, "out-dir",
      llvm::cl::desc("write <func>.cubin/.ptx and <func>.json here")};
  PassOptions::Option<int64_t> tileM{
      *this, "tile-m",
      llvm::cl::desc("token rows (rows of A) per tile (0, the default: "
                     "chosen by the chip's cost model)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> tileN{*this, "tile-n",
                                     llvm::cl::desc("output columns per tile"),
                                     llvm::cl::init(128)};
  PassOptions::Option<int64_t> tileK{*this, "tile-k",
                                     llvm::cl::desc("K elements per stage"),
                                     llvm::cl::init(256)};
  PassOptions::Option<int64_t> stages{
      *this, "stages",
      llvm::cl::desc("pipeline stages (0, the default: chosen by the chip's "
                     "cost model)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> rowsHint{
      *this, "rows-hint",
      llvm::cl::desc("rows per group the cost model assumes where M is "
                     "dynamic (0: rows of A / groups if static, else 128)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> prefetchDistance{
      *this, "prefetch-distance",
      llvm::cl::desc("K tiles of the next tile to prefetch into L2 "
                     "(ggemm-insert-tma-prefetch; 0, the default: the pass "
                     "is not run; bench/RESULTS.md has the measurement)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> grid{
      *this, "grid",
      llvm::cl::desc("persistent CTAs (0: the SM count; more keeps "
                     "ceil(grid / SMs) resident on each SM)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> splitK{
      *this, "split-k",
      llvm::cl::desc("CTAs sharing the K loop of an output tile "
                     "(ggemm-split-k; 1, the default: no split; 0: its cost "
                     "rule)"),
      llvm::cl::init(1)};
  PassOptions::Option<std::string> raster{
      *this, "raster",
      llvm::cl::desc("tile order inside a group (ggemm-tile): along_m (CTAs "
                     "running together share a weight tile) or along_n "
                     "(they share a token tile)"),
      llvm::cl::init("along_m")};
  PassOptions::Option<PredecodeMode> predecode{
      *this, "predecode",
      llvm::cl::desc("decode the tokens to f16 once per problem in a kernel "
                     "of their own, which the runtime (or host=launch) runs "
                     "before the GEMM (sm_90a; docs/sm90-kernel.md, "
                     "\"Predecoded tokens\"): 0 (never), 1 (always) or auto "
                     "(where the cost model predicts it faster; never with "
                     "host=stream)"),
      llvm::cl::init(PredecodeMode::off), predecodeModeValues()};
  PassOptions::Option<bool> shortPointers{
      *this, "short-pointers",
      llvm::cl::desc("address shared memory with 32-bit pointers (LLVM's "
                     "nvptx-short-ptr; process-wide once set); on where a "
                     "kernel decodes its tokens"),
      llvm::cl::init(false)};
  /// What the host function becomes: a description only (`#ggemm.launch`,
  /// for the manifest and ggemm's runtime) or code in upstream ops that
  /// builds the parameters and launches the kernel (ggemm-lower-launch;
  /// docs/aot-host.md).
  enum class Host { manifest, launch, stream };
  PassOptions::Option<Host> host{
      *this, "host",
      llvm::cl::desc("manifest (#ggemm.launch only), launch (gpu.launch_func "
                     "and its parameters in upstream ops, self-contained) or "
                     "stream (the same on the caller's stream and "
                     "workspace, without synchronizing)"),
      llvm::cl::init(Host::manifest),
      llvm::cl::values(
          clEnumValN(Host::manifest, "manifest",
                     "keep #ggemm.launch for the manifest and ggemm's runtime"),
          clEnumValN(Host::launch, "launch",
                     "build each launch in its host function, on a stream "
                     "of its own, and wait for it (ggemm-lower-launch)"),
          clEnumValN(Host::stream, "stream",
                     "build each launch in its host function, on the "
                     "caller's stream and workspace, two new arguments "
                     "(ggemm-lower-launch{caller-stream=true})"))};
};

void buildGPUPipeline(OpPassManager &pm, const GPUPipelineOptions &options);

/// Registers every ggemm pipeline with the pass registry.
void registerGGemmPipelines();

} // namespace mlir::ggemm

#endif // GGEMM_PIPELINES_PIPELINES_H
