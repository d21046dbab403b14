//===- Builders.h - small IR-building helpers shared by ggemm ---*- C++ -*-===//
//
// Helpers every ggemm library that builds IR uses (Transforms, Kernel,
// Conversion). Header only, on upstream MLIR alone, so that any of them may
// include it without linking another ggemm library.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_IR_BUILDERS_H
#define GGEMM_IR_BUILDERS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

namespace mlir::ggemm {

/// An `arith.constant v : index` at `b`'s insertion point.
inline Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

} // namespace mlir::ggemm

#endif // GGEMM_IR_BUILDERS_H
