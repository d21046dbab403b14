//===- TMAPrefetch.cpp - ggemm.prefetch_tile to NVVM ----------------------===//
//
// Descriptor prefetch (prefetch.tensormap) and L2 prefetch of tensor tiles
// (cp.async.bulk.prefetch.tensor) for the next tile of a persistent kernel.
// Both are hints: they change no result, only when bytes arrive.
//
//===----------------------------------------------------------------------===//

#include "TMAPrefetch.h"

#include "ggemm/IR/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ggemm;

void mlir::ggemm::emitTilePrefetch(OpBuilder &b, const KernelProblem &p,
                                   ValueRange params, PrefetchTileOp op) {
  Location loc = op.getLoc();
  ScheduleAttr s = p.schedule;
  auto toI32 = [&](Value v) {
    return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), v).getResult();
  };
  GroupFacts g =
      emitGroupFacts(b, loc, p, params, op.getGroup(), op.getRowBase());
  Value mapA = emitTensorMapPtr(b, loc, params[0], g.mapA);
  Value mapB = emitTensorMapPtr(b, loc, params[0], g.mapB);

  // A new group: its tensor maps into the descriptor cache (in list form
  // every group has its own maps; contiguous form shares one set).
  if (p.isListForm()) {
    Value changed = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                          op.getGroup(), op.getCurrentGroup());
    scf::IfOp::create(b, loc, changed, [&](OpBuilder &, Location) {
      SmallVector<Value> maps{mapA, mapB};
      if (p.scaleMaps)
        maps.append({emitTensorMapPtr(b, loc, params[0], g.mapSfa),
                     emitTensorMapPtr(b, loc, params[0], g.mapSfb)});
      for (Value map : maps)
        NVVM::PrefetchOp::create(b, loc, /*cacheLevel=*/nullptr,
                                 /*evictPriority=*/nullptr, map,
                                 /*predicate=*/Value(), /*tensormap=*/true);
      scf::YieldOp::create(b, loc);
    });
  }

  // The first K tiles of the tile's rows of A and B into L2. Rows past
  // the tensor are clipped by TMA, so an M tail needs no guard.
  Value rowA = arith::AddIOp::create(b, loc, op.getRowBase(), op.getM0());
  Value rowB = arith::AddIOp::create(b, loc, g.bRowBase, op.getN0());
  Value count = arith::MinUIOp::create(b, loc, g.kTiles,
                                       indexConstant(b, loc, op.getKTiles()));
  Value empty = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, g.m,
                                      indexConstant(b, loc, 0));
  scf::IfOp::create(
      b, loc, empty,
      [&](OpBuilder &, Location) { scf::YieldOp::create(b, loc); },
      [&](OpBuilder &, Location) {
        scf::ForOp::create(
            b, loc, indexConstant(b, loc, 0), count, indexConstant(b, loc, 1),
            ValueRange{}, [&](OpBuilder &, Location, Value kt, ValueRange) {
              Value x = toI32(arith::MulIOp::create(
                  b, loc, kt, indexConstant(b, loc, s.getTileK() / 2)));
              NVVM::CpAsyncBulkTensorPrefetchOp::create(
                  b, loc, mapA, ValueRange{x, toI32(rowA)}, ValueRange{},
                  NVVM::TMALoadMode::TILE, Value());
              NVVM::CpAsyncBulkTensorPrefetchOp::create(
                  b, loc, mapB, ValueRange{x, toI32(rowB)}, ValueRange{},
                  NVVM::TMALoadMode::TILE, Value());
              scf::YieldOp::create(b, loc);
            });
        scf::YieldOp::create(b, loc);
      });
}

namespace {

struct PrefetchTileToNVVM final : public OpRewritePattern<PrefetchTileOp> {
  PrefetchTileToNVVM(MLIRContext *ctx, const KernelProblem &problem,
                     ValueRange params)
      : OpRewritePattern(ctx), problem(problem), params(params) {}
  LogicalResult matchAndRewrite(PrefetchTileOp op,
                                PatternRewriter &rewriter) const override {
    // One thread issues the hints: lane 0 of the producer warp.
    Location loc = op.getLoc();
    Value lane = arith::RemUIOp::create(
        rewriter, loc,
        gpu::ThreadIdOp::create(rewriter, loc, gpu::Dimension::x),
        indexConstant(rewriter, loc, 32));
    Value isLeader =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, lane,
                              indexConstant(rewriter, loc, 0));
    scf::IfOp::create(rewriter, loc, isLeader, [&](OpBuilder &, Location) {
      emitTilePrefetch(rewriter, problem, params, op);
      scf::YieldOp::create(rewriter, loc);
    });
    rewriter.eraseOp(op);
    return success();
  }
  const KernelProblem &problem;
  ValueRange params;
};

} // namespace

void mlir::ggemm::populateTMAPrefetchPatterns(RewritePatternSet &patterns,
                                              const KernelProblem &problem,
                                              ValueRange params) {
  patterns.add<PrefetchTileToNVVM>(patterns.getContext(), problem, params);
}
