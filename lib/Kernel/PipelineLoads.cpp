//===- PipelineLoads.cpp - the ggemm-pipeline-loads pass ------------------===//
//
// Each ggemm.tile of an outlined kernel becomes a producer half
// (ggemm.load_tile) and a consumer half (ggemm.compute_tile) joined by the
// ring of stage buffers that ggemm.ring allocates at the kernel's start.
//
//===----------------------------------------------------------------------===//

#include "GGemm/GGemmOps.h"
#include "ggemm/Kernel/Passes.h"
#include "ggemm/Target/TargetInfo.h"

#define DEBUG_TYPE "ggemm-pipeline-loads"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMPIPELINELOADS
#include "ggemm/Kernel/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

struct GGemmPipelineLoads final
    : public ggemm::impl::GGemmPipelineLoadsBase<GGemmPipelineLoads> {
  using GGemmPipelineLoadsBase::GGemmPipelineLoadsBase;

  void runOnOperation() override {
    SmallVector<gpu::GPUFuncOp> kernels;
    getOperation().walk([&](gpu::GPUFuncOp fn) {
      if (fn->hasAttr(kProblemAttrName))
        kernels.push_back(fn);
    });
    for (gpu::GPUFuncOp kernel : kernels) {
      SmallVector<TileOp> tiles;
      kernel.walk([&](TileOp op) { tiles.push_back(op); });
      if (tiles.empty())
        continue;
      // The ring is the plan's: its stages fit the chip's shared memory.
      FailureOr<OutlinedKernel> outlined = readOutlinedKernel(kernel);
      if (failed(outlined))
        return signalPassFailure();
      OpBuilder b = OpBuilder::atBlockBegin(&kernel.getBody().front());
      Value ring = RingOp::create(
          b, kernel.getLoc(),
          RingType::get(&getContext(),
                        outlined->problem.schedule.getStages()));
      for (TileOp tile : tiles) {
        b.setInsertionPoint(tile);
        LoadTileOp::create(b, tile.getLoc(), ring, tile.getGroup(),
                           tile.getRowBase(), tile.getM0(), tile.getN0(),
                           tile.getSplit(), tile.getWork());
        ComputeTileOp::create(b, tile.getLoc(), ring, tile.getGroup(),
                              tile.getRowBase(), tile.getM0(), tile.getN0(),
                              tile.getSplit(), tile.getWork());
        tile.erase();
      }
    }
  }
};

} // namespace
