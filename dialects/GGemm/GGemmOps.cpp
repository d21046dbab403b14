//===- GGemmOps.cpp - ggemm operations ------------------------------------===//
//
// Verifier and helpers of `ggemm.grouped_matmul`. Every shape and type rule
// of docs/architecture.md section 1 has its own message naming the operand, the
// group and the rule.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

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

/// Checks one operand: a memref with the identity layout or a tensor without
/// an encoding, the given element type and rank, and sizes that fit in 32
/// bits. `name` is how messages refer to it ("A of group 1"). Returns the
/// type or null after an error.
ShapedType checkOperand(const GroupedOperands &op, Value v, const Twine &name,
                        Type elementType, int64_t rank) {
  // ODS: a memref or a ranked tensor.
  auto type = cast<ShapedType>(v.getType());
  if (type.getElementType() != elementType) {
    op.op->emitOpError() << name << " has element type " << type.getElementType()
                     << "; expected " << elementType;
    return {};
  }
  if (type.getRank() != rank) {
    op.op->emitOpError() << name << " has rank " << type.getRank()
                     << "; expected rank " << rank;
    return {};
  }
  auto memref = dyn_cast<MemRefType>(type);
  if (memref && !memref.getLayout().isIdentity()) {
    op.op->emitOpError() << name
                     << " must have the identity (dense row-major) layout";
    return {};
  }
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (tensor && tensor.getEncoding()) {
    op.op->emitOpError() << name << " has the tensor encoding "
                         << tensor.getEncoding()
                         << "; the tensor form takes tensors without one";
    return {};
  }
  for (int64_t d : type.getShape()) {
    if (!ShapedType::isDynamic(d) && d > kMaxDim) {
      op.op->emitOpError() << name << " has a dimension of " << d
                       << "; sizes must be below 2^31 (32-bit indexing)";
      return {};
    }
  }
  return type;
}

/// Requires every dimension of `type` to be static, except dimension 0 when
/// `dynamicRows` is set. `hint` is appended to the message.
LogicalResult requireStatic(const GroupedOperands &op, ShapedType type,
                            const Twine &name, bool dynamicRows = false,
                            StringRef hint = "") {
  for (auto [i, d] : llvm::enumerate(type.getShape())) {
    if (ShapedType::isDynamic(d) && !(dynamicRows && i == 0))
      return op.op->emitOpError()
             << name << " has a dynamic dimension " << i << " (shape "
             << shapeStr(type.getShape()) << "); it must be static" << hint;
  }
  return success();
}

/// Checks that `type` has exactly `expected` (dynamic entries must match
/// dynamic entries); `rule` explains where the expectation comes from.
LogicalResult checkShape(const GroupedOperands &op, ShapedType type,
                         const Twine &name, ArrayRef<int64_t> expected,
                         const Twine &rule) {
  if (type.getShape() == expected)
    return success();
  return op.op->emitOpError() << name << " has shape " << shapeStr(type.getShape())
                          << "; expected " << shapeStr(expected) << " ("
                          << rule << ")";
}

LogicalResult checkK(const GroupedOperands &op, int64_t k, const Twine &name) {
  if (k <= 0 || k % kKGranularity != 0)
    return op.op->emitOpError()
           << name << " has K = " << k << "; K must be a positive multiple of "
           << kKGranularity << " (four 16-element scale blocks per MMA step)";
  return success();
}

LogicalResult checkN(const GroupedOperands &op, int64_t n, const Twine &name) {
  if (n <= 0 || n % kNGranularity != 0)
    return op.op->emitOpError()
           << name << " has N = " << n << "; N must be a positive multiple of "
           << kNGranularity << " (16-byte rows of the f16 output)";
  return success();
}

