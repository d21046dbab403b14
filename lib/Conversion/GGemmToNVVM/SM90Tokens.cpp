//===- SM90Tokens.cpp - the decode kernel of predecoded tokens ------------===//
//
// ggemm.decode_tokens, the body of `<kernel>_tokens` (docs/sm90-kernel.md,
// "Predecoded tokens"): a grid-stride loop in which each thread takes one
// 16-byte piece of packed e2m1 tokens (32 codes of a row, two scale
// blocks), decodes it exactly (SM90Decode.cpp: the value times 2^-14 and
// the block's UE4M3 scale) and stores its 64 bytes of f16 where the
// kernel's token ring loads them from.
//
// Order. Thread u takes piece j = u mod (Kp / 32) of row u / (Kp / 32):
// consecutive threads read consecutive pieces of a row (coalesced) and
// write inside the same K tile's 2 tile_k bytes. Piece q of a K tile goes
// to decode step q mod S, half q / S (S = tile_k / 64 steps): the consumers
// decode the weights' pieces s and s + S in step s, into wgmma K cores
// 4 h + w, word w as codes 0 2 4 6 1 3 5 7 (decodeWord).
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
    // Kp: K rounded up to the K tile; the pieces of a row (in Kp) and those
    // holding codes (in K, a multiple of 32 for every problem ggemm takes).
    Value kp = mul(div(add(k, c(tileK - 1)), tileK), c(tileK));
    Value rowPieces = div(kp, 32), codePieces = div(k, 32);
    Value total = mul(rows, rowPieces);
    auto dim = gpu::Dimension::x;
    Value start =
        toI64(arith::AddIOp::create(
            b, loc,
            arith::MulIOp::create(
                b, loc, gpu::BlockIdOp::create(b, loc, dim),
                arith::ConstantIndexOp::create(b, loc, kTokensKernelThreads)),
            gpu::ThreadIdOp::create(b, loc, dim)));
    Value stride = mul(toI64(gpu::GridDimOp::create(b, loc, dim)),
                       c(kTokensKernelThreads));

    scf::ForOp::create(
        b, loc, start, total, stride, ValueRange{},
        [&](OpBuilder &, Location, Value u, ValueRange) {
          Value row = arith::DivUIOp::create(b, loc, u, rowPieces);
          Value j = arith::RemUIOp::create(b, loc, u, rowPieces);
          Value q = rem(j, piecesPerTile);
          Value dst = add(
              add(op.getDst(), mul(row, mul(kp, c(2)))),
              add(mul(div(j, piecesPerTile), c(2 * tileK)),
                  add(mul(rem(q, steps), c(2 * kSM90DecodeK)),
                      mul(div(q, steps), c(kSM90DecodeK)))));
          auto store = [&](ArrayRef<Value> rowsOut) {
            for (auto [w, value] : llvm::enumerate(rowsOut))
              LLVM::StoreOp::create(b, loc, value,
                                    ptr(add(dst, c(16 * int64_t(w)))),
                                    /*alignment=*/16);
          };
          Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                               j, codePieces);
          scf::IfOp::create(
              b, loc, inside,
              [&](OpBuilder &, Location) {
                Value codes = LLVM::LoadOp::create(
                    b, loc, words,
                    ptr(add(op.getA(),
                            add(mul(row, div(k, 2)), mul(j, c(16))))),
                    /*alignment=*/16);
                // The piece's two scale bytes (byte loads: SFA may be only
                // byte-aligned when K is not a multiple of 128).
                Value scaleAt = add(op.getSfa(),
                                    add(mul(row, div(k, 16)), mul(j, c(2))));
                Value scales = c(0);
                for (int64_t i = 0; i < 2; ++i) {
                  Value byte = LLVM::LoadOp::create(
                      b, loc, b.getI8Type(), ptr(add(scaleAt, c(i))));
                  scales = arith::OrIOp::create(
                      b, loc, scales,
                      arith::ShLIOp::create(
                          b, loc, arith::ExtUIOp::create(b, loc, i64, byte),
                          c(8 * i)));
                }
                auto [scale0, scale1] = sm90::scalePairs(b, loc, scales, c(0));
                SmallVector<Value, 4> out;
                for (int64_t w = 0; w < 4; ++w)
                  out.push_back(sm90::decodeWord(
                      b, loc, vector::ExtractOp::create(b, loc, codes, w),
                      w < 2 ? scale0 : scale1));
                store(out);
                scf::YieldOp::create(b, loc);
              },
              [&](OpBuilder &, Location) {
                // Past K: zeros, which the kernel's weights (TMA's zero
                // fill past K) multiply.
                Value zero = arith::ConstantOp::create(
                    b, loc, DenseElementsAttr::get(words, b.getI32IntegerAttr(0)));
                store({zero, zero, zero, zero});
                scf::YieldOp::create(b, loc);
              });
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
