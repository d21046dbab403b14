//===- ExpandE4M3ExtF.cpp - the ggemm-expand-e4m3-extf pass ---------------===//
//
// arith.extf from f8E4M3FN as integer arithmetic on the byte, so that NVFP4
// programs written with linalg and arith lower to the LLVM dialect (which
// has no 8-bit float type) and run on the CPU.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMEXPANDE4M3EXTF
#include "ggemm/Transforms/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;

namespace {

/// extf(x : f8E4M3FN): sign s (bit 7), exponent e (bits 6..3, bias 7),
/// mantissa m (bits 2..0).
///   e == 15 and m == 7: NaN
///   e == 0:             (-1)^s * m * 2^-9        (zero and subnormals)
///   otherwise:          the f32 with exponent e - 7 + 127 and mantissa m
///                       in its top three bits
/// Then f32 -> the result type, exact for every e4m3 value.
struct ExpandE4M3ExtF final : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &rewriter) const override {
    if (!isa<Float8E4M3FNType>(op.getIn().getType()))
      return failure();
    Location loc = op.getLoc();
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type(),
         f32 = rewriter.getF32Type();
    auto int32 = [&](int32_t v) {
      return arith::ConstantOp::create(rewriter, loc,
                                       rewriter.getI32IntegerAttr(v));
    };
    auto float32 = [&](float v) {
      return arith::ConstantOp::create(rewriter, loc,
                                       rewriter.getF32FloatAttr(v));
    };
    Value byte = arith::BitcastOp::create(rewriter, loc, i8, op.getIn());
    Value bits = arith::ExtUIOp::create(rewriter, loc, i32, byte);
    Value exponent = arith::AndIOp::create(
        rewriter, loc, arith::ShRUIOp::create(rewriter, loc, bits, int32(3)),
        int32(15));
    Value mantissa = arith::AndIOp::create(rewriter, loc, bits, int32(7));

    // |x| for normal exponents: (e + 120) << 23 | m << 20.
    Value normalBits = arith::OrIOp::create(
        rewriter, loc,
        arith::ShLIOp::create(
            rewriter, loc,
            arith::AddIOp::create(rewriter, loc, exponent, int32(120)),
            int32(23)),
        arith::ShLIOp::create(rewriter, loc, mantissa, int32(20)));
    Value normal = arith::BitcastOp::create(rewriter, loc, f32, normalBits);
    // |x| for e == 0: m * 2^-9, exact.
    Value subnormal = arith::MulFOp::create(
        rewriter, loc, arith::UIToFPOp::create(rewriter, loc, f32, mantissa),
        float32(0x1p-9f));
    Value isSubnormal = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq, exponent, int32(0));
    Value magnitude =
        arith::SelectOp::create(rewriter, loc, isSubnormal, subnormal, normal);
    Value isNaN = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::eq,
        arith::AndIOp::create(rewriter, loc, bits, int32(0x7F)), int32(0x7F));
    magnitude = arith::SelectOp::create(
        rewriter, loc, isNaN,
        float32(std::numeric_limits<float>::quiet_NaN()), magnitude);
    Value isNegative = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::ne,
        arith::AndIOp::create(rewriter, loc, bits, int32(0x80)), int32(0));
    Value value = arith::SelectOp::create(
        rewriter, loc, isNegative,
        arith::NegFOp::create(rewriter, loc, magnitude), magnitude);

    Type result = op.getType();
    if (result.getIntOrFloatBitWidth() > 32)
      value = arith::ExtFOp::create(rewriter, loc, result, value);
    else if (result != f32)
      value = arith::TruncFOp::create(rewriter, loc, result, value);
    rewriter.replaceOp(op, value);
    return success();
  }
};

struct GGemmExpandE4M3ExtF final
    : public ggemm::impl::GGemmExpandE4M3ExtFBase<GGemmExpandE4M3ExtF> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExpandE4M3ExtF>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
