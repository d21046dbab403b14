//===- TMAPrefetch.cpp - ggemm.prefetch_tile to NVVM ----------------------===//
//
// Descriptor prefetch (prefetch.tensormap), L2 prefetch of tensor tiles
// (cp.async.bulk.prefetch.tensor) and of the scale bytes the kernel reads
// with plain loads (prefetch.global.L2) for the next tile of a persistent
// kernel. All are hints: they change no result, only when bytes arrive.
//
//===----------------------------------------------------------------------===//

#include "TMAPrefetch.h"

#include "ggemm/IR/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ggemm;

void mlir::ggemm::emitTilePrefetch(OpBuilder &b, const KernelProblem &p,
                                   ValueRange params, PrefetchTileOp op,
                                   const GroupFacts &g) {
  Location loc = op.getLoc();
  ScheduleAttr s = p.schedule;
  auto toI32 = [&](Value v) {
    return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), v).getResult();
  };
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

void mlir::ggemm::emitScalePrefetch(OpBuilder &b, const KernelProblem &p,
                                    PrefetchTileOp op, const GroupFacts &g,
                                    Value lane) {
  // (Scales by tensor map, or in sm_100a's blocked layout: not these rows.)
  if (p.scaleMaps || p.scales != ScaleLayout::row_major)
    return;
  Location loc = op.getLoc();
  ScheduleAttr s = p.schedule;
  auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
  auto global = LLVM::LLVMPointerType::get(b.getContext(), 1);
  Value kBlocks = arith::DivUIOp::create(b, loc, g.k, c(kScaleBlock));
  Value count = arith::MinUIOp::create(b, loc, g.kTiles, c(op.getKTiles()));
  // Rows [first, end) of a scale matrix at `base` (i64), K tile kt's bytes
  // of each: lane l takes rows first + l, first + l + 32, ...
  auto prefetchRows = [&](Value base, Value first, Value end) {
    scf::ForOp::create(
        b, loc, arith::AddIOp::create(b, loc, first, lane), end, c(32),
        ValueRange{}, [&](OpBuilder &, Location, Value row, ValueRange) {
          scf::ForOp::create(
              b, loc, c(0), count, c(1), ValueRange{},
              [&](OpBuilder &, Location, Value kt, ValueRange) {
                // (kFirst: 0, the TMA prefetch takes no split-K.)
                Value kt0 = arith::AddIOp::create(b, loc, g.kFirst, kt);
                Value offset = arith::AddIOp::create(
                    b, loc, arith::MulIOp::create(b, loc, row, kBlocks),
                    arith::MulIOp::create(b, loc, kt0,
                                          c(s.getTileK() / kScaleBlock)));
                Value addr = arith::AddIOp::create(
                    b, loc, base,
                    arith::IndexCastUIOp::create(b, loc, b.getI64Type(),
                                                 offset));
                NVVM::PrefetchOp::create(
                    b, loc,
                    NVVM::PrefetchCacheLevelAttr::get(
                        b.getContext(), NVVM::PrefetchCacheLevel::L2),
                    /*evictPriority=*/nullptr,
                    LLVM::IntToPtrOp::create(b, loc, global, addr),
                    /*predicate=*/Value(), /*tensormap=*/false);
                scf::YieldOp::create(b, loc);
              });
          scf::YieldOp::create(b, loc);
        });
  };
  if (p.rows != RowsKind::gathered) {
    // The tile's token rows, to the group's end and (run-time rows) A's.
    Value first = arith::AddIOp::create(b, loc, op.getRowBase(), op.getM0());
    Value end = arith::MinUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, first, c(s.getTileM())),
        emitGroupRowEnd(b, loc, g, op.getRowBase()));
    prefetchRows(g.sfa, first, end);
  }
  Value firstB = arith::AddIOp::create(b, loc, g.bRowBase, op.getN0());
  Value endB = arith::MinUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, firstB, c(s.getTileN())),
      arith::AddIOp::create(b, loc, g.bRowBase, g.n));
  prefetchRows(g.sfb, firstB, endB);
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
    GroupFacts g = emitGroupFacts(rewriter, loc, problem, params,
                                  op.getGroup(), op.getRowBase());
    scf::IfOp::create(rewriter, loc, isLeader, [&](OpBuilder &, Location) {
      emitTilePrefetch(rewriter, problem, params, op, g);
      scf::YieldOp::create(rewriter, loc);
    });
    emitScalePrefetch(rewriter, problem, op, g, lane);
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
