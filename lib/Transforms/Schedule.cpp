//===- Schedule.cpp - tile-space arithmetic of a schedule -----------------===//
//
// Tile counts, the split-K cost rule and CTA loads (Schedule.h).
//
//===----------------------------------------------------------------------===//

#include "ggemm/Transforms/Schedule.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::ggemm;

TileSpace TileSpace::get(const GroupedOperands &problem,
                         ScheduleAttr schedule) {
  TileSpace space;
  space.splitK = schedule.getSplitK();
  space.grid = schedule.getGrid();
  for (int64_t g = 0, e = problem.getNumGroups(); g < e; ++g) {
    GroupShape shape = problem.getGroupShape(g);
    if (problem.isListForm())
      space.tilesM.push_back(llvm::divideCeil(shape.m, schedule.getTileM()));
    space.tilesN.push_back(llvm::divideCeil(shape.n, schedule.getTileN()));
    space.kTiles.push_back(llvm::divideCeil(shape.k, schedule.getTileK()));
  }
  return space;
}

int64_t TileSpace::outputTiles() const {
  int64_t total = 0;
  for (auto [m, n] : llvm::zip(tilesM, tilesN))
    total += m * n;
  return total;
}

int64_t TileSpace::maxKTiles() const {
  return kTiles.empty() ? 0 : *llvm::max_element(kTiles);
}

double mlir::ggemm::splitKCost(const TileSpace &space, int64_t split) {
  int64_t w = space.outputTiles(), kt = space.maxKTiles();
  double extra = split > 1 ? 0.5 : 0.0;
  // Split 0 is the longest.
  double partials = double(llvm::divideCeil(w * split, space.grid)) *
                    (double(splitKRange(kt, split, 0).count) + extra);
  double reduce =
      double(llvm::divideCeil(w, space.grid)) * double(split) * extra;
  return partials + reduce;
}

int64_t mlir::ggemm::chooseSplitK(const TileSpace &space) {
  if (space.tilesM.empty() || space.outputTiles() == 0)
    return 1;
  int64_t best = 1;
  double bestCost = splitKCost(space, 1);
  for (int64_t s = 2; s <= std::min<int64_t>(16, space.maxKTiles()); ++s) {
    double cost = splitKCost(space, s);
    if (cost < bestCost) {
      best = s;
      bestCost = cost;
    }
  }
  return best;
}

SmallVector<int64_t> mlir::ggemm::ctaLoads(const TileSpace &space) {
  // Work item w runs on CTA w % grid (forEachCtaShare), so the cost does
  // not grow with the number of tiles.
  SmallVector<int64_t> loads(space.grid, 0);
  int64_t work = 0;
  for (auto [g, tm] : llvm::enumerate(space.tilesM)) {
    int64_t tiles = tm * space.tilesN[g];
    forEachCtaShare(work, tiles, space.splitK, space.grid,
                    [&](int64_t cta, int64_t split, int64_t count) {
                      loads[cta] += count * splitKRange(space.kTiles[g],
                                                        space.splitK, split)
                                                .count;
                    });
    work += tiles * space.splitK;
  }
  return loads;
}
