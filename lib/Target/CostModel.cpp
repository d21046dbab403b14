//===- CostModel.cpp - predicted time of a schedule on a chip -------------===//
//
// The formulas of CostModel.h, and the chip's schedule family.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Target/CostModel.h"
#include "GGemm/GGemmOps.h"
#include "ggemm/Target/WorkItems.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>
#include <tuple>

using namespace mlir;
using namespace mlir::ggemm;

namespace {
/// K elements of one step of the model (the sm_90a kernel's decode step).
constexpr int64_t kStepK = 64;

/// Bytes of `rows` rows of K packed e2m1 codes and their e4m3 scales.
double operandBytes(int64_t rows, int64_t k) {
  return double(rows) * double(k) / 2 + double(rows) * double(k) / 16;
}
} // namespace

int64_t mlir::ggemm::defaultRowsHint(const GroupedOperands &operands,
                                     int64_t hint) {
  // rows<masked>: without a hint the model takes every group as full
  // (max_m rows, estimateCost).
  if (hint > 0 || operands.isListForm() || operands.a.empty() ||
      operands.rows == RowsKind::masked)
    return hint;
  auto a = dyn_cast<ShapedType>(operands.a[0].getType());
  int64_t groups = operands.getNumGroups();
  if (!a || !a.hasRank() || a.isDynamicDim(0) || groups == 0)
    return hint;
  return std::max<int64_t>(1, a.getDimSize(0) / groups);
}

CostEstimate mlir::ggemm::estimateCost(const TargetInfo &target,
                                       const KernelProblem &problem,
                                       int64_t rowsHint) {
  const CostConstants &c = target.costConstants();
  ScheduleAttr s = problem.schedule;
  int64_t tm = s.getTileM(), tn = s.getTileN(), split = s.getSplitK();
  int64_t grid = s.getGrid();
  bool predecoded = s.getPredecode();
  StepWork step = target.stepWork(problem);
  // The decode and the MMA of a step share shared-memory bandwidth (the
  // decode writes the operands the MMA reads): they are added, not
  // overlapped.
  double stepCycles = step.decodePieces * c.decodeCyclesPerPiece +
                      step.mmaFlops / c.mmaFlopsPerCycle + c.stepCycles;

  // Work item w (group by group, each tile's splits together) runs on CTA
  // w % grid; each adds its steps and the fixed cost of a tile. The kernel
  // runs whole K tiles (tileK / 64 steps each) and splits by K tiles
  // (WorkItems.h). Whole classes of a CTA's tiles are added at once, so the
  // cost grows with groups x splits x min(tiles, grid), not with the tiles.
  assert(grid > 0 && "a verified schedule has a grid");
  int64_t stepsPerKTile = s.getTileK() / kStepK;
  // A tile's epilogue (the MMAs' drain, the f32 -> f16 conversion, the
  // staging and the stores) does not overlap the tile's steps: each CTA
  // stores its output tile at its SM's share of DRAM bandwidth, after the
  // fixed tile_cycles.
  double storeBytesPerCycle =
      c.dramGBps / double(target.numSMs) / c.clockGHz;
  SmallVector<double> ctaCycles(std::max<int64_t>(grid, 1), 0.0);
  double uniqueBytes = 0, tileBytes = 0, partialBytes = 0, tokenBytes = 0;
  int64_t w = 0;
  for (const GroupShape &g : problem.groups) {
    // Run-time rows: the hint; rows<masked>: the hint up to max_m.
    int64_t m = ShapedType::isDynamic(g.m)
                    ? (rowsHint > 0 ? rowsHint : kDefaultRowsHint)
                : problem.rows == RowsKind::masked && rowsHint > 0
                    ? std::min(rowsHint, g.m)
                    : g.m;
    if (m == 0)
      continue; // no tile: neither operand is read
    int64_t tilesM = llvm::divideCeil(m, tm), tilesN = llvm::divideCeil(g.n, tn);
    int64_t tiles = tilesM * tilesN;
    int64_t kTiles = llvm::divideCeil(g.k, s.getTileK());
    // The output a tile stores: its share of the group's rows and columns
    // (the group's output spread evenly over its tiles), f16, or f32
    // partials with split-K.
    double tileOutBytes = double(m) / double(tilesM) * double(g.n) /
                          double(tilesN) * (split > 1 ? 4.0 : 2.0);
    double tileCycles = c.tileCycles + tileOutBytes / storeBytesPerCycle;
    // Predecoded tokens: the decode kernel reads them packed and writes
    // them as f16 (K rounded up to the K tile), which the kernel reads.
    double kp = double(llvm::alignTo(g.k, s.getTileK()));
    double tokensRead = predecoded ? 2.0 * double(m) * kp : operandBytes(m, g.k);
    if (predecoded)
      tokenBytes += operandBytes(m, g.k) + 2.0 * double(m) * kp;
    uniqueBytes += tokensRead + operandBytes(g.n, g.k) +
                   2.0 * double(m) * double(g.n);
    tileBytes += double(tiles) * (predecoded ? 2.0 * double(tm) * kp +
                                                   operandBytes(tn, g.k)
                                             : operandBytes(tm + tn, g.k));
    // After the grid barrier the partials of the group's output are read
    // once and it is stored as f16 (the partials' stores are in the tiles'
    // epilogues above).
    if (split > 1)
      partialBytes += double(m) * double(g.n) * (4.0 * split + 2.0);
    forEachCtaShare(w, tiles, split, grid,
                    [&](int64_t cta, int64_t p, int64_t count) {
                      int64_t kTilesOfSplit =
                          splitKRange(kTiles, split, p).count;
                      ctaCycles[cta] +=
                          double(count) *
                          (double(kTilesOfSplit * stepsPerKTile) * stepCycles +
                           tileCycles);
                    });
    w += tiles * split;
  }
  CostEstimate e;
  e.workItems = w;
  double perUs = c.clockGHz * 1e3; // cycles per microsecond
  // CTAs sharing an SM (a grid above the SM count) share its issue slots
  // and tensor pipe: their cycles add up. The model does not credit the
  // latency they hide for each other.
  SmallVector<double> smCycles(std::min<int64_t>(grid, target.numSMs), 0.0);
  for (auto [cta, cycles] : llvm::enumerate(ctaCycles))
    smCycles[cta % smCycles.size()] += cycles;
  e.computeUs = *llvm::max_element(smCycles) / perUs;
  e.memoryUs = uniqueBytes / (c.dramGBps * 1e3);
  // Each CTA keeps at most its ring's bytes in flight, each load taking
  // the DRAM latency.
  // (Predecoded tokens: the ring's weights and as many token steps as
  // the stages' K tiles hold, which the token ring's slots bound.)
  double ringBytes =
      double(s.getStages()) *
      (predecoded ? operandBytes(tn, s.getTileK()) * (16.0 / 18.0) +
                        2.0 * double(tm) * double(s.getTileK())
                  : operandBytes(tm + tn, s.getTileK()) *
                        (16.0 / 18.0)); // the ring holds codes only
  double feedBytesPerUs =
      double(std::min<int64_t>(grid, std::max<int64_t>(w, 1))) * ringBytes /
      (c.dramLatencyNs * 1e-3);
  e.feedUs = tileBytes / feedBytesPerUs;
  if (split > 1)
    e.splitUs = partialBytes / (c.dramGBps * 1e3) + c.launchUs;
  e.launchUs = c.launchUs;
  // The decode kernel: its bytes and one launch (all operand sets in one
  // grid).
  if (predecoded)
    e.tokensUs = tokenBytes / (c.dramGBps * 1e3) + c.launchUs;
  double bound = std::max({e.computeUs, e.memoryUs, e.feedUs});
  e.bound = bound == e.computeUs  ? "compute"
            : bound == e.memoryUs ? "memory"
                                  : "feed";
  e.us = bound + e.splitUs + e.tokensUs + e.launchUs;
  return e;
}

