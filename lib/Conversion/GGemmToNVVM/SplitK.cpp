//===- SplitK.cpp - split-K in both GPU kernels ---------------------------===//
//
// What a split-K kernel adds to the one-phase kernel (docs/kernel-abi.md,
// parameter 6; docs/sm100-kernel.md, "Split-K"):
//
//   phase 1   each work item's tile covers the K tiles of its split and
//             stores its f32 partial (no alpha) in its workspace slot
//             (the roles' patterns, with emitSplitRange and
//             emitPartialAddress);
//   barrier   ggemm.grid_barrier: every CTA's partials are written and
//             visible before any CTA reads one;
//   phase 2   ggemm.reduce_partials: every thread of the CTA sums an output
//             tile's partials in split order, alpha, f16, into C.
//
// The grid barrier is one 32-bit word (workspace header word 0): CTA 0 adds
// 2^31 - (CTAs - 1), every other CTA adds 1, so the word's bit 31 flips
// once all CTAs arrived and its low 31 bits are what they were (zero: the
// caller zeroes the header once; every launch leaves it so). Each CTA's
// first thread waits for the flip. The kernel is launched cooperatively:
// every CTA is resident, so the wait ends.
//
//===----------------------------------------------------------------------===//

#include "KernelCommon.h"

#include "GGemm/GGemmOps.h"
#include "ggemm/Conversion/TileSpaceToArith.h"
#include "ggemm/IR/Builders.h"
#include "ggemm/Target/Launch.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::ggemm;

namespace {
/// max_g ceil(N_g / tile_n).
int64_t maxTilesN(const KernelProblem &p) {
  int64_t tilesN = 0;
  for (const GroupShape &g : p.groups)
    tilesN = std::max<int64_t>(tilesN,
                               llvm::divideCeil(g.n, p.schedule.getTileN()));
  return tilesN;
}
} // namespace

void mlir::ggemm::emitSplitRange(OpBuilder &b, Location loc,
                                 const KernelProblem &p, GroupFacts &g,
                                 Value split) {
  KRangeValues range =
      emitSplitKRange(b, loc, g.kTiles, p.schedule.getSplitK(), split);
  g.kFirst = range.first;
  g.kTiles = range.count;
}

Value mlir::ggemm::emitWorkspaceBase(OpBuilder &b, Location loc,
                                     ValueRange params) {
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, params[6]);
  return arith::IndexCastUIOp::create(b, loc, b.getI64Type(), base);
}

Value mlir::ggemm::emitWorkspaceTiles(OpBuilder &b, Location loc,
                                      const KernelProblem &p,
                                      const GroupFacts &g) {
  ScheduleAttr s = p.schedule;
  int64_t splitK = s.getSplitK();
  if (p.isListForm()) {
    int64_t tiles = 0;
    for (const GroupShape &shape : p.groups)
      tiles += llvm::divideCeil(shape.m, s.getTileM()) *
               llvm::divideCeil(shape.n, s.getTileN()) * splitK;
    return indexConstant(b, loc, tiles);
  }
  // (ceil(rows / tile_m) + G) * max_g ceil(N_g / tile_n) * split_k: the
  // slots of emitPartialSlot for tiles starting inside the rows.
  int64_t tilesN = maxTilesN(p);
  assert(g.rowsA && "emitGroupFacts with a row base reads the rows of A");
  Value rows =
      arith::MaxSIOp::create(b, loc, g.rowsA, indexConstant(b, loc, 0));
  Value tilesM = arith::AddIOp::create(
      b, loc,
      arith::CeilDivUIOp::create(b, loc, rows,
                                 indexConstant(b, loc, s.getTileM())),
      indexConstant(b, loc, int64_t(p.groups.size())));
  return arith::MulIOp::create(b, loc, tilesM,
                               indexConstant(b, loc, tilesN * splitK));
}

Value mlir::ggemm::emitPartialSlot(OpBuilder &b, Location loc,
                                   const KernelProblem &p, Value group,
                                   Value rowBase, Value m0, Value n0,
                                   Value split, Value work) {
  if (p.isListForm())
    return work;
  ScheduleAttr s = p.schedule;
  Value mSlot = arith::AddIOp::create(
      b, loc,
      arith::DivUIOp::create(b, loc, arith::AddIOp::create(b, loc, rowBase, m0),
                             indexConstant(b, loc, s.getTileM())),
      group);
  Value tile = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, mSlot, indexConstant(b, loc, maxTilesN(p))),
      arith::DivUIOp::create(b, loc, n0, indexConstant(b, loc, s.getTileN())));
  return arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, tile, indexConstant(b, loc, s.getSplitK())),
      split);
}

