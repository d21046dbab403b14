//===- GGemmToNVVM.cpp - the convert-ggemm-to-nvvm pass -------------------===//
//
// Lowers the kernel-level ggemm ops of every outlined, pipelined and
// warp-specialized kernel to upstream gpu/NVVM/LLVM ops, each op by a
// pattern of its family (one populate function per family; the chip's
// families are picked by the kernel's Chip):
//
//   ggemm.ring              the chip's prologue: shared memory, the ring's
//                           mbarriers (and Tensor Memory on sm_100a, with
//                           the teardown after the roles); the ring's value
//                           then carries the prologue's state to the roles'
//                           ops (packRingState, KernelCommon.h)
//   ggemm.warp_specialize   WarpRoles.cpp: one scf.if per role
//   ggemm.load_tile,        the producer: TMA into the ring (SM90Kernel.cpp;
//   ggemm.drain_ring        SM100Kernel.cpp + SM100Scales.cpp)
//   ggemm.compute_tile      by role: sm_90a consumer (SM90Consumer.cpp:
//                           the MMA loop, SM90Wgmma.cpp: its wgmma,
//                           SM90Decode.cpp: e2m1 -> f16,
//                           SM90Epilogue.cpp); sm_100a mma
//                           (Tcgen05Mma.cpp), epilogue (TmemEpilogue.cpp);
//                           both end in F16Epilogue.cpp
//   ggemm.prefetch_tile     TMAPrefetch.cpp, by lane 0 of the producer
//   num_tiles, tile_coords  TileSpaceToArith, shared with the CPU path
//
//===----------------------------------------------------------------------===//

#include "SM100Kernel.h"
#include "SM90Kernel.h"
#include "TMAPrefetch.h"

#include "GGemm/GGemmOps.h"
#include "ggemm/Conversion/GPUModuleChecks.h"
#include "ggemm/Conversion/Passes.h"
#include "ggemm/Conversion/TileSpaceToArith.h"
#include "ggemm/Target/Launch.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

#define DEBUG_TYPE "convert-ggemm-to-nvvm"

