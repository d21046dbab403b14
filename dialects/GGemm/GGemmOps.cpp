//===- GGemmOps.cpp - ggemm operations ------------------------------------===//
//
// Verifier and helpers of `ggemm.grouped_matmul`. Every shape and type rule
// of DESIGN.md section 1 has its own message that names the operand, the
// group and the rule.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::ggemm;

SmallVector<int64_t, 4> mlir::ggemm::getBlockedScaleShape(int64_t rows,
                                                          int64_t k) {
  int64_t scaleCols = k / kScaleBlock;
  return {llvm::divideCeilSigned(rows, kAtomRows),
          llvm::divideCeilSigned(scaleCols, kAtomCols), 32, 16};
}

//===----------------------------------------------------------------------===//
// Verifier helpers
//===----------------------------------------------------------------------===//

namespace {
/// Largest static size the problem level accepts: kernels index rows and
/// columns with 32-bit integers.
constexpr int64_t kMaxDim = (int64_t{1} << 31) - 1;

std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << "?";
        else
          os << d;
      },
      "x");
  return s;
}

/// Checks one operand: a memref with the identity layout, the given element
/// type and rank, and sizes that fit in 32 bits. `name` is how messages refer
/// to it ("A of group 1"). Returns the memref type or null after an error.
MemRefType checkOperand(GroupedMatmulOp op, Value v, const Twine &name,
                        Type elementType, int64_t rank) {
  auto type = cast<MemRefType>(v.getType()); // ODS: AnyMemRef.
  if (type.getElementType() != elementType) {
    op.emitOpError() << name << " has element type " << type.getElementType()
                     << "; expected " << elementType;
    return {};
  }
  if (type.getRank() != rank) {
    op.emitOpError() << name << " has rank " << type.getRank()
                     << "; expected rank " << rank;
    return {};
  }
  if (!type.getLayout().isIdentity()) {
    op.emitOpError() << name
                     << " must have the identity (dense row-major) layout";
    return {};
  }
  for (int64_t d : type.getShape()) {
    if (!ShapedType::isDynamic(d) && d > kMaxDim) {
      op.emitOpError() << name << " has a dimension of " << d
                       << "; sizes must be below 2^31 (32-bit indexing)";
      return {};
    }
  }
  return type;
}

/// Requires every dimension of `type` to be static, except dimension 0 when
/// `dynamicRows` is set. `hint` is appended to the message.
LogicalResult requireStatic(GroupedMatmulOp op, MemRefType type,
                            const Twine &name, bool dynamicRows = false,
                            StringRef hint = "") {
  for (auto [i, d] : llvm::enumerate(type.getShape())) {
    if (ShapedType::isDynamic(d) && !(dynamicRows && i == 0))
      return op.emitOpError()
             << name << " has a dynamic dimension " << i << " (shape "
             << shapeStr(type.getShape()) << "); it must be static" << hint;
  }
  return success();
}

/// Checks that `type` has exactly `expected` (dynamic entries must match
/// dynamic entries); `rule` explains where the expectation comes from.
LogicalResult checkShape(GroupedMatmulOp op, MemRefType type,
                         const Twine &name, ArrayRef<int64_t> expected,
                         const Twine &rule) {
  if (type.getShape() == expected)
    return success();
  return op.emitOpError() << name << " has shape " << shapeStr(type.getShape())
                          << "; expected " << shapeStr(expected) << " ("
                          << rule << ")";
}

LogicalResult checkK(GroupedMatmulOp op, int64_t k, const Twine &name) {
  if (k <= 0 || k % kKGranularity != 0)
    return op.emitOpError()
           << name << " has K = " << k << "; K must be a positive multiple of "
           << kKGranularity << " (four 16-element scale blocks per MMA step)";
  return success();
}

LogicalResult checkN(GroupedMatmulOp op, int64_t n, const Twine &name) {
  if (n <= 0 || n % kNGranularity != 0)
    return op.emitOpError()
           << name << " has N = " << n << "; N must be a positive multiple of "
           << kNGranularity << " (16-byte rows of the f16 output)";
  return success();
}

