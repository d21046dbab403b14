//===- GPUPipeline.cpp - ggemm to a GPU binary ----------------------------===//
//
// `ggemm-pipeline{chip=...}`: schedule for the chip (the only pass that
// takes it: the schedule carries it on), fuse into one persistent kernel,
// lower it to NVVM with upstream conversions and assemble it with upstream
// gpu-module-to-binary (which runs CUDA's ptxas for format=bin).
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmOps.h"
#include "ggemm/Conversion/Passes.h"
#include "ggemm/Kernel/Passes.h"
#include "ggemm/Pipelines/Pipelines.h"
#include "ggemm/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <cstdlib>

using namespace mlir;

/// Whether `dir` is a CUDA toolkit that can serve gpu-module-to-binary:
/// it holds the libdevice that a program's own kernels link.
static bool isCudaToolkit(llvm::StringRef dir) {
  llvm::SmallString<128> libdevice(dir);
  llvm::sys::path::append(libdevice, "nvvm", "libdevice", "libdevice.10.bc");
  return !dir.empty() && llvm::sys::fs::is_regular_file(libdevice);
}

/// The CUDA toolkit gpu-module-to-binary takes ptxas and libdevice (which
/// a program's own kernels link for their math functions) from, the first
/// that holds libdevice of: upstream's choice ($CUDA_ROOT, $CUDA_HOME,
/// $CUDA_PATH); the toolkit of the ptxas on PATH (<toolkit>/bin/ptxas, so
/// that the two come from one toolkit however the tool was started; a
/// wrapper script elsewhere on PATH is no toolkit); /usr/local/cuda. With
/// none, upstream's default, whose error names the libdevice it missed.
static std::string cudaToolkitPath() {
  llvm::SmallVector<std::string> candidates;
  for (const char *var : {"CUDA_ROOT", "CUDA_HOME", "CUDA_PATH"})
    if (const char *path = std::getenv(var); path && *path)
      candidates.push_back(path);
  if (llvm::ErrorOr<std::string> ptxas = llvm::sys::findProgramByName("ptxas"))
    candidates.push_back(
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(*ptxas))
            .str());
  candidates.push_back("/usr/local/cuda");
  for (const std::string &dir : candidates)
    if (isCudaToolkit(dir))
      return dir;
  return "";
}

/// Shared memory through 32-bit pointers (ggemm-pipeline's short-pointers,
/// and always where a kernel decodes its tokens): LLVM's NVPTX option
/// nvptx-short-ptr (Triton sets it too), which its target machine reads
/// when gpu-module-to-binary creates one. Shared addresses then take one
/// register instead of a pair.
/// The predecoded 256-token kernel needs it: without it its consumers
/// spilled 200-250 bytes at 232 registers a thread (docs/sm90-kernel.md).
/// Not the default: on an H100 it made the default kernels of the
/// compute-bound shapes 1.7-4.4% faster (but for one reading, 4.7% slower)
/// and the 16-token kernel of DeepSeek-V3's decode down projection 8-9%
/// slower (bench/RESULTS.md, 2026-12-07), whose index arithmetic stays
/// 64-bit and gains conversions.
/// The option is process-wide: every NVPTX target machine created after
/// the pipeline is built uses it, unless the tool's command line set it
/// (--nvptx-short-ptr=false keeps 64-bit pointers).
static void useShortSharedPointers() {
  auto &options = llvm::cl::getRegisteredOptions();
  auto it = options.find("nvptx-short-ptr");
  if (it != options.end() && it->second->getNumOccurrences() == 0)
    static_cast<llvm::cl::opt<bool> *>(it->second)->setValue(true);
}

namespace {
/// A step of the pipeline after ggemm-tile with predecode=auto (not a pass
/// of its own): short shared pointers once the model chose a predecoded
/// schedule, before gpu-module-to-binary creates a target machine. Like
/// short-pointers it sets a process-wide option: later compilations in the
/// same process keep 32-bit shared pointers.
struct ShortPointersWherePredecoded final
    : PassWrapper<ShortPointersWherePredecoded, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ShortPointersWherePredecoded)
  StringRef getArgument() const final {
    return "ggemm-short-pointers-where-predecoded";
  }
  void runOnOperation() override {
    WalkResult predecoded = getOperation().walk([](ggemm::GroupedMatmulOp op) {
      ggemm::ScheduleAttr s = op.getScheduleAttr();
      return s && s.getPredecode() ? WalkResult::interrupt()
                                   : WalkResult::advance();
    });
    if (predecoded.wasInterrupted())
      useShortSharedPointers();
  }
};
} // namespace

