//===- RaiseLoop.cpp - ggemm-raise: loops over experts --------------------===//
//
// matchExpertLoop (RaiseMatch.h): a group of run-time M that is the body of
// an scf.for over the experts, each iteration slicing its rows of one token
// matrix by a device offsets tensor and inserting its product at the same
// rows of one output. That loop is what a frontend writes for a grouped
// matmul whose token counts arrive at run time (torch._grouped_mm's
// reference loop over `offs`), and it computes what one rows<offsets> op
// computes (docs/raising.md, "Loops over experts").
//
//===----------------------------------------------------------------------===//

#include "RaiseMatch.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using namespace mlir::ggemm;
using namespace mlir::ggemm::raise;

namespace {

/// Whether `ofr` is the constant `value` or the SSA value `value`.
bool isConstant(OpFoldResult ofr, int64_t value) {
  std::optional<int64_t> c = getConstantIntValue(ofr);
  return c && *c == value;
}
bool isValue(OpFoldResult ofr, Value value) {
  return dyn_cast_if_present<Value>(ofr) == value;
}

bool allOnes(ArrayRef<OpFoldResult> strides) {
  return llvm::all_of(strides,
                      [](OpFoldResult s) { return isConstant(s, 1); });
}

class LoopMatcher {
public:
  LoopMatcher(const Group &group, std::string &reason)
      : group(group), reason(reason) {}

  FailureOr<ExpertLoop> match();

private:
  const Group &group;
  std::string &reason;
  ExpertLoop loop;
  Value start, rows; // the iteration's first row and its row count
  int64_t experts = 0; // the loop's trip count (matchBounds)

