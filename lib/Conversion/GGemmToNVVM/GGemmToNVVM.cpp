//===- GGemmToNVVM.cpp - the convert-ggemm-to-nvvm pass -------------------===//
//
// Lowers the kernel-level ggemm ops of every outlined kernel (from
// ggemm-outline-kernel) to upstream gpu/NVVM/LLVM ops:
//
//   ggemm.tile           sm_100a: the tile code of each warp role
//                        (SM100Kernel.cpp producer, Tcgen05Mma.cpp,
//                        TmemEpilogue.cpp); sm_90a: SM90Kernel.cpp
//   ggemm.prefetch_tile  TMAPrefetch.cpp, by the thread that issues TMA
//   num_tiles, tile_coords  the scheduler shared with the CPU path
//                        (TileSpaceToArith)
//
// On sm_100a every warp role runs its own copy of the persistent loop: the
// roles agree on the tile sequence without talking about it.
//
//===----------------------------------------------------------------------===//

#include "SM100Kernel.h"
#include "SM90Kernel.h"
#include "TMAPrefetch.h"

#include "GGemm/GGemmOps.h"
#include "ggemm/Conversion/Passes.h"
#include "ggemm/Conversion/TileSpaceToArith.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/DialectConversion.h"

#define DEBUG_TYPE "convert-ggemm-to-nvvm"

namespace mlir::ggemm {
#define GEN_PASS_DEF_CONVERTGGEMMTONVVM
#include "ggemm/Conversion/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

/// Replaces each ggemm.tile and ggemm.prefetch_tile under `root` with what
/// `emitTile` / `emitPrefetch` build in its place.
void replaceTileOps(Operation *root, function_ref<void(TileOp)> emitTile,
                    function_ref<void(PrefetchTileOp)> emitPrefetch) {
  SmallVector<Operation *> ops;
  root->walk([&](Operation *op) {
    if (isa<TileOp, PrefetchTileOp>(op))
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    if (auto tile = dyn_cast<TileOp>(op))
      emitTile(tile);
    else
      emitPrefetch(cast<PrefetchTileOp>(op));
    op->erase();
  }
}

struct ConvertGGemmToNVVM final
    : public mlir::ggemm::impl::ConvertGGemmToNVVMBase<ConvertGGemmToNVVM> {
  using ConvertGGemmToNVVMBase::ConvertGGemmToNVVMBase;

  LogicalResult lowerKernel(gpu::GPUFuncOp kernel, KernelProblemAttr attr) {
    const TargetInfo *target = TargetInfo::lookup(attr.getChip());
    if (!target)
      return kernel.emitOpError() << "is for unknown chip '" << attr.getChip()
                                  << "' (known: " << TargetInfo::knownChips()
                                  << ")";
    if (!chip.empty() && chip != attr.getChip())
      return kernel.emitOpError()
             << "was outlined for " << attr.getChip()
             << " but convert-ggemm-to-nvvm was asked for " << chip;
    KernelProblem p = KernelProblem::fromAttr(attr);
    KernelResources resources;
    if (std::string why = target->planKernel(p, resources); !why.empty())
      return kernel.emitOpError()
             << "cannot be lowered for " << target->chip << ": " << why;

    Block &entry = kernel.getBody().front();
    ValueRange params = entry.getArguments();
    Location loc = kernel.getLoc();
    OpBuilder b = OpBuilder::atBlockBegin(&entry);
    if (target->chip == "sm_90a") {
      SM90KernelBuilder builder(b, loc, p, params);
      builder.emitPrologue();
      replaceTileOps(
          kernel,
          [&](TileOp op) {
            b.setInsertionPoint(op);
            builder.emitTile(op.getGroup(), op.getRowBase(), op.getM0(),
                             op.getN0());
          },
          [&](PrefetchTileOp op) {
            b.setInsertionPoint(op);
            builder.ifLeader([&] { emitTilePrefetch(b, p, params, op); });
          });
      return success();
    }

    // sm_100a: the prologue, one copy of the body per warp role, teardown.
    using Role = SM100KernelBuilder::Role;
    SM100Plan plan;
    (void)planSM100Kernel(p, plan); // checked by planKernel above
    SmallVector<Operation *> body;
    for (Operation &op : entry.without_terminator())
      body.push_back(&op);
    SM100KernelBuilder builder(b, loc, p, plan, params);
    builder.emitPrologue();
    b.setInsertionPoint(entry.getTerminator());
    for (Role role : {Role::Producer, Role::Mma, Role::Epilogue}) {
      auto ifRole = scf::IfOp::create(b, loc, builder.isRole(role),
                                      /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(ifRole.thenBlock()->getTerminator());
      IRMapping mapping;
      for (Operation *op : body)
        b.clone(*op, mapping);
      replaceTileOps(
          ifRole,
          [&](TileOp op) {
            b.setInsertionPoint(op);
            builder.emitTile(role, op.getGroup(), op.getRowBase(), op.getM0(),
                             op.getN0());
          },
          [&](PrefetchTileOp op) {
            if (role != Role::Producer)
              return;
            b.setInsertionPoint(op);
            builder.ifProducerLeader(
                [&] { emitTilePrefetch(b, p, params, op); });
          });
      b.setInsertionPoint(ifRole.thenBlock()->getTerminator());
      builder.emitRoleEnd(role);
    }
    for (Operation *op : llvm::reverse(body))
      op->erase();
    builder.emitTeardown();
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Only outlined kernels are lowered: anything of an earlier level left
    // is an error, never silently kept.
    WalkResult early = module.walk([&](Operation *op) {
      if (!isa<GroupedMatmulOp, PersistentOp>(op))
        return WalkResult::advance();
      op->emitOpError("is not lowered by convert-ggemm-to-nvvm; run "
                      "ggemm-tile, ggemm-fuse-persistent and "
                      "ggemm-outline-kernel first (ggemm-pipeline does)");
      return WalkResult::interrupt();
    });
    if (early.wasInterrupted())
      return signalPassFailure();

    SmallVector<gpu::GPUFuncOp> kernels;
    module.walk([&](gpu::GPUFuncOp fn) {
      if (fn->hasAttr(kProblemAttrName))
        kernels.push_back(fn);
    });
    for (gpu::GPUFuncOp kernel : kernels)
      if (failed(lowerKernel(kernel, kernel->getAttrOfType<KernelProblemAttr>(
                                         kProblemAttrName))))
        return signalPassFailure();

    // The scheduler inside the kernels: the same arithmetic as on the CPU.
    TypeConverter identity;
    identity.addConversion([](Type t) { return t; });
    ConversionTarget target(getContext());
    target.addIllegalDialect<GGemmDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    populateTileSpaceToArithPatterns(identity, patterns);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();
    for (gpu::GPUFuncOp kernel : kernels)
      kernel->removeAttr(kProblemAttrName);
  }
};

} // namespace
