//===- SplitK.cpp - the ggemm-split-k pass --------------------------------===//
//
// Picks the split-K factor of each schedule with the cost rule of
// Passes.td (or the `split` option).
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmOps.h"
#include "ggemm/Transforms/Passes.h"
#include "ggemm/Target/TargetInfo.h"
#include "ggemm/Transforms/Schedule.h"

#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "ggemm-split-k"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMSPLITK
#include "ggemm/Transforms/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

struct GGemmSplitK final : public ggemm::impl::GGemmSplitKBase<GGemmSplitK> {
  using GGemmSplitKBase::GGemmSplitKBase;

  void runOnOperation() override {
    WalkResult result = getOperation().walk([&](GroupedMatmulOp op) {
      ScheduleAttr schedule = op.getScheduleAttr();
      if (!schedule) {
        op.emitOpError("has no schedule; run ggemm-tile before "
                       "ggemm-split-k");
        return WalkResult::interrupt();
      }
      TileSpace space = TileSpace::get(op.getProblem(), schedule);
      int64_t factor = split > 0 ? int64_t(split) : chooseSplitK(space);
      if (split < 0 || factor > 64) {
        op.emitOpError() << "split-K factor " << int64_t(split)
                         << " is outside [1, 64]";
        return WalkResult::interrupt();
      }
      auto withSplit = [&](int64_t factor) {
        return ScheduleAttr::get(&getContext(), schedule.getTarget(),
                                 schedule.getTileM(), schedule.getTileN(),
                                 schedule.getTileK(), schedule.getRaster(),
                                 factor, schedule.getGrid(),
                                 schedule.getStages(),
                                 schedule.getPredecode());
      };
      // The rule's factor only where the kernel takes it with this tile
      // (the 256-token sm_90a kernel takes no split; a grid above the SM
      // count cannot wait at a grid barrier): otherwise no split, which
      // every kernel takes. A forced factor is checked where the kernel is
      // planned, and refused there with its reason.
      if (split == 0 && factor > 1) {
        KernelProblem p =
            KernelProblem::fromOperands(op.getProblem(), withSplit(factor));
        KernelPlanAttr plan;
        if (!TargetInfo::get(schedule.getTarget())
                 .planKernel(&getContext(), p, plan)
                 .empty())
          factor = 1;
      }
      LLVM_DEBUG(llvm::dbgs() << "split_k = " << factor << " for " << op.getLoc()
                              << "\n");
      op.setScheduleAttr(withSplit(factor));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
