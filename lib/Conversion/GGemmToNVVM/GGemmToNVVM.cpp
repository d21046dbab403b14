//===- GGemmToNVVM.cpp - the convert-ggemm-to-nvvm pass -------------------===//
//
// Outlines each ggemm.persistent into a gpu.module with one persistent
// kernel (the scheduler shared with the CPU path; the tile code from
// SM100Kernel.cpp for sm_100a, where every warp role runs its own copy of
// the tile loop, or SM90Kernel.cpp for sm_90a) and records the manifest of
// docs/kernel-abi.md.
//
//===----------------------------------------------------------------------===//

#include "SM100Kernel.h"
#include "SM90Kernel.h"

#include "GGemm/GGemmOps.h"
#include "ggemm/Conversion/GGemmToLoops.h"
#include "ggemm/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/Support/JSON.h"

#define DEBUG_TYPE "convert-ggemm-to-nvvm"

namespace mlir::ggemm {
#define GEN_PASS_DEF_CONVERTGGEMMTONVVM
#include "ggemm/Conversion/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

/// The manifest of docs/kernel-abi.md for one kernel.
/// What the manifest says that differs between the chips' kernels.
struct KernelLaunch {
  int64_t threads;
  int64_t sharedBytes;
  StringRef swizzle;           // of the A/B tensor maps: "none" or "128B"
  int64_t tensorMemoryColumns; // allocated per CTA (sm_100a), else 0
};

std::string buildManifest(StringRef chip, StringRef kernel, StringRef func,
                          const KernelProblem &p, const KernelLaunch &launch) {
  ScheduleAttr s = p.schedule;
  llvm::json::Array groups, maps;
  for (auto [g, shape] : llvm::enumerate(p.groups)) {
    groups.push_back(llvm::json::Object{
        {"m", ShapedType::isDynamic(shape.m) ? int64_t(-1) : shape.m},
        {"n", shape.n},
        {"k", shape.k}});
  }
  // One map per A and B (and SFA, SFB when the kernel loads row-major
  // scales with TMA): the whole operand, box = one tile x tile_k.
  auto addMaps = [&](int64_t g, int64_t rowsA, int64_t rowsB, int64_t k) {
    auto add = [&](StringRef operand, int64_t rows, int64_t rowBytes,
                   int64_t boxBytes, int64_t boxRows, StringRef swizzle) {
      maps.push_back(llvm::json::Object{
          {"group", g},
          {"operand", operand},
          {"dims", llvm::json::Array{rowBytes, rows}},
          {"strides", llvm::json::Array{rowBytes}},
          {"box", llvm::json::Array{boxBytes, boxRows}},
          {"swizzle", swizzle}});
    };
    int64_t tileK = s.getTileK();
    add("a", rowsA, k / 2, tileK / 2, s.getTileM(), launch.swizzle);
    add("b", rowsB, k / 2, tileK / 2, s.getTileN(), launch.swizzle);
    if (!p.scaleMaps)
      return;
    add("sfa", rowsA, k / kScaleBlock, tileK / kScaleBlock, s.getTileM(),
        "none");
    add("sfb", rowsB, k / kScaleBlock, tileK / kScaleBlock, s.getTileN(),
        "none");
  };
  if (p.listForm) {
    for (auto [g, shape] : llvm::enumerate(p.groups))
      addMaps(g, shape.m, shape.n, shape.k);
  } else {
    // Rows of A are known at run time: the runtime fills in dims[1].
    addMaps(0, -1, int64_t(p.groups.size()) * p.groups[0].n, p.groups[0].k);
  }
  llvm::json::Object manifest{
      {"format", "ggemm-manifest-1"},
      {"chip", chip},
      {"kernel", kernel},
      {"cubin", (func + ".cubin").str()},
      {"grid", llvm::json::Array{s.getGrid(), 1, 1}},
      {"block", llvm::json::Array{launch.threads, 1, 1}},
      {"cluster", llvm::json::Array{1, 1, 1}},
      {"dynamic_shared_memory", launch.sharedBytes},
      {"rows", p.listForm ? "list" : "contiguous"},
      {"scales", p.scales == ScaleLayout::row_major ? "row_major"
                                                    : "blocked_128x4"},
      {"alpha", p.hasAlpha},
      {"tile", llvm::json::Array{s.getTileM(), s.getTileN(), s.getTileK()}},
      {"split_k", s.getSplitK()},
      {"groups", std::move(groups)},
      {"params", llvm::json::Array{"tensor_maps", "c_pointers",
                                   "scale_pointers", "group_sizes", "alpha"}},
      {"tensor_maps", std::move(maps)}};
  if (launch.tensorMemoryColumns)
    manifest["tensor_memory_columns"] = launch.tensorMemoryColumns;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(manifest)));
  return text;
}

