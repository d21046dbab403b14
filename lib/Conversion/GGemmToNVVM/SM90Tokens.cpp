//===- SM90Tokens.cpp - the decode kernel of predecoded tokens ------------===//
//
// ggemm.decode_tokens, the body of `<kernel>_tokens` (docs/sm90-kernel.md,
// "Predecoded tokens"): a grid-stride loop over chunks of 32 16-byte
// pieces of packed e2m1 tokens (a piece: 32 codes of a row, two scale
// blocks), one chunk a warp at a time. Each thread decodes one 4-byte word
// (8 codes) of four pieces exactly (SM90Decode.cpp: the value times 2^-14
// and its block's UE4M3 scale) and stores its 16 bytes of f16 where the
// kernel's token ring loads them from.
//
// Order. In a chunk's i-th round (i < 4), lane l takes word l mod 4 of
// piece 8 i + l / 4: a warp's loads read 8 consecutive pieces (128 bytes),
// and each four lanes store one piece's 64 bytes, whole 32-byte sectors
// (a thread storing a whole piece in four 16-byte stores left half of
// every sector of each store empty). Piece j of a row (its q-th in a K
// tile) goes to decode step q mod S, half q / S (S = tile_k / 64 steps):
// the consumers decode the weights' pieces s and s + S in step s, into
// wgmma K cores 4 h + w, word w as codes 0 2 4 6 1 3 5 7 (decodeWord).
//
//===----------------------------------------------------------------------===//

#include "SM90Kernel.h"

#include "GGemm/GGemmOps.h"
#include "ggemm/Target/Launch.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ggemm;

namespace {

struct DecodeTokensLowering final : OpRewritePattern<DecodeTokensOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DecodeTokensOp op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    Type i64 = b.getI64Type();
    auto global = LLVM::LLVMPointerType::get(b.getContext(), 1);
    auto words = VectorType::get({4}, b.getI32Type());
    int64_t tileK = op.getTileK(), steps = tileK / kSM90DecodeK;
    int64_t piecesPerTile = tileK / 32;
    auto c = [&](int64_t v) -> Value {
      return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
    };
    auto add = [&](Value x, Value y) -> Value {
      return arith::AddIOp::create(b, loc, x, y);
    };
    auto mul = [&](Value x, Value y) -> Value {
      return arith::MulIOp::create(b, loc, x, y);
    };
    auto div = [&](Value x, int64_t y) -> Value {
      return arith::DivUIOp::create(b, loc, x, c(y));
    };
    auto rem = [&](Value x, int64_t y) -> Value {
      return arith::RemUIOp::create(b, loc, x, c(y));
    };
    auto ptr = [&](Value addr) -> Value {
      return LLVM::IntToPtrOp::create(b, loc, global, addr);
    };
    auto toI64 = [&](Value v) -> Value {
      if (v.getType().isIndex())
        return arith::IndexCastUIOp::create(b, loc, i64, v);
      return arith::ExtUIOp::create(b, loc, i64, v);
    };

    Value k = toI64(op.getK()), rows = toI64(op.getRows());
    // Kp: K rounded up to the K tile; the pieces of a row (in Kp, a
    // multiple of 8) and those holding codes (in K, a multiple of 32 for
    // every problem ggemm takes).
    Value kp = mul(div(add(k, c(tileK - 1)), tileK), c(tileK));
    Value rowPieces = div(kp, 32), codePieces = div(k, 32);
    Value total = mul(rows, rowPieces);
    auto dim = gpu::Dimension::x;
    Value thread = toI64(gpu::ThreadIdOp::create(b, loc, dim));
    Value lane = rem(thread, 32);
    static_assert(kTokensKernelThreads % 32 == 0, "whole warps");
    Value warps = c(kTokensKernelThreads / 32);
    Value firstChunk =
        add(mul(toI64(gpu::BlockIdOp::create(b, loc, dim)), warps),
            div(thread, 32));
    Value chunkStride = mul(toI64(gpu::GridDimOp::create(b, loc, dim)), warps);
    Value chunks = div(add(total, c(31)), 32);
    Value t = rem(lane, 4);

