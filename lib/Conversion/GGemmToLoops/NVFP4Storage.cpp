//===- NVFP4Storage.cpp - packed NVFP4 memrefs in a whole program ---------===//
//
// ggemm stores f4E2M1FN memrefs packed, two codes per byte (the even
// element in the low nibble), as PTX, TMA and torch's float4_e2m1fn_x2 do.
// Upstream's LLVM lowering gives an f4E2M1FN element a byte of its own
// (LLVM's i4), so a program whose own loops read or write NVFP4 memrefs
// (a quantization before a ggemm op, a bufferized linalg program around
// it) would hand ggemm bytes it reads differently. These patterns rewrite
// those loops onto the byte storage ggemm uses (NVFP4StorageTypeConverter):
// loads and stores pick and merge nibbles, shapes and allocations halve
// the innermost dimension, and ops that only pass a buffer along change
// type. convert-ggemm-to-loops applies them with its own patterns;
// ggemm-pack-nvfp4-memrefs applies them to the host side of a GPU program.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Conversion/GGemmToLoops.h"
#include "ggemm/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/IR/Matchers.h"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMPACKNVFP4MEMREFS
#include "ggemm/Conversion/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

bool isE2M1MemRef(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && isa<Float4E2M1FNType>(memref.getElementType());
}

/// Ops that only pass a buffer along (allocate, free, copy whole buffers,
/// take its address, hand it to a kernel): rewritten by changing types.
bool passesBufferAlong(Operation *op) {
  return isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp,
             memref::CastOp, memref::CopyOp,
             memref::ExtractAlignedPointerAsIndexOp, gpu::AllocOp,
             gpu::DeallocOp, gpu::MemcpyOp, gpu::LaunchFuncOp>(op);
}

struct TypeOnly final : public ConversionPattern {
  TypeOnly(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!passesBufferAlong(op))
      return failure();
    SmallVector<Type> results;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(), results)))
      return failure();
    OperationState state(op->getLoc(), op->getName(), operands, results,
                         op->getAttrs());
    rewriter.replaceOp(op, rewriter.create(state)->getResults());
    return success();
  }
};

/// i8 values of the byte holding element `index` of the innermost
/// dimension, and the nibble's shift (0 or 4).
struct Nibble {
  Value byteIndex, shift;
};

Nibble nibbleOf(OpBuilder &b, Location loc, Value index) {
  Value two = arith::ConstantIndexOp::create(b, loc, 2);
  Value byteIndex = arith::DivUIOp::create(b, loc, index, two);
  Value odd = arith::RemUIOp::create(b, loc, index, two);
  Value odd8 = arith::IndexCastUIOp::create(b, loc, b.getI8Type(), odd);
  Value four = arith::ConstantIntOp::create(b, loc, b.getI8Type(), 4);
  return {byteIndex, arith::MulIOp::create(b, loc, odd8, four)};
}

struct LoadPattern final : public OpConversionPattern<memref::LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(memref::LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type element = op.getType();
    Location loc = op.getLoc();
    if (isa<Float8E4M3FNType>(element)) {
      Value byte = memref::LoadOp::create(rewriter, loc, adaptor.getMemref(),
                                          adaptor.getIndices());
      rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, element, byte);
      return success();
    }
    if (!isa<Float4E2M1FNType>(element))
      return failure();
    SmallVector<Value> indices(adaptor.getIndices());
    Nibble at = nibbleOf(rewriter, loc, indices.back());
    indices.back() = at.byteIndex;
    Value byte =
        memref::LoadOp::create(rewriter, loc, adaptor.getMemref(), indices);
    Value shifted = arith::ShRUIOp::create(rewriter, loc, byte, at.shift);
    Value code = arith::TruncIOp::create(rewriter, loc, rewriter.getI4Type(),
                                         shifted);
    rewriter.replaceOpWithNewOp<arith::BitcastOp>(op, element, code);
    return success();
  }
};

struct StorePattern final : public OpConversionPattern<memref::StoreOp> {
  /// `atomic`: merge the nibble with an atomic read-modify-write (kernels,
  /// where another thread may store the byte's other code).
  StorePattern(const TypeConverter &converter, MLIRContext *ctx, bool atomic)
      : OpConversionPattern(converter, ctx), atomic(atomic) {}
  bool atomic;