/// Checks a scale operand for `rows x k` data. `lead` holds leading
/// dimensions (the group dimension of a 3-D SFB) that precede the layout.
LogicalResult checkScales(GroupedMatmulOp op, Value v, const Twine &name,
                          int64_t rows, int64_t k, ArrayRef<int64_t> lead,
                          StringRef rowName) {
  Builder b(op.getContext());
  bool blocked = op.getScaleLayout() == ScaleLayout::blocked_128x4;
  SmallVector<int64_t> expected(lead);
  if (blocked)
    llvm::append_range(expected, getBlockedScaleShape(rows, k));
  else
    llvm::append_range(expected, ArrayRef<int64_t>{rows, k / kScaleBlock});
  MemRefType type = checkOperand(op, v, name, b.getType<Float8E4M3FNType>(),
                                 expected.size());
  if (!type)
    return failure();
  std::string rule =
      blocked ? llvm::formatv("blocked_128x4 atoms of {0} = {1} rows, K/16 = "
                              "{2} scale columns: ceil({1}/128) x "
                              "ceil({2}/4) x 32 x 16",
                              rowName, rows, k / kScaleBlock)
                    .str()
              : llvm::formatv("{0} x K/16 with K = {1}", rowName, k).str();
  return checkShape(op, type, name, expected, rule);
}
} // namespace

//===----------------------------------------------------------------------===//
// GroupedMatmulOp
//===----------------------------------------------------------------------===//

int64_t GroupedMatmulOp::getNumGroups() {
  if (isListForm())
    return getA().size();
  return cast<MemRefType>(getGroupSizes().getType()).getDimSize(0);
}

GroupShape GroupedMatmulOp::getGroupShape(int64_t g) {
  if (isListForm()) {
    auto a = cast<MemRefType>(getA()[g].getType());
    auto b = cast<MemRefType>(getB()[g].getType());
    return {a.getDimSize(0), b.getDimSize(0), a.getDimSize(1)};
  }
  auto b = cast<MemRefType>(getB()[0].getType());
  return {ShapedType::kDynamic, b.getDimSize(1), b.getDimSize(2)};
}

void GroupedMatmulOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  // C is written; every other operand is only read.
  auto [cBegin, cCount] = getODSOperandIndexAndLength(/*C=*/4);
  for (OpOperand &operand : getOperation()->getOpOperands()) {
    unsigned i = operand.getOperandNumber();
    if (i >= cBegin && i < cBegin + cCount)
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
    else
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}

/// Checks the optional per-group alpha buffer: memref<G x f32>.
static LogicalResult verifyAlpha(GroupedMatmulOp op, int64_t numGroups) {
  if (!op.getAlpha())
    return success();
  Builder b(op.getContext());
  MemRefType type =
      checkOperand(op, op.getAlpha(), "alpha", b.getF32Type(), /*rank=*/1);
  if (!type)
    return failure();
  return checkShape(op, type, "alpha", {numGroups}, "one f32 per group");
}

static LogicalResult verifyListForm(GroupedMatmulOp op) {
  Builder b(op.getContext());
  Type f4 = b.getType<Float4E2M1FNType>(), f16 = b.getF16Type();
  int64_t numGroups = op.getA().size();
  if (numGroups == 0)
    return op.emitOpError("has an empty group list; it needs at least one "
                          "group");
  auto counts = {std::make_pair("SFA", op.getSfa().size()),
                 std::make_pair("B", op.getB().size()),
                 std::make_pair("SFB", op.getSfb().size()),
                 std::make_pair("C", op.getC().size())};
  for (auto [name, count] : counts)
    if ((int64_t)count != numGroups)
      return op.emitOpError()
             << "has " << numGroups << " A operands but " << count << " "
             << name << " operands; rows<list> needs one of each per group";
  if (op.getGroupSizes())
    return op.emitOpError("takes group_sizes only with rows<contiguous>; "
                          "rows<list> has static group sizes");

  for (int64_t g = 0; g < numGroups; ++g) {
    std::string grp = llvm::formatv(" of group {0}", g).str();
    MemRefType a = checkOperand(op, op.getA()[g], "A" + grp, f4, 2);
    if (!a || failed(requireStatic(
                  op, a, "A" + grp, /*dynamicRows=*/false,
                  "; use rows<contiguous> for run-time group sizes")))
      return failure();
    int64_t m = a.getDimSize(0), k = a.getDimSize(1);
    if (failed(checkK(op, k, "A" + grp)))
      return failure();

    MemRefType bt = checkOperand(op, op.getB()[g], "B" + grp, f4, 2);
    if (!bt || failed(requireStatic(op, bt, "B" + grp)))
      return failure();
    int64_t n = bt.getDimSize(0);
    if (bt.getDimSize(1) != k)
      return op.emitOpError()
             << "B" << grp << " has K = " << bt.getDimSize(1) << "; A" << grp
             << " has K = " << k << " (A and B of a group share K)";
    if (failed(checkN(op, n, "B" + grp)))
      return failure();

    if (failed(checkScales(op, op.getSfa()[g], "SFA" + grp, m, k, {}, "M")) ||
        failed(checkScales(op, op.getSfb()[g], "SFB" + grp, n, k, {}, "N")))
      return failure();

    MemRefType c = checkOperand(op, op.getC()[g], "C" + grp, f16, 2);
    if (!c || failed(checkShape(op, c, "C" + grp, {m, n}, "M x N")))
      return failure();
  }
  return verifyAlpha(op, numGroups);
}

