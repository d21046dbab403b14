//===- GPUModuleChecks.h - what the GPU lowering cannot take ----*- C++ -*-===//
//
// Part of ggemm.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_CONVERSION_GPUMODULECHECKS_H
#define GGEMM_CONVERSION_GPUMODULECHECKS_H

#include "mlir/IR/Operation.h"

namespace mlir::ggemm {

/// Refuses, with the op's location, what would crash the GPU lowering of
/// the gpu.modules under `root` (or of `root` itself) instead of failing:
/// a memref whose integer memory space is not an LLVM address space (24
/// bits), and a symbol that is not a PTX identifier (the NVPTX backend
/// aborts on it). convert-ggemm-to-nvvm and ggemm-lower-program-kernels
/// run it first.
LogicalResult checkGPUModulesLowerable(Operation *root);

} // namespace mlir::ggemm

#endif // GGEMM_CONVERSION_GPUMODULECHECKS_H
