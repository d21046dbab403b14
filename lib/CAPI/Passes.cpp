//===- Passes.cpp - C API of the ggemm passes -----------------------------===//
//
// Thin wrappers over ggemm/InitAllGGemm.h (idempotent, like the C++ side).
//
//===----------------------------------------------------------------------===//

#include "ggemm-c/Passes.h"

#include "ggemm/InitAllGGemm.h"

void mlirGGemmRegisterPasses(void) { mlir::ggemm::registerAllGGemmPasses(); }

void mlirGGemmRegisterPipelines(void) {
  mlir::ggemm::registerAllGGemmPipelines();
}

void mlirGGemmRegisterInputPasses(void) {
  mlir::ggemm::registerGGemmInputPasses();
}