/// Checks a scale operand for `rows x k` data. `lead` holds leading
/// dimensions (the group dimension of a 3-D SFB) that precede the layout.
LogicalResult checkScales(const GroupedOperands &op, Value v, const Twine &name,
                          int64_t rows, int64_t k, ArrayRef<int64_t> lead,
                          StringRef rowName) {
  Builder b(op.op->getContext());
  bool blocked = op.scaleLayout == ScaleLayout::blocked_128x4;
  SmallVector<int64_t> expected(lead);
  if (blocked)
    llvm::append_range(expected, getBlockedScaleShape(rows, k));
  else
    llvm::append_range(expected, ArrayRef<int64_t>{rows, k / kScaleBlock});
  ShapedType type = checkOperand(op, v, name, b.getType<Float8E4M3FNType>(),
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
// The group-rows operand: custom<GroupRows>
//===----------------------------------------------------------------------===//

StringRef mlir::ggemm::getGroupRowsKeyword(RowsKind rows) {
  switch (rows) {
  case RowsKind::offsets:
  case RowsKind::gathered:
    return "group_offsets";
  case RowsKind::masked:
    return "group_counts";
  case RowsKind::list:
  case RowsKind::contiguous:
    break;
  }
  return "group_sizes";
}

/// `group_sizes(%s : T)`, `group_offsets(...)` or `group_counts(...)`: the
/// keyword of the op's row layout, or nothing. Any of the three is read, so
/// that the wrong one is refused by name rather than as a syntax error.
static ParseResult
parseGroupRows(OpAsmParser &parser, RowsKindAttr rows,
               std::optional<OpAsmParser::UnresolvedOperand> &operand,
               Type &type) {
  StringRef expected = getGroupRowsKeyword(rows.getValue());
  StringRef keyword;
  llvm::SMLoc loc = parser.getCurrentLocation();
  if (failed(parser.parseOptionalKeyword(
          &keyword, {"group_sizes", "group_offsets", "group_counts"})))
    return success();
  if (keyword != expected)
    return parser.emitError(loc)
           << "rows<" << stringifyRowsKind(rows.getValue()) << "> takes "
           << expected << ", not " << keyword;
  OpAsmParser::UnresolvedOperand value;
  if (parser.parseLParen() || parser.parseOperand(value) ||
      parser.parseColonType(type) || parser.parseRParen())
    return failure();
  operand = value;
  return success();
}

static void printGroupRows(OpAsmPrinter &printer, Operation *,
                           RowsKindAttr rows, Value operand, Type type) {
  // The format has no space before the directive: it prints its own.
  if (!operand)
    return;
  printer << " " << getGroupRowsKeyword(rows.getValue()) << "(" << operand
          << " : " << type << ")";
}

//===----------------------------------------------------------------------===//
// GroupedMatmulOp
//===----------------------------------------------------------------------===//

int64_t GroupedOperands::getNumGroups() const {
  if (isListForm())
    return a.size();
  return cast<ShapedType>(groupSizes.getType()).getDimSize(0);
}

GroupShape GroupedOperands::getGroupShape(int64_t g) const {
  if (isListForm()) {
    auto at = cast<ShapedType>(a[g].getType());
    auto bt = cast<ShapedType>(b[g].getType());
    return {at.getDimSize(0), bt.getDimSize(0), at.getDimSize(1)};
  }
  auto bt = cast<ShapedType>(b[0].getType());
  // rows<masked>: every group has room for max_m rows (A is G x max_m x K).
  int64_t m = rows == RowsKind::masked
                  ? cast<ShapedType>(a[0].getType()).getDimSize(1)
                  : ShapedType::kDynamic;
  return {m, bt.getDimSize(1), bt.getDimSize(2)};
}

/// Memory effects of an op with the grouped operands: C, and the operand
/// segments in `writtenSegments`, are written; every other memref is read.
template <typename OpTy>
static void
addGroupedEffects(OpTy op, ArrayRef<unsigned> writtenSegments,
                  SmallVectorImpl<SideEffects::EffectInstance<
                      MemoryEffects::Effect>> &effects) {
  auto isWritten = [&](unsigned index) {
    return llvm::any_of(writtenSegments, [&](unsigned segment) {
      auto [begin, count] = op.getODSOperandIndexAndLength(segment);
      return index >= begin && index < begin + count;
    });
  };
  for (OpOperand &operand : op->getOpOperands()) {
    if (!isa<MemRefType>(operand.get().getType()))
      continue;
    if (isWritten(operand.getOperandNumber()))
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
    else
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}

// ODS operand segment numbers of C (and the workspace).
static constexpr unsigned kCSegment = 4;
static constexpr unsigned kTileIndexOperands = 6; // mma_tile's leading indices

void GroupedMatmulOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  addGroupedEffects(*this, {kCSegment}, effects);
}

void MmaTileOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  // Segments: 6 indices, then a, sfa, b, sfb, c, group_sizes, row_indices,
  // alpha, workspace.
  addGroupedEffects(*this,
                    {kTileIndexOperands + kCSegment, kTileIndexOperands + 8},
                    effects);
}

void ReduceTileOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  addGroupedEffects(*this, {kTileIndexOperands - 1 + kCSegment}, effects);
}

