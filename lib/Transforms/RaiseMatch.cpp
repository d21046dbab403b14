//===- RaiseMatch.cpp - ggemm-raise's matcher -----------------------------===//
//
// GroupMatcher (RaiseMatch.h): the dequantizations, the contraction, the
// zero fill and the f16 epilogue of one group, each with the reason it is
// refused when it does not compute the op's exact bits (docs/raising.md).
//
//===----------------------------------------------------------------------===//

#include "RaiseMatch.h"

#include "GGemm/GGemmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::ggemm;
using namespace mlir::ggemm::raise;

namespace {

std::string typeStr(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

std::string mapStr(AffineMap map) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << map;
  return s;
}

/// Whether `type` is a float type that holds every product of an e2m1 and an
/// e4m3 value exactly: at most 6 significant bits, the least nonzero
/// magnitude 2^-10 (0.5 x 2^-9), the largest 2688 (6 x 448) or NaN. f16,
/// bf16, f32 and f64 do.
bool holdsDequantExactly(Type type) {
  auto floatType = dyn_cast<FloatType>(type);
  if (!floatType)
    return false;
  const llvm::fltSemantics &sem = floatType.getFloatSemantics();
  return llvm::APFloat::semanticsPrecision(sem) >= 6 &&
         llvm::APFloat::semanticsMinExponent(sem) <= -10 &&
         llvm::APFloat::semanticsMaxExponent(sem) >= 11 &&
         llvm::APFloat::semanticsHasNaN(sem);
}

/// Whether `op` rounds to nearest even: an arith.truncf with no rounding
/// mode (LLVM's default) or to_nearest_even, and no fast-math flags.
bool roundsToNearestEven(arith::TruncFOp op) {
  std::optional<arith::RoundingMode> mode = op.getRoundingmode();
  return (!mode || *mode == arith::RoundingMode::to_nearest_even) &&
         op.getFastmath().value_or(arith::FastMathFlags::none) ==
             arith::FastMathFlags::none;
}

} // namespace

FailureOr<GroupMatcher::Dequant>
GroupMatcher::matchDequant(Value value, StringRef name, bool transposed) {
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic)
    return refuse(name + " is not produced by a linalg.generic that "
                         "dequantizes f4E2M1FN codes with f8E4M3FN scales");
  unsigned loops = batch + 2;
  if (generic.getNumDpsInputs() != 2 || generic.getNumDpsInits() != 1 ||
      generic.getNumLoops() != loops ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return refuse(name + "'s dequantization is not a " + Twine(loops) +
                  "-D all-parallel linalg.generic with two inputs (codes, "
                  "scales)");
  OpOperand *codes = nullptr, *scales = nullptr;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    Type element = getElementTypeOrSelf(input->get().getType());
    if (isa<Float4E2M1FNType>(element))
      codes = input;
    else if (isa<Float8E4M3FNType>(element))
      scales = input;
  }
  if (!codes || !scales || !isa<RankedTensorType>(codes->get().getType()) ||
      !isa<RankedTensorType>(scales->get().getType()))
    return refuse(name + "'s dequantization does not read tensors of "
                         "f4E2M1FN codes and f8E4M3FN scales (it reads " +
                  typeStr(generic.getDpsInputs()[0].getType()) + " and " +
                  typeStr(generic.getDpsInputs()[1].getType()) + ")");

  // Codes indexed by (row, k), scales by (row, k floordiv 16); the result
  // at (row, k), or at (k, row) when transposed (all after the batch
  // dimension of a batched matmul).
  MLIRContext *ctx = generic.getContext();
  AffineExpr d0 = getAffineDimExpr(batch, ctx),
             d1 = getAffineDimExpr(batch + 1, ctx);
  AffineExpr row = transposed ? d1 : d0, k = transposed ? d0 : d1;
  AffineMap identity = AffineMap::getMultiDimIdentityMap(loops, ctx);
  AffineMap codesMap = batchedMap(loops, {row, k}, ctx);
  AffineMap scaleMap =
      batchedMap(loops, {row, k.floorDiv(kScaleBlock)}, ctx);
  if (generic.getMatchingIndexingMap(codes) != codesMap ||
      generic.getIndexingMapMatchingResult(generic->getResult(0)) != identity)
    return refuse(name + "'s dequantization does not read the codes at " +
                  mapStr(codesMap) + " and write its result at " +
                  mapStr(identity));
  if (generic.getMatchingIndexingMap(scales) != scaleMap)
    return refuse(name + "'s scales are read at " +
                  mapStr(generic.getMatchingIndexingMap(scales)) +
                  "; expected one scale per 16 K elements, " +
                  mapStr(scaleMap));

  // The body: extf(code) * extf(scale), in a type that holds it exactly.
  Block &body = generic.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto mul = yield.getValues()[0].getDefiningOp<arith::MulFOp>();
  auto isExtOf = [&](Value v, OpOperand *input) {
    auto ext = v.getDefiningOp<arith::ExtFOp>();
    return ext && ext.getIn() == generic.getMatchingBlockArgument(input);
  };
  if (body.getOperations().size() != 4 || !mul ||
      !((isExtOf(mul.getLhs(), codes) && isExtOf(mul.getRhs(), scales)) ||
        (isExtOf(mul.getLhs(), scales) && isExtOf(mul.getRhs(), codes))))
    return refuse(name + "'s dequantization body is not exactly "
                         "arith.mulf(arith.extf(code), arith.extf(scale))");
  if (mul.getFastmath() != arith::FastMathFlags::none)
    return refuse(name + "'s dequantization multiplies with fast-math flags");
  if (!holdsDequantExactly(mul.getType()))
    return refuse(name + " is dequantized to " + typeStr(mul.getType()) +
                  ", which does not hold every e2m1 x e4m3 product exactly "
                  "(f16, bf16, f32 and f64 do)");
  return Dequant{codes->get(), scales->get(), generic};
}

