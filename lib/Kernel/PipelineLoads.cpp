//===- PipelineLoads.cpp - the ggemm-pipeline-loads pass ------------------===//
//
// Each ggemm.tile of an outlined kernel becomes a producer half
// (ggemm.load_tile) and a consumer half (ggemm.compute_tile) joined by the
// ring of stage buffers that ggemm.ring allocates at the kernel's start.
//
//===----------------------------------------------------------------------===//

#include "ggemm/Kernel/Passes.h"
#include "ggemm/Target/Launch.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#define DEBUG_TYPE "ggemm-pipeline-loads"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMPIPELINELOADS
#include "ggemm/Kernel/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

/// The host function whose #ggemm.launch names `kernel`, or null.
func::FuncOp findHost(gpu::GPUFuncOp kernel) {
  auto module = kernel->getParentOfType<gpu::GPUModuleOp>()
                    ->getParentOfType<ModuleOp>();
  func::FuncOp host;
  if (!module)
    return host;
  module.walk([&](func::FuncOp fn) {
    auto launch = fn->getAttrOfType<LaunchAttr>(kLaunchAttrName);
    if (launch && launch.getKernel().getLeafReference() == kernel.getName())
      host = fn;
  });
  return host;
}

struct GGemmPipelineLoads final
    : public ggemm::impl::GGemmPipelineLoadsBase<GGemmPipelineLoads> {
  using GGemmPipelineLoadsBase::GGemmPipelineLoadsBase;

  /// With stages = N, the kernel's problem and the host's launch get a
  /// ring of N stages, re-planned by the target.
  LogicalResult restage(gpu::GPUFuncOp kernel, KernelProblemAttr &attr) {
    ScheduleAttr s = attr.getSchedule();
    if (stages == 0 || stages == s.getStages())
      return success();
    if (stages < 0 || stages > 16)
      return kernel.emitOpError()
             << "ggemm-pipeline-loads: stages = " << int64_t(stages)
             << " must be in [0, 16] (0: the schedule's)";
    const TargetInfo *target = TargetInfo::lookup(attr.getChip());
    if (!target)
      return kernel.emitOpError() << "is for unknown chip '" << attr.getChip()
                                  << "'";
    KernelProblem p = KernelProblem::fromAttr(attr);
    p.schedule = ScheduleAttr::get(&getContext(), s.getTileM(), s.getTileN(),
                                   s.getTileK(), s.getRaster(), s.getSplitK(),
                                   s.getGrid(), stages);
    KernelResources resources;
    if (std::string why = target->planKernel(p, resources); !why.empty())
      return kernel.emitOpError() << "cannot take a ring of " << int64_t(stages)
                                  << " stages: " << why;
    attr = p.toAttr(&getContext(), attr.getChip());
    kernel->setAttr(kProblemAttrName, attr);
    if (func::FuncOp host = findHost(kernel)) {
      auto old = host->getAttrOfType<LaunchAttr>(kLaunchAttrName);
      host->setAttr(kLaunchAttrName,
                    buildLaunch(&getContext(), old.getKernel(), attr.getChip(),
                                p, resources));
    }
    return success();
  }

  void runOnOperation() override {
    SmallVector<gpu::GPUFuncOp> kernels;
    getOperation().walk([&](gpu::GPUFuncOp fn) {
      if (fn->hasAttr(kProblemAttrName))
        kernels.push_back(fn);
    });
    for (gpu::GPUFuncOp kernel : kernels) {
      auto attr = kernel->getAttrOfType<KernelProblemAttr>(kProblemAttrName);
      if (failed(restage(kernel, attr)))
        return signalPassFailure();
      SmallVector<TileOp> tiles;
      kernel.walk([&](TileOp op) { tiles.push_back(op); });
      if (tiles.empty())
        continue;
      OpBuilder b = OpBuilder::atBlockBegin(&kernel.getBody().front());
      Value ring = RingOp::create(
          b, kernel.getLoc(),
          RingType::get(&getContext(), attr.getSchedule().getStages()));
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