/// num_tiles and tile_coords read group_sizes when they have it.
template <typename OpTy>
static void readGroupSizes(OpTy op,
                           SmallVectorImpl<SideEffects::EffectInstance<
                               MemoryEffects::Effect>> &effects) {
  if (op.getGroupSizes())
    effects.emplace_back(MemoryEffects::Read::get(),
                         &op.getGroupSizesMutable()[0],
                         SideEffects::DefaultResource::get());
}

void NumTilesOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  readGroupSizes(*this, effects);
}

void TileCoordsOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  readGroupSizes(*this, effects);
}

/// Checks the optional per-group alpha buffer: memref<G x f32>.
static LogicalResult verifyAlpha(const GroupedOperands &op, int64_t numGroups) {
  if (!op.alpha)
    return success();
  Builder b(op.op->getContext());
  ShapedType type =
      checkOperand(op, op.alpha, "alpha", b.getF32Type(), /*rank=*/1);
  if (!type)
    return failure();
  return checkShape(op, type, "alpha", {numGroups}, "one f32 per group");
}

static LogicalResult verifyListForm(const GroupedOperands &op) {
  Builder b(op.op->getContext());
  Type f4 = b.getType<Float4E2M1FNType>(), f16 = b.getF16Type();
  int64_t numGroups = op.a.size();
  if (numGroups == 0)
    return op.op->emitOpError("has an empty group list; it needs at least one "
                          "group");
  auto counts = {std::make_pair("SFA", op.sfa.size()),
                 std::make_pair("B", op.b.size()),
                 std::make_pair("SFB", op.sfb.size()),
                 std::make_pair("C", op.c.size())};
  for (auto [name, count] : counts)
    if ((int64_t)count != numGroups)
      return op.op->emitOpError()
             << "has " << numGroups << " A operands but " << count << " "
             << name << " operands; rows<list> needs one of each per group";
  if (op.groupSizes)
    return op.op->emitOpError("takes group_sizes only with rows<contiguous>, "
                              "rows<offsets>, rows<masked> or rows<gathered>; "
                              "rows<list> has static group sizes");
  if (op.rowIndices)
    return op.op->emitOpError("takes row_indices only with rows<gathered>");

  for (int64_t g = 0; g < numGroups; ++g) {
    std::string grp = llvm::formatv(" of group {0}", g).str();
    ShapedType a = checkOperand(op, op.a[g], "A" + grp, f4, 2);
    if (!a || failed(requireStatic(
                  op, a, "A" + grp, /*dynamicRows=*/false,
                  "; use rows<contiguous> for run-time group sizes")))
      return failure();
    int64_t m = a.getDimSize(0), k = a.getDimSize(1);
    if (failed(checkK(op, k, "A" + grp)))
      return failure();

    ShapedType bt = checkOperand(op, op.b[g], "B" + grp, f4, 2);
    if (!bt || failed(requireStatic(op, bt, "B" + grp)))
      return failure();
    int64_t n = bt.getDimSize(0);
    if (bt.getDimSize(1) != k)
      return op.op->emitOpError()
             << "B" << grp << " has K = " << bt.getDimSize(1) << "; A" << grp
             << " has K = " << k << " (A and B of a group share K)";
    if (failed(checkN(op, n, "B" + grp)))
      return failure();

    if (failed(checkScales(op, op.sfa[g], "SFA" + grp, m, k, {}, "M")) ||
        failed(checkScales(op, op.sfb[g], "SFB" + grp, n, k, {}, "N")))
      return failure();

    ShapedType c = checkOperand(op, op.c[g], "C" + grp, f16, 2);
    if (!c || failed(checkShape(op, c, "C" + grp, {m, n}, "M x N")))
      return failure();
  }
  return verifyAlpha(op, numGroups);
}

