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
                                Value a) {
  Value rows = memref::DimOp::create(b, loc, a, 0);
  Value fits =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, end, rows);
  cf::AssertOp::create(b, loc, fits,
                       "ggemm.grouped_matmul: group sizes exceed the rows of "
                       "A");
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

    // rows<contiguous>: walk the groups at run time, carrying the first row.
    GroupShape shape = op.getGroupShape(0);
    Value a = adaptor.getA()[0];
    scf::ForOp::create(
        rewriter, loc, emitter.index(0), emitter.index(op.getNumGroups()),
        emitter.index(1), ValueRange{emitter.index(0)},
        [&](OpBuilder &b, Location, Value g, ValueRange iter) {
          Value begin = iter[0];
          Value size = loadGroupSize(b, loc, adaptor.getGroupSizes(), g);
          Value end = arith::AddIOp::create(b, loc, begin, size);
          assertRowsFit(b, loc, end, a);
          emitter.emitBlock({a, adaptor.getSfa()[0], adaptor.getB()[0],
                             adaptor.getSfb()[0], adaptor.getC()[0], g,
                             alphaOf(g), /*blocked=*/false, begin, end,
                             emitter.index(0), emitter.index(shape.n),
                             emitter.index(0),
                             emitter.index(shape.k / kScaleBlock), {}, {}});
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