  LogicalResult
  matchAndRewrite(memref::StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type element = op.getValueToStore().getType();
    Location loc = op.getLoc();
    Type i8 = rewriter.getI8Type();
    if (isa<Float8E4M3FNType>(element)) {
      Value byte =
          arith::BitcastOp::create(rewriter, loc, i8, adaptor.getValue());
      rewriter.replaceOpWithNewOp<memref::StoreOp>(
          op, byte, adaptor.getMemref(), adaptor.getIndices());
      return success();
    }
    if (!isa<Float4E2M1FNType>(element))
      return failure();
    // Read, replace one nibble, write back: on the host the loops run one
    // store at a time; in a kernel the three steps are one atomic update.
    SmallVector<Value> indices(adaptor.getIndices());
    Nibble at = nibbleOf(rewriter, loc, indices.back());
    indices.back() = at.byteIndex;
    Value code = arith::BitcastOp::create(rewriter, loc, rewriter.getI4Type(),
                                          adaptor.getValue());
    Value code8 = arith::ExtUIOp::create(rewriter, loc, i8, code);
    Value placed = arith::ShLIOp::create(rewriter, loc, code8, at.shift);
    Value fifteen = arith::ConstantIntOp::create(rewriter, loc, i8, 15);
    Value mask = arith::ShLIOp::create(rewriter, loc, fifteen, at.shift);
    Value ones = arith::ConstantIntOp::create(rewriter, loc, i8, -1);
    Value keep = arith::XOrIOp::create(rewriter, loc, mask, ones);
    auto merge = [&](OpBuilder &b, Value old) -> Value {
      Value kept = arith::AndIOp::create(b, loc, old, keep);
      return arith::OrIOp::create(b, loc, kept, placed);
    };
    if (atomic) {
      auto update = memref::GenericAtomicRMWOp::create(
          rewriter, loc, adaptor.getMemref(), indices);
      OpBuilder body = OpBuilder::atBlockEnd(update.getBody());
      memref::AtomicYieldOp::create(body, loc,
                                    merge(body, update.getCurrentValue()));
      rewriter.eraseOp(op);
      return success();
    }
    Value old =
        memref::LoadOp::create(rewriter, loc, adaptor.getMemref(), indices);
    rewriter.replaceOpWithNewOp<memref::StoreOp>(
        op, merge(rewriter, old), adaptor.getMemref(), indices);
    return success();
  }
};

/// The innermost size of an f4E2M1FN memref is static (its storage needs
/// it), so asking for it gives a constant; other dimensions are the
/// storage's.
struct DimPattern final : public OpConversionPattern<memref::DimOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(memref::DimOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<MemRefType>(op.getSource().getType());
    std::optional<int64_t> index = op.getConstantIndex();
    if (!index)
      return failure();
    if (isE2M1MemRef(type) && *index == type.getRank() - 1) {
      rewriter.replaceOpWithNewOp<arith::ConstantIndexOp>(
          op, type.getDimSize(*index));
      return success();
    }
    rewriter.replaceOpWithNewOp<memref::DimOp>(op, adaptor.getSource(),
                                               adaptor.getIndex());
    return success();
  }
};

/// Reshapes that keep the innermost dimension innermost: the storage's
/// innermost size is half, everything else is the same.
struct CollapsePattern final
    : public OpConversionPattern<memref::CollapseShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(memref::CollapseShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type result = getTypeConverter()->convertType(op.getType());
    if (!result)
      return failure();
    rewriter.replaceOpWithNewOp<memref::CollapseShapeOp>(
        op, result, adaptor.getSrc(), op.getReassociationIndices());
    return success();
  }
};