Value mlir::ggemm::emitPartialAddress(OpBuilder &b, Location loc,
                                      const KernelProblem &p, Value workspace,
                                      Value slot, Value row, Value column) {
  ScheduleAttr s = p.schedule;
  // Slot `slot` holds tile_n / 4 column quads, each tile_m rows of 16
  // bytes: a warp's 32 consecutive rows of one quad are 512 contiguous
  // bytes, in both phases.
  Value quad = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, slot,
                            indexConstant(b, loc, s.getTileN() / 4)),
      arith::DivUIOp::create(b, loc, column, indexConstant(b, loc, 4)));
  Value piece = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, quad, indexConstant(b, loc, s.getTileM())),
      row);
  Value bytes = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, piece, indexConstant(b, loc, 16)),
      indexConstant(b, loc, kWorkspaceHeaderBytes));
  return arith::AddIOp::create(
      b, loc, workspace,
      arith::IndexCastUIOp::create(b, loc, b.getI64Type(), bytes));
}

namespace {

Value globalPtr(OpBuilder &b, Location loc, Value address) {
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), 1), address);
}

/// ggemm.grid_barrier: the CTA's threads meet, its first thread arrives on
/// the barrier word and waits for the last CTA's arrival, the CTA meets
/// again. The fences make the writes before the barrier (ordered before
/// the arrival by the CTA barrier) visible to every thread after it.
struct GridBarrierToNVVM final : public OpRewritePattern<GridBarrierOp> {
  GridBarrierToNVVM(MLIRContext *ctx, ValueRange params)
      : OpRewritePattern(ctx), params(params) {}

  LogicalResult matchAndRewrite(GridBarrierOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    auto i32 = [&](int64_t v) {
      return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(int32_t(v)));
    };
    gpu::BarrierOp::create(b, loc);
    Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid,
                                        indexConstant(b, loc, 0));
    scf::IfOp::create(b, loc, first, [&](OpBuilder &, Location) {
      Value word = globalPtr(b, loc, emitWorkspaceBase(b, loc, params));
      Value ctas = arith::IndexCastUIOp::create(
          b, loc, b.getI32Type(),
          gpu::GridDimOp::create(b, loc, gpu::Dimension::x));
      Value isCta0 = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::eq,
          gpu::BlockIdOp::create(b, loc, gpu::Dimension::x),
          indexConstant(b, loc, 0));
      // CTA 0: 2^31 - (CTAs - 1) = 2^31 + 1 - CTAs (mod 2^32).
      Value add = arith::SelectOp::create(
          b, loc, isCta0,
          arith::SubIOp::create(b, loc, i32(int64_t{0x80000001}), ctas), i32(1));
      LLVM::FenceOp::create(b, loc, LLVM::AtomicOrdering::acq_rel, "device");
      Value old = LLVM::AtomicRMWOp::create(
          b, loc, LLVM::AtomicBinOp::add, word, add,
          LLVM::AtomicOrdering::monotonic, StringRef("device"),
          /*alignment=*/4);
      Value flip = arith::AndIOp::create(b, loc, old, i32(int64_t{0x80000000}));
      scf::WhileOp::create(
          b, loc, TypeRange{}, ValueRange{},
          [&](OpBuilder &, Location, ValueRange) {
            Value now = LLVM::LoadOp::create(
                b, loc, b.getI32Type(), word, /*alignment=*/4,
                /*isVolatile=*/false, /*isNonTemporal=*/false,
                /*isInvariant=*/false, /*isInvariantGroup=*/false,
                LLVM::AtomicOrdering::monotonic, StringRef("device"));
            Value same = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::eq,
                arith::AndIOp::create(b, loc, now, i32(int64_t{0x80000000})),
                flip);
            scf::ConditionOp::create(b, loc, same, ValueRange{});
          },
          [&](OpBuilder &, Location, ValueRange) {
            scf::YieldOp::create(b, loc);
          });
      LLVM::FenceOp::create(b, loc, LLVM::AtomicOrdering::acq_rel, "device");
      scf::YieldOp::create(b, loc);
    });
    gpu::BarrierOp::create(b, loc);
    b.eraseOp(op);
    return success();
  }

  ValueRange params;
};

