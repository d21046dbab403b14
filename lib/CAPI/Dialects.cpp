//===- Dialects.cpp - C API of the ggemm dialect --------------------------===//
//
// Thin wrappers over ggemm/InitAllGGemm.h, so that C and C++ hosts register
// exactly the same things.
//
//===----------------------------------------------------------------------===//

#include "ggemm-c/Dialects.h"

#include "GGemm/GGemmDialect.h"
#include "ggemm/InitAllGGemm.h"

#include "mlir/CAPI/Registration.h"

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(GGemm, ggemm, mlir::ggemm::GGemmDialect)

void mlirGGemmRegisterPipelineExtensions(MlirDialectRegistry registry) {
  mlir::ggemm::registerGGemmPipelineExtensions(*unwrap(registry));
}

void mlirGGemmRegisterInputDialects(MlirDialectRegistry registry) {
  mlir::ggemm::registerGGemmInputDialects(*unwrap(registry));
}
