//===- Chips.h - the description of each chip (private) ---------*- C++ -*-===//
//
// One TargetInfo per chip, each defined in its chip's folder (SM90/Target.cpp,
// SM100/Target.cpp); TargetInfo::get picks among them by the Chip enum.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_TARGET_CHIPS_H
#define GGEMM_LIB_TARGET_CHIPS_H

#include "ggemm/Target/TargetInfo.h"

namespace mlir::ggemm {
const TargetInfo &getSM90Target();
const TargetInfo &getSM100Target();
} // namespace mlir::ggemm

#endif // GGEMM_LIB_TARGET_CHIPS_H
