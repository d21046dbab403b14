//===- CostModel.h - predicted time of a schedule on a chip -----*- C++ -*-===//
//
// The cost model that chooses a schedule (docs/cost-model.md). For one
// problem and one candidate schedule it predicts the kernel's time from
// eight named constants of the chip (CostConstants), fit on
// microbenchmarks only (bench/micro), never on the shapes the model is
// judged on:
//
//   tile cycles  = steps x (decode + MMA + step overhead) + tile overhead
//                  + the tile's output at the SM's share of DRAM bandwidth
//                  (one step is 64 K elements of the tile; decode is the
//                  busiest thread's pieces; decode and MMA share shared
//                  memory, so they add)
//   compute      = the busiest CTA's tile cycles / clock (work item w runs
//                  on CTA w % grid, as the persistent loop assigns them)
//   memory       = bytes every operand needs once / DRAM bandwidth
//   feed         = bytes all tiles load / (CTAs x ring bytes / DRAM latency)
//   split-K      = after the grid barrier, the partials read once and the
//                  output stored / DRAM bandwidth + the barrier (one
//                  launch); the partials' stores are in the tiles'
//                  epilogues (compute)
//   tokens       = predecoded tokens: the decode kernel's bytes / DRAM
//                  bandwidth + one launch
//   time         = max(compute, memory, feed) + split-K + tokens + launch
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_TARGET_COSTMODEL_H
#define GGEMM_TARGET_COSTMODEL_H

#include "ggemm/Target/TargetInfo.h"

namespace mlir::ggemm {

/// Predicted time of one schedule, and the bounds it came from (us).
struct CostEstimate {
  double us = 0;
  double computeUs = 0, memoryUs = 0, feedUs = 0, splitUs = 0, launchUs = 0;
  /// Predecoded tokens: the decode kernel, before the kernel (its DRAM
  /// bytes and its launch).
  double tokensUs = 0;
  int64_t workItems = 0;
  /// The bound that decides the time: "compute", "memory" or "feed".
  StringRef bound;
};

/// The rows each group is assumed to have where M is known only at run time
/// (rows<contiguous>) and no hint is given.
inline constexpr int64_t kDefaultRowsHint = 128;

/// The rows per group the model assumes for `operands` where M is known
/// only at run time: `hint` when it is set, else the rows of A over the
/// groups when A's rows are static, else 0 (the default).
int64_t defaultRowsHint(const GroupedOperands &operands, int64_t hint);

/// Predicted time of `problem` under its schedule on `target`.
/// `rowsHint` stands for each group's rows where M is dynamic (0: the
/// default).
CostEstimate estimateCost(const TargetInfo &target,
                          const KernelProblem &problem, int64_t rowsHint = 0);

/// One candidate of the chip's schedule family for a problem, with its
/// prediction, or the reason the kernel cannot take it.
struct ScheduleCandidate {
  ScheduleAttr schedule;
  CostEstimate cost;
  std::string refused; // empty: the kernel takes it
};

/// Every schedule of the chip's family for `problem` (token tile, weight
/// tile, K tile, ring depth, split-K 1, 2, 4 and `base`'s; raster and grid
/// from `base`), each
/// planned and predicted, cheapest first; refused ones last. `depths`
/// replaces the family's ring depths (then refused depths are listed too).
/// Predecoded tokens as in `base`, or with `bothPredecodes` each schedule
/// with and without them (where the chip's kernel takes them).
SmallVector<ScheduleCandidate>
listScheduleCandidates(MLIRContext *ctx, const TargetInfo &target,
                       const KernelProblem &problem, ScheduleAttr base,
                       int64_t rowsHint = 0, ArrayRef<int64_t> depths = {},
                       bool bothPredecodes = false);

} // namespace mlir::ggemm

#endif // GGEMM_TARGET_COSTMODEL_H
