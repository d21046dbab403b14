//===- ggemm-fuzz.cpp - libFuzzer target: parse, verify, every pipeline ---===//
//
// Feeds each input through what a user's .mlir file goes through: the parser
// with ggemm's dialects (and the upstream ones ggemm's inputs and tests use)
// registered, the verifier, and then, on IR that verifies, each pipeline on
// its own copy of the module:
//
//   ggemm-cpu-pipeline
//   ggemm-pipeline{chip=sm_90a format=isa}
//   ggemm-pipeline{chip=sm_100a format=isa}
//   ggemm-raise{explain}                  (linalg programs)
//   ggemm-pack-nvfp4-memrefs              (a program's own NVFP4 accesses)
//
// PTX only (no ptxas) and no out-dir, so nothing is written to disk. Every
// diagnostic is swallowed: bad input is expected to fail with one, and only
// a crash, an assertion, a sanitizer report, a leak or a timeout is a
// finding. GGEMM_FUZZ_VERBOSE=1 in the environment prints the diagnostics
// (to look at one input: `ggemm-fuzz crash-file`).
//
// Built by -DGGEMM_FUZZER=ON with clang; scripts/fuzz.sh builds and runs it.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmDialect.h"
#include "ggemm/InitAllGGemm.h"
#include "ggemm/Conversion/Passes.h"
#include "ggemm/Pipelines/Pipelines.h"
#include "ggemm/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>

using namespace mlir;

namespace {

DialectRegistry *registry = nullptr;
bool verbose = false;

/// Runs one pipeline on a copy of `module`; the result only matters through
/// what the run does (crash or not), so it is dropped.
void runPipeline(ModuleOp module, llvm::function_ref<void(OpPassManager &)> build) {
  OwningOpRef<ModuleOp> copy = module.clone();
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  build(pm);
  (void)pm.run(*copy);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  registry = new DialectRegistry();
  // What gemm-opt registers for ggemm (dialect, passes, pipelines and the
  // extensions they reach), plus the upstream dialects that ggemm inputs
  // are written in; the pipelines load the rest themselves. Not all of
  // upstream: its parsers are upstream's to fuzz.
  ggemm::registerAllGGemm(*registry);
  registry->insert<arith::ArithDialect, func::FuncDialect, gpu::GPUDialect,
                   linalg::LinalgDialect, math::MathDialect,
                   memref::MemRefDialect, scf::SCFDialect,
                   tensor::TensorDialect>();
  const char *env = std::getenv("GGEMM_FUZZ_VERBOSE");
  verbose = env && *env && *env != '0';
  return 0;
}

/// Inputs that crash upstream MLIR 22's own parsers, which are not ggemm's
/// to fix (and stop a fuzzing run at once): linalg.transpose's parser sets
/// a null `permutation` attribute when what follows `permutation =` is not
/// a `[` list (stock mlir-opt-22 crashes on `permutation = -[1, 0]` too).
static bool crashesUpstreamParser(llvm::StringRef text) {
  for (size_t at = text.find("permutation"); at != llvm::StringRef::npos;
       at = text.find("permutation", at + 1)) {
    llvm::StringRef rest = text.drop_front(at + 11).ltrim();
    if (rest.consume_front("=") && !rest.ltrim().starts_with("["))
      return true;
  }
  return false;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (crashesUpstreamParser(
          llvm::StringRef(reinterpret_cast<const char *>(data), size)))
    return 0;
  MLIRContext context(*registry, MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    if (verbose)
      llvm::errs() << diag.getLocation() << ": " << diag << "\n";
    return success();
  });

  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz-input"),
      llvm::SMLoc());
  // Parses and verifies (ParserConfig verifies after parsing by default).
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  if (!module)
    return 0;

  runPipeline(*module, [](OpPassManager &pm) {
    ggemm::buildCPUPipeline(pm, ggemm::CPUPipelineOptions());
  });
  runPipeline(*module, [](OpPassManager &pm) {
    ggemm::GGemmRaiseOptions options;
    options.explain = true;
    pm.addPass(ggemm::createGGemmRaise(options));
  });
  runPipeline(*module, [](OpPassManager &pm) {
    pm.addPass(ggemm::createGGemmPackNVFP4MemRefs());
  });
  for (const char *chip : {"sm_90a", "sm_100a"}) {
    runPipeline(*module, [chip](OpPassManager &pm) {
      ggemm::GPUPipelineOptions options;
      options.chip = chip;
      options.format = ggemm::GPUPipelineOptions::Format::isa;
      ggemm::buildGPUPipeline(pm, options);
    });
  }
  return 0;
}