SmallVector<ScheduleCandidate>
mlir::ggemm::listScheduleCandidates(MLIRContext *ctx, const TargetInfo &target,
                                    const KernelProblem &problem,
                                    ScheduleAttr base, int64_t rowsHint,
                                    ArrayRef<int64_t> depths,
                                    bool bothPredecodes) {
  SmallVector<ScheduleCandidate> out;
  static constexpr int64_t kFamilyDepths[] = {2, 3, 4, 5, 6, 7, 8, 10, 12, 16};
  bool family = depths.empty();
  if (family)
    depths = kFamilyDepths;
  // The family's splits, and the base schedule's (a split-k the user
  // fixed, which ggemm-tile chooses the tile for).
  SmallVector<int64_t, 4> splits = {1, 2, 4};
  if (!llvm::is_contained(splits, base.getSplitK()))
    splits.push_back(base.getSplitK());
  // (A chip without a decode kernel gets no predecoded candidate: the
  // schedule attribute would not verify.)
  SmallVector<bool, 2> predecodes = {base.getPredecode()};
  if (bothPredecodes && predecodeRefusal(target.chip).empty())
    predecodes = {false, true};
  for (bool predecode : predecodes)
    for (int64_t tm : target.tileM)
      for (int64_t tn : target.tileN)
        for (int64_t tk : target.tileK)
          for (int64_t stages : depths)
            for (int64_t split : splits) {
              ScheduleCandidate cand;
              cand.schedule = ScheduleAttr::get(
                  ctx, target.chip, tm, tn, tk, base.getRaster(), split,
                  base.getGrid(), stages, predecode);
              KernelProblem p = problem;
              p.schedule = cand.schedule;
              KernelPlanAttr plan;
              cand.refused = target.planKernel(ctx, p, plan);
              // Rings deeper than the default that do not fit shared
              // memory are left out: their reason is always the same. So
              // are the predecoded schedules a kernel refuses when both
              // kinds are offered (e.g. gathered rows take none).
              if (family && !cand.refused.empty() &&
                  (stages > 4 || (bothPredecodes && predecode)))
                continue;
              if (cand.refused.empty())
                cand.cost = estimateCost(target, p, rowsHint);
              out.push_back(std::move(cand));
            }
  // Cheapest first. Predictions within 1% tie (the model has no term that
  // prefers one ring depth once the ring covers the DRAM latency): then the
  // depth nearest the kernel's default of 4 wins, then the fewer splits,
  // then the kernel without the decode kernel.
  auto key = [](const ScheduleCandidate &c) {
    ScheduleAttr s = c.schedule;
    return std::make_tuple(!c.refused.empty(),
                           std::llround(std::log(std::max(c.cost.us, 1e-3)) /
                                        std::log(1.01)),
                           std::abs(s.getStages() - 4), s.getSplitK(),
                           s.getPredecode());
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const ScheduleCandidate &a, const ScheduleCandidate &b) {
                     return key(a) < key(b);
                   });
  return out;
}
