//===- F16Epilogue.cpp - the f16 store both kernels end with --------------===//
//
// alpha, round to f16, and one vector store into C: the part of the
// epilogue the sm_90a (registers) and sm_100a (Tensor Memory) kernels
// share once their accumulators are in registers.
//
//===----------------------------------------------------------------------===//

#include "KernelCommon.h"

#include "ggemm/IR/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::ggemm;

Value mlir::ggemm::emitF16Values(OpBuilder &b, Location loc,
                                 const GroupFacts &g, Value values) {
  auto type = cast<VectorType>(values.getType());
  Value v = values;
  if (g.alpha)
    v = arith::MulFOp::create(b, loc, v,
                              vector::BroadcastOp::create(b, loc, type, g.alpha));
  return arith::TruncFOp::create(
      b, loc, VectorType::get(type.getShape(), b.getF16Type()), v);
}

void mlir::ggemm::emitF16Store(OpBuilder &b, Location loc, const GroupFacts &g,
                               Value values, Value element,
                               unsigned alignment) {
  Value half = emitF16Values(b, loc, g, values);
  Value bytes =
      arith::MulIOp::create(b, loc, element, indexConstant(b, loc, 2));
  Value addr = arith::AddIOp::create(
      b, loc, g.c,
      arith::IndexCastUIOp::create(b, loc, b.getI64Type(), bytes));
  LLVM::StoreOp::create(
      b, loc, half,
      LLVM::IntToPtrOp::create(
          b, loc, LLVM::LLVMPointerType::get(b.getContext(), 1), addr),
      alignment);
}
