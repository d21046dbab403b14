//===- Pipelines.h - ggemm pass pipelines -----------------------*- C++ -*-===//
//
// Named pass pipelines: each an options struct, a build function and a
// registration, as in upstream GPUToNVVMPipeline.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_PIPELINES_PIPELINES_H
#define GGEMM_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::ggemm {

/// `ggemm-cpu-pipeline`: ggemm ops -> loops -> LLVM dialect, ready for
/// translation to LLVM IR and execution on the host (the CPU oracle).
struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {};

void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

/// Registers every ggemm pipeline with the pass registry.
void registerGGemmPipelines();

} // namespace mlir::ggemm

#endif // GGEMM_PIPELINES_PIPELINES_H
