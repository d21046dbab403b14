//===- LowerLaunch.cpp - the ggemm-lower-launch pass ----------------------===//
//
// #ggemm.launch -> host code in upstream ops (gpu, nvgpu, memref, arith, cf)
// that builds the kernel's parameters and launches it, so that upstream
// gpu-to-llvm lowers the host side like any other GPU program. The pass
// description in include/ggemm/Kernel/Passes.td and docs/aot-host.md say
// what is built; docs/kernel-abi.md is the ABI it follows.
//
//===----------------------------------------------------------------------===//

#include "ggemm/IR/Builders.h"
#include "ggemm/Kernel/Passes.h"
#include "ggemm/Target/Launch.h"

#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"

#define DEBUG_TYPE "ggemm-lower-launch"

namespace mlir::ggemm {
#define GEN_PASS_DEF_GGEMMLOWERLAUNCH
#include "ggemm/Kernel/Passes.h.inc"
} // namespace mlir::ggemm

using namespace mlir;
using namespace mlir::ggemm;

namespace {

/// The values that hold each operand of the kernel (the operands of the
/// ggemm.launch_kernel), checked against the launch's problem.
struct HostOperands {
  SmallVector<Value> a, sfa, b, sfb, c;
  Value groupSizes, alpha;
};

/// Builds the host side of one launch, at the builder's insertion point.
class LaunchBuilder {
public:
  LaunchBuilder(OpBuilder &b, Location loc, const LLVMTypeConverter &converter)
      : b(b), loc(loc), converter(converter) {}

  Value index(int64_t v) { return indexConstant(b, loc, v); }
  Value i32(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
  }
  Value i64(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v);
  }

  /// The device address of `memref`'s first element as i64 (identity
  /// layouts only, so the aligned pointer is the first element).
  Value address(Value memref) {
    Value p = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
    return arith::IndexCastUIOp::create(b, loc, b.getI64Type(), p);
  }

  /// A memref of `type` (identity layout, default memory space) over the
  /// memory at `ptr` (an !llvm.ptr). Upstream has no op that makes a memref
  /// from an address, so this builds the LLVM-dialect memref descriptor
  /// with upstream's MemRefDescriptor and casts it to the memref type; the
  /// cast folds away when the host is lowered to LLVM.
  Value memrefAt(Value ptr, MemRefType type, ValueRange dynamicSizes) {
    auto structType = cast<LLVM::LLVMStructType>(converter.convertType(type));
    MemRefDescriptor desc = MemRefDescriptor::poison(b, loc, structType);
    desc.setAllocatedPtr(b, loc, ptr);
    desc.setAlignedPtr(b, loc, ptr);
    desc.setConstantOffset(b, loc, 0);
    // Sizes as given, strides of a dense row-major array.
    SmallVector<Value> sizes;
    unsigned dyn = 0;
    for (int64_t size : type.getShape())
      sizes.push_back(ShapedType::isDynamic(size)
                          ? arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                                       dynamicSizes[dyn++])
                                .getResult()
                          : i64(size));
    Value stride = i64(1);
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      desc.setSize(b, loc, d, sizes[d]);
      desc.setStride(b, loc, d, stride);
      if (d > 0)
        stride = arith::MulIOp::create(b, loc, stride, sizes[d]);
    }
    return UnrealizedConversionCastOp::create(b, loc, type, Value(desc))
        .getResult(0);
  }

  /// memrefAt for an address held as i64.
  Value memrefAtAddress(Value address, MemRefType type,
                        ValueRange dynamicSizes = {}) {
    auto ptrType = LLVM::LLVMPointerType::get(b.getContext());
    Value ptr = LLVM::IntToPtrOp::create(b, loc, ptrType, address);
    return memrefAt(ptr, type, dynamicSizes);
  }

  /// `value` (default memory space) as the kernel parameter type `param`
  /// (the same shape in the global memory space).
  Value asParam(Value value, Type param) {
    return memref::MemorySpaceCastOp::create(b, loc, param, value);
  }

  OpBuilder &b;
  Location loc;
  const LLVMTypeConverter &converter;
};

