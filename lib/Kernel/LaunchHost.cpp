//===- LaunchHost.cpp - host code of one in-place launch ------------------===//
//
// See LaunchHost.h. docs/aot-host.md describes what is emitted and why;
// docs/kernel-abi.md is the kernel ABI it follows.
//
//===----------------------------------------------------------------------===//

#include "LaunchHost.h"

#include "ggemm/IR/Builders.h"
#include "ggemm/Kernel/Passes.h"

#include "mlir/Conversion/LLVMCommon/MemRefBuilder.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using namespace mlir::ggemm;

Value LaunchBuilder::index(int64_t v) { return indexConstant(b, loc, v); }

Value LaunchBuilder::i32(int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
}

Value LaunchBuilder::i64(int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v);
}

Value LaunchBuilder::address(Value memref) {
  Value p = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
  return arith::IndexCastUIOp::create(b, loc, b.getI64Type(), p);
}

Value LaunchBuilder::memrefAtAddress(Value address, MemRefType type,
                                     ValueRange dynamicSizes) {
  auto ptr = LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()), address);
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

Value LaunchBuilder::param(Value address, Type type) {
  if (auto memref = dyn_cast_if_present<MemRefType>(type))
    return memref::MemorySpaceCastOp::create(
        b, loc, memref,
        memrefAtAddress(address, MemRefType::get(memref.getShape(),
                                                 memref.getElementType())));
  // A global pointer: 8 bytes, as the kernel's bare-pointer memref
  // parameter takes it, whatever convention the host's lowering uses for
  // memref operands of other kernels.
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext(), /*addressSpace=*/1),
      address);
}

Value LaunchBuilder::contiguousRows(const KernelProblem &problem,
                                    const HostOperands &ops) {
  if (problem.rows == RowsKind::masked)
    return index(int64_t(problem.groups.size()) * problem.groups[0].m);
  if (problem.isListForm())
    return Value();
  return memref::DimOp::create(b, loc, ops.a.front(), 0);
}

Value LaunchBuilder::statusRows(Value contiguousRows) {
  if (!contiguousRows)
    return i32(0);
  Value rows64 =
      arith::IndexCastUIOp::create(b, loc, b.getI64Type(), contiguousRows);
  Value fits = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, rows64,
                                     i64(INT32_MAX));
  cf::AssertOp::create(b, loc, fits,
                       "ggemm: the one A buffer has more than 2^31 - 1 rows");
  return arith::TruncIOp::create(b, loc, b.getI32Type(), rows64);
}

SmallVector<HostTokenRegion>
LaunchBuilder::tokenRegions(LaunchAttr launch, const KernelProblem &problem,
                            const HostOperands &ops, Value &bytes) {
  Type i64Type = b.getI64Type();
  bool list = problem.isListForm();
  Value one = contiguousRows(problem, ops);
  SmallVector<HostTokenRegion> regions;
  Value end = i64(0);
  for (TensorMapAttr map : launch.getTensorMaps()) {
    if (map.getOperand() != "tokens")
      continue;
    // A's rows: the group's (list) or the one A's; the map's rows are at
    // least one, the decode kernel's are not.
    Value rows = list ? memref::DimOp::create(b, loc, ops.a[map.getGroup()], 0)
                            .getResult()
                      : one;
    Value mapRows = arith::IndexCastUIOp::create(
        b, loc, i64Type, arith::MaxUIOp::create(b, loc, rows, index(1)));
    Value bytes = arith::MulIOp::create(b, loc, mapRows, i64(map.getDims()[0]));
    regions.push_back({end, rows});
    Value rounded = arith::AndIOp::create(
        b, loc, arith::AddIOp::create(b, loc, bytes, i64(255)), i64(~255LL));
    end = arith::AddIOp::create(b, loc, end, rounded);
  }
  bytes = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), end);
  return regions;
}

