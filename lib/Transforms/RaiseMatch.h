//===- RaiseMatch.h - what ggemm-raise recognizes (private) ----*- C++ -*-===//
//
// One grouped NVFP4 matmul of a linalg program as ggemm-raise finds it
// (Group), and the matcher that finds it around one contraction or says
// why not (GroupMatcher). The pass (Raise.cpp) gathers the groups of a
// block into ggemm ops; docs/raising.md has the accepted pattern.
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_TRANSFORMS_RAISEMATCH_H
#define GGEMM_LIB_TRANSFORMS_RAISEMATCH_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/AffineMap.h"

#include <string>

namespace mlir::ggemm::raise {

/// The tensors and ops of one recognized group.
struct Group {
  Operation *matmul;
  Value a, sfa, b, sfb; // codes and scales, as the ggemm op takes them
  /// The f16 init of the truncation (an elementwise linalg.generic's), or
  /// null for an arith.truncf on tensors.
  Value init;
  /// The f32 scalar the sum is multiplied by before the truncation (the
  /// op's alpha), or null.
  Value alpha;
  /// The truncation to f16, whose result the ggemm op replaces.
  Operation *epilogue;
  /// Everything the group computed with, erased once it has no users.
  SmallVector<Operation *> chain;
  /// A batched matmul (a, sfa, b, sfb are G x M x K, G x M x K/16,
  /// G x N x K, G x N x K/16): raised alone, into a rows<masked> op.
  bool batched = false;
  /// M only known at run time (A is ? x K, SFA ? x K/16; not batched):
  /// raised alone, into a rows<contiguous> op of one group whose size is
  /// A's rows.
  bool dynamicM = false;
};

/// Matches one contraction (linalg.matmul, linalg.batch_matmul,
/// linalg.contract or a contraction linalg.generic; with a batch loop first
/// or not) and the ops around it; on failure, `reason` says what did not
/// match.
class GroupMatcher {
public:
  FailureOr<Group> match(linalg::LinalgOp matmul);
  std::string reason;

private:
  /// The codes and scales of one dequantized operand.
  struct Dequant {
    Value codes, scales;
    Operation *op;
  };

  LogicalResult refuse(const Twine &message) {
    reason = message.str();
    return failure();
  }
  /// The leading loops and dimensions of a batched matmul: 1, or 0.
  unsigned batch = 0;
  /// `shape` ("M x K"), preceded by "G x " in a batched matmul.
  std::string dims(StringRef shape) const {
    return ((batch ? "G x " : "") + shape).str();
  }
  /// The affine map of `loops` dimensions with results `exprs`, preceded by
  /// the batch dimension d0 in a batched matmul.
  AffineMap batchedMap(unsigned loops, ArrayRef<AffineExpr> exprs,
                       MLIRContext *ctx) const {
    SmallVector<AffineExpr> results;
    if (batch)
      results.push_back(getAffineDimExpr(0, ctx));
    llvm::append_range(results, exprs);
    return AffineMap::get(loops, 0, results, ctx);
  }
  /// With `transposed`, the dequantization writes the K x N transpose of
  /// N x K codes (it reads codes at (n, k) and scales at (n, k floordiv 16)
  /// for result element (k, n)). In a batched matmul every map has the
  /// batch dimension first: (g, row, k), (g, row, k floordiv 16).
  FailureOr<Dequant> matchDequant(Value value, StringRef name,
                                  bool transposed = false);
  LogicalResult matchZeroFill(Value acc, Group &group);
  /// A contraction generic's body: out + a * b in f32, nothing else (what
  /// linalg.matmul computes on f32 operands).
  LogicalResult matchMulAddBody(linalg::GenericOp generic);
  LogicalResult matchEpilogue(Value product, Group &group);
  LogicalResult checkShapes(Group &group);
};

/// A group of run-time M that is the body of a loop over experts
/// (RaiseLoop.cpp, docs/raising.md "Loops over experts"):
///
///   scf.for %e = 0 to G step 1 iter_args(%out = C, %start = 0) {
///     %end = index_cast(offsets[%e]); %m = %end - %start
///     A rows [%start, %end) of T x K, SFA likewise, B[%e], SFB[%e]
///     ... the group ...
///     yield insert_slice(product, %out at rows [%start, %end)), %end
///   }
///
/// which is one rows<offsets> op over the whole tensors.
struct ExpertLoop {
  scf::ForOp loop;
  /// The loop's carried values: the output, the next expert's first row.
  unsigned outputIndex = 0, startIndex = 0;
  /// The whole operands, defined before the loop: A (T x K), SFA
  /// (T x K/16), B (G x N x K), SFB (G x N x K/16), C's initial value
  /// (T x N), the offsets (tensor<G x i32>).
  Value a, sfa, b, sfb, init, offsets;
  /// One alpha for every expert, or a tensor<G x f32> of them, or neither.
  Value alpha, alphas;
};

/// Matches the loop around `group`; on failure, `reason` says why not.
FailureOr<ExpertLoop> matchExpertLoop(const Group &group, std::string &reason);

} // namespace mlir::ggemm::raise

#endif // GGEMM_LIB_TRANSFORMS_RAISEMATCH_H