LogicalResult GroupMatcher::matchMulAddBody(linalg::GenericOp generic) {
  Block &body = generic.getRegion().front();
  if (body.getNumArguments() != 3 ||
      !llvm::all_of(body.getArgumentTypes(),
                    [](Type t) { return t.isF32(); }))
    return refuse("its body does not take three f32 values (a, b, the sum)");
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getNumOperands() == 1
                 ? yield.getOperand(0).getDefiningOp<arith::AddFOp>()
                 : arith::AddFOp();
  if (!add || body.getOperations().size() != 3)
    return refuse("its body is not one arith.mulf and one arith.addf");
  BlockArgument a = body.getArgument(0), b = body.getArgument(1),
                out = body.getArgument(2);
  auto isProduct = [&](Value v) {
    auto mul = v.getDefiningOp<arith::MulFOp>();
    return mul && ((mul.getLhs() == a && mul.getRhs() == b) ||
                   (mul.getLhs() == b && mul.getRhs() == a)) &&
           mul.getFastmath() == arith::FastMathFlags::none;
  };
  bool sum = add.getFastmath() == arith::FastMathFlags::none &&
             ((add.getLhs() == out && isProduct(add.getRhs())) ||
              (add.getRhs() == out && isProduct(add.getLhs())));
  if (!sum)
    return refuse("its body is not out + a * b (no fast-math flags)");
  return success();
}

LogicalResult GroupMatcher::matchZeroFill(Value acc, Group &group) {
  auto fill = acc.getDefiningOp<linalg::FillOp>();
  FloatAttr value;
  if (!fill || !matchPattern(fill.getInputs()[0], m_Constant(&value)))
    return refuse("the accumulator is not a linalg.fill of a constant; "
                  "ggemm sums from +0.0");
  if (!value.getValue().isPosZero())
    return refuse("the accumulator is filled with " +
                  std::to_string(value.getValueAsDouble()) +
                  (value.getValue().isNegZero() ? " (-0.0)" : "") +
                  "; ggemm sums from +0.0");
  group.chain.push_back(fill);
  return success();
}