Value LaunchBuilder::enqueue(LaunchAttr launch, const KernelProblem &problem,
                             ArrayRef<Type> moduleParams,
                             const HostOperands &ops,
                             const LaunchPlace &place, Value token,
                             LLVM::LLVMFuncOp encode) {
  MLIRContext *ctx = b.getContext();
  Type i64Type = b.getI64Type();
  auto ptrType = LLVM::LLVMPointerType::get(ctx);
  auto tokenType = gpu::AsyncTokenType::get(ctx);
  bool list = problem.isListForm();
  int64_t sets = list ? problem.groups.size() : 1;
  LaunchBlock block = getLaunchBlock(launch);
  ArrayRef<TensorMapAttr> maps = launch.getTensorMaps();
  // The rows of the one A / SFA / C: status[0], and the rows of the maps
  // of run-time rows (at least 1: TMA cannot describe an empty tensor; a
  // group of no rows has a readable row, which the kernel never loads).
  Value contiguous = contiguousRows(problem, ops);
  // rows<gathered>: status[0] is the routed rows (C's); the A map's rows
  // (and token_rows) are A's.
  bool gathered = problem.rows == RowsKind::gathered;
  Value rows = statusRows(
      gathered ? memref::DimOp::create(b, loc, ops.c.front(), 0).getResult()
               : contiguous);
  Value runTimeMapRows;
  if (contiguous)
    runTimeMapRows = arith::IndexCastUIOp::create(
        b, loc, i64Type, arith::MaxUIOp::create(b, loc, contiguous, index(1)));
  auto pointer = [&](Value address) -> Value {
    return LLVM::IntToPtrOp::create(b, loc, ptrType, address);
  };
  auto offset = [&](Value base, int64_t bytes) -> Value {
    return bytes ? arith::AddIOp::create(b, loc, base, i64(bytes)).getResult()
                 : base;
  };

  // Predecoded tokens: each set's region of the token workspace, which
  // its "tokens" map reads and the decode kernel's table names.
  bool predecoded = problem.schedule.getPredecode();
  assert(predecoded == bool(place.tokens) &&
         "a token workspace exactly for predecoded tokens");
  ArrayRef<HostTokenRegion> regions = place.tokenRegions;
  auto regionAddress = [&](int64_t set) -> Value {
    return arith::AddIOp::create(b, loc, place.tokens, regions[set].offset);
  };

  // The words of the parameter block: each tensor map encoded on the host
  // (no device work), then the C and scale pointers, and the decode
  // kernel's table.
  SmallVector<Value> words;
  Value hostMapsAddress = address(place.hostMaps);
  for (auto [i, map] : llvm::enumerate(maps)) {
    ArrayRef<int64_t> dims = map.getDims(), box = map.getBox();
    int64_t set = list ? map.getGroup() : 0;
    StringRef operand = map.getOperand();
    // (Built where the encode call takes it, after the host map's
    // address.)
    auto buffer = [&]() -> Value {
      return operand == "tokens" ? regionAddress(set)
             : operand == "a"    ? address(ops.a[set])
             : operand == "b"    ? address(ops.b[set])
             : operand == "sfa"  ? address(ops.sfa[set])
                                 : address(ops.sfb[set]);
    };
    Value rowsOfMap =
        dims[1] < 0 ? runTimeMapRows : i64(std::max<int64_t>(dims[1], 1));
    Value status =
        LLVM::CallOp::create(
            b, loc, encode,
            ValueRange{pointer(offset(hostMapsAddress, 128 * int64_t(i))),
                       pointer(buffer()), i64(dims[0]), rowsOfMap,
                       i64(map.getStrides()[0]), i64(box[0]), i64(box[1]),
                       i32(map.getSwizzle() == "128B" ? 1 : 0)})
            .getResult();
    Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, status,
                                     i32(0));
    cf::AssertOp::create(
        b, loc, ok,
        ("ggemm: cuTensorMapEncodeTiled refused tensor map " + Twine(i) +
         " (" + operand + " of operand set " + Twine(set) +
         "; libGGemmMGPU printed why)")
            .str());
    for (int64_t w = 0; w < 16; ++w)
      words.push_back(memref::LoadOp::create(
          b, loc, place.hostMaps, ValueRange{index(16 * int64_t(i) + w)}));
  }
  for (int64_t s = 0; s < sets; ++s)
    words.push_back(address(ops.c[s]));
  for (int64_t s = 0; s < sets; ++s) {
    words.push_back(address(ops.sfa[s]));
    words.push_back(address(ops.sfb[s]));
  }
  // The table: per set its region, A, SFA, and rows | K << 32 (the rows
  // fit an int32: statusRows checks the one A's, a group's are static).
  for (auto [s, region] : llvm::enumerate(regions)) {
    Value rows64 = arith::IndexCastUIOp::create(b, loc, i64Type, region.rows);
    words.append({regionAddress(s), address(ops.a[s]), address(ops.sfa[s]),
                  arith::OrIOp::create(b, loc, rows64,
                                       i64(problem.groups[s].k << 32))});
  }

  // The setup kernel, once per chunk: status = {rows, 0} and the chunk's
  // words into the block. One thread; the kernel below follows on the
  // same stream, so it sees both.
  auto kernel = launch.getKernel();
  std::string setupName = setupKernelName(kernel.getLeafReference());
  auto setupSymbol =
      SymbolRefAttr::get(ctx, kernel.getRootReference(),
                         {FlatSymbolRefAttr::get(ctx, setupName)});
  int64_t chunk = block.chunkWords();
  // Parameter i of the kernel (null: a pointer) and of the setup kernel.
  auto kernelParam = [&](size_t i) {
    return moduleParams.empty() ? Type() : moduleParams[i];
  };
  auto global = IntegerAttr::get(IntegerType::get(ctx, 64), 1);
  auto setupParam = [&](ArrayRef<int64_t> shape, Type element) {
    return moduleParams.empty()
               ? Type()
               : MemRefType::get(shape, element, MemRefLayoutAttrInterface{},
                                 global);
  };
  Value statusParam =
      param(place.status, setupParam({2}, b.getI32Type()));
  Value one = index(1);
  gpu::KernelDim3 single{one, one, one};
  for (int64_t c = 0; c < block.chunks(); ++c) {
    Value dst = param(offset(place.block, 8 * chunk * c),
                      setupParam({chunk}, i64Type));
    SmallVector<Value> args = {dst, statusParam, rows};
    for (int64_t w = c * chunk; w < (c + 1) * chunk; ++w)
      args.push_back(w < int64_t(words.size()) ? words[w] : i64(0));
    token = gpu::LaunchFuncOp::create(b, loc, setupSymbol, single, single,
                                      /*dynamicSharedMemorySize=*/Value(),
                                      args, tokenType, ValueRange{token})
                .getAsyncToken();
  }

  // Predecoded tokens: the decode kernel, one CTA row per set, over the
  // table at the block's end, after the setup kernel and before the
  // kernel on the same stream.
  if (predecoded) {
    std::array<int64_t, 3> grid =
        tokensKernelGrid(block.tokenSets, problem.schedule.getGrid());
    auto tokensSymbol = SymbolRefAttr::get(
        ctx, kernel.getRootReference(),
        {FlatSymbolRefAttr::get(
            ctx, tokensKernelName(kernel.getLeafReference().getValue()))});
    Value table = param(offset(place.block, 8 * block.tokenTableWord()),
                        setupParam({sets, kTokenTableEntryWords}, i64Type));
    token = gpu::LaunchFuncOp::create(
                b, loc, tokensSymbol,
                gpu::KernelDim3{index(grid[0]), index(grid[1]), index(grid[2])},
                gpu::KernelDim3{index(kTokensKernelThreads), one, one},
                /*dynamicSharedMemorySize=*/Value(), ValueRange{table},
                tokenType, ValueRange{token})
                .getAsyncToken();
  }

  // The kernel, on the block: maps at its start, then the pointer arrays;
  // group_sizes and alpha: the function's buffers, else null.
  auto bufferOrNull = [&](Value buffer, size_t i) {
    return param(buffer ? address(buffer) : i64(0), kernelParam(i));
  };
  SmallVector<Value> args = {
      param(place.block, kernelParam(0)),
      param(offset(place.block, 8 * block.cPointersWord()), kernelParam(1)),
      param(offset(place.block, 8 * block.scalePointersWord()),
            kernelParam(2)),
      bufferOrNull(ops.groupSizes, 3),
      bufferOrNull(ops.alpha, 4),
      param(place.status, kernelParam(5))};
  if (gathered)
    args.append({param(address(ops.rowIndices),
                       kernelParam(rowIndicesParam(problem))),
                 statusRows(contiguous), address(ops.a.front())});
  ArrayRef<int64_t> grid = launch.getGrid();
  KernelPlanAttr plan = launch.getPlan();
  auto launchOp = gpu::LaunchFuncOp::create(
      b, loc, kernel,
      gpu::KernelDim3{index(grid[0]), index(grid[1]), index(grid[2])},
      gpu::KernelDim3{index(plan.getThreads()), one, one},
      i32(plan.getSharedMemory()), args, tokenType, ValueRange{token});
  return launchOp.getAsyncToken();
}

