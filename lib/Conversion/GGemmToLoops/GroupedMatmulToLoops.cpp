//===- GroupedMatmulToLoops.cpp - grouped_matmul as scf loops -------------===//
//
// The pattern that rewrites `ggemm.grouped_matmul` into loops over rows,
// columns and K of every group, over the byte storage of the operands.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmOps.h"
#include "ggemm/Conversion/GGemmToLoops.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ggemm;

namespace {

/// Everything the loops of one group need, as storage-typed values.
struct GroupOperands {
  Value a, sfa, b, sfb, c; // A: R x K/2 i8, SFB/B may have a leading group dim
  Value rowBegin, rowEnd;  // rows [rowBegin, rowEnd) of A, SFA and C
  Value group;             // index into B/SFB's leading dim, or null
  Value alpha;             // f32 or null
  int64_t n, k;
  bool blocked;
};

/// Builds the loops of one group (see the pass description for semantics).
class GroupEmitter {
public:
  GroupEmitter(OpBuilder &b, Location loc, Value e2m1Table, Value e4m3Table)
      : b(b), loc(loc), e2m1Table(e2m1Table), e4m3Table(e4m3Table) {}

  void emit(const GroupOperands &ops) {
    Value zero = cst(0), one = cst(1);
    scf::ForOp rows = scf::ForOp::create(b, loc, ops.rowBegin, ops.rowEnd, one);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(rows.getBody());
    // Row i of A, SFA and C (in rows<contiguous> the rows of all groups
    // share these buffers, so i is global there too).
    Value i = rows.getInductionVar();

    scf::ForOp cols = scf::ForOp::create(b, loc, zero, cst(ops.n), one);
    b.setInsertionPointToStart(cols.getBody());
    Value j = cols.getInductionVar();

    Value acc0 = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    auto blocks = scf::ForOp::create(
        b, loc, zero, cst(ops.k / kScaleBlock), one, ValueRange{acc0},
        [&](OpBuilder &, Location, Value kb, ValueRange iter) {
          Value sa = decodeE4M3(loadScale(ops.sfa, {}, i, kb, ops));
          Value sb = decodeE4M3(loadScale(ops.sfb, ops.group, j, kb, ops));
          Value scale = arith::MulFOp::create(b, loc, sa, sb);
          Value acc = emitBlock(ops, i, j, kb, scale, iter[0]);
          scf::YieldOp::create(b, loc, acc);
        });
    Value acc = blocks.getResult(0);
    if (ops.alpha)
      acc = arith::MulFOp::create(b, loc, acc, ops.alpha);
    Value half = arith::TruncFOp::create(b, loc, b.getF16Type(), acc);
    memref::StoreOp::create(b, loc, half, ops.c, ValueRange{i, j});
  }

private:
  Value cst(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  /// The 16 K elements of scale block `kb`: 8 bytes of A and of B, the even
  /// element in the low nibble, added to `acc` in increasing K.
  Value emitBlock(const GroupOperands &ops, Value i, Value j, Value kb,
                  Value scale, Value acc) {
    constexpr int64_t bytesPerBlock = kScaleBlock / 2;
    Value firstByte =
        arith::MulIOp::create(b, loc, kb, cst(bytesPerBlock));
    auto loop = scf::ForOp::create(
        b, loc, cst(0), cst(bytesPerBlock), cst(1), ValueRange{acc},
        [&](OpBuilder &, Location, Value q, ValueRange iter) {
          Value col = arith::AddIOp::create(b, loc, firstByte, q);
          Value aByte = memref::LoadOp::create(b, loc, ops.a, ValueRange{i, col});
          SmallVector<Value, 3> bIdx;
          if (ops.group)
            bIdx.push_back(ops.group);
          bIdx.append({j, col});
          Value bByte = memref::LoadOp::create(b, loc, ops.b, bIdx);
          Value sum = iter[0];
          for (bool odd : {false, true}) {
            Value prod = arith::MulFOp::create(
                b, loc, decodeE2M1(nibble(aByte, odd)),
                decodeE2M1(nibble(bByte, odd)));
            Value term = arith::MulFOp::create(b, loc, prod, scale);
            sum = arith::AddFOp::create(b, loc, sum, term);
          }
          scf::YieldOp::create(b, loc, sum);
        });
    return loop.getResult(0);
  }

  /// The even (low) or odd (high) nibble of a byte, as an index.
  Value nibble(Value byte, bool odd) {
    Value wide = arith::ExtUIOp::create(b, loc, b.getI32Type(), byte);
    Value bits =
        odd ? arith::ShRUIOp::create(b, loc, wide, i32(4)).getResult()
            : arith::AndIOp::create(b, loc, wide, i32(0xF)).getResult();
    return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), bits);
  }