LogicalResult GroupMatcher::matchEpilogue(Value product, Group &group) {
  if (!product.hasOneUse())
    return refuse("the f32 product has " +
                  std::to_string(std::distance(product.use_begin(),
                                               product.use_end())) +
                  " uses; raising needs exactly one, its truncation to f16");
  Operation *user = *product.getUsers().begin();
  auto f16Tensor = [](Type t) {
    auto tensor = dyn_cast<RankedTensorType>(t);
    return tensor && tensor.getElementType().isF16();
  };
  if (auto trunc = dyn_cast<arith::TruncFOp>(user)) {
    if (!f16Tensor(trunc.getType()))
      return refuse("the f32 product is truncated to " +
                    typeStr(trunc.getType()) + "; ggemm writes f16");
    if (!roundsToNearestEven(trunc))
      return refuse("the truncation to f16 does not round to nearest even "
                    "(a rounding mode or fast-math flags are set)");
    group.epilogue = trunc;
    return success();
  }
  auto generic = dyn_cast<linalg::GenericOp>(user);
  if (!generic)
    return refuse("the f32 product is used by '" +
                  user->getName().getStringRef() +
                  "', not by an arith.truncf to f16 (on tensors or as the "
                  "body of an elementwise linalg.generic)");
  Block &body = generic.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto trunc = yield.getValues().empty()
                   ? arith::TruncFOp()
                   : yield.getValues()[0].getDefiningOp<arith::TruncFOp>();
  bool elementwise =
      generic.getNumDpsInputs() == 1 && generic.getNumDpsInits() == 1 &&
      generic.getDpsInputs()[0] == product &&
      generic.getNumParallelLoops() == generic.getNumLoops() &&
      llvm::all_of(generic.getIndexingMapsArray(),
                   [](AffineMap map) { return map.isIdentity(); });
  // The body: truncf(x), or truncf(x * alpha) with alpha an f32 scalar
  // defined outside the generic (alpha * x is the same product).
  Value sum = body.getArgument(0);
  auto scaled = trunc ? trunc.getIn().getDefiningOp<arith::MulFOp>()
                      : arith::MulFOp();
  Value alpha;
  if (scaled && scaled->getBlock() == &body &&
      scaled.getFastmath() == arith::FastMathFlags::none) {
    Value lhs = scaled.getLhs(), rhs = scaled.getRhs();
    auto definedOutside = [&](Value v) {
      return v.getType().isF32() &&
             !generic.getRegion().isAncestor(v.getParentRegion());
    };
    if (lhs == sum && definedOutside(rhs))
      alpha = rhs;
    else if (rhs == sum && definedOutside(lhs))
      alpha = lhs;
  }
  size_t expectedOps = alpha ? 3 : 2;
  if (!elementwise || body.getOperations().size() != expectedOps || !trunc ||
      trunc.getIn() != (alpha ? scaled.getResult() : sum))
    return refuse("the f32 product is used by a linalg.generic that is not "
                  "an elementwise truncation to f16 (its body must be "
                  "exactly arith.truncf, or arith.truncf of an arith.mulf by "
                  "an f32 scalar defined outside it, and linalg.yield)");
  if (!f16Tensor(generic->getResult(0).getType()))
    return refuse("the f32 product is truncated to " +
                  typeStr(generic->getResult(0).getType()) +
                  "; ggemm writes f16");
  if (!roundsToNearestEven(trunc))
    return refuse("the truncation to f16 does not round to nearest even "
                  "(a rounding mode or fast-math flags are set)");
  group.epilogue = generic;
  group.init = generic.getDpsInits()[0];
  group.alpha = alpha;
  return success();
}

