//===- InitAllGGemm.h - register everything ggemm provides ------*- C++ -*-===//
//
// The one place that knows every ggemm dialect, pass and pipeline. gemm-opt,
// the mlir-opt plugin, the C API and out-of-tree compilers (through the
// installed package) all register through these functions, so a new pass
// becomes visible to all of them at once.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_INITALLGGEMM_H
#define GGEMM_INITALLGGEMM_H

namespace mlir {
class DialectRegistry;

namespace ggemm {

/// Inserts the ggemm dialects into `registry`.
void registerAllGGemmDialects(DialectRegistry &registry);

/// Inserts what the ggemm pipelines reach through interfaces rather than
/// through the dialects their passes load: upstream's external models (among
/// them the ConvertToLLVM interfaces that convert-gpu-to-nvvm collects from
/// the loaded dialects, and the #nvvm.target serializer) and the LLVM IR
/// translations gpu-module-to-binary runs. A host that registers only the
/// ggemm dialects, this and the dialects of its own input (func, say) can
/// run every ggemm pass and pipeline. Registering extensions is idempotent.
void registerGGemmPipelineExtensions(DialectRegistry &registry);

/// Inserts the dialects of the programs ggemm takes as input, with the
/// interfaces its passes need of them: func, arith, math, tensor, linalg,
/// bufferization, memref and scf, and their bufferization models, so that
/// a host can parse a linalg program on tensors, raise it (ggemm-raise) and
/// bufferize it (one-shot-bufferize) before ggemm-pipeline. ggemm's own
/// dialect registers its bufferization model itself.
void registerGGemmInputDialects(DialectRegistry &registry);

/// Registers the upstream passes that run on ggemm's input before its
/// pipeline (one-shot-bufferize and the other bufferization passes,
/// canonicalize, cse), for hosts that do not register every upstream pass.
/// Safe to call more than once.
void registerGGemmInputPasses();

/// Registers every ggemm pass with the global pass registry, so that textual
/// pipelines can name them. Safe to call more than once: the plugin's two
/// entry points and the C API may each call it.
void registerAllGGemmPasses();

/// Registers the `ggemm-pipeline` and `ggemm-cpu-pipeline` pass pipelines.
/// Safe to call more than once.
void registerAllGGemmPipelines();

/// All of the above.
void registerAllGGemm(DialectRegistry &registry);

} // namespace ggemm
} // namespace mlir

#endif // GGEMM_INITALLGGEMM_H
