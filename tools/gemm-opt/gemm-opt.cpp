//===- gemm-opt.cpp - the ggemm optimizer driver --------------------------===//
//
// An mlir-opt for ggemm: the ggemm dialect and passes plus the upstream
// dialects, passes and conversions the ggemm pipelines go through, so that
// `gemm-opt --help` is the one place to discover everything.
//
//===----------------------------------------------------------------------===//

#include "ggemm/InitAllGGemm.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  // The registration every ggemm entry point shares (with upstream's
  // extensions and LLVM IR translations the pipelines need).
  mlir::ggemm::registerAllGGemm(registry);
  // Upstream: the pipeline reaches gpu, nvvm, nvgpu, scf, arith, memref,
  // func and llvm and their conversions; registering them all keeps every
  // intermediate form parseable and every upstream pass callable by name.
  mlir::registerAllDialects(registry);
  mlir::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "ggemm optimizer driver\n", registry));
}
