//===- BufferizableOpInterfaceImpl.cpp - bufferization of ggemm -----------===//
//
// ggemm.grouped_matmul in tensor form is in destination-passing style: its C
// operands are the inits of its results. It reads every operand except C in
// rows<list> (every element of C is written there), writes C, and each
// result is equivalent to its init, so in-place bufferization writes the
// product into the init's buffer.
//
// The memref form takes identity layouts only. A buffer with another layout
// (a function argument bufferized with a fully dynamic layout, a subview) is
// copied into an identity-layout buffer first; a C buffer is copied back
// after the op.
//
//===----------------------------------------------------------------------===//

#include "GGemm/BufferizableOpInterfaceImpl.h"
#include "GGemm/GGemmOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::bufferization;
using namespace mlir::ggemm;

namespace {

/// `type` with the identity layout.
MemRefType withIdentityLayout(MemRefType type) {
  return MemRefType::get(type.getShape(), type.getElementType(),
                         MemRefLayoutAttrInterface{}, type.getMemorySpace());
}

/// The dynamic sizes of `buffer`, for an allocation of its shape.
SmallVector<Value> dynamicSizes(OpBuilder &b, Location loc, Value buffer) {
  SmallVector<Value> sizes;
  auto type = cast<MemRefType>(buffer.getType());
  for (int64_t d = 0, e = type.getRank(); d < e; ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(memref::DimOp::create(b, loc, buffer, d));
  return sizes;
}

struct GroupedMatmulOpInterface
    : public DstBufferizableOpInterfaceExternalModel<GroupedMatmulOpInterface,
                                                     GroupedMatmulOp> {
  bool bufferizesToMemoryRead(Operation *op, OpOperand &operand,
                              const AnalysisState &state) const {
    // rows<list> writes every element of C; rows<contiguous> leaves the rows
    // past the group sizes as they were, so the init's values are read.
    auto matmul = cast<GroupedMatmulOp>(op);
    return !(matmul.isDpsInit(&operand) && matmul.isListForm());
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    auto matmul = cast<GroupedMatmulOp>(op);
    if (!matmul.hasTensorSemantics())
      return success();
    Location loc = op->getLoc();
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(op);

    // The operands' buffers, in the identity layout the memref form takes.
    SmallVector<Value> operands, results;
    SmallVector<std::pair<Value, Value>> copyBack; // (identity, original)
    for (OpOperand &operand : op->getOpOperands()) {
      FailureOr<Value> buffer =
          getBuffer(rewriter, operand.get(), options, state);
      if (failed(buffer))
        return failure();
      bool isInit = matmul.isDpsInit(&operand);
      if (isInit)
        results.push_back(*buffer); // each result is its init's buffer
      auto type = dyn_cast<MemRefType>(buffer->getType());
      if (!type)
        return op->emitOpError("operand #")
               << operand.getOperandNumber()
               << " bufferizes to an unranked memref; the memref form takes "
                  "ranked memrefs";
      if (type.getLayout().isIdentity()) {
        operands.push_back(*buffer);
        continue;
      }
      MemRefType identity = withIdentityLayout(type);
      if (!isInit) {
        FailureOr<Value> cast =
            castOrReallocMemRefValue(rewriter, *buffer, identity, options);
        if (failed(cast))
          return failure();
        operands.push_back(*cast);
        continue;
      }
      FailureOr<Value> alloc = options.createAlloc(
          rewriter, loc, identity, dynamicSizes(rewriter, loc, *buffer));
      if (failed(alloc))
        return failure();
      // The init's values survive only in rows<contiguous>.
      if (!matmul.isListForm() &&
          failed(options.createMemCpy(rewriter, loc, *buffer, *alloc)))
        return failure();
      operands.push_back(*alloc);
      copyBack.push_back({*alloc, *buffer});
    }

    // The memref form: the same operand segments and attributes, no results.
    auto segment = [&](unsigned index) {
      auto [begin, length] = matmul.getODSOperandIndexAndLength(index);
      return ValueRange(ArrayRef<Value>(operands).slice(begin, length));
    };
    auto optional = [&](unsigned index) {
      ValueRange range = segment(index);
      return range.empty() ? Value() : range.front();
    };
    auto memrefForm = GroupedMatmulOp::create(
        rewriter, loc, TypeRange(), matmul.getRows(), matmul.getScaleLayout(),
        segment(0), segment(1), segment(2), segment(3), segment(4),
        optional(5), optional(6), optional(7), matmul.getScheduleAttr());
    memrefForm->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    for (auto [from, to] : copyBack)
      if (failed(options.createMemCpy(rewriter, loc, from, to)))
        return failure();

    replaceOpWithBufferizedValues(rewriter, op, results);
    return success();
  }
};

} // namespace

void mlir::ggemm::attachBufferizableOpInterface(MLIRContext *context) {
  GroupedMatmulOp::attachInterface<GroupedMatmulOpInterface>(*context);
}
