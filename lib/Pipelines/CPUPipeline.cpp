//===- CPUPipeline.cpp - ggemm to LLVM for the host -----------------------===//
//
// `ggemm-cpu-pipeline`: the reference lowering followed by upstream
// conversions to the LLVM dialect. ggemm-cpu-run JITs its output.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Conversion/Passes.h"
#include "ggemm/Pipelines/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::ggemm::buildCPUPipeline(OpPassManager &pm,
                                   const CPUPipelineOptions &) {
  pm.addPass(createConvertGGemmToLoops());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::ggemm::registerGGemmPipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "ggemm-cpu-pipeline",
      "Lower ggemm to the LLVM dialect through loops, for host execution",
      buildCPUPipeline);
  PassPipelineRegistration<GPUPipelineOptions>(
      "ggemm-pipeline",
      "Compile ggemm to one persistent GPU kernel per function (gpu.binary) "
      "and optionally export it with its manifest",
      buildGPUPipeline);
}
