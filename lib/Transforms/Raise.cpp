//===- Raise.cpp - the ggemm-raise pass -----------------------------------===//
//
// Recognizes grouped NVFP4 matmuls written with linalg and arith on tensors
// (per group: dequantize A and B by a linalg.generic, multiply in f32 with a
// contraction against B^T -- linalg.matmul, linalg.contract, or the
// linalg.generic that frontends emit --, truncate to f16) and rewrites them
// into the tensor form of ggemm.grouped_matmul: rows<list> for 2-D matmuls,
// rows<masked> with every count at max_m for a batched one (a
// linalg.batch_matmul, or the same contraction with a batch loop),
// rows<offsets> for a loop over experts slicing one token matrix by a
// device offsets tensor (RaiseLoop.cpp). This
// file gathers the groups of each block into ggemm ops; RaiseMatch.cpp
// recognizes one group. docs/raising.md describes the accepted pattern, why it computes the op's
// exact bits, and what is refused.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmDialect.h"
#include "GGemm/GGemmOps.h"
#include "ggemm/Transforms/Passes.h"

#include "RaiseMatch.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "ggemm-raise"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMRAISE
#include "ggemm/Transforms/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;
using namespace mlir::ggemm::raise;

namespace {

/// The op of `block` that is or holds `op`.
Operation *inBlock(Block *block, Operation *op) {
  return block->findAncestorOpInBlock(*op);
}

/// Whether every use of `group`'s result comes after `point` (its op of the
/// group's block), so that a ggemm op created at `point` can replace it.
bool usedOnlyAfter(const Group &group, Operation *point) {
  Block *block = point->getBlock();
  return llvm::all_of(group.epilogue->getUsers(), [&](Operation *user) {
    Operation *ancestor = inBlock(block, user);
    return ancestor && point->isBeforeInBlock(ancestor);
  });
}

/// Erases `op` if nothing uses its results any more.
void eraseIfDead(RewriterBase &rewriter, Operation *op) {
  if (op->use_empty())
    rewriter.eraseOp(op);
}

struct GGemmRaise final : public ggemm::impl::GGemmRaiseBase<GGemmRaise> {
  using GGemmRaiseBase::GGemmRaiseBase;

  void runOnOperation() override {
    // The groups of each block, in the order of their truncations.
    llvm::MapVector<Block *, SmallVector<Group>> groups;
    // The batched matmuls and those of run-time M, each raised alone, in
    // the order found.
    SmallVector<Group> batched;
    getOperation().walk([&](linalg::LinalgOp matmul) {
      // The contractions: linalg.matmul, linalg.batch_matmul,
      // linalg.contract, and a linalg.generic with a reduction (the
      // dequantizations and the elementwise truncations have none, and are
      // matched from here).
      bool contraction =
          isa<linalg::MatmulOp, linalg::BatchMatmulOp, linalg::ContractOp>(
              matmul.getOperation()) ||
          (isa<linalg::GenericOp>(matmul.getOperation()) &&
           matmul.getNumReductionLoops() > 0);
      if (!contraction)
        return;
      GroupMatcher matcher;
      FailureOr<Group> group = matcher.match(matmul);
      if (failed(group)) {
        LLVM_DEBUG(llvm::dbgs() << "ggemm-raise: not raised: " << matcher.reason
                                << " at " << matmul.getLoc() << "\n");
        if (explain)
          matmul.emitRemark() << "not raised: " << matcher.reason;
        return;
      }
      if (group->batched || group->dynamicM)
        batched.push_back(std::move(*group));
      else
        groups[group->epilogue->getBlock()].push_back(std::move(*group));
    });

    IRRewriter rewriter(&getContext());
    for (Group &group : batched) {
      if (!group.dynamicM) {
        raiseBatched(rewriter, group);
        continue;
      }
      // A loop over experts becomes one rows<offsets> op; any other group
      // of run-time M, one rows<contiguous> op of its own.
      std::string why;
      FailureOr<ExpertLoop> loop = matchExpertLoop(group, why);
      if (succeeded(loop)) {
        raiseExpertLoop(rewriter, group, *loop);
        continue;
      }
      if (explain && isa<scf::ForOp>(group.epilogue->getParentOp()))
        group.matmul->emitRemark()
            << "the loop around it is not a loop over experts: " << why;
      raiseDynamicRows(rewriter, group);
    }
    for (auto &[block, list] : groups) {
      llvm::sort(list, [](const Group &x, const Group &y) {
        return x.epilogue->isBeforeInBlock(y.epilogue);
      });
      // Greedily: a group joins the current op when no result of the op is
      // used before the group's truncation (where the op would then sit).
      SmallVector<Group> current;
      for (Group &group : list) {
        if (!llvm::all_of(current, [&](const Group &member) {
              return usedOnlyAfter(member, group.epilogue);
            }))
          raise(rewriter, current);
        current.push_back(std::move(group));
      }
      raise(rewriter, current);
    }
  }

