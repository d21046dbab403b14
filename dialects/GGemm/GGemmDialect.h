//===- GGemmDialect.h - ggemm dialect ---------------------------*- C++ -*-===//
//
// The `ggemm` dialect: grouped, block-scaled matrix products (problem level).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_DIALECT_GGEMMDIALECT_H
#define GGEMM_DIALECT_GGEMMDIALECT_H

#include "mlir/IR/Dialect.h"

#include "GGemm/GGemmDialect.h.inc"

#endif // GGEMM_DIALECT_GGEMMDIALECT_H