/// ggemm.reduce_partials: the CTA's threads take the tile's 4-column
/// pieces in the partials' order (consecutive threads, consecutive rows of
/// one column quad: coalesced loads); each sums the split_k partials of its
/// piece in split order and stores it as f16.
struct ReducePartialsToNVVM final
    : public OpRewritePattern<ReducePartialsOp> {
  ReducePartialsToNVVM(MLIRContext *ctx, const KernelProblem &p,
                       ValueRange params, int64_t threads)
      : OpRewritePattern(ctx), p(p), params(params), threads(threads) {}

  LogicalResult matchAndRewrite(ReducePartialsOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    ScheduleAttr s = p.schedule;
    int64_t splitK = s.getSplitK(), tileM = s.getTileM();
    GroupFacts g =
        emitGroupFacts(b, loc, p, params, op.getGroup(), op.getRowBase());
    Value workspace = emitWorkspaceBase(b, loc, params);
    // The tile's rows and columns inside the group (none past a clamped
    // group's rows), and whether all its partials are in the workspace.
    auto inside = [&](Value size, Value start, int64_t tile) {
      Value left = arith::SelectOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, size, start),
          arith::SubIOp::create(b, loc, size, start), indexConstant(b, loc, 0));
      return arith::MinUIOp::create(b, loc, left, indexConstant(b, loc, tile));
    };
    Value rows = inside(g.m, op.getM0(), s.getTileM());
    Value columns = inside(g.n, op.getN0(), s.getTileN());
    // The tile's slots: split s's at slot(s) (consecutive: slot(0) + s).
    Value firstSlot =
        emitPartialSlot(b, loc, p, op.getGroup(), op.getRowBase(), op.getM0(),
                        op.getN0(), indexConstant(b, loc, 0), op.getWork());
    Value stored = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ule,
        arith::AddIOp::create(b, loc, firstSlot, indexConstant(b, loc, splitK)),
        emitWorkspaceTiles(b, loc, p, g));
    Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
    auto f32x4 = VectorType::get({4}, b.getF32Type());
    scf::ForOp::create(
        b, loc, tid, indexConstant(b, loc, tileM * (s.getTileN() / 4)),
        indexConstant(b, loc, threads), ValueRange{},
        [&](OpBuilder &, Location, Value piece, ValueRange) {
          Value row = arith::RemUIOp::create(b, loc, piece,
                                             indexConstant(b, loc, tileM));
          Value column = arith::MulIOp::create(
              b, loc,
              arith::DivUIOp::create(b, loc, piece,
                                     indexConstant(b, loc, tileM)),
              indexConstant(b, loc, 4));
          Value ok = arith::AndIOp::create(
              b, loc, stored,
              arith::AndIOp::create(
                  b, loc,
                  arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row,
                                        rows),
                  arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                        column, columns)));
          scf::IfOp::create(b, loc, ok, [&](OpBuilder &, Location) {
            Value sum;
            for (int64_t split = 0; split < splitK; ++split) {
              Value slot = arith::AddIOp::create(b, loc, firstSlot,
                                                 indexConstant(b, loc, split));
              Value part = LLVM::LoadOp::create(
                  b, loc, f32x4,
                  globalPtr(b, loc,
                            emitPartialAddress(b, loc, p, workspace, slot, row,
                                               column)),
                  /*alignment=*/16);
              sum = sum ? arith::AddFOp::create(b, loc, sum, part).getResult()
                        : part;
            }
            Value cRow = arith::AddIOp::create(
                b, loc, op.getRowBase(),
                arith::AddIOp::create(b, loc, op.getM0(), row));
            Value element = arith::AddIOp::create(
                b, loc, arith::MulIOp::create(b, loc, cRow, g.n),
                arith::AddIOp::create(b, loc, op.getN0(), column));
            emitF16Store(b, loc, g, sum, element, /*alignment=*/8);
            scf::YieldOp::create(b, loc);
          });
          scf::YieldOp::create(b, loc);
        });
    b.eraseOp(op);
    return success();
  }

  const KernelProblem &p;
  ValueRange params;
  int64_t threads;
};

} // namespace

void mlir::ggemm::populateSplitKPatterns(RewritePatternSet &patterns,
                                         const KernelProblem &p,
                                         ValueRange params, int64_t threads) {
  patterns.add<GridBarrierToNVVM>(patterns.getContext(), params);
  patterns.add<ReducePartialsToNVVM>(patterns.getContext(), p, params, threads);
}