  /// The tensor.empty a group's result is written into when its truncation
  /// is an arith.truncf (which has no init).
  static Value emptyInit(RewriterBase &rewriter, const Group &group) {
    auto type = cast<RankedTensorType>(group.epilogue->getResultTypes()[0]);
    return tensor::EmptyOp::create(rewriter, group.epilogue->getLoc(),
                                   type.getShape(), type.getElementType());
  }

  /// Erases what `group` computed with, once nothing uses it.
  static void eraseChain(RewriterBase &rewriter, Group &group) {
    eraseIfDead(rewriter, group.matmul);
    // A chain may name an op twice (A and B from one dequantization).
    SmallPtrSet<Operation *, 4> erased;
    for (Operation *used : group.chain)
      if (erased.insert(used).second)
        eraseIfDead(rewriter, used);
  }

  /// Replaces a batched group by a rows<masked> ggemm op, at its
  /// truncation, whose group_counts are all max_m: every row of every
  /// group is real, so the op computes each output the batched matmul does.
  void raiseBatched(RewriterBase &rewriter, Group &group) {
    Operation *point = group.epilogue;
    rewriter.setInsertionPoint(point);
    Location loc = point->getLoc();
    auto aType = cast<RankedTensorType>(group.a.getType());
    int64_t numGroups = aType.getDimSize(0), maxM = aType.getDimSize(1);
    Value init = group.init ? group.init : emptyInit(rewriter, group);
    auto countsType =
        RankedTensorType::get({numGroups}, rewriter.getI32Type());
    Value counts = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(countsType, rewriter.getI32IntegerAttr(
                                               static_cast<int32_t>(maxM))));
    // The one scalar is every group's alpha.
    Value alpha;
    if (group.alpha)
      alpha = tensor::FromElementsOp::create(
          rewriter, loc,
          RankedTensorType::get({numGroups}, rewriter.getF32Type()),
          SmallVector<Value>(numGroups, group.alpha));
    auto op = GroupedMatmulOp::create(
        rewriter, group.matmul->getLoc(), TypeRange{init.getType()},
        RowsKind::masked, ScaleLayout::row_major, ValueRange{group.a},
        ValueRange{group.sfa}, ValueRange{group.b}, ValueRange{group.sfb},
        ValueRange{init}, counts, /*row_indices=*/Value(), alpha,
        /*schedule=*/nullptr);
    if (explain)
      group.matmul->emitRemark()
          << "raised into ggemm.grouped_matmul rows<masked>: " << numGroups
          << " groups of " << maxM << " rows, every group_counts entry "
          << maxM;
    rewriter.replaceOp(group.epilogue, op.getResult(0));
    eraseChain(rewriter, group);
  }

