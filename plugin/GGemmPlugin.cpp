//===- GGemmPlugin.cpp - ggemm as an mlir-opt plugin ----------------------===//
//
// Entry points that let a stock mlir-opt load ggemm:
//
//   mlir-opt --load-dialect-plugin=libGGemmPlugin.so \
//            --load-pass-plugin=libGGemmPlugin.so \
//            --pass-pipeline='builtin.module(ggemm-pipeline{chip=sm_90a})'
//
// The plugin links libMLIR.so like mlir-opt does, so the dialect and passes
// land in the host's registries rather than in a private static copy.
//
//===----------------------------------------------------------------------===//

#include "ggemm/InitAllGGemm.h"

#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"

using namespace mlir;

/// Registers the dialect and also the passes and pipelines: with only
/// --load-dialect-plugin given, a --pass-pipeline naming ggemm passes still
/// parses (mlir-opt builds the pipeline after running this callback).
extern "C" LLVM_ATTRIBUTE_WEAK DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {
      MLIR_PLUGIN_API_VERSION, "GGemm", LLVM_VERSION_STRING,
      [](DialectRegistry *registry) { ggemm::registerAllGGemm(*registry); }};
}

/// Registers the passes and pipelines (registration is idempotent, so loading
/// both plugins from the same file is fine).
extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "GGemmPasses", LLVM_VERSION_STRING, [] {
            ggemm::registerAllGGemmPasses();
            ggemm::registerAllGGemmPipelines();
          }};
}
