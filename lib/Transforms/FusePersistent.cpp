//===- FusePersistent.cpp - the ggemm-fuse-persistent pass ----------------===//
//
// All groups' tiles -> one persistent loop over a single linear tile space,
// with a group-aware scheduler (ggemm.tile_coords) and, for split-K, one
// deterministic reduction phase.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmOps.h"
#include "ggemm/IR/Builders.h"
#include "ggemm/Transforms/Passes.h"
#include "ggemm/Transforms/Schedule.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#define DEBUG_TYPE "ggemm-fuse-persistent"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMFUSEPERSISTENT
#include "ggemm/Transforms/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

/// Builds the persistent form of one scheduled grouped_matmul.
class PersistentBuilder {
public:
  PersistentBuilder(GroupedMatmulOp op, ScheduleAttr schedule)
      : op(op), schedule(schedule), loc(op.getLoc()), b(op) {
    TileSpace space = TileSpace::get(op.getProblem(), schedule);
    tilesM = b.getDenseI64ArrayAttr(space.tilesM);
    tilesN = b.getDenseI64ArrayAttr(space.tilesN);
  }

  void build() {
    int64_t split = schedule.getSplitK();
    Value workspace;
    if (split > 1) {
      // One f32 tile per work item, alive for the whole kernel.
      Value count = numTiles();
      auto type = MemRefType::get(
          {ShapedType::kDynamic, schedule.getTileM(), schedule.getTileN()},
          b.getF32Type());
      workspace = memref::AllocOp::create(b, loc, type, ValueRange{count});
    }

    auto persistent = PersistentOp::create(b, loc, schedule);
    Block *body = b.createBlock(&persistent.getBody(), {},
                                {b.getIndexType(), b.getIndexType()},
                                {loc, loc});
    Value cta = body->getArgument(0), numCtas = body->getArgument(1);
    b.setInsertionPointToStart(body);
    Value count = numTiles();

    // Phase 1: every work item, CTA-strided.
    scf::ForOp::create(b, loc, cta, count, numCtas, ValueRange{},
                       [&](OpBuilder &, Location, Value work, ValueRange) {
                         Coords c = coords(work);
                         MmaTileOp::create(
                             b, loc, c.group, c.rowBase, c.m0, c.n0, c.split,
                             work, op.getRowsAttr(), op.getScaleLayoutAttr(),
                             op.getA(), op.getSfa(), op.getB(), op.getSfb(),
                             op.getC(), op.getGroupSizes(), op.getRowIndices(),
                             op.getAlpha(), workspace, schedule);
                         scf::YieldOp::create(b, loc);
                       });

    // Phase 2 (split-K): each output tile reduced once, in split order.
    if (workspace) {
      GridBarrierOp::create(b, loc);
      // Values do not cross a grid barrier: recompute the count.
      Value splitV = indexConstant(b, loc, split);
      Value outputs = arith::DivUIOp::create(b, loc, numTiles(), splitV);
      scf::ForOp::create(
          b, loc, cta, outputs, numCtas, ValueRange{},
          [&](OpBuilder &, Location, Value tile, ValueRange) {
            Value work = arith::MulIOp::create(b, loc, tile, splitV);
            Coords c = coords(work);
            ReduceTileOp::create(b, loc, c.group, c.rowBase, c.m0, c.n0, work,
                                 op.getRowsAttr(), op.getScaleLayoutAttr(),
                                 op.getA(), op.getSfa(), op.getB(),
                                 op.getSfb(), op.getC(), op.getGroupSizes(),
                                 op.getRowIndices(), op.getAlpha(),
                                 workspace, schedule);
            scf::YieldOp::create(b, loc);
          });
    }
    YieldOp::create(b, loc);

    b.setInsertionPointAfter(persistent);
    if (workspace)
      memref::DeallocOp::create(b, loc, workspace);
    op.erase();
  }

private:
  struct Coords {
    Value group, rowBase, m0, n0, split;
  };

  /// The tile space's row layout: none for static rows (list) and for
  /// rows<contiguous>, its default; offsets and masked say so.
  RowsKindAttr rowsAttr() {
    RowsKind rows = op.getRows();
    if (rows == RowsKind::list || rows == RowsKind::contiguous)
      return {};
    // rows<gathered>: the groups are offsets over the routed rows (row
    // indices matter to the tiles' loads only).
    if (rows == RowsKind::gathered)
      rows = RowsKind::offsets;
    return RowsKindAttr::get(b.getContext(), rows);
  }
  IntegerAttr maxRowsAttr() {
    if (op.getRows() != RowsKind::masked)
      return {};
    return b.getI64IntegerAttr(op.getGroupShape(0).m);
  }

  Value numTiles() {
    return NumTilesOp::create(b, loc, b.getIndexType(), tilesM, tilesN,
                              op.getGroupSizes(), rowsAttr(), maxRowsAttr(),
                              schedule);
  }

  Coords coords(Value work) {
    Type index = b.getIndexType();
    auto c = TileCoordsOp::create(b, loc, index, index, index, index, index,
                                  work, tilesM, tilesN, op.getGroupSizes(),
                                  rowsAttr(), maxRowsAttr(), schedule);
    return {c.getGroup(), c.getRowBase(), c.getM0(), c.getN0(), c.getSplit()};
  }

  GroupedMatmulOp op;
  ScheduleAttr schedule;
  Location loc;
  OpBuilder b;
  DenseI64ArrayAttr tilesM, tilesN;
};

struct GGemmFusePersistent final
    : public ggemm::impl::GGemmFusePersistentBase<GGemmFusePersistent> {
  using GGemmFusePersistentBase::GGemmFusePersistentBase;

  void runOnOperation() override {
    SmallVector<GroupedMatmulOp> ops;
    WalkResult result = getOperation().walk([&](GroupedMatmulOp op) {
      if (!op.getSchedule()) {
        op.emitOpError("has no schedule; run ggemm-tile before "
                       "ggemm-fuse-persistent");
        return WalkResult::interrupt();
      }
      if (op.hasTensorSemantics()) {
        op.emitOpError("is in tensor form; bufferize it (one-shot-bufferize) "
                       "before ggemm-fuse-persistent");
        return WalkResult::interrupt();
      }
      ops.push_back(op);
      return WalkResult::advance();
    });
    if (result.wasInterrupted() || grid < 0 || grid > 65535) {
      if (!result.wasInterrupted())
        getOperation().emitError() << "ggemm-fuse-persistent: grid = "
                                   << int64_t(grid)
                                   << " must be in [0, 65535]";
      return signalPassFailure();
    }
    for (GroupedMatmulOp op : ops) {
      ScheduleAttr s = op.getScheduleAttr();
      if (grid > 0)
        s = ScheduleAttr::get(&getContext(), s.getTarget(), s.getTileM(),
                              s.getTileN(),
                              s.getTileK(), s.getRaster(), s.getSplitK(), grid,
                              s.getStages(), s.getPredecode());
      PersistentBuilder(op, s).build();
    }
  }
};

} // namespace
