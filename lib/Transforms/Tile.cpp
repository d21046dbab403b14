//===- Tile.cpp - the ggemm-tile pass -------------------------------------===//
//
// Problem level -> scheduled level: attaches a schedule whose tile shape the
// target chip's MMA can do.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmOps.h"
#include "ggemm/Target/CostModel.h"
#include "ggemm/Target/TargetInfo.h"
#include "ggemm/Transforms/Passes.h"

#include "llvm/Support/Debug.h"

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

  /// The cheapest schedule of the chip's family (with the split-k option's
  /// factor) that keeps the options the user fixed (predecode=auto: with
  /// or without predecoded tokens).
  /// Fails with the reason the kernel refuses the candidates (the first
  /// one's) in `why`.
  FailureOr<ScheduleAttr> choose(GroupedMatmulOp op, const TargetInfo &target,
                                 Raster order, int64_t ctas,
                                 std::string &why) {
    bool choosePredecode = predecode == PredecodeMode::chosen;
    auto base = ScheduleAttr::get(&getContext(), target.chip, 128, 128, 256,
                                  order, splitK, ctas, 4,
                                  predecode == PredecodeMode::on);
    GroupedOperands operands = op.getProblem();
    KernelProblem problem = KernelProblem::fromOperands(operands, base);
    SmallVector<int64_t, 1> depths;
    if (stages != 0)
      depths.push_back(stages);
    for (const ScheduleCandidate &c : listScheduleCandidates(
             &getContext(), target, problem, base,
             defaultRowsHint(operands, rowsHint), depths, choosePredecode)) {
      ScheduleAttr s = c.schedule;
      if (s.getSplitK() != splitK || s.getTileN() != tileN ||
          s.getTileK() != tileK || (tileM != 0 && s.getTileM() != tileM) ||
          (stages != 0 && s.getStages() != stages))
        continue;
      if (!c.refused.empty()) {
        if (why.empty())
          why = c.refused;
        continue;
      }
      LLVM_DEBUG(llvm::dbgs() << "chose " << s << ": " << c.cost.us
                              << " us predicted\n");
      return s;
    }
    return failure();
  }

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
      if (grid < 0 || grid > 65535)
        return fail("grid = " + Twine(int64_t(grid)) +
                    " must be in [0, 65535] (0: the chip's SM count)");
      if (rowsHint < 0)
        return fail("rows-hint = " + Twine(int64_t(rowsHint)) +
                    " must be at least 0 (0: no hint)");
      if (splitK < 1 || splitK > 64)
        return fail("split-k = " + Twine(int64_t(splitK)) +
                    " must be in [1, 64]");
      if (stages < 0 || stages > 16)
        return fail("stages = " + Twine(int64_t(stages)) +
                    " must be in [0, 16] (0: chosen by the cost model)");
      if (predecode == PredecodeMode::on)
        if (std::string why = predecodeRefusal(target->chip); !why.empty())
          return fail(why);
      int64_t ctas = grid > 0 ? int64_t(grid) : target->numSMs;
      int64_t tileM = this->tileM, stages = this->stages;
      bool predecoded = predecode == PredecodeMode::on;
      // A tile M left to the model is one of the chip's (the candidates
      // come from its list), so this check covers every outcome.
      if (std::string why = target->checkTile(
              tileM ? tileM : target->tileM.back(), tileN, tileK);
          !why.empty())
        return fail(why);
      if (tileM == 0 || stages == 0 || predecode == PredecodeMode::chosen) {
        std::string why;
        FailureOr<ScheduleAttr> chosen =
            choose(op, *target, *order, ctas, why);
        if (failed(chosen))
          return fail(why.empty() ? std::string("no schedule of the family "
                                                "fits the options given")
                                  : why);
        tileM = chosen->getTileM();
        stages = chosen->getStages();
        predecoded = chosen->getPredecode();
      }
      auto emitError = [&] { return op.emitOpError(); };
      if (failed(ScheduleAttr::verify(emitError, target->chip, tileM, tileN,
                                      tileK, *order, splitK, ctas, stages,
                                      predecoded)))
        return WalkResult::interrupt();
      auto schedule =
          ScheduleAttr::get(&getContext(), target->chip, tileM, tileN, tileK,
                            *order, splitK, ctas, stages, predecoded);
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
