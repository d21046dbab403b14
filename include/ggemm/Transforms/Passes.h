//===- Passes.h - ggemm scheduling passes -----------------------*- C++ -*-===//
//
// Declarations and registration of the target-independent ggemm passes.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TRANSFORMS_PASSES_H
#define GGEMM_TRANSFORMS_PASSES_H

#include "ggemm/Target/TargetInfo.h"
#include "ggemm/Transforms/PredecodeOption.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::ggemm {

#define GEN_PASS_DECL
#include "ggemm/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ggemm/Transforms/Passes.h.inc"

} // namespace mlir::ggemm

#endif // GGEMM_TRANSFORMS_PASSES_H