/// rows<contiguous>, rows<offsets> and rows<masked>: one buffer of each
/// operand, B and SFB stacked per group, and the group-rows array.
static LogicalResult verifyOneBufferForm(const GroupedOperands &op) {
  Builder b(op.op->getContext());
  Type f4 = b.getType<Float4E2M1FNType>(), f16 = b.getF16Type();
  std::string form = ("rows<" + stringifyRowsKind(op.rows) + ">").str();
  StringRef arrayName = getGroupRowsKeyword(op.rows);
  bool masked = op.rows == RowsKind::masked;
  bool gathered = op.rows == RowsKind::gathered;
  auto counts = {std::make_pair("A", op.a.size()),
                 std::make_pair("SFA", op.sfa.size()),
                 std::make_pair("B", op.b.size()),
                 std::make_pair("SFB", op.sfb.size()),
                 std::make_pair("C", op.c.size())};
  for (auto [name, count] : counts)
    if (count != 1)
      return op.op->emitOpError() << "takes exactly one " << name
                                  << " buffer with " << form << "; got "
                                  << count;
  if (op.rowIndices && !gathered)
    return op.op->emitOpError() << "takes row_indices only with rows<gathered>; "
                                << form << " reads A's rows in place";
  if (gathered && !op.rowIndices)
    return op.op->emitOpError(
        "with rows<gathered> needs row_indices, a memref<R x i32> mapping "
        "each routed row to its row of A");
  if (!op.groupSizes) {
    StringRef what = hasGroupOffsets(op.rows) ? "cumulative end rows"
                     : masked                    ? "real rows"
                                                 : "row counts";
    return op.op->emitOpError() << "with " << form << " needs " << arrayName
                                << ", a memref<G x i32> of per-group " << what;
  }
  if (op.scaleLayout != ScaleLayout::row_major)
    return op.op->emitOpError()
           << "supports scales<blocked_128x4> only with rows<list>; " << form
           << " takes row_major scales (blocked atoms would need per-group "
              "row padding)";

  ShapedType sizes = checkOperand(op, op.groupSizes, arrayName,
                                  b.getI32Type(), /*rank=*/1);
  if (!sizes || failed(requireStatic(op, sizes, arrayName,
                                     /*dynamicRows=*/false,
                                     " (its length is the number of groups)")))
    return failure();
  int64_t numGroups = sizes.getDimSize(0);
  if (numGroups == 0)
    return op.op->emitOpError()
           << "has an empty group list (" << arrayName
           << " has length 0); it needs at least one group";

  // A: rows x K (rows may be dynamic), or G x max_m x K (masked, static).
  ShapedType a = checkOperand(op, op.a[0], "A", f4, masked ? 3 : 2);
  if (!a || failed(requireStatic(op, a, "A", /*dynamicRows=*/!masked,
                                 masked ? " in rows<masked> (G x max_m x K)"
                                        : "")))
    return failure();
  if (masked && a.getDimSize(0) != numGroups)
    return op.op->emitOpError()
           << "A has " << a.getDimSize(0) << " groups; " << arrayName
           << " has " << numGroups << " (A is G x max_m x K in rows<masked>)";
  int64_t rows = a.getDimSize(masked ? 1 : 0), k = a.getDimSize(a.getRank() - 1);
  SmallVector<int64_t> lead;
  if (masked)
    lead.push_back(numGroups);
  if (failed(checkK(op, k, "A")))
    return failure();

  ShapedType bt = checkOperand(op, op.b[0], "B", f4, 3);
  if (!bt || failed(requireStatic(op, bt, "B")))
    return failure();
  int64_t n = bt.getDimSize(1);
  if (bt.getDimSize(0) != numGroups)
    return op.op->emitOpError()
           << "B has " << bt.getDimSize(0) << " groups; " << arrayName
           << " has " << numGroups << " (B is G x N x K)";
  if (bt.getDimSize(2) != k)
    return op.op->emitOpError() << "B has K = " << bt.getDimSize(2)
                                << "; A has K = " << k << " (all groups share K in "
                                << form << ")";
  if (failed(checkN(op, n, "B")))
    return failure();

  StringRef rowName = masked ? "max_m" : gathered ? "T" : "M_total";
  if (failed(checkScales(op, op.sfa[0], "SFA", rows, k, lead, rowName)) ||
      failed(checkScales(op, op.sfb[0], "SFB", n, k, {numGroups}, "N")))
    return failure();
  ShapedType c = checkOperand(op, op.c[0], "C", f16, masked ? 3 : 2);
  if (!c)
    return failure();
  // rows<gathered>: C has one row per routed row (R, maybe dynamic), as
  // row_indices has; A has the token rows (T).
  int64_t cRows = gathered ? c.getDimSize(0) : rows;
  SmallVector<int64_t> cShape(lead);
  cShape.append({cRows, n});
  if (failed(checkShape(op, c, "C", cShape,
                        masked     ? "G x max_m x N"
                        : gathered ? "R x N, one row per routed row"
                                   : "M_total x N")))
    return failure();
  if (gathered) {
    ShapedType indices = checkOperand(op, op.rowIndices, "row_indices",
                                      b.getI32Type(), /*rank=*/1);
    if (!indices ||
        failed(checkShape(op, indices, "row_indices", {cRows},
                          "one token row per routed row, as C has")))
      return failure();
  }
  return verifyAlpha(op, numGroups);
}