static LogicalResult verifyContiguousForm(GroupedMatmulOp op) {
  Builder b(op.getContext());
  Type f4 = b.getType<Float4E2M1FNType>(), f16 = b.getF16Type();
  auto counts = {std::make_pair("A", op.getA().size()),
                 std::make_pair("SFA", op.getSfa().size()),
                 std::make_pair("B", op.getB().size()),
                 std::make_pair("SFB", op.getSfb().size()),
                 std::make_pair("C", op.getC().size())};
  for (auto [name, count] : counts)
    if (count != 1)
      return op.emitOpError() << "takes exactly one " << name
                              << " buffer with rows<contiguous>; got " << count;
  if (!op.getGroupSizes())
    return op.emitOpError("with rows<contiguous> needs group_sizes, a "
                          "memref<G x i32> of per-group row counts");
  if (op.getScaleLayout() != ScaleLayout::row_major)
    return op.emitOpError("supports scales<blocked_128x4> only with "
                          "rows<list>; contiguous rows take row_major scales "
                          "(blocked atoms would need per-group row padding)");

  MemRefType sizes = checkOperand(op, op.getGroupSizes(), "group_sizes",
                                  b.getI32Type(), /*rank=*/1);
  if (!sizes || failed(requireStatic(op, sizes, "group_sizes",
                                     /*dynamicRows=*/false,
                                     " (its length is the number of groups)")))
    return failure();
  int64_t numGroups = sizes.getDimSize(0);
  if (numGroups == 0)
    return op.emitOpError("has an empty group list (group_sizes has length "
                          "0); it needs at least one group");

  MemRefType a = checkOperand(op, op.getA()[0], "A", f4, 2);
  if (!a || failed(requireStatic(op, a, "A", /*dynamicRows=*/true)))
    return failure();
  int64_t rows = a.getDimSize(0), k = a.getDimSize(1);
  if (failed(checkK(op, k, "A")))
    return failure();

  MemRefType bt = checkOperand(op, op.getB()[0], "B", f4, 3);
  if (!bt || failed(requireStatic(op, bt, "B")))
    return failure();
  int64_t n = bt.getDimSize(1);
  if (bt.getDimSize(0) != numGroups)
    return op.emitOpError()
           << "B has " << bt.getDimSize(0) << " groups; group_sizes has "
           << numGroups << " (B is G x N x K)";
  if (bt.getDimSize(2) != k)
    return op.emitOpError() << "B has K = " << bt.getDimSize(2)
                            << "; A has K = " << k
                            << " (all groups share K in rows<contiguous>)";
  if (failed(checkN(op, n, "B")))
    return failure();

  if (failed(checkScales(op, op.getSfa()[0], "SFA", rows, k, {}, "M_total")) ||
      failed(checkScales(op, op.getSfb()[0], "SFB", n, k, {numGroups}, "N")))
    return failure();
  MemRefType c = checkOperand(op, op.getC()[0], "C", f16, 2);
  if (!c || failed(checkShape(op, c, "C", {rows, n}, "M_total x N")))
    return failure();
  return verifyAlpha(op, numGroups);
}

LogicalResult GroupedMatmulOp::verify() {
  return isListForm() ? verifyListForm(*this) : verifyContiguousForm(*this);
}

#define GET_OP_CLASSES
#include "GGemm/GGemmOps.cpp.inc"