void mlir::ggemm::buildGPUPipeline(OpPassManager &pm,
                                   const GPUPipelineOptions &options) {
  // The program's own kernels (upstream-outlined elementwise work), if it
  // has any, for the same chip with upstream's conventions; the kernel
  // passes below then find them lowered already.
  GGemmLowerProgramKernelsOptions programKernels;
  programKernels.chip = options.chip;
  pm.addPass(createGGemmLowerProgramKernels(programKernels));
  GGemmTileOptions tile;
  tile.chip = options.chip;
  tile.tileM = options.tileM;
  tile.tileN = options.tileN;
  tile.tileK = options.tileK;
  tile.stages = options.stages;
  tile.rowsHint = options.rowsHint;
  tile.grid = options.grid;
  // host=stream takes no predecoded kernel (its workspace has a size fixed
  // when compiled, the token workspace grows with the rows), nor does the
  // TMA prefetch: `auto` keeps to kernels without there.
  bool takesPredecoded = options.host != GPUPipelineOptions::Host::stream &&
                         options.prefetchDistance == 0;
  tile.predecode = !takesPredecoded &&
                           options.predecode == PredecodeMode::chosen
                       ? PredecodeMode::off
                       : options.predecode.getValue();
  tile.raster = options.raster;
  // The tile is chosen among those the kernel takes with this split (0:
  // ggemm-split-k's rule picks one later, among the splits the kernel
  // takes with the tile).
  tile.splitK = std::max<int64_t>(options.splitK, 1);
  pm.addPass(createGGemmTile(tile));
  if (tile.predecode == PredecodeMode::chosen)
    pm.addPass(std::make_unique<ShortPointersWherePredecoded>());
  if (options.splitK != 1) {
    // Split-K: the partials go to a workspace parameter and a grid barrier
    // separates them from their reduction (docs/kernel-abi.md).
    GGemmSplitKOptions split;
    split.split = options.splitK;
    pm.addPass(createGGemmSplitK(split));
  }
  pm.addPass(createGGemmFusePersistent());
  GGemmOutlineKernelOptions outline;
  outline.hostOperands = options.host != GPUPipelineOptions::Host::manifest;
  pm.addPass(createGGemmOutlineKernel(outline));
  {
    // The kernel level: the load ring, the warp roles, TMA prefetch.
    OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
    kernels.addPass(createGGemmPipelineLoads());
    kernels.addPass(createGGemmWarpSpecialize());
    // TMA prefetch did not pay on the H200 once the producer warp runs
    // ahead through the ring (bench/RESULTS.md): off unless asked for.
    if (options.prefetchDistance > 0) {
      GGemmInsertTMAPrefetchOptions prefetch;
      prefetch.distance = options.prefetchDistance;
      kernels.addPass(createGGemmInsertTMAPrefetch(prefetch));
    }
  }
  pm.addPass(createConvertGGemmToNVVM());

  // Kernel modules: upstream conversions down to the LLVM/NVVM dialects.
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createSCFToControlFlowPass());
  kernels.addPass(memref::createExpandStridedMetadataPass());
  ConvertGpuOpsToNVVMOpsOptions gpuToNVVM;
  gpuToNVVM.useBarePtrCallConv = true; // docs/kernel-abi.md: plain pointers
  kernels.addPass(createConvertGpuOpsToNVVMOps(gpuToNVVM));
  kernels.addPass(createConvertNVVMToLLVMPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());

  // Each kernel's gpu.module carries its chip's #nvvm.target (chip and PTX
  // features, from ggemm-outline-kernel), which gpu-module-to-binary reads.
  if (options.shortPointers || options.predecode == PredecodeMode::on)
    useShortSharedPointers();
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget =
      options.format == GPUPipelineOptions::Format::isa ? "isa" : "bin";
  binary.toolkitPath = cudaToolkitPath();
  pm.addPass(createGpuModuleToBinaryPass(binary));
  if (!options.outDir.empty()) {
    GGemmExportKernelsOptions exportOptions;
    exportOptions.dir = options.outDir;
    pm.addPass(createGGemmExportKernels(exportOptions));
  }
  // Last: the manifest above is written from the same #ggemm.launch that
  // this pass turns into host code (and consumes).
  if (options.host != GPUPipelineOptions::Host::manifest) {
    GGemmLowerLaunchOptions lower;
    lower.callerStream = options.host == GPUPipelineOptions::Host::stream;
    pm.addPass(createGGemmLowerLaunch(lower));
  }
}
