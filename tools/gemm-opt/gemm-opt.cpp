//===- gemm-opt.cpp - the ggemm optimizer driver --------------------------===//
//
// An mlir-opt for ggemm: the ggemm dialect and passes plus the upstream
// dialects, passes and conversions the ggemm pipelines go through, so that
// `gemm-opt --help` is the one place to discover everything.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmDialect.h"
#include "ggemm/Conversion/Passes.h"
#include "ggemm/Kernel/Passes.h"
#include "ggemm/Pipelines/Pipelines.h"
#include "ggemm/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::ggemm::GGemmDialect>();
  // Upstream: the pipeline reaches gpu, nvvm, nvgpu, scf, arith, memref,
  // func and llvm and their conversions; registering them all keeps every
  // intermediate form parseable and every upstream pass callable by name.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  mlir::registerAllPasses();
  mlir::ggemm::registerGGemmConversionPasses();
  mlir::ggemm::registerGGemmKernelPasses();
  mlir::ggemm::registerGGemmTransformsPasses();
  mlir::ggemm::registerGGemmPipelines();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "ggemm optimizer driver\n", registry));
}
