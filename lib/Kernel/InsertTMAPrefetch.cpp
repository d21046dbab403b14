//===- InsertTMAPrefetch.cpp - the ggemm-insert-tma-prefetch pass ---------===//
//
// Puts a ggemm.prefetch_tile for the CTA's next work item at the top of
// each iteration of the persistent loop of an outlined kernel, so that the
// next tile's tensor maps (when its group differs) and its first K tiles
// are on their way to the descriptor cache and L2 while this tile runs.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Kernel/Passes.h"

#include "GGemm/GGemmOps.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "ggemm-insert-tma-prefetch"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMINSERTTMAPREFETCH
#include "ggemm/Kernel/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

struct GGemmInsertTMAPrefetch final
    : public ggemm::impl::GGemmInsertTMAPrefetchBase<GGemmInsertTMAPrefetch> {
  using GGemmInsertTMAPrefetchBase::GGemmInsertTMAPrefetchBase;

  /// Inserts the prefetch for `tile`; false (with a debug note) when the
  /// tile is not in the shape ggemm-outline-kernel makes.
  template <typename TileLike>
  bool insert(TileLike tile, int64_t kTiles) {
    Value group = tile.getGroup();
    auto coords = group.getDefiningOp<TileCoordsOp>();
    auto loop = dyn_cast<scf::ForOp>(tile->getParentOp());
    if (!coords || !loop || coords.getWork() != loop.getInductionVar() ||
        coords->getBlock() != tile->getBlock()) {
      LLVM_DEBUG(llvm::dbgs() << "skip " << tile
                              << ": not a tile of the persistent loop\n");
      return false;
    }
    Location loc = tile.getLoc();
    OpBuilder b(tile);
    Value next = arith::AddIOp::create(b, loc, loop.getInductionVar(),
                                       loop.getStep());
    Value hasNext = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                          next, loop.getUpperBound());
    scf::IfOp::create(b, loc, hasNext, [&](OpBuilder &nested, Location) {
      IRMapping mapping;
      mapping.map(coords.getWork(), next);
      auto at = cast<TileCoordsOp>(nested.clone(*coords, mapping));
      PrefetchTileOp::create(nested, loc, at.getGroup(), at.getRowBase(),
                             at.getM0(), at.getN0(), tile.getGroup(),
                             kTiles);
      scf::YieldOp::create(nested, loc);
    });
    return true;
  }

  void runOnOperation() override {
    if (distance < 0) {
      emitError(getOperation().getLoc())
          << "ggemm-insert-tma-prefetch: distance = " << int64_t(distance)
          << " must be >= 0";
      return signalPassFailure();
    }
    if (distance == 0)
      return;
    // Before ggemm-pipeline-loads the tile is a ggemm.tile, after it the
    // producer's ggemm.load_tile.
    SmallVector<Operation *> tiles;
    getOperation().walk([&](Operation *op) {
      if (isa<TileOp, LoadTileOp>(op))
        tiles.push_back(op);
    });
    for (Operation *tile : tiles) {
      // Only outlined kernels prefetch (as ggemm-pipeline-loads, the pass
      // leaves tiles in other functions alone; the verifier only requires
      // some function around them to carry the problem).
      auto fn = tile->getParentOfType<gpu::GPUFuncOp>();
      auto problem =
          fn ? fn->getAttrOfType<KernelProblemAttr>(kProblemAttrName) : nullptr;
      if (!problem)
        continue;
      // The hint fetches the next work item's first K tiles; a split
      // starts inside K (and the prefetch op has no split to say where).
      if (int64_t split = problem.getSchedule().getSplitK(); split > 1) {
        fn.emitOpError() << "has split_k = " << split
                         << "; ggemm-insert-tma-prefetch prefetches the first "
                            "K tiles of the next work item, but a K split "
                            "starts inside K (use prefetch distance 0)";
        return signalPassFailure();
      }
      // Predecoded tokens: A's map is the rank-3 map of the token
      // workspace, which the decode kernel writes in the same stream
      // just before (a prefetch would only race it).
      if (problem.getSchedule().getPredecode()) {
        fn.emitOpError() << "has predecoded tokens; "
                            "ggemm-insert-tma-prefetch prefetches packed A "
                            "and B tiles, but this kernel's A map is its "
                            "token workspace (use prefetch distance 0)";
        return signalPassFailure();
      }
      // More K tiles than stages would only evict what the ring holds.
      int64_t k = std::min<int64_t>(distance,
                                    problem.getSchedule().getStages());
      if (auto op = dyn_cast<TileOp>(tile))
        insert(op, k);
      else
        insert(cast<LoadTileOp>(tile), k);
    }
  }
};

} // namespace
