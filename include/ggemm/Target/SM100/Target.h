//===- Target.h - the sm_100a (Blackwell) target ----------------*- C++ -*-===//
//
// The description of sm_100a (TargetInfo::get(Chip::sm_100a) returns it).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TARGET_SM100_TARGET_H
#define GGEMM_TARGET_SM100_TARGET_H

#include "ggemm/Target/TargetInfo.h"

namespace mlir::ggemm {
const TargetInfo &getSM100Target();
} // namespace mlir::ggemm

#endif // GGEMM_TARGET_SM100_TARGET_H
