//===- ggemm-c/Passes.h - C API of the ggemm passes ---------------*- C -*-===//
//
// Registration of the ggemm passes and pipelines, after which textual
// pipelines name them (mlirParsePassPipeline, mlirOpPassManagerAddPipeline).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_C_PASSES_H
#define GGEMM_C_PASSES_H

#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Registers every ggemm pass (scheduling, kernel level and conversions; the
/// same set gemm-opt --help lists). Idempotent.
MLIR_CAPI_EXPORTED void mlirGGemmRegisterPasses(void);

/// Registers the `ggemm-pipeline` and `ggemm-cpu-pipeline` pipelines.
/// Idempotent.
MLIR_CAPI_EXPORTED void mlirGGemmRegisterPipelines(void);

/// Registers the upstream passes the documented flow from a linalg program
/// runs before ggemm-pipeline: one-shot-bufferize (and the other
/// bufferization passes), canonicalize and cse. Safe to call more than
/// once.
MLIR_CAPI_EXPORTED void mlirGGemmRegisterInputPasses(void);

#ifdef __cplusplus
}
#endif

#endif /* GGEMM_C_PASSES_H */