LogicalResult GroupMatcher::checkShapes(Group &group) {
  auto a = cast<RankedTensorType>(group.a.getType());
  auto b = cast<RankedTensorType>(group.b.getType());
  auto sfa = cast<RankedTensorType>(group.sfa.getType());
  auto sfb = cast<RankedTensorType>(group.sfb.getType());
  // M known at run time only (the token count of a layer): one group of
  // rows<contiguous>, whose size is A's rows. Everything else static.
  auto dynamicRowsOnly = [](RankedTensorType t) {
    return t.getRank() == 2 && t.isDynamicDim(0) && !t.isDynamicDim(1);
  };
  group.dynamicM = !batch && dynamicRowsOnly(a) && dynamicRowsOnly(sfa) &&
                   b.hasStaticShape() && sfb.hasStaticShape();
  if (!group.dynamicM &&
      (!a.hasStaticShape() || !b.hasStaticShape() || !sfa.hasStaticShape() ||
       !sfb.hasStaticShape()))
    return refuse(batch ? Twine("the operands have dynamic shapes; the "
                                "raised rows<masked> op needs static G, M, N "
                                "and K (for run-time counts of real rows, "
                                "write ggemm.grouped_matmul rows<masked> "
                                "with a group_counts tensor: "
                                "docs/raising.md)")
                        : Twine("the operands have dynamic shapes other "
                                "than M; a raised op needs static N and K "
                                "(and static M, except for a lone "
                                "contraction whose M is A's run-time rows: "
                                "docs/raising.md)"));
  // The batch: as many groups in A as in B, at least one (ggemm has no
  // empty group list).
  int64_t groups = batch ? a.getDimSize(0) : 1;
  if (batch && b.getDimSize(0) != groups)
    return refuse("A has a batch of " + Twine(groups) + " and B of " +
                  Twine(b.getDimSize(0)));
  if (groups == 0)
    return refuse("the batch is empty (G = 0); a ggemm op has at least one "
                  "group");
  if (groups > kMaxDim)
    return refuse("a size is 2^31 or more; ggemm indexes with 32 bits");
  int64_t m = a.getDimSize(batch), k = a.getDimSize(batch + 1),
          n = b.getDimSize(batch);
  if (k % kKGranularity != 0 || k <= 0)
    return refuse("K = " + Twine(k) + " is not a positive multiple of " +
                  Twine(kKGranularity) + ", which ggemm requires");
  if (n % kNGranularity != 0 || n <= 0)
    return refuse("N = " + Twine(n) + " is not a positive multiple of " +
                  Twine(kNGranularity) + ", which ggemm requires");
  if (m > kMaxDim || n > kMaxDim || k > kMaxDim)
    return refuse("a size is 2^31 or more; ggemm indexes with 32 bits");
  if (b.getDimSize(batch + 1) != k)
    return refuse("A and B have different K");
  SmallVector<int64_t> sfaShape, sfbShape;
  if (batch) {
    sfaShape.push_back(groups);
    sfbShape.push_back(groups);
  }
  sfaShape.append({m, k / kScaleBlock});
  sfbShape.append({n, k / kScaleBlock});
  if (sfa.getShape() != ArrayRef<int64_t>(sfaShape) ||
      sfb.getShape() != ArrayRef<int64_t>(sfbShape))
    return refuse("the scales are not " + dims("M x K/16") + " and " +
                  dims("N x K/16"));
  return success();
}