  /// Replaces a group of run-time M by a rows<contiguous> ggemm op of one
  /// group, at its truncation: B and SFB get a group dimension of 1, and
  /// group_sizes holds A's rows (as i32; the kernels and the CPU lowering
  /// check that the rows of A fit).
  void raiseDynamicRows(RewriterBase &rewriter, Group &group) {
    Operation *point = group.epilogue;
    rewriter.setInsertionPoint(point);
    Location loc = point->getLoc();
    Value rows = tensor::DimOp::create(rewriter, loc, group.a, 0);
    Value init = group.init;
    if (!init) {
      auto type = cast<RankedTensorType>(point->getResultTypes()[0]);
      init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                     type.getElementType(), ValueRange{rows});
    }
    auto withGroup = [&](Value v) -> Value {
      auto type = cast<RankedTensorType>(v.getType());
      auto expanded = RankedTensorType::get(
          {1, type.getDimSize(0), type.getDimSize(1)}, type.getElementType());
      return tensor::ExpandShapeOp::create(
          rewriter, loc, expanded, v,
          SmallVector<ReassociationIndices>{{0, 1}, {2}});
    };
    Value b = withGroup(group.b);
    Value sfb = withGroup(group.sfb);
    Value size = arith::IndexCastOp::create(rewriter, loc,
                                            rewriter.getI32Type(), rows);
    Value sizes = tensor::FromElementsOp::create(
        rewriter, loc, RankedTensorType::get({1}, rewriter.getI32Type()),
        ValueRange{size});
    Value alpha;
    if (group.alpha)
      alpha = tensor::FromElementsOp::create(
          rewriter, loc, RankedTensorType::get({1}, rewriter.getF32Type()),
          ValueRange{group.alpha});
    auto op = GroupedMatmulOp::create(
        rewriter, group.matmul->getLoc(), TypeRange{init.getType()},
        RowsKind::contiguous, ScaleLayout::row_major, ValueRange{group.a},
        ValueRange{group.sfa}, ValueRange{b}, ValueRange{sfb},
        ValueRange{init}, sizes, /*row_indices=*/Value(), alpha,
        /*schedule=*/nullptr);
    if (explain)
      group.matmul->emitRemark()
          << "raised into ggemm.grouped_matmul rows<contiguous>: one group "
             "of run-time M (group_sizes = [rows of A])";
    rewriter.replaceOp(group.epilogue, op.getResult(0));
    eraseChain(rewriter, group);
  }

  /// Replaces a loop over experts by one rows<offsets> ggemm op before it:
  /// expert e's rows are [offsets[e-1], offsets[e]) of A, SFA and C (0 for
  /// e = 0), as the loop slices them, and C's other rows keep their values,
  /// as the loop leaves them.
  void raiseExpertLoop(RewriterBase &rewriter, Group &group,
                       ExpertLoop &loop) {
    scf::ForOp forOp = loop.loop;
    rewriter.setInsertionPoint(forOp);
    Location loc = forOp.getLoc();
    int64_t experts =
        cast<RankedTensorType>(loop.offsets.getType()).getDimSize(0);
    Value alpha = loop.alphas;
    if (loop.alpha)
      alpha = tensor::FromElementsOp::create(
          rewriter, loc, RankedTensorType::get({experts}, rewriter.getF32Type()),
          SmallVector<Value>(experts, loop.alpha));
    auto op = GroupedMatmulOp::create(
        rewriter, group.matmul->getLoc(), TypeRange{loop.init.getType()},
        RowsKind::offsets, ScaleLayout::row_major, ValueRange{loop.a},
        ValueRange{loop.sfa}, ValueRange{loop.b}, ValueRange{loop.sfb},
        ValueRange{loop.init}, loop.offsets, /*row_indices=*/Value(), alpha,
        /*schedule=*/nullptr);
    if (explain)
      group.matmul->emitRemark()
          << "raised, with the loop over " << experts
          << " experts around it, into ggemm.grouped_matmul rows<offsets>";
    rewriter.replaceAllUsesWith(forOp.getResult(loop.outputIndex),
                                op.getResult(0));
    rewriter.eraseOp(forOp);
  }

  /// Replaces `groups` (then cleared) by one rows<list> ggemm op placed at
  /// the last group's truncation.
  void raise(RewriterBase &rewriter, SmallVector<Group> &groups) {
    if (groups.empty())
      return;
    Operation *point = groups.back().epilogue;
    rewriter.setInsertionPoint(point);
    SmallVector<Value> a, sfa, b, sfb, inits, alphas;
    SmallVector<Location> locs;
    bool withAlpha = llvm::any_of(
        groups, [](const Group &group) { return bool(group.alpha); });
    Value one;
    for (Group &group : groups) {
      a.push_back(group.a), sfa.push_back(group.sfa);
      b.push_back(group.b), sfb.push_back(group.sfb);
      inits.push_back(group.init ? group.init : emptyInit(rewriter, group));
      locs.push_back(group.matmul->getLoc());
      if (!withAlpha)
        continue;
      // A group without a scale gets 1.0: x * 1.0 is x, bit for bit.
      if (!group.alpha && !one)
        one = arith::ConstantOp::create(rewriter, group.epilogue->getLoc(),
                                        rewriter.getF32FloatAttr(1.0f));
      alphas.push_back(group.alpha ? group.alpha : one);
    }
    Value alpha;
    if (withAlpha)
      alpha = tensor::FromElementsOp::create(
          rewriter, point->getLoc(),
          RankedTensorType::get({int64_t(groups.size())},
                                rewriter.getF32Type()),
          alphas);
    auto op = GroupedMatmulOp::create(
        rewriter, rewriter.getFusedLoc(locs), ValueRange(inits).getTypes(),
        RowsKind::list, ScaleLayout::row_major, a, sfa, b, sfb, inits,
        /*group_sizes=*/Value(), /*row_indices=*/Value(), alpha,
        /*schedule=*/nullptr);
    for (auto [g, group] : llvm::enumerate(groups)) {
      if (explain)
        group.matmul->emitRemark()
            << "raised into ggemm.grouped_matmul as group " << g << " of "
            << groups.size();
      rewriter.replaceOp(group.epilogue, op.getResult(g));
      eraseChain(rewriter, group);
    }
    groups.clear();
  }
};

} // namespace
