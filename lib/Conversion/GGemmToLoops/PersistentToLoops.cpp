//===- PersistentToLoops.cpp - the persistent level on the CPU ------------===//
//
// ggemm.persistent becomes one loop over CTAs per phase (the grid as an
// outer loop), and the tile-space and tile ops become scalar arithmetic and
// the loops of LoopEmitter. The result equals the reference lowering bit for
// bit when split_k = 1: each element still adds its products in K order.
//
//===----------------------------------------------------------------------===//

#include "LoopEmitter.h"
#include "Patterns.h"
#include "ggemm/Conversion/TileSpaceToArith.h"
#include "ggemm/IR/Builders.h"

#include "GGemm/GGemmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ggemm;

//===----------------------------------------------------------------------===//
// ggemm.persistent -> CTA loops
//===----------------------------------------------------------------------===//

void mlir::ggemm::lowerPersistentToCtaLoops(Operation *root) {
  SmallVector<PersistentOp> ops;
  root->walk([&](PersistentOp op) { ops.push_back(op); });
  for (PersistentOp op : ops) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    Block &body = op.getBody().front();
    Value cta = body.getArgument(0), numCtas = body.getArgument(1);
    Value grid = indexConstant(b, loc, op.getSchedule().getGrid());
    Value zero = indexConstant(b, loc, 0);
    Value one = indexConstant(b, loc, 1);
    numCtas.replaceAllUsesWith(grid);

    // One CTA loop per phase; the verifier guarantees no value crosses a
    // grid barrier, so each phase moves as a whole.
    SmallVector<SmallVector<Operation *>> phases(1);
    for (Operation &inner : body.without_terminator()) {
      if (isa<GridBarrierOp>(inner))
        phases.emplace_back();
      else
        phases.back().push_back(&inner);
    }
    for (ArrayRef<Operation *> phase : phases) {
      auto loop = scf::ForOp::create(b, loc, zero, grid, one);
      for (Operation *inner : phase)
        inner->moveBefore(loop.getBody()->getTerminator());
      cta.replaceUsesWithIf(loop.getInductionVar(), [&](OpOperand &use) {
        return loop->isProperAncestor(use.getOwner());
      });
    }
    op.erase();
  }
}

