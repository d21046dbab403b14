//===- GGemmToNVVM.cpp - the convert-ggemm-to-nvvm pass -------------------===//
//
// Lowers the kernel-level ggemm ops of every outlined, pipelined and
// warp-specialized kernel to upstream gpu/NVVM/LLVM ops:
//
//   ggemm.ring              the chip's prologue: shared memory, the ring's
//                           mbarriers (and Tensor Memory on sm_100a)
//   ggemm.warp_specialize   one scf.if per role on the warp index
//   ggemm.load_tile         the producer: TMA into the ring (SM90Kernel.cpp,
//                           SM100Kernel.cpp + SM100Scales.cpp)
//   ggemm.compute_tile      by role: sm_90a consumer (SM90Kernel.cpp);
//                           sm_100a mma (Tcgen05Mma.cpp), epilogue
//                           (TmemEpilogue.cpp)
//   ggemm.drain_ring        the producer's wait for the last releases
//   ggemm.prefetch_tile     TMAPrefetch.cpp, by the thread that issues TMA
//   num_tiles, tile_coords  the scheduler shared with the CPU path
//                           (TileSpaceToArith)
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

/// ggemm.warp_specialize -> one scf.if per role on the warp index, with the
/// role's region inlined (and its setmaxnreg budget, if any).
void lowerWarpSpecialize(OpBuilder &b, WarpSpecializeOp ws) {
  Location loc = ws.getLoc();
  b.setInsertionPoint(ws);
  Value warp = arith::DivUIOp::create(
      b, loc, gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x),
      arith::ConstantIndexOp::create(b, loc, 32));
  for (auto [attr, region] : llvm::zip(ws.getRoles(), ws.getBodies())) {
    auto role = cast<RoleAttr>(attr);
    auto idx = [&](int64_t v) {
      return arith::ConstantIndexOp::create(b, loc, v).getResult();
    };
    Value fromFirst = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::uge, warp, idx(role.getFirstWarp()));
    Value beforeEnd =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, warp,
                              idx(role.getFirstWarp() + role.getNumWarps()));
    Value inRole = arith::AndIOp::create(b, loc, fromFirst, beforeEnd);
    auto ifRole = scf::IfOp::create(b, loc, inRole, /*withElseRegion=*/false);
    Block *then = ifRole.thenBlock();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(then);
    if (int64_t regs = role.getMaxRegisters())
      NVVM::SetMaxRegisterOp::create(
          b, loc, regs,
          regs > 128 ? NVVM::SetMaxRegisterAction::increase
                     : NVVM::SetMaxRegisterAction::decrease);
    Block &body = region.front();
    body.getTerminator()->erase();
    then->getOperations().splice(then->getTerminator()->getIterator(),
                                 body.getOperations());
  }
  ws.erase();
}

/// The kernel-level ops under `root`, in program order.
SmallVector<Operation *> kernelOps(Operation *root) {
  SmallVector<Operation *> ops;
  root->walk([&](Operation *op) {
    if (isa<LoadTileOp, ComputeTileOp, DrainRingOp, PrefetchTileOp>(op))
      ops.push_back(op);
  });
  return ops;
}

/// The role name of a kernel-level op ("" outside ggemm.warp_specialize).
StringRef roleOf(Operation *op) {
  RoleAttr role = WarpSpecializeOp::getRoleOf(op);
  return role ? role.getName() : StringRef();
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
    // The kernel level this pass lowers: a ring, and roles that use it.
    SmallVector<RingOp> rings(kernel.getOps<RingOp>());
    SmallVector<WarpSpecializeOp> roles(kernel.getOps<WarpSpecializeOp>());
    WalkResult early = kernel.walk([&](TileOp op) {
      op.emitOpError("is not lowered by convert-ggemm-to-nvvm; run "
                     "ggemm-pipeline-loads and ggemm-warp-specialize first");
      return WalkResult::interrupt();
    });
    if (early.wasInterrupted())
      return failure();
    if (rings.size() != 1 || roles.size() != 1)
      return kernel.emitOpError()
             << "has " << rings.size() << " ggemm.ring and " << roles.size()
             << " ggemm.warp_specialize ops at its top level; the lowering "
                "takes one of each (ggemm-pipeline-loads, "
                "ggemm-warp-specialize)";
    for (Operation *op : kernelOps(kernel))
      if (roleOf(op).empty())
        return op->emitOpError("must be inside a role of ggemm.warp_specialize");

    ValueRange params = kernel.getBody().front().getArguments();
    Location loc = kernel.getLoc();
    OpBuilder b(rings.front());
    auto replace = [&](Operation *op, function_ref<void()> emit) {
      b.setInsertionPoint(op);
      emit();
      op->erase();
    };
    if (target->chip == "sm_90a") {
      SM90KernelBuilder builder(b, loc, p, params);
      builder.emitPrologue();
      for (Operation *op : kernelOps(kernel)) {
        replace(op, [&] {
          if (auto load = dyn_cast<LoadTileOp>(op))
            builder.emitProducerTile(load.getGroup(), load.getRowBase(),
                                     load.getM0(), load.getN0());
          else if (auto compute = dyn_cast<ComputeTileOp>(op))
            builder.emitConsumerTile(compute.getGroup(), compute.getRowBase(),
                                     compute.getM0(), compute.getN0());
          else if (isa<DrainRingOp>(op))
            builder.emitDrain();
          else
            builder.ifProducerLeader([&] {
              emitTilePrefetch(b, p, params, cast<PrefetchTileOp>(op));
            });
        });
      }
      lowerWarpSpecialize(b, roles.front());
      rings.front().erase();
      return success();
    }

    // sm_100a: the producer, MMA and epilogue parts of each tile.
    using Role = SM100KernelBuilder::Role;
    SM100Plan plan;
    (void)planSM100Kernel(p, plan); // checked by planKernel above
    SM100KernelBuilder builder(b, loc, p, plan, params);
    builder.emitPrologue();
    for (Operation *op : kernelOps(kernel)) {
      StringRef role = roleOf(op);
      replace(op, [&] {
        if (auto load = dyn_cast<LoadTileOp>(op))
          builder.emitTile(Role::Producer, load.getGroup(), load.getRowBase(),
                           load.getM0(), load.getN0());
        else if (auto compute = dyn_cast<ComputeTileOp>(op))
          builder.emitTile(role == "mma" ? Role::Mma : Role::Epilogue,
                           compute.getGroup(), compute.getRowBase(),
                           compute.getM0(), compute.getN0());
        else if (isa<DrainRingOp>(op))
          builder.emitRoleEnd(Role::Producer);
        else
          builder.ifProducerLeader([&] {
            emitTilePrefetch(b, p, params, cast<PrefetchTileOp>(op));
          });
      });
    }
    Operation *after = roles.front()->getNextNode();
    lowerWarpSpecialize(b, roles.front());
    b.setInsertionPoint(after);
    builder.emitTeardown();
    rings.front().erase();
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
