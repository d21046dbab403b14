//===- LowerProgramKernels.cpp - a program's own kernels beside ggemm's ---===//
//
// ggemm-lower-program-kernels (Passes.td): the gpu.modules of a whole
// program that are not ggemm's (upstream-outlined elementwise kernels) are
// lowered to LLVM/NVVM with upstream's conventions, onto ggemm's packed
// NVFP4 storage, for the pipeline's chip; gpu-module-to-binary then
// compiles them with ggemm's kernels. docs/whole-program.md.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmOps.h"
#include "ggemm/Conversion/GGemmToLoops.h"
#include "ggemm/Conversion/GPUModuleChecks.h"
#include "ggemm/Conversion/Passes.h"
#include "ggemm/Target/TargetInfo.h"
#include "ggemm/Transforms/Passes.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMLOWERPROGRAMKERNELS
#include "ggemm/Conversion/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

/// A gpu.module this pass lowers: it still holds gpu.funcs, and none of
/// them is a kernel ggemm-outline-kernel made.
bool isProgramKernelModule(gpu::GPUModuleOp module) {
  bool any = false, ggemm = false;
  for (auto fn : module.getOps<gpu::GPUFuncOp>()) {
    any = true;
    ggemm |= fn->hasAttr(kProblemAttrName);
  }
  return any && !ggemm;
}

struct GGemmLowerProgramKernels final
    : public ggemm::impl::GGemmLowerProgramKernelsBase<
          GGemmLowerProgramKernels> {
  using GGemmLowerProgramKernelsBase::GGemmLowerProgramKernelsBase;

  /// NVFP4 memrefs onto ggemm's byte storage, inside the module.
  LogicalResult packStorage(gpu::GPUModuleOp module) {
    if (failed(checkNVFP4Storage(module, getArgument(),
                                 /*skipKernels=*/false)))
      return failure();
    MLIRContext *ctx = &getContext();
    NVFP4StorageTypeConverter converter;
    ConversionTarget target(*ctx);
    target.addLegalOp<gpu::GPUModuleOp>();
    RewritePatternSet patterns(ctx);
    populateNVFP4KernelStoragePatterns(converter, patterns, target);
    return applyPartialConversion(module, target, std::move(patterns));
  }

  void runOnOperation() override {
    SmallVector<gpu::GPUModuleOp> modules;
    for (auto module : getOperation().getOps<gpu::GPUModuleOp>())
      if (isProgramKernelModule(module))
        modules.push_back(module);
    if (modules.empty())
      return;
    std::string why;
    FailureOr<Chip> parsed = TargetInfo::parseChip(chip, why);
    if (failed(parsed)) {
      modules.front().emitOpError()
          << "cannot be compiled for chip '" << chip << "': " << why;
      return signalPassFailure();
    }
    const TargetInfo &info = TargetInfo::get(*parsed);
    MLIRContext *ctx = &getContext();

    // Upstream's lowering of a GPU module, with its default memref
    // convention (descriptors), after the e4m3/e2m1 conversions become
    // integer arithmetic (the LLVM dialect has neither type).
    OpPassManager lower(gpu::GPUModuleOp::getOperationName());
    lower.addPass(createGGemmExpandE4M3ExtF());
    arith::ArithExpandOpsPassOptions expand;
    expand.includeF4E2M1 = true;
    lower.addPass(arith::createArithExpandOpsPass(expand));
    lower.addPass(createLowerAffinePass());
    lower.addPass(createSCFToControlFlowPass());
    lower.addPass(memref::createExpandStridedMetadataPass());
    lower.addPass(createConvertGpuOpsToNVVMOps());
    lower.addPass(createReconcileUnrealizedCastsPass());

    for (gpu::GPUModuleOp module : modules) {
      if (!module.getTargetsAttr() || module.getTargetsAttr().empty())
        module.setTargetsAttr(ArrayAttr::get(
            ctx, {NVVM::NVVMTargetAttr::get(ctx, /*optLevel=*/3,
                                            "nvptx64-nvidia-cuda",
                                            info.name(), info.ptxFeatures)}));
      if (failed(checkGPUModulesLowerable(module)) ||
          failed(packStorage(module)) || failed(runPipeline(lower, module)))
        return signalPassFailure();
    }
  }
};

} // namespace