FailureOr<Group> GroupMatcher::match(linalg::LinalgOp matmul) {
  if (auto generic = dyn_cast<linalg::GenericOp>(matmul.getOperation()))
    if (failed(matchMulAddBody(generic)))
      return failure();
  if (auto contract = dyn_cast<linalg::ContractOp>(matmul.getOperation()))
    if (contract.getCast() != linalg::TypeFn::cast_signed)
      return refuse("its cast is not the default one");
  if (matmul.getNumDpsInputs() != 2 || matmul.getNumDpsInits() != 1)
    return refuse("it does not take two inputs and one init");
  if (!matmul.hasPureTensorSemantics())
    return refuse("it works on buffers; ggemm-raise raises matmuls on "
                  "tensors");
  Value acc = matmul.getDpsInits()[0];
  Type accElement = getElementTypeOrSelf(acc.getType());
  if (!accElement.isF32())
    return refuse("it accumulates in " + typeStr(accElement) +
                  "; ggemm accumulates in f32 and rounds to f16 once, which "
                  "only an f32 matmul followed by a truncation to f16 "
                  "matches");

  // A matmul (m, n, k), or a batched one (g, m, n, k): the batch loop
  // first, the reduction last.
  unsigned loops = matmul.getNumLoops();
  if (loops != 3 && loops != 4)
    return refuse("it has " + Twine(loops) +
                  " loops; ggemm-raise raises matmuls (m, n, k) and batched "
                  "matmuls (batch, m, n, k)");
  batch = loops - 3;
  if (isa<linalg::GenericOp>(matmul.getOperation())) {
    SmallVector<utils::IteratorType> iterators(loops - 1,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    if (matmul.getIteratorTypesArray() != iterators)
      return refuse(batch ? "its iterators are not parallel, parallel, "
                            "parallel, reduction"
                          : "its iterators are not parallel, parallel, "
                            "reduction");
  }

  // C = A * B^T: B's maps read (n, k), or a plain matmul of a transposed B.
  MLIRContext *ctx = matmul.getContext();
  AffineExpr m = getAffineDimExpr(batch, ctx),
             n = getAffineDimExpr(batch + 1, ctx),
             k = getAffineDimExpr(batch + 2, ctx);
  auto map = [&](AffineExpr r, AffineExpr c) {
    return batchedMap(loops, {r, c}, ctx);
  };
  SmallVector<AffineMap> maps = matmul.getIndexingMapsArray();
  Group group;
  group.matmul = matmul.getOperation();
  group.batched = batch != 0;
  Value lhs = matmul.getDpsInputs()[0], rhs = matmul.getDpsInputs()[1];
  Value bSource;
  std::optional<Dequant> transposedB;
  if (maps == SmallVector<AffineMap>{map(m, k), map(n, k), map(m, n)}) {
    bSource = rhs;
  } else if (maps == SmallVector<AffineMap>{map(m, k), map(k, n), map(m, n)}) {
    // B is K x N: a linalg.transpose of the N x K dequantization, or a
    // dequantization that transposes N x K codes itself.
    auto transpose = rhs.getDefiningOp<linalg::TransposeOp>();
    SmallVector<int64_t> swapLast =
        batch ? SmallVector<int64_t>{0, 2, 1} : SmallVector<int64_t>{1, 0};
    if (transpose &&
        transpose.getPermutation() == ArrayRef<int64_t>(swapLast)) {
      bSource = transpose.getInput();
      group.chain.push_back(transpose);
    } else if (FailureOr<Dequant> b =
                   matchDequant(rhs, "B", /*transposed=*/true);
               succeeded(b)) {
      transposedB = *b;
    } else {
      return refuse("B is " + dims("K x N") +
                    " and neither a linalg.transpose of " +
                    (batch ? "a " : "an ") + dims("N x K") +
                    " tensor nor dequantized from " +
                    dims("N x K") + " codes (" + Twine(reason) +
                    "); ggemm computes A * B^T with B stored " +
                    dims("N x K"));
    }
  } else {
    return refuse("its indexing maps are neither those of A * B nor of "
                  "A * B^T" +
                  Twine(batch ? " (batch dimension first)" : ""));
  }

  FailureOr<Dequant> a = matchDequant(lhs, "A");
  if (failed(a))
    return failure();
  FailureOr<Dequant> b =
      transposedB ? FailureOr<Dequant>(*transposedB) : matchDequant(bSource, "B");
  if (failed(b))
    return failure();
  group.a = a->codes, group.sfa = a->scales;
  group.b = b->codes, group.sfb = b->scales;
  group.chain.append({a->op, b->op});
  if (failed(matchZeroFill(acc, group)) ||
      failed(matchEpilogue(matmul->getResult(0), group)) ||
      failed(checkShapes(group)))
    return failure();
  return group;
}
