//===- OutlineKernel.cpp - the ggemm-outline-kernel pass ------------------===//
//
// The persistent level -> one gpu.module/gpu.func kernel per function plus
// the host side's #ggemm.launch (see the pass description in
// include/ggemm/Kernel/Passes.td and docs/kernel-abi.md for the ABI).
//
//===----------------------------------------------------------------------===//

#include "ggemm/IR/Builders.h"
#include "ggemm/Kernel/Passes.h"
#include "ggemm/Target/Launch.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/StringExtras.h"

#define DEBUG_TYPE "ggemm-outline-kernel"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMOUTLINEKERNEL
#include "ggemm/Kernel/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

/// `ggemm_<name>` with every character that is not valid in a PTX
/// identifier made `_`, so that any MLIR function name gives a kernel
/// symbol ptxas accepts.
std::string kernelName(StringRef function) {
  return toIdentifier("ggemm_" + function.str());
}

/// The setup kernel of an in-place launch (docs/aot-host.md, "The
/// workspace"): one thread stores `status` = {rows, 0} and the
/// block.chunkWords() words it is given into `dst`, one chunk of the
/// launch's parameter block.
void buildSetupKernel(OpBuilder &b, Location loc, StringRef name,
                      LaunchBlock block) {
  MLIRContext *ctx = b.getContext();
  auto global = IntegerAttr::get(IntegerType::get(ctx, 64), 1);
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  int64_t words = block.chunkWords();
  SmallVector<Type> params = {
      MemRefType::get({words}, i64, MemRefLayoutAttrInterface{}, global),
      MemRefType::get({2}, i32, MemRefLayoutAttrInterface{}, global), i32};
  params.append(words, i64);
  auto setup =
      gpu::GPUFuncOp::create(b, loc, name, b.getFunctionType(params, {}));
  setup->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), UnitAttr::get(ctx));
  setup.setKnownBlockSizeAttr(b.getDenseI32ArrayAttr({1, 1, 1}));
  OpBuilder::InsertionGuard guard(b);
  Block &entry = setup.getBody().front();
  b.setInsertionPointToStart(&entry);
  Value dst = entry.getArgument(0), status = entry.getArgument(1);
  memref::StoreOp::create(b, loc, entry.getArgument(2), status,
                          ValueRange{indexConstant(b, loc, 0)});
  memref::StoreOp::create(b, loc,
                          arith::ConstantIntOp::create(b, loc, i32, 0), status,
                          ValueRange{indexConstant(b, loc, 1)});
  for (int64_t w = 0; w < words; ++w)
    memref::StoreOp::create(b, loc, entry.getArgument(3 + w), dst,
                            ValueRange{indexConstant(b, loc, w)});
  gpu::ReturnOp::create(b, loc);
}

/// The decode kernel of a kernel with predecoded tokens
/// (docs/sm90-kernel.md, "Predecoded tokens"), one launch for every operand
/// set: CTA (x, y) reads entry y of its table (`sets` entries of
/// kTokenTableEntryWords words: the set's token workspace, A, SFA, and its
/// rows of A and K as two int32) and runs ggemm.decode_tokens on it, a
/// grid-stride loop of kTokensKernelThreads threads a block over grid x.
void buildTokensKernel(OpBuilder &b, Location loc, StringRef name,
                       int64_t tileK, int64_t sets) {
  MLIRContext *ctx = b.getContext();
  auto global = IntegerAttr::get(IntegerType::get(ctx, 64), 1);
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  auto tableType = MemRefType::get({sets, kTokenTableEntryWords}, i64,
                                   MemRefLayoutAttrInterface{}, global);
  auto tokens = gpu::GPUFuncOp::create(b, loc, name,
                                       b.getFunctionType({tableType}, {}));
  tokens->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), UnitAttr::get(ctx));
  tokens.setKnownBlockSizeAttr(
      b.getDenseI32ArrayAttr({int32_t(kTokensKernelThreads), 1, 1}));
  OpBuilder::InsertionGuard guard(b);
  Block &entry = tokens.getBody().front();
  b.setInsertionPointToStart(&entry);
  Value set = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  auto word = [&](int64_t w) -> Value {
    return memref::LoadOp::create(
        b, loc, entry.getArgument(0),
        ValueRange{set, indexConstant(b, loc, w)});
  };
  Value dst = word(0), a = word(1), sfa = word(2), sizes = word(3);
  Value rows = arith::TruncIOp::create(b, loc, i32, sizes);
  Value k = arith::TruncIOp::create(
      b, loc, i32,
      arith::ShRUIOp::create(b, loc, sizes,
                             arith::ConstantIntOp::create(b, loc, i64, 32)));
  DecodeTokensOp::create(b, loc, dst, a, sfa, rows, k,
                         b.getI64IntegerAttr(tileK));
  gpu::ReturnOp::create(b, loc);
}