namespace {

//===----------------------------------------------------------------------===//
// Tiles
//===----------------------------------------------------------------------===//

/// Emits `body(g, operands of group g, M_g)` for the group `group` holds:
/// an scf.index_switch over the static groups of rows<list>, or straight
/// code with run-time M for rows<contiguous>.
template <typename OpTy, typename Adaptor>
void forGroup(ConversionPatternRewriter &rewriter, OpTy op, Adaptor adaptor,
              function_ref<void(BlockOperands, Value m, GroupShape)> body) {
  Location loc = op.getLoc();
  bool blocked = op.getScaleLayout() == ScaleLayout::blocked_128x4;
  auto make = [&](int64_t g, Value group) {
    BlockOperands ops{};
    size_t i = op.isListForm() ? g : 0;
    ops.a = flattenGroups(rewriter, loc, adaptor.getA()[i]);
    ops.sfa = flattenGroups(rewriter, loc, adaptor.getSfa()[i]);
    ops.b = adaptor.getB()[i];
    ops.sfb = adaptor.getSfb()[i];
    ops.c = flattenGroups(rewriter, loc, adaptor.getC()[i]);
    ops.group = op.isListForm() ? Value() : group;
    ops.rowIndices = adaptor.getRowIndices();
    ops.blocked = blocked;
    if (adaptor.getAlpha())
      ops.alpha =
          memref::LoadOp::create(rewriter, loc, adaptor.getAlpha(), group);
    return ops;
  };
  if (!op.isListForm()) {
    // The group's rows from the tile's row base, as the tile space found
    // them (clamped rows were asserted on by num_tiles).
    Value g = adaptor.getGroup();
    Value m = emitGroupRows(rewriter, loc,
                            getRowLayout(op.getProblem(),
                                         adaptor.getGroupSizes()),
                            g, adaptor.getRowBase())
                  .rows;
    body(make(0, g), m, op.getGroupShape(0));
    return;
  }
  int64_t numGroups = op.getNumGroups();
  auto cases = llvm::to_vector(llvm::seq<int64_t>(0, numGroups));
  auto sw = scf::IndexSwitchOp::create(rewriter, loc, TypeRange{},
                                       adaptor.getGroup(), cases, numGroups);
  OpBuilder::InsertionGuard guard(rewriter);
  for (int64_t g = 0; g < numGroups; ++g) {
    rewriter.createBlock(&sw.getCaseRegions()[g]);
    GroupShape shape = op.getGroupShape(g);
    Value gv = indexConstant(rewriter, loc, g);
    body(make(g, gv), indexConstant(rewriter, loc, shape.m), shape);
    scf::YieldOp::create(rewriter, loc);
  }
  rewriter.createBlock(&sw.getDefaultRegion());
  scf::YieldOp::create(rewriter, loc);
}

/// Rows and columns of the tile at (m0, n0), clipped to the group.
void clipTile(OpBuilder &b, Location loc, ScheduleAttr s, Value rowBase,
              Value m0, Value n0, Value m, int64_t n, BlockOperands &ops) {
  Value mEnd = arith::MinUIOp::create(
      b, loc,
      arith::AddIOp::create(b, loc, m0, indexConstant(b, loc, s.getTileM())),
      m);
  ops.rowBegin = arith::AddIOp::create(b, loc, rowBase, m0);
  ops.rowEnd = arith::AddIOp::create(b, loc, rowBase, mEnd);
  ops.colBegin = n0;
  ops.colEnd = arith::MinUIOp::create(
      b, loc,
      arith::AddIOp::create(b, loc, n0, indexConstant(b, loc, s.getTileN())),
      indexConstant(b, loc, n));
}

struct MmaTileToLoops final : public OpConversionPattern<MmaTileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MmaTileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ScheduleAttr s = op.getSchedule();
    LoopEmitter emitter(rewriter, loc);
    forGroup(rewriter, op, adaptor,
             [&](BlockOperands ops, Value m, GroupShape shape) {
               OpBuilder &b = rewriter;
               clipTile(b, loc, s, adaptor.getRowBase(), adaptor.getM0(),
                        adaptor.getN0(), m, shape.n, ops);
               if (!op.isListForm())
                 assertRowsFit(b, loc, ops.rowEnd, ops, op.getRows());
               // The K tiles of this split (emitSplitKRange, as on the
               // GPU), clipped to K, in units of 16-element scale blocks.
               KRangeValues range = emitSplitKRange(
                   b, loc,
                   emitter.index(llvm::divideCeil(shape.k, s.getTileK())),
                   s.getSplitK(), adaptor.getSplit());
               Value tileK = emitter.index(s.getTileK());
               Value k = emitter.index(shape.k);
               Value kBegin = arith::MinUIOp::create(
                   b, loc, arith::MulIOp::create(b, loc, range.first, tileK),
                   k);
               Value end =
                   arith::AddIOp::create(b, loc, range.first, range.count);
               Value kEnd = arith::MinUIOp::create(
                   b, loc, arith::MulIOp::create(b, loc, end, tileK), k);
               Value block = emitter.index(kScaleBlock);
               ops.kbBegin = arith::DivUIOp::create(b, loc, kBegin, block);
               ops.kbEnd = arith::DivUIOp::create(b, loc, kEnd, block);
               ops.workspace = adaptor.getWorkspace();
               ops.work = adaptor.getWork();
               emitter.emitBlock(ops);
             });
    rewriter.eraseOp(op);
    return success();
  }
};

struct ReduceTileToLoops final : public OpConversionPattern<ReduceTileOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReduceTileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ScheduleAttr s = op.getSchedule();
    LoopEmitter emitter(rewriter, loc);
    forGroup(rewriter, op, adaptor,
             [&](BlockOperands ops, Value m, GroupShape shape) {
               clipTile(rewriter, loc, s, adaptor.getRowBase(),
                        adaptor.getM0(), adaptor.getN0(), m, shape.n, ops);
               ops.workspace = adaptor.getWorkspace();
               ops.work = adaptor.getWork();
               emitter.emitReduce(ops, s.getSplitK());
             });
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void mlir::ggemm::populatePersistentToLoopsPatterns(
    const NVFP4StorageTypeConverter &converter, RewritePatternSet &patterns) {
  populateTileSpaceToArithPatterns(
      converter, patterns,
      [](OpBuilder &b, Location loc, Operation *numTiles, Value anyBad) {
        assertRowsInRange(
            b, loc,
            cast<NumTilesOp>(numTiles).getRows().value_or(
                RowsKind::contiguous),
            anyBad);
      });
  patterns.add<MmaTileToLoops, ReduceTileToLoops>(converter,
                                                  patterns.getContext());
}
