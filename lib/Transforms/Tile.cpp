//===- Tile.cpp - the ggemm-tile pass -------------------------------------===//
//
// Problem level -> scheduled level: attaches a schedule whose tile shape the
// target chip's MMA can do.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmOps.h"
#include "ggemm/Transforms/Passes.h"

#define DEBUG_TYPE "ggemm-tile"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMTILE
#include "ggemm/Transforms/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

/// What a chip's MMA can do with one CTA (see the table in Passes.td).
struct ChipRules {
  int64_t smCount;
  SmallVector<int64_t> tileM, tileK;
  int64_t nStep;
};

std::optional<ChipRules> getChipRules(StringRef chip) {
  if (chip == "sm_100a")
    return ChipRules{148, {128}, {128, 256}, 16};
  if (chip == "sm_90a")
    return ChipRules{132, {64, 128}, {64, 128, 256}, 8};
  return std::nullopt;
}

struct GGemmTile final : public ggemm::impl::GGemmTileBase<GGemmTile> {
  using GGemmTileBase::GGemmTileBase;

  void runOnOperation() override {
    std::optional<ChipRules> rules = getChipRules(chip);
    std::optional<Raster> order = symbolizeRaster(raster);
    WalkResult result = getOperation().walk([&](GroupedMatmulOp op) {
      if (op.getSchedule())
        return WalkResult::advance();
      auto fail = [&](const Twine &message) {
        op.emitOpError() << "cannot be tiled for " << chip << ": " << message;
        return WalkResult::interrupt();
      };
      if (!rules)
        return fail("unknown chip (expected sm_100a or sm_90a)");
      if (!order)
        return fail("unknown raster '" + raster +
                    "' (expected along_m or along_n)");
      if (!llvm::is_contained(rules->tileM, tileM))
        return fail("tile M = " + Twine(tileM) + " is not an MMA row count (" +
                    llvm::join(llvm::map_range(rules->tileM,
                                               [](int64_t v) {
                                                 return std::to_string(v);
                                               }),
                               ", ") +
                    ")");
      if (tileN < rules->nStep || tileN > 256 || tileN % rules->nStep != 0)
        return fail("tile N = " + Twine(tileN) + " must be a multiple of " +
                    Twine(rules->nStep) + " in [" + Twine(rules->nStep) +
                    ", 256]");
      if (!llvm::is_contained(rules->tileK, tileK))
        return fail("tile K = " + Twine(tileK) +
                    " is not a supported pipeline step (" +
                    llvm::join(llvm::map_range(rules->tileK,
                                               [](int64_t v) {
                                                 return std::to_string(v);
                                               }),
                               ", ") +
                    ")");
      if (grid < 0)
        return fail("grid = " + Twine(int64_t(grid)) +
                    " must be in [0, 65535] (0: the chip's SM count)");
      int64_t ctas = grid > 0 ? int64_t(grid) : rules->smCount;
      auto emitError = [&] { return op.emitOpError(); };
      if (failed(ScheduleAttr::verify(emitError, tileM, tileN, tileK, *order,
                                      /*splitK=*/1, ctas, stages)))
        return WalkResult::interrupt();
      op.setScheduleAttr(ScheduleAttr::get(&getContext(), tileM, tileN, tileK,
                                           *order, /*splitK=*/1, ctas,
                                           stages));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
