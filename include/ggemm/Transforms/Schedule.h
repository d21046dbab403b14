//===- Schedule.h - tile-space arithmetic of a schedule ---------*- C++ -*-===//
//
// Tile counts, the split-K cost rule and CTA loads of a scheduled grouped
// product (the K range of a split and the CTA of a work item are in
// ggemm/Target/WorkItems.h), shared by the scheduling passes and the
// schedule report.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TRANSFORMS_SCHEDULE_H
#define GGEMM_TRANSFORMS_SCHEDULE_H

#include "GGemm/GGemmOps.h"
#include "ggemm/Target/WorkItems.h"

namespace mlir::ggemm {

/// The linear tile space of a grouped product under a schedule.
struct TileSpace {
  SmallVector<int64_t> tilesM; // per group; empty when M is known at run time
  SmallVector<int64_t> tilesN; // per group
  SmallVector<int64_t> kTiles; // per group: ceil(K / tile_k)
  int64_t splitK = 1, grid = 1;

  static TileSpace get(const GroupedOperands &problem, ScheduleAttr schedule);

  bool isStatic() const { return !tilesM.empty() || tilesN.empty(); }
  /// Output tiles over all groups (static M only).
  int64_t outputTiles() const;
  int64_t maxKTiles() const;
};

/// The split factor the cost rule of ggemm-split-k picks (1 when M is only
/// known at run time). See Passes.td.
int64_t chooseSplitK(const TileSpace &space);
/// The rule's cost of split factor `split`, in K-tile units.
double splitKCost(const TileSpace &space, int64_t split);

/// K tiles of work each CTA gets when work item w runs on CTA w % grid.
SmallVector<int64_t> ctaLoads(const TileSpace &space);

} // namespace mlir::ggemm

#endif // GGEMM_TRANSFORMS_SCHEDULE_H
