//===- GroupedMatmulToLoops.cpp - grouped_matmul as scf loops -------------===//
//
// The pattern that rewrites a whole `ggemm.grouped_matmul` into loops over
// rows, columns and K of every group (schedule, if any, ignored: this is
// the reference order).
//
//===----------------------------------------------------------------------===//

#include "LoopEmitter.h"
#include "Patterns.h"
#include "ggemm/Conversion/TileSpaceToArith.h"

#include "GGemm/GGemmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ggemm;

void mlir::ggemm::assertRowsFit(OpBuilder &b, Location loc, Value end,
                                const BlockOperands &ops, RowsKind rows) {
  // rows<gathered>: the groups own routed rows, the rows of C.
  bool gathered = rows == RowsKind::gathered;
  Value count = memref::DimOp::create(b, loc, gathered ? ops.c : ops.a, 0);
  Value fits =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, end, count);
  cf::AssertOp::create(b, loc, fits,
                       gathered ? "ggemm.grouped_matmul: group offsets exceed "
                                  "the routed rows (the rows of C)"
                       : rows == RowsKind::offsets
                           ? "ggemm.grouped_matmul: group offsets exceed the "
                             "rows of A"
                           : "ggemm.grouped_matmul: group sizes exceed the "
                             "rows of A");
}

void mlir::ggemm::assertRowsInRange(OpBuilder &b, Location loc,
                                    RowsKind rows, Value bad) {
  Value ok = arith::XOrIOp::create(
      b, loc, bad, arith::ConstantOp::create(b, loc, b.getBoolAttr(true)));
  cf::AssertOp::create(b, loc, ok,
                       rows == RowsKind::masked
                           ? "ggemm.grouped_matmul: a group count is outside "
                             "[0, max_m]"
                       : rows == RowsKind::contiguous
                           ? "ggemm.grouped_matmul: negative group size"
                           : "ggemm.grouped_matmul: group offsets out of "
                             "order");
}

RowLayout mlir::ggemm::getRowLayout(GroupedOperands problem, Value array) {
  int64_t maxRows = problem.rows == RowsKind::masked
                        ? problem.getGroupShape(0).m
                        : 0;
  return {problem.rows, array, maxRows};
}

Value mlir::ggemm::flattenGroups(OpBuilder &b, Location loc, Value operand) {
  auto type = cast<MemRefType>(operand.getType());
  if (type.getRank() != 3)
    return operand;
  return memref::CollapseShapeOp::create(
      b, loc, operand, ArrayRef<ReassociationIndices>{{0, 1}, {2}});
}

namespace {

struct GroupedMatmulToLoops final
    : public OpConversionPattern<GroupedMatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GroupedMatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    LoopEmitter emitter(rewriter, loc);
    bool blocked = op.getScaleLayout() == ScaleLayout::blocked_128x4;
    auto alphaOf = [&](Value g) -> Value {
      if (!adaptor.getAlpha())
        return {};
      return memref::LoadOp::create(rewriter, loc, adaptor.getAlpha(), g);
    };

    if (op.isListForm()) {
      for (int64_t g = 0, e = op.getNumGroups(); g < e; ++g) {
        GroupShape shape = op.getGroupShape(g);
        emitter.emitBlock(
            {adaptor.getA()[g], adaptor.getSfa()[g], adaptor.getB()[g],
             adaptor.getSfb()[g], adaptor.getC()[g], /*group=*/{},
             alphaOf(emitter.index(g)), blocked, emitter.index(0),
             emitter.index(shape.m), emitter.index(0), emitter.index(shape.n),
             emitter.index(0), emitter.index(shape.k / kScaleBlock), {}, {}});
      }
      rewriter.eraseOp(op);
      return success();
    }

    // One buffer of each operand (contiguous, offsets, masked): walk the
    // groups at run time, carrying the end of the rows so far.
    GroupShape shape = op.getGroupShape(0);
    Value a = flattenGroups(rewriter, loc, adaptor.getA()[0]);
    Value sfa = flattenGroups(rewriter, loc, adaptor.getSfa()[0]);
    Value c = flattenGroups(rewriter, loc, adaptor.getC()[0]);
    RowLayout layout = getRowLayout(op.getProblem(), adaptor.getGroupSizes());
    scf::ForOp::create(
        rewriter, loc, emitter.index(0), emitter.index(op.getNumGroups()),
        emitter.index(1), ValueRange{emitter.index(0)},
        [&](OpBuilder &b, Location, Value g, ValueRange iter) {
          GroupRowsValues rows = emitGroupRows(b, loc, layout, g, iter[0]);
          if (rows.bad)
            assertRowsInRange(b, loc, layout.kind, rows.bad);
          Value begin = rows.base;
          Value end = arith::AddIOp::create(b, loc, begin, rows.rows);
          BlockOperands ops{a, sfa, adaptor.getB()[0],
                            adaptor.getSfb()[0], c, g,
                            alphaOf(g), /*blocked=*/false, begin, end,
                            emitter.index(0), emitter.index(shape.n),
                            emitter.index(0),
                            emitter.index(shape.k / kScaleBlock), {}, {},
                            adaptor.getRowIndices()};
          assertRowsFit(b, loc, end, ops, layout.kind);
          emitter.emitBlock(ops);
          scf::YieldOp::create(b, loc, end);
        });
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void mlir::ggemm::populateGGemmToLoopsConversionPatterns(
    const NVFP4StorageTypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<GroupedMatmulToLoops>(converter, patterns.getContext());
  populatePersistentToLoopsPatterns(converter, patterns);
}
