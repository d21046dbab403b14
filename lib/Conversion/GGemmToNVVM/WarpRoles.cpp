//===- WarpRoles.cpp - ggemm.warp_specialize to NVVM ----------------------===//
//
// Each role of ggemm.warp_specialize becomes an scf.if on the warp index
// with the role's region inlined (and its setmaxnreg budget, if any). The
// same for every chip: the roles' warps come from the attribute. A
// producer role of several warps runs its region on its first warp.
//
//===----------------------------------------------------------------------===//

#include "KernelCommon.h"

#include "ggemm/IR/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ggemm;

namespace {

struct WarpSpecializeToIfs final : public OpRewritePattern<WarpSpecializeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(WarpSpecializeOp ws,
                                PatternRewriter &rewriter) const override {
    Location loc = ws.getLoc();
    Value warp = arith::DivUIOp::create(
        rewriter, loc,
        gpu::ThreadIdOp::create(rewriter, loc, gpu::Dimension::x),
        indexConstant(rewriter, loc, 32));
    for (auto [attr, region] : llvm::zip(ws.getRoles(), ws.getBodies())) {
      auto role = cast<RoleAttr>(attr);
      Value fromFirst = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::uge, warp,
          indexConstant(rewriter, loc, role.getFirstWarp()));
      Value beforeEnd = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::ult, warp,
          indexConstant(rewriter, loc,
                        role.getFirstWarp() + role.getNumWarps()));
      Value inRole = arith::AndIOp::create(rewriter, loc, fromFirst, beforeEnd);
      auto ifRole =
          scf::IfOp::create(rewriter, loc, inRole, /*withElseRegion=*/false);
      Block *then = ifRole.thenBlock();
      if (int64_t regs = role.getMaxRegisters()) {
        OpBuilder::InsertionGuard guard(rewriter);
        rewriter.setInsertionPointToStart(then);
        NVVM::SetMaxRegisterOp::create(
            rewriter, loc, regs,
            regs > 128 ? NVVM::SetMaxRegisterAction::increase
                       : NVVM::SetMaxRegisterAction::decrease);
      }
      // A producer's work is one warp's. A producer of more warps is a
      // warpgroup only so that it can give registers back (setmaxnreg is a
      // warpgroup's instruction): its first warp loads, the others are done.
      if (role.getRole() == WarpRole::producer && role.getNumWarps() > 1) {
        OpBuilder::InsertionGuard guard(rewriter);
        rewriter.setInsertionPoint(then->getTerminator());
        Value first = arith::CmpIOp::create(
            rewriter, loc, arith::CmpIPredicate::eq, warp,
            indexConstant(rewriter, loc, role.getFirstWarp()));
        then = scf::IfOp::create(rewriter, loc, first, /*withElseRegion=*/false)
                   .thenBlock();
      }
      Block &body = region.front();
      rewriter.eraseOp(body.getTerminator());
      rewriter.inlineBlockBefore(&body, then->getTerminator());
    }
    rewriter.eraseOp(ws);
    return success();
  }
};

} // namespace

void mlir::ggemm::populateWarpSpecializeToNVVMPatterns(
    RewritePatternSet &patterns) {
  patterns.add<WarpSpecializeToIfs>(patterns.getContext());
}
