//===- GGemmToLoops.cpp - the convert-ggemm-to-loops pass -----------------===//
//
// The storage type converter, the decode tables and the pass that applies
// the grouped_matmul pattern (GroupedMatmulToLoops.cpp).
//
//===----------------------------------------------------------------------===//

#include "ggemm/Conversion/GGemmToLoops.h"
#include "GGemm/GGemmDialect.h"
#include "ggemm/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/APFloat.h"

#define DEBUG_TYPE "convert-ggemm-to-loops"

namespace mlir::ggemm {
#define GEN_PASS_DEF_CONVERTGGEMMTOLOOPS
#include "ggemm/Conversion/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

//===----------------------------------------------------------------------===//
// Storage types
//===----------------------------------------------------------------------===//

/// The byte storage of an NVFP4 memref, a null type if it has none, or the
/// type itself if it is not NVFP4.
static Type storageType(MemRefType type) {
  Type element = type.getElementType();
  auto i8 = IntegerType::get(type.getContext(), 8);
  if (isa<Float8E4M3FNType>(element))
    return type.clone(i8);
  if (!isa<Float4E2M1FNType>(element))
    return type;
  if (!type.getLayout().isIdentity() || type.getRank() == 0)
    return {};
  SmallVector<int64_t> shape(type.getShape());
  int64_t &inner = shape.back();
  if (ShapedType::isDynamic(inner) || inner % 2 != 0)
    return {};
  inner /= 2;
  return MemRefType::get(shape, i8, MemRefLayoutAttrInterface{},
                         type.getMemorySpace());
}

NVFP4StorageTypeConverter::NVFP4StorageTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](MemRefType type) { return storageType(type); });
  auto cast = [](OpBuilder &b, Type type, ValueRange inputs,
                 Location loc) -> Value {
    return UnrealizedConversionCastOp::create(b, loc, type, inputs)
        .getResult(0);
  };
  addSourceMaterialization(cast);
  addTargetMaterialization(cast);
}

LogicalResult mlir::ggemm::checkNVFP4StorageTypes(Operation *op) {
  SmallVector<Type> types(op->getOperandTypes());
  llvm::append_range(types, op->getResultTypes());
  for (Region &region : op->getRegions())
    for (Block &block : region)
      llvm::append_range(types, block.getArgumentTypes());
  if (auto fn = dyn_cast<FunctionOpInterface>(op))
    llvm::append_range(types, fn.getArgumentTypes());
  for (Type type : types) {
    auto memref = dyn_cast<MemRefType>(type);
    if (memref && !storageType(memref))
      return op->emitOpError()
             << "uses " << type
             << ", which has no packed byte storage: f4E2M1FN memrefs need "
                "the identity layout and a static, even innermost dimension";
  }
  return success();
}

LogicalResult mlir::ggemm::checkNVFP4StorageOp(Operation *op,
                                               StringRef pass) {
  auto isNVFP4 = [](Type type) {
    auto memref = dyn_cast<MemRefType>(type);
    return memref && isa<Float4E2M1FNType, Float8E4M3FNType>(
                         memref.getElementType());
  };
  bool carries = llvm::any_of(op->getOperandTypes(), isNVFP4) ||
                 llvm::any_of(op->getResultTypes(), isNVFP4);
  if (auto fn = dyn_cast<FunctionOpInterface>(op))
    carries |= llvm::any_of(fn.getArgumentTypes(), isNVFP4) ||
               llvm::any_of(fn.getResultTypes(), isNVFP4);
  bool handled =
      isa<func::FuncOp, func::CallOp, func::ReturnOp, gpu::GPUFuncOp,
          scf::ForOp, scf::IfOp, scf::WhileOp, scf::YieldOp,
          scf::ConditionOp>(op) ||
      hasNVFP4StoragePattern(op);
  if (!carries || handled)
    return success();
  return op->emitOpError()
         << "carries an f4E2M1FN/f8E4M3FN memref that " << pass
         << " cannot rewrite to ggemm's packed storage (two e2m1 codes per "
            "byte): it rewrites loads, stores, constant-index dims, "
            "reshapes of the leading dimensions, allocations, copies, "
            "casts, functions, calls, scf loops and GPU launches "
            "(docs/whole-program.md)";
}

//===----------------------------------------------------------------------===//
// Decode tables
//===----------------------------------------------------------------------===//

