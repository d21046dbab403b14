//===- Target.h - the sm_90a (Hopper) target --------------------*- C++ -*-===//
//
// The description of sm_90a (TargetInfo::get(Chip::sm_90a) returns it).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TARGET_SM90_TARGET_H
#define GGEMM_TARGET_SM90_TARGET_H

#include "ggemm/Target/TargetInfo.h"

namespace mlir::ggemm {
const TargetInfo &getSM90Target();
} // namespace mlir::ggemm

#endif // GGEMM_TARGET_SM90_TARGET_H