    scf::ForOp::create(
        b, loc, firstChunk, chunks, chunkStride, ValueRange{},
        [&](OpBuilder &, Location, Value chunk, ValueRange) {
          // Round 0's piece; each round moves 8 pieces on, at most one row
          // (a row has at least 8 pieces).
          Value piece = add(mul(chunk, c(32)), div(lane, 4));
          Value row = arith::DivUIOp::create(b, loc, piece, rowPieces);
          Value j = arith::RemUIOp::create(b, loc, piece, rowPieces);
          struct Round {
            Value row, j, valid, inside, word, scaleByte;
          };
          SmallVector<Round, 4> rounds;
          for (int64_t i = 0; i < 4; ++i) {
            if (i > 0) {
              piece = add(piece, c(8));
              j = add(j, c(8));
              Value wraps = arith::CmpIOp::create(
                  b, loc, arith::CmpIPredicate::uge, j, rowPieces);
              j = arith::SelectOp::create(
                  b, loc, wraps, arith::SubIOp::create(b, loc, j, rowPieces),
                  j);
              row = arith::SelectOp::create(b, loc, wraps, add(row, c(1)),
                                            row);
            }
            Round r{row, j};
            r.valid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                            piece, total);
            r.inside = arith::AndIOp::create(
                b, loc, r.valid,
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, j,
                                      codePieces));
            rounds.push_back(r);
          }
          // All four rounds' loads first (a thread then has four in
          // flight), a word and its scale byte (byte loads: SFA may be
          // only byte-aligned when K is not a multiple of 128); none past
          // the rows or K.
          for (Round &r : rounds) {
            auto load = scf::IfOp::create(
                b, loc, TypeRange{b.getI32Type(), b.getI8Type()}, r.inside,
                /*withElseRegion=*/true);
            b.setInsertionPointToStart(&load.getThenRegion().front());
            Value word = LLVM::LoadOp::create(
                b, loc, b.getI32Type(),
                ptr(add(op.getA(), add(mul(r.row, div(k, 2)),
                                       add(mul(r.j, c(16)), mul(t, c(4)))))),
                /*alignment=*/4);
            Value byte = LLVM::LoadOp::create(
                b, loc, b.getI8Type(),
                ptr(add(op.getSfa(), add(mul(r.row, div(k, 16)),
                                         add(mul(r.j, c(2)), div(t, 2))))));
            scf::YieldOp::create(b, loc, ValueRange{word, byte});
            b.setInsertionPointToStart(&load.getElseRegion().front());
            scf::YieldOp::create(
                b, loc,
                ValueRange{arith::ConstantOp::create(b, loc,
                                                     b.getI32IntegerAttr(0)),
                           arith::ConstantOp::create(b, loc,
                                                     b.getI8IntegerAttr(0))});
            b.setInsertionPointAfter(load);
            r.word = load.getResult(0);
            r.scaleByte = load.getResult(1);
          }
          // Then each round's 16 bytes of f16: the decoded word, or past K
          // zeros, which the kernel's weights (TMA's zero fill past K)
          // multiply.
          Value zero = arith::ConstantOp::create(
              b, loc, DenseElementsAttr::get(words, b.getI32IntegerAttr(0)));
          for (Round &r : rounds) {
            scf::IfOp::create(b, loc, r.valid, [&](OpBuilder &, Location) {
              Value q = rem(r.j, piecesPerTile);
              Value dst = add(
                  add(op.getDst(), mul(r.row, mul(kp, c(2)))),
                  add(add(mul(div(r.j, piecesPerTile), c(2 * tileK)),
                          add(mul(rem(q, steps), c(2 * kSM90DecodeK)),
                              mul(div(q, steps), c(kSM90DecodeK)))),
                      mul(t, c(16))));
              Value scale =
                  sm90::scalePairs(
                      b, loc, arith::ExtUIOp::create(b, loc, i64, r.scaleByte),
                      c(0))
                      .first;
              Value value = arith::SelectOp::create(
                  b, loc, r.inside, sm90::decodeWord(b, loc, r.word, scale),
                  zero);
              LLVM::StoreOp::create(b, loc, value, ptr(dst), /*alignment=*/16);
              scf::YieldOp::create(b, loc);
            });
          }
          scf::YieldOp::create(b, loc);
        });
    b.eraseOp(op);
    return success();
  }
};

} // namespace

void mlir::ggemm::populateSM90TokensPatterns(RewritePatternSet &patterns) {
  patterns.add<DecodeTokensLowering>(patterns.getContext());
}