/// The operands are all memrefs (memref form) or all tensors (tensor form).
static LogicalResult verifyOneKind(const GroupedOperands &op) {
  std::string tensor, memref;
  auto note = [&](Value v, const Twine &name) {
    std::string &first = isa<TensorType>(v.getType()) ? tensor : memref;
    if (first.empty())
      first = name.str();
  };
  auto noteAll = [&](OperandRange range, StringRef name) {
    for (auto [g, v] : llvm::enumerate(range))
      note(v, op.isListForm() ? name + " of group " + Twine(g) : Twine(name));
  };
  noteAll(op.a, "A");
  noteAll(op.sfa, "SFA");
  noteAll(op.b, "B");
  noteAll(op.sfb, "SFB");
  noteAll(op.c, "C");
  if (op.groupSizes)
    note(op.groupSizes, getGroupRowsKeyword(op.rows));
  if (op.rowIndices)
    note(op.rowIndices, "row_indices");
  if (op.alpha)
    note(op.alpha, "alpha");
  if (tensor.empty() || memref.empty())
    return success();
  return op.op->emitOpError()
         << "mixes tensor and memref operands (" << tensor
         << " is a tensor, " << memref
         << " a memref); the operands are all tensors (tensor form) or all "
            "memrefs (memref form)";
}

LogicalResult GroupedOperands::verify() const {
  if (failed(verifyOneKind(*this)))
    return failure();
  return isListForm() ? verifyListForm(*this) : verifyOneBufferForm(*this);
}