  Value i32(int32_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  }

  Value decodeE2M1(Value code) {
    return memref::LoadOp::create(b, loc, e2m1Table, code);
  }
  Value decodeE4M3(Value byte) {
    Value wide = arith::ExtUIOp::create(b, loc, b.getI32Type(), byte);
    Value idx = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), wide);
    return memref::LoadOp::create(b, loc, e4m3Table, idx);
  }

  /// Loads scale (row, kb) of a row-major or blocked_128x4 scale buffer,
  /// behind an optional leading group index.
  Value loadScale(Value buffer, Value group, Value row, Value kb,
                  const GroupOperands &ops) {
    SmallVector<Value, 5> idx;
    if (group)
      idx.push_back(group);
    if (!ops.blocked) {
      idx.append({row, kb});
    } else {
      // [r / 128, c / 4, r % 32, (r % 128) / 32 * 4 + c % 4]
      auto div = [&](Value v, int64_t d) {
        return arith::DivUIOp::create(b, loc, v, cst(d)).getResult();
      };
      auto rem = [&](Value v, int64_t d) {
        return arith::RemUIOp::create(b, loc, v, cst(d)).getResult();
      };
      Value hi = div(rem(row, kAtomRows), 32);
      Value col = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, hi, cst(kAtomCols)),
          rem(kb, kAtomCols));
      idx.append({div(row, kAtomRows), div(kb, kAtomCols), rem(row, 32), col});
    }
    return memref::LoadOp::create(b, loc, buffer, idx);
  }

  OpBuilder &b;
  Location loc;
  Value e2m1Table, e4m3Table;
};

struct GroupedMatmulToLoops final
    : public OpConversionPattern<GroupedMatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GroupedMatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto table = [&](StringRef name, int64_t size) {
      auto type = MemRefType::get({size}, rewriter.getF32Type());
      return memref::GetGlobalOp::create(rewriter, loc, type, name);
    };
    Value e2m1 = table(kE2M1TableName, 16), e4m3 = table(kE4M3TableName, 256);
    GroupEmitter emitter(rewriter, loc, e2m1, e4m3);
    bool blocked = op.getScaleLayout() == ScaleLayout::blocked_128x4;
    auto idx = [&](int64_t v) {
      return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
    };
    auto alphaOf = [&](Value g) -> Value {
      if (!adaptor.getAlpha())
        return {};
      return memref::LoadOp::create(rewriter, loc, adaptor.getAlpha(), g);
    };

    if (op.isListForm()) {
      for (int64_t g = 0, e = op.getNumGroups(); g < e; ++g) {
        GroupShape shape = op.getGroupShape(g);
        emitter.emit({adaptor.getA()[g], adaptor.getSfa()[g],
                      adaptor.getB()[g], adaptor.getSfb()[g],
                      adaptor.getC()[g], idx(0), idx(shape.m),
                      /*group=*/{}, alphaOf(idx(g)), shape.n, shape.k,
                      blocked});
      }
      rewriter.eraseOp(op);
      return success();
    }

    // rows<contiguous>: walk the groups at run time, carrying the first row.
    GroupShape shape = op.getGroupShape(0);
    Value totalRows = memref::DimOp::create(rewriter, loc, adaptor.getA()[0], 0);
    auto groups = scf::ForOp::create(
        rewriter, loc, idx(0), idx(op.getNumGroups()), idx(1),
        ValueRange{idx(0)},
        [&](OpBuilder &b, Location, Value g, ValueRange iter) {
          Value begin = iter[0];
          Value size32 = memref::LoadOp::create(b, loc, adaptor.getGroupSizes(), g);
          Value zero32 = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
          Value nonNegative = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::sge, size32, zero32);
          cf::AssertOp::create(b, loc, nonNegative,
                               "ggemm.grouped_matmul: negative group size");
          Value size =
              arith::IndexCastOp::create(b, loc, b.getIndexType(), size32);
          Value end = arith::AddIOp::create(b, loc, begin, size);
          Value fits = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                                             end, totalRows);
          cf::AssertOp::create(b, loc, fits,
                               "ggemm.grouped_matmul: group sizes exceed the "
                               "rows of A");
          emitter.emit({adaptor.getA()[0], adaptor.getSfa()[0],
                        adaptor.getB()[0], adaptor.getSfb()[0],
                        adaptor.getC()[0], begin, end, g, alphaOf(g), shape.n,
                        shape.k, blocked});
          scf::YieldOp::create(b, loc, end);
        });
    (void)groups;
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void mlir::ggemm::populateGGemmToLoopsConversionPatterns(
    const NVFP4StorageTypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<GroupedMatmulToLoops>(converter, patterns.getContext());
}
