//===- LoopEmitter.cpp - loops of one group or tile -----------------------===//
//
// Exact CPU arithmetic of docs/architecture.md section 1 (see LoopEmitter.h).
//
//===----------------------------------------------------------------------===//

#include "LoopEmitter.h"

#include "GGemm/GGemmOps.h"
#include "ggemm/Conversion/GGemmToLoops.h"
#include "ggemm/IR/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::ggemm;

LoopEmitter::LoopEmitter(OpBuilder &b, Location loc) : b(b), loc(loc) {
  auto table = [&](StringRef name, int64_t size) {
    auto type = MemRefType::get({size}, b.getF32Type());
    return memref::GetGlobalOp::create(b, loc, type, name);
  };
  e2m1Table = table(kE2M1TableName, 16);
  e4m3Table = table(kE4M3TableName, 256);
}

Value LoopEmitter::index(int64_t v) { return indexConstant(b, loc, v); }

void LoopEmitter::forEachElement(const BlockOperands &ops,
                                 function_ref<void(Value i, Value j)> body) {
  auto rows = scf::ForOp::create(b, loc, ops.rowBegin, ops.rowEnd, index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(rows.getBody());
  // Row i of A, SFA and C (in rows<contiguous> the rows of all groups share
  // these buffers, so i is global there too).
  Value i = rows.getInductionVar();
  auto cols = scf::ForOp::create(b, loc, ops.colBegin, ops.colEnd, index(1));
  b.setInsertionPointToStart(cols.getBody());
  body(i, cols.getInductionVar());
}

void LoopEmitter::emitBlock(const BlockOperands &ops) {
  forEachElement(ops, [&](Value i, Value j) {
    storeResult(ops, emitKLoop(ops, i, j), i, j);
  });
}

Value LoopEmitter::rowOfA(const BlockOperands &ops, Value i) {
  if (!ops.rowIndices)
    return i;
  Value row = arith::IndexCastOp::create(
      b, loc, b.getIndexType(),
      memref::LoadOp::create(b, loc, ops.rowIndices, i));
  Value rows = memref::DimOp::create(b, loc, ops.a, 0);
  // Signed and unsigned at once: a negative index is a huge unsigned one.
  Value inside =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row, rows);
  cf::AssertOp::create(b, loc, inside,
                       "ggemm.grouped_matmul: a row index is outside the "
                       "rows of A");
  return row;
}

Value LoopEmitter::emitKLoop(const BlockOperands &ops, Value i, Value j) {
  Value acc0 = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value aRow = rowOfA(ops, i);
  auto blocks = scf::ForOp::create(
      b, loc, ops.kbBegin, ops.kbEnd, index(1), ValueRange{acc0},
      [&](OpBuilder &, Location, Value kb, ValueRange iter) {
        Value sa = decodeE4M3(loadScale(ops.sfa, {}, aRow, kb, ops.blocked));
        Value sb = decodeE4M3(loadScale(ops.sfb, ops.group, j, kb, ops.blocked));
        Value scale = arith::MulFOp::create(b, loc, sa, sb);
        scf::YieldOp::create(b, loc,
                             emitScaleBlock(ops, aRow, j, kb, scale, iter[0]));
      });
  return blocks.getResult(0);
}

void LoopEmitter::storeResult(const BlockOperands &ops, Value acc, Value i,
                              Value j) {
  if (ops.workspace) {
    Value li = arith::SubIOp::create(b, loc, i, ops.rowBegin);
    Value lj = arith::SubIOp::create(b, loc, j, ops.colBegin);
    memref::StoreOp::create(b, loc, acc, ops.workspace,
                            ValueRange{ops.work, li, lj});
    return;
  }
  if (ops.alpha)
    acc = arith::MulFOp::create(b, loc, acc, ops.alpha);
  Value half = arith::TruncFOp::create(b, loc, b.getF16Type(), acc);
  memref::StoreOp::create(b, loc, half, ops.c, ValueRange{i, j});
}

