//===- Tile.cpp - the ggemm-tile pass -------------------------------------===//
//
// Problem level -> scheduled level: attaches a schedule whose tile shape the
// target chip's MMA can do.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmOps.h"
#include "ggemm/Target/TargetInfo.h"
#include "ggemm/Transforms/Passes.h"

#define DEBUG_TYPE "ggemm-tile"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMTILE
#include "ggemm/Transforms/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

struct GGemmTile final : public ggemm::impl::GGemmTileBase<GGemmTile> {
  using GGemmTileBase::GGemmTileBase;

  void runOnOperation() override {
    // The chip enters the IR here, once: the schedule carries it.
    std::string unknownChip;
    FailureOr<Chip> parsed = TargetInfo::parseChip(chip, unknownChip);
    const TargetInfo *target =
        succeeded(parsed) ? &TargetInfo::get(*parsed) : nullptr;
    std::optional<Raster> order = symbolizeRaster(raster);
    WalkResult result = getOperation().walk([&](GroupedMatmulOp op) {
      if (op.getSchedule())
        return WalkResult::advance();
      auto fail = [&](const Twine &message) {
        op.emitOpError() << "cannot be tiled for " << chip << ": " << message;
        return WalkResult::interrupt();
      };
      if (!target)
        return fail(unknownChip);
      if (!order)
        return fail("unknown raster '" + raster +
                    "' (expected along_m or along_n)");
      if (std::string why = target->checkTile(tileM, tileN, tileK);
          !why.empty())
        return fail(why);
      if (grid < 0)
        return fail("grid = " + Twine(int64_t(grid)) +
                    " must be in [0, 65535] (0: the chip's SM count)");
      int64_t ctas = grid > 0 ? int64_t(grid) : target->numSMs;
      auto emitError = [&] { return op.emitOpError(); };
      if (failed(ScheduleAttr::verify(emitError, target->chip, tileM, tileN,
                                      tileK, *order, /*splitK=*/1, ctas,
                                      stages)))
        return WalkResult::interrupt();
      auto schedule =
          ScheduleAttr::get(&getContext(), target->chip, tileM, tileN, tileK,
                            *order, /*splitK=*/1, ctas, stages);
      // The whole problem against the chip's kernel (scale layout,
      // resources): a schedule accepted here is one the lowering takes.
      // The plan itself is made when the kernel is (ggemm-outline-kernel).
      KernelProblem problem =
          KernelProblem::fromOperands(op.getProblem(), schedule);
      KernelPlanAttr plan;
      if (std::string why = target->planKernel(&getContext(), problem, plan);
          !why.empty())
        return fail(why);
      op.setScheduleAttr(schedule);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
