//===- LowerLaunch.cpp - the ggemm-lower-launch pass ----------------------===//
//
// Each ggemm.launch_kernel -> host code in upstream ops (gpu, memref, arith,
// cf, func) that launches its kernel in place (LaunchHost.h builds one
// launch; this file checks the launches and places them on a stream and in
// a workspace). The pass description in include/ggemm/Kernel/Passes.td and
// docs/aot-host.md say what is built; docs/kernel-abi.md is the ABI it
// follows.
//
//===----------------------------------------------------------------------===//

#include "LaunchHost.h"

#include "ggemm/IR/Builders.h"
#include "ggemm/Kernel/Passes.h"
#include "ggemm/Target/Launch.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SetVector.h"

#define DEBUG_TYPE "ggemm-lower-launch"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMLOWERLAUNCH
#include "ggemm/Kernel/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

/// One checked launch: its op, launch, problem and the kernel's
/// parameter types, and the operands read from the op.
struct Site {
  LaunchKernelOp op;
  LaunchAttr launch;
  KernelProblem problem;
  SmallVector<Type> params;
  /// Whether the kernel is still a gpu.func of a gpu.module (not yet a
  /// gpu.binary): its launch passes memrefs of its parameter types.
  bool inModule = false;
  HostOperands ops;

  /// What LaunchBuilder::enqueue passes memrefs of: the parameter types of
  /// a kernel still in its gpu.module, else nothing (pointers).
  ArrayRef<Type> moduleParams() const {
    return inModule ? ArrayRef<Type>(params) : ArrayRef<Type>();
  }
};