void LoopEmitter::emitReduce(const BlockOperands &ops, int64_t split) {
  BlockOperands out = ops;
  out.workspace = {};
  forEachElement(ops, [&](Value i, Value j) {
    Value li = arith::SubIOp::create(b, loc, i, ops.rowBegin);
    Value lj = arith::SubIOp::create(b, loc, j, ops.colBegin);
    Value acc;
    for (int64_t s = 0; s < split; ++s) {
      Value slot = arith::AddIOp::create(b, loc, ops.work, index(s));
      Value part = memref::LoadOp::create(b, loc, ops.workspace,
                                          ValueRange{slot, li, lj});
      acc = acc ? arith::AddFOp::create(b, loc, acc, part).getResult() : part;
    }
    storeResult(out, acc, i, j);
  });
}

/// The 16 K elements of scale block `kb`: 8 bytes of A and of B, the even
/// element in the low nibble, added to `acc` in increasing K.
Value LoopEmitter::emitScaleBlock(const BlockOperands &ops, Value aRow,
                                  Value j, Value kb, Value scale, Value acc) {
  constexpr int64_t bytesPerBlock = kScaleBlock / 2;
  Value firstByte = arith::MulIOp::create(b, loc, kb, index(bytesPerBlock));
  auto loop = scf::ForOp::create(
      b, loc, index(0), index(bytesPerBlock), index(1), ValueRange{acc},
      [&](OpBuilder &, Location, Value q, ValueRange iter) {
        Value col = arith::AddIOp::create(b, loc, firstByte, q);
        Value aByte =
            memref::LoadOp::create(b, loc, ops.a, ValueRange{aRow, col});
        SmallVector<Value, 3> bIdx;
        if (ops.group)
          bIdx.push_back(ops.group);
        bIdx.append({j, col});
        Value bByte = memref::LoadOp::create(b, loc, ops.b, bIdx);
        Value sum = iter[0];
        for (bool odd : {false, true}) {
          Value prod =
              arith::MulFOp::create(b, loc, decodeE2M1(nibble(aByte, odd)),
                                    decodeE2M1(nibble(bByte, odd)));
          Value term = arith::MulFOp::create(b, loc, prod, scale);
          sum = arith::AddFOp::create(b, loc, sum, term);
        }
        scf::YieldOp::create(b, loc, sum);
      });
  return loop.getResult(0);
}

/// The even (low) or odd (high) nibble of a byte, as an index.
Value LoopEmitter::nibble(Value byte, bool odd) {
  Value wide = arith::ExtUIOp::create(b, loc, b.getI32Type(), byte);
  auto i32 = [&](int32_t v) {
    return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
  };
  Value bits =
      odd ? arith::ShRUIOp::create(b, loc, wide, i32(4)).getResult()
          : arith::AndIOp::create(b, loc, wide, i32(0xF)).getResult();
  return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), bits);
}

Value LoopEmitter::decodeE2M1(Value code) {
  return memref::LoadOp::create(b, loc, e2m1Table, code);
}

Value LoopEmitter::decodeE4M3(Value byte) {
  Value wide = arith::ExtUIOp::create(b, loc, b.getI32Type(), byte);
  Value idx = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), wide);
  return memref::LoadOp::create(b, loc, e4m3Table, idx);
}

/// Loads scale (row, kb) of a row-major or blocked_128x4 scale buffer,
/// behind an optional leading group index.
Value LoopEmitter::loadScale(Value buffer, Value group, Value row, Value kb,
                             bool blocked) {
  SmallVector<Value, 5> idx;
  if (group)
    idx.push_back(group);
  if (!blocked) {
    idx.append({row, kb});
  } else {
    // [r / 128, c / 4, r % 32, (r % 128) / 32 * 4 + c % 4]
    auto div = [&](Value v, int64_t d) {
      return arith::DivUIOp::create(b, loc, v, index(d)).getResult();
    };
    auto rem = [&](Value v, int64_t d) {
      return arith::RemUIOp::create(b, loc, v, index(d)).getResult();
    };
    Value hi = div(rem(row, kAtomRows), 32);
    Value col = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, hi, index(kAtomCols)),
        rem(kb, kAtomCols));
    idx.append({div(row, kAtomRows), div(kb, kAtomCols), rem(row, 32), col});
  }
  return memref::LoadOp::create(b, loc, buffer, idx);
}
