//===- SM90Epilogue.cpp - accumulators out, sm_90a kernel -----------------===//
//
// The end of the consumer warpgroups' tile (see SM90Kernel.h): wgmma's f32
// accumulators (C transposed, times 2^28 from the decode) scaled back and
// by alpha, then stored as f16 (staged through shared memory or one
// element per store) or, with split-K, as the f32 partial into its
// workspace slot.
//
//===----------------------------------------------------------------------===//

#include "SM90Kernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::ggemm;
using namespace mlir::ggemm::sm90;

/// Accumulator 4 j + e of a thread holds weight row 16 (warp % 4) +
/// lane / 4 + 8 (e / 2) of its warpgroup's 64 and token 8 j + 2 (lane % 4) +
/// e % 2: C transposed. When every group's N is a multiple of 8, the tile
/// goes through shared memory (the decode buffers, free once both
/// warpgroups' wgmmas are done) as f16 rows of C, sm90EpilogueTokens rows
/// at a time, and leaves in 16-byte stores, 16 lanes per row; otherwise one
/// f16 per store.
void SM90KernelBuilder::emitEpilogue(const GroupFacts &g, Value result,
                                     Value rowBase, Value m0, Value n0,
                                     Value warp, Value warpgroup,
                                     Value slot) {
  Type f32 = b.getF32Type();
  Value weightRow = arith::AddIOp::create(
      b, loc,
      arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, warpgroup, idx(kWgmmaM)),
          arith::MulIOp::create(
              b, loc, arith::RemUIOp::create(b, loc, warp, idx(4)), idx(16))),
      arith::DivUIOp::create(b, loc, lane, idx(4)));
  Value token = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, lane, idx(4)), idx(2));
  Value scale = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(static_cast<float>(kDecodeScale)));
  auto accumulator = [&](int64_t i) {
    Value v = arith::MulFOp::create(
        b, loc, LLVM::ExtractValueOp::create(b, loc, result, i), scale);
    return g.alpha ? arith::MulFOp::create(b, loc, v, g.alpha).getResult() : v;
  };
  // Each accumulator 4 j + e of the thread, with its token row and column
  // in the tile and whether that element lies inside the group.
  auto forEachAccumulator =
      [&](function_ref<void(int64_t j, int64_t e, Value tokenRow, Value col,
                            Value inside)>
              body) {
        for (int64_t j = 0; j < tileM / 8; ++j)
          for (int64_t e = 0; e < 4; ++e) {
            Value col =
                arith::AddIOp::create(b, loc, weightRow, idx(8 * (e / 2)));
            Value tokenRow =
                arith::AddIOp::create(b, loc, token, idx(8 * j + e % 2));
            Value inside = arith::AndIOp::create(
                b, loc,
                arith::CmpIOp::create(
                    b, loc, arith::CmpIPredicate::ult,
                    arith::AddIOp::create(b, loc, m0, tokenRow), g.m),
                arith::CmpIOp::create(
                    b, loc, arith::CmpIPredicate::ult,
                    arith::AddIOp::create(b, loc, n0, col), g.n));
            body(j, e, tokenRow, col, inside);
          }
      };
  // C's element (token, column) of this tile.
  auto element = [&](Value tokenRow, Value col) {
    return arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(
            b, loc,
            arith::AddIOp::create(b, loc, rowBase,
                                  arith::AddIOp::create(b, loc, m0, tokenRow)),
            g.n),
        arith::AddIOp::create(b, loc, n0, col));
  };

  if (slot) {
    // Split-K: the f32 partial (decode scale applied, no alpha) of the
    // tile's elements inside the group into its workspace slot, for the
    // reduction after the grid barrier.
    Value stored =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, slot,
                              emitWorkspaceTiles(b, loc, problem, g));
    // The thread's first element (token row `token`, column `weightRow`):
    // its others are constant offsets from it, 8 columns = 2 column quads
    // and one row = 16 bytes apart.
    Value quadStart = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, weightRow, idx(4)), idx(4));
    Value threadBase = arith::AddIOp::create(
        b, loc,
        emitPartialAddress(b, loc, problem, emitWorkspaceBase(b, loc, params),
                           slot, token, quadStart),
        arith::IndexCastUIOp::create(
            b, loc, b.getI64Type(),
            arith::MulIOp::create(
                b, loc, arith::RemUIOp::create(b, loc, weightRow, idx(4)),
                idx(4))));
    forEachAccumulator([&](int64_t j, int64_t e, Value, Value, Value inside) {
      Value value = arith::MulFOp::create(
          b, loc, LLVM::ExtractValueOp::create(b, loc, result, 4 * j + e),
          scale);
      Value ok = arith::AndIOp::create(b, loc, stored, inside);
      scf::IfOp::create(b, loc, ok, [&](OpBuilder &, Location) {
        int64_t offset = ((e / 2) * 2 * tileM + 8 * j + e % 2) * 16;
        Value address = arith::AddIOp::create(
            b, loc, threadBase,
            arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(offset)));
        LLVM::StoreOp::create(
            b, loc, value,
            LLVM::IntToPtrOp::create(
                b, loc, LLVM::LLVMPointerType::get(b.getContext(), 1), address),
            /*alignment=*/4);
        scf::YieldOp::create(b, loc);
      });
    });
    return;
  }

  bool staged = llvm::all_of(problem.groups, [](const GroupShape &s) {
    return s.n % 8 == 0;
  });
  if (!staged) {
    GroupFacts unscaled = g;
    unscaled.alpha = Value();
    forEachAccumulator([&](int64_t j, int64_t e, Value tokenRow, Value col,
                           Value inside) {
      Value value = accumulator(4 * j + e);
      scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
        emitF16Store(b, loc, unscaled,
                     vector::FromElementsOp::create(
                         b, loc, VectorType::get({1}, f32), ValueRange{value}),
                     element(tokenRow, col), /*alignment=*/2);
        scf::YieldOp::create(b, loc);
      });
    });
    return;
  }

  // Rows of the staged tile: tileN f16 and 16 bytes of padding, so that the
  // four token rows one store instruction writes fall in different banks.
  // The tile is staged sm90EpilogueTokens rows at a time (all of them but
  // with predecoded tokens, where the staging shares shared memory with
  // the token ring).
  int64_t pitch = tileN * 2 + 16;
  int64_t chunkRows = sm90EpilogueTokens(problem);
  int64_t rowsPerPass = kSM90ConsumerThreads / (tileN / 8);
  auto global = LLVM::LLVMPointerType::get(b.getContext(), 1);
  // This thread's piece of a staged row (set at the first rows' reads).
  Value chunk, firstRow, col, colInside;
  for (int64_t first = 0; first < tileM; first += chunkRows) {
    // (The first barrier: both warpgroups' wgmmas are done, or the previous
    // rows have left the staging.)
    consumerBarrier();
    for (int64_t j = first / 8; j < (first + chunkRows) / 8; ++j)
      for (int64_t e = 0; e < 4; ++e) {
        Value stagedRow =
            arith::AddIOp::create(b, loc, token, idx(8 * j + e % 2 - first));
        Value weight =
            arith::AddIOp::create(b, loc, weightRow, idx(8 * (e / 2)));
        Value offset = arith::AddIOp::create(
            b, loc,
            arith::AddIOp::create(
                b, loc, arith::MulIOp::create(b, loc, stagedRow, idx(pitch)),
                arith::MulIOp::create(b, loc, weight, idx(2))),
            idx(kSM90DecodeOffset));
        Value half = arith::TruncFOp::create(b, loc, b.getF16Type(),
                                             accumulator(4 * j + e));
        LLVM::StoreOp::create(b, loc, half, sharedPtr(offset),
                              /*alignment=*/2);
      }
    consumerBarrier();
    if (!chunk) {
      // 16 lanes per token row (tileN = 128 columns of 8), 16 rows per
      // pass.
      chunk = arith::RemUIOp::create(b, loc, tid, idx(tileN / 8));
      firstRow = arith::DivUIOp::create(b, loc, tid, idx(tileN / 8));
      col = arith::MulIOp::create(b, loc, chunk, idx(8));
      colInside = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ult,
          arith::AddIOp::create(b, loc, n0, col), g.n);
    }
    for (int64_t pass = 0; pass < chunkRows / rowsPerPass; ++pass) {
      Value stagedRow = arith::AddIOp::create(b, loc, firstRow,
                                              idx(pass * rowsPerPass));
      Value tokenRow = arith::AddIOp::create(b, loc, stagedRow, idx(first));
      Value values = LLVM::LoadOp::create(
          b, loc, VectorType::get({4}, b.getI32Type()),
          sharedPtr(arith::AddIOp::create(
              b, loc,
              arith::AddIOp::create(
                  b, loc,
                  arith::MulIOp::create(b, loc, stagedRow, idx(pitch)),
                  arith::MulIOp::create(b, loc, chunk, idx(16))),
              idx(kSM90DecodeOffset))),
          /*alignment=*/16);
      Value inside = arith::AndIOp::create(
          b, loc, colInside,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                arith::AddIOp::create(b, loc, m0, tokenRow),
                                g.m));
      scf::IfOp::create(b, loc, inside, [&](OpBuilder &, Location) {
        Value bytes = arith::MulIOp::create(b, loc, element(tokenRow, col),
                                            idx(2));
        Value addr = arith::AddIOp::create(
            b, loc, g.c,
            arith::IndexCastUIOp::create(b, loc, b.getI64Type(), bytes));
        LLVM::StoreOp::create(b, loc, values,
                              LLVM::IntToPtrOp::create(b, loc, global, addr),
                              /*alignment=*/16);
        scf::YieldOp::create(b, loc);
      });
    }
  }
}