struct GGemmLowerLaunch final
    : public ggemm::impl::GGemmLowerLaunchBase<GGemmLowerLaunch> {
  using GGemmLowerLaunchBase::GGemmLowerLaunchBase;

  /// Host allocations that kernels use: made managed memory after the
  /// launches are lowered (host=launch).
  llvm::SetVector<memref::AllocOp> managedAllocs;
  /// ... or stream-ordered device memory on the caller's stream
  /// (host=stream), where no host op uses them.
  llvm::SetVector<memref::AllocOp> streamAllocs;

  /// Where the host allocation `def` (a memref.alloc or alloca), which a
  /// kernel uses, goes: managed memory (host=launch) or stream-ordered
  /// device memory (host=stream); else says why not on `diag`.
  LogicalResult placeAllocation(Operation *def, InFlightDiagnostic &diag) {
    auto alloc = dyn_cast<memref::AllocOp>(def);
    if (!alloc) {
      diag << "Allocate it on the device (gpu.alloc) or pass a device "
              "buffer in as an argument";
      return failure();
    }
    if (!callerStream) {
      if (failed(checkManagedAlloc(alloc, diag)))
        return failure();
      managedAllocs.insert(alloc);
      return success();
    }
    if (failed(checkDeviceOnlyAlloc(alloc, diag)))
      return failure();
    streamAllocs.insert(alloc);
    return success();
  }

  /// The program's own launches in `fn` (gpu.launch_func of its kernels,
  /// there before this pass): the host allocations they use are placed as
  /// ggemm's operands are; with host=stream each must be synchronous (it
  /// goes on the caller's stream).
  LogicalResult readProgramLaunches(func::FuncOp fn,
                                    SmallVectorImpl<gpu::LaunchFuncOp> &out) {
    WalkResult result = fn.walk([&](gpu::LaunchFuncOp launch) {
      if (callerStream && (launch.getAsyncToken() ||
                           !launch.getAsyncDependencies().empty())) {
        launch.emitOpError()
            << "is asynchronous; with host=stream ggemm-lower-launch puts "
               "the function's launches on the caller's stream, in program "
               "order: give it no async token or dependencies (do not run "
               "gpu-async-region first)";
        return WalkResult::interrupt();
      }
      for (auto [i, operand] : llvm::enumerate(launch.getKernelOperands())) {
        Operation *def = rootAllocation(operand);
        if (!def)
          continue;
        InFlightDiagnostic diag =
            launch.emitOpError()
            << "operand " << i << " is a " << def->getName()
            << ": host memory, which the kernel cannot address. ";
        if (failed(placeAllocation(def, diag)))
          return WalkResult::interrupt();
        diag.abandon();
      }
      out.push_back(launch);
      return WalkResult::advance();
    });
    return failure(result.wasInterrupted());
  }

  /// Reads the operands of `site` (the ggemm.launch_kernel of `fn`) into
  /// `out`, checking them against the launch's problem: the row form and
  /// scale layout, the operand counts, and each operand's type (a memref of
  /// the operand's element type with an identity layout in the default
  /// memory space, of the problem's shape).
  LogicalResult readOperands(LaunchKernelOp site, KernelProblemAttr problem,
                             HostOperands &out) {
    int64_t groups = problem.getNumGroups();
    bool list = problem.isListForm();
    int64_t sets = list ? groups : 1;
    if (site.getRows() != problem.getRows() ||
        site.getScaleLayout() != problem.getScales())
      return site.emitOpError()
             << "has rows<" << stringifyRowsKind(site.getRows())
             << "> scales<" << stringifyScaleLayout(site.getScaleLayout())
             << ">; its kernel's problem has rows<"
             << stringifyRowsKind(problem.getRows()) << "> scales<"
             << stringifyScaleLayout(problem.getScales()) << ">";
    MLIRContext *ctx = site.getContext();
    Type f4 = Float4E2M1FNType::get(ctx), f8 = Float8E4M3FNType::get(ctx),
         f16 = Float16Type::get(ctx), i32 = IntegerType::get(ctx, 32),
         f32 = Float32Type::get(ctx);
    // The shape operand `name` of set `s` has in the problem (ggemm's
    // verifier rules, GGemm.md); kDynamic: any size (contiguous rows).
    // Blocked scales are not checked (their atoms' shape).
    bool blocked = problem.getScales() != ScaleLayout::row_major;
    int64_t dyn = ShapedType::kDynamic;
    // rows<masked>: A, SFA and C are G x max_m x ... (static).
    bool masked = problem.getRows() == RowsKind::masked;
    auto expectedShape = [&](StringRef name,
                             int64_t s) -> std::optional<SmallVector<int64_t>> {
      GroupShape g = problem.getGroupShape(s);
      int64_t m = list || masked ? g.m : dyn, n = g.n, k = g.k;
      auto rowsOf = [&](int64_t inner) {
        return masked ? SmallVector<int64_t>{groups, m, inner}
                      : SmallVector<int64_t>{m, inner};
      };
      if (name == "a")
        return rowsOf(k);
      if (name == "c")
        return rowsOf(n);
      if (name == "b")
        return list ? SmallVector<int64_t>{n, k}
                    : SmallVector<int64_t>{groups, n, k};
      if (name == "sfa" && !blocked)
        return rowsOf(k / 16);
      if (name == "sfb" && !blocked)
        return list ? SmallVector<int64_t>{n, k / 16}
                    : SmallVector<int64_t>{groups, n, k / 16};
      if (name == "group_sizes" || name == "alpha")
        return SmallVector<int64_t>{groups};
      if (name == "row_indices")
        return SmallVector<int64_t>{dyn};
      return std::nullopt;
    };
    auto read = [&](StringRef name, ValueRange given, int64_t count,
                    Type element,
                    SmallVectorImpl<Value> &values) -> LogicalResult {
      if (int64_t(given.size()) != count)
        return site.emitOpError()
               << "has " << given.size() << " '" << name
               << "' operand(s); the kernel's problem needs " << count;
      for (Value v : given) {
        // The kernel dereferences the address on the GPU: a buffer of the
        // host's own heap or stack is not one it can read or write. A
        // host allocation of the function (bufferization's tensor.empty)
        // is placed where it can (placeAllocation).
        if (Operation *def = rootAllocation(v)) {
          InFlightDiagnostic diag =
              site.emitOpError()
              << "'" << name << "' of set " << values.size() << " is a "
              << def->getName() << ": host memory, which the kernel cannot "
              << "address. ";
          if (failed(placeAllocation(def, diag)))
            return diag;
          diag.abandon();
          values.push_back(v);
          continue;
        }
        auto type = dyn_cast<MemRefType>(v.getType());
        if (!type || type.getElementType() != element ||
            !type.getLayout().isIdentity() || type.getMemorySpace())
          return site.emitOpError()
                 << "'" << name << "' of set " << values.size()
                 << " has type " << v.getType() << "; expected a memref of "
                 << element
                 << " with an identity layout in the default memory space "
                    "(the kernel takes each operand's base address)";
        if (auto shape = expectedShape(name, values.size())) {
          bool same = shape->size() == size_t(type.getRank());
          for (size_t d = 0; same && d < shape->size(); ++d)
            same = (*shape)[d] == dyn || (*shape)[d] == type.getDimSize(d);
          if (!same)
            return site.emitOpError()
                   << "'" << name << "' of set " << values.size()
                   << " has type " << v.getType()
                   << "; the kernel's problem has shape ["
                   << llvm::map_range(*shape,
                                      [](int64_t v) {
                                        return ShapedType::isDynamic(v)
                                                   ? std::string("?")
                                                   : std::to_string(v);
                                      })
                   << "]";
        }
        values.push_back(v);
      }
      return success();
    };
    SmallVector<Value> sizes, indices, alpha;
    auto optional = [](Value v) {
      return v ? ValueRange(v) : ValueRange();
    };
    if (failed(read("a", site.getA(), sets, f4, out.a)) ||
        failed(read("sfa", site.getSfa(), sets, f8, out.sfa)) ||
        failed(read("b", site.getB(), sets, f4, out.b)) ||
        failed(read("sfb", site.getSfb(), sets, f8, out.sfb)) ||
        failed(read("c", site.getC(), sets, f16, out.c)) ||
        failed(read("group_sizes", optional(site.getGroupSizes()),
                    list ? 0 : 1, i32, sizes)) ||
        failed(read("row_indices", optional(site.getRowIndices()),
                    problem.getRows() == RowsKind::gathered ? 1 : 0, i32,
                    indices)) ||
        failed(read("alpha", optional(site.getAlpha()),
                    problem.getAlpha() ? 1 : 0, f32, alpha)))
      return failure();
    if (!sizes.empty())
      out.groupSizes = sizes.front();
    if (!indices.empty())
      out.rowIndices = indices.front();
    if (!alpha.empty())
      out.alpha = alpha.front();
    return success();
  }

  /// Checks `op` and its launch; fills `site`.
  LogicalResult checkSite(LaunchKernelOp op, Site &site) {
    ModuleOp module = getOperation();
    LaunchAttr launch = op.getLaunch();
    SymbolRefAttr kernel = launch.getKernel();
    Operation *container =
        SymbolTable::lookupSymbolIn(module, kernel.getRootReference());
    if (!isa_and_nonnull<gpu::GPUModuleOp, gpu::BinaryOp>(container))
      return op.emitOpError() << "launches " << kernel
                              << ", but the module has no gpu.module or "
                                 "gpu.binary named @"
                              << kernel.getRootReference().getValue();
    if (failed(checkPredecodedHost(op, launch, callerStream)) ||
        failed(verifyLaunchPlan(op, launch)) ||
        failed(checkLaunchShape(op, launch)))
      return failure();
    KernelProblemAttr problemAttr = launch.getProblem();
    if (failed(readOperands(op, problemAttr, site.ops)))
      return failure();
    KernelProblem problem = KernelProblem::fromAttr(problemAttr);
    if (int64_t split = problem.schedule.getSplitK(); split > 1)
      return op.emitOpError()
             << "launches a split-K kernel (split_k = " << split
             << "): its CTAs meet at a grid barrier, so it needs a "
                "cooperative launch, which gpu.launch_func cannot ask for; "
                "use the manifest and ggemm's runtime (host=manifest)";
    if (failed(checkLaunchTensorMaps(op, launch, problem)))
      return failure();
    site.params = getKernelParamTypes(&getContext(), problem);
    // A kernel still in a gpu.module must take what the launch passes, and
    // its setup kernel must be there (a gpu.binary's are not visible).
    if (auto gpuModule = dyn_cast<gpu::GPUModuleOp>(container)) {
      auto kernelFn =
          gpuModule.lookupSymbol<gpu::GPUFuncOp>(kernel.getLeafReference());
      if (!kernelFn)
        return op.emitOpError()
               << "launches " << kernel << ", but gpu.module @"
               << kernel.getRootReference().getValue() << " has no gpu.func @"
               << kernel.getLeafReference().getValue();
      if (kernelFn.getArgumentTypes() != ArrayRef<Type>(site.params))
        return op.emitOpError()
               << "launches " << kernel << ", which takes ("
               << kernelFn.getArgumentTypes() << "); the launch's problem "
               << "gives (" << site.params << ")";
      std::string setup = setupKernelName(kernel.getLeafReference());
      auto setupFn = gpuModule.lookupSymbol<gpu::GPUFuncOp>(setup);
      int64_t words = getLaunchBlock(launch).chunkWords();
      if (!setupFn || setupFn.getNumArguments() != unsigned(3 + words))
        return op.emitOpError()
               << "launches " << kernel << ", but gpu.module @"
               << kernel.getRootReference().getValue()
               << " has no setup kernel @" << setup << " taking " << 3 + words
               << " parameters (ggemm-outline-kernel{host-operands=true} "
                  "makes it)";
      site.inModule = true;
    }
    site.op = op;
    site.launch = launch;
    site.problem = problem;
    return success();
  }

  /// A host buffer at the start of `fn` for the tensor maps of its largest
  /// launch: 16 i64 words a map, 64-byte aligned (a CUtensorMap's
  /// alignment).
  Value hostMapBuffer(func::FuncOp fn, ArrayRef<Site> sites) {
    int64_t maps = 1;
    for (const Site &site : sites)
      maps = std::max<int64_t>(maps, site.launch.getTensorMaps().size());
    OpBuilder b = OpBuilder::atBlockBegin(&fn.getBody().front());
    return memref::AllocaOp::create(
        b, fn.getLoc(), MemRefType::get({16 * maps}, b.getI64Type()),
        b.getI64IntegerAttr(64));
  }

  /// Without caller-stream: each launch on its own stream and workspace,
  /// waited for, its error flags checked.
  void lowerSelfContained(func::FuncOp fn, MutableArrayRef<Site> sites,
                          const LLVMTypeConverter &converter,
                          LLVM::LLVMFuncOp encode) {
    MLIRContext *ctx = &getContext();
    Value hostMaps = hostMapBuffer(fn, sites);
    auto tokenType = gpu::AsyncTokenType::get(ctx);
    for (Site &site : sites) {
      OpBuilder b(site.op);
      Location loc = site.op.getLoc();
      LaunchBuilder lb(b, loc, converter);
      bool list = site.problem.isListForm();
      Value token = gpu::WaitOp::create(b, loc, tokenType, ValueRange{})
                        .getAsyncToken();
      // The workspace: the status pair, then the block at byte 128; with
      // predecoded tokens then the token workspace, 256-byte aligned, of
      // a size that may grow with run-time rows.
      int64_t bytes = 128 + getLaunchBlock(site.launch).bytes();
      bool predecoded = site.problem.schedule.getPredecode();
      int64_t tokensAt = llvm::alignTo(bytes, 256);
      SmallVector<HostTokenRegion> regions;
      SmallVector<Value, 1> sizes;
      if (predecoded) {
        Value tokenBytes;
        regions = lb.tokenRegions(site.launch, site.problem, site.ops,
                                  tokenBytes);
        sizes.push_back(
            arith::AddIOp::create(b, loc, lb.index(tokensAt), tokenBytes));
      }
      auto alloc = gpu::AllocOp::create(
          b, loc,
          MemRefType::get({predecoded ? ShapedType::kDynamic : bytes},
                          b.getI8Type()),
          tokenType, ValueRange{token}, sizes, ValueRange{});
      token = alloc.getAsyncToken();
      Value base = lb.address(alloc.getMemref());
      LaunchPlace place{base,
                        arith::AddIOp::create(b, loc, base, lb.i64(128)),
                        hostMaps};
      if (predecoded) {
        place.tokens = arith::AddIOp::create(b, loc, base, lb.i64(tokensAt));
        place.tokenRegions = std::move(regions);
      }
      token = lb.enqueue(site.launch, site.problem, site.moduleParams(),
                         site.ops, place, token, encode);
      // Error flags back (run-time rows), the workspace freed, the stream
      // waited for.
      auto statusType = MemRefType::get({2}, b.getI32Type());
      Value statusHost;
      if (!list) {
        OpBuilder atEntry = OpBuilder::atBlockBegin(&fn.getBody().front());
        statusHost = memref::AllocaOp::create(atEntry, loc, statusType);
        token = gpu::MemcpyOp::create(b, loc, tokenType, ValueRange{token},
                                      statusHost,
                                      lb.memrefAtAddress(base, statusType))
                    .getAsyncToken();
      }
      token = gpu::DeallocOp::create(b, loc, tokenType, ValueRange{token},
                                     alloc.getMemref())
                  .getAsyncToken();
      gpu::WaitOp::create(b, loc, Type(), ValueRange{token});
      if (!list) {
        Value flags =
            memref::LoadOp::create(b, loc, statusHost, ValueRange{lb.index(1)});
        Value clean = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                            flags, lb.i32(0));
        cf::AssertOp::create(
            b, loc, clean,
            site.problem.rows == RowsKind::contiguous
                ? "ggemm: the run-time group sizes add up to more rows than "
                  "A has, or one is negative (the kernel clamped them; "
                  "docs/kernel-abi.md)"
            : site.problem.rows == RowsKind::gathered
                ? "ggemm: the run-time group rows or row indices were "
                  "clamped (offsets past the routed rows or out of order, "
                  "or indices outside the rows of A; docs/kernel-abi.md)"
                : "ggemm: the run-time group rows were clamped (offsets past "
                  "the rows of A or out of order, or counts outside [0, "
                  "max_m]; docs/kernel-abi.md)");
      }
      site.op.erase();
    }
  }

  /// With caller-stream: the stream and the workspace are new trailing
  /// arguments of `fn`; every launch only enqueues.
  LogicalResult lowerOnCallerStream(func::FuncOp fn,
                                    MutableArrayRef<Site> sites,
                                    ArrayRef<gpu::LaunchFuncOp> program,
                                    const LLVMTypeConverter &converter,
                                    LLVM::LLVMFuncOp encode) {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    std::string sizeName = (fn.getName() + "_workspace_bytes").str();
    if (!SymbolTable::symbolKnownUseEmpty(fn, module))
      return fn.emitOpError()
             << "is called in the module; with a caller's stream "
                "(caller-stream, host=stream) its launches take the stream "
                "and a workspace as two new arguments, which its callers "
                "do not pass. Call it from outside the module, or inline "
                "it into its callers first";
    if (Operation *clash = module.lookupSymbol(sizeName))
      return clash->emitOpError()
             << "is named @" << sizeName
             << ", the function ggemm-lower-launch makes to give the "
                "workspace size of @"
             << fn.getName() << "; rename it";
    // Layout: a status pair per launch, padded to 128 bytes, then each
    // launch's block.
    int64_t statusBytes = (8 * int64_t(sites.size()) + 127) / 128 * 128;
    SmallVector<int64_t> blockOffsets;
    int64_t total = statusBytes;
    for (const Site &site : sites) {
      blockOffsets.push_back(total);
      total += getLaunchBlock(site.launch).bytes();
    }

    Location loc = fn.getLoc();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto wsType = MemRefType::get({ShapedType::kDynamic}, IntegerType::get(ctx, 8));
    unsigned n = fn.getNumArguments();
    if (failed(fn.insertArgument(n, ptrType,
                                 DictionaryAttr::get(ctx), loc)) ||
        failed(fn.insertArgument(n + 1, wsType, DictionaryAttr::get(ctx),
                                 loc)))
      return fn.emitOpError("cannot take the stream and workspace arguments");
    Value stream = fn.getArgument(n), workspace = fn.getArgument(n + 1);
    Value hostMaps = hostMapBuffer(fn, sites);
    OpBuilder b(ctx);
    b.setInsertionPointAfter(hostMaps.getDefiningOp());
    LaunchBuilder entry(b, loc, converter);
    // The caller's CUstream as the token upstream's lowering makes of a
    // stream (gpu-to-llvm converts !gpu.async.token to the same !llvm.ptr).
    Value token = UnrealizedConversionCastOp::create(
                      b, loc, gpu::AsyncTokenType::get(ctx), stream)
                      .getResult(0);
    // The program's own launches go on the same stream, in program order.
    for (gpu::LaunchFuncOp launch : program)
      enqueueOnStream(launch, token);
    Value size = memref::DimOp::create(b, loc, workspace, 0);
    cf::AssertOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, size,
                              entry.index(total)),
        ("ggemm: the workspace of @" + fn.getName() + " is smaller than " +
         Twine(total) + " bytes (" + sizeName + "())")
            .str());
    Value base = entry.address(workspace);
    Value misaligned = arith::AndIOp::create(b, loc, base, entry.i64(63));
    cf::AssertOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, misaligned,
                              entry.i64(0)),
        ("ggemm: the workspace of @" + fn.getName() +
         " is not 64-byte aligned")
            .str());
    for (auto [i, site] : llvm::enumerate(sites)) {
      OpBuilder at(site.op);
      Location siteLoc = site.op.getLoc();
      LaunchBuilder lb(at, siteLoc, converter);
      LaunchPlace place{
          arith::AddIOp::create(at, siteLoc, base, lb.i64(8 * int64_t(i))),
          arith::AddIOp::create(at, siteLoc, base, lb.i64(blockOffsets[i])),
          hostMaps};
      lb.enqueue(site.launch, site.problem, site.moduleParams(), site.ops,
                 place, token, encode);
      site.op.erase();
    }
    // The function's device buffers, on the stream too (after the launches
    // are built: they hold the allocations' values).
    SmallVector<memref::AllocOp> allocs;
    for (memref::AllocOp alloc : streamAllocs)
      if (alloc->getParentOfType<func::FuncOp>() == fn)
        allocs.push_back(alloc);
    makeStreamOrdered(allocs, token);
    // <fn>_workspace_bytes() -> i64, beside the function.
    b.setInsertionPointAfter(fn);
    auto sizeFn = func::FuncOp::create(b, loc, sizeName,
                                       b.getFunctionType({}, {b.getI64Type()}));
    b.setInsertionPointToStart(sizeFn.addEntryBlock());
    func::ReturnOp::create(
        b, loc, ValueRange{arith::ConstantIntOp::create(b, loc,
                                                        b.getI64Type(), total)
                               .getResult()});
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Allocations of an earlier run of this pass object are gone.
    managedAllocs.clear();
    streamAllocs.clear();
    LLVMTypeConverter converter(&getContext());
    // The manifest's host is not lowered here: ggemm's runtime launches
    // from the manifest.
    WalkResult manifest = module.walk([&](func::FuncOp fn) {
      if (!fn->hasAttr(kLaunchAttrName))
        return WalkResult::advance();
      fn.emitOpError()
          << "carries a " << kLaunchAttrName
          << ": its kernel is launched by ggemm's runtime from the manifest "
             "(host=manifest). ggemm-lower-launch lowers the "
             "ggemm.launch_kernel ops that ggemm-outline-kernel{"
             "host-operands=true} leaves (host=launch or host=stream)";
      return WalkResult::interrupt();
    });
    if (manifest.wasInterrupted())
      return signalPassFailure();
    // Each function with ggemm launches: those, and its own launches
    // (read before ggemm's become gpu.launch_funcs too).
    struct Launches {
      func::FuncOp fn;
      SmallVector<Site, 1> sites;
      SmallVector<gpu::LaunchFuncOp> program;
    };
    SmallVector<Launches, 1> functions;
    WalkResult checked = module.walk([&](func::FuncOp fn) {
      Launches launches{fn, {}, {}};
      WalkResult result = fn.walk([&](LaunchKernelOp op) {
        Site site;
        if (failed(checkSite(op, site)))
          return WalkResult::interrupt();
        launches.sites.push_back(std::move(site));
        return WalkResult::advance();
      });
      if (result.wasInterrupted())
        return WalkResult::interrupt();
      if (launches.sites.empty())
        return WalkResult::advance();
      if (failed(readProgramLaunches(fn, launches.program)))
        return WalkResult::interrupt();
      functions.push_back(std::move(launches));
      return WalkResult::advance();
    });
    if (checked.wasInterrupted())
      return signalPassFailure();
    if (functions.empty())
      return;
    LLVM::LLVMFuncOp encode = getOrDeclareEncodeTensorMap(module);
    if (!encode)
      return signalPassFailure();
    for (Launches &launches : functions) {
      if (!callerStream) {
        lowerSelfContained(launches.fn, launches.sites, converter, encode);
        continue;
      }
      if (failed(lowerOnCallerStream(launches.fn, launches.sites,
                                     launches.program, converter, encode)))
        return signalPassFailure();
    }
    makeManaged(managedAllocs.getArrayRef());
  }
};

} // namespace