LogicalResult GroupedMatmulOp::verify() {
  if (failed(getProblem().verify()))
    return failure();
  if (!hasTensorSemantics()) {
    if (getNumResults() != 0)
      return emitOpError() << "has " << getNumResults()
                           << " results; the memref form writes C in place "
                              "and returns nothing";
    return success();
  }
  // Tensor form: one result per C operand, of its type.
  if (getNumResults() != getC().size())
    return emitOpError() << "has " << getNumResults()
                         << " results; the tensor form returns one tensor "
                            "per C operand ("
                         << getC().size() << ")";
  for (auto [i, result, init] :
       llvm::enumerate(getResultTypes(), getC().getTypes())) {
    if (result != init)
      return emitOpError() << "result #" << i << " has type " << result
                           << "; expected " << init << ", the type of C"
                           << (isListForm() ? " of group " + Twine(i)
                                            : Twine())
                           << " (its initial value)";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Schedule and persistent level
//===----------------------------------------------------------------------===//

LogicalResult
ScheduleAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                     Chip target, int64_t tileM, int64_t tileN, int64_t tileK,
                     Raster raster, int64_t splitK, int64_t grid,
                     int64_t stages, bool predecode) {
  // Tile M is a power of two from 16 to 256 (each chip's kernel takes a
  // subset: TargetInfo::tileM).
  if (tileM < 16 || tileM > 256 || !llvm::isPowerOf2_64(tileM))
    return emitError() << "tile M = " << tileM
                       << " is not one of 16, 32, 64, 128, 256";
  if (tileN < 8 || tileN > 256 || tileN % 8 != 0)
    return emitError() << "tile N = " << tileN
                       << " must be a multiple of 8 in [8, 256]";
  if (tileK < kKGranularity || tileK > 1024 || tileK % kKGranularity != 0)
    return emitError() << "tile K = " << tileK << " must be a multiple of "
                       << kKGranularity << " in [64, 1024]";
  if (splitK < 1 || splitK > 64)
    return emitError() << "split_k = " << splitK << " must be in [1, 64]";
  if (grid < 1 || grid > 65535)
    return emitError() << "grid = " << grid << " must be in [1, 65535]";
  if (stages < 1 || stages > 16)
    return emitError() << "stages = " << stages << " must be in [1, 16]";
  if (predecode)
    if (std::string why = predecodeRefusal(target); !why.empty())
      return emitError() << why;
  return success();
}

std::string mlir::ggemm::predecodeRefusal(Chip chip) {
  if (chip == Chip::sm_90a)
    return "";
  return ("predecode (tokens decoded once per problem) is an sm_90a "
          "kernel's; the schedule targets " +
          stringifyChip(chip))
      .str();
}

LogicalResult PersistentOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != 2 ||
      !llvm::all_of(body.getArgumentTypes(),
                    [](Type t) { return t.isIndex(); }))
    return emitOpError("body must take two index arguments (%cta, "
                       "%num_ctas)");
  // Phases run one after the other over all CTAs: no value flows across a
  // grid barrier (each CTA's values of a phase are gone when the next starts).
  unsigned phase = 0;
  DenseMap<Operation *, unsigned> phaseOf;
  for (Operation &op : body) {
    if (isa<GridBarrierOp>(op)) {
      ++phase;
      continue;
    }
    phaseOf[&op] = phase;
    WalkResult result = op.walk([&](Operation *nested) {
      for (Value operand : nested->getOperands()) {
        Operation *def = operand.getDefiningOp();
        while (def && def->getBlock() != &body)
          def = def->getParentOp();
        if (def && phaseOf.count(def) && phaseOf[def] != phase) {
          nested->emitOpError("uses a value defined before a "
                              "ggemm.grid_barrier; recompute it in this phase");
          return WalkResult::interrupt();
        }
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return failure();
  }
  return success();
}

/// Rules shared by num_tiles and tile_coords.
template <typename OpTy>
static LogicalResult verifyTileSpace(OpTy op) {
  ArrayRef<int64_t> tilesM = op.getTilesM(), tilesN = op.getTilesN();
  if (tilesN.empty())
    return op.emitOpError("tiles_n is empty; it needs one entry per group");
  if (llvm::any_of(tilesN, [](int64_t t) { return t <= 0; }))
    return op.emitOpError("tiles_n entries must be positive");
  // Inside an outlined kernel the tile space covers the kernel's groups.
  if (KernelProblemAttr problem = getEnclosingKernelProblem(op))
    if (problem.getNumGroups() != int64_t(tilesN.size()))
      return op.emitOpError()
             << "has " << tilesN.size() << " groups; the kernel's "
             << kProblemAttrName << " has " << problem.getNumGroups();
  // The lowering multiplies tile counts in index arithmetic at compile time.
  int64_t splitK = op.getSchedule().getSplitK(), product;
  for (auto [g, tn] : llvm::enumerate(tilesN))
    if (llvm::MulOverflow(tn, splitK, product))
      return op.emitOpError() << "tiles_n x split_k of group " << g
                              << " overflows an int64_t";
  std::optional<RowsKind> rows = op.getRows();
  bool masked = rows == RowsKind::masked;
  if (masked != bool(op.getMaxRows()))
    return op.emitOpError("takes max_rows exactly with rows<masked>");
  if (masked && (*op.getMaxRows() < 0 || *op.getMaxRows() > kMaxDim))
    return op.emitOpError() << "max_rows = " << *op.getMaxRows()
                            << " must be in [0, 2^31)";
  if (rows && !op.getGroupSizes())
    return op.emitOpError("takes a row layout only with group_sizes");
  if (rows == RowsKind::list)
    return op.emitOpError("reads run-time rows; rows<list> has static ones "
                          "(tiles_m)");
  if (op.getGroupSizes()) {
    if (!tilesM.empty())
      return op.emitOpError("takes tiles_m or group_sizes, not both");
    auto sizes = dyn_cast<MemRefType>(op.getGroupSizes().getType());
    if (!sizes || sizes.getRank() != 1 ||
        sizes.getDimSize(0) != int64_t(tilesN.size()) ||
        !sizes.getElementType().isInteger(32))
      return op.emitOpError() << "group_sizes must be memref<"
                              << tilesN.size() << "xi32>, one per group";
    return success();
  }
  if (tilesM.size() != tilesN.size())
    return op.emitOpError() << "has " << tilesM.size() << " tiles_m and "
                            << tilesN.size()
                            << " tiles_n entries; expected one per group";
  if (llvm::any_of(tilesM, [](int64_t t) { return t < 0; }))
    return op.emitOpError("tiles_m entries must be >= 0");
  // With static M it sums the work items (tiles_m x tiles_n x split_k per
  // group) at compile time: the sum must be an int64_t.
  int64_t total = 0;
  for (auto [g, tm, tn] : llvm::enumerate(tilesM, tilesN)) {
    int64_t work;
    if (llvm::MulOverflow(tm, tn, work) ||
        llvm::MulOverflow(work, splitK, work) ||
        llvm::AddOverflow(total, work, total))
      return op.emitOpError()
             << "has more work items than an int64_t holds (tiles_m x "
                "tiles_n x split_k summed over the groups overflows at group "
             << g << ")";
  }
  return success();
}

LogicalResult NumTilesOp::verify() { return verifyTileSpace(*this); }
LogicalResult TileCoordsOp::verify() { return verifyTileSpace(*this); }

/// A workspace of f32 partial tiles: memref<W x tile_m x tile_n x f32>.
static LogicalResult verifyWorkspace(Operation *op, Value workspace,
                                     ScheduleAttr schedule) {
  auto type = dyn_cast<MemRefType>(workspace.getType());
  if (!type || type.getRank() != 3 || !type.getElementType().isF32() ||
      type.getDimSize(1) != schedule.getTileM() ||
      type.getDimSize(2) != schedule.getTileN())
    return op->emitOpError()
           << "workspace must be memref<? x " << schedule.getTileM() << " x "
           << schedule.getTileN() << " x f32> (one f32 tile per work item); got "
           << workspace.getType();
  return success();
}

LogicalResult MmaTileOp::verify() {
  if (failed(getProblem().verify()))
    return failure();
  int64_t split = getSchedule().getSplitK();
  if (split > 1 && !getWorkspace())
    return emitOpError() << "with split_k = " << split
                         << " needs a workspace for its f32 partials";
  if (split == 1 && getWorkspace())
    return emitOpError("with split_k = 1 writes C directly; it takes no "
                       "workspace");
  return getWorkspace() ? verifyWorkspace(*this, getWorkspace(), getSchedule())
                        : success();
}

LogicalResult ReduceTileOp::verify() {
  if (failed(getProblem().verify()))
    return failure();
  if (getSchedule().getSplitK() < 2)
    return emitOpError("reduces split-K partials; the schedule has split_k = "
                       "1");
  return verifyWorkspace(*this, getWorkspace(), getSchedule());
}

#define GET_OP_CLASSES
#include "GGemm/GGemmOps.cpp.inc"