/// f32 values of every code of `semantics` (`bits` wide), decoded by
/// llvm::APFloat: exact, with subnormals, signed zeros and NaN.
static SmallVector<float> decodeAll(const llvm::fltSemantics &semantics,
                                    unsigned bits) {
  SmallVector<float> values;
  for (uint64_t code = 0; code < (1u << bits); ++code) {
    llvm::APFloat value(semantics, llvm::APInt(bits, code));
    bool lost;
    value.convert(llvm::APFloat::IEEEsingle(),
                  llvm::APFloat::rmNearestTiesToEven, &lost);
    values.push_back(value.convertToFloat());
  }
  return values;
}

void mlir::ggemm::addDecodeTables(ModuleOp module) {
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  auto add = [&](StringRef name, const llvm::fltSemantics &semantics,
                 unsigned bits) {
    if (module.lookupSymbol(name))
      return;
    SmallVector<float> values = decodeAll(semantics, bits);
    auto type = MemRefType::get({int64_t(values.size())}, b.getF32Type());
    auto init = DenseElementsAttr::get(
        RankedTensorType::get(type.getShape(), b.getF32Type()),
        ArrayRef<float>(values));
    memref::GlobalOp::create(b, module.getLoc(), name,
                             b.getStringAttr("private"), type, init,
                             /*constant=*/true, /*alignment=*/nullptr);
  };
  add(kE2M1TableName, llvm::APFloat::Float4E2M1FN(), 4);
  add(kE4M3TableName, llvm::APFloat::Float8E4M3FN(), 8);
}

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {

/// Refuses, with a diagnostic, what the conversion cannot rewrite: NVFP4
/// memrefs without a byte storage form, ops that carry NVFP4 memrefs and
/// are neither ggemm ops nor ops the storage patterns rewrite
/// (NVFP4Storage.cpp), kernel-level IR and GPU memory spaces.
LogicalResult checkConvertible(ModuleOp module) {
  WalkResult result = module.walk([&](Operation *op) {
    if (failed(checkNVFP4StorageTypes(op)))
      return WalkResult::interrupt();
    // Kernel-level IR (ggemm-outline-kernel's #ggemm.launch on the host
    // function, #ggemm.kernel_problem on the kernel) is the GPU path's: the
    // upstream lowerings after this pass would keep those attributes and
    // LLVM IR translation would reject them.
    for (NamedAttribute attr : op->getDiscardableAttrs()) {
      if (!attr.getName().strref().starts_with("ggemm."))
        continue;
      op->emitOpError()
          << "carries '" << attr.getName().strref()
          << "': it is kernel-level IR (after ggemm-outline-kernel), which "
             "the host lowering does not run; give convert-ggemm-to-loops "
             "(ggemm-cpu-pipeline) the problem or persistent level";
      return WalkResult::interrupt();
    }
    // The loops run on the host: the operands of a ggemm op must be host
    // memory (the default memory space), not a GPU one.
    if (isa<GGemmDialect>(op->getDialect())) {
      if (llvm::any_of(op->getOperandTypes(), llvm::IsaPred<TensorType>)) {
        op->emitOpError("is in tensor form; bufferize it (one-shot-bufferize) "
                        "before convert-ggemm-to-loops");
        return WalkResult::interrupt();
      }
      for (Type type : op->getOperandTypes()) {
        auto memref = dyn_cast<MemRefType>(type);
        if (memref && memref.getMemorySpace()) {
          op->emitOpError()
              << "has an operand in memory space " << memref.getMemorySpace()
              << "; convert-ggemm-to-loops runs on the host and takes memrefs "
                 "in the default memory space";
          return WalkResult::interrupt();
        }
      }
    }
    if (!isa<GGemmDialect>(op->getDialect()) &&
        failed(checkNVFP4StorageOp(op, "convert-ggemm-to-loops")))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

struct ConvertGGemmToLoops final
    : public ggemm::impl::ConvertGGemmToLoopsBase<ConvertGGemmToLoops> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkConvertible(module)))
      return signalPassFailure();
    bool hasGGemm = false;
    module.walk([&](Operation *op) {
      hasGGemm |= isa<GGemmDialect>(op->getDialect());
    });
    if (hasGGemm)
      addDecodeTables(module);
    lowerPersistentToCtaLoops(module);

    MLIRContext *ctx = &getContext();
    NVFP4StorageTypeConverter converter;
    ConversionTarget target(*ctx);
    target.addIllegalDialect<GGemmDialect>();
    RewritePatternSet patterns(ctx);
    populateGGemmToLoopsConversionPatterns(converter, patterns);
    populateNVFP4StoragePatterns(converter, patterns, target);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
