//===- WorkItems.cpp - how work items split K and land on CTAs ------------===//
//
// The rules of WorkItems.h.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Target/WorkItems.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::ggemm;

KRange mlir::ggemm::splitKRange(int64_t kTiles, int64_t splitK,
                                int64_t split) {
  int64_t perSplit = llvm::divideCeil(kTiles, splitK);
  int64_t first = std::min(split * perSplit, kTiles);
  return {first, std::min(kTiles, first + perSplit) - first};
}

void mlir::ggemm::forEachCtaShare(
    int64_t first, int64_t tiles, int64_t splitK, int64_t grid,
    function_ref<void(int64_t, int64_t, int64_t)> add) {
  for (int64_t s = 0; s < splitK; ++s)
    for (int64_t t = 0, e = std::min(tiles, grid); t < e; ++t)
      add((first + s + t * splitK) % grid, s, (tiles - t + grid - 1) / grid);
}
