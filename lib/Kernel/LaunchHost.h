//===- LaunchHost.h - host code of one in-place launch ----------*- C++ -*-===//
//
// The host code ggemm-lower-launch emits for one ggemm.launch_kernel, in
// upstream ops: the tensor maps encoded on the host, the setup kernel that
// writes the launch's parameter block into the workspace, and the launch
// of the kernel itself, all enqueued on one stream (docs/aot-host.md).
//
//===----------------------------------------------------------------------===//

#ifndef GGEMM_LIB_KERNEL_LAUNCHHOST_H
#define GGEMM_LIB_KERNEL_LAUNCHHOST_H

#include "ggemm/Target/Launch.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::ggemm {

/// The name of the host function (libGGemmMGPU) that encodes one tensor
/// map into 128 bytes of host memory with cuTensorMapEncodeTiled.
inline constexpr llvm::StringLiteral kEncodeTensorMapFn =
    "ggemmTensorMapEncode";

/// The values that hold each operand of the kernel (the operands of the
/// ggemm.launch_kernel), checked against the launch's problem.
struct HostOperands {
  SmallVector<Value> a, sfa, b, sfb, c;
  Value groupSizes, rowIndices, alpha;
};

/// One operand set's region of the token workspace of a kernel with
/// predecoded tokens: its byte offset (i64) and its rows of A (index: the
/// decode kernel's rows).
struct HostTokenRegion {
  Value offset, rows;
};

/// Where one launch's words go: i64 device addresses of its status word
/// pair and of its parameter block (LaunchBlock) in the workspace, and the
/// host buffer its tensor maps are encoded into (an i64 memref of at least
/// 16 words a map, 64-byte aligned). A kernel with predecoded tokens also
/// takes `tokens`, the i64 device address of its token workspace
/// (256-byte aligned), and the sets' regions in it
/// (LaunchBuilder::tokenRegions); null and empty otherwise.
struct LaunchPlace {
  Value status, block, hostMaps;
  Value tokens = {};
  SmallVector<HostTokenRegion> tokenRegions = {};
};

/// Builds host code at a builder's insertion point.
class LaunchBuilder {
public:
  LaunchBuilder(OpBuilder &b, Location loc, const LLVMTypeConverter &converter)
      : b(b), loc(loc), converter(converter) {}

  Value index(int64_t v);
  Value i32(int64_t v);
  Value i64(int64_t v);

  /// The device address of `memref`'s first element as i64 (identity
  /// layouts only, so the aligned pointer is the first element).
  Value address(Value memref);

  /// A memref of `type` (identity layout, default memory space) over the
  /// memory at the i64 `address`. Upstream has no op that makes a memref
  /// from an address: this builds the LLVM-dialect memref descriptor with
  /// upstream's MemRefDescriptor and casts it to the memref type; the cast
  /// folds away when the host is lowered to LLVM.
  Value memrefAtAddress(Value address, MemRefType type,
                        ValueRange dynamicSizes = {});

  /// A device address (i64) as a kernel's pointer parameter. With a null
  /// `type` (the kernel is a gpu.binary): an `!llvm.ptr<1>` operand of
  /// gpu.launch_func, which upstream's host lowering passes as its 8 bytes
  /// under either memref convention (docs/aot-host.md). With the memref
  /// parameter type of a kernel still in its gpu.module (whose gpu.func
  /// the launch must match): a memref of that type over the address.
  Value param(Value address, Type type = Type());

  /// The regions of the token workspace of a kernel with predecoded
  /// tokens (docs/kernel-abi.md, "Decoded tokens"), in set order, as
  /// rt::tokenRegions computes them: each operand set's max(rows, 1) rows
  /// of its "tokens" map's row bytes, at 256-byte boundaries; `bytes`
  /// (index) is the workspace's size.
  SmallVector<HostTokenRegion> tokenRegions(LaunchAttr launch,
                                            const KernelProblem &problem,
                                            const HostOperands &ops,
                                            Value &bytes);

