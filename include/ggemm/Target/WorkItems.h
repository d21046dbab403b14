//===- WorkItems.h - how work items split K and land on CTAs ----*- C++ -*-===//
//
// The two rules of the persistent kernel's work that both the schedule
// report (ggemm/Transforms/Schedule.h) and the cost model
// (ggemm/Target/CostModel.h) count with: which K tiles a split runs, and
// which CTA runs a work item.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TARGET_WORKITEMS_H
#define GGEMM_TARGET_WORKITEMS_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>

namespace mlir::ggemm {

/// K tiles [first, first + count) of a split.
struct KRange {
  int64_t first, count;
};
/// The K tiles of split `split` (0 <= split < splitK) of `kTiles` K tiles:
/// q = ceil(kTiles / splitK) per split, first = min(split * q, kTiles),
/// count = min(kTiles, first + q) - first (so the last splits may be short
/// or empty). This is the meaning of split-K everywhere; the lowerings build
/// the same formula in IR with emitSplitKRange
/// (ggemm/Conversion/TileSpaceToArith.h).
KRange splitKRange(int64_t kTiles, int64_t splitK, int64_t split);

/// The work items of one group: `tiles` output tiles of `splitK` splits
/// each, numbered from `first` (split s of tile t is item first + t * splitK
/// + s); item w runs on CTA w % grid. Calls `add(cta, split, count)` with
/// how many items of split `split` CTA `cta` runs. Tiles t and t + grid land
/// on the same CTA, so there are min(tiles, grid) x splitK calls however
/// many tiles the group has.
void forEachCtaShare(int64_t first, int64_t tiles, int64_t splitK,
                     int64_t grid,
                     function_ref<void(int64_t cta, int64_t split,
                                       int64_t count)>
                         add);

} // namespace mlir::ggemm

#endif // GGEMM_TARGET_WORKITEMS_H
