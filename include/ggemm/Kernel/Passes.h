//===- Passes.h - ggemm kernel-level passes ---------------------*- C++ -*-===//
//
// Declarations and registration of the passes between the persistent level
// and NVVM: outlining, TMA prefetch, and writing the kernels out.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_KERNEL_PASSES_H
#define GGEMM_KERNEL_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::ggemm {

#define GEN_PASS_DECL
#include "ggemm/Kernel/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ggemm/Kernel/Passes.h.inc"

} // namespace mlir::ggemm

#endif // GGEMM_KERNEL_PASSES_H