  LogicalResult refuse(const Twine &message) {
    reason = message.str();
    return failure();
  }
  bool outside(Value v) { return loop.loop.isDefinedOutsideOfLoop(v); }
  LogicalResult matchBounds();
  LogicalResult matchRows(Value a);
  FailureOr<Value> matchTokenSlice(Value slice, StringRef name);
  FailureOr<Value> matchExpertSlice(Value slice, StringRef name);
  LogicalResult matchOutput();
  LogicalResult matchAlpha();
  LogicalResult matchBody();
};

LogicalResult LoopMatcher::matchBounds() {
  scf::ForOp forOp = loop.loop;
  if (!isConstant(forOp.getLowerBound(), 0) || !isConstant(forOp.getStep(), 1))
    return refuse("the loop does not count from 0 in steps of 1");
  std::optional<int64_t> upper = getConstantIntValue(forOp.getUpperBound());
  if (!upper || *upper < 1)
    return refuse("the loop's trip count is not a positive constant (the "
                  "number of experts)");
  experts = *upper;
  if (forOp.getNumRegionIterArgs() != 2)
    return refuse("the loop carries " + Twine(forOp.getNumRegionIterArgs()) +
                  " values; a loop over experts carries two: the output and "
                  "the next expert's first row");
  return success();
}

/// A's rows in this iteration: `rows = end - start`, `end` the expert's
/// entry of an offsets tensor, `start` the carried previous end (0 first).
LogicalResult LoopMatcher::matchRows(Value a) {
  auto slice = a.getDefiningOp<tensor::ExtractSliceOp>();
  if (!slice)
    return refuse("A is not a tensor.extract_slice of the tokens");
  OpFoldResult size = slice.getMixedSizes()[0];
  auto sub = dyn_cast_if_present<Value>(size)
                 ? cast<Value>(size).getDefiningOp<arith::SubIOp>()
                 : nullptr;
  if (!sub)
    return refuse("A's row count is not `end - start` (arith.subi)");
  rows = sub.getResult();
  start = sub.getRhs();
  auto startArg = dyn_cast<BlockArgument>(start);
  scf::ForOp forOp = loop.loop;
  if (!startArg || startArg.getOwner() != forOp.getBody() ||
      startArg.getArgNumber() == 0)
    return refuse("A's first row is not a value the loop carries");
  loop.startIndex = startArg.getArgNumber() - 1;
  if (!isConstant(forOp.getInitArgs()[loop.startIndex], 0))
    return refuse("the carried first row does not start at 0");
  auto yield = cast<scf::YieldOp>(forOp.getBody()->getTerminator());
  Value end = sub.getLhs();
  if (yield.getOperand(loop.startIndex) != end)
    return refuse("the loop does not carry this expert's end row to the next "
                  "expert");
  auto toIndex = end.getDefiningOp<arith::IndexCastOp>();
  auto extract =
      toIndex ? toIndex.getIn().getDefiningOp<tensor::ExtractOp>() : nullptr;
  if (!extract || extract.getIndices().size() != 1 ||
      extract.getIndices()[0] != forOp.getInductionVar())
    return refuse("the end row is not `arith.index_cast` of the offsets "
                  "tensor's entry at the expert");
  loop.offsets = extract.getTensor();
  auto offsetsType = cast<RankedTensorType>(loop.offsets.getType());
  if (!outside(loop.offsets) || !offsetsType.getElementType().isInteger(32) ||
      offsetsType.getShape() != ArrayRef<int64_t>{experts})
    return refuse("the offsets are not a tensor<" + Twine(experts) +
                  "xi32> defined before the loop");
  return success();
}

/// `slice` = rows [start, start + rows) of a 2-D tensor defined before the
/// loop, every column; that tensor.
FailureOr<Value> LoopMatcher::matchTokenSlice(Value slice, StringRef name) {
  auto op = slice.getDefiningOp<tensor::ExtractSliceOp>();
  if (!op || op.getSourceType().getRank() != 2 || !outside(op.getSource()))
    return refuse(name + " is not a slice of a 2-D tensor defined before the "
                         "loop");
  auto offsets = op.getMixedOffsets(), sizes = op.getMixedSizes();
  if (!isValue(offsets[0], start) || !isConstant(offsets[1], 0) ||
      !isValue(sizes[0], rows) || !allOnes(op.getMixedStrides()) ||
      op.getSourceType().isDynamicDim(1) ||
      !isConstant(sizes[1], op.getSourceType().getDimSize(1)))
    return refuse(name + " is not the expert's rows [start, end) of every "
                         "column, with unit strides");
  return op.getSource();
}

/// `slice` = the expert's N x K matrix of a 3-D G x N x K tensor defined
/// before the loop (rank-reduced); that tensor.
FailureOr<Value> LoopMatcher::matchExpertSlice(Value slice, StringRef name) {
  auto op = slice.getDefiningOp<tensor::ExtractSliceOp>();
  if (!op || op.getSourceType().getRank() != 3 || !outside(op.getSource()) ||
      op.getType().getRank() != 2)
    return refuse(name + " is not a 2-D slice of a 3-D tensor defined before "
                         "the loop");
  RankedTensorType source = op.getSourceType();
  auto offsets = op.getMixedOffsets(), sizes = op.getMixedSizes();
  if (!isValue(offsets[0], loop.loop.getInductionVar()) ||
      !isConstant(offsets[1], 0) || !isConstant(offsets[2], 0) ||
      !isConstant(sizes[0], 1) || !source.hasStaticShape() ||
      source.getDimSize(0) != experts ||
      !isConstant(sizes[1], source.getDimSize(1)) ||
      !isConstant(sizes[2], source.getDimSize(2)) ||
      !allOnes(op.getMixedStrides()))
    return refuse(name + " is not the expert's whole matrix of a " +
                  Twine(experts) + " x N x K tensor, with unit strides");
  return op.getSource();
}

/// The group's f16 result is inserted at the same rows of the carried
/// output, and only there; that output's initial value is C.
LogicalResult LoopMatcher::matchOutput() {
  Value result = group.epilogue->getResult(0);
  if (!result.hasOneUse())
    return refuse("the product is used by more than its insertion into the "
                  "output");
  auto insert = dyn_cast<tensor::InsertSliceOp>(*result.getUsers().begin());
  if (!insert || insert.getSource() != result)
    return refuse("the product is not inserted into the output "
                  "(tensor.insert_slice)");
  auto dest = dyn_cast<BlockArgument>(insert.getDest());
  scf::ForOp forOp = loop.loop;
  if (!dest || dest.getOwner() != forOp.getBody() || dest.getArgNumber() == 0 ||
      dest.getArgNumber() - 1 == loop.startIndex)
    return refuse("the product is not inserted into a tensor the loop "
                  "carries");
  loop.outputIndex = dest.getArgNumber() - 1;
  auto offsets = insert.getMixedOffsets(), sizes = insert.getMixedSizes();
  auto outType = cast<RankedTensorType>(insert.getDestType());
  if (!isValue(offsets[0], start) || !isConstant(offsets[1], 0) ||
      !isValue(sizes[0], rows) || outType.isDynamicDim(1) ||
      !isConstant(sizes[1], outType.getDimSize(1)) ||
      !allOnes(insert.getMixedStrides()))
    return refuse("the product is not inserted at the expert's rows [start, "
                  "end) of the output, every column, with unit strides");
  auto yield = cast<scf::YieldOp>(forOp.getBody()->getTerminator());
  if (yield.getOperand(loop.outputIndex) != insert.getResult() ||
      !dest.hasOneUse())
    return refuse("the output the loop carries is used by more than the "
                  "insertion that is carried on");
  if (!forOp.getResult(loop.startIndex).use_empty())
    return refuse("the loop's final end row is used after the loop");
  loop.init = forOp.getInitArgs()[loop.outputIndex];
  return success();
}

/// One alpha for every expert (defined before the loop), or the expert's
/// entry of a tensor<G x f32> of them.
LogicalResult LoopMatcher::matchAlpha() {
  if (!group.alpha)
    return success();
  if (outside(group.alpha)) {
    loop.alpha = group.alpha;
    return success();
  }
  auto extract = group.alpha.getDefiningOp<tensor::ExtractOp>();
  if (!extract || extract.getIndices().size() != 1 ||
      extract.getIndices()[0] != loop.loop.getInductionVar() ||
      !outside(extract.getTensor()) ||
      cast<RankedTensorType>(extract.getTensor().getType()).getShape() !=
          cast<RankedTensorType>(loop.offsets.getType()).getShape())
    return refuse("the scalar the sum is scaled by is neither defined before "
                  "the loop nor the expert's entry of a tensor<G x f32>");
  loop.alphas = extract.getTensor();
  return success();
}

/// The loop computes nothing else: its body has no side effects (what it
/// yields is matched; anything else in it is dead once the loop goes) and
/// no other contraction.
LogicalResult LoopMatcher::matchBody() {
  for (Operation &op : loop.loop.getBody()->without_terminator()) {
    if (!isMemoryEffectFree(&op))
      return refuse("the loop body has an op with side effects (" +
                    op.getName().getStringRef() + ")");
    if (&op != group.matmul && isa<linalg::LinalgOp>(op) &&
        cast<linalg::LinalgOp>(op).getNumReductionLoops() > 0)
      return refuse("the loop body holds more than one contraction");
  }
  return success();
}

FailureOr<ExpertLoop> LoopMatcher::match() {
  auto forOp = dyn_cast<scf::ForOp>(group.epilogue->getParentOp());
  if (!forOp || group.matmul->getParentOp() != forOp)
    return refuse("not the body of an scf.for");
  loop.loop = forOp;
  if (failed(matchBounds()) || failed(matchRows(group.a)) ||
      failed(matchOutput()) || failed(matchAlpha()) || failed(matchBody()))
    return failure();
  FailureOr<Value> a = matchTokenSlice(group.a, "A");
  if (failed(a))
    return failure();
  FailureOr<Value> sfa = matchTokenSlice(group.sfa, "SFA");
  if (failed(sfa))
    return failure();
  FailureOr<Value> b = matchExpertSlice(group.b, "B");
  if (failed(b))
    return failure();
  FailureOr<Value> sfb = matchExpertSlice(group.sfb, "SFB");
  if (failed(sfb))
    return failure();
  loop.a = *a, loop.sfa = *sfa, loop.b = *b, loop.sfb = *sfb;
  // One token matrix for A, its scales and C: rows<offsets> indexes all
  // three with the same offsets, and its verifier wants one row count for
  // them (static and equal, or all known at run time only).
  auto rowsOf = [](Value v) {
    int64_t rows = cast<RankedTensorType>(v.getType()).getDimSize(0);
    return ShapedType::isDynamic(rows) ? std::string("?")
                                       : std::to_string(rows);
  };
  std::string aRows = rowsOf(loop.a), sfaRows = rowsOf(loop.sfa),
              cRows = rowsOf(loop.init);
  if (aRows != sfaRows || aRows != cRows)
    return refuse("the tokens, their scales and the output do not have the "
                  "same rows (" + aRows + ", " + sfaRows + ", " + cRows +
                  "); rows<offsets> takes one row count for A, SFA and C");
  return loop;
}

} // namespace

FailureOr<ExpertLoop> mlir::ggemm::raise::matchExpertLoop(const Group &group,
                                                          std::string &reason) {
  return LoopMatcher(group, reason).match();
}
