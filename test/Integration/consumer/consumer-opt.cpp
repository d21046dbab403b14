//===- consumer-opt.cpp - an opt tool on the installed ggemm --------------===//
//
// What a compiler embedding ggemm registers: its own input's dialects (here
// func, where ggemm problems live) and ggemm's dialect, passes, pipelines and
// the upstream extensions those pipelines need. Nothing else from upstream,
// so the test shows registerAllGGemm() is enough to run them.
//
//===----------------------------------------------------------------------===//

#include "ggemm/InitAllGGemm.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::func::FuncDialect>();
  mlir::ggemm::registerAllGGemm(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "ggemm consumer (installed package)\n", registry));
}
