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
    Value grid = arith::ConstantIndexOp::create(b, loc,
                                                op.getSchedule().getGrid());
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
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
// Tile space
//===----------------------------------------------------------------------===//

/// Per-group tile and work counts of a num_tiles / tile_coords op.
struct GroupTiles {
  SmallVector<Value> tilesM, tilesN, work, rows;
};

template <typename OpTy>
GroupTiles getGroupTiles(OpBuilder &b, Location loc, OpTy op,
                         Value groupSizes) {
  ScheduleAttr s = op.getSchedule();
  auto idx = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  GroupTiles t;
  for (auto [g, tilesN] : llvm::enumerate(op.getTilesN())) {
    Value tm;
    if (groupSizes) {
      Value rows = loadGroupSize(b, loc, groupSizes, idx(g));
      t.rows.push_back(rows);
      tm = arith::CeilDivUIOp::create(b, loc, rows, idx(s.getTileM()));
    } else {
      tm = idx(op.getTilesM()[g]);
    }
    t.tilesM.push_back(tm);
    t.tilesN.push_back(idx(tilesN));
    Value tiles = arith::MulIOp::create(b, loc, tm, idx(tilesN));
    t.work.push_back(arith::MulIOp::create(b, loc, tiles, idx(s.getSplitK())));
  }
  return t;
}

struct NumTilesToArith final : public OpConversionPattern<NumTilesOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(NumTilesOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    GroupTiles t = getGroupTiles(rewriter, loc, op, adaptor.getGroupSizes());
    Value total = arith::ConstantIndexOp::create(rewriter, loc, 0);
    for (Value w : t.work)
      total = arith::AddIOp::create(rewriter, loc, total, w);
    rewriter.replaceOp(op, total);
    return success();
  }
};

/// The group-aware scheduler: the group whose range of work items holds
/// `work` (prefix sums of the work counts), then split, then raster order.
struct TileCoordsToArith final : public OpConversionPattern<TileCoordsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TileCoordsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    ScheduleAttr s = op.getSchedule();
    auto idx = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    GroupTiles t = getGroupTiles(b, loc, op, adaptor.getGroupSizes());
    Value work = adaptor.getWork();
    Value base = idx(0), rowBase = idx(0);
    Value selGroup = idx(0), selBase = idx(0), selRowBase = idx(0),
          selTilesM = idx(1), selTilesN = idx(1);
    for (size_t g = 0; g < t.work.size(); ++g) {
      Value end = arith::AddIOp::create(b, loc, base, t.work[g]);
      Value afterBase =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, work, base);
      Value beforeEnd =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, work, end);
      Value inGroup = arith::AndIOp::create(b, loc, afterBase, beforeEnd);
      auto pick = [&](Value yes, Value &sel) {
        sel = arith::SelectOp::create(b, loc, inGroup, yes, sel);
      };
      pick(idx(g), selGroup);
      pick(base, selBase);
      pick(rowBase, selRowBase);
      pick(t.tilesM[g], selTilesM);
      pick(t.tilesN[g], selTilesN);
      base = end;
      if (!t.rows.empty())
        rowBase = arith::AddIOp::create(b, loc, rowBase, t.rows[g]);
    }
    Value local = arith::SubIOp::create(b, loc, work, selBase);
    Value split = arith::RemUIOp::create(b, loc, local, idx(s.getSplitK()));
    Value tile = arith::DivUIOp::create(b, loc, local, idx(s.getSplitK()));
    Value fast = s.getRaster() == Raster::along_m ? selTilesM : selTilesN;
    Value inner = arith::RemUIOp::create(b, loc, tile, fast);
    Value outer = arith::DivUIOp::create(b, loc, tile, fast);
    Value tm = s.getRaster() == Raster::along_m ? inner : outer;
    Value tn = s.getRaster() == Raster::along_m ? outer : inner;
    Value m0 = arith::MulIOp::create(b, loc, tm, idx(s.getTileM()));
    Value n0 = arith::MulIOp::create(b, loc, tn, idx(s.getTileN()));
    rewriter.replaceOp(op, {selGroup, selRowBase, m0, n0, split});
    return success();
  }
};

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
    ops.a = adaptor.getA()[i];
    ops.sfa = adaptor.getSfa()[i];
    ops.b = adaptor.getB()[i];
    ops.sfb = adaptor.getSfb()[i];
    ops.c = adaptor.getC()[i];
    ops.group = op.isListForm() ? Value() : group;
    ops.blocked = blocked;
    if (adaptor.getAlpha())
      ops.alpha =
          memref::LoadOp::create(rewriter, loc, adaptor.getAlpha(), group);
    return ops;
  };
  if (!op.isListForm()) {
    Value g = adaptor.getGroup();
    Value m = loadGroupSize(rewriter, loc, adaptor.getGroupSizes(), g);
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
    Value gv = arith::ConstantIndexOp::create(rewriter, loc, g);
    body(make(g, gv), arith::ConstantIndexOp::create(rewriter, loc, shape.m),
         shape);
    scf::YieldOp::create(rewriter, loc);
  }
  rewriter.createBlock(&sw.getDefaultRegion());
  scf::YieldOp::create(rewriter, loc);
}

/// Rows and columns of the tile at (m0, n0), clipped to the group.
void clipTile(OpBuilder &b, Location loc, ScheduleAttr s, Value rowBase,
              Value m0, Value n0, Value m, int64_t n, BlockOperands &ops) {
  auto idx = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  Value mEnd = arith::MinUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, m0, idx(s.getTileM())), m);
  ops.rowBegin = arith::AddIOp::create(b, loc, rowBase, m0);
  ops.rowEnd = arith::AddIOp::create(b, loc, rowBase, mEnd);
  ops.colBegin = n0;
  ops.colEnd = arith::MinUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, n0, idx(s.getTileN())), idx(n));
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
                 assertRowsFit(b, loc, ops.rowEnd, ops.a);
               // K tiles of this split: [split * q, (split + 1) * q) * tile_k,
               // clipped to K, in units of 16-element scale blocks.
               int64_t kTiles = llvm::divideCeil(shape.k, s.getTileK());
               int64_t perSplit = llvm::divideCeil(kTiles, s.getSplitK());
               Value step = emitter.index(perSplit * s.getTileK());
               Value k = emitter.index(shape.k);
               Value kBegin = arith::MinUIOp::create(
                   b, loc, arith::MulIOp::create(b, loc, adaptor.getSplit(), step),
                   k);
               Value next = arith::AddIOp::create(b, loc, adaptor.getSplit(),
                                                  emitter.index(1));
               Value kEnd = arith::MinUIOp::create(
                   b, loc, arith::MulIOp::create(b, loc, next, step), k);
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

void mlir::ggemm::populateTileSpaceToArithPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<NumTilesToArith, TileCoordsToArith>(converter,
                                                   patterns.getContext());
}

void mlir::ggemm::populatePersistentToLoopsPatterns(
    const NVFP4StorageTypeConverter &converter, RewritePatternSet &patterns) {
  populateTileSpaceToArithPatterns(converter, patterns);
  patterns.add<MmaTileToLoops, ReduceTileToLoops>(converter,
                                                  patterns.getContext());
}