namespace mlir::ggemm {
#define GEN_PASS_DEF_CONVERTGGEMMTONVVM
#include "ggemm/Conversion/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

struct ConvertGGemmToNVVM final
    : public mlir::ggemm::impl::ConvertGGemmToNVVMBase<ConvertGGemmToNVVM> {
  using ConvertGGemmToNVVMBase::ConvertGGemmToNVVMBase;

  /// Checks that `kernel` is at the level this pass lowers: one ring and
  /// one ggemm.warp_specialize at its top, every kernel op inside a role.
  LogicalResult checkLevel(gpu::GPUFuncOp kernel) {
    WalkResult early = kernel.walk([&](TileOp op) {
      op.emitOpError("is not lowered by convert-ggemm-to-nvvm; run "
                     "ggemm-pipeline-loads and ggemm-warp-specialize first");
      return WalkResult::interrupt();
    });
    if (early.wasInterrupted())
      return failure();
    SmallVector<RingOp> rings(kernel.getOps<RingOp>());
    SmallVector<WarpSpecializeOp> specialized(
        kernel.getOps<WarpSpecializeOp>());
    if (rings.size() != 1 || specialized.size() != 1)
      return kernel.emitOpError()
             << "has " << rings.size() << " ggemm.ring and "
             << specialized.size()
             << " ggemm.warp_specialize ops at its top level; the lowering "
                "takes one of each (ggemm-pipeline-loads, "
                "ggemm-warp-specialize)";
    WalkResult outside = kernel.walk([&](Operation *op) {
      if (!isa<LoadTileOp, ComputeTileOp, DrainRingOp, PrefetchTileOp>(op) ||
          WarpSpecializeOp::getRoleOf(op))
        return WalkResult::advance();
      op->emitOpError("must be inside a role of ggemm.warp_specialize");
      return WalkResult::interrupt();
    });
    return failure(outside.wasInterrupted());
  }

  LogicalResult lowerKernel(gpu::GPUFuncOp kernel) {
    // The kernel's problem and its plan, made once by ggemm-outline-kernel
    // and checked against the chip here.
    FailureOr<OutlinedKernel> outlined = readOutlinedKernel(kernel);
    if (failed(outlined))
      return failure();
    const KernelProblem &p = outlined->problem;
    const TargetInfo &target = *outlined->target;
    // The roles index warps from the thread id: a block of another size
    // (known_block_size edited by hand) would leave roles without warps.
    int64_t threads = outlined->plan.getThreads();
    if (std::optional<ArrayRef<int32_t>> block = kernel.getKnownBlockSize();
        block && *block != ArrayRef<int32_t>{int32_t(threads), 1, 1})
      return kernel.emitOpError()
             << "has known_block_size = [" << *block << "]; its plan ("
             << kPlanAttrName << ") has " << threads
             << " threads: [" << threads << ", 1, 1]";
    // The lowering reads the parameters of docs/kernel-abi.md by position
    // (tensor maps, C and scale pointers, group sizes, alpha, status): a kernel
    // whose signature is not the one its problem implies (written or edited
    // by hand) is refused, not indexed past its arguments.
    SmallVector<Type> expected = getKernelParamTypes(&getContext(), p);
    if (kernel.getArgumentTypes() != ArrayRef<Type>(expected)) {
      std::string got, want;
      llvm::raw_string_ostream gotOs(got), wantOs(want);
      llvm::interleaveComma(kernel.getArgumentTypes(), gotOs);
      llvm::interleaveComma(expected, wantOs);
      return kernel.emitOpError()
             << "has parameters (" << got << "); the kernel of its "
             << kProblemAttrName << " takes (" << want
             << ") (docs/kernel-abi.md; ggemm-outline-kernel makes them)";
    }
    if (failed(checkLevel(kernel)))
      return failure();

    // Every kernel op, the ring included, is lowered by a pattern of its
    // family, applied once (a post-order walk: the ring, at the kernel's
    // start, first; a role's ops before the role). The state the ring's
    // prologue defines reaches the roles' ops through the ring's value
    // (packRingState); nothing is emitted outside the patterns.
    ValueRange params = kernel.getBody().front().getArguments();
    RewritePatternSet patterns(&getContext());
    populateWarpSpecializeToNVVMPatterns(patterns);
    populateTMAPrefetchPatterns(patterns, p, params);
    // The byte layout of a planned sm_100a kernel (arithmetic on its
    // problem, not a second plan).
    SM100Plan layout;
    std::optional<SM100Lowering> blackwell;
    switch (target.chip) {
    case Chip::sm_90a:
      populateSM90KernelPatterns(patterns, p, params);
      break;
    case Chip::sm_100a:
      layout = layoutSM100Kernel(p);
      blackwell.emplace(SM100Lowering{p, layout, params});
      populateSM100ProducerPatterns(patterns, *blackwell);
      populateSM100ScalePatterns(patterns, *blackwell);
      populateTcgen05MmaPatterns(patterns, *blackwell);
      populateTmemEpiloguePatterns(patterns, *blackwell);
      break;
    }
    if (p.schedule.getSplitK() > 1)
      populateSplitKPatterns(patterns, p, params,
                             outlined->plan.getThreads());
    // Whether a role sets its registers with setmaxnreg (WarpRoles.cpp),
    // read from the roles before they are lowered.
    bool setsRegisters = false;
    kernel.walk([&](WarpSpecializeOp ws) {
      for (Attribute role : ws.getRoles())
        setsRegisters |= cast<RoleAttr>(role).getMaxRegisters() > 0;
    });
    walkAndApplyPatterns(kernel, std::move(patterns));
    // A grid of more CTAs than SMs keeps several on each SM (the plan
    // checked their shared memory): .minnctapersm makes ptxas fit their
    // registers too.
    // So does a kernel whose roles set their registers with setmaxnreg:
    // without it ptxas does not compile each role to its budget.
    if (int64_t ctas = target.ctasPerSM(p.schedule); ctas > 1 || setsRegisters)
      kernel->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                      IntegerAttr::get(IntegerType::get(&getContext(), 32),
                                       ctas));
    // The ring's value, now unused: the cast that carried its state.
    kernel.walk([](UnrealizedConversionCastOp cast) {
      if (cast->use_empty() && cast.getNumResults() == 1 &&
          isa<RingType>(cast.getResult(0).getType()))
        cast.erase();
    });
    WalkResult left = kernel.walk([&](Operation *op) {
      if (!isa<LoadTileOp, ComputeTileOp, DrainRingOp, PrefetchTileOp,
               WarpSpecializeOp, GridBarrierOp, ReducePartialsOp>(op))
        return WalkResult::advance();
      op->emitOpError("has no lowering for ") << target.name() << " here";
      return WalkResult::interrupt();
    });
    return failure(left.wasInterrupted());
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
    if (failed(checkGPUModulesLowerable(module)))
      return signalPassFailure();

    SmallVector<gpu::GPUFuncOp> kernels;
    module.walk([&](gpu::GPUFuncOp fn) {
      if (fn->hasAttr(kProblemAttrName))
        kernels.push_back(fn);
    });
    for (gpu::GPUFuncOp kernel : kernels)
      if (failed(lowerKernel(kernel)))
        return signalPassFailure();

    // The scheduler inside the kernels: the same arithmetic as on the CPU,
    // except that the roles' loops over many run-time-size groups walk the
    // groups from a cursor they carry.
    for (gpu::GPUFuncOp kernel : kernels)
      useTileSpaceCursors(kernel);
    TypeConverter identity;
    identity.addConversion([](Type t) { return t; });
    ConversionTarget target(getContext());
    target.addIllegalDialect<GGemmDialect>();
    // The host side's launch stays for ggemm-lower-launch.
    target.addLegalOp<LaunchKernelOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    // Clamped offsets or counts: bit 1 of the kernel's error flags
    // (docs/kernel-abi.md, parameter 5), or'ed in by whichever thread
    // finds them.
    populateTileSpaceToArithPatterns(
        identity, patterns,
        [](OpBuilder &b, Location loc, Operation *numTiles, Value anyBad) {
          Value status = numTiles->getParentOfType<gpu::GPUFuncOp>()
                             .getArgument(kStatusParam);
          scf::IfOp::create(b, loc, anyBad, [&](OpBuilder &, Location) {
            emitOrStatusFlag(b, loc, status, kStatusRowsClamped);
            scf::YieldOp::create(b, loc);
          });
        });
    // Decode kernels of predecoded tokens (ggemm.decode_tokens).
    populateSM90TokensPatterns(patterns);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();
    for (gpu::GPUFuncOp kernel : kernels) {
      kernel->removeAttr(kProblemAttrName);
      kernel->removeAttr(kPlanAttrName);
    }
  }
};

} // namespace
