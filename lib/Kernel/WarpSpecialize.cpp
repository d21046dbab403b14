//===- WarpSpecialize.cpp - the ggemm-warp-specialize pass ----------------===//
//
// The body of a kernel with a ring becomes one ggemm.warp_specialize
// region per warp role of the kernel's plan (ggemm.plan), each a copy of
// the persistent loop holding only its role's ops (see the pass
// description in Passes.td).
//
//===----------------------------------------------------------------------===//

#include "ggemm/Kernel/Passes.h"
#include "ggemm/Target/TargetInfo.h"

#include "mlir/IR/IRMapping.h"

#define DEBUG_TYPE "ggemm-warp-specialize"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMWARPSPECIALIZE
#include "ggemm/Kernel/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

/// Erases, under `root`, the ops no longer used after a role dropped the
/// ops of other roles: tile coordinates nobody reads, and scf.if blocks
/// left with nothing but a yield.
void dropDeadCode(Operation *root) {
  bool changed = true;
  while (changed) {
    changed = false;
    SmallVector<Operation *> dead;
    root->walk([&](Operation *op) {
      if (isa<TileCoordsOp>(op) && op->use_empty())
        dead.push_back(op);
      else if (auto ifOp = dyn_cast<scf::IfOp>(op);
               ifOp && ifOp->getNumResults() == 0 &&
               ifOp.thenBlock()->getOperations().size() == 1 &&
               (!ifOp.elseBlock() ||
                ifOp.elseBlock()->getOperations().size() == 1))
        dead.push_back(op);
    });
    for (Operation *op : dead)
      op->erase();
    changed = !dead.empty();
    // The condition of an erased scf.if may now be dead too.
    SmallVector<Operation *> pure;
    root->walk([&](Operation *op) {
      if (op->use_empty() && op->getNumResults() > 0 &&
          isa<arith::ArithDialect>(op->getDialect()))
        pure.push_back(op);
    });
    for (Operation *op : pure)
      op->erase();
    changed |= !pure.empty();
  }
}

/// Whether `op` belongs to `role`. The producer loads tiles (TMA), a
/// scales role (sm_100a) loads the same tiles' scale factors into the
/// layout the MMA reads, and every other role computes.
bool keep(Operation *op, RoleAttr role) {
  if (isa<PrefetchTileOp>(op))
    return role.getRole() == WarpRole::producer;
  if (isa<LoadTileOp>(op))
    return role.loads();
  if (isa<ComputeTileOp>(op))
    return !role.loads();
  return true;
}

struct GGemmWarpSpecialize final
    : public ggemm::impl::GGemmWarpSpecializeBase<GGemmWarpSpecialize> {
  using GGemmWarpSpecializeBase::GGemmWarpSpecializeBase;

  LogicalResult specialize(gpu::GPUFuncOp kernel, RingOp ring) {
    FailureOr<OutlinedKernel> outlined = readOutlinedKernel(kernel);
    if (failed(outlined))
      return failure();
    ArrayRef<RoleAttr> roles = outlined->plan.getRoles();
    Block &entry = kernel.getBody().front();
    if (ring->getBlock() != &entry)
      return ring.emitOpError("must be in the kernel's entry block");
    // Everything after the ring, up to the terminator or a split-K
    // kernel's grid barrier, is the roles' work; the barrier and the
    // reduction after it run in every thread.
    SmallVector<Operation *> body;
    for (Operation *op = ring->getNextNode();
         op != entry.getTerminator() && !isa<GridBarrierOp>(op);
         op = op->getNextNode())
      body.push_back(op);

    OpBuilder b(body.empty() ? ring->getNextNode() : body.back()->getNextNode());
    SmallVector<Attribute> roleAttrs(roles.begin(), roles.end());
    auto ws = WarpSpecializeOp::create(b, kernel.getLoc(), TypeRange{},
                                       b.getArrayAttr(roleAttrs), roles.size());
    for (auto [i, role] : llvm::enumerate(roles)) {
      Block *block = b.createBlock(&ws.getBodies()[i]);
      b.setInsertionPointToStart(block);
      IRMapping mapping;
      for (Operation *op : body)
        b.clone(*op, mapping);
      SmallVector<Operation *> foreign;
      block->walk([&](Operation *op) {
        if (!keep(op, role))
          foreign.push_back(op);
      });
      for (Operation *op : foreign)
        op->erase();
      dropDeadCode(ws);
      b.setInsertionPointToEnd(block);
      if (role.getRole() == WarpRole::producer)
        DrainRingOp::create(b, kernel.getLoc(), ring);
      YieldOp::create(b, kernel.getLoc());
    }
    // What the roles copied goes, but for values a split-K reduction after
    // the grid barrier still reads (%cta, %num_ctas).
    for (Operation *op : llvm::reverse(body))
      if (op->use_empty())
        op->erase();
    return success();
  }

  void runOnOperation() override {
    // One ring per outlined kernel (ggemm-pipeline-loads makes it): the
    // roles are built around it, and the ops after it move into them.
    SmallVector<std::pair<gpu::GPUFuncOp, RingOp>> kernels;
    WalkResult result = getOperation().walk([&](RingOp ring) {
      auto kernel = ring->getParentOfType<gpu::GPUFuncOp>();
      if (!kernel || !kernel->getAttrOfType<KernelProblemAttr>(kProblemAttrName)) {
        ring.emitOpError() << "must be in an outlined kernel: a gpu.func with "
                              "a '"
                           << kProblemAttrName
                           << "' attribute (run ggemm-outline-kernel)";
        return WalkResult::interrupt();
      }
      if (llvm::any_of(kernels, [&](auto &k) { return k.first == kernel; })) {
        ring.emitOpError() << "is the second ggemm.ring of @"
                           << kernel.getName()
                           << "; a kernel takes one ring";
        return WalkResult::interrupt();
      }
      kernels.push_back({kernel, ring});
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    for (auto [kernel, ring] : kernels)
      if (failed(specialize(kernel, ring)))
        return signalPassFailure();
  }
};

} // namespace
