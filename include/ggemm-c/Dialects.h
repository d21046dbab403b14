//===- ggemm-c/Dialects.h - C API of the ggemm dialect ------------*- C -*-===//
//
// The ggemm dialect for C hosts and for language bindings built on MLIR's C
// API. Declarations follow upstream's mlir-c/Dialect headers.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_C_DIALECTS_H
#define GGEMM_C_DIALECTS_H

#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

/// mlirGetDialectHandle__ggemm__(): the ggemm dialect alone, as for any
/// upstream dialect.
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(GGemm, ggemm);

/// Inserts into `registry` what the ggemm pipelines reach through interfaces
/// rather than through the dialects their passes load: upstream's external
/// models (ConvertToLLVM interfaces, the #nvvm.target serializer) and LLVM IR
/// translations. Needed to run `ggemm-pipeline` in a context that does not
/// register all of upstream already.
MLIR_CAPI_EXPORTED void
mlirGGemmRegisterPipelineExtensions(MlirDialectRegistry registry);

/// Inserts the dialects of the programs ggemm takes as input (func, arith,
/// math, tensor, linalg, bufferization, memref, scf) with their
/// bufferization models: what a host needs to parse a linalg program on
/// tensors, raise it (ggemm-raise) and bufferize it (one-shot-bufferize)
/// before ggemm-pipeline (ggemm/InitAllGGemm.h).
MLIR_CAPI_EXPORTED void
mlirGGemmRegisterInputDialects(MlirDialectRegistry registry);

#ifdef __cplusplus
}
#endif

#endif /* GGEMM_C_DIALECTS_H */