struct ConvertGGemmToNVVM final
    : public ggemm::impl::ConvertGGemmToNVVMBase<ConvertGGemmToNVVM> {
  using ConvertGGemmToNVVMBase::ConvertGGemmToNVVMBase;

  /// Outlines one persistent op; returns failure after a diagnostic.
  LogicalResult outline(PersistentOp persistent) {
    auto fn = persistent->getParentOfType<func::FuncOp>();
    SmallVector<MmaTileOp> tiles;
    persistent.walk([&](MmaTileOp op) { tiles.push_back(op); });
    if (!fn || tiles.empty())
      return persistent.emitOpError("has no ggemm.mma_tile inside a func.func "
                                    "to lower");
    if (chip != "sm_90a" && chip != "sm_100a")
      return persistent.emitOpError()
             << "cannot be lowered for chip '" << chip
             << "': convert-ggemm-to-nvvm supports sm_100a and sm_90a";
    if (fn->hasAttr("ggemm.kernel"))
      return persistent.emitOpError()
             << "is the second ggemm op in @" << fn.getName()
             << "; the GPU pipeline compiles one ggemm op per function into "
                "one kernel (split the function)";
    MmaTileOp first = tiles.front();
    GroupedOperands problem = first.getProblem();
    KernelProblem p{problem.isListForm(), bool(problem.alpha),
                    problem.scaleLayout, {}, persistent.getSchedule()};
    for (int64_t g = 0, e = problem.getNumGroups(); g < e; ++g)
      p.groups.push_back(problem.getGroupShape(g));
    bool blackwell = chip == "sm_100a";
    SM100Plan plan;
    KernelLaunch launch;
    if (blackwell) {
      if (std::string why = planSM100Kernel(p, plan); !why.empty())
        return persistent.emitOpError() << "cannot be lowered for sm_100a: "
                                        << why;
      launch = {kSM100Threads, plan.sharedBytes, "128B",
                plan.tmemAllocColumns};
      p.scaleMaps = plan.scaleTma;
    } else {
      if (problem.scaleLayout != ScaleLayout::row_major)
        return persistent.emitOpError(
            "takes row-major scales on sm_90a (the kernel reads them with "
            "plain loads); blocked_128x4 is for tcgen05");
      if (std::string why = sm90Unsupported(p); !why.empty())
        return persistent.emitOpError() << "cannot be lowered for sm_90a: "
                                        << why;
      launch = {kSM90Threads, sm90SharedMemoryBytes(p), "none", 0};
    }
    for (MmaTileOp tile : tiles)
      if (tile.getProblem().a != problem.a)
        return tile.emitOpError("differs from the first tile of its "
                                "persistent kernel; one problem per kernel");

    // The kernel module, appended to the top-level module.
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    UnitAttr::get(ctx));
    std::string name = ("ggemm_" + fn.getName()).str();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    Location loc = persistent.getLoc();
    auto gpuModule = gpu::GPUModuleOp::create(b, loc, name);
    b.setInsertionPointToStart(gpuModule.getBody());

    auto global = IntegerAttr::get(IntegerType::get(ctx, 64), 1);
    auto buffer = [&](int64_t size, Type element, ArrayRef<int64_t> inner = {}) {
      SmallVector<int64_t> shape{std::max<int64_t>(size, 1)};
      llvm::append_range(shape, inner);
      return MemRefType::get(shape, element, MemRefLayoutAttrInterface{},
                             global);
    };
    int64_t groups = p.groups.size(), sets = p.listForm ? groups : 1;
    SmallVector<Type> params{buffer(p.mapsPerSet() * sets, b.getI8Type(), {128}),
                             buffer(sets, b.getI64Type()),
                             buffer(2 * sets, b.getI64Type()),
                             buffer(groups, b.getI32Type()),
                             buffer(groups, b.getF32Type())};
    auto kernel = gpu::GPUFuncOp::create(
        b, loc, name, b.getFunctionType(params, {}));
    kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                    UnitAttr::get(ctx));
    kernel.setKnownBlockSizeAttr(
        b.getDenseI32ArrayAttr({int32_t(launch.threads), 1, 1}));

    Block &entry = kernel.getBody().front();
    b.setInsertionPointToStart(&entry);
    Block &body = persistent.getBody().front();
    // The persistent loop, once per role on sm_100a: every role walks the
    // same tile sequence. Returns the cloned mma_tile ops.
    auto cloneBody = [&]() {
      Value cta = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
      Value numCtas = gpu::GridDimOp::create(b, loc, gpu::Dimension::x);
      IRMapping mapping;
      mapping.map(body.getArgument(0), cta);
      mapping.map(body.getArgument(1), numCtas);
      if (problem.groupSizes)
        mapping.map(problem.groupSizes, entry.getArgument(3));
      SmallVector<MmaTileOp> cloned;
      for (Operation &op : body.without_terminator())
        b.clone(op, mapping)->walk([&](MmaTileOp t) { cloned.push_back(t); });
      return cloned;
    };
    auto replaceTiles = [&](ArrayRef<MmaTileOp> cloned, auto emit) {
      for (MmaTileOp op : cloned) {
        b.setInsertionPoint(op);
        emit(op);
        op.erase();
      }
    };
    if (blackwell) {
      using Role = SM100KernelBuilder::Role;
      SM100KernelBuilder builder(b, loc, p, plan, entry.getArguments());
      builder.emitPrologue();
      for (Role role : {Role::Producer, Role::Mma, Role::Epilogue}) {
        auto ifRole = scf::IfOp::create(b, loc, builder.isRole(role),
                                        /*withElseRegion=*/false);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(ifRole.thenBlock()->getTerminator());
        SmallVector<MmaTileOp> cloned = cloneBody();
        replaceTiles(cloned, [&](MmaTileOp op) {
          builder.emitTile(role, op.getGroup(), op.getRowBase(), op.getM0(),
                           op.getN0());
        });
        b.setInsertionPoint(ifRole.thenBlock()->getTerminator());
        builder.emitRoleEnd(role);
      }
      builder.emitTeardown();
    } else {
      SM90KernelBuilder builder(b, loc, p, entry.getArguments());
      builder.emitPrologue();
      SmallVector<MmaTileOp> cloned = cloneBody();
      OpBuilder::InsertionGuard guard(b);
      replaceTiles(cloned, [&](MmaTileOp op) {
        builder.emitTile(op.getGroup(), op.getRowBase(), op.getM0(),
                         op.getN0());
      });
    }
    gpu::ReturnOp::create(b, loc);

    fn->setAttr("ggemm.kernel",
                SymbolRefAttr::get(ctx, name,
                                   {FlatSymbolRefAttr::get(ctx, name)}));
    fn->setAttr("ggemm.manifest",
                StringAttr::get(ctx, buildManifest(chip, name, fn.getName(), p, launch)));
    persistent.erase();
    return success();
  }

  void runOnOperation() override {
    SmallVector<PersistentOp> ops;
    getOperation().walk([&](PersistentOp op) { ops.push_back(op); });
    for (PersistentOp op : ops)
      if (failed(outline(op)))
        return signalPassFailure();

    // The scheduler inside the kernels: the same arithmetic as on the CPU.
    TypeConverter identity;
    identity.addConversion([](Type t) { return t; });
    ConversionTarget target(getContext());
    target.addIllegalOp<NumTilesOp, TileCoordsOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    populateTileSpaceToArithPatterns(identity, patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