struct GGemmLowerLaunch final
    : public ggemm::impl::GGemmLowerLaunchBase<GGemmLowerLaunch> {
  using GGemmLowerLaunchBase::GGemmLowerLaunchBase;

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
        // host's own heap or stack is not one it can read or write.
        if (Operation *def = v.getDefiningOp();
            isa_and_nonnull<memref::AllocOp, memref::AllocaOp>(def))
          return site.emitOpError()
                 << "'" << name << "' of set " << values.size() << " is a "
                 << def->getName()
                 << ": host memory, which the kernel cannot address. "
                    "Allocate it on the device (gpu.alloc) or pass a device "
                    "buffer in as an argument";
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
    SmallVector<Value> sizes, alpha;
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
        failed(read("alpha", optional(site.getAlpha()),
                    problem.getAlpha() ? 1 : 0, f32, alpha)))
      return failure();
    if (!sizes.empty())
      out.groupSizes = sizes.front();
    if (!alpha.empty())
      out.alpha = alpha.front();
    return success();
  }

  /// Grid, block and cluster of three positive sizes each, and a dynamic
  /// shared memory size a launch can take.
  LogicalResult checkShape(func::FuncOp fn, LaunchAttr launch) {
    auto check = [&](StringRef name, ArrayRef<int64_t> dims) -> LogicalResult {
      if (dims.size() == 3 && llvm::all_of(dims, [](int64_t d) {
            return d >= 1 && d <= INT32_MAX;
          }))
        return success();
      return fn.emitOpError() << "has " << name << " = [" << dims
                              << "] in its ggemm.launch; expected three "
                                 "sizes from 1 to 2^31 - 1";
    };
    KernelPlanAttr plan = launch.getPlan();
    if (failed(check("grid", launch.getGrid())) ||
        failed(check("block", {plan.getThreads(), 1, 1})) ||
        failed(check("cluster", launch.getCluster())))
      return failure();
    if (launch.getCluster() != ArrayRef<int64_t>{1, 1, 1})
      return fn.emitOpError()
             << "has a cluster launch (cluster = [" << launch.getCluster()
             << "]); ggemm-lower-launch launches without clusters";
    int64_t smem = plan.getSharedMemory();
    if (smem < 0 || smem > INT32_MAX)
      return fn.emitOpError() << "has shared_memory = " << smem
                              << " in its ggemm.launch; expected 0 to "
                                 "2^31 - 1 bytes";
    return success();
  }

  /// Tensor map `i`: a dense rank-2 byte map of A, B, SFA or SFB of an
  /// operand set the problem has, whose rows are known (or, for A and SFA
  /// of a contiguous problem, -1: the rows of A at run time), with a box
  /// TMA takes and a swizzle the kernels use.
  LogicalResult checkMap(func::FuncOp fn, size_t i, TensorMapAttr map,
                         bool list, int64_t sets) {
    ArrayRef<int64_t> dims = map.getDims(), box = map.getBox();
    if (dims.size() != 2 || box.size() != 2 || map.getStrides().size() != 1 ||
        dims[0] <= 0 || map.getStrides()[0] != dims[0])
      return fn.emitOpError()
             << "tensor map " << i
             << " is not a dense rank-2 byte map (dims = [" << dims
             << "], strides = [" << map.getStrides() << "])";
    int64_t set = list ? map.getGroup() : 0;
    if (map.getGroup() < 0 || set >= sets)
      return fn.emitOpError()
             << "tensor map " << i << " is of group " << map.getGroup()
             << "; the problem has " << sets << " operand set(s)";
    StringRef operand = map.getOperand();
    if (operand != "a" && operand != "b" && operand != "sfa" &&
        operand != "sfb")
      return fn.emitOpError() << "tensor map " << i << " is of operand '"
                              << operand << "'; expected a, b, sfa or sfb";
    bool runTimeRows = !list && (operand == "a" || operand == "sfa");
    if (dims[1] < 0 && !(dims[1] == -1 && runTimeRows))
      return fn.emitOpError()
             << "tensor map " << i << " has " << dims[1]
             << " rows; only A and SFA of rows<contiguous> have rows known "
                "at run time (-1)";
    if (box[0] < 1 || box[0] > 256 || box[1] < 1 || box[1] > 256)
      return fn.emitOpError() << "tensor map " << i << " has box = [" << box
                              << "]; TMA boxes are 1 to 256 elements a side";
    if (map.getSwizzle() != "128B" && map.getSwizzle() != "none")
      return fn.emitOpError() << "tensor map " << i << " has swizzle '"
                              << map.getSwizzle() << "'; expected 128B or none";
    return success();
  }

  LogicalResult lower(func::FuncOp fn, LaunchAttr launch,
                      const LLVMTypeConverter &converter) {
    ModuleOp module = getOperation();
    SymbolRefAttr kernel = launch.getKernel();
    Operation *container =
        SymbolTable::lookupSymbolIn(module, kernel.getRootReference());
    if (!isa_and_nonnull<gpu::GPUModuleOp, gpu::BinaryOp>(container))
      return fn.emitOpError() << "launches " << kernel
                              << ", but the module has no gpu.module or "
                                 "gpu.binary named @"
                              << kernel.getRootReference().getValue();
    if (failed(verifyLaunchPlan(fn, launch)) || failed(checkShape(fn, launch)))
      return failure();
    if (fn.isExternal())
      return fn.emitOpError() << "carries a ggemm.launch but has no body to "
                                 "launch from";
    // Where, and on what, the kernel is launched: the ggemm.launch_kernel
    // ggemm-outline-kernel left in place of the ggemm op.
    SmallVector<LaunchKernelOp> sites;
    fn.walk([&](LaunchKernelOp site) { sites.push_back(site); });
    if (sites.size() != 1)
      return fn.emitOpError()
             << "has a ggemm.launch and " << sites.size()
             << " ggemm.launch_kernel ops; it needs one, where the ggemm op "
                "stood (ggemm-outline-kernel{host-operands=true} leaves it)";
    LaunchKernelOp site = sites.front();
    if (site.getKernel() != kernel)
      return site.emitOpError() << "launches " << site.getKernel()
                                << "; its function's ggemm.launch is of "
                                << kernel;

    KernelProblemAttr problemAttr = launch.getProblem();
    HostOperands ops;
    if (failed(readOperands(site, problemAttr, ops)))
      return failure();
    KernelProblem problem = KernelProblem::fromAttr(problemAttr);
    if (int64_t split = problem.schedule.getSplitK(); split > 1)
      return fn.emitOpError()
             << "launches a split-K kernel (split_k = " << split
             << "): its CTAs meet at a grid barrier, so it needs a "
                "cooperative launch, which gpu.launch_func cannot ask for; "
                "use the manifest and ggemm's runtime (host=manifest)";
    bool list = problem.isListForm();
    int64_t groups = problem.groups.size(), sets = list ? groups : 1;
    ArrayRef<TensorMapAttr> maps = launch.getTensorMaps();
    int64_t numMaps = maps.size();
    if (numMaps != 2 * sets && numMaps != 4 * sets)
      return fn.emitOpError()
             << "has " << numMaps << " tensor maps for " << sets
             << " operand set(s); expected 2 or 4 "
                "per set";
    problem.scaleMaps = numMaps == 4 * sets;
    SmallVector<Type> params = getKernelParamTypes(&getContext(), problem);
    for (auto [i, map] : llvm::enumerate(maps))
      if (failed(checkMap(fn, i, map, list, sets)))
        return failure();
    // A kernel still in a gpu.module must take what the launch passes (a
    // gpu.binary's signature is not visible).
    if (auto gpuModule = dyn_cast<gpu::GPUModuleOp>(container)) {
      auto kernelFn =
          gpuModule.lookupSymbol<gpu::GPUFuncOp>(kernel.getLeafReference());
      if (!kernelFn)
        return fn.emitOpError()
               << "launches " << kernel << ", but gpu.module @"
               << kernel.getRootReference().getValue() << " has no gpu.func @"
               << kernel.getLeafReference().getValue();
      if (kernelFn.getArgumentTypes() != ArrayRef<Type>(params))
        return fn.emitOpError()
               << "launches " << kernel << ", which takes ("
               << kernelFn.getArgumentTypes() << "); the launch's problem "
               << "gives (" << params << ")";
    }

    OpBuilder b(site);
    Location loc = site.getLoc();
    LaunchBuilder lb(b, loc, converter);
    MLIRContext *ctx = &getContext();
    Type i8 = b.getI8Type(),
         ui8 = IntegerType::get(ctx, 8, IntegerType::Unsigned),
         i32 = b.getI32Type(), i64 = b.getI64Type();
    auto tokenType = gpu::AsyncTokenType::get(ctx);
    Value token =
        gpu::WaitOp::create(b, loc, tokenType, ValueRange{}).getAsyncToken();
    // A device array of `type`, allocated on the stream.
    auto alloc = [&](MemRefType type) {
      auto op = gpu::AllocOp::create(b, loc, type, tokenType, ValueRange{token},
                                     ValueRange{}, ValueRange{});
      token = op.getAsyncToken();
      return op.getMemref();
    };
    auto memcpy = [&](Value dst, Value src) {
      token =
          gpu::MemcpyOp::create(b, loc, tokenType, ValueRange{token}, dst, src)
              .getAsyncToken();
    };
    auto dealloc = [&](Value memref) {
      token =
          gpu::DeallocOp::create(b, loc, tokenType, ValueRange{token}, memref)
              .getAsyncToken();
    };
    // A host array of i64 or i32 values, copied into a new device array.
    SmallVector<Value> deviceArrays;
    auto upload = [&](Type element, ArrayRef<Value> values) {
      auto type = MemRefType::get({int64_t(values.size())}, element);
      Value host = memref::AllocaOp::create(b, loc, type);
      for (auto [i, v] : llvm::enumerate(values))
        memref::StoreOp::create(b, loc, v, host, ValueRange{lb.index(i)});
      Value device = alloc(type);
      memcpy(device, host);
      deviceArrays.push_back(device);
      return std::make_pair(host, device);
    };

    // Rows of the one A / SFA / C (the tensor map's run-time rows, and
    // status[0]): A's rows (contiguous, offsets), G x max_m (masked).
    RowsKind rowsKind = problem.rows;
    Value contiguousRows;
    if (rowsKind == RowsKind::masked)
      contiguousRows = lb.index(groups * problem.groups[0].m);
    else if (!list)
      contiguousRows = memref::DimOp::create(b, loc, ops.a.front(), 0);

    // Tensor maps: one nvgpu.tma.create.descriptor each over a byte view of
    // its operand, copied into row i of the array.
    auto mapArrayType =
        MemRefType::get({std::max<int64_t>(numMaps, 1), 128}, i8);
    Value mapArray = alloc(mapArrayType);
    deviceArrays.push_back(mapArray);
    Value mapArrayAddress = lb.address(mapArray);
    for (auto [i, map] : llvm::enumerate(maps)) {
      ArrayRef<int64_t> dims = map.getDims(), box = map.getBox();
      int64_t set = list ? map.getGroup() : 0;
      StringRef operand = map.getOperand();
      Value buffer = operand == "a"     ? ops.a[set]
                     : operand == "b"   ? ops.b[set]
                     : operand == "sfa" ? ops.sfa[set]
                                        : ops.sfb[set];
      // Rows: the operand's (the run-time rows of A in contiguous form);
      // TMA cannot describe an empty tensor, so a group of no rows gets one
      // (its buffer holds a readable row, which the kernel never loads).
      SmallVector<Value> dynamicRows;
      int64_t rows = dims[1];
      if (rows < 0) {
        Value one = lb.index(1);
        dynamicRows.push_back(
            arith::MaxUIOp::create(b, loc, contiguousRows, one));
        rows = ShapedType::kDynamic;
      } else {
        rows = std::max<int64_t>(rows, 1);
      }
      auto viewType = MemRefType::get({rows, dims[0]}, ui8);
      Value view =
          lb.memrefAtAddress(lb.address(buffer), viewType, dynamicRows);
      Value unranked = memref::CastOp::create(
          b, loc, UnrankedMemRefType::get(ui8, Attribute()), view);
      auto swizzle = map.getSwizzle() == "128B"
                         ? nvgpu::TensorMapSwizzleKind::SWIZZLE_128B
                         : nvgpu::TensorMapSwizzleKind::SWIZZLE_NONE;
      auto descType = nvgpu::TensorMapDescriptorType::get(
          ctx,
          MemRefType::get(
              {box[1], box[0]}, ui8, MemRefLayoutAttrInterface{},
              gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup)),
          swizzle, nvgpu::TensorMapL2PromoKind::L2PROMO_128B,
          nvgpu::TensorMapOOBKind::OOB_ZERO,
          nvgpu::TensorMapInterleaveKind::INTERLEAVE_NONE);
      Value desc = nvgpu::TmaCreateDescriptorOp::create(
          b, loc, descType, unranked,
          ValueRange{lb.index(box[1]), lb.index(box[0])});
      // The descriptor is the device address of a 128-byte CUtensorMap.
      Value descPtr = UnrealizedConversionCastOp::create(
                          b, loc, LLVM::LLVMPointerType::get(ctx), desc)
                          .getResult(0);
      Value encoded =
          lb.memrefAt(descPtr, MemRefType::get({128}, i8), ValueRange{});
      // Row i of the array, as a memref of its own: upstream's gpu.memcpy
      // lowering copies from and to a memref's aligned pointer, without its
      // offset, so a memref.subview of the array would copy to row 0.
      Value rowAddress = arith::AddIOp::create(b, loc, mapArrayAddress,
                                               lb.i64(int64_t(i) * 128));
      Value row = lb.memrefAtAddress(rowAddress, MemRefType::get({128}, i8));
      memcpy(row, encoded);
      dealloc(encoded);
    }

    // c_pointers {c_g...} and scale_pointers {sfa_g, sfb_g, ...}.
    SmallVector<Value> cPointers, scalePointers;
    for (int64_t s = 0; s < sets; ++s) {
      cPointers.push_back(lb.address(ops.c[s]));
      scalePointers.push_back(lb.address(ops.sfa[s]));
      scalePointers.push_back(lb.address(ops.sfb[s]));
    }
    Value cArray = upload(i64, cPointers).second;
    Value scaleArray = upload(i64, scalePointers).second;

    // group_sizes and alpha: the function's buffers, else null.
    auto bufferOrNull = [&](Value buffer, Type param) {
      if (buffer)
        return lb.asParam(buffer, param);
      auto type = cast<MemRefType>(param);
      auto generic = MemRefType::get(type.getShape(), type.getElementType());
      return lb.asParam(lb.memrefAtAddress(lb.i64(0), generic), param);
    };
    Value groupSizes = bufferOrNull(ops.groupSizes, params[3]);
    Value alpha = bufferOrNull(ops.alpha, params[4]);

    // status {rows of A, error flags = 0}.
    Value rows32 = lb.i32(0);
    if (!list) {
      Value rows64 = arith::IndexCastUIOp::create(b, loc, i64, contiguousRows);
      Value fits = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                                         rows64, lb.i64(INT32_MAX));
      cf::AssertOp::create(b, loc, fits,
                           "ggemm: the one A buffer has more than 2^31 - 1 "
                           "rows");
      rows32 = arith::TruncIOp::create(b, loc, i32, rows64);
    }
    auto [statusHost, status] = upload(i32, {rows32, lb.i32(0)});

    // The launch.
    ArrayRef<int64_t> grid = launch.getGrid();
    int64_t block[] = {launch.getPlan().getThreads(), 1, 1};
    Value smem = lb.i32(launch.getPlan().getSharedMemory());
    SmallVector<Value> args = {lb.asParam(mapArray, params[0]),
                               lb.asParam(cArray, params[1]),
                               lb.asParam(scaleArray, params[2]),
                               groupSizes,
                               alpha,
                               lb.asParam(status, params[5])};
    auto kernelSymbol = SymbolRefAttr::get(
        ctx, kernel.getRootReference(),
        {FlatSymbolRefAttr::get(ctx, kernel.getLeafReference())});
    auto launchOp = gpu::LaunchFuncOp::create(
        b, loc, kernelSymbol,
        gpu::KernelDim3{lb.index(grid[0]), lb.index(grid[1]),
                        lb.index(grid[2])},
        gpu::KernelDim3{lb.index(block[0]), lb.index(block[1]),
                        lb.index(block[2])},
        smem, args, tokenType, ValueRange{token});
    token = launchOp.getAsyncToken();

    // Error flags back (contiguous rows: run-time group sizes), the arrays
    // freed, and the stream waited for.
    if (!list)
      memcpy(statusHost, status);
    for (Value array : deviceArrays)
      dealloc(array);
    gpu::WaitOp::create(b, loc, Type(), ValueRange{token});
    if (!list) {
      Value flags =
          memref::LoadOp::create(b, loc, statusHost, ValueRange{lb.index(1)});
      Value clean = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          flags, lb.i32(0));
      cf::AssertOp::create(
          b, loc, clean,
          rowsKind == RowsKind::contiguous
              ? "ggemm: the run-time group sizes add up to more rows than A "
                "has (the kernel clamped them; docs/kernel-abi.md)"
              : "ggemm: the run-time group rows were clamped (offsets past "
                "the rows of A or out of order, or counts outside [0, "
                "max_m]; docs/kernel-abi.md)");
    }
    site.erase();
    fn->removeAttr(kLaunchAttrName);
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    LLVMTypeConverter converter(&getContext());
    SmallVector<std::pair<func::FuncOp, LaunchAttr>> launches;
    module.walk([&](func::FuncOp fn) {
      if (auto launch = fn->getAttrOfType<LaunchAttr>(kLaunchAttrName))
        launches.emplace_back(fn, launch);
    });
    for (auto [fn, launch] : launches)
      if (failed(lower(fn, launch, converter)))
        return signalPassFailure();
  }
};

} // namespace