LLVM::LLVMFuncOp mlir::ggemm::getOrDeclareEncodeTensorMap(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  Builder b(ctx);
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  Type i64 = b.getI64Type(), i32 = b.getI32Type();
  auto type = LLVM::LLVMFunctionType::get(
      i32, {ptr, ptr, i64, i64, i64, i64, i64, i32});
  Operation *existing = module.lookupSymbol(kEncodeTensorMapFn);
  if (auto fn = dyn_cast_or_null<LLVM::LLVMFuncOp>(existing);
      fn && fn.getFunctionType() == type && fn.isExternal())
    return fn;
  if (existing) {
    existing->emitOpError()
        << "is named @" << kEncodeTensorMapFn
        << ", the function of libGGemmMGPU that ggemm-lower-launch calls to "
           "encode tensor maps (an external llvm.func of type "
        << type << "); rename it";
    return nullptr;
  }
  // An llvm.func, so that no func-level pass (llvm-request-c-wrappers)
  // changes how it is called.
  OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
  return LLVM::LLVMFuncOp::create(builder, module.getLoc(), kEncodeTensorMapFn,
                                  type);
}

LogicalResult mlir::ggemm::checkManagedAlloc(memref::AllocOp alloc,
                                             InFlightDiagnostic &diag) {
  for (Operation *user : alloc->getUsers()) {
    if (isa<memref::DeallocOp, LaunchKernelOp, gpu::LaunchFuncOp,
            func::CallOp, func::ReturnOp>(user) ||
        user->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      continue;
    auto effects = dyn_cast<MemoryEffectOpInterface>(user);
    if (!effects ||
        effects.getEffectOnValue<MemoryEffects::Free>(alloc.getResult()))
      return diag << "It would become managed memory (gpu.alloc "
                     "host_shared), but "
                  << user->getName()
                  << (effects ? " frees it" : " may free it")
                  << "; free it with memref.dealloc";
  }
  return success();
}

void mlir::ggemm::makeManaged(ArrayRef<memref::AllocOp> allocs) {
  for (memref::AllocOp alloc : allocs) {
    OpBuilder b(alloc);
    auto managed = gpu::AllocOp::create(
        b, alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(),
        ValueRange{}, alloc.getDynamicSizes(), alloc.getSymbolOperands(),
        /*hostShared=*/true);
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      if (auto dealloc = dyn_cast<memref::DeallocOp>(user)) {
        // Upstream's gpu-to-llvm lowers only the asynchronous gpu.dealloc:
        // free on a stream of its own and wait for it (the launches before
        // it in the function have waited for their kernels).
        OpBuilder at(dealloc);
        Location loc = dealloc.getLoc();
        auto tokenType = gpu::AsyncTokenType::get(at.getContext());
        Value stream = gpu::WaitOp::create(at, loc, tokenType, ValueRange{})
                           .getAsyncToken();
        Value freed = gpu::DeallocOp::create(at, loc, tokenType,
                                             ValueRange{stream},
                                             dealloc.getMemref())
                          .getAsyncToken();
        gpu::WaitOp::create(at, loc, Type(), ValueRange{freed});
        dealloc.erase();
      }
    alloc.replaceAllUsesWith(managed.getMemref());
    alloc.erase();
  }
}
