//===- InitAllGGemm.cpp - register everything ggemm provides --------------===//
//
// See ggemm/InitAllGGemm.h. Passes and pipelines go into process-wide
// registries; registering a pipeline twice is a fatal error in an
// assertion-enabled MLIR, so each of those runs once per process.
//
//===----------------------------------------------------------------------===//

#include "ggemm/InitAllGGemm.h"

#include "GGemm/GGemmDialect.h"
#include "ggemm/Conversion/Passes.h"
#include "ggemm/Kernel/Passes.h"
#include "ggemm/Pipelines/Pipelines.h"
#include "ggemm/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

#include <mutex>

using namespace mlir;

void mlir::ggemm::registerAllGGemmDialects(DialectRegistry &registry) {
  registry.insert<GGemmDialect>();
}

void mlir::ggemm::registerGGemmPipelineExtensions(DialectRegistry &registry) {
  // All of them rather than the ones today's lowering happens to reach: the
  // dialects in a kernel change with the lowering, and a missing
  // ConvertToLLVM interface shows up only as a type mismatch far downstream.
  // gemm-opt, where the pipelines are tested, registers the same.
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  // Upstream registers the GPU targets' serializers with the dialects
  // (registerAllDialects), not with the extensions; ggemm-pipeline attaches
  // #nvvm.target and serializes through it.
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
}

void mlir::ggemm::registerGGemmInputDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, bufferization::BufferizationDialect,
                  func::FuncDialect, linalg::LinalgDialect, math::MathDialect,
                  memref::MemRefDialect, scf::SCFDialect,
                  tensor::TensorDialect>();
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(
      registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
}

void mlir::ggemm::registerGGemmInputPasses() {
  static std::once_flag once;
  std::call_once(once, [] {
    bufferization::registerBufferizationPasses();
    registerCanonicalizerPass();
    registerCSEPass();
  });
}

void mlir::ggemm::registerAllGGemmPasses() {
  static std::once_flag once;
  std::call_once(once, [] {
    registerGGemmTransformsPasses();
    registerGGemmKernelPasses();
    registerGGemmConversionPasses();
  });
}

void mlir::ggemm::registerAllGGemmPipelines() {
  static std::once_flag once;
  std::call_once(once, [] { registerGGemmPipelines(); });
}

void mlir::ggemm::registerAllGGemm(DialectRegistry &registry) {
  registerAllGGemmDialects(registry);
  registerGGemmPipelineExtensions(registry);
  registerAllGGemmPasses();
  registerAllGGemmPipelines();
}
