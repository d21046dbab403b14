//===- ProgramLaunches.cpp - the buffers and launches around ggemm's ------===//
//
// See LaunchHost.h. A whole program's buffers that kernels use (ggemm's or
// its own upstream-outlined ones) and its own launches, made fit for where
// ggemm-lower-launch puts ggemm's launches: managed memory and synchronous
// launches (host=launch), or stream-ordered device memory and launches on
// the caller's stream (host=stream). docs/aot-host.md.
//
//===----------------------------------------------------------------------===//

#include "LaunchHost.h"

#include "GGemm/GGemmOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;
using namespace mlir::ggemm;

Operation *mlir::ggemm::rootAllocation(Value buffer) {
  Value root = buffer;
  while (Operation *def = root.getDefiningOp()) {
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      break;
    root = view.getViewSource();
  }
  Operation *def = root.getDefiningOp();
  return isa_and_nonnull<memref::AllocOp, memref::AllocaOp>(def) ? def
                                                                  : nullptr;
}

LogicalResult mlir::ggemm::checkDeviceOnlyAlloc(memref::AllocOp alloc,
                                                InFlightDiagnostic &diag) {
  SmallVector<Value> buffers = {alloc.getResult()};
  while (!buffers.empty()) {
    Value buffer = buffers.pop_back_val();
    for (Operation *user : buffer.getUsers()) {
      // A returned buffer passes to the caller, which frees it after the
      // work on its stream (cuMemFreeAsync).
      if (isa<memref::DeallocOp, LaunchKernelOp, gpu::LaunchFuncOp,
              func::ReturnOp>(user))
        continue;
      if (auto view = dyn_cast<ViewLikeOpInterface>(user);
          view && view.getViewSource() == buffer) {
        llvm::append_range(buffers, user->getResults());
        continue;
      }
      // Metadata only (memref.dim, the aligned pointer): the memory is not
      // touched; a memref it makes is followed like a view.
      if (isMemoryEffectFree(user)) {
        for (Value result : user->getResults())
          if (isa<BaseMemRefType>(result.getType()))
            buffers.push_back(result);
        continue;
      }
      InFlightDiagnostic &d =
          diag << "With host=stream it would be stream-ordered device memory "
                  "(gpu.alloc async on the caller's stream), but "
               << user->getName() << " uses it on the host";
      d.attachNote(user->getLoc()) << "here";
      return failure();
    }
  }
  return success();
}

void mlir::ggemm::makeStreamOrdered(ArrayRef<memref::AllocOp> allocs,
                                    Value stream) {
  auto tokenType = gpu::AsyncTokenType::get(stream.getContext());
  for (memref::AllocOp alloc : allocs) {
    OpBuilder b(alloc);
    auto device = gpu::AllocOp::create(
        b, alloc.getLoc(), alloc.getType(), tokenType, ValueRange{stream},
        alloc.getDynamicSizes(), alloc.getSymbolOperands(),
        /*hostShared=*/false);
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      if (auto dealloc = dyn_cast<memref::DeallocOp>(user)) {
        // Freed after the work enqueued before it: no wait.
        OpBuilder at(dealloc);
        gpu::DeallocOp::create(at, dealloc.getLoc(), tokenType,
                               ValueRange{stream}, dealloc.getMemref());
        dealloc.erase();
      }
    alloc.replaceAllUsesWith(device.getMemref());
    alloc.erase();
  }
}

void mlir::ggemm::enqueueOnStream(gpu::LaunchFuncOp launch, Value stream) {
  OpBuilder b(launch);
  Location loc = launch.getLoc();
  std::optional<gpu::KernelDim3> cluster;
  if (launch.hasClusterSize())
    cluster = launch.getClusterSizeOperandValues();
  // Upstream's mapping of a parallel loop with no iterations (no tokens)
  // gives a grid with a zero side, which the driver refuses (and which
  // would end a stream capture): such a launch is skipped.
  gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value nonEmpty;
  for (Value side : {grid.x, grid.y, grid.z}) {
    Value positive = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt,
                                           side, zero);
    nonEmpty = nonEmpty ? arith::AndIOp::create(b, loc, nonEmpty, positive)
                              .getResult()
                        : positive;
  }
  scf::IfOp::create(b, loc, nonEmpty, [&](OpBuilder &then, Location at) {
    gpu::LaunchFuncOp::create(
        then, at, launch.getKernelAttr(), grid,
        launch.getBlockSizeOperandValues(),
        launch.getDynamicSharedMemorySize(), launch.getKernelOperands(),
        gpu::AsyncTokenType::get(then.getContext()), ValueRange{stream},
        cluster);
    scf::YieldOp::create(then, at);
  });
  launch.erase();
}