struct GGemmOutlineKernel final
    : public ggemm::impl::GGemmOutlineKernelBase<GGemmOutlineKernel> {
  using GGemmOutlineKernelBase::GGemmOutlineKernelBase;

  /// Checks that `persistent` can become a kernel; returns its tiles.
  FailureOr<SmallVector<MmaTileOp>> check(PersistentOp persistent,
                                          func::FuncOp fn) {
    SmallVector<MmaTileOp> tiles;
    persistent.walk([&](MmaTileOp op) { tiles.push_back(op); });
    if (!fn || tiles.empty())
      return persistent.emitOpError(
          "has no ggemm.mma_tile inside a func.func to outline");
    if (!hostOperands && fn->hasAttr(kLaunchAttrName))
      return persistent.emitOpError()
             << "is the second ggemm op in @" << fn.getName()
             << "; with the manifest's host (host=manifest) a function "
                "compiles to one kernel. Split the function, or use "
                "ggemm-pipeline{host=launch}, which launches each kernel in "
                "place";
    GroupedOperands problem = tiles.front().getProblem();
    for (MmaTileOp tile : tiles)
      if (tile.getProblem().a != problem.a)
        return tile.emitOpError("differs from the first tile of its "
                                "persistent kernel; one problem per kernel");
    // The host passes the operands' addresses to the kernel: in the default
    // memory space, and for the manifest's host (ggemm's runtime passes
    // the buffers) arguments of the function. With host-operands the
    // launch stays in the function and takes any operand.
    Block &entry = fn.getBody().front();
    auto checkOperands = [&](StringRef name, ValueRange values) -> LogicalResult {
      for (auto [g, value] : llvm::enumerate(values)) {
        auto type = cast<MemRefType>(value.getType());
        auto arg = dyn_cast<BlockArgument>(value);
        std::string what = (name + " of group " + Twine(g)).str();
        if (values.size() == 1 && (name == "group sizes" || name == "alpha"))
          what = name.str();
        // At the ggemm op's location, as the ggemm op: the user's op, not
        // the tile op it became.
        if (!hostOperands && (!arg || arg.getOwner() != &entry)) {
          InFlightDiagnostic diag =
              mlir::emitError(tiles.front().getLoc())
              << "'ggemm.grouped_matmul' op: " << what
              << " is not an argument of @" << fn.getName();
          if (Operation *def = value.getDefiningOp())
            diag << " but the result of " << def->getName();
          diag << "; with the manifest's host (host=manifest) ggemm's "
                  "runtime launches the kernel on buffers it is given for "
                  "the function's arguments. Pass it in as an argument of @"
               << fn.getName()
               << ", or use ggemm-pipeline{host=launch}, which launches "
                  "the kernel in place, on any operand";
          return diag;
        }
        if (type.getMemorySpace())
          return tiles.front().emitOpError()
                 << what << " is in memory space " << type.getMemorySpace()
                 << "; the kernel takes memrefs in the default (host-visible "
                    "global) memory space";
      }
      return success();
    };
    SmallVector<Value> sizes, indices, alpha;
    if (problem.groupSizes)
      sizes.push_back(problem.groupSizes);
    if (problem.rowIndices)
      indices.push_back(problem.rowIndices);
    if (problem.alpha)
      alpha.push_back(problem.alpha);
    if (failed(checkOperands("A", problem.a)) ||
        failed(checkOperands("SFA", problem.sfa)) ||
        failed(checkOperands("B", problem.b)) ||
        failed(checkOperands("SFB", problem.sfb)) ||
        failed(checkOperands("C", problem.c)) ||
        failed(checkOperands("group sizes", sizes)) ||
        failed(checkOperands("row indices", indices)) ||
        failed(checkOperands("alpha", alpha)))
      return failure();
    // Nothing else from the host may flow into the kernel.
    Value groupSizes = problem.groupSizes, rowIndices = problem.rowIndices;
    WalkResult captured = persistent.getBody().walk([&](Operation *op) {
      if (isa<MmaTileOp, ReduceTileOp>(op))
        return WalkResult::skip();
      for (Value v : op->getOperands()) {
        if (v == groupSizes || v == rowIndices ||
            persistent->isAncestor(v.getParentRegion()->getParentOp()))
          continue;
        op->emitOpError("uses a value defined outside the persistent loop; "
                        "a kernel cannot read the host function's values");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (captured.wasInterrupted())
      return failure();
    return tiles;
  }

  LogicalResult outline(PersistentOp persistent) {
    auto fn = persistent->getParentOfType<func::FuncOp>();
    FailureOr<SmallVector<MmaTileOp>> tiles = check(persistent, fn);
    if (failed(tiles))
      return failure();
    GroupedOperands problem = tiles->front().getProblem();
    KernelProblem p =
        KernelProblem::fromOperands(problem, persistent.getSchedule());
    // The one plan of this kernel: every later pass reads it.
    const TargetInfo &target = TargetInfo::get(p.chip());
    KernelPlanAttr plan;
    if (std::string why = target.planKernel(&getContext(), p, plan);
        !why.empty())
      return persistent.emitOpError()
             << "cannot be lowered for " << target.name() << ": " << why;

    // The kernel module, appended to the top-level module.
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    UnitAttr::get(ctx));
    std::string name = kernelName(fn.getName());
    for (int i = 1; module.lookupSymbol(name); ++i)
      name = kernelName(fn.getName()) + "_" + std::to_string(i);
    Location loc = persistent.getLoc();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    // The chip, for gpu-module-to-binary: the same #nvvm.target that
    // gpu-nvvm-attach-target makes, with the PTX features the chip's
    // instructions need.
    auto nvvmTarget = NVVM::NVVMTargetAttr::get(
        ctx, /*optLevel=*/3, "nvptx64-nvidia-cuda", target.name(),
        target.ptxFeatures);
    auto gpuModule = gpu::GPUModuleOp::create(
        b, loc, name, b.getArrayAttr({nvvmTarget}));
    b.setInsertionPointToStart(gpuModule.getBody());
    auto kernel = gpu::GPUFuncOp::create(
        b, loc, name, b.getFunctionType(getKernelParamTypes(ctx, p), {}));
    kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                    UnitAttr::get(ctx));
    kernel.setKnownBlockSizeAttr(
        b.getDenseI32ArrayAttr({int32_t(plan.getThreads()), 1, 1}));
    kernel->setAttr(kProblemAttrName, p.toAttr(ctx));
    kernel->setAttr(kPlanAttrName, plan);

    // The persistent body, with %cta = blockIdx.x, %num_ctas = gridDim.x,
    // group sizes from the parameters and each mma_tile a ggemm.tile.
    Block &entry = kernel.getBody().front();
    b.setInsertionPointToStart(&entry);
    Block &body = persistent.getBody().front();
    IRMapping mapping;
    mapping.map(body.getArgument(0),
                gpu::BlockIdOp::create(b, loc, gpu::Dimension::x));
    mapping.map(body.getArgument(1),
                gpu::GridDimOp::create(b, loc, gpu::Dimension::x));
    if (problem.groupSizes)
      mapping.map(problem.groupSizes, entry.getArgument(3));
    if (problem.rowIndices)
      mapping.map(problem.rowIndices,
                  entry.getArgument(rowIndicesParam(p)));
    // With split-K (a grid barrier between the phases) the tiles carry
    // their split and work item, and each ggemm.reduce_tile becomes a
    // ggemm.reduce_partials over the workspace parameter.
    bool split = p.schedule.getSplitK() > 1;
    SmallVector<Operation *> cloned;
    for (Operation &op : body.without_terminator())
      b.clone(op, mapping)->walk([&](Operation *t) {
        if (isa<MmaTileOp, ReduceTileOp>(t))
          cloned.push_back(t);
      });
    for (Operation *op : cloned) {
      OpBuilder at(op);
      if (auto tile = dyn_cast<MmaTileOp>(op))
        TileOp::create(at, op->getLoc(), tile.getGroup(), tile.getRowBase(),
                       tile.getM0(), tile.getN0(),
                       split ? tile.getSplit() : Value(),
                       split ? tile.getWork() : Value());
      else if (auto reduce = dyn_cast<ReduceTileOp>(op))
        ReducePartialsOp::create(at, op->getLoc(), reduce.getGroup(),
                                 reduce.getRowBase(), reduce.getM0(),
                                 reduce.getN0(), reduce.getWork());
      op->erase();
    }
    gpu::ReturnOp::create(b, loc);

    auto symbol =
        SymbolRefAttr::get(ctx, name, {FlatSymbolRefAttr::get(ctx, name)});
    LaunchAttr launch = buildLaunch(ctx, symbol, p, plan);
    // Its setup kernel, which writes the parameter block of a launch on a
    // caller's stream (ggemm-lower-launch, or ggemm's runtime from the
    // manifest).
    b.setInsertionPointToEnd(gpuModule.getBody());
    buildSetupKernel(b, loc, setupKernelName(name), getLaunchBlock(launch));
    if (p.schedule.getPredecode())
      buildTokensKernel(b, loc, tokensKernelName(name),
                        p.schedule.getTileK(),
                        getLaunchBlock(launch).tokenSets);
    if (hostOperands) {
      // Where the ggemm op stood, on its operands and with its launch:
      // ggemm-lower-launch launches the kernel from here, after the setup
      // kernel has written the parameter block.
      b.setInsertionPoint(persistent);
      LaunchKernelOp::create(
          b, loc, symbol, launch, RowsKindAttr::get(ctx, problem.rows),
          ScaleLayoutAttr::get(ctx, problem.scaleLayout), problem.a,
          problem.sfa, problem.b, problem.sfb, problem.c, problem.groupSizes,
          problem.rowIndices, problem.alpha);
    } else {
      fn->setAttr(kLaunchAttrName, launch);
    }
    // The host's split-K workspace (ggemm-fuse-persistent's alloc and
    // dealloc) had no other user: the kernel's workspace is a parameter
    // now (docs/kernel-abi.md).
    Value workspace = tiles->front().getWorkspace();
    persistent.erase();
    if (workspace && llvm::all_of(workspace.getUsers(), [](Operation *user) {
          return isa<memref::DeallocOp>(user);
        })) {
      for (Operation *user : llvm::make_early_inc_range(workspace.getUsers()))
        user->erase();
      if (Operation *alloc = workspace.getDefiningOp()) {
        SmallVector<Value> sizes(alloc->getOperands());
        alloc->erase();
        for (Value size : sizes)
          if (size.use_empty() && isa_and_nonnull<NumTilesOp>(size.getDefiningOp()))
            size.getDefiningOp()->erase();
      }
    }
    // Without host-operands (the manifest's host, ggemm-pipeline's
    // host=manifest) nothing in the function launches the kernel: ggemm's
    // runtime does, from the manifest. Anything else the function computes
    // would run without the product it was written around, so it is
    // refused rather than compiled silently.
    // (A second ggemm op is refused as such when its turn comes; pure ops
    // compute nothing anyone sees.)
    if (!hostOperands)
      for (Operation &op : fn.getBody().front().without_terminator())
        if (!isa<PersistentOp>(op) && !isPure(&op))
          return op.emitOpError()
               << "is in @" << fn.getName()
               << ", whose ggemm op became a kernel that ggemm's runtime "
                  "launches from the manifest (host=manifest): the "
                  "function must hold only the ggemm op. Move this op "
                  "out of it, or use ggemm-pipeline{host=launch}, which "
                  "launches the kernel from the function";
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Only the persistent level becomes a kernel.
    WalkResult unfused = module.walk([&](GroupedMatmulOp op) {
      op.emitOpError("was not fused into a persistent loop; run ggemm-tile "
                     "and ggemm-fuse-persistent first (ggemm-pipeline does)");
      return WalkResult::interrupt();
    });
    if (unfused.wasInterrupted())
      return signalPassFailure();
    SmallVector<PersistentOp> ops;
    module.walk([&](PersistentOp op) { ops.push_back(op); });
    for (PersistentOp op : ops)
      if (failed(outline(op)))
        return signalPassFailure();
  }
};

} // namespace