struct ExpandPattern final : public OpConversionPattern<memref::ExpandShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(memref::ExpandShapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto result = dyn_cast_if_present<MemRefType>(
        getTypeConverter()->convertType(op.getType()));
    if (!result)
      return failure();
    SmallVector<OpFoldResult> shape = op.getMixedOutputShape();
    shape.back() = rewriter.getIndexAttr(result.getShape().back());
    rewriter.replaceOpWithNewOp<memref::ExpandShapeOp>(
        op, result, adaptor.getSrc(), op.getReassociationIndices(), shape);
    return success();
  }
};

} // namespace

bool mlir::ggemm::hasNVFP4StoragePattern(Operation *op) {
  if (passesBufferAlong(op) ||
      isa<memref::LoadOp, memref::StoreOp, memref::CollapseShapeOp,
          memref::ExpandShapeOp>(op))
    return true;
  auto dim = dyn_cast<memref::DimOp>(op);
  return dim && dim.getConstantIndex().has_value();
}

LogicalResult mlir::ggemm::checkNVFP4Storage(Operation *root, StringRef pass,
                                             bool skipKernels) {
  WalkResult checked = root->walk([&](Operation *op) {
    if (skipKernels && op->getParentOfType<gpu::GPUModuleOp>())
      return WalkResult::advance();
    if (failed(checkNVFP4StorageTypes(op)) ||
        failed(checkNVFP4StorageOp(op, pass)))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(checked.wasInterrupted());
}

namespace {

/// The patterns of both variants but the function kind `Fn` and whether
/// nibble stores are atomic.
template <typename Fn>
void populateStoragePatterns(const NVFP4StorageTypeConverter &converter,
                             RewritePatternSet &patterns,
                             ConversionTarget &target, bool atomicStores) {
  MLIRContext *ctx = patterns.getContext();
  // Legal once no NVFP4 memref is left: functions by their signature and
  // body, every other op (not made illegal by the caller) by its types.
  target.addDynamicallyLegalOp<Fn>([&](Fn op) {
    return converter.isSignatureLegal(op.getFunctionType()) &&
           converter.isLegal(&op.getBody());
  });
  target.markUnknownOpDynamicallyLegal(
      [&](Operation *op) { return converter.isLegal(op); });
  patterns.add<TypeOnly>(converter, ctx);
  patterns.add<LoadPattern, DimPattern, CollapsePattern, ExpandPattern>(
      converter, ctx);
  patterns.add<StorePattern>(converter, ctx, atomicStores);
  populateFunctionOpInterfaceTypeConversionPattern<Fn>(patterns, converter);
  scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                       target);
}

} // namespace

void mlir::ggemm::populateNVFP4KernelStoragePatterns(
    const NVFP4StorageTypeConverter &converter, RewritePatternSet &patterns,
    ConversionTarget &target) {
  populateStoragePatterns<gpu::GPUFuncOp>(converter, patterns, target,
                                          /*atomicStores=*/true);
}

void mlir::ggemm::populateNVFP4StoragePatterns(
    const NVFP4StorageTypeConverter &converter, RewritePatternSet &patterns,
    ConversionTarget &target) {
  populateStoragePatterns<func::FuncOp>(converter, patterns, target,
                                        /*atomicStores=*/false);
  populateCallOpTypeConversionPattern(patterns, converter);
  populateReturnOpTypeConversionPattern(patterns, converter);
}

//===----------------------------------------------------------------------===//
// ggemm-pack-nvfp4-memrefs
//===----------------------------------------------------------------------===//

namespace {

struct GGemmPackNVFP4MemRefs final
    : public ggemm::impl::GGemmPackNVFP4MemRefsBase<GGemmPackNVFP4MemRefs> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Kernels have their own storage rules (ggemm's kernels address bytes
    // already; a program's own are ggemm-lower-program-kernels'): only host
    // code is rewritten.
    if (failed(checkNVFP4Storage(module, getArgument(), /*skipKernels=*/true)))
      return signalPassFailure();
    MLIRContext *ctx = &getContext();
    NVFP4StorageTypeConverter converter;
    ConversionTarget target(*ctx);
    target.markOpRecursivelyLegal<gpu::GPUModuleOp>();
    target.addLegalOp<gpu::GPUModuleOp, gpu::BinaryOp>();
    RewritePatternSet patterns(ctx);
    populateNVFP4StoragePatterns(converter, patterns, target);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