  /// Enqueues, after `token`, the setup kernel's chunks, the decode
  /// kernel with predecoded tokens, and then the kernel of `launch` on
  /// `ops`, with the parameter block, status and token regions at `place`; returns the
  /// launch's token. `encode` is the declaration of
  /// kEncodeTensorMapFn. `moduleParams`: the kernel's parameter types
  /// when it is still in its gpu.module, else empty (pointers).
  Value enqueue(LaunchAttr launch, const KernelProblem &problem,
                ArrayRef<Type> moduleParams, const HostOperands &ops,
                const LaunchPlace &place, Value token,
                LLVM::LLVMFuncOp encode);

private:
  /// The rows of the one A / SFA / C of a problem that is not in list
  /// form (the maps' run-time rows and status[0]): A's rows (contiguous,
  /// offsets), G x max_m (masked); null in list form.
  Value contiguousRows(const KernelProblem &problem, const HostOperands &ops);

  /// status[0] as i32: contiguousRows, checked by a cf.assert to fit, or 0
  /// in list form.
  Value statusRows(Value contiguousRows);

  OpBuilder &b;
  Location loc;
  const LLVMTypeConverter &converter;
};

/// The declaration of kEncodeTensorMapFn in `module` (made if missing), or
/// null after an error if `module` has another symbol of that name.
LLVM::LLVMFuncOp getOrDeclareEncodeTensorMap(ModuleOp module);

/// Whether the host allocation `alloc`, which a launch uses, can become
/// managed memory (host=launch): every free of it is a memref.dealloc, and
/// no other user may free it (each says it does not, or passes it on: a
/// launch, a call, a return). Else says why on `diag`.
LogicalResult checkManagedAlloc(memref::AllocOp alloc,
                                InFlightDiagnostic &diag);

/// Replaces each of `allocs` by gpu.alloc host_shared (cuMemAllocManaged:
/// host and device address it), and its memref.deallocs by gpu.dealloc.
void makeManaged(ArrayRef<memref::AllocOp> allocs);

// LaunchChecks.cpp: what ggemm-lower-launch checks of a #ggemm.launch.

/// Grid, block and cluster of three sizes from 1 to 2^31 - 1 each, no
/// cluster, and a dynamic shared memory size a launch can take; else an
/// error at `at`.
LogicalResult checkLaunchShape(Operation *at, LaunchAttr launch);

/// With `callerStream` (host=stream), a launch of a kernel with predecoded
/// tokens is refused: its token workspace grows with the rows; else
/// success.
LogicalResult checkPredecodedHost(Operation *at, LaunchAttr launch,
                                  bool callerStream);

/// The tensor maps of `launch` for `problem`: 2 or 4 per operand set (sets
/// `problem.scaleMaps`), each a dense rank-2 byte map of A (the token
/// workspace's "tokens" with predecoded tokens, rows of the bytes the
/// decode kernel writes), B, SFA or SFB of a set the problem has, whose
/// rows are known (or -1, the run-time rows of A and SFA of a one-buffer
/// problem), with a box TMA takes and a swizzle the kernels use; else an
/// error at `at`.
LogicalResult checkLaunchTensorMaps(Operation *at, LaunchAttr launch,
                                    KernelProblem &problem);

// ProgramLaunches.cpp: the program's own buffers and launches around
// ggemm's.

/// The memref.alloc or memref.alloca that `buffer` is (a view of), or null.
Operation *rootAllocation(Value buffer);

/// Whether the host allocation `alloc`, which a kernel uses, is touched
/// only by kernels (host=stream): its users, through views, are launches
/// (ggemm's or gpu.launch_func), views, memref.dealloc and func.return
/// (the caller gets device memory). Else names the host op that uses it on
/// `diag`.
LogicalResult checkDeviceOnlyAlloc(memref::AllocOp alloc,
                                   InFlightDiagnostic &diag);

/// Replaces each of `allocs` by stream-ordered device memory on `stream`
/// (an async token standing for the caller's stream): gpu.alloc async,
/// and its memref.deallocs gpu.dealloc async, neither waited for.
void makeStreamOrdered(ArrayRef<memref::AllocOp> allocs, Value stream);

/// Replaces the synchronous program launch `launch` by the same launch
/// enqueued on `stream` (host=stream), not waited for, and skipped when
/// its grid is empty.
void enqueueOnStream(gpu::LaunchFuncOp launch, Value stream);

} // namespace mlir::ggemm

#endif // GGEMM_LIB_KERNEL_LAUNCHHOST_H
